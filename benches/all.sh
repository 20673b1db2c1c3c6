#!/usr/bin/env bash
# Every benchmark of targets.md in one run on this machine, then the
# consolidated table and chart (docs/benchmarks.md):
#
#   bash benches/all.sh          # ~35 min on 2 cores; nothing else should run
#
# 1. the core against the floor (criterion, callgrind, allocations): run.sh
# 2. the C ABI against the core: abi.sh
# 3. the Rust peers (tower-http, actix-cors) beside unicors: benches/peers
# 4. the Go peers (rs/cors, jub0bs/cors): benches/go/run.sh
# 5. the Python adapters against Starlette, flask-cors, django-cors-headers
# 6. the Node adapters against cors and @fastify/cors (pinned to CPU 1)
# 7. the nginx module against a map + add_header config (wrk)
# then benches/summary.py: one table of every target, docs/benchmarks.png.
# Each part's own tables are in target/unicors-bench/all.log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p target/unicors-bench
LOG=target/unicors-bench/all.log
: > "$LOG"
part() { echo "== $* ($(date -u +%H:%M:%S))" | tee -a "$LOG"; }

part "core against the floor"
bash benches/run.sh >>"$LOG" 2>&1
part "C ABI against the core"
bash benches/abi.sh >>"$LOG" 2>&1
part "Rust peers: tower-http, actix-cors"
CARGO_TARGET_DIR="$ROOT/target/peers" cargo bench --manifest-path benches/peers/Cargo.toml >>"$LOG" 2>&1
part "Go peers: rs/cors, jub0bs/cors"
bash benches/go/run.sh >>"$LOG" 2>&1
part "Python adapters"
bash benches/python/run.sh >>"$LOG" 2>&1
part "Node adapters"
taskset -c 1 bash benches/node/run.sh >>"$LOG" 2>&1
part "nginx module"
bash benches/nginx/run.sh >>"$LOG" 2>&1

part "summary"
VENV=target/bench-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import matplotlib' 2>/dev/null || "$VENV/bin/pip" install --quiet matplotlib==3.10.8
"$VENV/bin/python" benches/summary.py target docs/benchmarks.png | tee target/unicors-bench/summary.md
