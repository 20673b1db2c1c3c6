#!/usr/bin/env python3
"""The whole targets.md table from one run of benches/all.sh: the rows each
surface's report wrote (target/unicors-bench/**/targets.json: core, C ABI,
Python, Node, nginx) plus the peers of the core row, computed here from
their raw results (tower-http and actix-cors from criterion under
target/criterion; rs/cors and jub0bs/cors from `go test -bench` in
target/unicors-bench/go/bench.txt). Prints one markdown table and draws
docs/benchmarks.png: for every row and kind, the share of its target used
(measured / limit, or limit / measured for a floor such as nginx's
throughput), so that everything left of 1 passes.

    python3 benches/summary.py [target] [docs/benchmarks.png]
"""

import json
import os
import re
import statistics
import sys

KINDS = ["a", "b", "c", "d", "e", "f", "g"]


def load_json(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def criterion_median(root, group, function):
    path = os.path.join(root, group, function, "new", "estimates.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"]


def go_medians(path):
    """{(subject, kind): median ns/op} from `go test -bench` output."""
    runs = {}
    if not os.path.exists(path):
        return {}
    pattern = re.compile(r"^BenchmarkPeers/([\w-]+)/([a-e])-\d+\s+\d+\s+([\d.]+) ns/op")
    with open(path) as f:
        for line in f:
            m = pattern.match(line)
            if m:
                runs.setdefault((m[1], m[2]), []).append(float(m[3]))
    return {key: statistics.median(values) for key, values in runs.items()}


def peer_rows(target):
    """The core row against the peers: unicors's cost / the peer's (faster: < 1)."""
    # criterion writes under CARGO_TARGET_DIR when cargo passes it on
    # (target/peers/criterion), else beside the workspace's own results.
    root = os.path.join(target, "peers", "criterion")
    if not os.path.isdir(os.path.join(root, "a")):
        root = os.path.join(target, "criterion")
    rows = []
    ours = {k: criterion_median(root, k, "unicors_core") for k in "abcde"}

    def cost(k, subject, bare):
        with_layer, without = criterion_median(root, k, subject), criterion_median(root, k, bare)
        return None if with_layer is None or without is None else with_layer - without

    def row(name, theirs, mine=None):
        mine = mine or ours
        ratios = {k: (mine[k] / theirs[k] if mine.get(k) and theirs.get(k) and theirs[k] > 0 else None) for k in "abcde"}
        rows.append({"surface": "core", "target": f"faster than {name}", "limit": 1.0, "direction": "le",
                     "ratios": ratios})

    row("tower-http", {k: cost(k, "tower_http", "tower_bare") for k in "abcde"})
    row("tower-http, as tower layers", {k: cost(k, "tower_http", "tower_bare") for k in "abcde"},
        {k: cost(k, "unicors_tower", "tower_bare") for k in "abcde"})
    row("actix-cors", {k: cost(k, "actix_cors", "actix_bare") for k in "abcde"})
    go = go_medians(os.path.join(target, "unicors-bench", "go", "bench.txt"))
    for subject, name in [("rs-cors", "rs/cors (Go)"), ("jub0bs-cors", "jub0bs/cors (Go)")]:
        theirs = {}
        for k in "abcde":
            if (subject, k) in go and ("bare", k) in go:
                theirs[k] = go[(subject, k)] - go[("bare", k)]
        row(name, theirs)
    return rows


def share(row, kind):
    r = row["ratios"].get(kind)
    if r is None:
        return None
    return r / row["limit"] if row["direction"] == "le" else row["limit"] / r


def passes(row):
    shares = [share(row, k) for k in KINDS if row["ratios"].get(k) is not None]
    return bool(shares) and all(s is not None and s <= 1 for s in shares)


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "target"
    chart = sys.argv[2] if len(sys.argv) > 2 else os.path.join("docs", "benchmarks.png")
    bench = os.path.join(target, "unicors-bench")
    rows = load_json(os.path.join(bench, "targets.json")) + peer_rows(target)
    rows += load_json(os.path.join(bench, "abi_targets.json"))
    for surface in ["python", "node", "nginx"]:
        rows += load_json(os.path.join(bench, surface, "targets.json"))

    print("| surface | target | " + " | ".join(f"({k})" for k in KINDS) + " | verdict |")
    print("|---|---|" + "---|" * (len(KINDS) + 1))
    for row in rows:
        cells = []
        for k in KINDS:
            r = row["ratios"].get(k)
            cells.append("" if k not in row["ratios"] else ("—" if r is None else f"{r:.2f}"))
        print(f"| {row['surface']} | {row['target']} | " + " | ".join(cells)
              + f" | {'pass' if passes(row) else '**miss**'} |")

    draw(rows, chart)
    print(f"\nchart: {chart}")


def draw(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values, colours = [], [], []
    # Shares are drawn within [-LIMIT, LIMIT] (a negative cost — the layer
    # made the request cheaper than the bare app — or a far miss would
    # squash every other bar); a clipped bar carries its value.
    limit = 3.0
    clipped = []
    for row in rows:
        for k in KINDS:
            s = share(row, k)
            if s is None:
                continue
            labels.append(f"{row['surface']}: {row['target']} ({k})")
            values.append(max(-limit, min(limit, s)))
            colours.append("#2b8a3e" if s <= 1 else "#c92a2a")
            if abs(s) > limit:
                clipped.append((len(values) - 1, s))
    fig, ax = plt.subplots(figsize=(10, 0.22 * len(labels) + 1.2))
    y = range(len(labels))
    ax.barh(y, values, color=colours)
    ax.set_xlim(-limit - 0.2, limit + 0.8)
    for index, s in clipped:
        ax.text(values[index], index, f" {s:.1f}", va="center", fontsize=6,
                ha="left" if s > 0 else "right")
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_yticks(list(y), labels, fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel("share of the target used (measured / target; left of 1 passes)")
    ax.set_title("unicors against targets.md, one run (benches/all.sh)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
