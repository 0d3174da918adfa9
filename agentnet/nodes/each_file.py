"""A tool that takes one file's name, handed several files: it runs once for each.

"how many words are in a.txt and b.txt" hands a step two files; a tool whose input is one file's
name (``path: str``) used to get the first name only, and the answer silently left out b.txt. A
parameter that takes a list of names gets them all (``ToolRequest.input_value``); for one that takes
a single name, the step's request is split into one request per file (``per_file``), each call made
with that file alone, and the answers are joined under each file's name (``joined``): the calculator
answers several questions of one request the same way. One file that fails fails the call, naming it.

A tool that takes the text itself gets the files' texts joined, which suits most (a similarity of two
files, a search over them); one that measures each text declares how its answers add up, as the
attribute ``each_file`` of its function (``text_stats.each_file``: the counts summed). Such a tool,
handed several text files, runs once per file's text, and the answer ends with the combined one
("a.txt: 3 words, b.txt: 2 words, total: 5 words"); "count the words in a.txt and b.txt" answered only
the total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from agentnet.nodes.arguments import ROLE_KEY, ToolRequest, ToolSchema
from agentnet.nodes.forms import takes_path
from agentnet.nodes.outputs import ToolOutput


def _takes_one_file(schema: dict[str, Any], request: ToolRequest) -> bool:
    """The schema has a property that takes the step's input as one file's name, and the plan gave it
    no value of its own (a name the plan wrote is the one file meant)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return False
    return any(
        isinstance(prop, dict) and prop.get(ROLE_KEY) == "input" and takes_path(name, prop)
        and request.literals.get(name) in (None, "", request.instruction, request.task)
        for name, prop in properties.items()
    )  # fmt: skip


def _artifact_path(item: tuple[str, str, Any]) -> str | None:
    data = item[2]
    return data["path"] if isinstance(data, dict) and isinstance(data.get("path"), str) else None


def _label(item: tuple[str, str, Any] | None, path: str) -> str:
    """A file as the answer names it: an artifact's own name, else its name as the user wrote it."""
    data = item[2] if item is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if name else path if item is None else Path(path).name


def per_file(tool: ToolSchema, request: ToolRequest, *, texts: bool = False) -> list[tuple[str, ToolRequest]]:
    """(file, request) for each file handed over when ``tool`` takes one file's name (or, with
    ``texts``, one text) and the step was handed several; else ``[("", request)]``. Each request
    keeps the step's other inputs."""
    artifacts = [(item, path) for item in request.upstream if (path := _artifact_path(item)) is not None]
    if len(artifacts) + len(request.files) < 2:
        return [("", request)]
    if texts and not artifacts and not _takes_one_file(tool.schema, request):
        return _per_text(request)
    if not _takes_one_file(tool.schema, request):
        return [("", request)]
    split: list[tuple[str, ToolRequest]] = []
    for item, path in artifacts:
        others = [u for u in request.upstream if u is item or _artifact_path(u) is None]
        split.append((_label(item, path), replace(request, upstream=others, files=[])))
    others = [u for u in request.upstream if _artifact_path(u) is None]
    split.extend((_label(None, name), replace(request, upstream=others, files=[name])) for name in request.files)
    return split


def _per_text(request: ToolRequest) -> list[tuple[str, ToolRequest]]:
    """One request per text file handed over, each with that file's text alone. A text file reaches
    a tool as a ("user", text, None) input and its name in ``files``, in the same order
    (executor/prompts.tool_request); when other inputs of that shape make the pairing unsure, the
    step is not split."""
    texts = [item for item in request.upstream if item[0] == "user" and item[2] is None]
    if len(texts) != len(request.files):
        return [("", request)]
    others = [item for item in request.upstream if not (item[0] == "user" and item[2] is None)]
    return [
        (_label(None, name), replace(request, upstream=[*others, item], files=[name]))
        for item, name in zip(texts, request.files, strict=True)
    ]


def joined(
    outputs: list[tuple[str, ToolOutput]], combine: Callable[[list[ToolOutput]], ToolOutput] | None = None
) -> ToolOutput:
    """The answers for several files as one: each under its file's name, in the order handed over,
    then (with ``combine``) the answers combined, under "total"."""
    if len(outputs) == 1 and not outputs[0][0]:
        return outputs[0][1]
    if combine is not None:
        outputs = [*outputs, ("total", combine([output for _, output in outputs]))]
    text = "\n\n".join(f"{label}:\n{output.text.strip()}" for label, output in outputs)
    results = [{"file": label, "text": output.text, "data": output.data} for label, output in outputs]
    files = [file for _, output in outputs for file in output.files]
    return ToolOutput(text, {"results": results, "text": text}, files)
