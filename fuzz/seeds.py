#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, made from the shared corpus
(tests/cases) and the fuzz policies, in each target's input format:

  policy_document  every policy of the corpus (JSON), the fuzz policies and
                   examples/policy.toml (TOML)
  origin           every Origin value of the corpus
  evaluate         every request of the corpus: a selector byte (policy and
                   verdict), then method, path and `name:value` lines
  c_abi            the evaluate seeds, and the documents behind 0x80

    python3 fuzz/seeds.py OUT_DIR      # writes OUT_DIR/<target>/<n>
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def value_bytes(value):
    return bytes.fromhex(value["hex"]) if isinstance(value, dict) else value.encode()


def main(out):
    documents, origins, requests = [], set(), []
    for path in sorted((ROOT / "tests" / "cases").glob("*.json")):
        family = json.loads(path.read_text())
        for case in family.get("cases", []):
            documents.append(json.dumps(case.get("policy", family.get("policy", {}))).encode())
            request = case["request"]
            lines = [value_bytes(request["method"]), request.get("path", "/").encode()]
            for name, value in request["headers"]:
                lines.append(value_bytes(name) + b":" + value_bytes(value))
                if isinstance(name, str) and name.lower() == "origin":
                    origins.add(value_bytes(value))
            verdict = {None: 0, True: 1, False: 2}[request.get("origin_verdict")]
            requests.append((verdict, b"\n".join(lines)))
        for validation in family.get("validation", []):
            documents.append(json.dumps(validation["policy"]).encode())
    documents += [p.read_bytes() for p in sorted((ROOT / "fuzz" / "policies").glob("*.toml"))]
    documents.append((ROOT / "examples" / "policy.toml").read_bytes())

    evaluate = [bytes([(i % 4) | (verdict << 2)]) + body for i, (verdict, body) in enumerate(requests)]
    seeds = {
        "policy_document": sorted(set(documents)),
        "origin": sorted(origins),
        "evaluate": evaluate,
        "c_abi": evaluate + [b"\x80" + d for d in sorted(set(documents))],
    }
    for target, inputs in seeds.items():
        directory = Path(out) / target
        directory.mkdir(parents=True, exist_ok=True)
        for n, data in enumerate(inputs):
            (directory / f"seed-{n:04d}").write_bytes(data)
        print(f"{target}: {len(inputs)} seeds")


if __name__ == "__main__":
    main(sys.argv[1])
