"""Tiny dispatchers by Host header: one app per test host (a corpus policy,
or a behaviour configuration), 421 for a host the server does not know."""

from typing import Any, Callable, Dict

from apps.common import UNKNOWN_HOST_BODY


def asgi(apps: Dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    async def dispatch(scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        host = next((v for n, v in scope["headers"] if n == b"host"), b"").decode("latin-1")
        app = apps.get(host)
        if app is not None:
            await app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 421,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": UNKNOWN_HOST_BODY})

    return dispatch


def wsgi(apps: Dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    def dispatch(environ: Dict[str, Any], start_response: Any) -> Any:
        app = apps.get(environ.get("HTTP_HOST", ""))
        if app is not None:
            return app(environ, start_response)
        start_response("421 Misdirected Request", [("Content-Type", "text/plain")])
        return [UNKNOWN_HOST_BODY]

    return dispatch
