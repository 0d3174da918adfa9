"""Text statistics: how many words, lines, characters, sentences and paragraphs a text has."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from agentnet.nodes.outputs import ToolOutput

Measure = Literal["words", "word", "lines", "line", "characters", "character", "letters", "sentences", "sentence",
                  "paragraphs", "paragraph"]  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")


def counts(text: str) -> dict[str, int]:
    stripped = text.strip()
    return {
        "words": len(_WORD.findall(text)),
        "lines": len([line for line in text.splitlines() if line.strip()]),
        "characters": len(text),
        "letters": sum(1 for c in text if c.isalpha()),
        "sentences": len(re.findall(r"[.!?]+(?=\s|$)", stripped)) or int(bool(stripped)),
        "paragraphs": len([p for p in re.split(r"\n\s*\n", stripped) if p.strip()]),
    }


def _count(found: dict[str, int], key: str) -> str:
    return f"{found[key]} {key if found[key] != 1 else key[:-1]}"


def text_stats(
    text: Annotated[str, Field(description="The text to measure", json_schema_extra={"x-agentnet": "input"})],
    measure: Annotated[Measure | None, Field(description="What to count; all measures when not given")] = None,
) -> ToolOutput:
    """Count the words, lines, characters, sentences and paragraphs of a text."""
    found = counts(text)
    if measure is not None:
        key = measure if measure in found else f"{measure}s"
        shown = _count(found, key)
        return ToolOutput(shown, {**found, "measure": key, "text": shown})
    shown = ", ".join(_count(found, k) for k in ("words", "lines", "characters", "sentences"))
    return ToolOutput(shown, {**found, "text": shown})
