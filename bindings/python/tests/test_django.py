"""unicors.django beyond the corpus: the system check (what `manage.py
check` runs, with "unicors.django" in INSTALLED_APPS) fails
CORS_ALLOW_ALL_ORIGINS + CORS_ALLOW_CREDENTIALS with the core's code in the
hint, and CORS_URLS_REGEX leaves other paths alone, over HTTP under gunicorn
(sync) and uvicorn (async) — the `urls.test` host,
`CORS_URLS_REGEX = r"^/api/.*$"`."""

import pytest

pytest.importorskip("django")

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core import checks  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def django_setup():
    if not settings.configured:
        settings.configure(INSTALLED_APPS=["unicors.django"], SECRET_KEY="unicors-tests")
        django.setup()


def unicors_messages():
    return [m for m in checks.run_checks() if m.id and m.id.startswith("unicors.")]


def test_system_check_refuses_all_origins_with_credentials(django_setup):
    with override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        messages = unicors_messages()
    errors = [m for m in messages if m.level == checks.ERROR]
    assert [m.id for m in errors] == ["unicors.E001"]
    assert "origin_wildcard_with_credentials" in errors[0].hint
    assert "allow_origins[0]" in errors[0].msg and "List the origins" in errors[0].msg


def test_system_check_passes_listed_origins(django_setup):
    with override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS=True):
        assert [m for m in unicors_messages() if m.level >= checks.ERROR] == []


@pytest.fixture(params=["django-wsgi", "django-asgi"])
def django_server(request, servers):
    return servers.get(request.param)


def test_urls_regex_covers_matching_paths(django_server):
    response = django_server.get("/api/items", host="urls.test", headers=[("Origin", ORIGIN)])
    assert response.values(b"x-app") == [b"1"]
    assert response.values(b"access-control-allow-origin") == [ORIGIN.encode()]
    assert response.vary() == ["Origin"]


@pytest.mark.parametrize("method,extra", [("GET", []), ("OPTIONS", [("Access-Control-Request-Method", "PUT")])])
def test_urls_regex_leaves_other_paths_alone(django_server, method, extra):
    response = django_server.get("/other", host="urls.test", method=method, headers=[("Origin", ORIGIN)] + extra)
    assert response.status == 200 and response.values(b"x-app") == [b"1"]  # even a preflight reaches the app
    assert response.cors() == [] and response.vary() == []
