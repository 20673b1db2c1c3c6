"""Reports where the package under test comes from: the installed wheel,
never the source tree (tests/test_package.py asserts it); runs the adapter
test servers (tests/adapters.py) for the session, shows a server's log when
a test using it fails, and prints the corpus tallies at the end."""

from pathlib import Path

import pytest

import corpus_http
import unicors
from adapters import ADAPTERS, ServerPool
from corpus import request_cases, validation_cases
from servers import Server


def pytest_report_header(config):
    return f"unicors {unicors.__version__} from {Path(unicors.__file__).parent}"


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    pool = ServerPool(tmp_path_factory.mktemp("servers"))
    yield pool
    pool.stop_all()


@pytest.fixture(params=list(ADAPTERS))
def adapter(request):
    """Each adapter in turn (tests/adapters.py)."""
    return ADAPTERS[request.param]


@pytest.fixture
def server(adapter, servers):
    """The adapter's running server (skips when its framework is missing)."""
    return servers.get(adapter.name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Server):
                report.sections.append((f"{value.name} server log ({value.log_path})", value.log()))


def pytest_terminal_summary(terminalreporter):
    requests = sum(1 for _ in request_cases())
    validations = sum(1 for _ in validation_cases())
    failed = len(terminalreporter.stats.get("failed", []))
    terminalreporter.write_line(
        f"python corpus: {requests} request cases, {validations} validation cases "
        f"({'all passed' if not failed else f'{failed} tests failed'})")
    for adapter, tally in corpus_http.TALLIES.items():
        terminalreporter.write_line(tally.line(adapter))
