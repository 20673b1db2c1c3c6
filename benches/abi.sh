#!/usr/bin/env bash
# The C ABI against the core called directly, on (a)-(e) (docs/benchmarks.md, "C ABI").
#
# Usage: bash benches/abi.sh            # from anywhere (~2 min on 2 cores)
# Env:   ABI_BATCHES=30                  batches timed per kind in C (median, min-max)
#        CALLGRIND_N1=20000 CALLGRIND_N2=220000   the two iteration counts
#        SKIP_CRITERION=1 / SKIP_CALLGRIND=1      reuse earlier results
#        CRITERION_ARGS="--measurement-time 2"    extra criterion arguments
#
# 1. builds the RELEASE static library (cargo build --release -p unicors-ffi
#    --locked) and links benches/c/abi_bench.c against target/release/libunicors.a
#    and the native libraries rustc prints (--print native-static-libs), with
#    -std=c11 -Wall -Wextra -Werror -O2;
# 2. criterion: the Rust rows `core` and `core_read` of (a)-(e) (benches/core.rs);
# 3. the C rows, right after: `abi` (unicors_evaluate into one reused
#    unicors_decision) and `abi_read` (the same, then kind, status,
#    header_count, header_at for each header, vary: what a host reads),
#    ns per decision over ABI_BATCHES batches (clock_gettime);
# 4. callgrind, two iteration counts, dIr/dN, for abi, abi_read, core, core_read;
# 5. prints the table (benches/report.py ... abi).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/unicors-bench
mkdir -p "$OUT"
KINDS="a b c d e"
N1=${CALLGRIND_N1:-20000}
N2=${CALLGRIND_N2:-220000}
BATCHES=${ABI_BATCHES:-30}
CC=${CC:-cc}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "rustc: $(rustc --version); cc: $($CC --version | head -1)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- core/src ffi/src 2>/dev/null || echo ' (core/src or ffi/src modified)')"
  echo "load_start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/abi_machine.txt"

# The native libraries the static library needs. rustc prints them only when
# it compiles, so the answer is kept for later runs.
NATIVE_FILE="$OUT/native-static-libs.txt"
note=$(cargo rustc -q --release --locked -p unicors-ffi --lib --crate-type staticlib \
  -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: *//p' | tail -1)
if [ -n "$note" ]; then
  echo "$note" > "$NATIVE_FILE"
elif [ ! -s "$NATIVE_FILE" ]; then
  echo "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" > "$NATIVE_FILE"
fi
NATIVE=$(cat "$NATIVE_FILE")
cargo build --release -p unicors-ffi --locked
BIN="$OUT/abi_bench"
# shellcheck disable=SC2086 # NATIVE is a list of flags
"$CC" -std=c11 -Wall -Wextra -Werror -O2 -Iinclude benches/c/abi_bench.c \
  target/release/libunicors.a $NATIVE -o "$BIN"
echo "linked: $CC -std=c11 -Wall -Wextra -Werror -O2 -Iinclude benches/c/abi_bench.c target/release/libunicors.a $NATIVE" \
  >> "$OUT/abi_machine.txt"
for kind in $KINDS; do "$BIN" show "$kind" > /dev/null; done
cargo build --release -p unicors-benches --bin callgrind

if [ -z "${SKIP_CRITERION:-}" ]; then
  # shellcheck disable=SC2086 # extra arguments, split on purpose
  cargo bench -p unicors-benches --bench core -- '^(a|b|c|d|e)/core(_read)?$' ${CRITERION_ARGS:-}
  : > "$OUT/abi_time.tsv"
  for subject in abi abi_read; do
    "$BIN" time "$subject" abcde "$BATCHES" | tee -a "$OUT/abi_time.tsv"
  done
fi

if [ -z "${SKIP_CALLGRIND:-}" ]; then
  command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)"; exit 1; }
  : > "$OUT/abi_callgrind.tsv"
  count() { # KIND SUBJECT N -> total Ir
    local file="$OUT/callgrind.$2.$1.$3.out"
    case $2 in
      abi*) valgrind --tool=callgrind --callgrind-out-file="$file" "$BIN" count "$2" "$1" "$3" ;;
      *) valgrind --tool=callgrind --callgrind-out-file="$file" target/release/callgrind "$2" "$1" "$3" ;;
    esac 2> "$OUT/valgrind.log" || { cat "$OUT/valgrind.log"; exit 1; }
    sed -n 's/^summary: *//p; s/^totals: *//p' "$file" | head -1
  }
  for kind in $KINDS; do
    for subject in core core_read abi abi_read; do
      ir1=$(count "$kind" "$subject" "$N1")
      ir2=$(count "$kind" "$subject" "$N2")
      per_op=$(python3 -c "print(f'{($ir2 - $ir1) / ($N2 - $N1):.1f}')")
      printf '%s\t%s\t%s\n' "$kind" "$subject" "$per_op" >> "$OUT/abi_callgrind.tsv"
      echo "callgrind $kind $subject: $per_op instructions per decision"
    done
  done
fi

echo "load_end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/abi_machine.txt"
python3 benches/report.py target/criterion "$OUT" abi
