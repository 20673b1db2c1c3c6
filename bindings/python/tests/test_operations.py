"""Operating unicors in production from Python: a report-only (shadow)
policy beside the enforced one in every adapter (differences logged at INFO
on `unicors` with both kinds and reasons, or handed to a callback), per-kind
and per-reason counters, swapping policies while threads are serving, and
reloading policy files (a bad file changes nothing)."""

import logging
import sys
import threading
import time

import pytest

import unicors
from unicors import ConfigError, LivePolicy, Policy

ORIGIN = "https://app.example"
OLD = "https://old.example"

# A allows both origins; B only ORIGIN, with other methods, headers and max-age.
A = dict(allow_origins=[ORIGIN, OLD], allow_methods=["PUT"], allow_headers=["x-a"], max_age=100)
B = dict(allow_origins=[ORIGIN], allow_methods=["PUT", "PATCH"], allow_headers=["x-a", "x-b"], max_age=200)
A_TOML = 'allow_origins = ["https://app.example", "https://old.example"]\nallow_methods = ["PUT"]\n'
B_TOML = 'allow_origins = ["https://app.example"]\nallow_methods = ["PUT"]\nmax_age = 60\n'

PREFLIGHT = [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"),
             ("Access-Control-Request-Headers", "x-a")]


def test_counters_by_kind_and_reason():
    live = LivePolicy(Policy(**A))
    for headers in ([("Origin", ORIGIN)], [("Origin", "https://evil.example")], [], PREFLIGHT):
        live.evaluate("OPTIONS" if headers is PREFLIGHT else "GET", headers)
    counters = live.counters()
    assert counters["actual"] == 1 and counters["not_cors"] == 1 and counters["preflight"] == 1
    assert counters["rejected"] == 1 and counters["rejected.origin_not_allowed"] == 1
    assert counters["shadow.differences"] == 0 and counters["shadow.rejected"] == 0
    assert list(counters)[:4] == ["not_cors", "preflight", "actual", "rejected"]
    assert all(name.startswith(("shadow.", "rejected.")) for name in list(counters)[4:])


def test_shadow_differences_reach_the_callback_and_the_enforced_decision_applies():
    reports = []
    live = LivePolicy(Policy(**A), Policy(**B), reports.append)
    decision = live.evaluate("GET", [("Origin", OLD)], "/items")
    assert decision.kind == "actual"  # A's answer is the one applied
    assert len(reports) == 1
    report = reports[0]
    assert report.decision.kind == "actual" and report.shadow.kind == "rejected"
    assert report.shadow.reason == "origin_not_allowed"
    assert report.difference == ["kind", "reason", "headers"]
    assert (report.method, report.path, report.origin) == ("GET", "/items", OLD)
    # Same answer from both: no report; a preflight differs in headers only.
    live.evaluate("GET", [("Origin", ORIGIN)])
    assert len(reports) == 1
    live.evaluate("OPTIONS", PREFLIGHT)
    assert reports[-1].difference == ["headers"]
    counters = live.counters()
    assert counters["shadow.differences"] == 2
    assert counters["shadow.rejected.origin_not_allowed"] == 1 and counters["actual"] == 2


def test_a_failing_callback_never_fails_the_request(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)

    def broken(report):
        raise RuntimeError("metrics backend down")

    live = LivePolicy(Policy(**A), Policy(**B), broken)
    assert live.evaluate("GET", [("Origin", OLD)]).kind == "actual"
    assert len(seen) == 1 and isinstance(seen[0].exc_value, RuntimeError)


def test_reload_swaps_both_files_and_a_bad_file_changes_nothing(tmp_path):
    enforced, shadow = tmp_path / "cors.toml", tmp_path / "candidate.toml"
    enforced.write_text(A_TOML)
    shadow.write_text(B_TOML)
    live = LivePolicy(Policy.from_file(enforced), Policy.from_file(shadow), None, enforced, shadow)
    assert live.evaluate("GET", [("Origin", OLD)]).kind == "actual"
    enforced.write_text(B_TOML)
    shadow.write_text(A_TOML)
    assert live.reload() == []
    assert live.evaluate("GET", [("Origin", OLD)]).kind == "rejected"
    assert live.shadow_policy.evaluate("GET", [("Origin", OLD)]).kind == "actual"
    # Both files broken: every problem of both, and nothing swapped.
    enforced.write_text('allow_origins = ["*"]\nallow_credentials = true\n')
    shadow.write_text("max_age = -1\n")
    with pytest.raises(ConfigError) as error:
        live.reload()
    codes = {p.code for p in error.value.errors}
    assert "origin_wildcard_with_credentials" in codes and len(error.value.errors) >= 2
    assert live.evaluate("GET", [("Origin", OLD)]).kind == "rejected"
    # Warnings of a good reload are returned.
    enforced.write_text(A_TOML + "max_age = 100000\n")
    shadow.write_text(B_TOML)
    with pytest.raises(ConfigError):
        live.reload()  # out of range is an error, not a warning
    enforced.write_text(A_TOML.replace('["PUT"]', '["PUT", "patch"]'))
    assert [p.code for p in live.reload()] == ["method_not_uppercase"]


