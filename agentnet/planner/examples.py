"""Example plans from a file: what ``agentnet plan --learn`` teaches plan memory.

One JSON object per line: the request (``instruction``, or ``user_request``), the tools that served it
in order (``task_nodes``: ``[{"task": tool, "arguments": [...]}]``), optionally one text per step
(``task_steps``) and the links between tools (``task_links``). Real files have quirks a reader must
accept: ``task_nodes`` sometimes stored as a dict of steps. Every problem is a ``ConfigError`` naming
the file and line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agentnet.errors import ConfigError


def read_examples(path: Path) -> list[dict[str, Any]]:
    """The lines of an example file as objects; each must carry an ``instruction`` (or ``user_request``)."""
    hint = "check the path of the example file"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file", code="file_not_found", hint=hint) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", hint=hint) from None
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not a JSON line ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(request(item), str):
            raise ConfigError(f"{path}:{number}: an example line needs an 'instruction'")
        examples.append(item)
    return examples


def request(example: dict[str, Any]) -> Any:
    """What the user asked for (``instruction``, or ``user_request`` in some files)."""
    return example.get("instruction", example.get("user_request"))


def example_nodes(example: dict[str, Any]) -> list[dict[str, Any]]:
    """An example's ``task_nodes`` as a list of node objects (a dict of steps reads as its values)."""
    raw = example.get("task_nodes") or []
    if isinstance(raw, dict):
        raw = list(raw.values())
    return [n for n in raw if isinstance(n, dict)] if isinstance(raw, list) else []


_REFERENCE = re.compile(r"<node-(\d+)>")


def example_links(example: dict[str, Any]) -> list[tuple[str, str]] | None:
    """Which tool fed which in an example, as (source, target) tool names. The arguments say it where
    they read another node (``<node-k>``: that is how a plan's steps read each other); otherwise the
    ``task_links`` (``target`` or ``destination``). None when the example says neither."""
    nodes = example_nodes(example)
    names = [str(node.get("task", "")) for node in nodes]
    read: list[tuple[str, str]] = []
    for index, node in enumerate(nodes):
        arguments = node.get("arguments") or []
        for argument in arguments if isinstance(arguments, list) else [arguments]:
            value = argument.get("value", "") if isinstance(argument, dict) else argument
            found = _REFERENCE.search(str(value))
            if found and int(found.group(1)) < len(nodes) and int(found.group(1)) != index:
                read.append((names[int(found.group(1))], names[index]))
    if read:
        return list(dict.fromkeys(read))
    raw = example.get("task_links")
    if not isinstance(raw, list):
        return None
    links = []
    for link in raw:
        if isinstance(link, dict):
            target = link.get("target", link.get("destination"))
            if link.get("source") is not None and target is not None:
                links.append((str(link["source"]), str(target)))
    return list(dict.fromkeys(links))
