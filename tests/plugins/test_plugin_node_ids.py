"""A node an installed plugin registers takes an id under the rule of model ids (up to 100 letters,
digits and . _ - : @, starting with a letter or digit): one with a space or a slash is refused,
naming the plugin (its entry point and distribution), the id and the rule, and skipped; its
well-formed nodes and the other plugins' still load. Real distributions, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from test_example_plugin import EXAMPLE, agentnet, install, listed_ids, one_module_plugin

BAD_IDS = """\
import agentnet
from agentnet import CapabilityCard


def echo(text: str) -> str:
    return text


@agentnet.hookimpl
def register_nodes(register):
    register(echo, card=CapabilityCard(id="my tool", description="echoes its text"))
    register(echo, card=CapabilityCard(id="team/echo", description="echoes its text"))
    register(echo, card=CapabilityCard(id="tidy-echo", description="echoes its text"))
"""


def test_a_plugin_node_id_with_a_space_or_a_slash_is_refused_naming_the_plugin(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "ids-src", "agentnet-odd-ids", "0.2", "oddids", BAD_IDS)
    site = [install(EXAMPLE, tmp_path / "site-example"), install(package, tmp_path / "site-odd")]
    listed = agentnet("models", "list", "--json", site=site)
    assert listed.returncode == 0, listed.stderr
    # The example plugin's node and the odd plugin's well-formed one are there; the other two are not.
    assert listed_ids(listed.stdout) == ["smollm2", "text-stats", "tidy-echo"]
    stderr = listed.stderr
    for bad in ("my tool", "team/echo"):
        said = f"agentnet plugin oddids registers node {bad!r}, an id that cannot name a node"
        assert stderr.count(said) == 1, stderr
    assert stderr.count("an id is up to 100 letters, digits and . _ - : @, starting with a letter or digit") == 2
    assert stderr.count("(entry point oddids = agentnet_odd_ids) comes from agentnet-odd-ids 0.2") == 2, stderr
    plugins = {p["name"]: p for p in json.loads(agentnet("plugins", "list", "--json", site=site).stdout)}
    assert len(plugins["oddids"]["errors"]) == 2 and plugins["example"]["errors"] == []
    asked = agentnet("ask", "-m", "tidy-echo", "-q", "still here", site=site)
    assert asked.returncode == 0 and "still here" in asked.stdout, asked.stderr
