"""Safe YAML loading that remembers where every value came from.

Config files and recipes are validated by pydantic; this module maps a validation error's
location (``("models", 2, "path")``) back to ``file:line:column`` so every message points at the
exact place to fix. Loading is ``yaml.safe_load``-equivalent (SafeLoader: no Python tags) with a
size limit, an alias limit, a bound on the values aliases expand to and a nesting limit, all checked
on the event stream before anything is built, so an alias bomb or a deeply nested file is refused in
milliseconds with its position.
"""

from __future__ import annotations

import difflib
import re
import stat
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from agentnet.errors import ConfigError, RunError
from agentnet.yamlbounds import MAX_ALIASES as MAX_ALIASES  # its tests read it here
from agentnet.yamlbounds import check_bounds, check_keys

MAX_YAML_BYTES = 1_000_000
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


def parse_yaml(text: str, source: str = "<string>", *, max_bytes: int = MAX_YAML_BYTES) -> PositionedYaml:
    """Parse YAML text safely; raise ``ConfigError`` naming ``source:line:column`` on any problem."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise ConfigError(
            f"{source}: file is {size:,} bytes, over the {max_bytes:,}-byte limit",
            hint="split it into smaller files",
            code="yaml_too_large",
        )
    check_bounds(text, source)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        check_keys(node, source)
        data = loader.construct_document(node) if node is not None else None
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
    finally:
        loader.dispose()
    positions: dict[tuple[str | int, ...], Location] = {}
    if node is not None:
        positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        _collect(node, (), positions)
    return PositionedYaml(source=source, data=data, positions=positions)


def load_yaml_file(path: Path, *, max_bytes: int = MAX_YAML_BYTES) -> PositionedYaml:
    try:
        found = path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file", code="file_not_found") from None
    if not stat.S_ISREG(found.st_mode) and not stat.S_ISDIR(found.st_mode):
        # Never opened: reading a FIFO waits for a writer, a device may never end. (A folder fails
        # to open at once, and the CLI names it.)
        raise ConfigError(
            f"{path} is not a regular file (a pipe, a socket or a device): YAML is read from a file",
            hint="save it to a .yaml file and give that file's path",
        )
    size = found.st_size
    if size > max_bytes:
        raise ConfigError(
            f"{path}: file is {size:,} bytes, over the {max_bytes:,}-byte limit",
            hint="split it into smaller files",
            code="yaml_too_large",
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"{path}:{line}:{column}: not UTF-8 text (byte 0x{data[exc.start]:02x}: {exc.reason})",
            hint=f"save {path.name} as UTF-8 (e.g. `iconv -f latin1 -t utf-8 {path.name}`, or your editor's encoding)",
            code="yaml_not_utf8",
        ) from None
    return parse_yaml(text, str(path), max_bytes=max_bytes)


# A key shown in a message: a name. Anything else (a line of /etc/shadow passed as a recipe) is
# shown by its position only, so an error never echoes the contents of a file that is not ours.
_SHOWN_KEY = re.compile(r"[\w.@+-]{1,64}")


def _shown(part: str | int) -> str:
    return str(part) if isinstance(part, int) or _SHOWN_KEY.fullmatch(part) else "(a key that is not a name)"


def validation_problems(
    doc: PositionedYaml, error: ValidationError, prefix: Sequence[str | int] = (), model: type[BaseModel] | None = None
) -> list[str]:
    """One ``file:line:col: field: message`` line per pydantic error (pydantic's messages never
    quote the input; keys are shown only when they are names). With the file's ``model``, an unknown
    key names the field it is nearest (`promt` is `prompt`)."""
    names = field_names(model) if model is not None else frozenset()
    lines = []
    for item in error.errors():
        # pydantic marks a dict key's own error with a last "[key]": the key's position and name say it.
        loc = tuple(part for part in (*prefix, *item["loc"]) if part != "[key]")
        dotted = ".".join(_shown(part) for part in loc) or "(top level)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            near = _nearest_field(str(loc[-1]), names) if loc else []
            fix = f"did you mean {near[0]!r}?{_secret_note(near[0])}" if near else "check the spelling"
            message = f"unknown key (not allowed here; {fix})"
        elif item["type"] in _SHAPES:
            message = _shape(item["type"], item.get("input"))
        lines.append(f"{doc.where(loc)}: {dotted}: {message}")
    return lines


# Words of a key that holds a secret: `apikey:`, `api_keys:`, `token:` are too far from `api_key_env`
# for difflib, yet it is the field they mean, and the one whose note says where the secret goes.
_SECRET_WORDS = frozenset({"apikey", "apikeys", "key", "keys", "token", "secret", "password"})


def _nearest_field(key: str, names: frozenset[str]) -> list[str]:
    near = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
    if near:
        return near
    if _SECRET_WORDS & set(re.split(r"[^a-z]+", key.lower())):
        return [name for name in sorted(names) if name.endswith("_env") and "key" in name][:1]
    return []


def _secret_note(field: str) -> str:
    """`api_key:` is nearest `api_key_env`, whose value is a variable's name: say so, and where the secret
    itself goes, or the next try is `api_key_env: sk-...`."""
    if not field.endswith("_env"):
        return ""
    return (f" It takes the name of the environment variable that holds the secret (e.g. {field}: MY_KEY): "
            "put the secret itself in the environment or in ./.env, never in this file")  # fmt: skip


_SHAPES = {
    "dict_type": "a mapping (NAME: value, or {NAME: value})",
    "list_type": "a list ([a, b], or '- a' lines)",
    "string_type": "text",
}
_YAML_KINDS = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}


def _shape(kind: str, given: Any) -> str:
    """A mapping or list where YAML has another shape, in YAML's words and with the way to write it
    ("Input should be a valid list" for `after: calc2`, "valid dictionary" for `inputs: [expr]`)."""
    what = _YAML_KINDS.get(type(given), "nothing" if given is None else type(given).__name__)
    message = f"must be {_SHAPES[kind]}, not {what}"
    if kind == "list_type" and isinstance(given, str | int | float) and not isinstance(given, bool):
        message += f": write [{given}] for a list of one"
    elif kind == "string_type" and isinstance(given, bool):
        message += ": quote it (YAML reads yes, no, on, off, true and false unquoted as true/false)"
    elif kind == "string_type" and isinstance(given, int | float):
        message += f': quote it ("{given}")'  # YAML reads `prompt: 5` as a number
    elif kind == "dict_type" and isinstance(given, list) and all(isinstance(x, str) for x in given):
        message += f" (e.g. {{{', '.join(f'{x}: {{}}' for x in given[:3])}}})"
    return message


def field_names(model: type[BaseModel]) -> frozenset[str]:
    """The field names of ``model`` and of the models its fields hold (in lists, maps, unions): the
    keys a misspelt one is compared with."""
    seen: set[type] = set()
    names: set[str] = set()

    def walk(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
            seen.add(annotation)
            for name, info in annotation.model_fields.items():
                names.add(info.alias or name)
                walk(info.annotation)
        for arg in typing.get_args(annotation):
            walk(arg)

    walk(model)
    return frozenset(names)


def raise_validation(
    doc: PositionedYaml,
    error: ValidationError,
    what: str,
    prefix: Sequence[str | int] = (),
    model: type[BaseModel] | None = None,
) -> None:
    problems = validation_problems(doc, error, prefix, model)
    raise ConfigError(
        f"invalid {what}:\n  " + "\n  ".join(problems),
        hint=f"fix the listed fields in {doc.source}",
        code="invalid_" + what.replace(" ", "_"),
    )


def load_yaml_list(path: Path, file_model: type[BaseModel], key: str, what: str) -> Any:
    """The ``key`` list of the YAML file at ``path`` read as ``file_model``, or [] when there is no file
    yet (mcp.yaml, peers.yaml before anything was added). A file of another shape names its line."""
    if not path.is_file():
        return []
    doc = load_yaml_file(path)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{doc.where(())}: the {what} must be a mapping with a {key!r} list")
    try:
        return getattr(file_model.model_validate(data), key)
    except ValidationError as exc:
        raise_validation(doc, exc, what, model=file_model)
        raise  # unreachable: raise_validation always raises


def save_yaml_file(path: Path, data: Any, header: str) -> None:
    """Write ``data`` as YAML under a comment ``header``, atomically (temp file + rename): a reader
    sees the old file or the new one, never half of one."""
    import os
    import tempfile

    text = f"# {header}\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".yaml", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(path)
    except BaseException as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _unwritable(path, exc) from None
        raise


def _unwritable(path: Path, exc: OSError) -> RunError:
    # A full disk, a file-size or quota limit, a read-only mount: the old file was never touched.
    return RunError(
        f"cannot write {path} ({exc.strerror or exc}); {path} is unchanged",
        hint=f"free space where {path.parent} is (`df -h {path.parent}`) or make it writable, then try again",
        code="state_write_failed",
    )
