"""TaskBench planning quality on a fixed, disjoint train/test split, zero-shot and with plan memory.

Samples are split by a hash of their id (crc32 % 2: odd -> train, even -> test), so the split is
stable and independent of the file's order. Both runs are scored on the test half only: zero-shot
(the tools as the directory, nothing remembered), then with the train half in plan memory. The
baseline, measured in the same run: the nearest tool (the in-memory directory's first hit) for the
whole request. ``tune=True`` never looks at the test half: zero-shot is scored on the train half,
and plan memory learns from one quarter (crc32 % 4 == 1) and is scored on another (== 3).
"""

from __future__ import annotations

import json
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentnet.evals import taskbench as tb


@dataclass
class SplitRun:
    """One measured run: its label, the samples plan memory learns from (None: none), those scored."""

    label: str
    memory: list[dict[str, Any]] | None
    scored: list[dict[str, Any]]


def bucket(sample: dict[str, Any], parts: int) -> int:
    return zlib.crc32(str(sample.get("id")).encode()) % parts


def split_runs(samples: list[dict[str, Any]], *, tune: bool = False, curve: tuple[int, ...] = ()) -> list[SplitRun]:
    """The runs to measure; ``curve`` (percentages of the train half, e.g. 0, 25, 50, 100) gives a
    learning curve: plan memory learns from that share of the train half (a fixed prefix of it, so
    each point's examples include the previous point's) and is scored on the test half."""
    train = [s for s in samples if bucket(s, 2) == 1]
    test = [s for s in samples if bucket(s, 2) == 0]
    if curve:
        ordered = sorted(train, key=lambda s: zlib.crc32(f"curve:{s.get('id')}".encode()))
        return [
            SplitRun(f"{share}% train", ordered[: round(len(ordered) * share / 100)] or None, test) for share in curve
        ]
    if tune:
        inner_memory = [s for s in train if bucket(s, 4) == 1]
        inner_scored = [s for s in train if bucket(s, 4) == 3]
        return [SplitRun("tune zero", None, train), SplitRun("tune mem", inner_memory, inner_scored)]
    return [SplitRun("zero-shot", None, test), SplitRun("--train", train, test)]


def nearest_tool_baseline(tools: Path, scored: list[dict[str, Any]]) -> tb.Score:
    """The score of planning each request as its single nearest tool."""
    from agentnet.directory.inmemory import InMemorySource

    cards = tb.load_tools(tools)
    source = InMemorySource(cards)
    names = {card.id: card.name or card.id for card in cards}
    nearest = [
        {"task_nodes": [{"task": names[c.card_id], "arguments": []} for c in source.search(s["instruction"], k=1)]}
        for s in scored
    ]
    return tb.score_all(scored, nearest, set(names.values()), tb.tool_mode(cards))["all"]


def measure(
    tools: Path,
    data: Path,
    *,
    mode: str = "auto",
    tune: bool = False,
    curve: tuple[int, ...] = (),
    overrides: dict[str, Any] | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, dict[str, Any]]:
    """Run the split, print one line per run through ``say``; returns each run's summary by label."""
    role = tb.tuning(mode, overrides).model_mode  # a bad mode or setting fails before anything is measured
    samples = tb.read_examples(data)
    runs = split_runs(samples, tune=tune, curve=curve)
    train_size = sum(1 for s in samples if bucket(s, 2) == 1)
    say(f"split: {train_size} train / {len(samples) - train_size} test samples (by crc32(id) % 2); model role {role}")
    if tune:
        say(f"tuning on the train half: zero-shot on {len(runs[0].scored)}, "
            f"memory {len(runs[1].memory or [])} -> {len(runs[1].scored)}")  # fmt: skip
    baseline = nearest_tool_baseline(tools, runs[0].scored)
    say(f"baseline (nearest tool): n-F1 {baseline.nodes.f1:.2f}  e-F1 {baseline.edges.f1:.2f}")
    summaries: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for number, run in enumerate(runs):
            data_path = _write(Path(folder) / f"scored{number}.jsonl", run.scored)
            train_path = None if run.memory is None else _write(Path(folder) / f"memory{number}.jsonl", run.memory)
            summary = tb.run_files(tools, data_path, train=train_path, mode=mode, overrides=overrides).summary()
            summaries[run.label] = summary
            parts = "  ".join(f"{k} {summary[k]['n_f1']:.2f}/{summary[k]['e_f1']:.2f}" for k in tb.TYPES)
            if "p_f1" in summary:
                parts += f"  args p-F1 {summary['p_f1']:.2f} v-F1 {summary['v_f1']:.2f}"
            ratio = summary["n_f1"] / baseline.nodes.f1 if baseline.nodes.f1 else float("nan")
            say(
                f"{run.label:<10} n-F1 {summary['n_f1']:.2f}  e-F1 {summary['e_f1']:.2f}  ({parts})  "
                f"{summary['s_per_sample']:.3f} s/sample  n-F1 x{ratio:.2f} baseline  sources {summary['plan_sources']}"
            )
    return summaries


def _write(path: Path, samples: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(s) + "\n" for s in samples))
    return path
