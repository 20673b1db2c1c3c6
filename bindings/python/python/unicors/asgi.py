"""ASGI middleware: `CORSMiddleware(app, ...)` for Starlette, FastAPI or any
ASGI app, accepting Starlette's CORSMiddleware keyword arguments.

    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"],
                       allow_credentials=True, allow_methods=["*"], allow_headers=["*"])

or `CORSMiddleware(app, policy="cors.toml")` for the policy file every
unicors surface reads. `shadow_policy=` runs a candidate policy report-only
beside it (differences logged at INFO on `unicors`, or passed to
`on_shadow_difference`); `policy=` may be a `LivePolicy` you keep, to swap
policies while serving and read the counters. Preflights the policy answers are answered here (the
app never sees them); every other HTTP response gets the decision's headers,
whatever its status.
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence, Union

from ._config import PolicySource, ShadowCallback, build_live, log_rejection
from ._native import LivePolicy, Policy

OriginCheck = Callable[[str], Union[bool, Awaitable[bool]]]

# Starlette always lets these request headers through, listed or not.
STARLETTE_SAFELISTED_HEADERS = ("accept", "accept-language", "content-language", "content-type")

_UNSET: Any = object()


def starlette_keys(
    allow_origins: Sequence[str] = (),
    allow_methods: Sequence[str] = ("GET",),
    allow_headers: Sequence[str] = (),
    allow_credentials: bool = False,
    allow_origin_regex: Optional[str] = None,
    expose_headers: Sequence[str] = (),
    max_age: int = 600,
    allow_private_network: bool = False,
) -> Dict[str, Any]:
    """Starlette's CORSMiddleware arguments, with its defaults, as policy keys.
    Starlette's `*` origin with credentials reflects any origin; here the
    core refuses it with ConfigError and says how to list origins instead."""
    headers = list(allow_headers)
    if "*" not in headers:
        headers += [h for h in STARLETTE_SAFELISTED_HEADERS if h not in {x.lower() for x in headers}]
    keys: Dict[str, Any] = {
        "allow_origins": list(allow_origins),
        "allow_methods": list(allow_methods),
        "allow_headers": headers,
        "allow_credentials": allow_credentials,
        "expose_headers": list(expose_headers),
        "max_age": max_age,
        "allow_private_network": allow_private_network,
    }
    if allow_origin_regex is not None:
        keys["allow_origin_regex"] = allow_origin_regex
    return keys


class CORSMiddleware:
    """CORS for an ASGI app, decided by the unicors core."""

    def __init__(
        self,
        app: Callable[..., Awaitable[None]],
        allow_origins: Sequence[str] = _UNSET,
        allow_methods: Sequence[str] = _UNSET,
        allow_headers: Sequence[str] = _UNSET,
        allow_credentials: bool = _UNSET,
        allow_origin_regex: Optional[str] = _UNSET,
        expose_headers: Sequence[str] = _UNSET,
        max_age: int = _UNSET,
        allow_private_network: bool = _UNSET,
        *,
        policy: Union[PolicySource, LivePolicy, None] = None,
        origin_allowed: Optional[OriginCheck] = None,
        shadow_policy: Optional[PolicySource] = None,
        on_shadow_difference: Optional[ShadowCallback] = None,
    ) -> None:
        given: Dict[str, Any] = {k: v for k, v in {
            "allow_origins": allow_origins, "allow_methods": allow_methods,
            "allow_headers": allow_headers, "allow_credentials": allow_credentials,
            "allow_origin_regex": allow_origin_regex, "expose_headers": expose_headers,
            "max_age": max_age, "allow_private_network": allow_private_network,
        }.items() if v is not _UNSET}
        keys = given if policy is not None else starlette_keys(**given)
        self.live: LivePolicy = build_live(policy, keys, shadow_policy, on_shadow_difference)
        self.app = app
        self._evaluate_scope = self.live.evaluate_scope
        self.origin_allowed = origin_allowed
        self._check_is_async = origin_allowed is not None and (
            inspect.iscoroutinefunction(origin_allowed)
            or inspect.iscoroutinefunction(getattr(origin_allowed, "__call__", None)))

    @property
    def policy(self) -> Policy:
        """The policy enforced now (`live.set_policy` replaces it)."""
        return self.live.policy

    async def _verdict(self, headers: Sequence[Sequence[bytes]]) -> Optional[bool]:
        if self.origin_allowed is None:
            return None
        origins = [value for name, value in headers if name.lower() == b"origin"]
        if len(origins) != 1:
            # No Origin, or several: nothing to ask the check about, but the
            # answer still depends on the origin (never the public `*`
            # answer); the core refuses several whatever the verdict.
            return False
        try:
            verdict = self.origin_allowed(origins[0].decode("latin-1"))
            if self._check_is_async or inspect.isawaitable(verdict):
                verdict = await verdict  # type: ignore[misc]
        except Exception:  # a failing check refuses the origin, it never fails the request
            return False
        return bool(verdict)

    async def __call__(self, scope: Dict[str, Any], receive: Callable[..., Any],
                       send: Callable[..., Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        verdict = await self._verdict(scope["headers"]) if self.origin_allowed is not None else None
        decision = self._evaluate_scope(scope, verdict)
        if decision.rejected:
            log_rejection(decision, scope["method"], scope.get("path", ""))
        if decision.status is not None:
            await send({"type": "http.response.start", "status": decision.status,
                        "headers": decision.response_raw()})
            await send({"type": "http.response.body", "body": b""})
            return
        # A native send: the response's headers get the decision's, and no
        # coroutine is made per message.
        await self.app(scope, receive, decision.wrap_send(send))
