"""Retrieval quality on TaskBench files: does the gold tool rank first / in the top 3?

For every single-tool sample, the instruction is searched in a throw-away directory holding only
the tool list's cards (the user's directory is never touched).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.directory.importers import load_cards
from agentnet.errors import ConfigError
from agentnet.planner.examples import example_nodes, read_examples, request


@dataclass
class QualityResult:
    samples: int
    top1: float
    top3: float
    misses: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"top1": self.top1, "top3": self.top3, "samples": self.samples}


def single_tool_samples(data_path: Path) -> list[tuple[str, str]]:
    """(instruction, gold tool id) for each sample whose plan uses exactly one tool."""
    out = []
    for number, sample in enumerate(read_examples(data_path), start=1):
        nodes = example_nodes(sample)
        if "task_nodes" not in sample or any("task" not in node for node in nodes):
            raise ConfigError(
                f"{data_path}: sample {number} ({sample.get('id', '?')}): not a TaskBench sample",
                hint="each line must be a JSON object with 'instruction' and 'task_nodes' (each with 'task')",
                code="invalid_taskbench_sample",
            )
        tools = {node["task"] for node in nodes}
        if sample.get("type", "single") == "single" and len(tools) == 1:
            out.append((str(request(sample)), str(next(iter(tools)))))
    return out


def _same_tool(a: str, b: str) -> bool:
    # TaskBench reads "_" in a tool name as a space.
    return a.replace("_", " ").strip().lower() == b.replace("_", " ").strip().lower()


def evaluate(tools_path: Path, data_path: Path, progress: Callable[[int, int], None] | None = None) -> QualityResult:
    from agentnet.directory.store import Directory

    cards = load_cards(tools_path)
    samples = single_tool_samples(data_path)
    if not samples:
        raise ConfigError(f"{data_path}: no single-tool samples to measure", code="no_samples")
    hits1 = hits3 = 0
    misses = []
    with tempfile.TemporaryDirectory(prefix="agentnet-bench-") as tmp, Directory(path=Path(tmp) / "dir") as directory:
        directory.register_many(cards)
        for index, (instruction, gold) in enumerate(samples):
            ranked = [c.card_id for c in directory.search(instruction, k=3)]
            # Card ids are tool ids with unsafe characters replaced; compare with the card's name too.
            names = [(directory.get(cid) or _missing(cid)).display_name for cid in ranked]
            found = [any(_same_tool(gold, x) for x in pair) for pair in zip(ranked, names, strict=True)]
            if found[:1] == [True]:
                hits1 += 1
            if any(found):
                hits3 += 1
            if found[:1] != [True]:
                misses.append({"instruction": instruction, "gold": gold, "ranked": names})
            if progress is not None:
                progress(index + 1, len(samples))
    n = len(samples)
    return QualityResult(samples=n, top1=hits1 / n, top3=hits3 / n, misses=misses)


def _missing(card_id: str) -> Any:
    raise ConfigError(f"card {card_id!r} vanished from the benchmark directory")
