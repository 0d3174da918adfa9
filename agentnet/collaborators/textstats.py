"""Text statistics: how many words, lines, characters, sentences and paragraphs a text has."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from agentnet.collaborators.carried import Handed, text_to_read
from agentnet.errors import UserError
from agentnet.nodes.outputs import ToolOutput

Measure = Literal["words", "word", "lines", "line", "characters", "character", "letters", "sentences", "sentence",
                  "paragraphs", "paragraph"]  # fmt: skip
# A word: letters and digits, joined by an apostrophe, a dot or a hyphen ("don't", "e.g", "well-known"), or
# by a colon between digits: a time or a ratio ("10:30", "3:1") is one word, as `wc -w` counts it, not two.
_WORD = re.compile(r"[^\W_]+(?:(?:['\u2019.-]|(?<=\d):(?=\d))[^\W_]+)*")


class NoTextError(UserError):
    code = "no_text"


def _given(text: str, request: str, handed: bool) -> str:
    """The text to measure. When no text was handed over, the tool's input is the request itself:
    then the quoted text in it, else what follows its first colon ("count the words of this: ...");
    a request with neither is refused, as counting the request's own words answered a question
    nobody asked ("5 words" for "count the words in empty.txt" once the file read as nothing)."""
    given = text_to_read(text, request, handed)
    if given is not None:
        return given
    raise NoTextError(
        f"no text to measure in {request[:120]!r}",
        hint="pipe the text in, pass a file with --input PATH, name an existing file, or quote the text",
    )


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
    request: Annotated[
        str, Field(description="The request (its quoted text is measured when no text is given)",
                   json_schema_extra={"x-agentnet": "request"})
    ] = "",
    handed: Handed = False,
) -> ToolOutput:  # fmt: skip
    """Count the words, lines, characters, sentences and paragraphs of a text."""
    found = counts(_given(text, request, handed))
    if measure is not None:
        key = measure if measure in found else f"{measure}s"
        shown = _count(found, key)
        return ToolOutput(shown, {**found, "measure": key, "text": shown})
    shown = ", ".join(_count(found, k) for k in ("words", "lines", "characters", "sentences"))
    return ToolOutput(shown, {**found, "text": shown})


def _total(outputs: list[ToolOutput]) -> ToolOutput:
    """The counts of several texts added up, shown as each text's are (the same measure, or all)."""
    keys = ("words", "lines", "characters", "letters", "sentences", "paragraphs")
    found = {key: sum(int(output.data.get(key, 0)) for output in outputs) for key in keys}
    measure = outputs[0].data.get("measure") if outputs else None
    if isinstance(measure, str) and measure in found:
        shown = _count(found, measure)
        return ToolOutput(shown, {**found, "measure": measure, "text": shown})
    shown = ", ".join(_count(found, k) for k in ("words", "lines", "characters", "sentences"))
    return ToolOutput(shown, {**found, "text": shown})


# Several text files handed over are measured one by one, then added up (nodes/each_file.py).
text_stats.each_file = _total  # type: ignore[attr-defined]
