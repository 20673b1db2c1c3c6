"""Turning an adapter's arguments into a Policy: either a ready `policy=`
(a Policy or a path to a policy file), or keyword arguments already named as
the policy keys. Translating a peer library's option names into policy keys
is each adapter's job; saying no to insecure combinations is the core's."""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Dict, Optional, Union

from ._native import Decision, LivePolicy, Policy, ShadowDifference

logger = logging.getLogger("unicors")

PolicySource = Union[Policy, str, "os.PathLike[str]"]
ShadowCallback = Callable[[ShadowDifference], Any]


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


def _file_of(source: Optional[Any]) -> Optional["os.PathLike[str] | str"]:
    return source if isinstance(source, (str, os.PathLike)) else None


def build_live(policy: Optional[Union[PolicySource, LivePolicy]], keys: Dict[str, Any],
               shadow_policy: Optional[PolicySource] = None,
               on_shadow_difference: Optional[ShadowCallback] = None) -> LivePolicy:
    """What an adapter enforces: a LivePolicy given as `policy=` (the caller
    keeps the handle to swap policies and read counters), or one made from
    the policy (or keys) and the optional report-only policy. Differences
    go to `on_shadow_difference`, by default an INFO line on `unicors`."""
    if isinstance(policy, LivePolicy):
        if keys or shadow_policy is not None or on_shadow_difference is not None:
            raise TypeError("a LivePolicy carries its own options and report-only policy: "
                            "pass it alone as policy=")
        return policy
    built = build_policy(policy, keys)
    shadow = None if shadow_policy is None else build_policy(shadow_policy, {})
    return LivePolicy(built, shadow, on_shadow_difference or log_shadow_difference,
                      policy_file=_file_of(policy), shadow_file=_file_of(shadow_policy))


def log_shadow_difference(report: ShadowDifference) -> None:
    """INFO line for a request the report-only policy would answer
    differently: both kinds and reasons and what differs. Request values
    are shown with repr and cut at 200 characters (no log injection)."""
    if logger.isEnabledFor(logging.INFO):
        enforced, shadow = report.decision, report.shadow
        logger.info(
            "unicors: report-only policy differs (%s) on %s %r from origin %r: enforced %s%s, "
            "report-only %s%s", ", ".join(report.difference), _short(report.method),
            _short(report.path), _short(report.origin), enforced.kind,
            f" ({enforced.reason})" if enforced.reason else "", shadow.kind,
            f" ({shadow.reason})" if shadow.reason else "")


def _short(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        return value[:200]
    return value
