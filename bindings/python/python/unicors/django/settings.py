"""django-cors-headers's settings, with its defaults, as a unicors Policy.

`UNICORS_POLICY` (a policy file path, a dict of policy keys, a Policy or a
LivePolicy) replaces them all; `UNICORS_SHADOW_POLICY` runs a candidate
report-only beside it. `CORS_URLS_REGEX` keeps django-cors-headers's meaning: requests
whose path does not match it (re.match, from the start) are left alone.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Dict, Optional, Pattern, Tuple

from .._config import log_shadow_difference
from .._native import LivePolicy, Policy

# django-cors-headers's defaults.
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken",
                   "x-requested-with")
# django-cors-headers says 86400; browsers cap it (Chromium at 7200 s), and
# unicors warns above that, so the translated default is the cap.
DEFAULT_MAX_AGE = 7200


def settings_keys(settings: Any) -> Dict[str, Any]:
    """The CORS_* settings as policy keys. CORS_ALLOW_ALL_ORIGINS with
    CORS_ALLOW_CREDENTIALS is refused by the core (it would reflect every
    origin), with a message saying how to list origins instead."""
    def get(name: str, default: Any = None) -> Any:
        return getattr(settings, name, default)

    keys: Dict[str, Any] = {
        "allow_origins": ["*"] if get("CORS_ALLOW_ALL_ORIGINS", False)
        else list(get("CORS_ALLOWED_ORIGINS", ())),
        "allow_methods": list(get("CORS_ALLOW_METHODS", DEFAULT_METHODS)),
        "allow_headers": list(get("CORS_ALLOW_HEADERS", DEFAULT_HEADERS)),
        "expose_headers": list(get("CORS_EXPOSE_HEADERS", ())),
        "allow_credentials": bool(get("CORS_ALLOW_CREDENTIALS", False)),
        "allow_private_network": bool(get("CORS_ALLOW_PRIVATE_NETWORK", False)),
    }
    max_age = get("CORS_PREFLIGHT_MAX_AGE", DEFAULT_MAX_AGE)
    if max_age:
        keys["max_age"] = max_age
    regexes = [r.pattern if isinstance(r, re.Pattern) else r
               for r in get("CORS_ALLOWED_ORIGIN_REGEXES", ())]
    if regexes and not get("CORS_ALLOW_ALL_ORIGINS", False):
        keys["allow_origin_regex"] = regexes
    return keys


def _policy(source: Any) -> Policy:
    if isinstance(source, Policy):
        return source
    if isinstance(source, dict):
        return Policy(**source)
    return Policy.from_file(source)


def build(settings: Any) -> Tuple[LivePolicy, Optional[Pattern[str]]]:
    """What the middleware enforces and the URL pattern it covers (None:
    every path). `UNICORS_POLICY` may be a LivePolicy the project keeps (to
    swap policies and read counters); `UNICORS_SHADOW_POLICY` (a Policy, a
    dict of keys or a file) runs report-only beside the policy. Raises
    ConfigError with every problem."""
    source = getattr(settings, "UNICORS_POLICY", None)
    shadow_source = getattr(settings, "UNICORS_SHADOW_POLICY", None)
    if isinstance(source, LivePolicy):
        if shadow_source is not None:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                "unicors: UNICORS_SHADOW_POLICY is ignored when UNICORS_POLICY is a LivePolicy: "
                "give the report-only policy to the LivePolicy instead")
        live = source
    else:
        policy = _policy(source) if source is not None else Policy(**settings_keys(settings))
        shadow = None if shadow_source is None else _policy(shadow_source)
        file_of = lambda s: s if isinstance(s, (str, os.PathLike)) else None  # noqa: E731
        live = LivePolicy(policy, shadow, log_shadow_difference, policy_file=file_of(source),
                          shadow_file=file_of(shadow_source))
    urls = getattr(settings, "CORS_URLS_REGEX", r"^.*$")
    pattern = None if urls in (None, r"^.*$", ".*", r"^.*") else re.compile(urls)
    return live, pattern


def covered(pattern: Optional[Pattern[str]], path: str) -> bool:
    return pattern is None or pattern.match(path) is not None


def origin_check(settings: Any) -> Optional[Callable[[str], bool]]:
    """`UNICORS_ORIGIN_ALLOWED`: a callable (or its dotted path) given the
    request's Origin, deciding it instead of the policy's origin lists."""
    check = getattr(settings, "UNICORS_ORIGIN_ALLOWED", None)
    if isinstance(check, str):
        from django.utils.module_loading import import_string

        check = import_string(check)
    return check


def policy_from_settings() -> Tuple[LivePolicy, Optional[Pattern[str]]]:
    """For the middleware: a bad policy stops Django with every problem."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from .._native import ConfigError

    try:
        return build(settings)
    except ConfigError as error:
        raise ImproperlyConfigured(f"unicors: {error}") from error
