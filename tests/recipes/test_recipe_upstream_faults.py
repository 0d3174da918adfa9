"""A provider that stays down, through the real ``agentnet recipe run`` process: the failing model is
cooled down and skipped, its steps fall back, and when nothing is left the error lists every attempt."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_upstream import Answer, Upstream, unavailable

AGENTNET = Path(sys.executable).parent / "agentnet"

RECIPE = """\
name: failover
inputs: {question: {}}
steps:
  - id: first
    prompt: "{{ inputs.question }}"
    cascade: [{model: primary}, {model: backup}]
  - id: second
    prompt: "Again: {{ steps.first.output }}"
    cascade: [{model: primary}, {model: backup}]
  - id: third
    prompt: "Once more: {{ steps.second.output }}"
    cascade: [{model: primary}, {model: spare}]
"""


def model(model_id: str, server: Upstream) -> str:
    return f"""\
  - id: {model_id}
    adapter: litellm
    model: openai/fake
    api_base: {server.api_base}
    params: {{retries: 2, retry_backoff_s: 0.05, allowed_fails: 3, cooldown_s: 600}}
    card: {{description: "{model_id}", skills: [{{id: chat, name: Chat, tags: [chat]}}]}}
"""


@pytest.fixture
def servers() -> Iterator[dict[str, Upstream]]:
    started = {
        "primary": Upstream(unavailable()),
        "backup": Upstream(Answer(pieces=["backup", " answer"])),
        "spare": Upstream(unavailable()),
    }
    yield started
    for server in started.values():
        server.close()


def test_a_dead_model_is_cooled_down_skipped_and_every_attempt_reported(servers: dict[str, Upstream]) -> None:
    Path("agentnet.yaml").write_text("models:\n" + "".join(model(name, s) for name, s in servers.items()))
    Path("failover.yaml").write_text(RECIPE)
    done = subprocess.run(
        [str(AGENTNET), "recipe", "run", "failover.yaml", "-i", "question=hello", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    # first: 3 requests to primary (1 + 2 retries), then backup. second: the 4th failure in a minute
    # cools primary down and backup answers. third: primary is skipped without a request.
    assert len(servers["primary"].requests) == 4
    assert len(servers["backup"].requests) == 2
    assert len(servers["spare"].requests) == 3
    result = json.loads(done.stdout.strip().splitlines()[-1])
    message = result["error"]["message"]
    assert "step 'third' failed on every candidate (2 attempts)" in message
    assert "1. primary (model_cooling_down)" in message
    assert "2. spare (model_call_failed)" in message and "after 3 attempts" in message

    trace = json.loads(
        subprocess.run(
            [str(AGENTNET), "runs", "show", result["run_id"], "--json"], capture_output=True, text=True, check=True
        ).stdout
    )
    steps = {s["id"]: s for s in trace["steps"]}
    assert [a["error_code"] or a["status"] for a in steps["second"]["attempts"]] == ["model_cooling_down", "ok"]
    assert steps["second"]["node_id"] == "backup" and steps["second"]["output"] == "backup answer"
