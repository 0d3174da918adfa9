"""Where ``agentnet serve`` keeps its A2A tasks: in the run database beside the runs they are, so
``GetTask`` (and ``ListTasks``) of a task made before the server restarted still answers.

The SDK's ``Task`` is stored as its JSON, per owner (the SDK's caller scope), in the run store's
``agentnet_a2a_tasks`` table (SQLite by default, PostgreSQL when ``runs.url`` says so): one database
for runs and tasks, no other. Writes go through at once (each status update of a task is saved);
reads are served from memory when this process has the task. a2a-sdk is imported inside the function.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from agentnet.executor.store import RunStore


def run_task_store(runs: Callable[[], RunStore]) -> Any:
    """An a2a-sdk ``TaskStore`` kept in the run database ``runs()`` opens (on first use: a server
    whose database is unreachable still starts, and says so when a task needs it)."""
    from a2a.server.owner_resolver import resolve_user_scope
    from a2a.server.tasks import InMemoryTaskStore, TaskStore
    from a2a.types import ListTasksRequest, ListTasksResponse, Task
    from google.protobuf.json_format import MessageToJson, Parse

    class RunDatabaseTasks(TaskStore):
        def __init__(self) -> None:
            self.memory = InMemoryTaskStore()

        async def save(self, task: Task, context: Any) -> None:
            owner = resolve_user_scope(context)
            text = MessageToJson(task)  # now: the SDK goes on updating its task object meanwhile
            await asyncio.to_thread(lambda: runs().put_task(owner, task.id, text))
            await self.memory.save(task, context)

        async def get(self, task_id: str, context: Any) -> Task | None:
            found: Task | None = await self.memory.get(task_id, context)
            if found is not None:
                return found
            saved = await asyncio.to_thread(lambda: runs().get_task(resolve_user_scope(context), task_id))
            if saved is None:
                return None
            task = Parse(saved, Task())
            await self.memory.save(task, context)
            return task

        async def list(self, params: ListTasksRequest, context: Any) -> ListTasksResponse:
            # The SDK's filters and pages, over every task of this owner the database holds.
            saved = await asyncio.to_thread(lambda: runs().owner_tasks(resolve_user_scope(context)))
            everything = InMemoryTaskStore()
            for text in saved:
                await everything.save(Parse(text, Task()), context)
            response: ListTasksResponse = await everything.list(params, context)
            return response

        async def delete(self, task_id: str, context: Any) -> None:
            await asyncio.to_thread(lambda: runs().delete_task(resolve_user_scope(context), task_id))
            await self.memory.delete(task_id, context)

    return RunDatabaseTasks()
