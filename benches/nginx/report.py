"""Summarises benches/nginx/run.sh's results.tsv as a markdown table.

Columns: workload, requests/s of each server (median, min–max over the
rounds), the module/map throughput ratio with its target (>= 0.97), and
the module's cost per request over plain nginx (1/rps_module - 1/rps_plain).

The ratio is paired: module/map within each round (the two runs are
adjacent, so they share whatever else the machine was doing), then the
median over rounds with its min–max. On a shared 2-core machine that is far
steadier than a ratio of medians taken across rounds.
"""

import json
import os
import statistics
import sys
from collections import defaultdict

KINDS = {
    "a": "(a) allowed preflight",
    "b": "(b) allowed GET, 10 browser headers",
    "c": "(c) disallowed origin",
    "d": "(d) no Origin",
}


def main(path):
    rps = defaultdict(list)
    by_round = defaultdict(dict)
    for line in open(path):
        round_, kind, server, value = line.split("\t")
        if value.strip():
            rps[(kind, server)].append(float(value))
            by_round[(kind, round_)][server] = float(value)

    def cell(kind, server):
        values = rps[(kind, server)]
        return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"

    print("| workload | module req/s | map req/s | plain req/s | module / map (paired) | target | module cost per request |")
    print("|---|---|---|---|---|---|---|")
    worst = None
    ratios = {}
    for kind, label in KINDS.items():
        if not rps[(kind, "module")]:
            continue
        module = statistics.median(rps[(kind, "module")])
        mapped = statistics.median(rps[(kind, "map")])
        plain = statistics.median(rps[(kind, "plain")])
        pairs = [r["module"] / r["map"] for (k, _), r in by_round.items()
                 if k == kind and "module" in r and "map" in r]
        ratio = statistics.median(pairs)
        ratios[kind] = ratio
        worst = ratio if worst is None else min(worst, ratio)
        cost_us = (1 / module - 1 / plain) * 1e6
        verdict = "pass" if ratio >= 0.97 else "miss"
        print(
            f"| {label} | {cell(kind, 'module')} | {cell(kind, 'map')} | {cell(kind, 'plain')} "
            f"| {ratio:.3f} ({min(pairs):.3f}–{max(pairs):.3f}) | ≥ 0.97: {verdict} | {cost_us:+.2f} µs |"
        )
    print(f"\nworst module/map ratio: {worst:.3f}")
    # targets.json, for benches/summary.py
    with open(os.path.join(os.path.dirname(path), "targets.json"), "w") as f:
        json.dump([{"surface": "nginx", "target": "module ≥ 0.97 × map throughput", "limit": 0.97,
                    "direction": "ge", "ratios": ratios}], f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
