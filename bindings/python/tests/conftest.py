"""Reports where the package under test comes from: the installed wheel,
never the source tree (tests/test_package.py asserts it)."""

from pathlib import Path

import unicors
from corpus import request_cases, validation_cases


def pytest_report_header(config):
    return f"unicors {unicors.__version__} from {Path(unicors.__file__).parent}"


def pytest_terminal_summary(terminalreporter):
    requests = sum(1 for _ in request_cases())
    validations = sum(1 for _ in validation_cases())
    failed = len(terminalreporter.stats.get("failed", []))
    terminalreporter.write_line(
        f"python corpus: {requests} request cases, {validations} validation cases "
        f"({'all passed' if not failed else f'{failed} tests failed'})")
