"""The native glue the adapters' hot paths use, beyond the corpus (which
already runs through every adapter): `LivePolicy.evaluate_environ` and
`evaluate_scope` answer as `evaluate` does; `Decision.wrap_start_response`
and `wrap_send` apply a decision without touching the app's own list, pass
other messages through and return the server's awaitable;
`Decision.apply_to_header_store` leaves a Django response exactly as the
public `response[name] = value` path does."""

import asyncio

import pytest

from unicors import LivePolicy, Policy

ORIGIN = "https://app.example"
POLICY = dict(allow_origins=[ORIGIN], allow_methods=["GET", "PUT"], allow_headers=["x-a"],
              expose_headers=["x-id"], allow_credentials=True, max_age=60)
REQUESTS = [
    ("OPTIONS", [("origin", ORIGIN), ("access-control-request-method", "PUT"),
                 ("access-control-request-headers", "x-a")]),
    ("GET", [("origin", ORIGIN)]),
    ("GET", [("origin", "https://evil.example")]),
    ("GET", []),
    ("GET", [("origin", ORIGIN + "\r\nx-injected: 1")]),
    ("OPTIONS", [("origin", ORIGIN), ("access-control-request-method", "DELETE")]),
    ("GET", [("origin", ORIGIN), ("access-control-request-private-network", "true")]),
]


def environ_of(method, headers, path="/api/x"):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "api.test",
               "HTTP_USER_AGENT": "test"}
    for name, value in headers:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def scope_of(method, headers, path="/api/x"):
    return {"type": "http", "method": method, "path": path,
            "headers": [(b"host", b"api.test")] + [(n.encode(), v.encode()) for n, v in headers]}


def same(a, b):
    return (a.kind, a.status, a.reason, a.headers, a.vary) == (b.kind, b.status, b.reason, b.headers, b.vary)


@pytest.mark.parametrize("method,headers", REQUESTS)
def test_environ_and_scope_answer_as_evaluate(method, headers):
    live = LivePolicy(Policy(**POLICY))
    expected = live.evaluate(method, headers, "/api/x")
    assert same(live.evaluate_environ(environ_of(method, headers)), expected)
    assert same(live.evaluate_scope(scope_of(method, headers)), expected)
    assert same(live.evaluate_environ(environ_of(method, headers), False),
                live.evaluate(method, headers, "/api/x", False))
    # ASGI allows [name, value] lists as well as tuples.
    listed = scope_of(method, headers)
    listed["headers"] = [list(line) for line in listed["headers"]]
    assert same(live.evaluate_scope(listed), expected)
    assert same(live.evaluate(method, [list(line) for line in headers], "/api/x"), expected)


def test_strings_are_not_pairs():
    live = LivePolicy(Policy(**POLICY))
    for bad in (["ab"], [b"ab"], [("origin",)], [("a", "b", "c")]):
        with pytest.raises(TypeError, match="pairs"):
            live.evaluate("GET", bad)


def test_environ_defaults_and_mappings():
    live = LivePolicy(Policy(**POLICY))

    class Environ:  # a mapping that is not a dict
        def __init__(self, data):
            self.data = data

        def get(self, key, default=None):
            return self.data.get(key, default)

    environ = environ_of("GET", [("origin", ORIGIN)])
    del environ["REQUEST_METHOD"]  # a WSGI default: GET
    assert live.evaluate_environ(environ).kind == "actual"
    assert live.evaluate_environ(Environ(environ)).kind == "actual"
    with pytest.raises(TypeError):
        live.evaluate_environ(42)
    with pytest.raises(TypeError, match="headers"):
        live.evaluate_scope({"type": "http", "method": "GET"})
    with pytest.raises(TypeError, match="header values"):
        live.evaluate_environ({"REQUEST_METHOD": "GET", "HTTP_ORIGIN": 3})
    # A present None is refused the same way from a dict and another mapping.
    for environ in ({"HTTP_ORIGIN": None}, Environ({"HTTP_ORIGIN": None})):
        with pytest.raises(TypeError, match="header values"):
            live.evaluate_environ(environ)
    with pytest.raises(TypeError, match="must have a 'method' key"):
        live.evaluate_scope({"type": "http", "headers": []})


