"""The CI skip guard (tests/skipguard.py) on a throwaway test folder, run by a real pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import skipguard

TESTS_DIR = Path(__file__).resolve().parent
SAMPLE = """\
import pytest

def test_runs():
    assert True

def test_needs_data():
    pytest.skip("data not present on this machine")
"""


def pytest_run(folder: Path, strict: bool, source: str = SAMPLE) -> subprocess.CompletedProcess[str]:
    (folder / "test_sample.py").write_text(source)
    # Only this plugin: the installed ones (schemathesis, hypothesis, ...) would take seconds to load.
    env = {**os.environ, "PYTHONPATH": str(TESTS_DIR), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop(skipguard.ENV, None)
    if strict:
        env[skipguard.ENV] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "skipguard", "-p", "no:cacheprovider", "-q", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_skip_fails_the_run_in_ci_and_names_test_and_reason(tmp_path: Path) -> None:
    result = pytest_run(tmp_path, strict=True)
    assert result.returncode == 1, result.stdout
    assert "skipped tests fail this run" in result.stdout
    assert "test_sample.py::test_needs_data: data not present on this machine" in result.stdout


def test_a_skip_outside_ci_is_only_reported(tmp_path: Path) -> None:
    result = pytest_run(tmp_path, strict=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout and "fail this run" not in result.stdout


def test_a_module_skipped_at_collection_fails_the_run_in_ci(tmp_path: Path) -> None:
    source = 'import pytest\n\npytest.importorskip("no_such_module_anywhere")\n\ndef test_x():\n    pass\n'
    result = pytest_run(tmp_path, strict=True, source=source)
    assert result.returncode == 1, result.stdout
    assert "could not import 'no_such_module_anywhere'" in result.stdout


def test_a_run_without_skips_passes_in_ci(tmp_path: Path) -> None:
    result = pytest_run(tmp_path, strict=True, source="def test_x():\n    pass\n")
    assert result.returncode == 0, result.stdout
