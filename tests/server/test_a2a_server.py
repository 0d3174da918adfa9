"""``agentnet serve`` as an A2A server: a2a-sdk's client against a real ``agentnet serve`` subprocess
(embedded SmolLM2): the agent card, send (blocking and streaming), get, cancel, the gate."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from serve_helpers import TOKEN, Served

a2a_client = pytest.importorskip("a2a.client", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")

from a2a.client import A2AClientError, ClientConfig, create_client  # noqa: E402
from a2a.client.card_resolver import parse_agent_card  # noqa: E402
from a2a.types import (  # noqa: E402
    CancelTaskRequest,
    GetTaskRequest,
    ListTasksRequest,
    Message,
    Part,
    Role,
    SendMessageRequest,
    StreamResponse,
    Task,
    TaskState,
)
from a2a.utils.errors import UnsupportedOperationError  # noqa: E402
from google.protobuf.json_format import MessageToDict  # noqa: E402

QUESTION = "What is the capital of France?"
LONG_TASK = "Write a long story about a lighthouse keeper and a storm at sea, at least 600 words."


def message(text: str) -> SendMessageRequest:
    return SendMessageRequest(
        message=Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex, parts=[Part(text=text)])
    )


@asynccontextmanager
async def client_for(served: Served, *, streaming: bool, token: str | None = TOKEN) -> AsyncIterator[Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(headers=headers, timeout=600) as http:
        client = await create_client(served.url, ClientConfig(httpx_client=http, streaming=streaming))
        try:
            yield client
        finally:
            await client.close()


def artifact_text(task: Task) -> str:
    return "\n".join(part.text for artifact in task.artifacts for part in artifact.parts)


def run_trace(served: Served, run_id: str) -> dict[str, Any]:
    response = httpx.get(f"{served.api_base}/runs/{run_id}", headers=served.headers(), timeout=30)
    assert response.status_code == 200, response.text
    trace: dict[str, Any] = response.json()
    return trace


def test_agent_card_declares_the_a2a_interface_and_the_bearer_scheme(gguf_server: Served) -> None:
    document = httpx.get(f"{gguf_server.url}/.well-known/agent-card.json").json()
    card = parse_agent_card(document)  # what any a2a-sdk client reads
    [interface] = card.supported_interfaces
    assert (interface.url, interface.protocol_binding, interface.protocol_version) == (
        f"{gguf_server.url}/a2a",
        "JSONRPC",
        "1.0",
    )
    assert card.security_schemes["bearer"].http_auth_security_scheme.scheme == "bearer"
    assert [list(r.schemes) for r in card.security_requirements] == [["bearer"]]
    assert card.capabilities.streaming
    skills = {skill.id for skill in card.skills}
    assert {"smollm2/chat", "agentnet/plan-and-run"} <= skills


def test_send_gets_paris_and_the_task_is_the_run(gguf_server: Served) -> None:
    async def scenario() -> tuple[Task, Task]:
        async with client_for(gguf_server, streaming=False) as client:
            [response] = [r async for r in client.send_message(message(QUESTION))]
            assert response.HasField("task"), MessageToDict(response)
            fetched = await client.get_task(GetTaskRequest(id=response.task.id))
            return response.task, fetched

    task, fetched = asyncio.run(scenario())
    assert task.status.state == TaskState.TASK_STATE_COMPLETED, MessageToDict(task)
    assert "Paris" in artifact_text(task)
    assert [a.name for a in task.artifacts] == ["answer"]
    # GetTask returns the same finished task; the task id is the run id of a stored run.
    assert fetched.status.state == TaskState.TASK_STATE_COMPLETED and artifact_text(fetched) == artifact_text(task)
    trace = run_trace(gguf_server, task.id)
    assert trace["status"] == "succeeded" and "Paris" in trace["answer"]
    summary = MessageToDict(task.artifacts[0].metadata)["agentnet"]
    assert summary["run_id"] == task.id and summary["status"] == "succeeded"


def test_streaming_reports_the_plan_and_each_step_then_the_answer(gguf_server: Served) -> None:
    async def scenario() -> list[StreamResponse]:
        async with client_for(gguf_server, streaming=True) as client:
            return [r async for r in client.send_message(message(QUESTION))]

    events = asyncio.run(scenario())
    kinds = [e.WhichOneof("payload") for e in events]
    assert kinds[0] == "task" and kinds[-1] == "status_update", kinds
    working = [MessageToDict(e.status_update.status.message.metadata) for e in events if e.HasField("status_update")]
    agentnet_events = [m["agentnet"].get("event") for m in working if "agentnet" in m]
    assert "planned" in agentnet_events
    steps = [e["event"] for e in agentnet_events if isinstance(e, dict)]
    assert steps[0] == "started" and "finished" in steps, steps
    [answer] = [e.artifact_update.artifact for e in events if e.HasField("artifact_update")]
    assert "Paris" in "".join(p.text for p in answer.parts)
    assert events[-1].status_update.status.state == TaskState.TASK_STATE_COMPLETED
    assert kinds.index("artifact_update") < len(kinds) - 1  # the answer, then the final state


def test_the_a2a_endpoint_is_behind_the_same_gate(gguf_server: Served) -> None:
    async def without_token() -> None:
        async with client_for(gguf_server, streaming=False, token=None) as client:
            [_ async for _ in client.send_message(message(QUESTION))]

    with pytest.raises(A2AClientError, match="401"):
        asyncio.run(without_token())
    body = {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "x"}}
    foreign = httpx.post(
        f"{gguf_server.url}/a2a", json=body, headers={**gguf_server.headers(), "Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "origin_not_allowed"
    rebinding = httpx.post(
        f"{gguf_server.url}/a2a", json=body, headers={**gguf_server.headers(), "Host": "evil.example"}
    )
    assert rebinding.status_code == 403
    huge = httpx.post(
        f"{gguf_server.url}/a2a", content=b"x" * 1_000_001, headers={**gguf_server.headers(), "A2A-Version": "1.0"}
    )
    assert huge.status_code == 413


@pytest.fixture(scope="module")
def no_queue_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server that runs one task at a time and lets none wait (so a second one is refused)."""
    from serve_helpers import start_serve

    served = start_serve(tmp_path_factory.mktemp("a2a-no-queue"), token=TOKEN, args=("--queue", "0"))
    try:
        yield served
    finally:
        served.stop()


