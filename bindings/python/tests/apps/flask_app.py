"""gunicorn + Flask with unicors.flask.CORS: one Flask app per corpus host
(`CORS(app, policy=Policy(...), origin_allowed=...)`), `behaviour.test`
configured with flask-cors's option names, and `resources.test` with
`resources={r"/api/*": {"origins": [ORIGIN]}}`."""

from flask import Flask, request

from apps import common, dispatch
from unicors import Policy
from unicors.flask import CORS


def make_app() -> Flask:
    app = Flask(__name__, static_folder=None)  # no /static route: every path is the view's

    @app.route("/", defaults={"path": ""}, methods=common.METHODS)
    @app.route("/<path:path>", methods=common.METHODS)
    def endpoint(path: str):
        mode = request.headers.get("X-App-Mode", "")
        if common.raises(mode):
            raise RuntimeError("raised by the test app")
        status, headers = common.reply(mode)
        return b"ok", status, headers

    return app


def with_cors(**options) -> Flask:
    app = make_app()
    CORS(app, **options)
    return app


apps = {host: with_cors(policy=Policy(**spec["policy"]), origin_allowed=common.origin_check(spec))
        for host, spec in common.hosts().items() if not spec.get("async")}
apps[common.BEHAVIOUR_HOST] = with_cors(origins=[common.ORIGIN], supports_credentials=True, methods=["PUT"],
                                        allow_headers=["x-token"], expose_headers=["x-total"])
apps["resources.test"] = with_cors(resources={r"/api/*": {"origins": [common.ORIGIN]}})
app = dispatch.wsgi(apps)
