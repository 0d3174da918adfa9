"""Thousands of runs: `agentnet runs list`, the store and `GET /v1/runs` page through all of them
(the API stopped at the newest 500 and the CLI had no next page), runs that started in the same
instant included. Real SQLite and PostgreSQL stores, the real CLI, a real `agentnet serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import start_serve

from agentnet.config import RunsSettings
from agentnet.errors import NotFoundError
from agentnet.executor import open_run_store
from agentnet.planner.plan import Plan, Step

AGENTNET = Path(sys.executable).parent / "agentnet"
PLAN = Plan(task="t", steps=[Step(id="s0", capability="n0", instruction="i")]).model_dump(mode="json")


def fill(url: str | None, count: int) -> list[str]:
    """``count`` runs, newest first as listed: every third shares its start with the one before it."""
    store = open_run_store(RunsSettings(url=url) if url else None)
    try:
        ids = [f"run{i:04d}" for i in range(count)]
        for number, run_id in enumerate(ids):
            store.start_run(run_id, f"task {number}", PLAN, {})
            store._execute(
                "UPDATE agentnet_runs SET started=? WHERE id=?", (1000.0 + number - (number % 3 == 2), run_id)
            )
    finally:
        store.close()
    return sorted(ids, key=lambda run_id: (1000 + int(run_id[3:]) - (int(run_id[3:]) % 3 == 2), run_id), reverse=True)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_store_pages_through_every_run_once_in_order(
    engine: str, request: pytest.FixtureRequest, agentnet_home: Path
) -> None:
    url = request.getfixturevalue("pg_url") if engine == "postgresql" else None
    expected = fill(url, 130)
    store = open_run_store(RunsSettings(url=url) if url else None)
    try:
        seen: list[str] = []
        before = None
        while page := store.list_runs(25, before):
            seen += [run["id"] for run in page]
            before = page[-1]["id"]
        assert seen == expected
        with pytest.raises(NotFoundError) as unknown:
            store.list_runs(5, "no-such-run")
        assert "no run with id 'no-such-run'" in unknown.value.message
        assert unknown.value.code == "run_not_found"  # an unknown run, not (as OpenAI's code said) a model
    finally:
        store.close()


def test_runs_list_names_the_next_page_and_lists_it(agentnet_home: Path) -> None:
    expected = fill(None, 7)
    env = {**os.environ, "COLUMNS": "200"}

    def listed(*args: str) -> tuple[list[str], str]:
        done = subprocess.run([str(AGENTNET), "runs", "list", "--json", *args], capture_output=True, text=True,
                              timeout=120, check=True, env=env)  # fmt: skip
        return [run["id"] for run in json.loads(done.stdout)], done.stderr

    first, said = listed("-n", "4")
    assert first == expected[:4] and f"agentnet runs list --before {expected[3]}" in said, said
    rest, said = listed("-n", "4", "--before", expected[3])
    assert rest == expected[4:] and "--before" not in said, said


@pytest.mark.slow
def test_get_v1_runs_pages_past_its_limit_of_500(pg_url: str, tmp_path: Path) -> None:
    expected = fill(pg_url, 620)
    served = start_serve(tmp_path, extra_env={"AGENTNET_RUNS_URL": pg_url})
    try:
        seen: list[str] = []
        path: str | None = "/v1/runs?limit=500"
        while path is not None:
            with urllib.request.urlopen(served.url + path, timeout=60) as response:
                body: dict[str, Any] = json.loads(response.read())
            seen += [run["id"] for run in body["data"]]
            assert body["has_more"] == (body["next"] is not None)
            path = body["next"]
        assert seen == expected
        assert "Traceback" not in served.log_text()
    finally:
        served.stop()
