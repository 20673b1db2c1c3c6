#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/) for SECONDS each — 25 by
# default, the smoke run of .ci/run; docs/security.md records a longer one —
# with libFuzzer on the stable toolchain (--sanitizer none), seeded from the
# shared corpus (fuzz/seeds.py). Installs cargo-fuzz when missing. Inputs it
# finds are kept under target/fuzz/corpus/<target>; a crash stops the run
# with its input saved under target/fuzz/artifacts/<target>/ (turn it into
# a corpus case or a unit test, then fix). Run from anywhere:
#
#   fuzz/run.sh [SECONDS [TARGET...]]
#
# Prints one line per target (runs, coverage, corpus size) and ends with
# `fuzz: N targets, 0 crashes`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EACH="${1:-25}"
TARGETS=(policy_document origin evaluate c_abi)
[ $# -gt 1 ] && TARGETS=("${@:2}")
OUT="$ROOT/target/fuzz"
cd "$ROOT"

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
cargo fuzz build --sanitizer none -O
rm -rf "$OUT/seeds"
python3 fuzz/seeds.py "$OUT/seeds" >/dev/null

for target in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$target" "$OUT/artifacts/$target"
  log="$OUT/$target.log"
  status=0
  cargo fuzz run --sanitizer none -O "$target" "$OUT/corpus/$target" "$OUT/seeds/$target" -- \
    -max_total_time="$EACH" -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$target/" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    grep -E "panicked|ERROR|SUMMARY|Test unit written|artifact" "$log" | head -n 20
    echo "fuzz $target: CRASH (exit $status; log: $log)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
  echo "fuzz $target: $runs runs in ${EACH} s, cov $cov, ft $ft, corpus $corpus, 0 crashes"
done
echo "fuzz: ${#TARGETS[@]} targets, 0 crashes"
