#!/usr/bin/env bash
# The browser suite (browser.test.mjs): headless Chromium against the
# Python, Node and nginx surfaces, all enforcing tests/browser/policy.toml.
# Installs or builds what is missing — Debian's chromium (apt), the pinned
# playwright-core and express (npm ci), the Node addon, the nginx module,
# a Python venv with the unicors wheel and uvicorn — and reuses what the
# other test steps of .ci/run already built. Run from anywhere:
#
#   tests/browser/run.sh
#
# Ends with the scenario × surface table and `browser tests: all passed`.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
mkdir -p "$ROOT/target/browser"

if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi
/usr/bin/chromium --version 2>/dev/null | tail -n 1

if ! ls "$ROOT"/bindings/node/unicors.*.node >/dev/null 2>&1; then
  echo "== the Node addon"
  (cd "$ROOT/bindings/node" && npm ci --no-audit --no-fund --loglevel=error && npx napi build --platform --release >/dev/null)
fi

echo "== the nginx module"
module="$("$ROOT/bindings/nginx/build.sh" | tail -n 1)"
export UNICORS_NGINX_MODULE="$module"

echo "== a Python with the unicors wheel and uvicorn"
python=""
for candidate in "$ROOT"/target/python/venv-*/bin/python; do
  if [ -x "$candidate" ] && "$candidate" -c 'import unicors, uvicorn' 2>/dev/null; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then
  venv="$ROOT/target/browser/venv"
  python3 -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$ROOT/bindings/python" \
    "$(grep -E '^uvicorn==' "$ROOT/bindings/python/tests/requirements-adapters.txt")"
  python="$venv/bin/python"
fi
export UNICORS_PYTHON="$python"
echo "$python"

echo "== npm ci (playwright-core, express)"
cd "$HERE"
npm ci --no-audit --no-fund --loglevel=error

echo "== node --test browser.test.mjs"
status=0
node --test --test-reporter=spec --test-timeout=120000 browser.test.mjs 2>&1 | tee "$ROOT/target/browser/test.log" || status=$?
[ "$status" -eq 0 ] || { echo "browser tests: FAILED (log: target/browser/test.log)"; exit 1; }
echo "browser tests: all passed"
