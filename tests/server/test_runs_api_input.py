"""``/v1/runs`` against a caller's mistakes, on the real ``agentnet serve`` (embedded SmolLM2): each is
a 4xx naming what was wrong and the fix, nothing of it reaches the server's log as a traceback, and
the server goes on serving."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from processes import wait_until
from serve_helpers import Served

GOOD_PLAN = {
    "task": "What is the capital of France?",
    "steps": [{"id": "s1", "capability": "smollm2", "instruction": "What is the capital of France?"}],
}


def call(served: Served, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, f"{served.url}{path}", json=body, headers=served.headers(), timeout=300)


@pytest.mark.parametrize("wait", [True, False])
@pytest.mark.parametrize(
    ("plan", "said", "fix"),
    [
        ({}, "plan.task: Field required", "agentnet plan --json"),
        ({"task": "x", "steps": "no"}, "plan.steps: Input should be a valid list", "agentnet plan --json"),
        (
            {"task": "x", "steps": [{"id": "s1", "capability": "smollm2"}]},
            "plan.steps.0.instruction: Field required",
            "agentnet plan --json",
        ),
        (
            {"task": "x", "steps": [{"id": "s1", "capability": "no-such-model", "instruction": "x"}]},
            "no-such-model",
            "GET /v1/models",
        ),
    ],
)
def test_a_plan_that_is_not_one_is_a_400_naming_the_field(
    gguf_server: Served, plan: dict[str, Any], said: str, fix: str, wait: bool
) -> None:
    """Also with ``wait: false``: before, the 202 came first and the error was lost (no run, a traceback)."""
    before = len(gguf_server.log_text())
    run_id = f"badplan{abs(hash((said, wait))) % 10**8}"
    answer = call(gguf_server, "POST", "/v1/runs", {"plan": plan, "wait": wait, "run_id": run_id})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert said in error["message"] and fix in error["message"], error
    assert error["code"] == "invalid_plan", error
    assert call(gguf_server, "GET", f"/v1/runs/{run_id}").status_code == 404
    ran = call(gguf_server, "POST", "/v1/runs", {"plan": GOOD_PLAN})
    assert ran.status_code == 200 and ran.json()["status"] == "succeeded", ran.text
    log = gguf_server.log_text()[before:]
    assert "Traceback" not in log and "internal error" not in log and "never retrieved" not in log, log


def test_a_run_answered_202_that_cannot_start_says_why_in_one_log_line(gguf_server: Served) -> None:
    """Nobody waits for a ``wait: false`` run's error: it is one warning naming the run and why, not
    asyncio's 'Task exception was never retrieved' with a traceback."""
    before = len(gguf_server.log_text())
    answer = call(gguf_server, "POST", "/v1/runs", {"task": "   ", "wait": False, "run_id": "blank1"})
    assert answer.status_code == 202, answer.text
    wait_until(lambda: "run blank1 did not start" in gguf_server.log_text()[before:], "the warning", timeout_s=60)
    log = gguf_server.log_text()[before:]
    said = [line for line in log.splitlines() if "blank1 did not start" in line]
    assert len(said) == 1 and "the task is empty" in said[0], log
    assert "Traceback" not in log and "never retrieved" not in log, log


@pytest.mark.parametrize("wait", [True, False])
def test_a_run_id_that_is_taken_is_a_409_and_the_run_stays_as_it_was(gguf_server: Served, wait: bool) -> None:
    """Before, a second start with the id of a finished run executed the new plan under that id: the
    record kept the first task and plan beside the second answer."""
    run_id = f"taken-{wait}".lower()
    first = call(gguf_server, "POST", "/v1/runs", {"plan": GOOD_PLAN, "run_id": run_id})
    assert first.status_code == 200 and first.json()["status"] == "succeeded", first.text
    other = {
        "task": "Translate good morning into Spanish.",
        "steps": [{"id": "s1", "capability": "smollm2", "instruction": "Translate good morning into Spanish."}],
    }
    again = call(gguf_server, "POST", "/v1/runs", {"plan": other, "run_id": run_id, "wait": wait})
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "run_exists" and error["param"] == "run_id", error
    assert f"run {run_id} already exists (succeeded)" in error["message"], error
    assert f"/v1/runs/{run_id}/resume" in error["message"], error
    kept = call(gguf_server, "GET", f"/v1/runs/{run_id}").json()
    assert (kept["plan"]["task"], kept["answer"]) == (GOOD_PLAN["task"], first.json()["answer"]), kept


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/runs/nope1", None),
        ("GET", "/v1/runs/nope1/events", None),
        ("POST", "/v1/runs/nope1/cancel", None),
        ("POST", "/v1/runs/nope1/resume", None),
        ("POST", "/v1/runs/nope1/rating", {"rating": "bad"}),
        ("GET", "/v1/runs/a%00b", None),
        ("GET", "/v1/runs/%C3%A9", None),
        ("GET", "/v1/runs?before=nope1", None),
    ],
)
def test_an_unknown_run_is_a_404_that_says_run_not_model(
    gguf_server: Served, method: str, path: str, body: Any
) -> None:
    """Before, the code was OpenAI's model_not_found (every NotFoundError's): a client reading the code
    took an unknown run for an unknown model."""
    answer = call(gguf_server, method, path, body)
    assert answer.status_code == 404, answer.text
    error = answer.json()["error"]
    assert error["code"] == "run_not_found" and "no run with id" in error["message"], error


