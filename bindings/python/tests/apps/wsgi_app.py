"""gunicorn + a plain WSGI app behind unicors.wsgi.CORSMiddleware: one
middleware per corpus host around one app, and `behaviour.test` with the
behaviour options as policy keywords. (A raised exception here is
gunicorn's own 500, outside any middleware: not tested.)"""

from http import HTTPStatus

from apps import common, dispatch
from unicors import Policy
from unicors.wsgi import CORSMiddleware


def inner(environ, start_response):
    status, headers = common.reply(environ.get("HTTP_X_APP_MODE", ""))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [b"ok"]


apps = {host: CORSMiddleware(inner, policy=Policy(**spec["policy"]), origin_allowed=common.origin_check(spec))
        for host, spec in common.hosts().items() if not spec.get("async")}
apps[common.BEHAVIOUR_HOST] = CORSMiddleware(
    inner, allow_origins=[common.ORIGIN], allow_credentials=True, allow_methods=["PUT"],
    allow_headers=["x-token"], expose_headers=["x-total"])
app = dispatch.wsgi(apps)
