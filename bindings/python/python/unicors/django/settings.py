"""django-cors-headers's settings, with its defaults, as a unicors Policy.

`UNICORS_POLICY` (a policy file path, or a dict of policy keys) replaces
them all. `CORS_URLS_REGEX` keeps django-cors-headers's meaning: requests
whose path does not match it (re.match, from the start) are left alone.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Pattern, Tuple

from .._native import Policy

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


def build(settings: Any) -> Tuple[Policy, Optional[Pattern[str]]]:
    """The policy and the URL pattern it covers (None: every path). Raises
    ConfigError with every problem."""
    source = getattr(settings, "UNICORS_POLICY", None)
    if isinstance(source, Policy):
        policy = source
    elif isinstance(source, dict):
        policy = Policy(**source)
    elif source is not None:
        policy = Policy.from_file(source)
    else:
        policy = Policy(**settings_keys(settings))
    urls = getattr(settings, "CORS_URLS_REGEX", r"^.*$")
    pattern = None if urls in (None, r"^.*$", ".*", r"^.*") else re.compile(urls)
    return policy, pattern


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


def policy_from_settings() -> Tuple[Policy, Optional[Pattern[str]]]:
    """For the middleware: a bad policy stops Django with every problem."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from .._native import ConfigError

    try:
        return build(settings)
    except ConfigError as error:
        raise ImproperlyConfigured(f"unicors: {error}") from error
