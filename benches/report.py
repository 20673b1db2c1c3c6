#!/usr/bin/env python3
"""Prints the markdown tables of docs/benchmarks.md from criterion's and
callgrind's results.

Usage: python3 benches/report.py [target/criterion] [target/unicors-bench] [abi]
(`abi`: the C ABI table of benches/abi.sh instead.)
"""

import json
import os
import sys

KINDS = {
    "a": "(a) allowed preflight",
    "b": "(b) allowed actual",
    "c": "(c) disallowed origin",
    "d": "(d) no Origin",
    "e": "(e) hostile preflight, 4 KiB ACRH",
    "f": "(f) preflight, 1000 origins",
    "g": "(g) preflight, 1 MiB ACRH",
}
SUBJECTS = ["floor", "core", "core_write"]


def load(criterion, group, function):
    """Median, its 95 % CI, and min/max of the per-iteration sample means (ns)."""
    base = os.path.join(criterion, group, function, "new")
    try:
        with open(os.path.join(base, "estimates.json")) as f:
            estimates = json.load(f)
        with open(os.path.join(base, "sample.json")) as f:
            sample = json.load(f)
    except FileNotFoundError:
        return None
    median = estimates["median"]
    per_iter = [t / n for t, n in zip(sample["times"], sample["iters"])]
    return {
        "median": median["point_estimate"],
        "ci": (median["confidence_interval"]["lower_bound"], median["confidence_interval"]["upper_bound"]),
        "min": min(per_iter),
        "max": max(per_iter),
    }


def ns(value):
    if value >= 1000:
        return f"{value / 1000:.2f} µs"
    if value >= 100:
        return f"{value:.0f} ns"
    return f"{value:.1f} ns"


def cell(m):
    if m is None:
        return "—"
    return f"{ns(m['median'])} ({ns(m['min'])}–{ns(m['max'])})"


def ratio(x, y):
    return x / y if x is not None and y else None


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def verdict(ok):
    return "—" if ok is None else ("**pass**" if ok else "**miss**")


