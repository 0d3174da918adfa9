"""Helpers for the server tests: ``agentnet serve`` subprocesses, and apps served by uvicorn in a
thread (real sockets and HTTP; the scripted nodes behind them stand in for models only where a test
needs exact timing or content)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from card_seed import seed_card_vectors
from processes import cpu_seconds

BIN_DIR = Path(sys.executable).parent
TOKEN = "test-token-0123456789abcdef"
TOKEN_ENV = "AGENTNET_TEST_SERVER_TOKEN"


def listening_socket(port: int = 0) -> socket.socket:
    """A loopback socket already listening (port 0: the kernel picks one), for a server to take over:
    no window in which another process can take the port."""
    return socket.create_server(("127.0.0.1", port), backlog=128)


@dataclass
class Served:
    """A running ``agentnet serve`` process."""

    url: str
    home: Path
    workdir: Path
    log: Path
    process: subprocess.Popen[bytes]
    token: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def api_base(self) -> str:
        return f"{self.url}/v1"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``agentnet ARGS`` as this server's user (same home, same working directory)."""
        return subprocess.run(
            [str(BIN_DIR / "agentnet"), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


_SERVING = re.compile(r"agentnet serving at (http://\S+?)/v1 ")


def wait_for_serve_url(process: subprocess.Popen[bytes], log: Path, deadline: float) -> str:
    """The URL ``agentnet serve`` prints once it listens (it binds port 0 itself and reports the port)."""
    while time.monotonic() < deadline:
        found = _SERVING.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise RuntimeError(f"agentnet serve exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"agentnet serve did not report its address in time:\n{log.read_text()[-4000:]}")


def _wait_healthy(served: Served, deadline: float) -> None:
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"agentnet serve exited with {served.process.returncode}:\n{served.log_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{served.url}/healthz", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"agentnet serve at {served.url} did not come up in time:\n{served.log_text()[-4000:]}")


def start_serve(
    root: Path,
    *,
    config: str | None = None,
    token: str | None = None,
    args: tuple[str, ...] = (),
    extra_env: dict[str, str] | None = None,
    timeout_s: float = 120,
) -> Served:
    """Start ``agentnet serve`` on a port it picks, with its own AGENTNET_HOME and working directory."""
    home = root / "home"
    workdir = root / "work"
    if not home.exists():  # a new home holds the bundled cards' vectors, as every test's does (conftest.py)
        home.mkdir(parents=True)
        seed_card_vectors(home)
    workdir.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (workdir / "agentnet.yaml").write_text(config)
    env = {**os.environ, "AGENTNET_HOME": str(home), "LITELLM_LOCAL_MODEL_COST_MAP": "True", "PYTHONUNBUFFERED": "1"}
    env.update(extra_env or {})
    command = [str(BIN_DIR / "agentnet"), "serve", "--port", "0", "--access-log", "--log-level", "info", *args]
    if token is not None:
        env[TOKEN_ENV] = token
        command += ["--token-env", TOKEN_ENV]
    log = root / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout_s
    served = Served("", home, workdir, log, process, token, env)
    try:
        served.url = wait_for_serve_url(process, log, deadline)
        _wait_healthy(served, deadline)
    except RuntimeError:
        served.stop()
        raise
    return served


def cpu_over(pid: int, seconds: float) -> float:
    """The CPU seconds process ``pid`` spends in the next ``seconds``."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


class ThreadedServer:
    """An ASGI app served by uvicorn in a background thread, on a socket listening before it starts
    (``sock``; by default a new one on a port the kernel picks)."""

    def __init__(self, app: Any, sock: socket.socket | None = None) -> None:
        import uvicorn

        self.sock = sock if sock is not None else listening_socket()
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name="test-uvicorn", daemon=True
        )

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.sock.close()
                raise RuntimeError("the threaded test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()
