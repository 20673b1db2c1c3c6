"""Reading the shared corpus (tests/cases/*.json, format in its README)."""

import json
from collections import Counter
from pathlib import Path

CASES = Path(__file__).resolve().parents[3] / "tests" / "cases"


def load(cases_dir: Path = CASES):
    """Every file's (name, document), in name order."""
    return [(path.name, json.loads(path.read_text())) for path in sorted(cases_dir.glob("*.json"))]


def wire_bytes(value) -> bytes:
    """A corpus header value: a JSON string is its UTF-8 bytes; {"hex": …} raw bytes."""
    if isinstance(value, dict):
        return bytes.fromhex(value["hex"])
    return value.encode("utf-8")


def request_cases(cases_dir: Path = CASES):
    """(id, policy dict, case) for every request case."""
    for file_name, document in load(cases_dir):
        for case in document.get("cases", []):
            policy = case.get("policy", document.get("policy"))
            yield f"{file_name}::{case['name']}", policy, case


def validation_cases(cases_dir: Path = CASES):
    """(id, policy dict, case) for every validation case."""
    for file_name, document in load(cases_dir):
        for case in document.get("validation", []):
            yield f"{file_name}::{case['name']}", case["policy"], case


def expected_headers(expect) -> Counter:
    return Counter((name.lower(), wire_bytes(value)) for name, value in expect.get("headers", []))


def problem_set(problems) -> set:
    return {(p["code"], p["field"]) for p in problems}
