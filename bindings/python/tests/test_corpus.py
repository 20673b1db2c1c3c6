"""The whole shared corpus through the Python API: every request case through
Policy.evaluate (header bytes exactly as the corpus gives them, and again as
str wherever that gives the same bytes), every validation case through the
keyword constructor and Policy.from_json."""

import json
from collections import Counter

import pytest

import unicors
from corpus import expected_headers, problem_set, request_cases, validation_cases, wire_bytes

REQUESTS = list(request_cases())
VALIDATIONS = list(validation_cases())
_policies = {}


def policy_for(document):
    key = json.dumps(document, sort_keys=True)
    if key not in _policies:
        _policies[key] = unicors.Policy(**document)
    return _policies[key]


def test_corpus_is_complete():
    assert len(REQUESTS) >= 200
    assert len(VALIDATIONS) >= 100


def check(decision, expect):
    assert decision.kind == expect["kind"]
    assert decision.reason == expect.get("reason")
    assert decision.status == expect.get("status")
    got = Counter((name.decode("ascii"), value) for name, value in decision.raw_headers)
    assert got == expected_headers(expect)
    vary = {name for name in decision.vary.split(", ") if name}
    assert vary == set(expect.get("vary", []))
    if decision.kind == "rejected":
        assert decision.reason_message
    else:
        assert decision.reason_message is None


@pytest.mark.parametrize("policy,case", [(p, c) for _, p, c in REQUESTS], ids=[i for i, _, _ in REQUESTS])
def test_request_case(policy, case):
    request = case["request"]
    method = wire_bytes(request["method"])
    headers = [(wire_bytes(n), wire_bytes(v)) for n, v in request["headers"]]
    decision = policy_for(policy).evaluate(
        method, headers, path=request.get("path"), origin_allowed=request.get("origin_verdict"))
    check(decision, case["expect"])

    # The same request as str pairs, where str gives the same bytes (ASCII).
    if all(b.isascii() for pair in headers for b in pair) and method.isascii():
        text = [(n.decode(), v.decode()) for n, v in headers]
        again = policy_for(policy).evaluate(
            method.decode(), text, path=request.get("path"), origin_allowed=request.get("origin_verdict"))
        check(again, case["expect"])


def problems_of(build):
    try:
        policy = build()
    except unicors.ConfigError as error:
        return error.errors, error.warnings
    return [], policy.warnings


@pytest.mark.parametrize("policy,case", [(p, c) for _, p, c in VALIDATIONS], ids=[i for i, _, _ in VALIDATIONS])
def test_validation_case(policy, case):
    builds = [lambda: unicors.Policy.from_json(json.dumps(policy))]
    if isinstance(policy, dict):  # keyword arguments can only say a mapping
        builds.append(lambda: unicors.Policy(**policy))
    for build in builds:
        errors, warnings = problems_of(build)
        assert {(p.code, p.field) for p in errors} == problem_set(case["errors"])
        assert all(p.severity == "error" for p in errors)
        if "warnings" in case:
            assert {(p.code, p.field) for p in warnings} == problem_set(case["warnings"])
        assert all(p.severity == "warning" for p in warnings)
