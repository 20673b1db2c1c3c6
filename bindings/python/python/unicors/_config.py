"""Turning an adapter's arguments into a Policy: either a ready `policy=`
(a Policy or a path to a policy file), or keyword arguments already named as
the policy keys. Translating a peer library's option names into policy keys
is each adapter's job; saying no to insecure combinations is the core's."""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, Optional, Union

from ._native import Decision, Policy

logger = logging.getLogger("unicors")

PolicySource = Union[Policy, str, "os.PathLike[str]"]


def build_policy(policy: Optional[PolicySource], keys: Dict[str, Any]) -> Policy:
    """`policy` wins when given (and then no keys may be); else the keys.
    The policy's warnings are logged once, at WARNING on logger `unicors`."""
    built = _build(policy, keys)
    log_warnings(built)
    return built


def log_warnings(policy: Policy) -> None:
    for problem in policy.warnings:
        where = f" at {problem.field}" if problem.field else ""
        logger.warning("unicors: CORS policy%s: %s [%s]", where, problem.message, problem.code)


def _build(policy: Optional[PolicySource], keys: Dict[str, Any]) -> Policy:
    if policy is not None:
        if keys:
            raise TypeError(
                "pass either policy= or policy options, not both "
                f"(got policy= and {', '.join(sorted(keys))})")
        if isinstance(policy, Policy):
            return policy
        return Policy.from_file(policy)
    return Policy(**keys)


def log_rejection(decision: Decision, method: str, path: str) -> None:
    """DEBUG line for a rejection: the reason code and message, never the
    request's header bytes (no log injection)."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("unicors: rejected %s: %s (%s %r)", decision.reason, decision.reason_message,
                     method, path[:200])
