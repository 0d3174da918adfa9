"""A recipe step naming a destructive MCP tool, through the real CLI and the fixture server over stdio:
refused by default with a hint that works for a recipe, and run with `recipe run --allow-destructive`.
The refusal's hint said `agentnet run --allow-destructive`, and `agentnet recipe run` had no such flag:
a recipe could call a destructive tool only by allowing them for good in agentnet.yaml."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from mcpkit import FIXTURE_SERVER, agentnet

RECIPE = """\
name: wipe
steps:
  - {id: wipe, model: fx.wipe, prompt: "Wipe old-notes.txt"}
"""


@pytest.mark.usefixtures("agentnet_home")
def test_recipe_run_refuses_a_destructive_tool_unless_allowed_for_the_run() -> None:
    added = agentnet("mcp", "add", "fx", "--", sys.executable, str(FIXTURE_SERVER))
    assert added.returncode == 0, added.stderr
    Path("wipe.yaml").write_text(RECIPE)

    refused = agentnet("recipe", "run", "wipe.yaml", "--json")
    result = json.loads(refused.stdout)
    assert refused.returncode == 1 and "mcp_destructive_refused" in result["error"]["message"], result
    assert "`agentnet recipe run`" in result["error"]["hint"]

    allowed = agentnet("recipe", "run", "wipe.yaml", "--allow-destructive", "--json")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert json.loads(allowed.stdout)["output"] == "wiped old-notes.txt"
