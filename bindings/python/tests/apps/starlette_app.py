"""uvicorn + Starlette behind unicors.asgi.CORSMiddleware.

- corpus hosts: `CORSMiddleware(starlette_app, policy=Policy(...),
  origin_allowed=...)` around one Starlette app;
- `behaviour.test`: a Starlette app configured the Starlette way,
  `middleware=[Middleware(CORSMiddleware, allow_origins=..., ...)]`;
- `wrapped.test`: the same options, the middleware wrapping the whole app
  (outside Starlette's ServerErrorMiddleware, so a raised exception's 500
  gets the headers too).
"""

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from apps import common, dispatch
from unicors import Policy
from unicors.asgi import CORSMiddleware

OPTIONS = dict(allow_origins=[common.ORIGIN], allow_credentials=True, allow_methods=["PUT"],
               allow_headers=["x-token"], expose_headers=["x-total"])


async def endpoint(request: Request) -> Response:
    mode = request.headers.get("x-app-mode", "")
    if common.raises(mode):
        raise RuntimeError("raised by the test app")
    status, headers = common.reply(mode)
    return Response(b"ok", status_code=status, headers=dict(headers))


def make_app(**kwargs) -> Starlette:
    return Starlette(routes=[Route("/{path:path}", endpoint, methods=common.METHODS)], **kwargs)


inner = make_app()
apps = {host: CORSMiddleware(inner, policy=Policy(**spec["policy"]), origin_allowed=common.origin_check(spec))
        for host, spec in common.hosts().items()}
apps[common.BEHAVIOUR_HOST] = make_app(middleware=[Middleware(CORSMiddleware, **OPTIONS)])
apps["wrapped.test"] = CORSMiddleware(make_app(), **OPTIONS)
app = dispatch.asgi(apps)