def test_reload_needs_a_file():
    with pytest.raises(ValueError, match="did not come from a file"):
        LivePolicy(Policy(**A)).reload()


def test_set_policy_keeps_the_shadow_and_set_shadow_policy_removes_it():
    live = LivePolicy(Policy(**A), Policy(**B))
    live.set_policy(Policy(**B))
    assert live.evaluate("GET", [("Origin", OLD)]).kind == "rejected"
    assert live.shadow_policy is not None
    assert live.counters()["shadow.rejected"] == 1
    live.set_shadow_policy(None)
    assert live.shadow_policy is None
    live.evaluate("GET", [("Origin", OLD)])
    assert live.counters()["shadow.rejected"] == 1  # no report-only decision any more
    assert live.counters()["rejected"] == 2


# ---- every adapter, with shadow_policy= ----------------------------------


def asgi_call(app, headers):
    import asyncio

    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/x", "raw_path": b"/x", "query_string": b"",
             "headers": [(n.lower().encode(), v.encode()) for n, v in headers], "http_version": "1.1",
             "scheme": "http", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "root_path": ""}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return {n.decode(): v.decode() for n, v in start["headers"]}


async def asgi_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-app", b"1")]})
    await send({"type": "http.response.body", "body": b"ok"})


def wsgi_app(environ, start_response):
    start_response("200 OK", [("X-App", "1")])
    return [b"ok"]


def wsgi_call(app, headers):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "wsgi.input": None}
    environ.update({"HTTP_" + n.upper().replace("-", "_"): v for n, v in headers})
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen.update({n.lower(): v for n, v in response_headers})

    b"".join(app(environ, start_response))
    return seen


def with_asgi(shadow):
    pytest.importorskip("starlette")
    from unicors.asgi import CORSMiddleware

    app = CORSMiddleware(asgi_app, allow_origins=A["allow_origins"], shadow_policy=shadow)
    return lambda headers: asgi_call(app, headers)


def with_wsgi(shadow):
    from unicors.wsgi import CORSMiddleware

    app = CORSMiddleware(wsgi_app, allow_origins=A["allow_origins"], shadow_policy=shadow)
    return lambda headers: wsgi_call(app, headers)


def with_flask(shadow):
    flask = pytest.importorskip("flask")
    from unicors.flask import CORS

    app = flask.Flask(__name__)
    app.add_url_rule("/x", "x", lambda: "ok")
    CORS(app, origins=A["allow_origins"], shadow_policy=shadow)
    client = app.test_client()
    return lambda headers: {n.lower(): v for n, v in client.get("/x", headers=headers).headers.items()}


def with_django(shadow):
    pytest.importorskip("django")
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.test.utils import override_settings

    if not settings.configured:
        settings.configure(INSTALLED_APPS=["unicors.django"], SECRET_KEY="unicors-tests",
                           ALLOWED_HOSTS=["testserver"])
        django.setup()
    from unicors.django import CorsMiddleware

    with override_settings(UNICORS_POLICY={"allow_origins": A["allow_origins"]},
                           UNICORS_SHADOW_POLICY=shadow):
        middleware = CorsMiddleware(lambda request: HttpResponse("ok"))

    def call(headers):
        request = RequestFactory().get("/x", **{"HTTP_" + n.upper().replace("-", "_"): v for n, v in headers})
        return {n.lower(): v for n, v in middleware(request).items()}

    return call


@pytest.mark.parametrize("make", [with_asgi, with_wsgi, with_flask, with_django],
                         ids=["asgi", "wsgi", "flask", "django"])
