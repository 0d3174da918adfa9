"""Planning over a `chroma run` directory other instances share: a model only another instance
declares is seen (`directory list`) but never planned here, where no node serves it; the instance
that declares it plans it. Real CLI processes with their own homes and configs, a real chroma server
(``tests/directory/test_dir_shared.py``'s instances)."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.inmemory import InMemorySource
from agentnet.directory.scoped import RunnableCards
from tests.directory.test_dir_shared import AGENTNET, Instance, _model

TASK = "Translate 'good morning' into German"


def plan(instance: Instance, task: str) -> list[str]:
    env = {**os.environ, "AGENTNET_HOME": str(instance.home), "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           "AGENTNET_NO_DAEMON": "1"}  # fmt: skip
    done = subprocess.run([str(AGENTNET), "plan", "--no-model", "--json", task], cwd=instance.work, env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    steps: list[dict[str, Any]] = json.loads(done.stdout)["steps"]
    return [step["capability"] for step in steps] + [a["card_id"] for step in steps for a in step["alternates"]]


@pytest.fixture
def pair(tmp_path: Path, chroma_server: str) -> tuple[Instance, Instance]:
    collection = f"plans_{uuid.uuid4().hex[:10]}"
    return Instance(tmp_path, "a", chroma_server, collection), Instance(tmp_path, "b", chroma_server, collection)


def test_another_instances_model_is_seen_but_not_planned(pair: tuple[Instance, Instance], refused_url: str) -> None:
    """B planned A's translator (similarity 0.58) and the run failed on it ('no node serves card')
    before falling through unrelated tools to the chat model."""
    a, b = pair
    a.configure(_model("w2", "Translates text from one language into another.", f"{refused_url}/v1"))
    b.configure()
    assert "w2" in a.list()
    assert "w2" in b.list()  # B sees the card ...
    assert "w2" in plan(a, TASK)  # ... A, which declares it, plans it ...
    assert "w2" not in plan(b, TASK)  # ... and B, which has no node for it, does not.


def test_the_view_keeps_what_this_instance_runs_and_what_is_reached_otherwise() -> None:
    cards = [
        CapabilityCard(id="mine", description="Translates text.", provider="model"),
        CapabilityCard(id="theirs", description="Translates text into German.", provider="model"),
        CapabilityCard(id="their-tool", description="Counts the words of a text.", provider="tool"),
        CapabilityCard(id="b/poet", description="Writes poems.", provider="peer:b"),
        CapabilityCard(id="imported", description="Books flights.", provider="external"),
    ]
    view = RunnableCards(InMemorySource(cards), {"mine"}.__contains__)
    assert [card.id for card in view.cards()] == ["mine", "b/poet", "imported"]
    assert view.get("theirs") is None and view.get("mine") is not None
    # The best match, "theirs", is skipped, and k results still come back.
    assert [found.card_id for found in view.search("translate into German", k=2)] == ["mine", "imported"]


def test_the_view_searches_without_reading_the_whole_directory() -> None:
    """It read every card on each search to learn which were hidden: a shared directory's whole size per
    search, several searches a plan. Now it asks for more results until it has ``k`` it keeps."""
    hidden = [
        CapabilityCard(id=f"theirs-{n}", description=f"Translates text into German, variant {n}.", provider="model")
        for n in range(30)
    ]
    mine = CapabilityCard(id="mine", description="Translates text.", provider="model")

    class Counting(InMemorySource):
        reads = 0

        def cards(self) -> list[CapabilityCard]:
            Counting.reads += 1
            return super().cards()

    view = RunnableCards(Counting([*hidden, mine]), {"mine"}.__contains__)
    assert [found.card_id for found in view.search("translate into German", k=1)] == ["mine"]
    assert Counting.reads == 0
    assert view.search("translate into German", k=3) == view.search("translate into German", k=1)
