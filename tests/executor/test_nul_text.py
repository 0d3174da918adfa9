"""A NUL character (``\\x00``) through the Python library, on SQLite and on PostgreSQL.

PostgreSQL stores no NUL in text, nor its escape in the checkpoint's JSON. A task or an instruction
holding one failed the run with "the run database ... holds data this agentnet cannot read: PostgreSQL
text fields cannot contain NUL (0x00) bytes" (hinting at another agentnet version); a tool whose answer
held one (a binary file read as text, an MCP server's reply) failed the run with "unsupported Unicode
escape sequence". Now the task or instruction is refused naming it, before anything is stored, on every
run database; a step's answer keeps U+FFFD in its place, so the run succeeds on both alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.errors import UserError
from agentnet.network import Network
from agentnet.planner.plan import Plan


@pytest.fixture(params=["sqlite", "postgres"])
def network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Network:
    if request.param == "postgres":
        monkeypatch.setenv("AGENTNET_RUNS_URL", request.getfixturevalue("pg_url"))
    Path("agentnet.yaml").write_text("models: []\n")
    network = Network.from_config()
    network.registry.register_callable(
        lambda text: "PNG\x00\x00IHDR", CapabilityCard(id="raw-reader", description="Reads raw bytes as text.")
    )
    network.registry.register_callable(
        lambda text: {"name\x00": ["bytes\x00"]}, CapabilityCard(id="raw-table", description="Reads raw rows.")
    )
    request.addfinalizer(network.close)
    return network


def one_step(capability: str, instruction: str = "read it", task: str = "read the file") -> Plan:
    return Plan.model_validate({"task": task, "steps": [{"id": "s1", "capability": capability,
                                                         "instruction": instruction}]})  # fmt: skip


def test_a_tools_answer_holding_nul_is_kept_with_a_replacement_character(network: Network) -> None:
    result = network.execute(one_step("raw-reader"), check=False)
    assert (result.status, result.error) == ("succeeded", None)
    assert result.answer == "PNG\ufffd\ufffdIHDR"
    trace = network.trace(result.run_id)
    assert trace["answer"] == "PNG\ufffd\ufffdIHDR" and trace["steps"][0]["output"] == "PNG\ufffd\ufffdIHDR"
    table = network.execute(one_step("raw-table"), check=False)
    assert table.status == "succeeded", table.error
    assert table.steps["s1"]["data"] == {"name\ufffd": ["bytes\ufffd"]}


def test_a_task_or_instruction_holding_nul_is_refused_naming_it(network: Network) -> None:
    with pytest.raises(UserError) as refused:
        network.execute(one_step("raw-reader", task="read the\x00 file"))
    assert refused.value.code == "invalid_text"
    assert refused.value.message == "the task holds a NUL character (\\x00) at position 8, which is not text"
    with pytest.raises(UserError) as refused:
        network.execute(one_step("raw-reader", instruction="read\x00"))
    assert refused.value.message.startswith("the instruction of step 's1' holds a NUL character (\\x00) at position 4")
    assert "leave it out" in str(refused.value.hint)
    with pytest.raises(UserError) as refused:
        network.run("what is 2+3\x00")
    assert refused.value.message.startswith("the task holds a NUL character")
    assert network.runs(10) == []  # nothing was stored
