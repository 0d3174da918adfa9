"""`search_directory` over MCP with a k out of range is the caller's error, naming k and the range.

k=0 and k=-1 were quietly made 1 (one card came back as if asked for), k=51 quietly 50. A real
`agentnet mcp serve` and the `mcp` SDK's own client over stdio."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcpkit import AGENTNET


def search_over_stdio(agentnet_home: Path, ks: list[int]) -> tuple[list[Any], str]:
    """``search_directory`` once per k on one real `agentnet mcp serve`: the results, and its stderr."""
    env = {"AGENTNET_HOME": str(agentnet_home), "LITELLM_LOCAL_MODEL_COST_MAP": "True", "COLUMNS": "400"}
    if "PYTHONPATH" in os.environ:  # the agentnet under test, when it is not the installed one
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    params = StdioServerParameters(command=AGENTNET[0], args=[*AGENTNET[1:], "mcp", "serve"], env=env, cwd=Path.cwd())
    said = agentnet_home / "serve-stderr.log"

    async def main() -> list[Any]:
        with said.open("w") as errlog:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                return [await session.call_tool("search_directory", {"query": "general chat", "k": k}) for k in ks]

    return anyio.run(main), said.read_text()


def test_search_directory_refuses_a_k_out_of_range_naming_it(agentnet_home: Path) -> None:
    refused_0, refused_minus, refused_51, found = search_over_stdio(agentnet_home, [0, -1, 51, 2])[0]
    for k, result in ((0, refused_0), (-1, refused_minus), (51, refused_51)):
        text = result.content[0].text
        assert result.is_error and f"k={k} is out of range" in text and "1 to 50" in text, text
        assert "pass k between 1 and 50" in text, text
    assert not found.is_error and 1 <= len(found.structured_content["result"]) <= 2, found
