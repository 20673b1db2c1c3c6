"""The Python API around the core: constructors, ConfigError, evaluate's
inputs (bytes, str, mappings, odd values), Decision's views, immutability
(threads and memory: test_resources.py)."""

import re

import pytest

import unicors
from unicors import ConfigError, Policy

ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def policy():
    return Policy(allow_origins=[ORIGIN], allow_methods=["PUT"], allow_headers=["x-token"],
                  expose_headers=["x-total"], allow_credentials=True, max_age=600)


def preflight_headers(origin=ORIGIN):
    return [(b"origin", origin.encode()), (b"access-control-request-method", b"PUT"),
            (b"access-control-request-headers", b"x-token")]


def test_preflight_decision(policy):
    d = policy.evaluate(b"OPTIONS", preflight_headers())
    assert (d.kind, d.status, d.reason, d.reason_message) == ("preflight", 204, None, None)
    assert d.headers == [
        ("Access-Control-Allow-Origin", ORIGIN),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-token"),
        ("Access-Control-Max-Age", "600"),
    ]
    assert d.raw_headers[0] == (b"access-control-allow-origin", ORIGIN.encode())
    assert d.vary == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    assert "preflight" in repr(d)


def test_rejection_has_reason_and_no_cors_headers(policy):
    d = policy.evaluate("GET", [("Origin", "https://evil.example")])
    assert (d.kind, d.reason, d.status, d.headers) == ("rejected", "origin_not_allowed", None, [])
    assert d.reason_message and "evil" not in d.reason_message
    assert d.vary == "Origin"


def test_headers_as_mapping_and_tuple_and_str(policy):
    as_dict = policy.evaluate("GET", {"Origin": ORIGIN})
    as_tuple = policy.evaluate("GET", ((b"Origin", ORIGIN),))
    as_gen = policy.evaluate("GET", ((n, v) for n, v in [("origin", ORIGIN)]))
    assert as_dict.kind == as_tuple.kind == as_gen.kind == "actual"
    assert as_dict.headers == as_tuple.headers == as_gen.headers


def summary(decision):
    return decision.kind, decision.reason, decision.status, decision.headers, decision.vary


def test_text_is_latin1_when_it_fits_else_utf8():
    policies = [Policy(allow_origins=["*"]), Policy(allow_origins=[ORIGIN], allow_headers=["*"])]
    texts = {
        "https://caf\u00e9.example": b"https://caf\xe9.example",          # latin-1
        "https://\u2603.example": "https://\u2603.example".encode(),       # UTF-8
        "https://a\udc80.example": b"https://a\xed\xb2\x80.example",       # lone surrogate
        "https://a\x00.example": b"https://a\x00.example",
        "x" * 70000: b"x" * 70000,
    }
    for policy in policies:
        for text, raw in texts.items():
            as_text = policy.evaluate("OPTIONS", [("Origin", text), ("Access-Control-Request-Method", "GET"),
                                                  ("Access-Control-Request-Headers", text[:100])])
            as_bytes = policy.evaluate(b"OPTIONS", [(b"Origin", raw), (b"Access-Control-Request-Method", b"GET"),
                                                    (b"Access-Control-Request-Headers", raw[:100])])
            assert summary(as_text) == summary(as_bytes), text[:30]
    # Never an exception for odd text; a malformed Origin is a classification.
    assert Policy(allow_origins=[ORIGIN]).evaluate("GET", [("Origin", "https://caf\u00e9.example")]).kind == "rejected"


def test_odd_methods_and_paths_never_raise(policy):
    for method in ["", "get", "G\u00e9T", b"\xff", "OPTIONS\r\n"]:
        assert policy.evaluate(method, preflight_headers()).kind in {"preflight", "actual", "rejected"}
    for path in ["", "/a?b", "/\u2603", b"/\xff", None]:
        policy.evaluate("GET", [("Origin", ORIGIN)], path=path)


def test_wrong_input_types_are_type_errors(policy):
    with pytest.raises(TypeError):
        policy.evaluate(5, [])
    with pytest.raises(TypeError):
        policy.evaluate("GET", [("Origin",)])
    with pytest.raises(TypeError):
        policy.evaluate("GET", [("Origin", 5)])
    with pytest.raises(TypeError):
        policy.evaluate("GET", 5)


