#!/usr/bin/env bash
# The C ABI's tests: builds libunicors (debug), compiles every test in
# tests/c with -std=c11 -Wall -Wextra -Werror -Wpedantic, links each one
# dynamically and statically and runs both; runs the dynamic builds under
# valgrind (0 errors, 0 definite/indirect leaks) and ASan+UBSan builds
# (static library, LeakSanitizer on); compiles and runs the C++17 test;
# checks the exported symbols and the SONAME. Run from anywhere:
#
#   tests/c/run.sh
#
# Objects and binaries go to target/c-tests/. Needs cargo, gcc, g++,
# valgrind, pkg-config and libjansson-dev (installed with apt-get when
# missing and running as root, as on a fresh Debian 12 CI machine).
# Ends with `C tests: all passed` (exit 0), or lists the failed steps (exit 1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/c-tests"
LIBDIR="$OUT/lib"
LOGS="$OUT/logs"
DEBUG="$ROOT/target/debug"
rm -rf "$OUT/bin" "$OUT/obj" "$LOGS"
mkdir -p "$OUT/bin" "$OUT/obj" "$LOGS" "$LIBDIR"

START=$EPOCHREALTIME
FAILED=()

elapsed() { # seconds since $1, one decimal
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

die() {
    echo "C tests: FAILED: $*" >&2
    exit 1
}

# step NAME [--show] CMD...: runs CMD with its output in $LOGS/NAME.log;
# prints the last line when it passes (the whole log with --show), and the
# log's tail when it fails. A failed step is recorded and the run goes on.
step() {
    local name=$1 show=0
    shift
    if [[ ${1-} == --show ]]; then
        show=1
        shift
    fi
    local log="$LOGS/$name.log" t0=$EPOCHREALTIME rc=0
    "$@" >"$log" 2>&1 || rc=$?
    local took
    took=$(elapsed "$t0")
    if ((rc == 0)); then
        if ((show)); then
            sed 's/^/    /' "$log"
        fi
        printf '  ok    %-24s %5ss  %s\n' "$name" "$took" "$(tail -n 1 "$log")"
    else
        printf '  FAIL  %-24s %5ss  exit %d; log %s:\n' "$name" "$took" "$rc" "${log#"$ROOT"/}"
        tail -n 60 "$log" | sed 's/^/    | /'
        FAILED+=("$name")
    fi
}

# ---- tools ------------------------------------------------------------------
missing=()
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v g++ >/dev/null || missing+=(g++)
if ! command -v pkg-config >/dev/null || ! pkg-config --exists jansson; then
    missing+=(libjansson-dev)
fi
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        die "missing ${missing[*]}: install them (apt-get install -y ${missing[*]})"
    fi
    echo "== installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    pkg-config --exists jansson || die "libjansson-dev installed but pkg-config cannot find jansson"
fi
read -r -a JANSSON <<<"$(pkg-config --cflags --libs jansson)"

# ---- the library --------------------------------------------------------------
echo "== cargo build -p unicors-ffi --locked"
t0=$EPOCHREALTIME
# The static library's native dependencies, as rustc reports them (this
# also rebuilds the staticlib, which is quick); the usual list otherwise.
NATIVE_LIBS=$(cargo rustc -p unicors-ffi --lib --locked --crate-type staticlib -- \
    --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1)
if [[ -z $NATIVE_LIBS ]]; then
    NATIVE_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
fi
read -r -a NATIVE <<<"$NATIVE_LIBS"
cargo build -p unicors-ffi --locked 2>&1 | tail -n 1
[[ -f $DEBUG/libunicors.so && -f $DEBUG/libunicors.a ]] || die "no libunicors in $DEBUG"
echo "   $(elapsed "$t0")s; static native libs: $NATIVE_LIBS"
# Programs linked with -lunicors load libunicors.so.0 (the SONAME), which
# cargo does not write: the tests' rpath points at a directory holding that link.
ln -sfn "$DEBUG/libunicors.so" "$LIBDIR/libunicors.so.0"

# ---- compile ------------------------------------------------------------------
CFLAGS=(-std=c11 -Wall -Wextra -Werror -Wpedantic -g -I include)
SAN=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
DYN_LINK=(-L "$DEBUG" -lunicors "-Wl,-rpath,$LIBDIR")
STATIC_LINK=("$DEBUG/libunicors.a" "${NATIVE[@]}")
TESTS=(corpus api builder threads operations)

extra_libs() { # per-test libraries
    case $1 in
    corpus) printf '%s\n' "${JANSSON[@]}" ;;
    threads | operations) echo -pthread ;;
    esac
}

