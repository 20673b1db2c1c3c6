"""Django: `unicors.django.CorsMiddleware`, reading django-cors-headers's
setting names (or `UNICORS_POLICY`, a policy file path).

    INSTALLED_APPS = [..., "unicors.django"]        # system checks of the policy
    MIDDLEWARE = ["unicors.django.CorsMiddleware", ...]   # as high as possible
    CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    CORS_ALLOW_CREDENTIALS = True
    UNICORS_ORIGIN_ALLOWED = "myapp.cors.origin_allowed"  # optional: decides origins itself

Sync and async capable. Preflights the policy answers are answered by the
middleware; other responses under CORS_URLS_REGEX get the decision's headers.
"""

from __future__ import annotations

from typing import Any, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

try:  # Django >= 3.2
    from django.http.response import ResponseHeaders
except ImportError:  # pragma: no cover
    ResponseHeaders = None

from .._config import log_rejection
from .._native import is_cors_response_header
from ..wsgi import decide, origin_verdict
from .settings import covered, origin_check, policy_from_settings

__all__ = ["CorsMiddleware"]


def _apply(response: Any, decision: Any) -> Any:
    headers = response.headers
    store = getattr(headers, "_store", None)
    if type(headers) is ResponseHeaders and type(store) is dict:
        # Django's own header store (lowercase name -> (name, value)), set
        # in one native call: the core's values need none of __setitem__'s
        # re-validation.
        decision.apply_to_header_store(store)
        return response
    for name in [n for n in headers if is_cors_response_header(n)]:
        del headers[name]
    for name, value in decision.headers:
        headers[name] = value
    existing = headers.get("Vary")
    missing = decision.vary_to_append(existing)
    if missing:
        headers["Vary"] = f"{existing}, {missing}" if existing else missing
    return response


class CorsMiddleware:
    """CORS for Django, decided by the unicors core."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[..., Any]) -> None:
        self.get_response = get_response
        from django.conf import settings

        self.live, self.urls = policy_from_settings()
        self.origin_allowed = origin_check(settings)
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def _decide(self, request: Any) -> Any:
        urls = self.urls
        if urls is not None and not covered(urls, request.path_info):
            return None
        # request.META is a WSGI environ (Django builds one under ASGI too).
        return decide(self.live, request.META, self.origin_allowed)

    def _answer_now(self, decision: Any) -> Any:
        from django.http import HttpResponse

        response = HttpResponse(status=decision.status)
        del response["Content-Type"]  # no body, so no type
        return _apply(response, decision)

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        # _decide() and decide(), inlined: two Python frames less per request.
        urls = self.urls
        if urls is not None and not covered(urls, request.path_info):
            return self.get_response(request)
        meta, origin_allowed = request.META, self.origin_allowed
        decision = self.live.evaluate_environ(
            meta, None if origin_allowed is None else origin_verdict(origin_allowed, meta))
        if decision.rejected:
            log_rejection(decision, meta.get("REQUEST_METHOD", "GET"), meta.get("PATH_INFO", ""))
        if decision.status is not None:
            return self._answer_now(decision)
        return _apply(self.get_response(request), decision)

    async def __acall__(self, request: Any) -> Any:
        decision = self._decide(request)
        if decision is not None and decision.status is not None:
            return self._answer_now(decision)
        response = await self.get_response(request)
        return response if decision is None else _apply(response, decision)
