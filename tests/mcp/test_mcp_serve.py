"""``agentnet mcp serve`` driven by the ``mcp`` SDK's own client, over stdio and Streamable HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcpkit import AGENTNET, stop

TOKEN = "t0ken-for-the-mcp-serve-tests-0123456789"


async def exercise(session: ClientSession, progress: list[tuple[float, float | None, str | None]]) -> dict[str, Any]:
    """What an MCP host does: list, ask, plan, run (with progress), search, read a card."""
    await session.initialize()
    names = {tool.name for tool in (await session.list_tools()).tools}
    asked = await session.call_tool("ask", {"prompt": "What is the capital of France?"})
    planned = await session.call_tool("plan", {"task": "What is the capital of France?"})

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    ran = await session.call_tool("run", {"task": "What is the capital of France?"}, progress_callback=on_progress)
    found = await session.call_tool("search_directory", {"query": "general chat", "k": 3})
    resources = {str(r.uri) for r in (await session.list_resources()).resources}
    card = await session.read_resource("agentnet://cards/smollm2")
    return {
        "names": names,
        "ask": asked,
        "plan": planned.structured_content,
        "run": ran.structured_content,
        "search": found.structured_content,
        "resources": resources,
        "card": json.loads(card.contents[0].text),  # type: ignore[union-attr]
    }


def check(seen: dict[str, Any], progress: list[tuple[float, float | None, str | None]]) -> None:
    assert {"ask", "plan", "run", "search_directory"} <= seen["names"]
    assert not seen["ask"].is_error and "Paris" in seen["ask"].content[0].text
    assert seen["plan"]["steps"] and seen["plan"]["steps"][0]["capability"] == "smollm2"
    run = seen["run"]
    assert run["status"] == "succeeded" and "Paris" in run["answer"] and re.fullmatch(r"[0-9a-f]{12}", run["run_id"])
    assert progress and progress[-1][0] == progress[-1][1] and "finished" in (progress[-1][2] or "")
    assert seen["search"]["result"][0]["card"]["id"] == "smollm2"
    assert "agentnet://cards/smollm2" in seen["resources"] and seen["card"]["id"] == "smollm2"


@pytest.mark.slow
def test_mcp_client_over_stdio_gets_paris_plans_runs_and_reads_cards(agentnet_home: Path) -> None:
    env = {"AGENTNET_HOME": str(agentnet_home), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    params = StdioServerParameters(command=AGENTNET[0], args=[*AGENTNET[1:], "mcp", "serve"], env=env, cwd=Path.cwd())
    progress: list[tuple[float, float | None, str | None]] = []

    async def main() -> dict[str, Any]:
        with (agentnet_home / "serve-stderr.log").open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                return await exercise(session, progress)

    check(anyio.run(main), progress)


@pytest.fixture
def http_server(agentnet_home: Path) -> Any:
    env = {**os.environ, "MCP_SERVE_TOKEN": TOKEN}
    process = subprocess.Popen(
        [*AGENTNET, "mcp", "serve", "--http", "--port", "0", "--token-env", "MCP_SERVE_TOKEN"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # "agentnet MCP server at http://127.0.0.1:PORT/mcp"
    match = re.search(r"(http://\S+/mcp)", line)
    try:
        assert match is not None, f"no address announced: {line!r}"
        yield match.group(1)
    finally:
        stop(process)
        process.stderr.close()


@pytest.mark.slow
def test_mcp_client_over_http_with_token_and_the_gate_of_agentnet_serve(http_server: str) -> None:
    progress: list[tuple[float, float | None, str | None]] = []

    async def main() -> dict[str, Any]:
        async with (
            create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"}) as client,
            streamable_http_client(http_server, http_client=client) as (read, write),
            ClientSession(read, write) as session,
        ):
            return await exercise(session, progress)

    check(anyio.run(main), progress)

    # The gate of `agentnet serve` stands in front: token, then Host and Origin rules.
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    headers = {"Accept": "application/json, text/event-stream"}
    assert httpx.post(http_server, json=body, headers=headers, timeout=30).status_code == 401
    authed = {**headers, "Authorization": f"Bearer {TOKEN}"}
    foreign_host = httpx.post(http_server, json=body, headers={**authed, "Host": "evil.example:80"}, timeout=30)
    assert foreign_host.status_code == 403 and foreign_host.json()["error"]["code"] == "host_not_allowed"
    evil = {**authed, "Origin": "https://evil.example"}
    foreign_origin = httpx.post(http_server, json=body, headers=evil, timeout=30)
    assert foreign_origin.status_code == 403 and foreign_origin.json()["error"]["code"] == "origin_not_allowed"


def test_serve_http_beyond_loopback_needs_a_token() -> None:
    done = subprocess.run(
        [*AGENTNET, "mcp", "serve", "--http", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "needs a bearer token" in done.stderr


def test_serve_http_on_a_port_in_use_says_so_without_a_traceback() -> None:
    """As `agentnet serve` does; it was an OSError traceback (Address already in use)."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*AGENTNET, "mcp", "serve", "--http", "--port", str(port)], capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def test_serve_is_listed_in_help() -> None:
    done = subprocess.run([sys.executable, "-m", "agentnet.cli.app", "mcp", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "serve" in done.stdout and "add" in done.stdout


def ask_over_stdio(agentnet_home: Path, model: str | None, prompt: str = "hello") -> tuple[Any, str]:
    """`ask` a real `agentnet mcp serve` (over stdio) with ``model``: the result and the server's stderr."""
    env = {"AGENTNET_HOME": str(agentnet_home), "LITELLM_LOCAL_MODEL_COST_MAP": "True", "COLUMNS": "400"}
    if "PYTHONPATH" in os.environ:  # the agentnet under test, when it is not the installed one
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    params = StdioServerParameters(command=AGENTNET[0], args=[*AGENTNET[1:], "mcp", "serve"], env=env, cwd=Path.cwd())
    said = agentnet_home / "serve-stderr.log"

    async def main() -> Any:
        with said.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                return await session.call_tool("ask", {"prompt": prompt} | ({"model": model} if model else {}))

    return anyio.run(main), said.read_text()


def test_an_unknown_model_id_is_the_callers_error_not_a_crash(agentnet_home: Path) -> None:
    """A host's `ask` naming no model of this network gets an error result naming the id and the fix;
    the server's stderr (the host's log) holds no traceback, as it would for a crash."""
    asked, said = ask_over_stdio(agentnet_home, "no-such-model")
    text = asked.content[0].text
    assert asked.is_error and "'no-such-model'" in text and "smollm2" in text and "agentnet models list" in text, text
    assert "Traceback" not in said and "ERROR" not in said, said


def test_a_model_that_cannot_be_reached_is_said_to_the_caller_and_warned_of(
    agentnet_home: Path, refused_url: str
) -> None:
    """The network's failure, not agentnet's: the caller reads what failed and the fix, the host's log
    one WARNING line, no traceback."""
    Path("agentnet.yaml").write_text(
        "models:\n  - id: remote\n    adapter: litellm\n    model: openai/remote\n"
        f"    api_base: {refused_url}/v1\n    params: {{retries: 0}}\n"
    )
    asked, said = ask_over_stdio(agentnet_home, "remote")
    text = asked.content[0].text
    assert asked.is_error and "model 'remote'" in text and "could not be reached" in text and "hint:" in text, text
    warned = [line for line in said.splitlines() if "WARNING" in line]
    assert len(warned) == 1 and "model 'remote'" in warned[0], said
    assert "Traceback" not in said and "ERROR" not in said, said


@pytest.mark.parametrize("prompt", ["", "  \n "])
def test_an_empty_prompt_is_the_callers_error_not_an_answer(agentnet_home: Path, prompt: str) -> None:
    """`agentnet ask ""` says there is nothing to ask; over MCP the model was sent the empty prompt and
    its made-up reply came back as the answer ("I'm sorry for any misglamour...")."""
    asked, said = ask_over_stdio(agentnet_home, None, prompt)
    text = asked.content[0].text
    assert asked.is_error and "nothing to ask" in text and "prompt" in text, text
    assert "Traceback" not in said and "ERROR" not in said, said


def test_a_task_larger_than_the_request_limit_is_refused_naming_the_setting(agentnet_home: Path) -> None:
    """Over stdio no request limit applied: a 3 MB task was planned (8.5 s of CPU, the server busy for
    every other call). It gets the limit of `agentnet serve`'s request bodies and says how to raise it;
    a raised limit takes the same task."""
    env = {"AGENTNET_HOME": str(agentnet_home), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    task = "Count the words of this: " + "bees make honey " * 200_000  # 3.2 MB

    async def plan(*flags: str) -> Any:
        params = StdioServerParameters(
            command=AGENTNET[0], args=[*AGENTNET[1:], "mcp", "serve", *flags], env=env, cwd=Path.cwd()
        )
        with (agentnet_home / "serve-stderr.log").open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                return await session.call_tool("plan", {"task": task})

    refused = anyio.run(plan)
    text = refused.content[0].text[:500]
    assert refused.is_error and "3,200,025 bytes" in text and "1,000,000" in text, text
    assert "--max-body-bytes" in text, text
    taken = anyio.run(plan, "--max-body-bytes", "4000000")
    assert not taken.is_error, taken.content[0].text[:500]
    assert taken.structured_content["steps"][0]["capability"] == "text-statistics"
