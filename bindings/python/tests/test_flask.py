"""unicors.flask beyond the corpus: flask-cors's default origins (`*`) with
supports_credentials=True refused with ConfigError, and `resources=`
applying only under its prefix (over HTTP, the `resources.test` host:
`{r"/api/*": {"origins": [ORIGIN]}}`)."""

import pytest

pytest.importorskip("flask")

from flask import Flask  # noqa: E402

import unicors  # noqa: E402
from unicors.flask import CORS  # noqa: E402

ORIGIN = "https://app.example"
HOST = "resources.test"


@pytest.fixture(scope="module")
def flask_server(servers):
    return servers.get("flask")


def test_default_origins_with_credentials_refused():
    with pytest.raises(unicors.ConfigError, match="List the origins") as error:
        CORS(Flask(__name__), supports_credentials=True)
    assert ("origin_wildcard_with_credentials", "allow_origins[0]") in [(p.code, p.field) for p in error.value.errors]


def test_resources_apply_under_the_prefix(flask_server):
    for path in ("/api", "/api/items"):
        response = flask_server.get(path, host=HOST, headers=[("Origin", ORIGIN)])
        assert response.values(b"x-app") == [b"1"]
        assert response.values(b"access-control-allow-origin") == [ORIGIN.encode()], path
    preflight = flask_server.get("/api/items", host=HOST, method="OPTIONS", headers=[
        ("Origin", ORIGIN), ("Access-Control-Request-Method", "DELETE")])
    assert preflight.status == 204 and preflight.values(b"access-control-allow-methods") == [b"DELETE"]


@pytest.mark.parametrize("path", ["/", "/other"])
def test_resources_leave_other_paths_without_cors(flask_server, path):
    response = flask_server.get(path, host=HOST, headers=[("Origin", ORIGIN)])
    assert response.status == 200 and response.values(b"x-app") == [b"1"]
    assert response.cors() == []


@pytest.mark.parametrize("path", ["/", "/other"])
def test_preflights_outside_resources_reach_the_app(flask_server, path):
    # flask-cors leaves paths outside `resources` alone: no 403 from unicors,
    # no Vary either; the app (Flask's automatic OPTIONS) answers.
    response = flask_server.get(path, host=HOST, method="OPTIONS", headers=[
        ("Origin", ORIGIN), ("Access-Control-Request-Method", "DELETE")])
    assert response.cors() == [] and response.values(b"vary") == []
    assert response.values(b"x-app") == [b"1"] or response.status in (200, 405)


def test_unicors_origin_patterns_keep_their_meaning():
    # flask-cors would read "https://*.example.com" as a regex; here it is
    # the subdomain pattern it looks like.
    cors = CORS(Flask(__name__), origins=["https://*.example.com", r"https://app\d\.test"])
    allowed = lambda origin: cors.policy.evaluate("GET", [("Origin", origin)]).kind  # noqa: E731
    assert allowed("https://a.example.com") == "actual"
    assert allowed("https://aexample.com") == "rejected"
    assert allowed("https://app1.test") == "actual"
    assert allowed("https://app12.test") == "rejected"  # full match, not flask-cors's prefix match


def test_resource_regexes_match_from_the_start_like_flask_cors(flask_server):
    # r"/api/*" is a regex matched from the start: it covers /apix too, as
    # in flask-cors (write r"/api(/.*)?$" for exactly /api and below).
    response = flask_server.get("/apix", host=HOST, headers=[("Origin", ORIGIN)])
    assert response.values(b"access-control-allow-origin") == [ORIGIN.encode()]
