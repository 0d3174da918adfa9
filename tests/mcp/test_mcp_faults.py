"""MCP tools that fail in every way, through the executor's retry / fallback / trace machinery.

The fixture server (tests/mcp/fixture_server.py) runs over Streamable HTTP, or over stdio where the
test needs the server to be restarted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcpkit import stdio_spec
from processes import wait_until

from agentnet.config import AgentnetConfig, DirectorySettings, McpServerSpec, McpSettings, embedded_default_spec
from agentnet.errors import ModelCallError, RunError, UserError
from agentnet.executor.runner import Executor
from agentnet.mcp.servers import McpServers
from agentnet.mcp.store import McpStore
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Alternate, Plan, Step, StepInput


def wire(
    spec: McpServerSpec, hub: Any, *, allow: bool = False, directory: Any = None
) -> tuple[NodeRegistry, McpServers]:
    config = AgentnetConfig(
        models=[embedded_default_spec()], mcp_servers=[spec], mcp=McpSettings(allow_destructive=allow)
    )
    registry = NodeRegistry(config)
    servers = McpServers(config, hub=hub)
    servers.attach(registry, directory=(lambda: directory) if directory is not None else None)
    return registry, servers


def one_step(capability: str, *alternates: str, **literals: Any) -> Plan:
    inputs = [StepInput(kind="literal", name=name, value=value) for name, value in literals.items()]
    step = Step(
        id="s1",
        capability=capability,
        instruction="do it",
        inputs=inputs,
        alternates=[Alternate(card_id=a, score=0.1) for a in alternates],
    )
    return Plan(task="do it", steps=[step])


def attempts(executor: Executor, run_id: str) -> list[dict[str, Any]]:
    return list(executor.trace(run_id)["steps"][0]["attempts"])


def test_an_is_error_result_falls_back_to_the_next_candidate_and_is_traced(fixture_http: str, hub: Any) -> None:
    registry, _ = wire(McpServerSpec(name="fx", url=fixture_http), hub)
    executor = Executor(registry)
    result = executor.run(one_step("fx.fail", "fx.echo", text="hello"), check=False)
    assert result.status == "succeeded" and result.answer == "echo: hello"
    tried = attempts(executor, result.run_id)
    assert [(a["node_id"], a["status"]) for a in tried] == [("fx.fail", "failed"), ("fx.echo", "ok")]
    assert tried[0]["error_code"] == "mcp_tool_error" and "failed on purpose" in tried[0]["error"]


def test_a_hanging_tool_meets_agentnets_deadline_and_the_session_stays_up(fixture_http: str, hub: Any) -> None:
    spec = McpServerSpec(name="fx", url=fixture_http, deadline_s=2.0)
    registry, _ = wire(spec, hub)
    executor = Executor(registry)
    started = time.monotonic()
    result = executor.run(one_step("fx.hang"), check=False)
    assert result.status == "failed" and time.monotonic() - started < 60
    assert attempts(executor, result.run_id)[0]["error_code"] == "deadline_exceeded"
    connection = hub.server(spec)
    assert connection.alive
    assert registry.node("fx.echo").complete('{"text": "still here"}').text == "echo: still here"
    assert hub.server(spec) is connection  # the same session served both calls


def test_destructive_tools_are_refused_unless_allowed(fixture_http: str, hub: Any) -> None:
    spec = McpServerSpec(name="fx", url=fixture_http)
    registry, _ = wire(spec, hub)
    for tool in ("fx.wipe", "fx.unannotated"):
        assert registry.card(tool).destructive
        with pytest.raises(UserError) as refused:
            registry.node(tool).complete('{"path": "/srv/data", "text": "x"}')
        assert refused.value.code == "mcp_destructive_refused"
        assert "may change or delete things" in refused.value.message
        assert "--allow-destructive" in (refused.value.hint or "")
    executor = Executor(registry)
    failed = executor.run(one_step("fx.wipe", path="/srv/data"), check=False)
    assert attempts(executor, failed.run_id)[0]["error_code"] == "mcp_destructive_refused"

    allowed, _ = wire(spec, hub, allow=True)
    assert allowed.node("fx.wipe").complete('{"path": "/srv/data"}').text == "wiped /srv/data"


@pytest.mark.slow
def test_a_protocol_error_names_the_server_and_the_tool(hub: Any) -> None:
    """mcp-server-time answers an unknown tool with JSON-RPC -32602 (a protocol error, not isError)."""
    from agentnet.mcp.node import McpToolNode
    from agentnet.mcp.store import McpTool

    spec = McpServerSpec(name="time", command=sys.executable, args=["-m", "mcp_server_time", "--local-timezone", "UTC"])
    registry, _ = wire(spec, hub)
    real = registry.node("time.get_current_time")
    assert isinstance(real, McpToolNode)
    ghost = real.model_copy(update={"tool": McpTool(name="no_such_tool"), "node_id": "time.no_such_tool"})
    with pytest.raises(RunError) as caught:
        ghost.complete("{}")
    assert caught.value.code == "mcp_protocol_error" and "refused no_such_tool" in caught.value.message


def test_a_huge_result_is_cut_with_a_note(fixture_http: str, hub: Any) -> None:
    registry, _ = wire(McpServerSpec(name="fx", url=fixture_http), hub)
    text = registry.node("fx.huge").complete('{"megabytes": 10}').text
    assert len(text) < 100_200 and text.startswith("x" * 1000)
    assert text.endswith("[agentnet: the tool's result was cut to its first 100,000 of 10,485,760 characters]")


@pytest.mark.slow
def test_a_changed_tool_list_resyncs_registry_store_and_directory(fresh_http: str, hub: Any, tmp_path: Path) -> None:
    from agentnet.directory.store import Directory

    with Directory.from_settings(DirectorySettings(path=str(tmp_path / "dir"))) as directory:
        registry, servers = wire(McpServerSpec(name="fx", url=fresh_http), hub, directory=directory)
        servers.sync_directory(directory)
        assert directory.get("fx.echo") is not None and "fx.added_later" not in registry
        assert registry.node("fx.grow").complete("{}").text == "grown"
        wait_until(lambda: "fx.added_later" in registry and "fx.echo" not in registry, what="registry re-sync")
        wait_until(
            lambda: directory.get("fx.added_later") is not None and directory.get("fx.echo") is None,
            what="directory re-sync",
        )
        names = [t.name for t in McpStore().get("fx").tools]
        assert "added_later" in names and "echo" not in names
        assert registry.node("fx.added_later").complete("{}").text == "I was added later"


@pytest.mark.slow
def test_a_crash_mid_call_over_http_leaves_the_cards_unavailable(fresh_http: str, hub: Any, tmp_path: Path) -> None:
    from agentnet.directory.store import Directory

    with Directory.from_settings(DirectorySettings(path=str(tmp_path / "dir"))) as directory:
        registry, servers = wire(McpServerSpec(name="fx", url=fresh_http), hub, directory=directory)
        servers.sync_directory(directory)
        with pytest.raises(ModelCallError) as crashed:
            registry.node("fx.crash").complete("{}")
        assert crashed.value.code == "mcp_server_died"
        with pytest.raises(ModelCallError) as gone:
            registry.node("fx.echo").complete('{"text": "anyone?"}')
        assert gone.value.code == "mcp_unavailable"
        wait_until(lambda: not McpStore().get("fx").available, what="record marked unavailable")
        wait_until(lambda: not registry.card("fx.echo").available, what="registry card unavailable")
        wait_until(lambda: not directory.get("fx.echo").available, what="directory card unavailable")  # type: ignore[union-attr]
        assert McpStore().get("fx").tools  # the tools are kept, only marked unavailable


@pytest.mark.slow
def test_a_stdio_server_that_crashes_is_restarted_once(hub: Any) -> None:
    registry, _ = wire(stdio_spec(), hub)
    with pytest.raises(ModelCallError) as crashed:
        registry.node("fx.crash").complete("{}")
    assert crashed.value.code == "mcp_server_died"
    assert registry.node("fx.echo").complete('{"text": "back"}').text == "echo: back"  # restarted

    dead = McpServerSpec(name="dead", command=sys.executable, args=["-c", "raise SystemExit(3)"])
    connection = hub.server(dead)
    messages = []
    for _ in range(3):
        with pytest.raises(ModelCallError) as down:
            connection.list_tools()
        messages.append(down.value.message)
    assert all("MCP server 'dead' is unavailable" in m for m in messages)
    assert "stopped again after a restart" in messages[2]  # the third call does not start it again
