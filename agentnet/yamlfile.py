"""Safe YAML loading that remembers where every value came from.

Config files and recipes are validated by pydantic; this module maps a validation error's
location (``("models", 2, "path")``) back to ``file:line:column`` so every message points at the
exact place to fix. Loading is ``yaml.safe_load``-equivalent (SafeLoader: no Python tags) with a
size limit and an alias limit, so an alias bomb is refused before it can expand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from agentnet.errors import ConfigError

MAX_YAML_BYTES = 1_000_000
MAX_ALIASES = 100

Location = tuple[int, int]  # 1-based line, column


@dataclass
class PositionedYaml:
    """Parsed YAML data plus the position of every mapping key and sequence item."""

    source: str
    data: Any
    positions: dict[tuple[str | int, ...], Location] = field(default_factory=dict)

    def locate(self, loc: Sequence[str | int]) -> Location | None:
        """The closest known position for a pydantic error location."""
        path = tuple(loc)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), None)

    def where(self, loc: Sequence[str | int]) -> str:
        position = self.locate(loc)
        if position is None:
            return self.source
        return f"{self.source}:{position[0]}:{position[1]}"


def _collect(node: yaml.Node, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], Location]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = (*path, key)
            out[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _collect(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _collect(item, child, out)


def _count_aliases(text: str, source: str) -> None:
    aliases = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    mark = event.start_mark
                    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
                    raise ConfigError(
                        f"{where}: more than {MAX_ALIASES} YAML aliases",
                        hint="YAML anchors/aliases are limited to keep files from expanding without bound; "
                        "write the values out.",
                        code="yaml_too_many_aliases",
                    )
    except yaml.YAMLError:
        return  # the real parse below reports syntax errors with their position


def parse_yaml(text: str, source: str = "<string>", *, max_bytes: int = MAX_YAML_BYTES) -> PositionedYaml:
    """Parse YAML text safely; raise ``ConfigError`` naming ``source:line:column`` on any problem."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise ConfigError(
            f"{source}: file is {size:,} bytes, over the {max_bytes:,}-byte limit",
            hint="split it into smaller files",
            code="yaml_too_large",
        )
    _count_aliases(text, source)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise ConfigError(
            f"{where}: invalid YAML: {exc.problem or exc}",
            hint="fix the YAML syntax at that position (python/object tags are never accepted)",
            code="yaml_syntax",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: invalid YAML: {exc}", code="yaml_syntax") from None
    positions: dict[tuple[str | int, ...], Location] = {}
    if node is not None:
        positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        _collect(node, (), positions)
    return PositionedYaml(source=source, data=data, positions=positions)


def load_yaml_file(path: Path, *, max_bytes: int = MAX_YAML_BYTES) -> PositionedYaml:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file", code="file_not_found") from None
    if size > max_bytes:
        raise ConfigError(
            f"{path}: file is {size:,} bytes, over the {max_bytes:,}-byte limit",
            hint="split it into smaller files",
            code="yaml_too_large",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_yaml(text, str(path), max_bytes=max_bytes)


def validation_problems(doc: PositionedYaml, error: ValidationError, prefix: Sequence[str | int] = ()) -> list[str]:
    """One ``file:line:col: field: message`` line per pydantic error."""
    lines = []
    for item in error.errors():
        loc = (*prefix, *item["loc"])
        dotted = ".".join(str(part) for part in loc) or "(top level)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (not allowed here; check the spelling)"
        lines.append(f"{doc.where(loc)}: {dotted}: {message}")
    return lines


def raise_validation(doc: PositionedYaml, error: ValidationError, what: str, prefix: Sequence[str | int] = ()) -> None:
    problems = validation_problems(doc, error, prefix)
    raise ConfigError(
        f"invalid {what}:\n  " + "\n  ".join(problems),
        hint=f"fix the listed fields in {doc.source}",
        code="invalid_" + what.replace(" ", "_"),
    )