def read_tsv(path):
    """Rows of a tab-separated file, or none."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def abi(criterion, out):
    """The C ABI (benches/abi.sh) against the core called directly, (a)-(e)."""
    kinds = ["a", "b", "c", "d", "e"]
    times = {(k, s): load(criterion, k, s) for k in kinds for s in ["core", "core_read"]}
    for kind, subject, median, lo, hi in read_tsv(os.path.join(out, "abi_time.tsv")):
        times[(kind, subject)] = {"median": float(median), "min": float(lo), "max": float(hi)}
    irs = {(k, s): float(v) for k, s, v in read_tsv(os.path.join(out, "abi_callgrind.tsv"))}

    def med(k, s):
        m = times.get((k, s))
        return m["median"] if m else None

    def ir(k, s):
        v = irs.get((k, s))
        return "—" if v is None else f"{v:.0f}"

    machine = os.path.join(out, "abi_machine.txt")
    if os.path.exists(machine):
        with open(machine) as f:
            print("".join(f"- {line}" for line in f))
    print("Rust: criterion median (min–max of the sample means); C: median (min–max) of the batch means; "
          "instructions per decision from callgrind.\n")
    print("| kind | core `evaluate` | core + read | C `unicors_evaluate` | C + read "
          "| C / core | C + read / core + read | Ir core | Ir core + read | Ir C | Ir C + read "
          "| Ir C + read / core + read |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k in kinds:
        print(
            f"| {KINDS[k]} | {cell(times.get((k, 'core')))} | {cell(times.get((k, 'core_read')))} "
            f"| {cell(times.get((k, 'abi')))} | {cell(times.get((k, 'abi_read')))} "
            f"| {fmt_ratio(ratio(med(k, 'abi'), med(k, 'core')))} "
            f"| {fmt_ratio(ratio(med(k, 'abi_read'), med(k, 'core_read')))} "
            f"| {ir(k, 'core')} | {ir(k, 'core_read')} | {ir(k, 'abi')} | {ir(k, 'abi_read')} "
            f"| {fmt_ratio(ratio(irs.get((k, 'abi_read')), irs.get((k, 'core_read'))))} |"
        )
    print()
    print("| target (targets.md, C ABI row) | measured (C + read against core + read; bare evaluate in brackets) "
          "| verdict |")
    print("|---|---|---|")
    for k in ["a", "b"]:
        r = ratio(med(k, "abi_read"), med(k, "core_read"))
        r0 = ratio(med(k, "abi"), med(k, "core"))
        print(f"| {KINDS[k]}: C ABI ≤ 1.2× core | {fmt_ratio(r)} ({fmt_ratio(r0)}) "
              f"| {verdict(None if r is None else r <= 1.2)} |")
    for k in ["c", "d"]:
        c, r = med(k, "abi_read"), med(k, "core_read")
        c0, r0 = med(k, "abi"), med(k, "core")
        diff = None if c is None or r is None else c - r
        diff0 = None if c0 is None or r0 is None else c0 - r0
        dtxt = "—" if diff is None else f"{diff:+.1f} ns"
        d0txt = "—" if diff0 is None else f"{diff0:+.1f} ns"
        print(f"| {KINDS[k]}: C ABI ≤ core + 5 ns | {dtxt} ({d0txt}) "
              f"| {verdict(None if diff is None else diff <= 5)} |")
    # abi_targets.json, for benches/summary.py: (c), (d) as (C + read) / (core + read + 5 ns).
    exported = [
        {"surface": "C ABI", "target": "C ABI ≤ 1.2 × core", "limit": 1.2, "direction": "le",
         "ratios": {k: ratio(med(k, "abi_read"), med(k, "core_read")) for k in ["a", "b"]}},
        {"surface": "C ABI", "target": "C ABI ≤ core + 5 ns", "limit": 1.0, "direction": "le",
         "ratios": {k: ratio(med(k, "abi_read"), med(k, "core_read") and med(k, "core_read") + 5) for k in ["c", "d"]}},
    ]
    with open(os.path.join(out, "abi_targets.json"), "w") as f:
        json.dump(exported, f, indent=1)


def main():
    criterion = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
    out = sys.argv[2] if len(sys.argv) > 2 else "target/unicors-bench"
    if len(sys.argv) > 3 and sys.argv[3] == "abi":
        abi(criterion, out)
        return

    times = {(k, s): load(criterion, k, s) for k in KINDS for s in SUBJECTS}
    origins = {name: load(criterion, "origins", name) for name in ["a_3", "a_1000", "b_3", "b_1000"]}
    irs = {}
    path = os.path.join(out, "callgrind.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                kind, subject, per_op = line.split()
                irs[(kind, subject)] = float(per_op)

    def med(k, s):
        m = times.get((k, s))
        return m["median"] if m else None

    machine = os.path.join(out, "machine.txt")
    if os.path.exists(machine):
        with open(machine) as f:
            print("".join(f"- {line}" for line in f))

    print("Median (min–max of the 50 sample means) per decision; instructions per decision from callgrind.\n")
    print("| kind | floor | core `evaluate` | core `evaluate` + write | evaluate / floor | + write / floor "
          "| Ir floor | Ir core | Ir core + write | Ir core / floor | Ir + write / floor |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k, label in KINDS.items():
        f_, c, w = (times[(k, s)] for s in SUBJECTS)
        i_f, i_c, i_w = (irs.get((k, s)) for s in SUBJECTS)
        print(
            f"| {label} | {cell(f_)} | {cell(c)} | {cell(w)} "
            f"| {fmt_ratio(ratio(med(k, 'core'), med(k, 'floor')))} "
            f"| {fmt_ratio(ratio(med(k, 'core_write'), med(k, 'floor')))} "
            f"| {'—' if i_f is None else f'{i_f:.0f}'} | {'—' if i_c is None else f'{i_c:.0f}'} "
            f"| {'—' if i_w is None else f'{i_w:.0f}'} "
            f"| {fmt_ratio(ratio(i_c, i_f))} | {fmt_ratio(ratio(i_w, i_f))} |"
        )
    print()
    print("| core `evaluate` | 3 origins | 1000 origins | 1000 / 3 |")
    print("|---|---|---|---|")
    for k in ["a", "b"]:
        small, big = origins[f"{k}_3"], origins[f"{k}_1000"]
        r = ratio(big and big["median"], small and small["median"])
        print(f"| {KINDS[k]} | {cell(small)} | {cell(big)} | {fmt_ratio(r)} |")
    print()

    # The hostile requests (benches/src/hostile.rs): bounded time next to an
    # ordinary preflight; core/tests/allocations.rs shows they allocate nothing.
    hostile_names = ["ordinary preflight", "1 MiB ACRH of commas", "1 MiB ACRH of spaces",
                     "1 MiB ACRH of one name", "8 KiB ACRH of one allowed name", "10,000 ACRH elements",
                     "4,096 ACRH lines", "64 KiB Origin", "10,000 header lines", "non-UTF-8 Origin",
                     "CR LF in Origin"]
    hostile = {name: load(criterion, "hostile", name) for name in hostile_names}
    if any(hostile.values()):
        base = hostile["ordinary preflight"]
        print("| hostile request | core `evaluate` | / ordinary preflight |")
        print("|---|---|---|")
        for name in hostile_names:
            m = hostile[name]
            print(f"| {name} | {cell(m)} | {fmt_ratio(ratio(m and m['median'], base and base['median']))} |")
        print()

    # Report-only evaluation (docs/operations.md): two evaluations and a
    # comparison, against the same policy and against a candidate.
    shadow = {f"{k}_{w}": load(criterion, "shadow", f"{k}_{w}") for k in "abcde" for w in ("same", "candidate")}
    if any(shadow.values()):
        print("| kind | core `evaluate` | shadowed, same policy | shadowed, candidate | same / (2 × core) | candidate / (2 × core) |")
        print("|---|---|---|---|---|---|")
        for k in "abcde":
            core = load(criterion, k, "core")
            same, cand = shadow[f"{k}_same"], shadow[f"{k}_candidate"]
            twice = core and 2 * core["median"]
            print(f"| {KINDS[k]} | {cell(core)} | {cell(same)} | {cell(cand)} | "
                  f"{fmt_ratio(ratio(same and same['median'], twice))} | {fmt_ratio(ratio(cand and cand['median'], twice))} |")
        print()

    # The targets of shared/reference/targets.md, judged on `evaluate` alone
    # (the surface targets.md names) and, in brackets, on evaluate + write.
    print("| target (targets.md) | measured | verdict |")
    print("|---|---|---|")
    exported = [  # targets.json, for benches/summary.py
        {"surface": "core", "target": "core ≤ 1.5 × floor", "limit": 1.5, "direction": "le",
         "ratios": {k: ratio(med(k, "core"), med(k, "floor")) for k in ["a", "b", "e"]}},
        {"surface": "core", "target": "core ≤ 1.5 × floor instructions", "limit": 1.5, "direction": "le",
         "ratios": {k: ratio(irs.get((k, "core")), irs.get((k, "floor"))) for k in ["c", "d"]}},
        {"surface": "core", "target": "1000 origins ≤ 1.2 × 3 origins", "limit": 1.2, "direction": "le",
         "ratios": {k: ratio(origins[f"{k}_1000"] and origins[f"{k}_1000"]["median"],
                             origins[f"{k}_3"] and origins[f"{k}_3"]["median"]) for k in ["a", "b"]}},
        {"surface": "core", "target": "(g) ≤ 2 × (a)", "limit": 2.0, "direction": "le",
         "ratios": {"g": ratio(med("g", "core"), med("a", "core"))}},
    ]
    with open(os.path.join(out, "targets.json"), "w") as f:
        json.dump(exported, f, indent=1)
    for k in ["a", "b", "e"]:
        r = ratio(med(k, "core"), med(k, "floor"))
        rw = ratio(med(k, "core_write"), med(k, "floor"))
        ok = None if r is None else r <= 1.5
        print(f"| {KINDS[k]}: core ≤ 1.5× floor | {fmt_ratio(r)} (with write {fmt_ratio(rw)}) | {verdict(ok)} |")
    for k in ["c", "d"]:
        c, f_ = med(k, "core"), med(k, "floor")
        diff = None if c is None or f_ is None else c - f_
        ir = ratio(irs.get((k, "core")), irs.get((k, "floor")))
        irw = ratio(irs.get((k, "core_write")), irs.get((k, "floor")))
        ok = None if diff is None and ir is None else ((diff is not None and diff <= 10) or (ir is not None and ir <= 1.5))
        dtxt = "—" if diff is None else f"+{diff:.1f} ns"
        print(f"| {KINDS[k]}: core ≤ floor + 10 ns, or ≤ 1.5× instructions "
              f"| {dtxt}; {fmt_ratio(ir)} instructions (with write {fmt_ratio(irw)}) | {verdict(ok)} |")
    for k in ["a", "b"]:
        small, big = origins[f"{k}_3"], origins[f"{k}_1000"]
        r = ratio(big and big["median"], small and small["median"])
        print(f"| {KINDS[k]}: 1000 vs 3 origins ≤ 1.2× | {fmt_ratio(r)} | {verdict(None if r is None else r <= 1.2)} |")
    r = ratio(med("g", "core"), med("a", "core"))
    print(f"| (g) vs (a) ≤ 2× | {fmt_ratio(r)} | {verdict(None if r is None else r <= 2)} |")
    alloc = os.path.join(out, "allocations.txt")
    if os.path.exists(alloc):
        with open(alloc) as f:
            lines = f.read().splitlines()
        counts = [line for line in lines if "allocations in" in line]
        at_zero = [line for line in counts if " 0 allocations in" in line]
        zero = bool(counts) and len(at_zero) == len(counts)
        passed = any("test result: ok" in line for line in lines)
        print(f"| 0 allocations per decision, (a)–(g) and the hostile rows (core/tests/allocations.rs) "
              f"| {len(at_zero)}/{len(counts)} rows at 0 | {verdict(zero and passed)} |")


if __name__ == "__main__":
    main()
