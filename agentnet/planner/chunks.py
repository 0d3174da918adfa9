"""Inputs longer than a model's context window: split into parts, each done on its own, then combined.

The plan names parts, not text: a step reads ``{"input": NAME, "start": OFFSET, "part": i, "parts": n}``
and ``part_text`` cuts the same text the same way whenever it runs, so plans stay small and a resumed
run reads exactly what the first attempt read. Parts end at a paragraph, sentence or word boundary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from agentnet.planner.plan import Step, StepInput

# A cautious characters-per-token figure (English runs ~4; code and other scripts fewer).
CHARS_PER_TOKEN = 3.0
# Tokens each part's answer may use, and what the instruction, template and system prompt take.
PART_REPLY_TOKENS = 256
PROMPT_OVERHEAD_TOKENS = 200
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))


def estimate_tokens(chars: int) -> int:
    return math.ceil(chars / CHARS_PER_TOKEN)


def parts_needed(chars: int, context_tokens: int, reply_tokens: int) -> int:
    """How many parts ``chars`` characters need for each part's prompt to fit ``context_tokens``."""
    room = context_tokens - reply_tokens - PROMPT_OVERHEAD_TOKENS
    if room <= 0:
        return 0
    return max(1, math.ceil(estimate_tokens(chars) / room))


def split_parts(text: str, parts: int) -> list[str]:
    """``text`` in ``parts`` consecutive pieces of similar length, cut at the best boundary near each mark."""
    if parts <= 1:
        return [text]
    pieces: list[str] = []
    start = 0
    for index in range(1, parts):
        mark = round(len(text) * index / parts)
        end = _boundary(text, start, mark, max(1, len(text) // parts // 4))
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _boundary(text: str, start: int, mark: int, slack: int) -> int:
    """The nearest paragraph break before ``mark`` (within ``slack``), else sentence, else word, else ``mark``."""
    low = max(start + 1, mark - slack)
    for pattern in _BREAKS:
        found = [m.end() for m in pattern.finditer(text, low, mark)]
        if found:
            return found[-1]
    return mark


def part_ref(input_name: str | None, start: int, part: int, parts: int) -> dict[str, Any]:
    return {"input": input_name, "start": start, "part": part, "parts": parts}


def is_part_ref(value: Any) -> bool:
    return isinstance(value, dict) and {"part", "parts", "start"} <= set(value)


def part_text(ref: Mapping[str, Any], task: str, inputs: Mapping[str, Any]) -> str:
    """The text a part reference stands for (``input`` None: the task itself)."""
    name = ref.get("input")
    base = task if name is None else str(inputs.get(name, ""))
    return split_parts(base[int(ref["start"]) :], int(ref["parts"]))[int(ref["part"]) - 1]


def split_step(step: Step, material: dict[str, Any], chars: int, context: int, reply_tokens: int) -> list[Step] | None:
    """``step`` over material too long for its model, as parts done separately and combined in a tree
    whose every prompt fits ``context``; None when even one part cannot fit."""
    parts = parts_needed(chars, context, PART_REPLY_TOKENS)
    fan_in = (context - reply_tokens - PROMPT_OVERHEAD_TOKENS) // PART_REPLY_TOKENS
    if parts == 0 or fan_in < 2:
        return None
    request = step.instruction
    kept = [item for item in step.inputs if not (item.kind == "user" and item.value == material.get("input"))]
    level = [
        step.model_copy(
            update={
                "id": f"p{i}",
                "inputs": [*kept, StepInput(kind="user", value={**material, "part": i, "parts": parts}, type="text")],
                "max_tokens": PART_REPLY_TOKENS,
                "why": f"{step.why}; part {i} of {parts} of the input",
            }
        )
        for i in range(1, parts + 1)
    ]
    steps = list(level)
    combined = 0
    while len(level) > 1:
        groups = [level[i : i + fan_in] for i in range(0, len(level), fan_in)]
        final = len(groups) == 1
        next_level = []
        for group in groups:
            combined += 1
            next_level.append(
                step.model_copy(
                    update={
                        "id": f"c{combined}",
                        "instruction": f"{request}\n\n{COMBINE_NOTE}",
                        "inputs": [StepInput(kind="step", step=s.id, type="text") for s in group],
                        "max_tokens": None if final else PART_REPLY_TOKENS,
                        "why": f"{step.why}; combines {', '.join(s.id for s in group)}",
                    }
                )
            )
        steps.extend(next_level)
        level = next_level
    return steps


COMBINE_NOTE = (
    "The data blocks are answers for consecutive parts of one long input, in order: combine them into one answer."
)
