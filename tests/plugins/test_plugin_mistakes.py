"""Packaging mistakes a plugin author makes, installed as distributions, through the real CLI: each is
reported with what is wrong and the distribution to fix, and the other plugins work.

- A hook without ``@agentnet.hookimpl`` (pluggy ignores it), and an entry point naming a function
  instead of the module: both plugins loaded, registered nothing, and nothing was said.
- A hook that returns what it means to add (as other plugin systems take it): ignored, silently.
- Two distributions with one entry point name: the second was skipped with an error filed under the
  first, whose way out said to uninstall the first (the one that worked).
"""

from __future__ import annotations

import json
from pathlib import Path

from test_example_plugin import install, one_module_plugin
from test_plugin_no_answer import agentnet

UNMARKED = """\
from agentnet import CapabilityCard


def register_nodes(register):  # the author forgot @agentnet.hookimpl
    register(lambda text: text, card=CapabilityCard(id="unmarked-tool", description="Repeats a text."))
"""

RETURNING = """\
import agentnet
from agentnet import CapabilityCard


@agentnet.hookimpl
def register_nodes(register):
    return [(lambda text: text, CapabilityCard(id="returned-tool", description="Repeats a text."))]
"""

ROMAN = """\
import agentnet
from agentnet import CapabilityCard


@agentnet.hookimpl
def register_nodes(register):
    register(lambda text: "XLII", card=CapabilityCard(id="{id}", description="Writes numbers as Roman numerals."))
"""


def test_a_plugin_that_registers_nothing_says_why(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "src", "agentnet-unmarked", "0.1", "unmarked", UNMARKED)
    text = (package / "pyproject.toml").read_text()
    (package / "pyproject.toml").write_text(
        text.replace(
            'unmarked = "agentnet_unmarked"',
            'unmarked = "agentnet_unmarked"\nbyfunc = "agentnet_unmarked:register_nodes"',
        )
    )
    site = install(package, tmp_path / "site")
    listed = agentnet(site, "models", "list", "--json")
    assert listed.returncode == 0 and "unmarked-tool" not in listed.stdout
    assert (
        "agentnet plugin unmarked registers nothing: register_nodes is not marked @agentnet.hookimpl, so agentnet "
        "never calls it" in listed.stderr
    ), listed.stderr
    assert (
        "agentnet plugin byfunc registers nothing: its entry point names agentnet_unmarked:register_nodes, a "
        "function; name the module that holds its hooks ('module', not 'module:function')" in listed.stderr
    ), listed.stderr
    assert listed.stderr.count("comes from agentnet-unmarked 0.1") == 2
    plugins = {p["name"]: p for p in json.loads(agentnet(site, "plugins", "list", "--json").stdout)}
    assert plugins["unmarked"]["errors"][0].startswith("registers nothing: register_nodes is not marked")


def test_a_hook_that_returns_what_it_means_to_add_is_told_to_call_register(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "src", "agentnet-returning", "0.1", "returning", RETURNING)
    listed = agentnet(install(package, tmp_path / "site"), "models", "list", "--json")
    assert listed.returncode == 0 and "returned-tool" not in listed.stdout
    assert (
        "agentnet plugin returning register_nodes returned a list, which agentnet ignores: a hook adds what it "
        "adds by calling register(...) (see docs/plugins.md)" in listed.stderr
    ), listed.stderr
    assert "comes from agentnet-returning 0.1" in listed.stderr


def test_a_second_distribution_with_a_taken_entry_point_name_is_reported_as_itself(tmp_path: Path) -> None:
    first = one_module_plugin(tmp_path / "a", "agentnet-roman", "1.0", "roman", ROMAN.replace("{id}", "roman"))
    fork = one_module_plugin(tmp_path / "b", "agentnet-roman-fork", "2.0", "roman", ROMAN.replace("{id}", "fork"))
    site = install(fork, install(first, tmp_path / "site"))
    listed = agentnet(site, "models", "list", "--json")
    assert listed.returncode == 0 and "roman" in [card["id"] for card in json.loads(listed.stdout)]
    assert (
        "agentnet plugin roman (agentnet-roman-fork) is skipped: plugin roman from agentnet-roman 1.0 already has "
        "the entry point name 'roman' (roman = agentnet_roman); one of the two must change it" in listed.stderr
    ), listed.stderr
    assert "`pip uninstall agentnet-roman-fork`" in listed.stderr
    assert "`pip uninstall agentnet-roman`" not in listed.stderr  # the plugin that works is not blamed
    plugins = [
        (p["name"], p["distribution"], p["loaded"], p["registered"]["nodes"], bool(p["errors"])) for p in _listed(site)
    ]
    assert ("roman", "agentnet-roman", True, ["roman"], False) in plugins
    assert ("roman", "agentnet-roman-fork", False, [], True) in plugins


def _listed(site: Path) -> list[dict[str, object]]:
    return json.loads(agentnet(site, "plugins", "list", "--json").stdout)
