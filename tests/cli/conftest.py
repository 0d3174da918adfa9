"""Fixtures of the CLI tests that start an `agentnet daemon`."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemonkit import state


@pytest.fixture
def daemon_home(agentnet_home: Path) -> Iterator[Path]:
    """The test's AGENTNET_HOME, for a test that starts a daemon: one still running after the test (it
    failed before stopping it) is killed, so it serves no later test and holds none of its files."""
    yield agentnet_home
    left = state(agentnet_home)
    if left is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(left["pid"]), signal.SIGKILL)
