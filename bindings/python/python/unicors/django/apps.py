"""`unicors.django` as a Django app: its system checks report every policy
problem at startup (`manage.py check`, runserver, migrate), each with the
core's code and field."""

from __future__ import annotations

from typing import Any, List

from django.apps import AppConfig
from django.core import checks


def check_policy(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    from django.conf import settings

    from .._native import ConfigError
    from .settings import build

    try:
        live, _ = build(settings)
    except ConfigError as error:
        return [message(problem, checks.Error, "E") for problem in error.errors] + [
            message(problem, checks.Warning, "W") for problem in error.warnings]
    policies = [live.policy] + ([live.shadow_policy] if live.shadow_policy is not None else [])
    return [message(problem, checks.Warning, "W") for p in policies for problem in p.warnings]


def message(problem: Any, kind: Any, letter: str) -> checks.CheckMessage:
    where = f" at {problem.field}" if problem.field else ""
    return kind(f"CORS policy{where}: {problem.message}",
                hint=f"unicors code {problem.code}" + (f"; value {problem.value!r}" if problem.value else ""),
                id=f"unicors.{letter}001")


class UnicorsConfig(AppConfig):
    name = "unicors.django"
    label = "unicors"
    verbose_name = "unicors CORS"

    def ready(self) -> None:
        checks.register(check_policy, checks.Tags.security)
