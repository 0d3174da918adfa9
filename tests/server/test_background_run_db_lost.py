"""A run started with ``"wait": false`` that stops because the PostgreSQL run database went away:
nobody waits for its answer and its record cannot say it (it reads ``running`` until its lease runs
out), so the server's log must. It said nothing at all.

Real ``agentnet serve``, a real PostgreSQL server of the test's own (stopped mid-run), a real
loopback OpenAI-style upstream that holds the step's call until the database is gone.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai_upstream import Upstream, models_yaml
from pgserver import PostgresServer
from serve_helpers import start_serve


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.destroy()


@pytest.mark.slow
def test_a_background_run_stopped_by_the_database_going_away_is_in_the_log(
    own_postgres: PostgresServer, tmp_path: Path
) -> None:
    upstream = Upstream(gated=("gated",))
    url = own_postgres.new_database().replace("postgres@", "postgres:s3cret-pw@")
    config = models_yaml(upstream, ("gated",)) + f"default_model: gated\nruns:\n  url: {url}\n  connect_timeout_s: 2\n"
    served = start_serve(tmp_path, config=config)
    try:
        plan = {"task": "Say hello", "steps": [{"id": "s1", "capability": "gated", "instruction": "Say hello"}]}
        body = json.dumps({"plan": plan, "run_id": "bg-run-1", "wait": False}).encode()
        request = urllib.request.Request(
            f"{served.url}/v1/runs", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 202
        assert upstream.arrived["gated"].wait(120), "the step never called its model"
        own_postgres.stop("immediate")
        upstream.open_gate("gated")
        deadline = time.monotonic() + 60
        while "run bg-run-1 stopped" not in served.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        served.stop()
        upstream.close()
    log = " ".join(served.log_text().split())
    assert "run bg-run-1 stopped: cannot use the run database postgresql://***@127.0.0.1" in log, log[-3000:]
    assert "POST /v1/runs/bg-run-1/resume" in log, log[-3000:]
    assert "s3cret-pw" not in log and "Traceback" not in log, log[-3000:]
