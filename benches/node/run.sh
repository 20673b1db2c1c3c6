#!/usr/bin/env bash
# The Node rows of targets.md (docs/benchmarks.md): unicors's express
# middleware, node:http handle() and fastify hook next to the `cors` package
# and @fastify/cors, called directly in one process, one run.
#
#   bash benches/node/run.sh           # ~5 min; REPEAT=15 MS=200
#
# Pin it to one CPU on a shared machine (taskset -c 1 bash ...): every
# subject is timed in each repetition and the ratios are taken per
# repetition, but migrations still widen the spread.
#
# Builds the addon and installs the pinned peers (bindings/node's
# devDependencies) when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT/bindings/node"
[ -d node_modules/cors ] || npm ci --no-audit --no-fund --loglevel=error
ls unicors.*.node >/dev/null 2>&1 || npx napi build --platform --release >/dev/null
OUT="$ROOT/target/unicors-bench/node"
mkdir -p "$OUT"
node "$ROOT/benches/node/bench.mjs" --repeat "${REPEAT:-15}" --ms "${MS:-200}" --json "$OUT/results.json" | tee "$OUT/results.txt"
node "$ROOT/benches/node/report.mjs" "$OUT/results.json"
echo
echo "The crossing (ns per call):"
node "$ROOT/benches/node/crossing.mjs" --repeat "${REPEAT:-15}" --ms "${MS:-200}" | tee "$OUT/crossing.txt"
