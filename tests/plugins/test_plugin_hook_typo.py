"""A plugin whose hook name is misspelt, installed as a distribution, through the real CLI: pluggy
registers the function without calling it, so the plugin adds nothing; agentnet names the hook it most
likely meant, on stderr and in `agentnet plugins list`, and `--help` still works."""

from __future__ import annotations

import json
from pathlib import Path

from test_example_plugin import install, one_module_plugin
from test_plugin_no_answer import agentnet

TYPO = """\
import agentnet
from agentnet import CapabilityCard


@agentnet.hookimpl
def register_node(register):
    register(lambda text: text[::-1], card=CapabilityCard(id="reverser", description="Reverses a text."))
"""


def test_a_misspelt_hook_is_named_with_the_hook_it_meant(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "src", "agentnet-reverser", "0.2", "reverser", TYPO)
    site = install(package, tmp_path / "site")
    listed = agentnet(site, "models", "list", "--json")
    assert listed.returncode == 0 and "reverser" not in [card["id"] for card in json.loads(listed.stdout)]
    assert (
        "agentnet plugin reverser defines unknown hook 'register_node' (did you mean 'register_nodes'? the hooks "
        "are in docs/plugins.md)" in listed.stderr
    ), listed.stderr
    assert "comes from agentnet-reverser 0.2" in listed.stderr
    plugins = {p["name"]: p for p in json.loads(agentnet(site, "plugins", "list", "--json").stdout)}
    assert plugins["reverser"]["errors"] == [
        "defines unknown hook 'register_node' (did you mean 'register_nodes'? the hooks are in docs/plugins.md)"
    ]
    helped = agentnet(site, "--help")
    assert helped.returncode == 0 and "plugins" in helped.stdout and "Traceback" not in helped.stderr
