"""Differential tests: unicors's adapters against Starlette's CORSMiddleware
and flask-cors, given the same options, over a grid of requests, compared by
what a browser would do with each response (browser.py). Every disagreement
must be one of the deliberate differences listed below, each with the rule
that causes it; the summary prints how many of each occurred."""

import asyncio
from collections import Counter

import pytest

from browser import cors_check, preflight_passes

starlette_cors = pytest.importorskip("starlette.middleware.cors")
flask = pytest.importorskip("flask")
flask_cors = pytest.importorskip("flask_cors")

import unicors.asgi  # noqa: E402
import unicors.flask  # noqa: E402

APP = "https://app.example.com"
SUB = "https://a.example.com"
EVIL = "https://evil.example"

# (name, starlette-style options); flask-cors gets the same meaning below.
POLICIES = [
    ("one origin, defaults", dict(allow_origins=[APP])),
    ("one origin, * methods and headers", dict(allow_origins=[APP], allow_methods=["*"], allow_headers=["*"])),
    ("FastAPI docs: credentials + * methods and headers",
     dict(allow_origins=[APP], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])),
    ("public", dict(allow_origins=["*"], allow_methods=["GET", "PUT"], allow_headers=["x-custom"])),
    ("regex + credentials", dict(allow_origin_regex=r"https://[a-z0-9-]+\.example\.com", allow_methods=["PUT"],
                                 allow_credentials=True)),
    ("explicit lists + credentials", dict(allow_origins=[APP], allow_methods=["PUT", "DELETE"],
                                          allow_headers=["x-custom", "authorization"], allow_credentials=True,
                                          expose_headers=["x-total"])),
]

# (name, method, request headers (preflight: the ACRH names), preflight?)
REQUESTS = [
    ("GET", "GET", [], False),
    ("preflight PUT", "PUT", [], True),
    ("preflight DELETE + x-custom", "DELETE", ["x-custom"], True),
    ("preflight PUT + authorization", "PUT", ["authorization"], True),
    ("preflight POST + content-type", "POST", ["content-type"], True),
    ("preflight PUT + x-custom, authorization", "PUT", ["x-custom", "authorization"], True),
]
ORIGINS = [APP, SUB, EVIL, "null"]


def deliberate(policy, origin, request, starlette_says, unicors_says):
    """The rule behind an expected disagreement, or None."""
    options = dict(policy)
    _, method, names, preflight = request
    if (preflight and "authorization" in names and options.get("allow_headers") == ["*"]
            and starlette_says and not unicors_says):
        return "`*` in allow_headers never covers Authorization (decisions.md); the peer lets it through"
    if (preflight and method in {"GET", "HEAD", "POST"} and method not in options.get("allow_methods", ["GET"])
            and "*" not in options.get("allow_methods", ["GET"]) and unicors_says and not starlette_says):
        return ("GET, HEAD and POST are CORS-safelisted methods, always allowed (decisions.md); "
                "the peer refuses a preflight for one it was not given")
    if origin == "null" and starlette_says and not unicors_says:
        return "a null Origin needs allow_null_origin (Starlette treats it as any other origin)"
    return None


def asgi_call(app, method, headers):
    scope = {"type": "http", "method": method, "path": "/", "raw_path": b"/", "query_string": b"",
             "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
             "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 1), "root_path": ""}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}


async def inner(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"app"})


def browser_outcome(status, headers, origin, request, credentials):
    _, method, names, preflight = request
    if preflight:
        return preflight_passes(status, headers, origin, method, names, credentials)
    return cors_check(headers, origin, credentials)


def request_headers(origin, request):
    _, method, names, preflight = request
    headers = [("origin", origin)]
    if preflight:
        headers.append(("access-control-request-method", method))
        if names:
            headers.append(("access-control-request-headers", ",".join(names)))
    return ("OPTIONS" if preflight else method), headers


def compare(run_peer, run_unicors, label):
    agreements, reasons, unexplained = 0, Counter(), []
    for policy_name, options in POLICIES:
        credentials = options.get("allow_credentials", False)
        peer, ours = run_peer(options), run_unicors(options)
        for origin in ORIGINS:
            for request in REQUESTS:
                method, headers = request_headers(origin, request)
                theirs = browser_outcome(*peer(method, headers), origin, request, credentials)
                mine = browser_outcome(*ours(method, headers), origin, request, credentials)
                if theirs == mine:
                    agreements += 1
                    continue
                reason = deliberate(options, origin, request, theirs, mine)
                if reason:
                    reasons[reason] += 1
                else:
                    unexplained.append(f"{policy_name} / {origin} / {request[0]}: {label} {theirs}, unicors {mine}")
    print(f"\n{label} differential: {agreements} agree, {sum(reasons.values())} deliberate differences")
    for reason, count in reasons.items():
        print(f"  {count:3d} x {reason}")
    assert not unexplained, "\n".join(unexplained)
    assert agreements > 80


def test_against_starlette():
    def peer(options):
        app = starlette_cors.CORSMiddleware(inner, **options)
        return lambda method, headers: asgi_call(app, method, headers)

    def ours(options):
        app = unicors.asgi.CORSMiddleware(inner, **options)
        return lambda method, headers: asgi_call(app, method, headers)

    compare(peer, ours, "starlette")


def flask_options(options):
    """Starlette-style options in flask-cors's words."""
    translated = {"origins": options.get("allow_origins", []),
                  "allow_headers": options.get("allow_headers", []),
                  "supports_credentials": options.get("allow_credentials", False),
                  "expose_headers": options.get("expose_headers", [])}
    if options.get("allow_methods", ["GET"]) != ["*"]:  # flask-cors's default is every method
        translated["methods"] = options.get("allow_methods", ["GET"])
    if "allow_origin_regex" in options:
        translated["origins"] = [options["allow_origin_regex"]]
    return translated


def flask_app(extension, options):
    app = flask.Flask(f"diff-{id(options)}-{extension.__module__}")

    @app.route("/", methods=["GET", "PUT", "DELETE", "POST"])
    def index():
        return "app"

    extension(app, **flask_options(options))
    client = app.test_client()

    def call(method, headers):
        response = client.open("/", method=method, headers=headers)
        return response.status_code, {k.lower(): v for k, v in response.headers.items()}

    return call


def test_against_flask_cors():
    compare(lambda o: flask_app(flask_cors.CORS, o), lambda o: flask_app(unicors.flask.CORS, o), "flask-cors")