def test_every_adapter_logs_what_the_report_only_policy_would_change(make, caplog, tmp_path):
    candidate = tmp_path / "candidate.toml"
    candidate.write_text('allow_origins = ["https://app.example"]\n')
    call = make(str(candidate))
    caplog.set_level(logging.INFO, logger="unicors")
    headers = call([("Origin", OLD)])
    # The enforced policy still answers.
    assert headers.get("access-control-allow-origin") == OLD
    lines = [r.getMessage() for r in caplog.records if "report-only" in r.getMessage()]
    assert len(lines) == 1, lines
    assert "differs (kind, reason, headers)" in lines[0]
    assert "enforced actual, report-only rejected (origin_not_allowed)" in lines[0]
    assert repr(OLD) in lines[0]
    caplog.clear()
    assert call([("Origin", ORIGIN)]).get("access-control-allow-origin") == ORIGIN
    assert not [r for r in caplog.records if "report-only" in r.getMessage()]


def test_log_lines_carry_no_request_bytes_raw(caplog):
    caplog.set_level(logging.INFO, logger="unicors")
    live = unicors._config.build_live(None, {"allow_origins": [ORIGIN]},
                                      Policy(allow_origins=["https://other.example"]))
    live.evaluate("GET", [("Origin", ORIGIN + "\r\nX-Forged: 1")])
    live.evaluate("GET", [("Origin", ORIGIN)])
    messages = [r.getMessage() for r in caplog.records]
    assert messages and all("\r" not in m and "\n" not in m for m in messages)


def test_a_live_policy_passed_to_an_adapter_is_the_handle():
    from unicors.wsgi import CORSMiddleware

    live = LivePolicy(Policy(**A))
    app = CORSMiddleware(wsgi_app, policy=live)
    assert wsgi_call(app, [("Origin", OLD)]).get("access-control-allow-origin") == OLD
    live.set_policy(Policy(**B))
    assert "access-control-allow-origin" not in wsgi_call(app, [("Origin", OLD)])
    assert live.counters()["rejected.origin_not_allowed"] == 1
    with pytest.raises(TypeError, match="pass it alone"):
        CORSMiddleware(wsgi_app, policy=live, shadow_policy=Policy(**B))


# ---- swapping under load -------------------------------------------------


def test_swapping_while_threads_serve_never_mixes_two_policies():
    """8 threads send preflights through the WSGI adapter while the main
    thread swaps A and B 400 times. Each answer must be exactly A's or
    exactly B's whole header set (never max-age from one and methods from
    the other), no call may fail, and the counters add up."""
    from unicors.wsgi import CORSMiddleware

    live = LivePolicy(Policy(**A))
    app = CORSMiddleware(wsgi_app, policy=live)
    environ = {"REQUEST_METHOD": "OPTIONS", "PATH_INFO": "/", "HTTP_ORIGIN": ORIGIN,
               "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a"}

    def answer():
        seen = []
        app(dict(environ), lambda status, headers, exc_info=None: seen.extend(sorted(headers)))
        return tuple(seen)

    answer_a = answer()
    live.set_policy(Policy(**B))
    answer_b = answer()
    live.set_policy(Policy(**A))
    assert answer_a != answer_b
    stop = threading.Event()
    results = {"a": 0, "b": 0, "mixed": [], "errors": []}
    lock = threading.Lock()
    answers = [0]  # grows while threads serve; the swapper waits on it

    def serve():
        a = b = 0
        try:
            while not stop.is_set():
                got = answer()
                answers[0] += 1
                if got == answer_a:
                    a += 1
                elif got == answer_b:
                    b += 1
                else:
                    with lock:
                        results["mixed"].append(got)
        except Exception as error:  # pragma: no cover - reported below
            with lock:
                results["errors"].append(repr(error))
        with lock:
            results["a"] += a
            results["b"] += b

    threads = [threading.Thread(target=serve) for _ in range(8)]
    for thread in threads:
        thread.start()
    policies = [Policy(**B), Policy(**A)]
    for i in range(400):
        before = answers[0]
        while answers[0] == before:  # at least one answer under each policy
            time.sleep(0)
        live.set_policy(policies[i % 2])
    stop.set()
    for thread in threads:
        thread.join()
    assert results["mixed"] == [] and results["errors"] == []
    assert results["a"] > 0 and results["b"] > 0
    assert live.counters()["preflight"] == results["a"] + results["b"] + 2  # + answer_a, answer_b
