"""How every adapter sits between a real server and its app, over HTTP, on
the `behaviour.test` host (https://app.example with credentials, PUT,
x-token, exposing x-total, said in each framework's own option names): the
app's own Access-Control-* headers are replaced (never two ACAO lines), its
Vary is kept and Origin appended, error responses carry the CORS headers,
an OPTIONS that is not a preflight reaches the app, preflights are answered
without it."""

import pytest

ORIGIN = "https://app.example"
HOST = "behaviour.test"

# Where a raised exception becomes a 500 inside the adapter's reach: Flask
# and Django convert it inside the wrapped app; for Starlette and FastAPI
# only when the middleware wraps the whole app (`wrapped.test`): with
# add_middleware, Starlette's ServerErrorMiddleware sits outside it.
RAISE_HOSTS = {"starlette": "wrapped.test", "fastapi": "wrapped.test", "flask": HOST,
               "django-wsgi": HOST, "django-asgi": HOST}


def cors(response):
    """{lowercase name: [values]} of the Access-Control-* lines."""
    grouped = {}
    for name, value in response.cors():
        grouped.setdefault(name.decode(), []).append(value)
    return grouped


def assert_allowed_actual(response):
    assert cors(response) == {
        "access-control-allow-origin": [ORIGIN.encode()],
        "access-control-allow-credentials": [b"true"],
        "access-control-expose-headers": [b"x-total"],
    }
    assert response.vary().count("Origin") == 1


def test_app_acao_is_replaced(server):
    response = server.get(headers=[("Origin", ORIGIN), ("X-App-Mode", "forge")])
    assert response.status == 200 and response.values(b"x-app") == [b"1"]
    assert_allowed_actual(response)


def test_app_acao_is_dropped_for_a_rejected_origin(server):
    response = server.get(headers=[("Origin", "https://evil.example"), ("X-App-Mode", "forge")])
    assert response.status == 200 and response.values(b"x-app") == [b"1"]
    assert response.cors() == []
    assert response.vary() == ["Origin"]


def test_app_vary_is_kept_and_origin_appended(server):
    response = server.get(headers=[("Origin", ORIGIN), ("X-App-Mode", "vary")])
    assert_allowed_actual(response)
    assert sorted(response.vary()) == ["Accept-Encoding", "Origin"]


@pytest.mark.parametrize("status", [404, 500])
def test_error_status_from_the_app_carries_cors(server, status):
    response = server.get(headers=[("Origin", ORIGIN), ("X-App-Mode", f"status={status}")])
    assert response.status == status and response.values(b"x-app") == [b"1"]
    assert_allowed_actual(response)


def test_raised_exception_carries_cors(server):
    if server.name not in RAISE_HOSTS:
        pytest.skip("a raised exception is gunicorn's own 500, outside any WSGI middleware")
    response = server.get(host=RAISE_HOSTS[server.name], headers=[("Origin", ORIGIN), ("X-App-Mode", "raise")])
    assert response.status == 500
    assert cors(response)["access-control-allow-origin"] == [ORIGIN.encode()]
    assert "Origin" in response.vary()


def test_options_without_acrm_reaches_the_app(server):
    response = server.get(method="OPTIONS", headers=[("Origin", ORIGIN)])
    assert response.status == 200 and response.values(b"x-app") == [b"1"]
    assert_allowed_actual(response)


def test_preflight_is_answered_without_the_app(server):
    response = server.get(method="OPTIONS", headers=[
        ("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "X-Token")])
    assert response.status == 204 and response.values(b"x-app") == []
    headers = cors(response)
    assert headers["access-control-allow-origin"] == [ORIGIN.encode()]
    assert headers["access-control-allow-methods"] == [b"PUT"]
    assert headers["access-control-allow-headers"] == [b"x-token"]
    assert set(response.vary()) == {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}


def test_rejected_preflight_is_answered_without_the_app(server):
    response = server.get(method="OPTIONS", headers=[
        ("Origin", ORIGIN), ("Access-Control-Request-Method", "DELETE")])
    assert response.status == 403 and response.values(b"x-app") == []
    assert response.cors() == []
