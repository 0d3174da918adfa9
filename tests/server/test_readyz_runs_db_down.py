"""`GET /readyz` while the PostgreSQL run database is down answers at once, not after the run store's
connection pool gave up (runs.connect_timeout_s, 10 s by default: a balancer's probe timed out first
and saw no reason). Real `agentnet serve`, a real PostgreSQL server of the test's own, stopped."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pgserver import PostgresServer
from serve_helpers import start_serve


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.destroy()


def readyz(url: str) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=60) as response:
            status, body = response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        status, body = refused.code, json.loads(refused.read())
    return status, body, time.monotonic() - started


@pytest.mark.slow
def test_readyz_says_at_once_that_the_run_database_is_down(own_postgres: PostgresServer, tmp_path: Path) -> None:
    # Trust authentication takes any password: one is in the URL, to be kept out of the answer.
    url = own_postgres.new_database().replace("postgres@", "postgres:s3cret-pw@")
    served = start_serve(tmp_path, extra_env={"AGENTNET_RUNS_URL": url})
    try:
        status, body, _ = readyz(served.url)
        assert status == 200 and body["checks"]["runs"] == "ok", body
        own_postgres.stop()
        status, body, took_s = readyz(served.url)
        assert status == 503 and body["status"] == "not ready", body
        said = body["checks"]["runs"]
        assert "cannot use the run database postgresql://***@127.0.0.1" in said and "runs.url" in said, said
        assert "s3cret-pw" not in json.dumps(body)
        # Two seconds at most to connect (libpq's least connect_timeout), on a refused port at once.
        assert took_s < 3.0, f"/readyz took {took_s:.1f} s with the run database down"
    finally:
        served.stop()
    assert "Traceback" not in served.log_text()
