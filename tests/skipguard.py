"""A pytest plugin: in CI, a skipped test is a failed run.

A skip that hides a missing resource (the TaskBench data, a Debian package, root) makes a green run
prove less than it claims. ``.ci/run`` sets ``AGENTNET_NO_SKIPS=1``; then every skip, at run time or
at collection, fails the session unless its reason starts with one of ``ALLOWED_IN_CI`` — each entry
there says why CI may skip it. Outside CI skips are reported as usual (``-ra`` shows the reasons).

tests/conftest.py imports these hooks; a pytest run elsewhere can load the plugin with ``-p skipguard``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

ENV = "AGENTNET_NO_SKIPS"

# Reasons (prefixes) a CI run may skip for. Empty: on the CI machine (Linux, root, the TaskBench data,
# every extra installed) nothing has a reason to skip.
ALLOWED_IN_CI: tuple[str, ...] = ()

_skipped: list[tuple[str, str]] = []


def _reason(report: Any) -> str:
    longrepr = report.longrepr
    text = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr or "")
    return text.removeprefix("Skipped: ").strip()


def _record(report: Any) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, _reason(report)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _record(report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _record(report)


def unexpected() -> list[tuple[str, str]]:
    """Skips CI does not allow (all of them unless a reason is listed in ``ALLOWED_IN_CI``)."""
    return [(node, reason) for node, reason in _skipped if not any(reason.startswith(p) for p in ALLOWED_IN_CI)]


def _strict() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _strict() and unexpected() and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _strict() or not unexpected():
        return
    terminalreporter.section(f"skipped tests fail this run ({ENV} is set)", red=True)
    for node, reason in unexpected():
        terminalreporter.line(f"{node}: {reason or '(no reason given)'}")
    terminalreporter.line(
        "CI must run these: provide what they need (.ci/run or a session fixture), or add the reason to "
        "ALLOWED_IN_CI in tests/skipguard.py saying why CI may skip it."
    )
