"""WSGI middleware: `CORSMiddleware(app, ...)` for any WSGI app, with the
policy keys as keyword arguments or `policy=` (a Policy, a policy file, or
a LivePolicy you keep to swap policies and read counters); `shadow_policy=`
runs a candidate report-only beside it.

    application = CORSMiddleware(application, allow_origins=["https://app.example.com"])

Preflights the policy answers are answered here; every other response gets
the decision's headers, whatever its status.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Callable, Dict, Iterable, Optional, Union

from ._config import PolicySource, ShadowCallback, build_live, log_rejection
from ._native import Decision, LivePolicy, Policy

OriginCheck = Callable[[str], bool]
StartResponse = Callable[..., Any]

_STATUS_LINES: Dict[int, str] = {}


def status_line(status: int) -> str:
    """`204 No Content`, computed once per status (HTTPStatus is slow)."""
    line = _STATUS_LINES.get(status)
    if line is None:
        try:
            line = f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            line = f"{status} Unknown"
        _STATUS_LINES[status] = line
    return line


def origin_verdict(origin_allowed: OriginCheck, environ: dict) -> bool:
    """The host's check on the request's Origin. Without an Origin there is
    nothing to ask it about, but the answer still depends on the origin
    (never the public `*` answer); a failing check refuses the origin, it
    never fails the request."""
    if "HTTP_ORIGIN" not in environ:
        return False
    try:
        return bool(origin_allowed(environ["HTTP_ORIGIN"]))
    except Exception:
        return False


def decide(live: LivePolicy, environ: dict, origin_allowed: Optional[OriginCheck]) -> Decision:
    """The decision for a WSGI environ (or Django's `request.META`): read
    by the core straight from the environ's CORS keys; a rejection logged
    at DEBUG."""
    verdict = None if origin_allowed is None else origin_verdict(origin_allowed, environ)
    decision = live.evaluate_environ(environ, verdict)
    if decision.rejected:
        log_rejection(decision, environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""))
    return decision


class CORSMiddleware:
    """CORS for a WSGI app, decided by the unicors core."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *,
                 policy: Union[PolicySource, LivePolicy, None] = None,
                 origin_allowed: Optional[OriginCheck] = None,
                 shadow_policy: Optional[PolicySource] = None,
                 on_shadow_difference: Optional[ShadowCallback] = None, **keys: Any) -> None:
        self.app = app
        self.live: LivePolicy = build_live(policy, keys, shadow_policy, on_shadow_difference)
        self.origin_allowed = origin_allowed

    @property
    def policy(self) -> Policy:
        """The policy enforced now (`live.set_policy` replaces it)."""
        return self.live.policy

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        # decide(), inlined: one Python frame less on every request.
        origin_allowed = self.origin_allowed
        decision = self.live.evaluate_environ(
            environ, None if origin_allowed is None else origin_verdict(origin_allowed, environ))
        if decision.rejected:
            log_rejection(decision, environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""))
        if decision.status is not None:
            start_response(status_line(decision.status), decision.response_text())
            return [b""]
        # A native start_response: the app's headers get the decision's.
        return self.app(environ, decision.wrap_start_response(start_response))
