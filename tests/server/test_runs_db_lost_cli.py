"""The PostgreSQL run database stops while ``agentnet run`` / ``recipe run`` waits for a model.

A real PostgreSQL server of the test's own (stopped mid-run, so no other test loses it), a real
loopback OpenAI-style upstream that holds the step's call until the database is gone, the real CLI.
The command ends with the database named and the run's id, which resuming it needs, and without
the connection pool's retries written to stderr line after line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openai_upstream import Upstream, models_yaml
from pgserver import PostgresServer

AGENTNET = Path(sys.executable).parent / "agentnet"
RECIPE = """\
name: one-call
steps:
  - id: answer
    model: gated
    prompt: "Say hello"
"""


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.destroy()


@pytest.mark.parametrize("command", ["run", "recipe"])
def test_the_run_database_stopping_mid_run_names_the_run_to_resume(
    own_postgres: PostgresServer, command: str, tmp_path: Path
) -> None:
    upstream = Upstream(gated=("gated",))
    try:
        url = own_postgres.new_database()
        Path("agentnet.yaml").write_text(
            models_yaml(upstream, ("gated",)) + f"default_model: gated\nruns:\n  url: {url}\n  connect_timeout_s: 2\n"
        )
        Path("one-call.yaml").write_text(RECIPE)
        args = ["run", "Say hello", "--no-daemon"] if command == "run" else ["recipe", "run", "one-call.yaml"]
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
        cli = subprocess.Popen(
            [str(AGENTNET), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        try:
            assert upstream.arrived["gated"].wait(120), "the step never called its model"
            own_postgres.stop("immediate")
            upstream.open_gate("gated")
            out, err = cli.communicate(timeout=180)
        finally:
            if cli.poll() is None:
                cli.kill()
                cli.communicate()
    finally:
        upstream.close()
    text = " ".join(err.split())
    assert cli.returncode == 1, (cli.returncode, out, err)
    assert "error (runs_db_unavailable): cannot use the run database postgresql://" in text, text
    resume = "agentnet run --resume" if command == "run" else "agentnet recipe resume"
    assert "this run is " in text and f"`{resume} " in text and "once the database is back" in text, text
    assert "saved as failed" not in text  # it could not be: the database was gone
    assert "error connecting in" not in err and "Traceback" not in err, err
