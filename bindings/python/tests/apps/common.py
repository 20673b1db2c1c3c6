"""What every test server shares.

- `hosts()`: the corpus hosts to serve, from the JSON file named by
  $UNICORS_TEST_HOSTS: `{host: {"policy": {...}, "verdict": bool | None,
  "async": bool}}`. A host with a verdict gets an `origin_allowed=` callback
  returning it (an async one when "async" is true).
- `reply(mode)`: the inner app's answer, driven by the `X-App-Mode` request
  header (no CORS decision reads it): comma-separated `forge` (the app sets
  its own, wrong Access-Control-* headers), `vary` (the app sets
  `Vary: Accept-Encoding`), `status=NNN`. `raise` (the view raises) is
  handled by each framework module. The app always adds `X-App: 1`, so a
  test can tell whether the app ran.
- The fixed behaviour hosts' configuration, the same rules said in each
  framework's own option names.
"""

import json
import os
from typing import Any, Callable, Dict, List, Optional, Tuple

ORIGIN = "https://app.example"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

# `behaviour.test`: ORIGIN with credentials, PUT, x-token, exposing x-total.
BEHAVIOUR_HOST = "behaviour.test"
FORGED = [
    ("Access-Control-Allow-Origin", "https://evil.example"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Expose-Headers", "x-secret"),
]

UNKNOWN_HOST_BODY = b"unknown test host\n"


def hosts() -> Dict[str, Dict[str, Any]]:
    path = os.environ.get("UNICORS_TEST_HOSTS")
    if not path:
        return {}
    with open(path) as file:
        return json.load(file)


def origin_check(spec: Dict[str, Any]) -> Optional[Callable[[str], Any]]:
    """The `origin_allowed=` callable for a host spec (None without a verdict)."""
    verdict = spec.get("verdict")
    if verdict is None:
        return None
    if spec.get("async"):
        async def check_async(origin: str) -> bool:
            return verdict

        return check_async
    return lambda origin: verdict


def reply(mode: str) -> Tuple[int, List[Tuple[str, str]]]:
    """(status, headers) of the inner app for an X-App-Mode value."""
    status, headers = 200, [("X-App", "1"), ("Content-Type", "text/plain")]
    for word in (w.strip() for w in mode.split(",")):
        if word == "forge":
            headers += FORGED
        elif word == "vary":
            headers.append(("Vary", "Accept-Encoding"))
        elif word.startswith("status="):
            status = int(word[len("status="):])
    return status, headers


def raises(mode: str) -> bool:
    return "raise" in (w.strip() for w in mode.split(","))
