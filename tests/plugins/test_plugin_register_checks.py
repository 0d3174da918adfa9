"""What a plugin's register(...) is handed, checked where it is registered: each mistake is one
line naming the plugin's node, adapter or field, instead of a traceback, pydantic's four-line text, or
a silently wrong result. In-process plugins (``plugin_manager().add_module``), as test_plugin_core.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_plugin_core import WITHOUT_BUNDLED, _module

from agentnet.config import load_config
from agentnet.errors import ConfigError
from agentnet.nodes.registry import NodeRegistry
from agentnet.plugins.kinds import adapter_kinds
from agentnet.plugins.manager import Plugins, plugin_manager


def test_an_adapter_whose_own_validation_breaks_is_named_at_the_models_line(in_code_plugin: list[str]) -> None:
    """An adapter's check or options validator raising anything but ValueError was a traceback from
    every command reading the config (`ask` of another model, `plugins list` too)."""
    source = """
        import agentnet
        from pydantic import BaseModel, ConfigDict, field_validator
        class Opts(BaseModel):
            model_config = ConfigDict(extra="forbid")
            voice: str = "a"
            @field_validator("voice")
            @classmethod
            def known(cls, value):
                return {"a": "alto"}[value]
        def check(spec):
            spec.params.__dict__["endpoint"]
        @agentnet.hookimpl
        def register_adapters(register):
            register("picky", lambda spec, registry: None, options=Opts, check=check)
        """
    plugin_manager().add_module(_module("picky_plugin", source))
    in_code_plugin.append("picky_plugin")
    Path("agentnet.yaml").write_text("models:\n  - id: p\n    adapter: picky\n    options: {voice: b}\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert (
        "agentnet.yaml:4:5: models.0.options: Value error, adapter 'picky' (plugin picky_plugin) failed validating "
        "this model's options: KeyError: 'b'. Fix or update that plugin, or uninstall it" in str(caught.value)
    ), caught.value
    Path("agentnet.yaml").write_text("models:\n  - id: p\n    adapter: picky\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert "adapter 'picky' (plugin picky_plugin) failed checking this model: KeyError: 'endpoint'" in str(caught.value)


def test_a_card_given_as_a_mapping_with_a_wrong_field_is_one_line_naming_it(in_code_plugin: list[str]) -> None:
    source = """
        import agentnet
        @agentnet.hookimpl
        def register_nodes(register):
            register(lambda text: text, card={"id": "pricey", "description": "x", "cost_per_1k_input": -1})
        """
    plugin_manager().add_module(_module("mapping_card", source))
    in_code_plugin.append("mapping_card")
    assert "pricey" not in NodeRegistry(WITHOUT_BUNDLED)
    [error] = plugin_manager().infos["mapping_card"].errors
    assert error.splitlines()[0] == (
        "failed in register_nodes: UserError: the card given for 'pricey' is not valid at cost_per_1k_input: "
        "Input should be greater than or equal to 0"
    )
    assert "errors.pydantic.dev" not in error


def test_adapter_params_given_as_one_string_are_refused() -> None:
    """frozenset("temperature") is a set of letters: `models show` then listed none of the model's params."""
    manager = Plugins()
    manager.load(builtins=[], entry_points=[])
    source = """
        import agentnet
        @agentnet.hookimpl
        def register_adapters(register):
            register("warm", lambda spec, registry: None, params="temperature")
        """
    manager.add_module(_module("stringy", source))
    assert adapter_kinds(manager) == {}
    assert (
        manager.infos["stringy"]
        .errors[0]
        .startswith(
            "failed in register_adapters: UserError: params of adapter 'warm' must be a list of setting names, "
            "not the string 'temperature'"
        )
    )


def test_a_node_whose_card_names_another_id_is_refused(in_code_plugin: list[str]) -> None:
    """Registered under its card's id, it answered `ask -m outer` as "inner" (replies, stats, traces)."""
    source = """
        import agentnet
        from agentnet import CapabilityCard
        from agentnet.testing import ScriptedModel
        @agentnet.hookimpl
        def register_nodes(register):
            node = ScriptedModel.build("inner", ["hello"])
            node.card = CapabilityCard(id="outer", description="Says hello.")
            register(node)
        """
    plugin_manager().add_module(_module("two_ids", source))
    in_code_plugin.append("two_ids")
    registry = NodeRegistry(WITHOUT_BUNDLED)
    assert "outer" not in registry and "inner" not in registry
    assert (
        plugin_manager()
        .infos["two_ids"]
        .errors[0]
        .startswith("failed in register_nodes: UserError: register(node) got node 'inner' whose card's id is 'outer'")
    )
