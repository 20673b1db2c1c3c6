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
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from ._config import PolicySource, ShadowCallback, build_live, log_rejection
from ._native import REQUEST_HEADER_NAMES, Decision, LivePolicy, Policy

OriginCheck = Callable[[str], bool]
StartResponse = Callable[..., Any]

# The environ keys of the only request headers a decision reads.
_ENVIRON_KEYS = tuple(
    ("HTTP_" + name.upper().replace("-", "_"), name) for name in REQUEST_HEADER_NAMES)


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


def cors_headers(environ: dict) -> List[Tuple[str, str]]:
    """The CORS request headers of a WSGI environ (the server has already
    joined repeated lines with commas; a joined Origin is refused as
    malformed, as it must be)."""
    return [(name, environ[key]) for key, name in _ENVIRON_KEYS if key in environ]


def decide(live: LivePolicy, environ: dict, origin_allowed: Optional[OriginCheck]) -> Decision:
    headers = cors_headers(environ)
    verdict = None
    if origin_allowed is not None:
        # Without an Origin there is nothing to ask the check about, but the
        # answer still depends on the origin (never the public `*` answer).
        verdict = False
        if "HTTP_ORIGIN" in environ:
            try:
                verdict = bool(origin_allowed(environ["HTTP_ORIGIN"]))
            except Exception:  # a failing check refuses the origin, it never fails the request
                verdict = False
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")
    decision = live.evaluate(method, headers, path, verdict)
    if decision.rejected:
        log_rejection(decision, method, path)
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
        decision = decide(self.live, environ, self.origin_allowed)
        if decision.status is not None:
            start_response(status_line(decision.status), decision.response_text())
            return [b""]

        def start_with_cors(status: str, headers: List[Tuple[str, str]], exc_info: Any = None) -> Any:
            merged = decision.merge_text(headers)
            if exc_info is None:
                return start_response(status, merged)
            return start_response(status, merged, exc_info)

        return self.app(environ, start_with_cors)
