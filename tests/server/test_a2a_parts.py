"""A2A messages with parts beside their text, to a real ``agentnet serve``. A file part was dropped
unsaid, then refused; now it is the run's input, as ``agentnet run --input`` hands one over: a sign's
photo with "How many words are written on this sign?" is read by OCR and counted. A URL part (the
server fetches nothing: ``file:///etc/passwd`` with "read it" was answered with made-up text when it
was dropped) and a data part are refused, naming the part and what to send instead, and nothing runs."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from serve_helpers import Served

from tests.collaborators.ocr_images import render_text

pytest.importorskip("a2a.types", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")


def send(served: Served, parts: list[dict[str, Any]]) -> dict[str, Any]:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": {"messageId": uuid.uuid4().hex, "role": "ROLE_USER", "parts": parts}},
    }
    answer = httpx.post(f"{served.url}/a2a", json=body, headers={"A2A-Version": "1.0"}, timeout=120)
    assert answer.status_code == 200, answer.text
    task: dict[str, Any] = answer.json()["result"]["task"]
    return task


def said(task: dict[str, Any]) -> str:
    return "".join(part.get("text", "") for part in task["status"]["message"]["parts"])


NOT_READ = [
    ({"url": "file:///etc/passwd", "mediaType": "text/plain"}, "part 1 is a URL (text/plain)", "fetches nothing"),
    ({"data": {"rows": [1, 2]}}, "part 1 is structured data", "a JSON text part"),
]


def test_a_url_or_data_part_rejects_the_task_naming_it(serve: Callable[..., Served]) -> None:
    served = serve("a2a-parts")
    for part, named, instead in NOT_READ:
        task = send(served, [part, {"text": "read it"}])
        assert task["status"]["state"] == "TASK_STATE_REJECTED", task
        assert said(task).startswith(named) and instead in said(task), said(task)
    runs = httpx.get(f"{served.api_base}/runs", timeout=30).json()["data"]
    assert runs == [], runs  # nothing ran
    # Text alone is still the task.
    done = send(served, [{"text": "what is 2+3"}])
    assert done["status"]["state"] == "TASK_STATE_COMPLETED", done
    assert done["artifacts"][0]["parts"][0]["text"] == "5"


def test_a_file_part_is_the_runs_input(serve: Callable[..., Served], tmp_path: Path) -> None:
    served = serve("a2a-files")
    card = httpx.get(f"{served.url}/.well-known/agent-card.json", timeout=30).json()
    assert card["defaultInputModes"][0] == "text/plain" and "image/*" in card["defaultInputModes"], card
    sign = render_text(["FRESH BREAD", "OPEN DAILY TODAY"], tmp_path / "sign.png")
    raw = base64.b64encode(sign.read_bytes()).decode()
    part = {"raw": raw, "mediaType": "image/png", "filename": "../../sign.png"}
    task = send(served, [part, {"text": "How many words are written on this sign?"}])
    assert task["status"]["state"] == "TASK_STATE_COMPLETED", task
    assert task["artifacts"][0]["parts"][0]["text"] == "5 words", task
    trace = httpx.get(f"{served.api_base}/runs/{task['id']}", timeout=30).json()
    assert [step["capability"] for step in trace["plan"]["steps"]] == ["ocr", "text-statistics"], trace["plan"]
    # The caller's path is not the input's name: its last part is.
    assert [item["name"] for item in trace["plan"]["inputs"]] == ["sign.png"], trace["plan"]["inputs"]
