"""Bounds a YAML text is checked against before anything is built from it (yamlfile.py parses).

Aliases are what make a small file huge, nesting what makes a parser recurse, a number of thousands
of digits what Python refuses to read, and a key named twice what YAML resolves silently: each is
refused with its ``file:line:column``, in milliseconds, on the event stream or the composed nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from agentnet.errors import ConfigError

MAX_ALIASES = 100
# Values the aliases of one file may repeat in all, and how deep a file may nest (aliased values included).
MAX_ALIAS_VALUES = 100_000
MAX_DEPTH = 64
# The most digits Python reads as an int (sys.get_int_max_str_digits' default).
MAX_DIGITS = 4300
_DIGITS = re.compile(r"[-+]?[0-9_]+")


def _refuse(source: str, mark: Any, message: str, hint: str, code: str) -> ConfigError:
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
    return ConfigError(f"{where}: {message}", hint=hint, code=code)


@dataclass
class _Open:
    """A mapping or sequence still being read: its anchor, size and height so far."""

    anchor: str | None
    size: int = 1
    height: int = 1


class _Budget:
    """Bounds a YAML event stream before anything is built from it.

    Aliases are what make a small file huge (each one re-reads a whole subtree), so the values
    they would re-read are added up from the anchors' sizes, without expanding anything; nesting
    depth counts aliased subtrees too. One pass over the events, no recursion.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.aliases = 0
        self.expanded = 0
        self.stack: list[_Open] = []
        self.sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, height) of a finished node

    def event(self, event: yaml.Event) -> None:
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.stack.append(_Open(event.anchor))
            self.check_depth(len(self.stack), event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = self.stack.pop()
            self._finish(done.anchor, done.size, done.height)
        elif isinstance(event, yaml.ScalarEvent):
            self.check_number(event)
            self._finish(event.anchor, 1, 0)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)

    def _finish(self, anchor: str | None, size: int, height: int) -> None:
        if anchor is not None:
            self.sizes[anchor] = (size, height)
        if self.stack:
            parent = self.stack[-1]
            parent.size += size
            parent.height = max(parent.height, height + 1)

    def _alias(self, event: yaml.AliasEvent) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise _refuse(
                self.source, event.start_mark, f"more than {MAX_ALIASES} YAML aliases",
                "YAML anchors/aliases are limited to keep files from expanding without bound; write the values out.",
                "yaml_too_many_aliases",
            )  # fmt: skip
        found = self.sizes.get(str(event.anchor))
        if found is None:
            if any(item.anchor == event.anchor for item in self.stack):
                raise _refuse(
                    self.source, event.start_mark, f"alias *{event.anchor} refers to a value that contains it",
                    "a recursive YAML structure has no end; write the value out.", "yaml_recursive_alias",
                )  # fmt: skip
            return  # an undefined alias: the real parse below reports it with its position
        size, height = found
        self.expanded += size
        if self.expanded > MAX_ALIAS_VALUES:
            raise _refuse(
                self.source, event.start_mark,
                f"YAML aliases expand to more than {MAX_ALIAS_VALUES:,} values",
                "an alias repeats its whole anchored value; write the values out or use fewer aliases.",
                "yaml_alias_expansion",
            )  # fmt: skip
        self.check_depth(len(self.stack) + height, event.start_mark)
        self._finish(None, size, height)

    def check_number(self, event: yaml.ScalarEvent) -> None:
        # Python refuses to read an int of more digits (a ValueError: it reached the user as a traceback).
        if event.implicit[0] and len(event.value) > MAX_DIGITS and _DIGITS.fullmatch(event.value):
            raise _refuse(
                self.source, event.start_mark, f"a number of {len(event.value):,} digits",
                "no setting takes a number this long: write a smaller one (or quote it to make it text).",
                "yaml_number_too_long",
            )  # fmt: skip

    def check_depth(self, depth: int, mark: Any) -> None:
        if depth > MAX_DEPTH:
            raise _refuse(
                self.source, mark, f"YAML nested more than {MAX_DEPTH} levels deep",
                "flatten the structure; no agentnet file needs this much nesting.", "yaml_too_deep",
            )  # fmt: skip


def check_bounds(text: str, source: str) -> None:
    budget = _Budget(source)
    # libyaml when present: the pure-Python scanner alone takes seconds on a line of a thousand '['.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            budget.event(event)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own cap (1000) hit while scanning ahead
            budget.check_depth(MAX_DEPTH + 1, exc.problem_mark)
        return  # the real parse below reports syntax errors with their position
    except yaml.YAMLError:
        return


def _named(key: str) -> str:
    # A name is shown; anything else (a line of a file that is not ours) only by its position.
    return f"key {key!r}" if re.fullmatch(r"[\w.@+-]{1,64}", key) else "a key"


def check_keys(root: yaml.Node | None, source: str) -> None:
    """No mapping names a key twice: YAML keeps the last silently, so `default_model:` written twice
    (an edit appended below an old value) chose a model with no word said."""
    seen_nodes: set[int] = set()
    todo = [root] if root is not None else []
    while todo:
        node = todo.pop()
        if id(node) in seen_nodes or isinstance(node, yaml.ScalarNode):
            continue  # an aliased node is checked once
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
            continue
        first: dict[str, Any] = {}
        for key, value in node.value:
            todo.append(value)
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults` merges: later keys override it on purpose
            if key.value in first:
                line = first[key.value].line + 1
                raise _refuse(
                    source, key.start_mark, f"{_named(key.value)} appears twice in one mapping (first at line {line})",
                    "keep one of them: YAML would silently use the last.", "yaml_duplicate_key",
                )  # fmt: skip
            first[key.value] = key.start_mark
