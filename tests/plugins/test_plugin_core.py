"""The plugin core in-process: built-ins register through the hooks, a broken plugin is reported and
skipped, adapters validate agentnet.yaml, and register_nodes puts nodes in every NodeRegistry.

The installed example plugin, through the real CLI, is in test_example_plugin.py.
"""

from __future__ import annotations

import logging
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path
from types import ModuleType

import pytest

import agentnet
from agentnet.config import AgentnetConfig, CollaboratorSettings, load_config
from agentnet.errors import ConfigError, NotFoundError, UserError
from agentnet.nodes.registry import NodeRegistry
from agentnet.plugins.kinds import adapter_kinds, importer_kinds
from agentnet.plugins.manager import Plugins, plugin_manager


def _module(name: str, source: str) -> ModuleType:
    module = ModuleType(name)
    exec(compile(textwrap.dedent(source), f"<{name}>", "exec"), module.__dict__)
    return module


def test_built_ins_register_through_the_same_hooks() -> None:
    assert agentnet.hookimpl is agentnet.plugins.hookimpl
    kinds = adapter_kinds()
    assert list(kinds)[:3] == ["llamacpp", "litellm", "callable"]
    assert {kinds[name].plugin for name in ("llamacpp", "litellm", "callable")} == {"agentnet.nodes.adapters"}
    importers = importer_kinds()
    assert {"agentnet", "a2a", "tools"} <= set(importers)
    assert importers["a2a"].plugin == "agentnet.directory.importers"
    infos = plugin_manager().infos
    assert infos["agentnet.nodes.adapters"].source == "builtin" and infos["agentnet.nodes.adapters"].loaded


