"""The Python API of the browser suite: uvicorn serving an ASGI echo app
(the same answers as servers/echo.mjs) behind unicors.asgi.CORSMiddleware,
which loads the suite's policy file; outermost, a recorder of every request
(GET /__hits, as echo.mjs's Hits).

    python servers/asgi_app.py PORT POLICY_FILE
"""

import json
import sys

import uvicorn

from unicors import Policy
from unicors.asgi import CORSMiddleware

SEEN = []


def header(scope, name):
    for key, value in scope["headers"]:
        if key.decode("latin-1").lower() == name:
            return value.decode("latin-1")
    return None


async def echo(scope, receive, send):
    body = json.dumps({"method": scope["method"], "path": scope["path"],
                       "cookie": header(scope, "cookie")}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"), (b"x-exposed", b"yes"), (b"x-hidden", b"yes"),
        (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def recorder(app):
    async def record(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if scope["path"] == "/__hits":
            global SEEN
            body = json.dumps(SEEN).encode()
            if scope.get("query_string") == b"reset=1":
                SEEN = []
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": body})
            return None
        SEEN.append({
            "method": scope["method"], "path": scope["path"], "origin": header(scope, "origin"),
            "requestMethod": header(scope, "access-control-request-method"),
            "requestHeaders": header(scope, "access-control-request-headers"),
        })
        return await app(scope, receive, send)
    return record


def main():
    port, policy_file = int(sys.argv[1]), sys.argv[2]
    app = recorder(CORSMiddleware(echo, policy=Policy.from_file(policy_file)))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
