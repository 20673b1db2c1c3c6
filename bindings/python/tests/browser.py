"""What a browser does with a response: the CORS check and the preflight
checks of the Fetch standard, from the client side. Used by the differential
tests to compare libraries by outcome (would the page see the response?)
rather than by exact bytes, since libraries legitimately differ in bytes
(echoing the requested method vs listing all, 204 vs 200)."""

from typing import Dict, Optional

SAFELISTED_METHODS = {"GET", "HEAD", "POST"}


def _values(headers: Dict[str, str], name: str) -> Optional[str]:
    return headers.get(name.lower())


def cors_check(headers: Dict[str, str], origin: str, credentials: bool) -> bool:
    allow_origin = _values(headers, "access-control-allow-origin")
    if allow_origin is None:
        return False
    if allow_origin == "*" and not credentials:
        return True
    if allow_origin != origin:
        return False
    return not credentials or _values(headers, "access-control-allow-credentials") == "true"


def _list(headers: Dict[str, str], name: str):
    value = _values(headers, name) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def preflight_passes(status: int, headers: Dict[str, str], origin: str, method: str,
                     request_headers: list, credentials: bool) -> bool:
    if not 200 <= status <= 299 or not cors_check(headers, origin, credentials):
        return False
    methods = _list(headers, "access-control-allow-methods")
    if method not in SAFELISTED_METHODS and method not in methods and not (
            "*" in methods and not credentials):
        return False
    allowed = {h.lower() for h in _list(headers, "access-control-allow-headers")}
    for name in request_headers:
        name = name.lower()
        if name in allowed:
            continue
        if "*" in allowed and not credentials and name != "authorization":
            continue
        return False
    return True
