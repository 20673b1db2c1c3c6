"""The Python rows of targets.md: the CORS cost per request of unicors's
adapters next to Starlette's CORSMiddleware, flask-cors and
django-cors-headers, in one process, on the workload of peer-bench.md.

Cost = time per request with the CORS layer minus without it (the same
trivial app in the same harness), paired per repetition as bare, layer,
layer, bare (a drift in the machine's speed cancels); medians with min–max
over the repetitions. The garbage collector is off while a batch is timed,
as timeit does (a collection lands in whichever batch reaches the
threshold: noise of several µs on a Flask request); it runs between
batches. Every call goes through the framework's real entry point: a raw
ASGI call, a WSGI call, Django's middleware chain.

    python benches/python/bench.py [--repeat 11] [--seconds 0.2] [--json out.json]

(run by benches/python/run.sh, which provides a venv with everything).
"""

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time

ORIGINS = ["https://app.example.com", "https://admin.example.com", "http://localhost:3000"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
HEADERS = ["content-type", "authorization", "x-request-id"]
BROWSER = [("host", "api.example.com"), ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"),
           ("accept", "*/*"), ("accept-language", "en-US,en;q=0.9"), ("accept-encoding", "gzip, deflate, br"),
           ("referer", "https://app.example.com/page"), ("sec-fetch-mode", "cors"), ("sec-fetch-site", "cross-site"),
           ("sec-fetch-dest", "empty"), ("connection", "keep-alive")]
HOSTILE = ",".join(["a,,,b,,,c,,,d"] * 256)[:4096]
KINDS = {
    "a": ("OPTIONS", [("origin", "https://admin.example.com"), ("access-control-request-method", "PUT"),
                      ("access-control-request-headers", "content-type,x-request-id")]),
    "b": ("GET", [("origin", "https://app.example.com")]),
    "c": ("GET", [("origin", "https://evil.example.net")]),
    "d": ("GET", []),
    "e": ("OPTIONS", [("origin", "https://admin.example.com"), ("access-control-request-method", "PUT"),
                      ("access-control-request-headers", HOSTILE)]),
}
LABELS = {"a": "(a) preflight ok", "b": "(b) actual ok", "c": "(c) bad origin", "d": "(d) no Origin",
          "e": "(e) hostile preflight"}


def timed(run, seconds):
    """Seconds per call of `run(n)` (which makes n calls): calibrate, then
    time, with the garbage collector off (collected before)."""
    gc.collect()
    gc.disable()
    try:
        return timed_batch(run, seconds)
    finally:
        gc.enable()


def timed_batch(run, seconds):
    """`timed`, as the collector is."""
    n = 1
    while True:
        start = time.perf_counter()
        run(n)
        took = time.perf_counter() - start
        if took > seconds / 4:
            break
        n *= 2
    n = max(1, int(n * seconds / took))
    start = time.perf_counter()
    run(n)
    return (time.perf_counter() - start) / n


def repeat(call):
    """`run(n)` for a plain callable."""
    def run(n):
        for _ in range(n):
            call()
    return run


# ---- ASGI ---------------------------------------------------------------

def asgi_caller(app, kind):
    method, cors = KINDS[kind]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "https", "path": "/api/items", "raw_path": b"/api/items", "query_string": b"",
             "root_path": "", "server": ("127.0.0.1", 443), "client": ("127.0.0.1", 5000),
             "headers": [(n.encode(), v.encode()) for n, v in BROWSER + cors]}
    loop = asyncio.new_event_loop()

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    async def many(count):
        for _ in range(count):
            await app(scope, receive, send)

    # One coroutine drives a batch, so the event loop's own cost is not measured.
    return lambda n: loop.run_until_complete(many(n))


async def asgi_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"x-request-id", b"1")]})
    await send({"type": "http.response.body", "body": b"ok"})


def asgi_subjects():
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS

    import unicors.asgi

    options = dict(allow_origins=ORIGINS, allow_methods=METHODS, allow_headers=HEADERS,
                   expose_headers=["x-request-id"], allow_credentials=True, max_age=600)
    return {"bare": asgi_app, "starlette": StarletteCORS(asgi_app, **options),
            "unicors.asgi": unicors.asgi.CORSMiddleware(asgi_app, **options)}


