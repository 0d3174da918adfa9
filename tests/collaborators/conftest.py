"""espeak-ng for the speech collaborator's tests, installed with apt-get when missing."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


@pytest.fixture(scope="session")
def espeak_ng() -> str:
    """espeak-ng, installed with apt-get when missing (CI machines start without it)."""
    found = shutil.which("espeak-ng")
    if found is None and os.geteuid() == 0:
        for command in (["apt-get", "install", "-y", "espeak-ng"], ["apt-get", "update"],
                        ["apt-get", "install", "-y", "espeak-ng"]):  # fmt: skip
            subprocess.run(
                command,
                capture_output=True,
                timeout=600,
                check=False,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )
            found = shutil.which("espeak-ng")
            if found:
                break
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("espeak-ng is not installed and `apt-get install -y espeak-ng` did not install it")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng) and this user cannot install it")
    return found
