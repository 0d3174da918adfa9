"""``agentnet plan --learn FILE``: teach plan memory a file of example plans, and say what it did not learn.

Plan memory (``planner/memory.py``) skips an example with no request or no tool, keeps tools it does
not know (a tool list given later with ``--tools`` may have them), and keeps at most ``max_tasks``
tasks, forgetting the oldest (the user's rated runs last). Each of these was silent: a file of
examples without ``task_nodes`` "learned 0 example plans" and exited 0, a misspelt tool ("text
statistics") taught nothing a plan could use, and a big file pushed the user's rated runs out unsaid.
This module reads the file's examples as the memory does and reports each case, naming lines and tools.
"""

from __future__ import annotations

import difflib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.wording import plural

# An example file this long takes a while to embed (MiniLM, each request and step text): say so first.
ANNOUNCE_FROM = 500


@dataclass
class Learned:
    """What ``plan --learn`` taught: tasks remembered after it, and the tools its examples name."""

    total: int
    tools: set[str] = field(default_factory=set)


def learn(path: Path) -> Learned:
    """Teach plan memory the examples in ``path``; refuse a file none of whose examples can be learned."""
    from agentnet.errors import ConfigError
    from agentnet.planner.examples import example_nodes, read_examples, request
    from agentnet.planner.memory import PlanMemory
    from agentnet.planner.memory_bounds import MAX_TASK_CHARS

    try:
        examples = read_examples(path)
        numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            hint="give a file of JSON lines, one example plan per line with 'instruction' (docs/planning.md)",
        ) from None
    tools = [[str(node["task"]) for node in example_nodes(example) if node.get("task")] for example in examples]
    pairs = zip(numbers, examples, tools, strict=True)
    unusable = [n for n, example, used in pairs if not used or not str(request(example)).strip()]
    if examples and len(unusable) == len(examples):
        raise ConfigError(
            f"{path}:{unusable[0]}: no example names a tool and a request: nothing was learned",
            hint='each line needs "instruction" and "task_nodes": [{"task": "TOOL"}, ...] (docs/planning.md)',
        )
    if unusable:
        sys.stderr.write(f"skipped {plural(len(unusable), 'line')} of {path} with no tool or no request "
                         f"({_lines(unusable)}): each needs 'instruction' and 'task_nodes'\n")  # fmt: skip
    skipped = set(unusable)
    sizes = [len(str(request(example))) for example in examples]
    _report_cut(path, [n for n, size in zip(numbers, sizes, strict=True) if size > MAX_TASK_CHARS and n not in skipped])
    if len(examples) >= ANNOUNCE_FROM:
        sys.stderr.write(f"embedding {len(examples)} example plans from {path} (about a minute a thousand)\n")
    memory = PlanMemory()
    try:
        before = memory.stats()
        started = time.perf_counter()
        count = memory.learn_examples(path)
        after = memory.stats()
    finally:
        memory.close()
    sys.stderr.write(f"learned {plural(count, 'example plan')} from {path} in {time.perf_counter() - started:.1f} s "
                     f"({after['tasks']} in memory)\n")  # fmt: skip
    _report_forgotten(before, after, count)
    return Learned(after["tasks"], {tool for used in tools for tool in used})


def _report_cut(path: Path, cut: list[int]) -> None:
    """Name the lines whose request plan memory keeps only the start of (``memory_bounds.MAX_TASK_CHARS``)."""
    from agentnet.planner.memory_bounds import MAX_TASK_CHARS

    if cut:
        sys.stderr.write(f"cut the request on {plural(len(cut), 'line')} of {path} to its first {MAX_TASK_CHARS} "
                         f"characters ({_lines(cut)}): the planner reads no more of a request\n")  # fmt: skip


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return ("line " if len(numbers) == 1 else "lines ") + shown + more


def _report_forgotten(before: dict[str, Any], after: dict[str, Any], count: int) -> None:
    """Plan memory keeps ``max_tasks``: say how many older tasks went (rated runs go last, and are counted)."""
    gone = before["tasks"] + count - after["tasks"]
    if gone <= 0:
        return
    rated = before["by_source"].get("rated", 0) - after["by_source"].get("rated", 0)
    lost = f", {plural(rated, 'rated run')} among them" if rated > 0 else ""
    oldest = "oldest" if gone == 1 else f"{gone} oldest"
    sys.stderr.write(f"plan memory keeps at most {plural(after['max_tasks'], 'task')}: forgot the {oldest}{lost} "
                     "(rated runs go last; `agentnet memory show` lists what is left)\n")  # fmt: skip


def report_unknown_tools(learned: Learned, cards: list[Any]) -> None:
    """Name the tools the examples use that this directory lacks (with the nearest card, for a typo):
    an example teaches a directory only when it has every tool the example names."""
    names = {card.id for card in cards} | {card.name for card in cards if card.name}
    unknown = sorted(learned.tools - names)
    if not unknown:
        return
    # A near miss of a card's name or id is offered as the id, the spelling that never drifts.
    by_folded = {card.name.casefold(): card.id for card in cards if card.name}
    by_folded.update({card.id.casefold(): card.id for card in cards})
    guesses = []
    for tool in unknown[:10]:
        near = difflib.get_close_matches(tool.casefold(), list(by_folded), n=1, cutoff=0.75)
        guesses.append(f"'{tool}'" + (f" (did you mean '{by_folded[near[0]]}'?)" if near else ""))
    more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
    sys.stderr.write(f"not in this directory: {', '.join(guesses)}{more}; an example teaches only a directory "
                     "with every tool it names (plan with --tools FILE for another tool set)\n")  # fmt: skip