def starlette_app_subjects():
    """The same two middlewares inside a real Starlette app (router, request
    and response objects, an async endpoint that also takes OPTIONS): the
    CORS cost as a Starlette user pays it, next to the Flask and Django rows,
    which are measured inside their frameworks too."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    import unicors.asgi

    async def items(request):
        return PlainTextResponse("ok", headers={"X-Request-Id": "1"})

    options = dict(allow_origins=ORIGINS, allow_methods=METHODS, allow_headers=HEADERS,
                   expose_headers=["x-request-id"], allow_credentials=True, max_age=600)

    def make(middleware):
        return Starlette(routes=[Route("/api/items", items, methods=METHODS + ["OPTIONS"])],
                         middleware=[Middleware(middleware, **options)] if middleware else [])

    return {"bare": make(None), "starlette": make(StarletteCORS),
            "unicors.asgi": make(unicors.asgi.CORSMiddleware)}


# ---- WSGI / Flask -------------------------------------------------------

def environ_for(kind):
    method, cors = KINDS[kind]
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/api/items", "SCRIPT_NAME": "", "QUERY_STRING": "",
               "SERVER_NAME": "api.example.com", "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.url_scheme": "https", "wsgi.input": None, "wsgi.errors": sys.stderr,
               "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
               "wsgi.version": (1, 0)}
    for name, value in BROWSER + cors:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def wsgi_caller(app, kind):
    import io

    environ = environ_for(kind)

    def start_response(status, headers, exc_info=None):
        return None

    def call():
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(b"")
        for _ in app(env, start_response):
            pass

    return repeat(call)


def wsgi_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-Id", "1")])
    return [b"ok"]


def wsgi_subjects():
    import unicors.wsgi

    return {"bare": wsgi_app, "unicors.wsgi": unicors.wsgi.CORSMiddleware(
        wsgi_app, allow_origins=ORIGINS, allow_methods=METHODS, allow_headers=HEADERS,
        expose_headers=["x-request-id"], allow_credentials=True, max_age=600)}


def flask_subjects():
    import flask
    import flask_cors

    import unicors.flask

    def make(extension):
        app = flask.Flask(f"bench-{extension}")

        @app.route("/api/items", methods=METHODS)
        def items():
            return "ok", 200, {"X-Request-Id": "1"}

        options = dict(origins=ORIGINS, methods=METHODS, allow_headers=HEADERS,
                       expose_headers=["x-request-id"], supports_credentials=True, max_age=600)
        if extension == "flask-cors":
            flask_cors.CORS(app, **options)
        elif extension == "unicors.flask":
            unicors.flask.CORS(app, **options)
        return app

    return {"bare": make("bare"), "flask-cors": make("flask-cors"), "unicors.flask": make("unicors.flask")}


# ---- Django -------------------------------------------------------------

def django_subjects():
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False, SECRET_KEY="bench", ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
        CORS_ALLOWED_ORIGINS=ORIGINS, CORS_ALLOW_METHODS=METHODS, CORS_ALLOW_HEADERS=HEADERS,
        CORS_EXPOSE_HEADERS=["x-request-id"], CORS_ALLOW_CREDENTIALS=True, CORS_PREFLIGHT_MAX_AGE=600,
        INSTALLED_APPS=["corsheaders"], MIDDLEWARE=[])
    django.setup()
    from corsheaders.middleware import CorsMiddleware as PeerMiddleware
    from django.http import HttpResponse

    import unicors.django

    def view(request):
        response = HttpResponse("ok")
        response["X-Request-Id"] = "1"
        return response

    return {"bare": view, "django-cors-headers": PeerMiddleware(view), "unicors.django": unicors.django.CorsMiddleware(view)}


def django_caller(handler, kind):
    from django.core.handlers.wsgi import WSGIRequest

    environ = environ_for(kind)

    def call():
        import io

        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(b"")
        handler(WSGIRequest(env))

    return repeat(call)


urlpatterns = []

# ---- running ------------------------------------------------------------

GROUPS = [
    ("ASGI", asgi_subjects, asgi_caller),
    ("Starlette app", starlette_app_subjects, asgi_caller),
    ("WSGI", wsgi_subjects, wsgi_caller),
    ("Flask", flask_subjects, wsgi_caller),
    ("Django", django_subjects, django_caller),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--seconds", type=float, default=0.2)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    results = {}
    for group, make, caller in GROUPS:
        subjects = make()
        for kind in KINDS:
            calls = {name: caller(app, kind) for name, app in subjects.items()}
            costs = {name: [] for name in subjects if name != "bare"}
            for _ in range(args.repeat):
                for name in costs:
                    half = args.seconds / 2
                    before = timed(calls["bare"], half)
                    first, second = timed(calls[name], half), timed(calls[name], half)
                    after = timed(calls["bare"], half)
                    costs[name].append((first + second - before - after) / 2)
            for name, values in costs.items():
                results[f"{group}|{name}|{kind}"] = values
                print(f"{group:13} {name:20} {LABELS[kind]:24} {statistics.median(values) * 1e6:8.2f} µs "
                      f"({min(values) * 1e6:.2f}–{max(values) * 1e6:.2f})", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out)


if __name__ == "__main__":
    main()
