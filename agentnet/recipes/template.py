"""Strict prompt templates: ``{{ inputs.text }}``, ``{{ steps.draft.output }}`` and nothing else.

A template is text with ``{{ path }}`` placeholders. Rendering substitutes values in one pass: a
value is inserted as plain data and never scanned again, so a model output that contains
``{{ inputs.secret }}`` or "ignore your instructions" stays inert text. There are no
expressions, filters, loops or attribute calls: anything but a dotted path is a syntax error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$")

# Roots a template may name, and where each is allowed (checked by the validator).
ROOTS = ("inputs", "steps", "loop", "proposals")
LOOP_FIELDS = ("draft", "critique", "iteration")
STEP_FIELDS = ("output", "data", "model")


@dataclass(frozen=True)
class Reference:
    """One placeholder: its dotted path split into parts."""

    path: tuple[str, ...]
    text: str

    @property
    def root(self) -> str:
        return self.path[0]


class TemplateSyntaxError(ValueError):
    """A placeholder that is not a plain dotted path, or an unbalanced ``{{``."""


def scan(template: str) -> tuple[list[Reference], list[str]]:
    """Every well-formed placeholder in ``template`` and a message for each malformed one."""
    refs = []
    errors = []
    for match in _PLACEHOLDER.finditer(template):
        inner = match.group(1).strip()
        if not _PATH.match(inner):
            errors.append(
                f"'{{{{{match.group(1)}}}}}' is not a variable: templates only substitute dotted names such as "
                "{{ inputs.text }} or {{ steps.draft.output }} (no expressions)"
            )
            continue
        refs.append(Reference(path=tuple(inner.split(".")), text=inner))
    rest = _PLACEHOLDER.sub("", template)
    if "{{" in rest or "}}" in rest:
        errors.append("unbalanced '{{' or '}}' (write each variable as {{ name }})")
    if "{%" in rest:
        errors.append("'{%' blocks are not supported: templates only substitute {{ variables }}")
    return refs, errors


def parse(template: str) -> list[Reference]:
    """Every placeholder in ``template``; raise ``TemplateSyntaxError`` if any is malformed."""
    refs, errors = scan(template)
    if errors:
        raise TemplateSyntaxError("; ".join(errors))
    return refs


def to_text(value: Any) -> str:
    """How a value appears in a prompt: strings verbatim, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def render(template: str, lookup: Callable[[Reference], Any]) -> str:
    """Substitute every placeholder with ``lookup(reference)``, in one non-recursive pass."""
    parse(template)  # refuse malformed templates even if validation was skipped

    def substitute(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        return to_text(lookup(Reference(path=tuple(inner.split(".")), text=inner)))

    return _PLACEHOLDER.sub(substitute, template)
