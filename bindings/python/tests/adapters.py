"""The six adapter servers the HTTP tests run, and the session's pool of
them (tests/conftest.py's `servers` fixture): each server starts on first
use — all the installed ones boot together, the first `get` waits only for
its own — and stops at the end of the session."""

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Tuple

import pytest

import corpus_http
import servers
from servers import Server


@dataclass(frozen=True)
class Adapter:
    name: str
    launcher: Callable[..., Server]  # servers.uvicorn or servers.gunicorn
    app: str  # module:attribute, under tests/apps
    requires: Tuple[str, ...]  # importable modules, else the tests skip
    verdicts: bool  # has an origin_allowed= callback option
    async_verdicts: bool  # ... that may be a coroutine function


ADAPTERS: Dict[str, Adapter] = {a.name: a for a in [
    Adapter("starlette", servers.uvicorn, "apps.starlette_app:app", ("starlette", "uvicorn"), True, True),
    Adapter("fastapi", servers.uvicorn, "apps.fastapi_app:app", ("fastapi", "uvicorn"), True, True),
    Adapter("wsgi", servers.gunicorn, "apps.wsgi_app:app", ("gunicorn",), True, False),
    Adapter("flask", servers.gunicorn, "apps.flask_app:app", ("flask", "gunicorn"), True, False),
    Adapter("django-wsgi", servers.gunicorn, "apps.django_wsgi:app", ("django", "gunicorn"), True, False),
    Adapter("django-asgi", servers.uvicorn, "apps.django_asgi:app", ("django", "uvicorn"), True, False),
]}


def installed(adapter: Adapter) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in adapter.requires)


class ServerPool:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        hosts_file = workdir / "hosts.json"
        hosts_file.write_text(json.dumps(corpus_http.hosts()))
        # Only the tests directory on the path: the servers import the
        # installed unicors, never the source tree.
        self.env = {"PYTHONPATH": str(servers.TESTS), "UNICORS_TEST_HOSTS": str(hosts_file)}
        self.servers: Dict[str, Server] = {}

    def get(self, name: str) -> Server:
        """The adapter's running server; skips when its framework is missing."""
        adapter = ADAPTERS[name]
        for module in adapter.requires:
            pytest.importorskip(module)
        if not self.servers:
            for other in ADAPTERS.values():
                if installed(other):
                    self._launch(other)
        server = self.servers.get(name) or self._launch(adapter)
        if server.process is None:
            raise RuntimeError(f"{name} server already failed to start:\n{server.log()}")
        return server.wait_ready()

    def _launch(self, adapter: Adapter) -> Server:
        server = adapter.launcher(adapter.name, adapter.app, env=self.env, workdir=self.workdir)
        self.servers[adapter.name] = server
        return server.start()

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()
