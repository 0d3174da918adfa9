"""The leak guard (tests/leakguard.py) on a throwaway test folder, run by a real pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
SAMPLE = """\
import socket

import pytest


class Cycle:
    # A reference cycle: freed only when the garbage collector runs, not when the test drops it.
    def __init__(self):
        self.me = self
        self.sock = socket.socket()


@pytest.fixture(scope="module")
def shared():
    held = Cycle()
    yield held


def test_before():
    assert True


def test_leaks_a_socket():
    Cycle()


def test_uses_a_leaky_module_fixture(shared):
    assert shared.sock


def test_closes_its_socket():
    with socket.socket():
        pass
"""


def test_a_leak_fails_the_test_that_leaked_it(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "test_later.py").write_text("def test_later():\n    assert True\n")
    # Only this plugin: the installed ones (schemathesis, hypothesis, ...) would take seconds to load.
    env = {**os.environ, "PYTHONPATH": str(TESTS_DIR), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "leakguard", "-p", "no:cacheprovider", "-W", "error", "-rE", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    errors = sorted(line.split(" - ")[0] for line in result.stdout.splitlines() if line.startswith("ERROR "))
    assert errors == [
        # the module fixture's leak shows once the module's fixtures are torn down, on its last test
        "ERROR test_sample.py::test_closes_its_socket",
        "ERROR test_sample.py::test_leaks_a_socket",
    ], result.stdout
    assert "unclosed <socket.socket" in result.stdout
    assert "5 passed, 2 errors" in result.stdout, result.stdout
