"""Helpers for the MCP tests: start the fixture server, build specs, run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from processes import stop_process, unmeasured_env

from agentnet.config import McpServerSpec

FIXTURE_SERVER = Path(__file__).resolve().parent / "fixture_server.py"
BIN_DIR = Path(sys.executable).parent
AGENTNET = [sys.executable, "-m", "agentnet.cli.app"]


def start_http_fixture(log: Path, *flags: str) -> tuple[subprocess.Popen[str], str]:
    """The fixture server on a free loopback port (it binds port 0 and prints the port)."""
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, str(FIXTURE_SERVER), "--http", *flags],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            start_new_session=True,
            env=unmeasured_env(),
        )
    assert process.stdout is not None
    line = process.stdout.readline()  # returns once the port is printed (or the server died)
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"fixture server did not start: {line!r}\n{log.read_text()[-2000:]}")
    return process, f"http://127.0.0.1:{int(line.split()[1])}/mcp"


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a server started by a test, and close the pipe it was read through."""
    if process.stdout is not None:
        process.stdout.close()
    if process.poll() is None:
        stop_process(process)


def stdio_spec(name: str = "fx", **fields: object) -> McpServerSpec:
    fields = {"name": name, "command": sys.executable, "args": [str(FIXTURE_SERVER)], **fields}
    return McpServerSpec.model_validate(fields)


def user_env() -> dict[str, str]:
    """The environment of a user whose venv is activated (``python`` is this venv's)."""
    return {**os.environ, "PATH": f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "200"}


def agentnet(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AGENTNET, *args], capture_output=True, text=True, timeout=timeout, env=user_env())
