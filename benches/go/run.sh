#!/usr/bin/env bash
# The Go peers (rs/cors, jub0bs/cors) on the workload of peer-bench.md:
# `go test -bench` in benches/go, 15 runs of 200 ms per row, each run's
# ns/op kept; the bare handler's row is subtracted by benches/summary.py.
#
#   bash benches/go/run.sh        # -> target/unicors-bench/go/bench.txt
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/target/unicors-bench/go"
mkdir -p "$OUT"
cd "$ROOT/benches/go"
go test -run TestPeersAnswer ./...
go test -run '^$' -bench . -benchtime "${BENCHTIME:-200ms}" -count "${COUNT:-15}" -benchmem | tee "$OUT/bench.txt"
