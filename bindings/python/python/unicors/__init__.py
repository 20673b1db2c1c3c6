"""unicors: the CORS decisions of the WHATWG Fetch standard, from one policy.

Build a :class:`Policy` once (keyword arguments named as the policy keys, or
:meth:`Policy.from_file` for the file every unicors surface reads), then call
:meth:`Policy.evaluate` per request and apply the :class:`Decision`. A policy
with problems raises :class:`ConfigError` listing all of them.
"""

from ._native import ConfigError, Decision, Policy, Problem, __version__

__all__ = ["ConfigError", "Decision", "Policy", "Problem", "__version__"]
