"""A plugin that prints (while imported, in its hooks, in the function it registered), installed as a
distribution, through the real CLI: its text goes to stderr, so stdout stays the command's answer or
its --json document. Its prints once came before `models list --json`'s JSON and inside `ask`'s answer."""

from __future__ import annotations

import json
from pathlib import Path

from test_example_plugin import install, one_module_plugin
from test_plugin_no_answer import agentnet

CHATTY = """\
import agentnet
from agentnet import CapabilityCard

print("chatty: imported")


def shout(text: str) -> str:
    print("chatty: shouting")
    return text.upper()


@agentnet.hookimpl
def register_nodes(register):
    print("chatty: registering nodes")
    register(shout, card=CapabilityCard(id="shouter", description="Writes a text in capital letters."))


@agentnet.hookimpl
def register_adapters(register):
    print("chatty: registering adapters")
"""


def test_what_a_plugin_prints_goes_to_stderr_not_into_json_or_answers(tmp_path: Path) -> None:
    site = install(one_module_plugin(tmp_path / "src", "agentnet-chatty", "0.1", "chatty", CHATTY), tmp_path / "site")
    listed = agentnet(site, "models", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "shouter" in [card["id"] for card in json.loads(listed.stdout)]  # the JSON alone on stdout
    for line in ("chatty: imported", "chatty: registering nodes", "chatty: registering adapters"):
        assert line in listed.stderr, listed.stderr
    plugins = agentnet(site, "plugins", "list", "--json")
    assert "chatty" in [p["name"] for p in json.loads(plugins.stdout)]
    asked = agentnet(site, "ask", "-m", "shouter", "-q", "hello")
    assert (asked.returncode, asked.stdout.strip()) == (0, "HELLO"), (asked.stdout, asked.stderr)
    assert "chatty: shouting" in asked.stderr
