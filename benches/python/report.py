"""Markdown tables from bench.py's JSON: the cost per request of each CORS
layer (median and min–max over repetitions) and the Python rows of
targets.md with pass/miss."""

import json
import os
import statistics
import sys

LABELS = {"a": "(a) preflight ok", "b": "(b) actual ok", "c": "(c) bad origin", "d": "(d) no Origin",
          "e": "(e) hostile preflight"}
SUBJECTS = [("ASGI", "starlette"), ("ASGI", "unicors.asgi"), ("Starlette app", "starlette"),
            ("Starlette app", "unicors.asgi"), ("WSGI", "unicors.wsgi"),
            ("Flask", "flask-cors"), ("Flask", "unicors.flask"), ("Django", "django-cors-headers"),
            ("Django", "unicors.django")]
# (ours, theirs, limit): CORS overhead of ours <= limit x theirs on every kind.
TARGETS = [(("ASGI", "unicors.asgi"), ("ASGI", "starlette"), 1 / 3),
           (("WSGI", "unicors.wsgi"), ("ASGI", "starlette"), 1 / 3),
           (("Flask", "unicors.flask"), ("ASGI", "starlette"), 1 / 3),
           (("Django", "unicors.django"), ("ASGI", "starlette"), 1 / 3),
           (("Flask", "unicors.flask"), ("Flask", "flask-cors"), 1 / 10),
           (("Django", "unicors.django"), ("Django", "django-cors-headers"), 1 / 10)]

# Not targets.md rows, printed for context: the same comparison inside the
# frameworks (Starlette's middleware in a Starlette app against ours in a
# Starlette, Flask or Django app). Preflights answered by the layer cost less
# than the endpoint there, so (a) and (e) are negative and their ratios say
# nothing.
CONTEXT = [(("Starlette app", "unicors.asgi"), ("Starlette app", "starlette"), 1 / 3),
           (("Flask", "unicors.flask"), ("Starlette app", "starlette"), 1 / 3),
           (("Django", "unicors.django"), ("Starlette app", "starlette"), 1 / 3)]


def fmt(seconds):
    us = seconds * 1e6
    return f"{us:.2f} µs" if us < 100 else f"{us:.0f} µs"


def main(path):
    results = json.load(open(path))
    median = lambda g, n, k: statistics.median(results[f"{g}|{n}|{k}"])  # noqa: E731
    print("| layer | " + " | ".join(LABELS.values()) + " |")
    print("|---|" + "---|" * len(LABELS))
    for group, name in SUBJECTS:
        if f"{group}|{name}|a" not in results:
            continue
        cells = []
        for kind in LABELS:
            values = results[f"{group}|{name}|{kind}"]
            cells.append(f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})")
        print(f"| {name} ({group}) | " + " | ".join(cells) + " |")
    print()
    print("| target | " + " | ".join(LABELS.values()) + " | verdict |")
    print("|---|" + "---|" * (len(LABELS) + 1))
    exported = []  # targets.json, for benches/summary.py
    for ours, theirs, limit in TARGETS + CONTEXT:
        ratios = [median(*ours, k) / median(*theirs, k) for k in LABELS]
        context = (ours, theirs, limit) in CONTEXT
        judged = ratios[1:4] if context else ratios
        verdict = "pass" if all(r <= limit for r in judged) else "**miss**"
        if context:
            verdict = f"context: {verdict} on (b)–(d)"
        where = " (in a Starlette app)" if theirs[0] == "Starlette app" else ""
        label = f"{ours[1]} ≤ {'1/3' if limit > 0.2 else '1/10'} × {theirs[1]}{where}"
        print(f"| {label} | " + " | ".join(f"{r:.3f}" for r in ratios) + f" | {verdict} |")
        if context:
            continue
        exported.append({"surface": "Python", "target": label, "limit": limit, "direction": "le",
                         "ratios": dict(zip(LABELS, ratios))})
    with open(os.path.join(os.path.dirname(path), "targets.json"), "w") as f:
        json.dump(exported, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
