"""One Django handler (WSGIHandler or ASGIHandler) per test host, each built
under override_settings so that unicors.django.CorsMiddleware reads that
host's settings when the handler loads its middleware:

- corpus hosts: `UNICORS_POLICY=<the policy dict>`, plus
  `UNICORS_ORIGIN_ALLOWED=<a callable>` for hosts with an origin verdict
  (sync callables only: Django's callback is not awaited);
- `behaviour.test`: django-cors-headers's setting names;
- `urls.test`: `CORS_URLS_REGEX = r"^/api/.*$"`.
"""

import os
from typing import Any, Callable, Dict

import django
from django.test.utils import override_settings

from apps import common

BEHAVIOUR = dict(CORS_ALLOWED_ORIGINS=[common.ORIGIN], CORS_ALLOW_CREDENTIALS=True,
                 CORS_ALLOW_METHODS=["PUT"], CORS_ALLOW_HEADERS=["x-token"],
                 CORS_EXPOSE_HEADERS=["x-total"])


def handlers(handler_class: Callable[[], Any]) -> Dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.django_settings")
    django.setup(set_prefix=False)
    built = {}
    for host, spec in common.hosts().items():
        if spec.get("async"):
            continue
        with override_settings(UNICORS_POLICY=spec["policy"], UNICORS_ORIGIN_ALLOWED=common.origin_check(spec)):
            built[host] = handler_class()
    with override_settings(**BEHAVIOUR):
        built[common.BEHAVIOUR_HOST] = handler_class()
    with override_settings(CORS_ALLOWED_ORIGINS=[common.ORIGIN], CORS_URLS_REGEX=r"^/api/.*$"):
        built["urls.test"] = handler_class()
    return built