def test_ratings_of_one_run_at_once_leave_it_counted_once(gguf_server: Served) -> None:
    """A rating replaces the run's earlier one. Before, 16 ratings sent together each forgot before
    another remembered: the run was left in plan memory 7 times, rated good and bad at once."""
    import concurrent.futures
    import contextlib
    import sqlite3

    ran = call(gguf_server, "POST", "/v1/runs", {"plan": GOOD_PLAN, "run_id": "rated-at-once"})
    assert ran.status_code == 200 and ran.json()["status"] == "succeeded", ran.text
    ratings = ["good" if i % 2 else "bad" for i in range(32)]
    for _ in range(6):  # the race is one of timing: six rounds of 32
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            answers = list(
                pool.map(lambda r: call(gguf_server, "POST", "/v1/runs/rated-at-once/rating", {"rating": r}), ratings)
            )
        assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers]
        with contextlib.closing(sqlite3.connect(gguf_server.home / "planner" / "memory.sqlite")) as db:
            kept = db.execute("select rating from tasks where run_id = 'rated-at-once'").fetchall()
        assert len(kept) == 1, kept


@pytest.mark.parametrize(
    ("run_id", "task", "code", "said"),
    [
        ("unplanned1", "Generate a video of a cat dancing", "capability_missing", "no installed collaborator"),
        ("unplanned2", "   ", "planning_failed", "the task is empty"),
    ],
)
def test_a_run_answered_202_whose_task_cannot_be_planned_is_a_failed_run_that_says_why(
    gguf_server: Served, run_id: str, task: str, code: str, said: str
) -> None:
    """The caller was given the run's id: GET shows it failed, with the planner's error and fix. Before,
    the run never existed (404 for ever); only the server's log said why."""
    answer = call(gguf_server, "POST", "/v1/runs", {"task": task, "wait": False, "run_id": run_id})
    assert answer.status_code == 202, answer.text
    wait_until(lambda: call(gguf_server, "GET", f"/v1/runs/{run_id}").status_code == 200, "the run", timeout_s=60)
    trace = call(gguf_server, "GET", f"/v1/runs/{run_id}").json()
    assert (trace["status"], trace["task"], trace["steps"]) == ("failed", task, []), trace
    error = trace["error"]
    assert error["code"] == code and said in error["message"] and error["hint"], error
    listed = {run["id"]: run["status"] for run in call(gguf_server, "GET", "/v1/runs").json()["data"]}
    assert listed[run_id] == "failed", listed
    shown = gguf_server.cli("runs", "show", run_id)
    assert shown.returncode == 0 and code in shown.stdout and "failed" in shown.stdout, shown
    for path, body in (("resume", None), ("rating", {"rating": "bad"})):
        refused = call(gguf_server, "POST", f"/v1/runs/{run_id}/{path}", body)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["code"] == "run_unplanned", refused.text


@pytest.mark.parametrize("path", ["/v1/runs", "/v1/chat/completions"])
def test_json_sent_as_a_form_says_to_send_json(gguf_server: Served, path: str) -> None:
    """`curl -d '{"task": ...}'` sends application/x-www-form-urlencoded: the answer was
    "body: Input should be a valid dictionary or object to extract fields from"."""
    headers = {**gguf_server.headers(), "Content-Type": "application/x-www-form-urlencoded"}
    answer = httpx.post(f"{gguf_server.url}{path}", content=b'{"task": "x"}', headers=headers, timeout=60)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert "sent as application/x-www-form-urlencoded, not JSON" in error["message"], error
    assert "Content-Type: application/json" in error["message"] and error["param"] == "body", error


def test_a_run_is_named_run_id_as_well_as_id_in_every_answer(gguf_server: Served) -> None:
    """POST /v1/runs takes ``run_id`` and the library's RunResult says ``run_id``; the answers said only
    ``id``. Both now, so no client written against ``id`` breaks."""
    started = call(gguf_server, "POST", "/v1/runs", {"plan": GOOD_PLAN, "run_id": "named1", "wait": False})
    assert started.status_code == 202 and started.json()["run_id"] == started.json()["id"] == "named1"
    ended = lambda: call(gguf_server, "GET", "/v1/runs/named1").json().get("status") not in (None, "running")  # noqa: E731
    wait_until(ended, "the run's end", timeout_s=120)
    trace = call(gguf_server, "GET", "/v1/runs/named1").json()
    assert trace["run_id"] == trace["id"] == "named1", trace
    rows = call(gguf_server, "GET", "/v1/runs?limit=500").json()["data"]
    assert [row["run_id"] for row in rows if row["id"] == "named1"] == ["named1"], rows


@pytest.mark.parametrize(
    ("path", "body", "said"),
    [
        ("/v1/runs", {}, "neither was given"),
        ("/v1/runs", {"task": "x", "plan": GOOD_PLAN}, "both were given"),
        ("/v1/chat/completions", {"model": "agentnet", "messages": [{"role": "system", "content": "x"}]}, "user"),
        ("/v1/chat/completions", {"model": "agentnet", "messages": [{"role": "user", "content": " "}]}, "user"),
    ],
)
def test_a_request_with_no_task_is_a_400_with_a_code(gguf_server: Served, path: str, body: Any, said: str) -> None:
    """Before, these two refusals were the only 400s whose ``code`` was null: a client that branches on
    the code (as OpenAI's clients do) had nothing to read."""
    answer = call(gguf_server, "POST", path, body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_request" and said in error["message"], error


@pytest.mark.parametrize("limit", ["-1", "0", "501"])
def test_a_runs_page_limit_out_of_range_is_a_400_naming_the_range(gguf_server: Served, limit: str) -> None:
    """``limit=-1`` listed one run and ``limit=1000`` 500, where POST /v1/directory/search refuses a ``k``
    out of range: a caller who asked for something else is told, not quietly given it."""
    refused = call(gguf_server, "GET", f"/v1/runs?limit={limit}")
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_request", "limit"), error
    assert f"limit={limit}" in error["message"] and "1 to 500" in error["message"], error
    assert call(gguf_server, "GET", "/v1/runs?limit=500").status_code == 200
