"""agentnet serve's A2A tasks are kept in the run database (SQLite by default, PostgreSQL when
``runs.url`` says so): a new store on the same database (a restarted server) gets, lists and
deletes the tasks an earlier one saved, each caller seeing only its own."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("a2a.server", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")

from a2a.auth.user import User
from a2a.server.context import ServerCallContext
from a2a.types import Artifact, ListTasksRequest, Part, Task, TaskState, TaskStatus

from agentnet.config import RunsSettings
from agentnet.executor import open_run_store
from agentnet.server.a2a_tasks import run_task_store


class Caller(User):
    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def user_name(self) -> str:
        return self.name


def as_caller(name: str) -> ServerCallContext:
    return ServerCallContext(user=Caller(name))


def task(task_id: str, state: int, answer: str = "") -> Task:
    found = Task(id=task_id, context_id=f"ctx-{task_id}", status=TaskStatus(state=state))
    if answer:
        found.artifacts.append(Artifact(artifact_id="a", name="answer", parts=[Part(text=answer)]))
    return found


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_tasks_saved_by_one_server_are_read_by_the_next(engine: str, tmp_path: Path, request: Any) -> None:
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}" if engine == "sqlite" else request.getfixturevalue("pg_url")

    async def first_server() -> None:
        store = open_run_store(RunsSettings(url=url))
        try:
            tasks = run_task_store(lambda: store)
            await tasks.save(task("t1", TaskState.TASK_STATE_WORKING), as_caller("ana"))
            await tasks.save(task("t1", TaskState.TASK_STATE_COMPLETED, "Paris"), as_caller("ana"))
            await tasks.save(task("t2", TaskState.TASK_STATE_FAILED), as_caller("ana"))
            await tasks.save(task("t3", TaskState.TASK_STATE_COMPLETED, "Rome"), as_caller("bo"))
        finally:
            store.close()

    async def next_server() -> tuple[Any, ...]:
        store = open_run_store(RunsSettings(url=url))
        try:
            tasks = run_task_store(lambda: store)
            got = await tasks.get("t1", as_caller("ana"))
            foreign = await tasks.get("t3", as_caller("ana"))
            listed = await tasks.list(ListTasksRequest(), as_caller("ana"))
            done = await tasks.list(ListTasksRequest(status=TaskState.TASK_STATE_COMPLETED), as_caller("ana"))
            await tasks.delete("t2", as_caller("ana"))
            after = await tasks.list(ListTasksRequest(), as_caller("ana"))
            return got, foreign, listed, done, after
        finally:
            store.close()

    asyncio.run(first_server())
    got, foreign, listed, done, after = asyncio.run(next_server())
    assert got.status.state == TaskState.TASK_STATE_COMPLETED and got.context_id == "ctx-t1"
    assert got.artifacts[0].parts[0].text == "Paris"
    assert foreign is None  # another caller's task
    assert sorted(t.id for t in listed.tasks) == ["t1", "t2"] and listed.total_size == 2
    assert [t.id for t in done.tasks] == ["t1"]
    assert [t.id for t in after.tasks] == ["t1"]
