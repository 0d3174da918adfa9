"""The registry: lazy nodes from config, the embedded default always present, clear unknown ids."""

from __future__ import annotations

import pytest

from agentnet.config import AgentnetConfig, ModelSpec
from agentnet.errors import NotFoundError
from agentnet.nodes.registry import NodeRegistry
from agentnet.testing import ScriptedModel


def config_with_remote() -> AgentnetConfig:
    return AgentnetConfig(
        models=[
            ModelSpec(
                id="gpt",
                adapter="litellm",
                model="openai/gpt-4o-mini",
                card={"description": "A remote general model.", "cost_per_1k_input": 0.15},
            )
        ]
    )


def test_embedded_default_is_always_registered() -> None:
    registry = NodeRegistry(config_with_remote())
    # The embedded default first, then the config's models, then what plugins add (bundled collaborators).
    assert registry.ids()[:2] == ["smollm2", "gpt"]
    assert registry.default_id == "smollm2"
    card = registry.card("smollm2")
    assert card.locality == "local" and card.context_length == 2048
    assert [skill.id for skill in card.skills] == ["chat", "write", "summarize"]


def test_cards_come_from_config_without_building_nodes() -> None:
    registry = NodeRegistry(config_with_remote())
    cards = {card.id: card for card in registry.cards()}
    assert cards["gpt"].locality == "remote"
    assert cards["gpt"].data_leaves_host is True
    assert cards["gpt"].cost_per_1k_input == 0.15
    assert registry._nodes == {}


def test_unknown_id_lists_the_known_ones() -> None:
    registry = NodeRegistry(config_with_remote())
    with pytest.raises(NotFoundError) as err:
        registry.node("gtp")
    assert "'gtp'" in err.value.message
    assert "smollm2, gpt" in err.value.message
    assert err.value.hint and "agentnet models list" in err.value.hint
    with pytest.raises(NotFoundError, match="known ids"):
        registry.card("gtp")


def test_nodes_are_built_once() -> None:
    registry = NodeRegistry(config_with_remote())
    first = registry.node("gpt")
    assert registry.node("gpt") is first
    assert first.node_id == "gpt"


def test_register_node() -> None:
    registry = NodeRegistry()
    scripted = ScriptedModel.build("helper", ["hello"])
    registry.register_node(scripted)
    assert registry.node("helper").complete("hi").text == "hello"
    replacement = ScriptedModel.build("helper", ["bye"])
    registry.register_node(replacement, replace=True)
    assert registry.node("helper") is replacement


def test_public_names_are_exported_lazily() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from agentnet.nodes import NodeRegistry, inspect_gguf\n"
        "assert 'langchain_core' not in sys.modules and 'llama_cpp' not in sys.modules\n"
        "from agentnet.nodes import LlamaCppNode, ModelNode\n"
        "assert issubclass(LlamaCppNode, ModelNode)\n"
        "assert 'llama_cpp' not in sys.modules\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "ok", result.stderr


def test_all_lists_every_lazy_export() -> None:
    import agentnet.nodes as nodes

    assert sorted(nodes.__all__) == sorted(nodes._EXPORTS)
