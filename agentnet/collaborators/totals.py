"""The sum, average, highest or lowest of the numbers a calculator step was handed, when its request
names none of them: "Read the numbers in invoice.png and add them up" (the OCR text handed on).

Before, the calculator found no arithmetic in "add them up", or refused the planner's "...; add them
up" as program code for its ";", and the run failed with the numbers in hand. A request that writes a
number or names a label of the data ("add a 15% tip to the total") is arithmetic, read as before."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal

from agentnet.collaborators.mathtext import aggregate, labelled_lines
from agentnet.nodes.outputs import ToolOutput

# Lines that add up the others: summed with them, a receipt's items would count twice.
_TOTALS = frozenset(["total", "subtotal"])
_LISTED = 8  # items written out in a sum's answer; more are counted


def answer(request: str, data: str, show: Callable[[Decimal], str]) -> ToolOutput | None:
    """The aggregate ``request`` asks of ``data``'s labelled numbers, or None when it is arithmetic."""
    labelled = labelled_lines(_text_of(data))
    lines = [(label, value) for label, value in labelled if label.split()[-1] not in _TOTALS]
    kind = aggregate(request)
    if re.search(r"\d", request) or len(lines) < 2 or kind not in _KINDS or _names(request, labelled):
        return None
    result, said = _KINDS[kind](lines)
    text = f"{show(result)} ({said})"
    return ToolOutput(text, {"result": float(result), "of": [label for label, _ in lines], "text": text})


def _sum(lines: list[tuple[str, Decimal]]) -> tuple[Decimal, str]:
    listed = " + ".join(f"{label} {value}" for label, value in lines)
    return sum((value for _, value in lines), Decimal(0)), listed if len(lines) <= _LISTED else f"{len(lines)} values"


def _mean(lines: list[tuple[str, Decimal]]) -> tuple[Decimal, str]:
    return sum((value for _, value in lines), Decimal(0)) / len(lines), f"average of {len(lines)} values"


def _max(lines: list[tuple[str, Decimal]]) -> tuple[Decimal, str]:
    label, value = max(lines, key=lambda line: line[1])
    return value, label


def _min(lines: list[tuple[str, Decimal]]) -> tuple[Decimal, str]:
    label, value = min(lines, key=lambda line: line[1])
    return value, label


_KINDS: dict[str, Callable[[list[tuple[str, Decimal]]], tuple[Decimal, str]]] = {
    "sum": _sum, "mean": _mean, "max": _max, "min": _min
}  # fmt: skip


def _text_of(data: str) -> str:
    """The text of handed data: a tool's JSON output ({"text": ...}, as OCR gives) or the text itself."""
    if data.lstrip().startswith("{"):
        try:
            parsed = json.loads(data)
        except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
            return data
        if isinstance(parsed, dict) and isinstance(parsed.get("text"), str):
            return str(parsed["text"])
    return data


def _names(request: str, lines: list[tuple[str, Decimal]]) -> bool:
    lowered = request.lower()
    return any(re.search(rf"\b{re.escape(label.split()[-1])}\b", lowered) for label, _ in lines)
