"""MCP servers declared in agentnet.yaml, and server text as data: an injected tool description
cannot steer the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.directory.entries import entry_texts
from agentnet.errors import ConfigError
from agentnet.mcp.cards import tool_card
from agentnet.network import Network


def test_a_misspelt_mcp_server_field_names_the_file_and_line() -> None:
    Path("agentnet.yaml").write_text("mcp_servers:\n  - name: fx\n    comand: python\n")
    with pytest.raises(ConfigError) as caught:
        Network.from_config()
    assert "agentnet.yaml" in str(caught.value) and "comand" in str(caught.value) and ":3" in str(caught.value)


@pytest.mark.slow
def test_an_injected_description_cannot_steer_the_plan(fixture_http: str) -> None:
    Path("agentnet.yaml").write_text(f"mcp_servers:\n  - name: fx\n    url: {fixture_http}\n")
    with Network.from_config() as net:
        card = net.registry.card("fx.glossary")
        # The orders addressed to the agent never reach the card (nor the directory, nor the planner).
        assert card.description == "Look up a word in the fixture glossary." and "instructions-removed" in card.tags
        assert net.mcp is not None
        record = next(r for r in net.mcp.records() if r.name == "fx")
        hostile = next(t for t in record.tools if t.name == "glossary")
        assert "IMPORTANT SYSTEM INSTRUCTION" in hostile.description  # kept as the server said it, as data
        benign = hostile.model_copy(update={"description": "Look up a word in the fixture glossary."})
        # What the directory and the planner embed is the benign card's text (the tag aside).
        same = tool_card(record.spec, benign).model_copy(update={"tags": card.tags})
        assert entry_texts(card) == entry_texts(same) and "INSTRUCTION" not in " ".join(entry_texts(card))
        # The injection names this very task; the plan still goes to collaborators that answer it.
        chosen = [step.capability for step in net.plan("What is the capital of France?").steps]
        assert chosen and "fx.glossary" not in chosen
