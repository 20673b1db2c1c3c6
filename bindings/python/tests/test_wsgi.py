"""unicors.wsgi in-process, beyond the corpus and the HTTP tests:
rejections logged at DEBUG on `unicors` with the reason code, the
origin_allowed callback (failing included), preflight status lines."""

import logging

from unicors.wsgi import CORSMiddleware

ORIGIN = "https://app.example"


def ok_app(environ, start_response):
    start_response("200 OK", [("X-App", "1")])
    return [b"ok"]


def call(app, method="GET", **headers):
    """One request in-process: (status line, headers)."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/", "SERVER_NAME": "test", "SERVER_PORT": "80",
               "wsgi.url_scheme": "http", **{"HTTP_" + k.upper(): v for k, v in headers.items()}}
    started = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: started.append((status, headers))))
    assert body in (b"", b"ok")
    return started[0]


def cors_lines(headers):
    return [(n, v) for n, v in headers if n.lower().startswith("access-control-")]


def test_rejection_logged_at_debug_with_reason(caplog):
    caplog.set_level(logging.DEBUG, logger="unicors")
    status, headers = call(CORSMiddleware(ok_app, allow_origins=[ORIGIN]), ORIGIN="https://evil.example")
    assert status == "200 OK" and cors_lines(headers) == []
    records = [r for r in caplog.records if r.name == "unicors"]
    assert len(records) == 1 and records[0].levelno == logging.DEBUG
    assert "origin_not_allowed" in records[0].getMessage()


def test_preflight_status_lines():
    app = CORSMiddleware(ok_app, allow_origins=[ORIGIN], allow_methods=["PUT"])
    status, headers = call(app, "OPTIONS", ORIGIN=ORIGIN, ACCESS_CONTROL_REQUEST_METHOD="PUT")
    assert status == "204 No Content" and ("Access-Control-Allow-Methods", "PUT") in headers
    status, headers = call(app, "OPTIONS", ORIGIN=ORIGIN, ACCESS_CONTROL_REQUEST_METHOD="DELETE")
    assert status == "403 Forbidden" and cors_lines(headers) == [] and ("Content-Length", "0") in headers


def test_origin_allowed_callback():
    app = CORSMiddleware(ok_app, allow_origins=[], origin_allowed=lambda origin: origin.endswith(".trusted.example"))
    _, headers = call(app, ORIGIN="https://a.trusted.example")
    assert ("Access-Control-Allow-Origin", "https://a.trusted.example") in headers
    _, headers = call(app, ORIGIN="https://evil.example")
    assert cors_lines(headers) == []


def test_failing_callback_refuses_the_origin():
    def check(origin):
        raise LookupError("database down")

    status, headers = call(CORSMiddleware(ok_app, allow_origins=[], origin_allowed=check), ORIGIN=ORIGIN)
    assert status == "200 OK" and ("X-App", "1") in headers and cors_lines(headers) == []