def test_cancel_stops_the_run_which_stays_resumable_and_the_task_outlives_a_restart(
    no_queue_server: Served,
) -> None:
    served = no_queue_server

    async def scenario() -> tuple[str, Task, Any, Task]:
        async with client_for(served, streaming=True) as client, client_for(served, streaming=False) as other:
            task_id = ""
            async for event in client.send_message(message(LONG_TASK)):
                if event.HasField("task"):
                    task_id = event.task.id
                metadata = MessageToDict(event.status_update.status.message.metadata)
                step = metadata.get("agentnet", {}).get("event")
                if isinstance(step, dict) and step["event"] == "started":
                    break  # the model is writing now
            # While it writes, the server's only slot is taken: another task is refused, not queued.
            [busy] = [r async for r in other.send_message(message(QUESTION))]
            cancelled = await client.cancel_task(CancelTaskRequest(id=task_id))
            fetched = await client.get_task(GetTaskRequest(id=task_id))
            return task_id, cancelled, busy, fetched

    task_id, cancelled, busy, fetched = asyncio.run(scenario())
    assert busy.task.status.state == TaskState.TASK_STATE_REJECTED
    assert "busy" in busy.task.status.message.parts[0].text
    assert cancelled.status.state == TaskState.TASK_STATE_CANCELED
    assert fetched.status.state == TaskState.TASK_STATE_CANCELED
    assert f"agentnet run --resume {task_id}" in fetched.status.message.parts[0].text
    trace = run_trace(served, task_id)
    assert trace["status"] == "interrupted", trace
    assert trace["error"]["code"] == "cancelled"
    stopped = [s["id"] for s in trace["steps"] if s["status"] != "succeeded"]
    assert stopped, trace["steps"]  # the step the model was writing did not finish

    # The story ran long enough to be cancelled mid-reply; the resumed step need not write 512 tokens.
    (served.workdir / "agentnet.yaml").write_text(
        'models:\n  - {id: smollm2, adapter: llamacpp, path: "embedded:smollm2", params: {max_tokens: 48}}\n'
    )
    resumed = served.cli("run", "--resume", task_id, "--json", timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    result = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert result["run_id"] == task_id and result["status"] == "succeeded" and result["answer"].strip()
    after = {s["id"]: s["status"] for s in run_trace(served, task_id)["steps"]}
    assert all(after[step] == "succeeded" for step in stopped), after

    # The task outlives the server: kept in the run database, it is there after a restart.
    from serve_helpers import start_serve

    served.stop()
    again = start_serve(served.home.parent, token=TOKEN)

    async def read() -> tuple[Task, Any]:
        async with client_for(again, streaming=False) as client:
            return await client.get_task(GetTaskRequest(id=task_id)), await client.list_tasks(ListTasksRequest())

    try:
        kept, listed = asyncio.run(read())
    finally:
        again.stop()
    assert kept.status.state == TaskState.TASK_STATE_CANCELED, MessageToDict(kept)
    assert kept.status.message.parts[0].text == fetched.status.message.parts[0].text
    assert task_id in [t.id for t in listed.tasks]


def test_a_second_message_to_a_finished_task_is_refused(gguf_server: Served) -> None:
    async def scenario() -> None:
        async with client_for(gguf_server, streaming=False) as client:
            [first] = [r async for r in client.send_message(message("Say hello."))]
            again = message(QUESTION)
            again.message.task_id = first.task.id
            [_ async for _ in client.send_message(again)]

    # One task is one run: the SDK refuses more input for a task in a terminal state.
    with pytest.raises(UnsupportedOperationError, match="terminal state"):
        asyncio.run(scenario())
