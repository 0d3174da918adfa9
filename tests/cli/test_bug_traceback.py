"""A bug's traceback (an exception agentnet does not know) is still printed, as users paste it into
issues, but with credentials masked: its message can quote what the code was handling."""

from __future__ import annotations

import subprocess
import sys

SECRET = "SENTINELpw7f3a9c"
KEY = "sk-SENTINELkey0123456789abcdef"

PROGRAM = f"""
from agentnet.cli.entry import run_guarded

def command():
    raise RuntimeError("could not reach http://user:{SECRET}@db.example/x with {KEY}")

run_guarded(command, refresh=False)
"""


def test_a_bugs_traceback_is_printed_without_its_credentials() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "RuntimeError: could not reach http://***@db.example/x with ***" in done.stderr
    assert "SENTINEL" not in done.stderr + done.stdout
