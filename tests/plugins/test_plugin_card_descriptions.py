"""A node an installed plugin registers with a card that says nothing (an empty description, no skill
saying more) or that says 1 MB is refused, naming the plugin, its distribution, the node and the limit,
and skipped; its other nodes load. Both were accepted silently: the empty one could never be planned
(the planner finds a node by its card's description), the huge one took 1.4 s to embed for the ~1,000
characters the directory reads, and was stored, listed and published whole. Real distribution, real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from test_example_plugin import agentnet, install, listed_ids, one_module_plugin

CARDS = """\
import agentnet
from agentnet import CapabilityCard, Skill


def echo(text: str) -> str:
    return text


@agentnet.hookimpl
def register_nodes(register):
    register(echo, card=CapabilityCard(id="silent-echo"))
    register(echo, card=CapabilityCard(id="blank-echo", description="   "))
    register(echo, card=CapabilityCard(id="wordy-echo", description="Echoes its text. " * 62000))
    wordy = [Skill(id="s", description="x" * 5000)]
    register(echo, card=CapabilityCard(id="wordy-skill", description="Echoes.", skills=wordy))
    said = [Skill(id="say", description="Repeats a text back.")]
    register(echo, card=CapabilityCard(id="skill-echo", skills=said))
    register(echo, card=CapabilityCard(id="tidy-echo", description="Echoes its text back."))
"""


def test_a_plugin_card_with_an_empty_or_a_huge_description_is_refused_naming_the_plugin(tmp_path: Path) -> None:
    package = one_module_plugin(tmp_path / "cards-src", "agentnet-odd-cards", "0.3", "oddcards", CARDS)
    site = [install(package, tmp_path / "site")]
    listed = agentnet("models", "list", "--json", site=site)
    assert listed.returncode == 0, listed.stderr
    # A card whose skill says what it does is found by that skill: it stays.
    assert listed_ids(listed.stdout) == ["smollm2", "skill-echo", "tidy-echo"]
    stderr = listed.stderr
    for empty in ("silent-echo", "blank-echo"):
        assert stderr.count(f"agentnet plugin oddcards registers node {empty!r} with an empty description") == 1
    assert "registers node 'wordy-echo' whose card's description is 1,054,000 characters, more than the 4,000" in stderr
    assert "registers node 'wordy-skill' whose skill's description is 5,000 characters" in stderr, stderr
    assert stderr.count("comes from agentnet-odd-cards 0.3") == 4, stderr
    plugins = {p["name"]: p for p in json.loads(agentnet("plugins", "list", "--json", site=site).stdout)}
    assert len(plugins["oddcards"]["errors"]) == 4 and plugins["oddcards"]["registered"]["nodes"] == [
        "skill-echo",
        "tidy-echo",
    ]
