"""unicors: the CORS decisions of the WHATWG Fetch standard, from one policy.

Build a :class:`Policy` once (keyword arguments named as the policy keys, or
:meth:`Policy.from_file` for the file every unicors surface reads), then call
:meth:`Policy.evaluate` per request and apply the :class:`Decision`. A policy
with problems raises :class:`ConfigError` listing all of them.

In production, a :class:`LivePolicy` holds the enforced policy and an
optional report-only one: swap either while serving (``set_policy``,
``reload``), and read per-kind and per-reason ``counters()``. Every adapter
takes one as ``policy=``, or ``shadow_policy=`` directly.
"""

from ._native import (ConfigError, Decision, LivePolicy, Policy, Problem, ShadowDifference,
                      __version__)

__all__ = ["ConfigError", "Decision", "LivePolicy", "Policy", "Problem", "ShadowDifference",
           "__version__"]
