"""How a value is written: the forms a property's schema gives it, and the tokens of a text in them.

Argument filling (``nodes/arguments.py``) reads a tool's values from the request with these: a
property takes a token that is an enum member, in its format or pattern, a number, or shaped like
the examples its schema gives ("Asia/Tokyo" is shaped like "America/New_York"); a value the plan
gave is checked against the same form.
"""

from __future__ import annotations

import re
from typing import Any

_QUOTED = re.compile(r"""(?:(?<=^)|(?<=[\s:(\[,=]))(['"\u2018\u201c])(.+?)['"\u2019\u201d](?=$|[\s.,;:!?)\]])""")
_STRIP = ".,;:!?()[]{}<>\"'\u2018\u2019\u201c\u201d"
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"),
    "time": re.compile(r"^\d{2}:\d{2}(?::\d{2})?$"),
    "email": re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$"),
    "uri": re.compile(r"^[a-z][a-z0-9+.-]*://\S+$"),
    "url": re.compile(r"^[a-z][a-z0-9+.-]*://\S+$"),
}


def candidates(text: str) -> list[str]:
    """Quoted passages, then whitespace tokens without their surrounding punctuation, in order."""
    found = [m.group(2).strip() for m in _QUOTED.finditer(text)]
    for raw in text.split():
        token = raw.strip(_STRIP)
        if token.endswith("'s"):
            token = token[:-2]
        if token:
            found.append(token)
    return list(dict.fromkeys(found))


def shape(token: str) -> str:
    """A token's form: runs of letters become 'A', runs of digits '9', other characters stay."""
    return re.sub(r"\d+", "9", re.sub(r"[A-Za-z_]+", "A", token))


def examples(prop: dict[str, Any]) -> list[str]:
    """String examples a property schema gives: examples, default, enum, and quoted words in its description."""
    values: list[Any] = [*(prop.get("examples") or []), prop.get("default"), *(prop.get("enum") or [])]
    values.extend(m.group(2) for m in _QUOTED.finditer(str(prop.get("description") or "")))
    return [v for v in values if isinstance(v, str) and v]


# Property names that say the value is a file's path or name (path, file_path, filename, inputFile...).
_PATH_NAME = re.compile(r"(?:.*[_-])?(?:path|file_?path|file_?name|fname|file)", re.IGNORECASE)
_CAMEL_PATH = re.compile(r".*[a-z](?:Path|FilePath|FileName|File)")


def takes_path(name: str, prop: dict[str, Any]) -> bool:
    """``prop`` takes a file's path or name, not its content: ``format: path``, or a string property so
    named. A property for the text itself (text, content, input) is not one."""
    if prop.get("format") == "path":
        return True
    if "type" in prop and "string" not in types_of(prop):
        return False
    return bool(_PATH_NAME.fullmatch(name) or _CAMEL_PATH.fullmatch(name))


# A list of file names: paths, files, file_paths, filenames, inputFiles...
_PATHS_NAME = re.compile(r"(?:.*[_-])?(?:paths|file_?paths|file_?names|files)|.*[a-z](?:Paths|Files|FileNames)")


def takes_paths(name: str, prop: dict[str, Any]) -> bool:
    """``prop`` takes several files' paths or names: an array of strings in ``format: path``, or so named."""
    items = prop.get("items")
    if "array" not in types_of(prop) or not isinstance(items, dict) or "string" not in types_of(items):
        return False
    return items.get("format") == "path" or bool(_PATHS_NAME.fullmatch(name))


def types_of(prop: dict[str, Any]) -> set[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind}
    if isinstance(kind, str):
        return {kind}
    return {"string"} if ("enum" not in prop and "const" not in prop) else set()


def pick(prop: dict[str, Any], tokens: list[str], used: set[str], required: bool) -> Any:
    """The first token that this property's schema clearly asks for (None when nothing does)."""
    free = [t for t in tokens if t not in used]
    if "enum" in prop:
        wanted = {str(v).lower(): v for v in prop["enum"]}
        return next((wanted[t.lower()] for t in free if t.lower() in wanted), None)
    kinds = types_of(prop)
    if kinds & {"integer", "number"} and required:
        for token in free:
            if _NUMBER.match(token):
                number = float(token)
                return int(number) if number.is_integer() and "integer" in kinds else number
    if "string" not in kinds:
        return None
    form = _FORMATS.get(str(prop.get("format", "")).lower())
    if form is not None:
        return next((t for t in free if form.match(t)), None)
    pattern = prop.get("pattern")
    if isinstance(pattern, str):
        try:
            regex = re.compile(pattern)
        except re.error:
            return None
        return next((t for t in free if regex.search(t)), None)
    known = examples(prop)
    shapes = {shape(e) for e in known} - {"A"}  # a plain word is no evidence: every word has that shape
    return next((t for t in free if t in known or shape(t) in shapes), None)


def in_form(prop: dict[str, Any], value: Any, tokens: list[str]) -> Any:
    """A plan's string checked against the form its schema gives: the value when it has that form or
    there is none; the request's token it was cut from when that has it (the planner read "Europe" of
    "Europe/Paris" as a name); else None, the value left to the text and the model ("New York" for a
    timezone shaped "America/New_York")."""
    if not isinstance(value, str) or "enum" in prop or "string" not in types_of(prop) or not has_form(prop):
        return value
    if pick(prop, [value], set(), True) == value:
        return value
    return next((t for t in tokens if value in t and pick(prop, [t], set(), True) == t), None)


def has_form(prop: dict[str, Any]) -> bool:
    """The schema says how a value is written: a known format, a pattern, or examples with separators
    (a plain word, or words, is every name's shape: "Paris" is no less a city than "San Francisco")."""
    if str(prop.get("format", "")).lower() in _FORMATS or isinstance(prop.get("pattern"), str):
        return True
    return any(set(shape(example)) - {"A", "9", " "} for example in examples(prop))
