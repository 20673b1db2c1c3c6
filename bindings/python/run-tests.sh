#!/usr/bin/env bash
# The Python package's tests, against the installed wheel, never the source
# tree: builds one abi3 wheel (pip + maturin from PyPI, cargo from
# crates.io), installs it into a fresh venv, checks the hand-written stubs
# with mypy.stubtest, runs pytest from outside the source tree; then runs
# the same tests on every other CPython >= 3.9 found (pyenv or PATH) with
# the same wheel, to show the abi3 promise (the adapter tests, with real
# servers over loopback HTTP, run on the main interpreter only). Run from
# anywhere:
#
#   bindings/python/run-tests.sh [pytest args]
#
# Ends with `python tests: all passed on 3.x, 3.y` (exit 1 on a failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/target/python"
WHEELS="$OUT/wheels"
PYTHON=${PYTHON:-python3}
rm -rf "$WHEELS"
mkdir -p "$WHEELS"

echo "== building the wheel"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WHEELS" "$ROOT/bindings/python"
wheel=$(ls "$WHEELS"/unicors-*.whl)
echo "$(basename "$wheel")"
case "$wheel" in *-abi3-*) ;; *) echo "not an abi3 wheel: $wheel" >&2; exit 1 ;; esac

# run_on PYTHON MAIN: a fresh venv with the wheel and pytest; on the main
# interpreter (MAIN=1) also the adapters' frameworks and servers
# (tests/requirements-adapters.txt: elsewhere those tests skip) and stubtest.
run_on() {
    local python=$1 main=$2 version venv
    version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    venv="$OUT/venv-$version"
    echo "== CPython $version"
    "$python" -m venv --clear "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest "$wheel"
    if [ "$main" = 1 ]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check mypy \
            -r "$ROOT/bindings/python/tests/requirements-adapters.txt"
        # From a neutral directory so the source tree is not importable.
        (cd "$venv" && bin/python -m mypy.stubtest unicors --ignore-missing-stub \
            --mypy-config-file "$ROOT/bindings/python/tests/stubtest-mypy.ini")
    fi
    (cd "$venv" && bin/python -m pytest -q -p no:cacheprovider "$ROOT/bindings/python/tests" "${@:3}")
    VERSIONS+=("$version")
}

VERSIONS=()
run_on "$PYTHON" 1 "$@"
main=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
for candidate in 3.9 3.10 3.12 3.13; do
    [ "$candidate" = "$main" ] && continue
    python=$(ls -d "$HOME"/.pyenv/versions/"$candidate".*/bin/python"$candidate" 2>/dev/null | tail -n 1 || true)
    [ -z "$python" ] && python=$(command -v "python$candidate" || true)
    # (a pyenv shim for a version that is not installed exists but fails)
    [ -n "$python" ] && "$python" -c pass 2>/dev/null || continue
    run_on "$python" 0 -x
done
echo "python tests: all passed on ${VERSIONS[*]}"
