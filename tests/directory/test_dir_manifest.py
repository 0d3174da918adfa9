"""The card manifest (directory/manifest.py): a plan reads the directory's cards without chromadb while
chroma's write stamp is unchanged, plans exactly as through chromadb, and sees every later write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dirkit import CountingEmbedder, sample_cards

from agentnet.cards import CapabilityCard
from agentnet.config import DirectorySettings, load_config
from agentnet.directory import lookups, manifest
from agentnet.directory.plan_source import ManifestSource, open_for_planning
from agentnet.directory.store import Directory
from agentnet.directory.sync import sync_models
from agentnet.nodes.registry import NodeRegistry
from agentnet.planner.plan import Plan
from agentnet.planner.planner import Planner
from agentnet.planner.tuning import PlannerTuning

QUERIES = [
    "Translate this into French: the train leaves at noon.",
    "Describe what my photo beach.jpg shows.",
    "Draw a picture of a lighthouse at dusk.",
    "Translate 'good morning' into German, then draw it as a poster.",
    "Write a caption for holiday.png and translate it into French.",
]


def _extra_cards() -> list[CapabilityCard]:
    return [
        CapabilityCard(id="summarizer", description="Summarises long texts into a few sentences."),
        CapabilityCard(id="speller", description="Corrects spelling and grammar mistakes in English text."),
    ]


def _plan(source: object, task: str, pool_size: int) -> dict[str, object]:
    tuning = PlannerTuning(model_mode="off", pool_size=pool_size)
    plan: Plan = Planner(source, None, tuning).plan(task)  # type: ignore[arg-type]
    return plan.model_dump(exclude={"planning_s"})


def test_plans_from_the_manifest_equal_plans_through_chromadb(tmp_path: Path, embedder: CountingEmbedder) -> None:
    settings = DirectorySettings(path=str(tmp_path / "dir"))
    with Directory.from_settings(settings, embedder=embedder) as writer:
        writer.register_many(sample_cards() + _extra_cards())
    source = open_for_planning(settings)
    assert isinstance(source, ManifestSource)
    with Directory.from_settings(settings, readonly=True) as directory:
        assert [c.model_dump() for c in source.cards()] == [c.model_dump() for c in directory.cards()]
        for task in QUERIES:  # the shortlist's ranking: chroma's (semantic and keyword, by entry)
            assert source.search(task, k=3) == directory.search(task, k=3)
        source.close()
        # 48 (the default) keeps every card in the pool; 3 makes the planner shortlist through search.
        for pool_size in (48, 3):
            for task in QUERIES:
                assert _plan(source, task, pool_size) == _plan(directory, task, pool_size), (task, pool_size)
            # chroma's index answers search only, and only once a shortlist is needed.
            assert (source._directory is not None) == (pool_size == 3)
    source.close()


PROBE = """
import json, sys
sys.argv = ["agentnet", "plan", {task!r}, "--json", "--no-model", "--no-daemon"]
from agentnet.cli.app import main
try:
    main()
finally:
    sys.stderr.write("CHROMADB=" + json.dumps("chromadb" in sys.modules))
"""


def _cold_plan(task: str) -> tuple[list[str], bool]:
    """``agentnet plan --json`` in a fresh process: the capabilities it chose, and whether it imported chromadb."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(task=task)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    steps = Plan.model_validate_json(result.stdout).steps
    return [step.capability for step in steps], result.stderr.rsplit("CHROMADB=", 1)[1].strip() == "true"


def test_a_cold_plan_reads_a_current_manifest_and_sees_every_later_write(
    agentnet_home: Path, embedder: CountingEmbedder
) -> None:
    # A photo task: with the configured models' cards in the directory (as `run` syncs them, and a plan
    # now does when they are missing) a text task goes to a specialist or the embedded chat model alike.
    task = "Describe what my photo beach.jpg shows."
    settings = DirectorySettings()
    with Directory.from_settings(settings, embedder=embedder) as writer:
        writer.register_many(sample_cards())
        sync_models(writer, NodeRegistry(load_config()).cards(health=True))
    assert _cold_plan(task) == (["cloud-vision"], False)

    # Another process's write through agentnet (publish and remove) updates the manifest with it.
    desk = CapabilityCard(
        id="photo-desk",
        description="Describes what a photo shows, checked by hand.",
        provider="external",
        input_types=["image"],
        output_types=["text"],
    )
    with Directory.from_settings(settings, embedder=embedder) as writer:
        writer.register(desk)
        writer.remove("cloud-vision")
    assert _cold_plan(task) == (["photo-desk"], False)

    # A write that leaves the manifest behind (an older agentnet, a crash before the manifest, another
    # chroma client) moves chroma's stamp: the plan reads chromadb and sees it, and leaves a current manifest.
    with Directory.from_settings(settings, embedder=embedder) as writer:
        writer._collection.delete(ids=lookups.entry_ids(writer._collection, ["photo-desk"]))
    capabilities, imported = _cold_plan(task)
    assert "photo-desk" not in capabilities and imported
    folder = agentnet_home / "directory"
    current = manifest.current_cards(folder, settings.collection, embedder)
    assert current is not None and "photo-desk" not in {card.id for card in current}
