"""A throwaway PostgreSQL server on a free loopback port, for tests and benchmarks.

``initdb`` + ``pg_ctl`` from Debian's PostgreSQL (installed with apt-get when the binaries are
missing). PostgreSQL refuses to run as root, so under root the server runs as the ``postgres``
user (``runuser -u postgres --``) in a directory under /tmp that user can enter; trust auth on
127.0.0.1 only. Nothing is downloaded but the Debian package.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PORT_ATTEMPTS = 8


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def ensure_binaries() -> Path:
    """The PostgreSQL bin directory, installing Debian's ``postgresql`` first if it is missing."""
    found = _bin_dir()
    if found is not None:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
        check=True,
        env=env,
        capture_output=True,
        timeout=900,
    )
    found = _bin_dir()
    if found is None:
        raise RuntimeError("apt-get installed postgresql but pg_ctl is still not found")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One server: ``start()``, ``url(db)``, ``new_database()``, ``restart()``, ``stop()``, ``destroy()``."""

    def __init__(self, *, settings: dict[str, str] | None = None) -> None:
        self.bin = ensure_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="agentnet-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.settings = settings or {}
        self.port = 0
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip

    def _run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        return subprocess.run(
            [*prefix, *map(str, args)], capture_output=True, text=True, timeout=120, check=check, cwd=self.root
        )

    def start(self, port: int | None = None) -> PostgresServer:
        """Start on a free loopback port (another port if that one was taken meanwhile), or on ``port``
        (a server stopped and started again where its clients look for it)."""
        settings = " ".join(f"-c {key}={value}" for key, value in self.settings.items())
        for _ in range(1 if port else PORT_ATTEMPTS):
            self.port = port or _free_port()
            options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} {settings}"
            done = self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", options,
                             "start", check=False)  # fmt: skip
            if done.returncode == 0:
                return self
            if "could not bind" not in self.log.read_text(errors="replace"):
                break
        raise RuntimeError(f"PostgreSQL did not start:\n{done.stderr}\n{self.log.read_text(errors='replace')[-3000:]}")

    def restart(self) -> None:
        """Stop (closing every connection) and start again on the same port."""
        # -l again: without it the new server would write to (and hold open) our stdout pipe.
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-m", "fast", "-w", "-t", "60", "restart")

    def stop(self, mode: str = "fast") -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
