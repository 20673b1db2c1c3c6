"""Summarises benches/nginx/run.sh's results.tsv as a markdown table.

Columns: workload, requests/s of each server (median, min–max over the
rounds), the module/map throughput ratio with its target (>= 0.97), and
the module's cost per request over plain nginx (1/rps_module - 1/rps_plain).
"""

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
    for line in open(path):
        _round, kind, server, value = line.split("\t")
        if value.strip():
            rps[(kind, server)].append(float(value))

    def cell(kind, server):
        values = rps[(kind, server)]
        return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"

    print("| workload | module req/s | map req/s | plain req/s | module / map | target | module cost per request |")
    print("|---|---|---|---|---|---|---|")
    worst = None
    for kind, label in KINDS.items():
        if not rps[(kind, "module")]:
            continue
        module = statistics.median(rps[(kind, "module")])
        mapped = statistics.median(rps[(kind, "map")])
        plain = statistics.median(rps[(kind, "plain")])
        ratio = module / mapped
        worst = ratio if worst is None else min(worst, ratio)
        cost_us = (1 / module - 1 / plain) * 1e6
        verdict = "pass" if ratio >= 0.97 else "miss"
        print(
            f"| {label} | {cell(kind, 'module')} | {cell(kind, 'map')} | {cell(kind, 'plain')} "
            f"| {ratio:.3f} | ≥ 0.97: {verdict} | {cost_us:+.2f} µs |"
        )
    print(f"\nworst module/map ratio: {worst:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