def test_routes_read_the_path():
    policy = Policy.from_toml(f"""
allow_origins = ["{ORIGIN}"]
[[routes]]
path = "/public"
allow_origins = ["*"]
""")
    live = LivePolicy(policy)
    other = [("origin", "https://other.example")]
    assert live.evaluate_environ(environ_of("GET", other, "/public/a")).kind == "actual"
    assert live.evaluate_environ(environ_of("GET", other, "/api/a")).kind == "rejected"
    assert live.evaluate_scope(scope_of("GET", other, "/public/a")).kind == "actual"


def test_shadow_report_from_an_environ():
    reports = []
    live = LivePolicy(Policy(**POLICY), Policy(allow_origins=["https://other.example"]), reports.append)
    live.evaluate_environ(environ_of("GET", [("origin", ORIGIN)], "/p"))
    (report,) = reports
    assert (report.method, report.path, report.origin) == ("GET", "/p", ORIGIN)
    assert report.decision.kind == "actual" and report.shadow.kind == "rejected"


def test_wrapped_start_response_leaves_the_app_list_alone():
    decision = LivePolicy(Policy(**POLICY)).evaluate("GET", [("origin", ORIGIN)])
    calls = []
    start = decision.wrap_start_response(lambda *args: calls.append(args) or "write")
    app_headers = [("Content-Type", "text/plain"), ("access-control-allow-origin", "*"),
                   ("Vary", "Accept-Encoding"), ("X-Long-Header-Name-Here", "1")]
    before = list(app_headers)
    assert start("200 OK", app_headers) == "write"
    ((status, merged),) = calls
    assert status == "200 OK" and app_headers == before
    assert merged[0] is app_headers[0]  # the app's own tuples, not copies
    assert merged == [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding"),
                      ("X-Long-Header-Name-Here", "1")] + decision.headers + [("Vary", "Origin")]
    # exc_info goes through when given, and only then.
    start("500 Internal Server Error", [], ("exc", "info", None))
    assert calls[1][2] == ("exc", "info", None) and len(calls[1]) == 3
    with pytest.raises(TypeError, match="header names"):
        start("200 OK", [(1, "x")])


def test_wrapped_send_applies_the_decision_to_the_start_message_only():
    decision = LivePolicy(Policy(**POLICY)).evaluate("GET", [(b"origin", ORIGIN.encode())])
    sent = []

    async def send(message):
        sent.append(message)

    async def run():
        wrapped = decision.wrap_send(send)
        await wrapped({"type": "http.response.start", "status": 200,
                       "headers": [(b"content-type", b"text/plain"), (b"access-control-max-age", b"9")]})
        await wrapped({"type": "http.response.start", "status": 200})
        await wrapped({"type": "http.response.body", "body": b"ok", "headers": "left alone"})

    asyncio.run(run())
    assert sent[0]["headers"] == [(b"content-type", b"text/plain")] + decision.raw_headers + [(b"vary", b"Origin")]
    assert sent[1]["headers"] == decision.raw_headers + [(b"vary", b"Origin")]
    assert sent[2] == {"type": "http.response.body", "body": b"ok", "headers": "left alone"}


def test_merge_matches_names_in_any_case_and_shape():
    decision = LivePolicy(Policy(**POLICY)).evaluate("GET", [("origin", ORIGIN)])
    calls = []
    start = decision.wrap_start_response(lambda *args: calls.append(args))
    app = [["ACCESS-CONTROL-MAX-AGE", "9"], ("Access-Control-Allow-Origin", "*"),
           ["X-Kept", "1"], ("VARY", "origin, Accept")]
    start("200 OK", app, exc_info=None)
    start("200 OK", iter(app))
    start("200 OK", {"access-control-expose-headers": "secret", "x-kept": "2"})
    expected_tail = decision.headers  # the app's Vary already names Origin: no second line
    # A kept list pair becomes a tuple (what WSGI servers take); tuples are kept as they are.
    assert calls[0] == ("200 OK", [("X-Kept", "1"), app[3]] + expected_tail)
    assert calls[0][1][1] is app[3]
    assert calls[1] == calls[0]
    assert calls[2][1] == [("x-kept", "2")] + decision.headers + [("Vary", "Origin")]
    star = []
    decision.wrap_start_response(lambda *args: star.append(args))("200 OK", [("vary", "*")])
    assert star[0][1] == [("vary", "*")] + decision.headers
    # Names that are not str or bytes are refused whatever their length.
    for bad in [(["x"], "1"), (("a", "b", "c", "d", "e"), "1"), (None, "1")]:
        with pytest.raises(TypeError, match="header names"):
            start("200 OK", [bad])


