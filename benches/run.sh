#!/usr/bin/env bash
# The core against the floor, in one process (docs/benchmarks.md).
#
# Usage: bash benches/run.sh [criterion args…]
#   e.g. bash benches/run.sh                     # everything (~4 min on 2 cores)
#        bash benches/run.sh '^(c|d)/'          # a criterion filter; callgrind still runs
# Env:   CALLGRIND_KINDS="c d"   kinds counted under callgrind (default: a to g)
#        CALLGRIND_N1=20000 CALLGRIND_N2=220000   the two iteration counts
#        SKIP_CRITERION=1 / SKIP_CALLGRIND=1 / SKIP_ALLOC=1   reuse earlier results
#
# Prints a markdown table: criterion medians with min–max over samples,
# instructions per decision from callgrind, and the targets of
# shared/reference/targets.md with pass/miss.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/unicors-bench
mkdir -p "$OUT"
KINDS=${CALLGRIND_KINDS:-a b c d e f g}
N1=${CALLGRIND_N1:-20000}
N2=${CALLGRIND_N2:-220000}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "rustc: $(rustc --version)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- core/src 2>/dev/null || echo ' (core/src modified)')"
  echo "load_start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

if [ -z "${SKIP_CRITERION:-}" ]; then
  cargo bench -p unicors-benches --bench core -- "$@"
fi

if [ -z "${SKIP_CALLGRIND:-}" ]; then
  command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)"; exit 1; }
  cargo build --release -p unicors-benches --bin callgrind
  : > "$OUT/callgrind.tsv"
  for kind in $KINDS; do
    for subject in floor core core_write; do
      irs=()
      for n in "$N1" "$N2"; do
        file="$OUT/callgrind.$subject.$kind.$n.out"
        valgrind --tool=callgrind --callgrind-out-file="$file" \
          target/release/callgrind "$subject" "$kind" "$n" 2> "$OUT/valgrind.log" \
          || { cat "$OUT/valgrind.log"; exit 1; }
        irs+=("$(sed -n 's/^summary: *//p; s/^totals: *//p' "$file" | head -1)")
      done
      per_op=$(python3 -c "print(f'{(${irs[1]} - ${irs[0]}) / ($N2 - $N1):.1f}')")
      printf '%s\t%s\t%s\n' "$kind" "$subject" "$per_op" >> "$OUT/callgrind.tsv"
      echo "callgrind $kind $subject: $per_op instructions per decision"
    done
  done
fi

if [ -z "${SKIP_ALLOC:-}" ]; then
  cargo test -q -p unicors --test allocations -- --nocapture 2>&1 \
    | grep -E 'allocations in|test result' > "$OUT/allocations.txt" || true
fi

echo "load_end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
python3 benches/report.py target/criterion "$OUT"
