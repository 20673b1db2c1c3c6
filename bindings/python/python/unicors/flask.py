"""Flask: `CORS(app, ...)` accepting flask-cors's common options.

    CORS(app, origins=["https://app.example.com"], supports_credentials=True)
    CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}})
    CORS(app, policy="cors.toml")

It wraps `app.wsgi_app` with the WSGI middleware, so every response —
errors and aborts included — gets the decision's headers, and preflights are
answered before any view or before_request hook runs.

Differences from flask-cors (see the README's migration notes): origins are
exact origins, unicors patterns (`https://*.example.com`) or full-match
regexes (flask-cors matches a regex at the start only); flask-cors's default
of any origin with `supports_credentials=True` is refused with ConfigError
instead of reflecting every origin. `resources` work as in flask-cors: the
longest matching path regex (from the start) decides, other paths are left
alone.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from ._config import PolicySource, ShadowCallback, build_live, build_policy
from ._native import LivePolicy, Policy
from .wsgi import CORSMiddleware, OriginCheck

# flask-cors's defaults.
DEFAULT_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]

_REGEX_CHARS = re.compile(r"[\\^$*+?{}\[\]|()]")
# unicors's own origin patterns (`https://*.example.com`, `http://localhost:*`)
# keep their safe meaning; flask-cors would read them as regexes, where
# `https://*.example.com` matches neither what it says nor anything sane.
_UNICORS_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(\*\.)?[^\s*\\^$+?{}\[\]|()/]+(:(\*|[0-9]+))?$")

Origins = Union[str, "re.Pattern[str]", Iterable[Union[str, "re.Pattern[str]"]]]


def _as_list(value: Any) -> List[Any]:
    if value is None:
        return []
    if isinstance(value, (str, re.Pattern)):
        return [value]
    return list(value)


def _origins(origins: Origins) -> Dict[str, Any]:
    """flask-cors `origins`: strings are exact origins, `*`, or unicors
    patterns, unless they look like regexes; compiled patterns are regexes."""
    exact, regexes = [], []
    for origin in _as_list(origins):
        if isinstance(origin, re.Pattern):
            regexes.append(origin.pattern)
        elif origin == "*" or not _REGEX_CHARS.search(origin) or _UNICORS_PATTERN.match(origin):
            exact.append(origin)
        else:
            regexes.append(origin)
    keys: Dict[str, Any] = {"allow_origins": exact}
    if regexes:
        keys["allow_origin_regex"] = regexes
    return keys


def flask_cors_keys(options: Dict[str, Any]) -> Dict[str, Any]:
    """One flask-cors option set as policy keys (flask-cors's defaults)."""
    known = {"origins", "methods", "allow_headers", "expose_headers", "supports_credentials",
             "max_age", "send_wildcard", "vary_header", "automatic_options", "always_send",
             "intercept_exceptions", "allow_private_network"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unknown flask-cors option(s): {', '.join(unknown)}")
    keys = _origins(options.get("origins", "*"))
    keys["allow_methods"] = [m for m in _as_list(options.get("methods", DEFAULT_METHODS))]
    keys["allow_headers"] = _as_list(options.get("allow_headers", "*"))
    keys["expose_headers"] = _as_list(options.get("expose_headers"))
    keys["allow_credentials"] = bool(options.get("supports_credentials", False))
    if options.get("max_age") is not None:
        max_age = options["max_age"]
        keys["max_age"] = int(max_age.total_seconds()) if hasattr(max_age, "total_seconds") else max_age
    if options.get("allow_private_network"):
        keys["allow_private_network"] = True
    return keys


def resource_list(resources: Dict[Any, Dict[str, Any]], options: Dict[str, Any]) -> List[Tuple["re.Pattern[str]", Policy]]:
    """flask-cors `resources`: each path regex (matched from the start, as
    flask-cors does, longest pattern first) with its own policy, made of the
    top-level options and the resource's own."""
    items = []
    for pattern, overrides in resources.items():
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
        items.append((regex, build_policy(None, flask_cors_keys({**options, **overrides}))))
    return sorted(items, key=lambda item: len(item[0].pattern), reverse=True)


class CORS:
    """flask-cors's `CORS` extension, decided by the unicors core."""

    def __init__(self, app: Any = None, *, resources: Optional[Dict[Any, Dict[str, Any]]] = None,
                 policy: Union[PolicySource, LivePolicy, None] = None,
                 origin_allowed: Optional[OriginCheck] = None,
                 shadow_policy: Optional[PolicySource] = None,
                 on_shadow_difference: Optional[ShadowCallback] = None, **options: Any) -> None:
        self.resources: Optional[List[Tuple["re.Pattern[str]", Policy]]] = None
        self.live: Optional[LivePolicy] = None
        if policy is not None:
            if resources or options:
                raise TypeError("pass either policy= or flask-cors options, not both")
            self.live = build_live(policy, {}, shadow_policy, on_shadow_difference)
        elif resources:
            if shadow_policy is not None:
                raise TypeError("shadow_policy= needs one policy: with resources, write one policy "
                                "file with routes and pass policy=")
            self.resources = resource_list(resources, options)
        else:
            self.live = build_live(None, flask_cors_keys(options), shadow_policy,
                                   on_shadow_difference)
        self.origin_allowed = origin_allowed
        if app is not None:
            self.init_app(app)

    @property
    def policy(self) -> Policy:
        """The policy enforced now (the first resource's, with resources)."""
        if self.live is not None:
            return self.live.policy
        assert self.resources is not None
        return self.resources[0][1]

    def init_app(self, app: Any) -> None:
        if self.live is not None:
            app.wsgi_app = CORSMiddleware(app.wsgi_app, policy=self.live,
                                          origin_allowed=self.origin_allowed)
        elif self.resources is not None:
            app.wsgi_app = _Resources(app.wsgi_app, [
                (regex, CORSMiddleware(app.wsgi_app, policy=policy, origin_allowed=self.origin_allowed))
                for regex, policy in self.resources])
        app.extensions["unicors"] = self


class _Resources:
    """The first resource whose regex matches the path decides; flask-cors
    leaves other paths alone, and so does this."""

    def __init__(self, app: Any, resources: List[Tuple["re.Pattern[str]", Any]]) -> None:
        self.app, self.resources = app, resources

    def __call__(self, environ: dict, start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        for regex, middleware in self.resources:
            if regex.match(path):
                return middleware(environ, start_response)
        return self.app(environ, start_response)