def test_wrapped_start_response_passes_the_server_errors_on():
    decision = LivePolicy(Policy(**POLICY)).evaluate("GET", [("origin", ORIGIN)])

    def reraising(status, headers, exc_info=None):
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        return lambda data: (_ for _ in ()).throw(OSError("client gone"))

    start = decision.wrap_start_response(reraising)
    try:
        raise ValueError("app failed")
    except ValueError as error:
        with pytest.raises(ValueError, match="app failed"):
            start("500 Internal Server Error", [], (ValueError, error, error.__traceback__))
    write = start("200 OK", [])
    with pytest.raises(OSError, match="client gone"):
        write(b"x")


def test_wrapped_send_replaces_cors_lines_in_any_mapping():
    from collections import UserDict
    decision = LivePolicy(Policy(**POLICY)).evaluate("GET", [(b"origin", ORIGIN.encode())])
    sent = []

    async def send(message):
        sent.append(message)

    message = UserDict({"type": "http.response.start", "status": 200,
                        "headers": [(b"Access-Control-Allow-Origin", b"*"), (b"VARY", b"Origin")]})
    asyncio.run(decision.wrap_send(send)(message))
    assert sent[0]["headers"] == [(b"VARY", b"Origin")] + decision.raw_headers
    without_headers = UserDict({"type": "http.response.start", "status": 200})
    asyncio.run(decision.wrap_send(send)(without_headers))
    assert sent[1]["headers"] == decision.raw_headers + [(b"vary", b"Origin")]


def test_wrappers_in_a_reference_cycle_are_collected():
    import gc
    import weakref
    decision = LivePolicy(Policy(**POLICY)).evaluate("GET", [("origin", ORIGIN)])

    class Server:  # a server callable that keeps what it is handed
        def __call__(self, *args):
            return None

    for wrap in (decision.wrap_start_response, decision.wrap_send):
        server = Server()
        server.wrapped = wrap(server)
        alive = weakref.ref(server)
        del server
        gc.collect()
        assert alive() is None


def test_environ_path_defaults_to_empty_in_reports():
    reports = []
    live = LivePolicy(Policy(**POLICY), Policy(allow_origins=["https://other.example"]), reports.append)
    environ = environ_of("GET", [("origin", ORIGIN)])
    del environ["PATH_INFO"]
    live.evaluate_environ(environ)
    assert reports[0].path == ""


@pytest.fixture(scope="module")
def django_response():
    pytest.importorskip("django")
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(INSTALLED_APPS=["unicors.django"], SECRET_KEY="unicors-tests")
        django.setup()
    from django.http import HttpResponse

    def make(vary=None):
        response = HttpResponse("ok")
        response["Access-Control-Allow-Origin"] = "*"  # stale: must go
        response["X-App"] = "1"
        if vary is not None:
            response["Vary"] = vary
        return response

    return make


@pytest.mark.parametrize("method,headers", REQUESTS)
@pytest.mark.parametrize("vary", [None, "Accept-Encoding", "origin", "*"])
def test_header_store_equals_the_public_path(django_response, method, headers, vary):
    from unicors.django import _apply

    decision = LivePolicy(Policy(**POLICY)).evaluate(method, headers)
    fast = django_response(vary)
    assert type(fast.headers).__name__ == "ResponseHeaders"  # so _apply takes the native store path
    _apply(fast, decision)
    public = django_response(vary)
    public.headers = _PublicOnly(public.headers)  # any other mapping: __setitem__ per header
    _apply(public, decision)
    assert list(fast.items()) == list(public.headers.items())
    assert fast.serialize_headers() == public.headers.serialized()
    assert "Access-Control-Allow-Origin: *" not in fast.serialize_headers().decode()


class _PublicOnly:
    """Django's ResponseHeaders through its public mapping API only."""

    def __init__(self, headers):
        self.inner = headers

    def __iter__(self):
        return iter(list(self.inner))

    def __delitem__(self, name):
        del self.inner[name]

    def __setitem__(self, name, value):
        self.inner[name] = value

    def get(self, name, default=None):
        return self.inner.get(name, default)

    def items(self):
        return self.inner.items()

    def serialized(self):
        return b"\r\n".join(f"{k}: {v}".encode("latin-1") for k, v in self.inner.items())
