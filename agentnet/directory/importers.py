"""Cards from files: agentnet card YAML/JSON, A2A agent cards, tool lists — and any format a plugin
registers through ``register_importers`` (these three register the same way).

``load_cards(path)`` detects the format from the content (or takes ``fmt``, a registered name) and
returns validated ``CapabilityCard``s; every problem is a ``ConfigError`` naming
``file:line:column`` and the field. Imported cards are ``provider="external"`` unless the file says
otherwise. A tool list is ``{"nodes": [...]}`` of tools with typed data (``input-type``/``output-type``)
or API parameters (``parameters``); each tool's id is kept as its card's name (the card id is made safe).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentnet.cards import CapabilityCard, Skill, normalize_type
from agentnet.errors import AgentnetError, ConfigError, UserError
from agentnet.hosts import is_loopback_url
from agentnet.plugins.hookspecs import hookimpl
from agentnet.plugins.kinds import ImporterKind, importer_kinds
from agentnet.plugins.manager import plugin_manager
from agentnet.yamlfile import PositionedYaml, load_yaml_file, parse_yaml, raise_validation

MAX_IMPORT_BYTES = 50_000_000
_BAD_ID_CHARS = re.compile(r"[^A-Za-z0-9_.:/@ ()+\-]+")
_MIME_TYPES = {"json": "json", "x-ndjson": "json", "pdf": "document", "octet-stream": "file"}


class _A2ASkill(BaseModel):
    # A2A documents carry many optional fields agentnet does not use (security, extensions …).
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    input_modes: list[str] | None = Field(default=None, alias="inputModes")
    output_modes: list[str] | None = Field(default=None, alias="outputModes")


class _A2ACard(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str = Field(min_length=1)
    description: str = ""
    url: str | None = None
    skills: list[_A2ASkill]
    default_input_modes: list[str] = Field(default_factory=lambda: ["text/plain"], alias="defaultInputModes")
    default_output_modes: list[str] = Field(default_factory=lambda: ["text/plain"], alias="defaultOutputModes")


class _Tool(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(min_length=1)
    desc: str = ""
    input_type: list[str] = Field(default_factory=lambda: ["text"], alias="input-type")
    output_type: list[str] = Field(default_factory=lambda: ["text"], alias="output-type")
    parameters: list[dict[str, Any]] = Field(default_factory=list)


class _ToolList(BaseModel):
    model_config = ConfigDict(extra="ignore")

    nodes: list[_Tool]


def mime_to_type(mode: str) -> str:
    """A2A input/output modes are MIME types ("image/png"); agentnet types are media words ("image")."""
    mode = normalize_type(mode)
    if "/" not in mode:
        return mode
    major, minor = mode.split("/", 1)
    if major in {"text", "image", "audio", "video"}:
        return major
    minor = minor.split(";", 1)[0].removeprefix("vnd.").removeprefix("x-")
    return _MIME_TYPES.get(minor, minor)


def _card_id(name: str) -> str:
    cleaned = _BAD_ID_CHARS.sub("-", name).strip(" -")[:200]
    return cleaned or "agent"


def _read(path: Path) -> PositionedYaml:
    """JSON through ``json`` (fast for big tool lists), YAML through the positioned loader."""
    if path.suffix.lower() == ".json":
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such file", code="file_not_found") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        try:
            return PositionedYaml(source=str(path), data=json.loads(text))
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
                hint="fix the JSON syntax at that position",
                code="json_syntax",
            ) from None
    return load_yaml_file(path, max_bytes=MAX_IMPORT_BYTES)


def _with_positions(doc: PositionedYaml, path: Path) -> PositionedYaml:
    """Positions are only needed to report an error; JSON is YAML, so the YAML loader finds them."""
    if doc.positions:
        return doc
    try:
        return parse_yaml(path.read_text(encoding="utf-8"), str(path), max_bytes=MAX_IMPORT_BYTES)
    except ConfigError:
        return doc


class CardFile:
    """A file being imported: its path, and its JSON/YAML content parsed once, on first use."""

    def __init__(self, path: Path, doc: PositionedYaml | None = None) -> None:
        self.path = path
        self._doc = doc

    @property
    def doc(self) -> PositionedYaml:
        if self._doc is None:
            self._doc = _read(self.path)
        return self._doc

    @property
    def data(self) -> Any:
        return self.doc.data

    def where(self, loc: Sequence[str | int]) -> str:
        return _with_positions(self.doc, self.path).where(loc)

    def invalid(self, exc: ValidationError, what: str, prefix: Sequence[str | int] = ()) -> NoReturn:
        """Raise ``exc`` as a ConfigError naming file:line:column of each field."""
        raise_validation(_with_positions(self.doc, self.path), exc, what, prefix=prefix)
        raise exc  # unreachable: raise_validation always raises


def _detect(file: CardFile, kinds: dict[str, ImporterKind]) -> ImporterKind:
    """The first format whose detector accepts the file; formats without one are the fallback."""
    for kind in kinds.values():
        if kind.detect is None:
            continue
        try:
            if kind.detect(file):
                return kind
        except ConfigError:
            continue  # not this format's syntax; the fallback reports the file's real problem
        except Exception as exc:  # noqa: BLE001 — a plugin's detector must not stop every import: report it
            plugin_manager().fail(kind.plugin, f"failed detecting a card file: {type(exc).__name__}: {exc}")
    fallback = [kind for kind in kinds.values() if kind.detect is None]
    if not fallback:
        raise ConfigError(f"{file.path}: no card format recognises this file", hint="pass --format NAME")
    return fallback[0]


def detect_format(data: Any) -> str:
    """The name of the format ``--format auto`` picks for already-parsed content."""
    return _detect(CardFile(Path("<data>"), PositionedYaml(source="<data>", data=data)), importer_kinds()).name


def load_cards(path: Path, fmt: str = "auto") -> list[CapabilityCard]:
    kinds = importer_kinds()
    file = CardFile(path)
    if fmt == "auto":
        kind = _detect(file, kinds)
    elif fmt in kinds:
        kind = kinds[fmt]
    else:
        raise UserError(f"unknown card format {fmt!r}", hint=f"use auto or one of: {', '.join(kinds)}")
    try:
        cards = list(kind.load(file))
    except AgentnetError:
        raise
    except Exception as exc:  # noqa: BLE001 — a plugin's loader: named, with the file, not a traceback
        raise UserError(
            f"{path}: the {kind.name!r} card format ({_origin(kind)}) failed reading it: {type(exc).__name__}: {exc}",
            hint=f"pass another --format, or {plugin_manager().way_out(kind.plugin)}",
        ) from None
    wrong = [card for card in cards if not isinstance(card, CapabilityCard)]
    if wrong:
        raise UserError(
            f"{path}: the {kind.name!r} card format ({_origin(kind)}) returned {type(wrong[0]).__name__}, "
            "not CapabilityCard",
            hint=f"its loader must return CapabilityCard objects: {plugin_manager().way_out(kind.plugin)}",
        )
    return cards


def _origin(kind: ImporterKind) -> str:
    """'plugin evil from agentnet-evil-format 0.1': the distribution to fix or uninstall, not the entry point alone."""
    return plugin_manager().origin(kind.plugin)


def _is_tool_list(file: CardFile) -> bool:
    return isinstance(file.data, dict) and "nodes" in file.data


def _is_a2a(file: CardFile) -> bool:
    data = file.data
    return isinstance(data, dict) and "id" not in data and "skills" in data and "name" in data


@hookimpl
def register_importers(register: Callable[..., None]) -> None:
    register("tools", _tool_list, detect=_is_tool_list, description='tool lists ({"nodes": [...]})')
    register("a2a", _a2a, detect=_is_a2a, description="A2A agent cards")
    # No detector: what no other format claims is read as agentnet cards.
    register("agentnet", _agentnet, description="agentnet cards (one card or a list, YAML or JSON)")


def _card_items(data: Any) -> list[tuple[tuple[str | int, ...], Any]]:
    """(position, item) for one card, a list of cards, or a list under a ``cards`` key."""
    if isinstance(data, dict) and set(data) == {"cards"} and isinstance(data["cards"], list):
        return [(("cards", index), item) for index, item in enumerate(data["cards"])]
    if isinstance(data, list):
        return [((index,), item) for index, item in enumerate(data)]
    return [((), data)]


def _agentnet(file: CardFile) -> list[CapabilityCard]:
    data = file.data
    if data is None:
        raise ConfigError(f"{file.path}: the file is empty", hint="put a card, a list of cards, an A2A agent card or "
                          "a tool list in it")  # fmt: skip
    cards = []
    for loc, item in _card_items(data):
        if not isinstance(item, dict):
            kind = type(item).__name__
            raise ConfigError(f"{file.where(loc)}: a card must be a mapping (id: …, description: …), not {kind}")
        item = {"provider": "external", **item}
        try:
            cards.append(CapabilityCard.model_validate(item))
        except ValidationError as exc:
            file.invalid(exc, "card", prefix=loc)
    return cards


def _a2a(file: CardFile) -> list[CapabilityCard]:
    try:
        agent = _A2ACard.model_validate(file.data)
    except ValidationError as exc:
        file.invalid(exc, "A2A agent card")
    remote = bool(agent.url) and not is_loopback_url(agent.url)
    card = CapabilityCard(
        id=_card_id(agent.name),
        name=agent.name,
        description=agent.description,
        input_types=_types(agent.default_input_modes),
        output_types=_types(agent.default_output_modes),
        skills=[
            Skill(
                id=skill.id,
                name=skill.name,
                description=skill.description,
                tags=skill.tags,
                examples=skill.examples,
                input_types=None if skill.input_modes is None else _types(skill.input_modes),
                output_types=None if skill.output_modes is None else _types(skill.output_modes),
            )
            for skill in agent.skills
        ],
        locality="remote" if remote else "local",
        data_leaves_host=remote,
        provider="external",
    )
    return [card]


def _tool_list(file: CardFile) -> list[CapabilityCard]:
    try:
        tools = _ToolList.model_validate(file.data).nodes
    except ValidationError as exc:
        file.invalid(exc, "tool list")
    cards = []
    for index, tool in enumerate(tools):
        try:
            cards.append(
                CapabilityCard(
                    id=_card_id(tool.id),
                    name=tool.id,
                    description=tool.desc,
                    input_types=tool.input_type,
                    output_types=tool.output_type,
                    parameters=[{str(k): str(v) for k, v in p.items()} for p in tool.parameters],
                    provider="external",
                )
            )
        except ValidationError as exc:
            file.invalid(exc, "tool", prefix=("nodes", index))
    return cards


def _types(modes: list[str]) -> list[str]:
    out: list[str] = []
    for mode in modes:
        kind = mime_to_type(mode)
        if kind not in out:
            out.append(kind)
    return out or ["text"]
