"""unicors.asgi beyond the corpus: FastAPI's documented configuration over
HTTP (credentials with `*` methods and headers; `*` never covers
Authorization unless it is listed), Starlette's `*` + credentials refused
with a ConfigError that says how to list origins, rejections logged at
DEBUG on `unicors` with the reason code, and the origin_allowed callback
(async, failing) in-process."""

import asyncio
import logging

import pytest

pytest.importorskip("starlette")

from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

import unicors  # noqa: E402
from unicors.asgi import CORSMiddleware  # noqa: E402

ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def fastapi_server(servers):
    return servers.get("fastapi")


def preflight(server, request_headers, method="PATCH"):
    return server.get(host="fastapi-docs.test", method="OPTIONS", headers=[
        ("Origin", ORIGIN), ("Access-Control-Request-Method", method),
        ("Access-Control-Request-Headers", request_headers)])


def test_fastapi_documented_config_allows_custom_headers_with_credentials(fastapi_server):
    response = preflight(fastapi_server, "x-custom, content-type")
    assert response.status == 204
    assert dict(response.cors()) == {
        b"access-control-allow-origin": ORIGIN.encode(),
        b"access-control-allow-credentials": b"true",
        b"access-control-allow-methods": b"PATCH",
        b"access-control-allow-headers": b"x-custom,content-type",
        b"access-control-max-age": b"600",
    }
    actual = fastapi_server.get(host="fastapi-docs.test", headers=[("Origin", ORIGIN), ("Cookie", "a=b")])
    assert actual.values(b"x-app") == [b"1"]
    assert dict(actual.cors()) == {b"access-control-allow-origin": ORIGIN.encode(),
                                   b"access-control-allow-credentials": b"true"}


@pytest.mark.parametrize("names", ["authorization", "x-custom, Authorization"])
def test_fastapi_documented_config_star_does_not_cover_authorization(fastapi_server, names):
    response = preflight(fastapi_server, names)
    assert response.status == 403 and response.cors() == []


def call(app, method="GET", headers=(), path="/"):
    """One request through an ASGI app in-process: (status, headers)."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(n.lower().encode(), v.encode()) for n, v in headers], "http_version": "1.1",
             "scheme": "http", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "root_path": ""}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], [(n.decode(), v.decode()) for n, v in start["headers"]]


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-app", b"1")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_star_covers_authorization_once_listed():
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN], allow_credentials=True, allow_methods=["*"],
                         allow_headers=["*", "Authorization"])
    status, headers = call(app, "OPTIONS", [("Origin", ORIGIN), ("Access-Control-Request-Method", "PATCH"),
                                            ("Access-Control-Request-Headers", "authorization, x-custom")])
    assert status == 204
    assert ("access-control-allow-headers", "authorization,x-custom") in headers


def test_starlette_star_with_credentials_says_how_to_list_origins():
    with pytest.raises(unicors.ConfigError) as direct:
        CORSMiddleware(ok_app, allow_origins=["*"], allow_credentials=True)
    assert [(p.code, p.field) for p in direct.value.errors] == [("origin_wildcard_with_credentials", "allow_origins[0]")]
    assert 'allow_origins = ["https://' in str(direct.value)
    app = Starlette(middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)])
    with pytest.raises(unicors.ConfigError, match="List the origins"):
        app.build_middleware_stack()  # what Starlette does on its first request


def test_rejection_logged_at_debug_with_reason(caplog):
    caplog.set_level(logging.DEBUG, logger="unicors")
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN])
    status, headers = call(app, headers=[("Origin", "https://evil.example")])
    assert status == 200 and ("access-control-allow-origin", "https://evil.example") not in headers
    records = [r for r in caplog.records if r.name == "unicors"]
    assert len(records) == 1 and records[0].levelno == logging.DEBUG
    assert "origin_not_allowed" in records[0].getMessage()
    assert "evil" not in records[0].getMessage()  # the reason, never the request's bytes


@pytest.mark.parametrize("asynchronous", [False, True])
def test_origin_allowed_callback(asynchronous):
    seen = []

    def check(origin):
        seen.append(origin)
        return origin.endswith(".trusted.example")

    async def check_async(origin):
        return check(origin)

    app = CORSMiddleware(ok_app, allow_origins=[], allow_credentials=True,
                         origin_allowed=check_async if asynchronous else check)
    _, headers = call(app, headers=[("Origin", "https://a.trusted.example")])
    assert ("access-control-allow-origin", "https://a.trusted.example") in headers
    _, headers = call(app, headers=[("Origin", "https://evil.example")])
    assert not [h for h in headers if h[0].startswith("access-control-")]
    assert seen == ["https://a.trusted.example", "https://evil.example"]


def test_failing_callback_refuses_the_origin():
    def check(origin):
        raise LookupError("database down")

    app = CORSMiddleware(ok_app, allow_origins=[], origin_allowed=check)
    status, headers = call(app, headers=[("Origin", ORIGIN)])
    assert status == 200 and ("x-app", "1") in headers
    assert not [h for h in headers if h[0].startswith("access-control-")]