def test_origin_verdict(policy):
    assert policy.evaluate("GET", [("Origin", "https://other.example")], origin_allowed=True).kind == "actual"
    assert policy.evaluate("GET", [("Origin", ORIGIN)], origin_allowed=False).kind == "rejected"
    # A host verdict never admits a malformed Origin.
    assert policy.evaluate("GET", [("Origin", "https://a.example, https://b.example")],
                           origin_allowed=True).kind == "rejected"


def test_routes_follow_the_path():
    policy = Policy(allow_origins=[ORIGIN], routes=[{"path": "/public", "allow_origins": ["*"],
                                                     "allow_credentials": False}])
    other = [("Origin", "https://other.example")]
    assert policy.evaluate("GET", other, path="/public/x").kind == "actual"
    assert policy.evaluate("GET", other, path="/publicx").kind == "rejected"
    assert policy.evaluate("GET", other, path="/api").kind == "rejected"


def test_config_error_lists_every_problem():
    with pytest.raises(ConfigError) as raised:
        Policy(allow_origins=["https://App.example", "*"], allow_credentials=True, max_age=-1,
               allow_methods=["TRACE"], allow_credential=True)
    error = raised.value
    assert isinstance(error, ValueError)
    found = {(p.code, p.field) for p in error.errors}
    assert {("origin_not_canonical", "allow_origins[0]"),
            ("origin_wildcard_with_credentials", "allow_origins[1]"),
            ("max_age_out_of_range", "max_age"), ("method_forbidden", "allow_methods[0]"),
            ("unknown_key", "allow_credential")} <= found
    assert all(p.severity == "error" for p in error.errors)
    assert "allow_credentials" in next(p for p in error.errors if p.code == "unknown_key").message
    assert "origin_not_canonical" in str(error)


def test_values_python_cannot_say_in_a_document_are_wrong_type():
    with pytest.raises(ConfigError) as raised:
        Policy(allow_origins=[ORIGIN, object()], max_age=2**70, allow_headers=re.compile("x"))
    found = {(p.code, p.field) for p in raised.value.errors}
    assert {("wrong_type", "allow_origins[1]"), ("wrong_type", "max_age"),
            ("wrong_type", "allow_headers")} <= found


def test_warnings_of_a_built_policy():
    policy = Policy(allow_origins=[ORIGIN], allow_headers=["cookie"])
    assert [(p.code, p.field) for p in policy.warnings] == [("header_forbidden", "allow_headers[0]")]
    assert "header_forbidden" in str(policy.warnings[0])
    assert policy.warnings[0] == policy.warnings[0]


def test_documents_and_files(tmp_path):
    toml = Policy.from_toml('allow_origins = ["https://app.example.com"]\n')
    json_policy = Policy.from_json('{"allow_origins": ["https://app.example.com"]}')
    path = tmp_path / "policy.json"
    path.write_text('{"allow_origins": ["https://app.example.com"]}')
    from_path = Policy.from_file(path)
    from_str = Policy.from_file(str(path))
    for p in (toml, json_policy, from_path, from_str):
        assert p.evaluate("GET", [("Origin", ORIGIN)]).kind == "actual"
    with pytest.raises(ConfigError) as raised:
        Policy.from_file(tmp_path / "missing.toml")
    assert [p.code for p in raised.value.errors] == ["io"]
    with pytest.raises(ConfigError) as raised:
        Policy.from_toml("allow_origins = [")
    assert [p.code for p in raised.value.errors] == ["syntax"]


def test_vary_to_append():
    d = Policy(allow_origins=[ORIGIN]).evaluate("GET", [("Origin", ORIGIN)])
    assert d.vary_to_append() == "Origin"
    assert d.vary_to_append(None) == "Origin"
    assert d.vary_to_append("Accept-Encoding") == "Origin"
    assert d.vary_to_append(b"accept-encoding, ORIGIN") == ""
    assert d.vary_to_append(["Accept-Encoding", "Origin"]) == ""
    assert d.vary_to_append(["*"]) == ""
    assert d.vary_to_append([]) == "Origin"


def test_frozen_objects(policy):
    d = policy.evaluate("GET", [("Origin", ORIGIN)])
    with pytest.raises(AttributeError):
        d.kind = "x"
    with pytest.raises((AttributeError, TypeError)):
        policy.x = 1
    with pytest.raises(TypeError):
        Policy("positional")
