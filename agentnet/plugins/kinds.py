"""What plugins register once per process: adapter kinds, card importers, doctor checks, peer transports.

Each is collected from every plugin's hook on first use and kept; a name registered twice keeps
the first (built-ins load first, so a plugin cannot replace ``llamacpp``) and the second plugin is
reported. Nodes and commands are per registry and per CLI: see ``nodes/registry.py`` and
``cli/plugin_group.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from agentnet.errors import UserError
from agentnet.plugins.manager import Plugins, plugin_manager

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class AdapterKind:
    """An ``adapter:`` value for agentnet.yaml: how to build the node for a ``ModelSpec``."""

    name: str
    # factory(spec: ModelSpec, registry: NodeRegistry) -> ModelNode, called on the node's first use.
    factory: Callable[[Any, Any], Any]
    # Validates the spec's ``options:`` mapping (extra="forbid"); None: the adapter takes no options.
    options: type[BaseModel] | None = None
    # Calls leave this host unless api_base is a loopback address (the card's locality defaults).
    remote: bool = False
    # check(spec) raises ValueError naming a field the adapter needs and the spec lacks.
    check: Callable[[Any], None] | None = None
    # Card fields the adapter's models default to (e.g. provider: tool).
    card: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    plugin: str = ""
    # The ``params:`` (ModelParams fields) the adapter reads, so `models show` lists only those (None: all).
    params: frozenset[str] | None = None


@dataclass(frozen=True)
class ImporterKind:
    """A card file format for ``agentnet directory import --format NAME``."""

    name: str
    # load(file: CardFile) -> Iterable[CapabilityCard]
    load: Callable[[Any], Any]
    # detect(file: CardFile) -> bool, for --format auto; None: only chosen by name (or as the fallback).
    detect: Callable[[Any], bool] | None = None
    description: str = ""
    plugin: str = ""


@dataclass(frozen=True)
class DoctorCheck:
    """A check ``agentnet doctor`` runs: ``run(config)`` returns a status line or raises an AgentnetError."""

    name: str
    run: Callable[[Any], str | None]
    plugin: str = ""


@dataclass(frozen=True)
class PeerTransport:
    """A way to reach a peer: which agent cards it reads, the record it keeps, the node per card."""

    name: str
    # read(url, name, token_env, document) -> PeerRecord (transport=name), from the peer's agent card.
    read: Callable[[str, str, str | None, Any], Any]
    # node(record: PeerRecord, card: CapabilityCard) -> ModelNode
    node: Callable[[Any, Any], Any]
    # detect(document) -> bool; None: the fallback for any agent card no other transport claims.
    detect: Callable[[Any], bool] | None = None
    description: str = ""
    plugin: str = ""


class _Named(Protocol):
    @property
    def name(self) -> str: ...


K = TypeVar("K", bound=_Named)


def _valid_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise UserError(
            f"{what} name {name!r} is not valid",
            hint="use lowercase letters, digits, '-' and '_', starting with a letter (e.g. 'my-kind')",
        )
    return name


def _need_callable(value: object, what: str) -> None:
    if not callable(value):
        raise UserError(f"{what} must be callable, not {type(value).__name__}")


def _collect(
    manager: Plugins, hook: str, what: str, make: Callable[[str, list[K]], Callable[..., None]]
) -> dict[str, K]:
    """Call ``hook`` of every plugin with a ``register`` from ``make``; the first of each name wins."""
    pending: dict[str, list[K]] = {}

    def args(plugin: str) -> dict[str, Any]:
        return {"register": make(plugin, pending.setdefault(plugin, []))}

    found: dict[str, K] = {}
    owners: dict[str, str] = {}
    for plugin in manager.call_each(hook, args):
        for kind in pending[plugin]:
            if kind.name in found:
                manager.fail(
                    plugin, f"registers {what} {kind.name!r}, already registered by {owners[kind.name]}; skipped"
                )
                continue
            found[kind.name] = kind
            owners[kind.name] = plugin
    return found


def _adapter_register(plugin: str, out: list[AdapterKind]) -> Callable[..., None]:
    def register(
        name: str,
        factory: Callable[[Any, Any], Any],
        *,
        options: type[BaseModel] | None = None,
        remote: bool = False,
        check: Callable[[Any], None] | None = None,
        card: Mapping[str, Any] | None = None,
        description: str = "",
        params: Iterable[str] | None = None,
    ) -> None:
        _valid_name(name, "adapter")
        _need_callable(factory, f"the factory of adapter {name!r}")
        if options is not None and not (isinstance(options, type) and issubclass(options, BaseModel)):
            raise UserError(f"options of adapter {name!r} must be a pydantic model class")
        if options is not None and options.model_config.get("extra") != "forbid":
            raise UserError(
                f"options model {options.__name__} of adapter {name!r} must forbid unknown keys",
                hint='set model_config = ConfigDict(extra="forbid") so a misspelt option is an error, not ignored',
            )
        if check is not None:
            _need_callable(check, f"the check of adapter {name!r}")
        if isinstance(params, str | bytes):  # frozenset("temperature") is its letters: `models show` hid every setting
            raise UserError(
                f"params of adapter {name!r} must be a list of setting names, not the string {params!r}",
                hint=f"write params=[{params!r}]",
            )
        used = frozenset(params) if params is not None else None
        out.append(
            AdapterKind(name, factory, options, bool(remote), check, dict(card or {}), description, plugin, used)
        )

    return register


def _importer_register(plugin: str, out: list[ImporterKind]) -> Callable[..., None]:
    def register(
        name: str, load: Callable[[Any], Any], *, detect: Callable[[Any], bool] | None = None, description: str = ""
    ) -> None:
        _valid_name(name, "importer")
        _need_callable(load, f"the loader of importer {name!r}")
        if detect is not None:
            _need_callable(detect, f"the detector of importer {name!r}")
        out.append(ImporterKind(name, load, detect, description, plugin))

    return register


def _check_register(plugin: str, out: list[DoctorCheck]) -> Callable[..., None]:
    def register(name: str, check: Callable[[Any], str | None]) -> None:
        _valid_name(name, "doctor check")
        _need_callable(check, f"doctor check {name!r}")
        out.append(DoctorCheck(name, check, plugin))

    return register


def _transport_register(plugin: str, out: list[PeerTransport]) -> Callable[..., None]:
    def register(
        name: str,
        *,
        read: Callable[[str, str, str | None, Any], Any],
        node: Callable[[Any, Any], Any],
        detect: Callable[[Any], bool] | None = None,
        description: str = "",
    ) -> None:
        _valid_name(name, "peer transport")
        _need_callable(read, f"the reader of peer transport {name!r}")
        _need_callable(node, f"the node factory of peer transport {name!r}")
        if detect is not None:
            _need_callable(detect, f"the detector of peer transport {name!r}")
        out.append(PeerTransport(name, read, node, detect, description, plugin))

    return register


def adapter_kinds(manager: Plugins | None = None) -> dict[str, AdapterKind]:
    """Every ``adapter:`` kind, by name (built-ins first)."""
    manager = manager or plugin_manager()
    return manager.memo("adapters", lambda: _collect(manager, "register_adapters", "adapter", _adapter_register))


def importer_kinds(manager: Plugins | None = None) -> dict[str, ImporterKind]:
    """Every card file format, by name (built-ins first)."""
    manager = manager or plugin_manager()
    return manager.memo("importers", lambda: _collect(manager, "register_importers", "importer", _importer_register))


def doctor_checks(manager: Plugins | None = None) -> dict[str, DoctorCheck]:
    """Every check plugins add to ``agentnet doctor``, by name."""
    manager = manager or plugin_manager()
    return manager.memo("doctor", lambda: _collect(manager, "register_doctor_checks", "doctor check", _check_register))


def peer_transports(manager: Plugins | None = None) -> dict[str, PeerTransport]:
    """Every way to reach a peer, by name (built-ins first)."""
    manager = manager or plugin_manager()
    return manager.memo(
        "transports", lambda: _collect(manager, "register_peer_transports", "peer transport", _transport_register)
    )