echo "== compile (gcc ${CFLAGS[*]})"
t0=$EPOCHREALTIME
pids=()
for t in "${TESTS[@]}" leak_control; do
    gcc "${CFLAGS[@]}" -c "tests/c/$t.c" -o "$OUT/obj/$t.o" &
    pids+=($!)
    gcc "${CFLAGS[@]}" "${SAN[@]}" -c "tests/c/$t.c" -o "$OUT/obj/$t.asan.o" &
    pids+=($!)
done
g++ -std=c++17 -Wall -Wextra -Werror -Wpedantic -g -I include -c tests/c/cxx.cpp -o "$OUT/obj/cxx.o" &
pids+=($!)
# The header alone, as other C dialects see it.
for std in c99 c2x gnu11; do
    echo '#include "unicors.h"' | gcc -std=$std -Wall -Wextra -Werror -Wpedantic -I include \
        -fsyntax-only -x c - &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || die "compilation failed"; done

pids=()
for t in "${TESTS[@]}"; do
    mapfile -t libs < <(extra_libs "$t")
    gcc -g "$OUT/obj/$t.o" -o "$OUT/bin/$t-dyn" "${DYN_LINK[@]}" "${libs[@]}" &
    pids+=($!)
    gcc -g "$OUT/obj/$t.o" -o "$OUT/bin/$t-static" "${STATIC_LINK[@]}" "${libs[@]}" &
    pids+=($!)
    gcc -g "${SAN[@]}" "$OUT/obj/$t.asan.o" -o "$OUT/bin/$t-asan" "${STATIC_LINK[@]}" "${libs[@]}" &
    pids+=($!)
done
gcc -g "$OUT/obj/leak_control.o" -o "$OUT/bin/leak_control-dyn" "${DYN_LINK[@]}" &
pids+=($!)
gcc -g "${SAN[@]}" "$OUT/obj/leak_control.asan.o" -o "$OUT/bin/leak_control-asan" \
    "${STATIC_LINK[@]}" &
pids+=($!)
g++ -g "$OUT/obj/cxx.o" -o "$OUT/bin/cxx-dyn" "${DYN_LINK[@]}" &
pids+=($!)
for p in "${pids[@]}"; do wait "$p" || die "linking failed"; done
for t in "${TESTS[@]}"; do # (no `ldd | grep -q`: SIGPIPE under pipefail)
    [[ $(ldd "$OUT/bin/$t-static") != *libunicors* ]] || die "$t-static needs libunicors.so"
    [[ $(ldd "$OUT/bin/$t-dyn") == *"libunicors.so.0 => $LIBDIR/"* ]] ||
        die "$t-dyn does not load $LIBDIR/libunicors.so.0"
done
echo "   $(elapsed "$t0")s"

# ---- run ------------------------------------------------------------------------
VALGRIND=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --child-silent-after-fork=yes)
# api.c forks children for calls that may crash; their exits are theirs.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CASES="$ROOT/tests/cases"
THREAD_ITERATIONS=2000
VALGRIND_THREAD_ITERATIONS=100
SWAPS=2000
VALGRIND_SWAPS=100

# Do the leak gates work here? The control leaks on purpose.
LSAN=1
if ASAN_OPTIONS=detect_leaks=1 "$OUT/bin/leak_control-asan" >"$LOGS/leak_control-asan.log" 2>&1; then
    LSAN=0
    echo "WARNING: LeakSanitizer did not report the control leak; ASan runs with detect_leaks=0"
    tail -n 5 "$LOGS/leak_control-asan.log" | sed 's/^/    | /'
elif ! grep -q 'LeakSanitizer: detected memory leaks' "$LOGS/leak_control-asan.log"; then
    LSAN=0
    echo "WARNING: LeakSanitizer cannot run here; ASan runs with detect_leaks=0:"
    tail -n 5 "$LOGS/leak_control-asan.log" | sed 's/^/    | /'
fi
export ASAN_OPTIONS=detect_leaks=$LSAN

echo "== run (dynamic, static, valgrind on dynamic, ASan+UBSan on static; leak gates: valgrind + LSan=$LSAN)"
control_leaks() { # the control must fail with valgrind's error code
    local rc=0
    "${VALGRIND[@]}" "$OUT/bin/leak_control-dyn" || rc=$?
    if ((rc == 99)); then
        echo "valgrind reported the control leak (exit 99), as it must"
        return 0
    fi
    echo "valgrind did NOT report the control leak (exit $rc)"
    return 1
}
step valgrind-control control_leaks

