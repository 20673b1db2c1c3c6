#!/usr/bin/env bash
# The nginx module's end-to-end tests: builds ngx_http_unicors_module.so with
# bindings/nginx/build.sh (which prints the module's absolute path as its
# last line of stdout), then runs tests/nginx/run.py against it. Run from
# anywhere:
#
#   tests/nginx/run.sh            # extra arguments go to run.py (--keep, ...)
#
# Ends with `nginx tests: N passed, M failed` (exit 1 on any failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

build_out="$(bindings/nginx/build.sh)" || { echo "nginx tests: FAILED: bindings/nginx/build.sh exited $?" >&2; exit 1; }
module="$(printf '%s\n' "$build_out" | tail -n 1)"
case "$module" in
    /*) ;;
    *) echo "nginx tests: FAILED: build.sh's last line is not an absolute path: '$module'" >&2; exit 1 ;;
esac
[ -f "$module" ] || { echo "nginx tests: FAILED: module not found: $module" >&2; exit 1; }

exec python3 "$ROOT/tests/nginx/run.py" --module "$module" "$@"