def test_broken_plugins_are_reported_once_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "raising_plugin.py").write_text(
        "import agentnet\n"
        "@agentnet.hookimpl\n"
        "def register_adapters(register):\n"
        "    register('half-done', lambda spec, registry: None)\n"
        "    raise RuntimeError('boom')\n"
        "@agentnet.hookimpl\n"
        "def register_importers(register):\n"
        "    register('fine', lambda file: [])\n"
        "@agentnet.hookimpl\n"
        "def register_nodez(register):\n"
        "    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = Plugins()
    with caplog.at_level(logging.WARNING, logger="agentnet.plugins"):
        manager.load(
            entry_points=[
                EntryPoint("missing", "no_such_module_for_agentnet", "agentnet"),
                EntryPoint("raising", "raising_plugin", "agentnet"),
            ]
        )
        kinds = adapter_kinds(manager)
        adapter_kinds(manager)  # memoised: the hook is not called (nor reported) twice
    assert "could not be loaded: ModuleNotFoundError" in manager.infos["missing"].errors[0]
    assert not manager.infos["missing"].loaded
    raising = manager.infos["raising"]
    assert raising.loaded
    assert any("unknown hook 'register_nodez' (did you mean 'register_nodes'?" in e for e in raising.errors)
    assert any("failed in register_adapters: RuntimeError: boom" in e for e in raising.errors)
    # What the failing call registered is dropped; the built-ins and the plugin's other hooks work.
    assert "half-done" not in kinds and "llamacpp" in kinds
    assert "fine" in importer_kinds(manager)
    boom = [r for r in caplog.records if "boom" in r.getMessage()]
    assert len(boom) == 1 and "agentnet plugin raising" in boom[0].getMessage()


def test_a_plugin_cannot_take_a_built_in_name() -> None:
    manager = Plugins()
    manager.load(entry_points=[])
    manager.add_module(
        _module(
            "thief",
            """
            import agentnet
            @agentnet.hookimpl
            def register_adapters(register):
                register("llamacpp", lambda spec, registry: None)
            """,
        )
    )
    assert adapter_kinds(manager)["llamacpp"].plugin == "agentnet.nodes.adapters"
    assert "already registered by agentnet.nodes.adapters" in manager.infos["thief"].errors[0]


def test_options_models_must_forbid_unknown_keys() -> None:
    manager = Plugins()
    manager.load(builtins=[], entry_points=[])
    manager.add_module(
        _module(
            "lax",
            """
            import agentnet
            from pydantic import BaseModel
            class Lax(BaseModel):
                size: int = 1
            @agentnet.hookimpl
            def register_adapters(register):
                register("lax", lambda spec, registry: None, options=Lax)
            """,
        )
    )
    assert adapter_kinds(manager) == {}
    assert 'extra="forbid"' in manager.infos["lax"].errors[0]


def test_unknown_adapter_names_file_line_kind_installed_kinds_and_fix() -> None:
    Path("agentnet.yaml").write_text("models:\n  - id: x\n    adapter: mything\n    model: m\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert "agentnet.yaml:3:5: models.0.adapter" in message
    assert "unknown adapter 'mything'" in message and "llamacpp, litellm, callable" in message
    assert "install the plugin that provides 'mything'" in message


def test_adapter_options_are_validated_by_the_adapters_model() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n"
        "  - id: t\n"
        "    adapter: callable\n"
        "    options:\n"
        "      function: 'os.path:basename'\n"
        "      parse_jsn: false\n"
        "  - id: r\n"
        "    adapter: litellm\n"
        "    model: openai/x\n"
        "    options: {size: 1}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert "agentnet.yaml:6:7: models.0.options.parse_jsn: unknown key" in message
    assert "agentnet.yaml:10:5: models.1.options" in message and "'litellm' takes no options" in message


def test_callable_adapter_runs_the_named_function() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n"
        "  - id: basename\n"
        "    adapter: callable\n"
        "    options: {function: 'os.path:basename'}\n"
        "    card: {description: The last part of a file path.}\n"
    )
    registry = NodeRegistry(load_config())
    card = registry.card("basename")
    assert card.provider == "tool" and card.locality == "local" and card.context_length is None
    assert registry.node("basename").complete("/srv/data/report.txt").text == "report.txt"


def test_callable_adapter_names_a_missing_function() -> None:
    Path("agentnet.yaml").write_text(
        "models:\n  - id: gone\n    adapter: callable\n    options: {function: 'os.path:no_such_function'}\n"
    )
    with pytest.raises(ConfigError, match=r"model 'gone': 'os\.path' has no 'no_such_function'"):
        NodeRegistry(load_config()).node("gone")


NODES_PLUGIN = """
import agentnet
from agentnet.cards import CapabilityCard

built = []

def shout(text):
    return text.upper()

def make_counter():
    from agentnet.nodes.callable import CallableNode
    built.append("counter")
    return CallableNode.build(len, CapabilityCard(id="counter", description="Counts characters."))

@agentnet.hookimpl
def register_nodes(register, config):
    register(shout, card=CapabilityCard(id="shouter", description="Upper-cases a text."))
    register(card={"id": "counter", "description": "Counts characters."}, factory=make_counter)
    register(shout, card=CapabilityCard(id=config.default_model, description="Takes a taken id."))
"""

# The bundled collaborators (a built-in plugin) are switched off so the lists below are only this test's nodes.
WITHOUT_BUNDLED = AgentnetConfig(collaborators=CollaboratorSettings(disabled=["all"]))


def test_register_nodes_adds_callables_and_lazy_factories_to_every_registry(in_code_plugin: list[str]) -> None:
    module = _module("nodes_plugin", NODES_PLUGIN)
    plugin_manager().add_module(module)
    in_code_plugin.append("nodes_plugin")
    registry = NodeRegistry(WITHOUT_BUNDLED)
    assert registry.ids() == ["smollm2", "shouter", "counter"]
    assert registry.plugin_nodes == {"shouter": "nodes_plugin", "counter": "nodes_plugin"}
    assert registry.card("shouter").provider == "tool"
    assert module.built == []  # a factory runs on the node's first use, not when listing
    assert registry.node("shouter").complete("quiet please").text == "QUIET PLEASE"
    assert registry.node("counter").complete("four").text == "4" and module.built == ["counter"]
    registry.remove_node("shouter")
    assert "shouter" not in registry and "shouter" not in registry.plugin_nodes
    with pytest.raises(NotFoundError):
        registry.node("shouter")
    # The config's own model keeps its id; the plugin's clash is reported.
    assert registry.card("smollm2").provider == "model"
    errors = plugin_manager().infos["nodes_plugin"].errors
    assert "registers node 'smollm2', an id agentnet's embedded default model has; skipped" in errors, errors
    copycat = _module(
        "copycat",
        """
        import agentnet
        from agentnet import CapabilityCard
        @agentnet.hookimpl
        def register_nodes(register):
            register(lambda text: text, card=CapabilityCard(id="counter", description="Counts."))
        """,
    )
    plugin_manager().add_module(copycat)
    in_code_plugin.append("copycat")
    assert NodeRegistry(WITHOUT_BUNDLED).plugin_nodes["counter"] == "nodes_plugin"  # first come, first served
    assert plugin_manager().infos["copycat"].errors == [
        "registers node 'counter', an id plugin nodes_plugin has; skipped"
    ]


def test_register_nodes_that_raises_leaves_the_registry_working(in_code_plugin: list[str]) -> None:
    plugin_manager().add_module(
        _module(
            "half_nodes",
            """
            import agentnet
            @agentnet.hookimpl
            def register_nodes(register):
                register(print, card={"id": "half", "description": "never lands"})
                register(42)
            """,
        )
    )
    in_code_plugin.append("half_nodes")
    registry = NodeRegistry(WITHOUT_BUNDLED)
    assert registry.ids() == ["smollm2"]
    errors = plugin_manager().infos["half_nodes"].errors
    assert any("register(42) needs card=CapabilityCard" in e for e in errors)


def test_a_factory_must_return_the_node_its_card_describes(in_code_plugin: list[str]) -> None:
    plugin_manager().add_module(
        _module(
            "wrong_factory",
            """
            import agentnet
            @agentnet.hookimpl
            def register_nodes(register):
                register(card={"id": "promised", "description": "x"}, factory=lambda: "not a node")
            """,
        )
    )
    in_code_plugin.append("wrong_factory")
    built_by = r"the factory registered for it \(plugin wrong_factory\)"
    with pytest.raises(UserError, match=rf"node 'promised' was not built by {built_by}: it returned 'not a node'"):
        NodeRegistry().node("promised")


def test_unknown_card_format_lists_the_registered_ones() -> None:
    from agentnet.directory.importers import load_cards

    Path("cards.yaml").write_text("id: x\ndescription: y\n")
    with pytest.raises(UserError) as caught:
        load_cards(Path("cards.yaml"), "csv")
    assert "unknown card format 'csv'" in caught.value.message
    assert caught.value.hint == "use auto or one of: tools, a2a, agentnet"
    assert [card.id for card in load_cards(Path("cards.yaml"), "agentnet")] == ["x"]


def test_options_for_an_adapter_another_plugin_took_name_the_plugin_that_has_it(in_code_plugin: list[str]) -> None:
    """Two plugins register `echo`; the first wins, and the second's options in agentnet.yaml were
    refused as "adapter 'echo' takes no options" with nothing saying whose `echo` that was."""
    for name, options in (("first_echo", ""), ("second_echo", ", options=Opts")):
        source = f"""
            import agentnet
            from pydantic import BaseModel, ConfigDict
            class Opts(BaseModel):
                model_config = ConfigDict(extra="forbid")
                prefix: str = ""
            @agentnet.hookimpl
            def register_adapters(register):
                register("echo", lambda spec, registry: None{options})
            """
        plugin_manager().add_module(_module(name, source))
        in_code_plugin.append(name)
    Path("agentnet.yaml").write_text("models:\n  - id: shouty\n    adapter: echo\n    options: {prefix: '>> '}\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert "models.0.options: Value error, adapter 'echo' (plugin first_echo) takes no options" in str(caught.value)
