#!/usr/bin/env bash
# The Python rows of targets.md (docs/benchmarks.md): unicors's ASGI, WSGI,
# Flask and Django adapters next to Starlette's CORSMiddleware, flask-cors
# and django-cors-headers, in one process per framework group, one run.
#
#   bash benches/python/run.sh            # ~3 min; REPEAT=11 SECONDS_PER=0.2
#
# Uses the venv bindings/python/run-tests.sh leaves in target/python
# (building it when missing), with the peers' pinned versions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/target/python/venv-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import unicors.asgi, starlette, flask_cors, corsheaders' 2>/dev/null; then
  "$ROOT/bindings/python/run-tests.sh" -q >/dev/null
fi
OUT="$ROOT/target/unicors-bench/python"
mkdir -p "$OUT"
"$VENV/bin/python" "$ROOT/benches/python/bench.py" --repeat "${REPEAT:-11}" --seconds "${SECONDS_PER:-0.2}" \
  --json "$OUT/results.json" | tee "$OUT/results.txt"
"$VENV/bin/python" "$ROOT/benches/python/report.py" "$OUT/results.json"
