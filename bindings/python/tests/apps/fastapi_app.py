"""uvicorn + FastAPI behind unicors.asgi.CORSMiddleware.

- corpus hosts: `CORSMiddleware(fastapi_app, policy=..., origin_allowed=...)`;
- `behaviour.test`: `app.add_middleware(CORSMiddleware, ...)` with the
  behaviour options;
- `wrapped.test`: the middleware wrapping the whole app;
- `fastapi-docs.test`: FastAPI's documented configuration, verbatim:
  `allow_origins=[ORIGIN], allow_credentials=True, allow_methods=["*"],
  allow_headers=["*"]`.
"""

from fastapi import FastAPI, Request, Response

from apps import common, dispatch
from apps.starlette_app import OPTIONS
from unicors import Policy
from unicors.asgi import CORSMiddleware


def make_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.api_route("/{path:path}", methods=common.METHODS)
    async def endpoint(request: Request, path: str) -> Response:
        mode = request.headers.get("x-app-mode", "")
        if common.raises(mode):
            raise RuntimeError("raised by the test app")
        status, headers = common.reply(mode)
        return Response(b"ok", status_code=status, headers=dict(headers))

    return app


inner = make_app()
apps = {host: CORSMiddleware(inner, policy=Policy(**spec["policy"]), origin_allowed=common.origin_check(spec))
        for host, spec in common.hosts().items()}

behaviour = make_app()
behaviour.add_middleware(CORSMiddleware, **OPTIONS)
apps[common.BEHAVIOUR_HOST] = behaviour
apps["wrapped.test"] = CORSMiddleware(make_app(), **OPTIONS)

documented = make_app()
documented.add_middleware(CORSMiddleware, allow_origins=[common.ORIGIN], allow_credentials=True,
                          allow_methods=["*"], allow_headers=["*"])
apps["fastapi-docs.test"] = documented
app = dispatch.asgi(apps)