step corpus-dyn --show "$OUT/bin/corpus-dyn" "$CASES"
step corpus-static "$OUT/bin/corpus-static" "$CASES"
step corpus-valgrind "${VALGRIND[@]}" "$OUT/bin/corpus-dyn" "$CASES"
step corpus-asan "$OUT/bin/corpus-asan" "$CASES"

TMP_API=$(mktemp -d "${TMPDIR:-/tmp}/unicors-c-tests.XXXXXX")
trap 'rm -rf "$TMP_API"' EXIT
step api-dyn "$OUT/bin/api-dyn" "$TMP_API"
step api-static "$OUT/bin/api-static" "$TMP_API"
step api-valgrind "${VALGRIND[@]}" "$OUT/bin/api-dyn" "$TMP_API"
step api-asan "$OUT/bin/api-asan" "$TMP_API"
step builder-dyn "$OUT/bin/builder-dyn" "$TMP_API"
step builder-static "$OUT/bin/builder-static" "$TMP_API"
step builder-valgrind "${VALGRIND[@]}" "$OUT/bin/builder-dyn" "$TMP_API"
step builder-asan "$OUT/bin/builder-asan" "$TMP_API"

step threads-dyn "$OUT/bin/threads-dyn" "$THREAD_ITERATIONS"
step threads-static "$OUT/bin/threads-static" "$THREAD_ITERATIONS"
step threads-valgrind "${VALGRIND[@]}" "$OUT/bin/threads-dyn" "$VALGRIND_THREAD_ITERATIONS"
step threads-asan "$OUT/bin/threads-asan" "$THREAD_ITERATIONS"
step operations-dyn --show "$OUT/bin/operations-dyn" "$SWAPS"
step operations-static "$OUT/bin/operations-static" "$SWAPS"
# --fair-sched: the writer waits for the readers between swaps; valgrind's
# default scheduling lets a yielding thread spin for its whole time slice.
step operations-valgrind "${VALGRIND[@]}" --fair-sched=yes "$OUT/bin/operations-dyn" "$VALGRIND_SWAPS"
step operations-asan "$OUT/bin/operations-asan" "$SWAPS"

step cxx-dyn "$OUT/bin/cxx-dyn"
step cxx-valgrind "${VALGRIND[@]}" "$OUT/bin/cxx-dyn"

# ---- the shared library's surface --------------------------------------------
symbols() {
    local exported declared
    exported=$(nm -D --defined-only "$DEBUG/libunicors.so" | awk '{ print $NF }' | sort)
    local stray
    stray=$(grep -v '^unicors_' <<<"$exported" || true)
    if [[ -n $stray ]]; then
        echo "exported symbols without the unicors_ prefix:"
        echo "$stray"
        return 1
    fi
    # Exactly the functions the header declares.
    declared=$(grep -oE '\bunicors_[a-z0-9_]+\(' include/unicors.h | tr -d '(' | sort -u)
    if [[ $exported != "$declared" ]]; then
        echo "exported and declared functions differ (< exported, > declared):"
        diff <(echo "$exported") <(echo "$declared") || true
        return 1
    fi
    echo "$(wc -l <<<"$exported") exported symbols, all unicors_*, all declared in include/unicors.h"
}
soname() {
    local name
    name=$(readelf -d "$DEBUG/libunicors.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    echo "SONAME: ${name:-none}"
    [[ $name == libunicors.so.0 ]]
}
must_use() { # ignoring a status must not compile with -Werror
    local src='#include "unicors.h"
void f(const unicors_policy *p, unicors_decision *d);
void f(const unicors_policy *p, unicors_decision *d) { unicors_evaluate(p, 0, 0, 0, 0, 0, 0, 0, d); }'
    # (-c, not -fsyntax-only: gcc warns about unused results only when compiling)
    if gcc -std=c11 -Wall -Werror -I include -c -o /dev/null -x c - <<<"$src"; then
        echo "ignoring unicors_evaluate's status compiled without a warning"
        return 1
    fi
    echo "ignoring a returned status is an error under -Werror (UNICORS_MUST_USE)"
}
step symbols symbols
step soname soname
step must-use must_use

echo "== $(elapsed "$START")s in all"
if ((${#FAILED[@]})); then
    echo "C tests: FAILED (${#FAILED[@]} steps: ${FAILED[*]})" >&2
    exit 1
fi
echo "C tests: all passed"
