"""A value the plan gave a tool's parameter, as the parameter's input schema types it.

Planners write values as text: the deterministic planner copies spans of the request ("3",
"true", "celsius"), and a plan written by hand or by a model may do the same. A tool takes JSON
typed by its schema, so the text "3" for an ``integer`` is the number 3, "yes" for a ``boolean`` is
true, and "celsius" for ``enum: [Celsius, Fahrenheit]`` is the member "Celsius". A value that
cannot be read as the type is refused (``NotCoercible``), never silently replaced by a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

_INTEGER = re.compile(r"[-+]?\d+(?:\.0*)?")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class NotCoercible(ValueError):
    """The value cannot be read as the schema's type; ``expected`` says what that type is."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def _number_like(value: Any) -> bool:
    # bool is an int in Python, never a number in JSON.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer(value: Any) -> Any:
    if _number_like(value) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip().split(".")[0])
    raise NotCoercible("an integer")


def _number(value: Any) -> Any:
    if _number_like(value):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if _NUMBER.fullmatch(text):
        return int(text) if _INTEGER.fullmatch(text) and "." not in text else float(text)
    raise NotCoercible("a number")


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else ""
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise NotCoercible("a boolean (true or false)")


def _string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if _number_like(value):
        return str(value)
    raise NotCoercible("a string")


def _json(kind: type, name: str) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
                parsed = None
            if isinstance(parsed, kind):
                return parsed
        raise NotCoercible(name)

    return read


def _null(value: Any) -> Any:
    if value is None:
        return None
    raise NotCoercible("null")


_READERS: dict[str, Callable[[Any], Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "string": _string,
    "object": _json(dict, "a JSON object"),
    "array": _json(list, "a JSON array"),
    "null": _null,
}


def _member(members: list[Any], value: Any) -> Any:
    """The enum member ``value`` names: itself, or the member written the same way up to case."""
    if value in members and not isinstance(value, bool):
        return value
    said = str(value).strip().lower()
    for member in members:
        if str(member).lower() == said:
            return member
    raise NotCoercible("one of " + ", ".join(json.dumps(m, ensure_ascii=False) for m in members))


def coerce(prop: dict[str, Any], value: Any) -> Any:
    """``value`` as the property ``prop`` types it (an enum member, or the first of its types it can
    be read as); unchanged when the property declares no type. Raises ``NotCoercible``."""
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        return _member(prop["enum"], value)
    declared = prop.get("type")
    kinds = [declared] if isinstance(declared, str) else [k for k in declared or [] if isinstance(k, str)]
    kinds = [kind for kind in kinds if kind in _READERS]
    if not kinds:
        return value
    problems = []
    for kind in kinds:
        try:
            return _READERS[kind](value)
        except NotCoercible as exc:
            problems.append(exc.expected)
    raise NotCoercible(" or ".join(problems))
