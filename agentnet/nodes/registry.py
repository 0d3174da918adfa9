"""The model registry: every declared model and registered tool by id, built lazily from config.

Listing ids and cards reads only the config and the cards plugins register (no engine is
imported); a node is constructed on first ``node(id)`` by its adapter kind (``nodes/adapters.py``
and plugins). The embedded default model is always present, and every registry carries the nodes
plugins add through ``register_nodes``.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard, plugin_card_problem
from agentnet.config import AgentnetConfig, ModelSpec, embedded_default_spec, load_config
from agentnet.errors import AgentnetError, NotFoundError, UserError
from agentnet.model_ids import plugin_node_id_problem, where_listed
from agentnet.nodes.signature import with_parameters
from agentnet.plugins.manager import plugin_manager
from agentnet.plugins.output_aside import plugin_output_aside

if TYPE_CHECKING:
    from agentnet.nodes.base import ModelNode
    from agentnet.nodes.callable import CallableNode
    from agentnet.nodes.health import Health
    from agentnet.nodes.pool import ModelPool


class NodeRegistry:
    """Ids -> nodes. Thread-safe; nodes are built once, on first use."""

    def __init__(self, config: AgentnetConfig | None = None, *, pool: ModelPool | None = None) -> None:
        config = config if config is not None else load_config()
        if not any(spec.id == embedded_default_spec().id for spec in config.models):
            config = config.model_copy(update={"models": [embedded_default_spec(), *config.models]})
        self.config = config
        self._pool = pool
        self._specs: dict[str, ModelSpec] = {spec.id: spec for spec in config.models}
        self._nodes: dict[str, ModelNode] = {}
        self._extra_cards: dict[str, CapabilityCard] = {}
        # Nodes registered with a card and built on first use (plugins' callables and factories).
        self._factories: dict[str, Callable[[], ModelNode]] = {}
        # Which plugin registered each plugin node (for `agentnet plugins list`).
        self.plugin_nodes: dict[str, str] = {}
        self._lock = threading.Lock()
        self._add_plugin_nodes()

    @classmethod
    def from_files(cls, explicit: Path | None = None) -> NodeRegistry:
        """The registry for the user config plus the project (or explicit) config file."""
        return cls(load_config(explicit))

    @property
    def default_id(self) -> str:
        return self.config.default_model

    def ids(self) -> list[str]:
        with self._lock:
            return [*self._specs, *(i for i in self._extra_cards if i not in self._specs)]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._specs or node_id in self._extra_cards

    def spec(self, node_id: str) -> ModelSpec | None:
        return self._specs.get(node_id)

    def card(self, node_id: str) -> CapabilityCard:
        if node_id in self._extra_cards:
            return self._extra_cards[node_id]
        spec = self._specs.get(node_id)
        if spec is None:
            raise self._not_found(node_id)
        return spec.capability_card()

    def cards(self, *, health: bool = False) -> list[CapabilityCard]:
        """Every node's card; with ``health``, the cards of models known to be unusable (no key, no
        file, remembered down) are marked unavailable, so planners leave them out."""
        cards = [self.card(node_id) for node_id in self.ids()]
        if not health:
            return cards
        unusable = self.unusable()
        return [card.model_copy(update={"available": False}) if card.id in unusable else card for card in cards]

    def health(self, node_id: str, *, deep: bool = False) -> Health:
        """What is known about a declared model without calling it (nodes added in code: ok)."""
        from agentnet.nodes.health import OK, model_health

        spec = self._specs.get(node_id)
        return OK if spec is None else model_health(spec, deep=deep)

    def refuse_without_key(self, node_id: str | None = None) -> None:
        """Raise the missing-key error for ``node_id`` now, from the config alone: said at call time
        it costs the adapter's import first (litellm: seconds), and the answer is the same."""
        from agentnet.errors import ConfigError

        node_id = node_id or self.default_id
        spec = self._specs.get(node_id)
        # As the litellm node decides: a server on an api_base may take no key unless one is named.
        if spec is None or (spec.api_base is not None and spec.api_key_env is None):
            return
        health = self.health(node_id)
        if health.status == "no key":
            raise ConfigError(
                f"model {node_id!r} needs an API key: {health.detail}",
                hint=f"{health.fix} (`agentnet doctor` checks every key)",
                code="model_key_missing",
            )

    def unusable(self) -> dict[str, Health]:
        """The declared models known to be unusable now, with why."""
        found = {node_id: self.health(node_id) for node_id in list(self._specs)}
        return {node_id: health for node_id, health in found.items() if not health.ok}

    @property
    def pool(self) -> ModelPool:
        """Where local models are loaded: the process-wide pool, budgeted by ``pool_memory_mb``."""
        from agentnet.nodes.pool import shared_pool

        return self._pool if self._pool is not None else shared_pool(self.config.pool_memory_mb)

    def node(self, node_id: str | None = None) -> ModelNode:
        """The node registered as ``node_id`` (the default model when None)."""
        asked, node_id = node_id, node_id or self.default_id
        with self._lock:
            node = self._nodes.get(node_id)
            if node is not None:
                return node
            spec = self._specs.get(node_id)
            factory = self._factories.get(node_id)
        if spec is not None:
            kind = spec.kind()
            by = f"its adapter {spec.adapter!r} ({plugin_manager().origin(kind.plugin)})"
            out = plugin_manager().way_out(kind.plugin)
            built = _checked(_built(lambda: kind.factory(spec, self), node_id, by, out), node_id, by,
                             "register_adapters", out)  # fmt: skip
        elif factory is not None:
            plugin = self.plugin_nodes.get(node_id, "?")
            by = f"the factory registered for it ({plugin_manager().origin(plugin)})"
            out = plugin_manager().way_out(plugin)
            built = _checked(_built(factory, node_id, by, out), node_id, by, "register_nodes", out)
        else:
            raise self._not_found(node_id, default=not asked)
        with self._lock:
            return self._nodes.setdefault(node_id, built)

    def register_node(self, node: ModelNode, *, replace: bool = False) -> ModelNode:
        """Put an already-built node (any ``ModelNode``) on the network under ``node.node_id``."""
        with self._lock:
            if not replace and (node.node_id in self._specs or node.node_id in self._extra_cards):
                raise UserError(
                    f"a node with id {node.node_id!r} is already registered",
                    hint="choose another id, or pass replace=True to replace it",
                )
            self._specs.pop(node.node_id, None)
            self._factories.pop(node.node_id, None)
            self._nodes[node.node_id] = node
            self._extra_cards[node.node_id] = node.card
        return node

    def remove_node(self, node_id: str) -> None:
        """Take a registered node off the network (e.g. a tool its server no longer lists)."""
        with self._lock:
            self._nodes.pop(node_id, None)
            self._extra_cards.pop(node_id, None)
            self._factories.pop(node_id, None)
            self.plugin_nodes.pop(node_id, None)

    def register_callable(
        self, fn: Callable[[Any], Any], card: CapabilityCard, *, replace: bool = False
    ) -> CallableNode:
        """Put a plain Python function (tool, classifier, ...) on the network with its card."""
        from agentnet.nodes.callable import CallableNode

        node = CallableNode.build(fn, card)
        self.register_node(node, replace=replace)
        return node

    def _add_plugin_nodes(self) -> None:
        """Ask every plugin's ``register_nodes``; a node whose id is taken is reported and skipped."""
        manager = plugin_manager()
        pending: dict[str, list[_PluginNode]] = {}

        def args(plugin: str) -> dict[str, Any]:
            return {"register": _node_register(pending.setdefault(plugin, [])), "config": self.config}

        for plugin in manager.call_each("register_nodes", args):
            # Built-ins' ids are agentnet's own (an MCP tool's SERVER.TOOL keeps its server's name for it).
            checked = manager.infos[plugin].source != "builtin" if plugin in manager.infos else True
            for entry in pending[plugin]:
                card = entry.card
                problem = (plugin_node_id_problem(card.id) or plugin_card_problem(card)) if checked else None
                if problem is not None:
                    manager.fail(plugin, problem)
                    continue
                if card.id in self:
                    manager.fail(plugin, f"registers node {card.id!r}, an id {self._owner(card.id)} has; skipped")
                    continue
                self._extra_cards[card.id] = card
                if entry.node is not None:
                    self._nodes[card.id] = entry.node
                elif entry.factory is not None:
                    self._factories[card.id] = entry.factory
                self.plugin_nodes[card.id] = plugin

    def _owner(self, node_id: str) -> str:
        """Who has ``node_id`` already, so a plugin's author knows whose it is (not "config or plugin")."""
        plugin = self.plugin_nodes.get(node_id)
        if plugin is not None:
            return plugin_manager().origin(plugin)
        if node_id == embedded_default_spec().id:
            return "agentnet's embedded default model"
        return "a model of the config (agentnet.yaml)" if node_id in self._specs else "a node registered in code"

    def _not_found(self, node_id: str, *, default: bool = False) -> NotFoundError:
        known = ", ".join(self.ids())
        if default:
            # No id was given: the name came from the config, where the fix is.
            return NotFoundError(
                f"the config's default_model is {node_id!r}, and no model or tool is registered as that; known "
                f"ids: {known}",
                hint=f"set default_model (agentnet.yaml or $AGENTNET_HOME/config.yaml) to one of the known ids, or "
                f"declare {node_id!r} under models:",
            )
        if "/" in node_id:  # a peer's model: declaring it here is no fix
            return NotFoundError(
                f"no model or tool is registered as {node_id!r}; known ids: {known}",
                hint=f"see {where_listed(node_id)}",
            )
        return NotFoundError(
            f"no model or tool is registered as {node_id!r}; known ids: {known}",
            hint="run `agentnet models list`, or declare the model in agentnet.yaml (models: - id: ...)",
        )


def _model_node_class() -> Any:
    # A plugin that hands over a built ModelNode has imported nodes.base already; looking it up
    # instead of importing it keeps registries of callables free of LangChain until a node is built.
    base = sys.modules.get("agentnet.nodes.base")
    return getattr(base, "ModelNode", None)


@dataclass(frozen=True)
class _PluginNode:
    card: CapabilityCard
    node: ModelNode | None = None
    factory: Callable[[], ModelNode] | None = None


def _node_register(out: list[_PluginNode]) -> Callable[..., None]:
    """The ``register`` one plugin's ``register_nodes`` gets; what it registers goes to ``out``."""

    def register(
        fn_or_node: Any = None, card: CapabilityCard | dict[str, Any] | None = None, *, factory: Any = None
    ) -> None:
        node_class = _model_node_class()
        if node_class is not None and isinstance(fn_or_node, node_class):
            if fn_or_node.card.id != fn_or_node.node_id:  # replies and traces would name another node than asked
                raise UserError(
                    f"register(node) got node {fn_or_node.node_id!r} whose card's id is {fn_or_node.card.id!r}",
                    hint="give the node and its card one id (the card's id is the node's id on the network)",
                )
            out.append(_PluginNode(fn_or_node.card, node=fn_or_node))
            return
        if card is None:
            raise UserError(
                f"register({fn_or_node!r}) needs card=CapabilityCard(...) unless it is a ModelNode",
                hint="pass the function's card: register(fn, card=CapabilityCard(id=..., description=...))",
            )
        valid = card if isinstance(card, CapabilityCard) else _card_from(card)
        if factory is not None:
            if fn_or_node is not None or not callable(factory):
                raise UserError("register(card=..., factory=...) takes a callable factory and no node or function")
            out.append(_PluginNode(valid, factory=factory))
            return
        if not callable(fn_or_node):
            raise UserError(f"cannot register {fn_or_node!r} for {valid.id!r}: it is not callable")
        fn = fn_or_node

        def build() -> ModelNode:
            from agentnet.nodes.callable import CallableNode

            return CallableNode.build(_printing_aside(fn), valid)

        out.append(_PluginNode(with_parameters(valid, fn), factory=build))

    return register


def _card_from(data: object) -> CapabilityCard:
    """A card given as a mapping; a wrong field is one line naming it (pydantic's own text ran to four
    lines with a link to its docs, in the middle of the plugin's report)."""
    from pydantic import ValidationError

    try:
        return CapabilityCard.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(the card)"
        named = data.get("id") if isinstance(data, dict) else None
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UserError(
            f"the card given for {named!r} is not valid at {where}: {first['msg']}{more}",
            hint="pass card=CapabilityCard(...) or a mapping of its fields (docs/plugins.md has an example)",
        ) from None


def _printing_aside(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A plugin's function whose prints go to stderr, not into `ask`'s answer or `run --json`'s output."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        with plugin_output_aside():
            return fn(*args, **kwargs)

    return call


def _built(factory: Callable[[], object], node_id: str, by: str, way_out: str) -> object:
    """What a factory (an adapter kind's, a plugin node's) built; its own failure named, not a traceback,
    with ``way_out`` (``Plugins.way_out``: the pip command that removes its distribution)."""
    try:
        with plugin_output_aside():
            return factory()
    except AgentnetError:
        raise
    except Exception as exc:  # noqa: BLE001 — plugins' code: reported with the node and where it comes from
        raise UserError(
            f"node {node_id!r} could not be built by {by}: {type(exc).__name__}: {exc}",
            hint=f"check the model's settings in agentnet.yaml (options:, model:), or {way_out}",
            code="node_build_failed",
        ) from None


def _checked(node: object, node_id: str, by: str, hook: str, way_out: str) -> ModelNode:
    """A plugin factory's result, checked: a ModelNode under the id its card was registered with. The
    error names the plugin, its distribution and the hook whose factory is wrong (an adapter's factory
    returning None was blamed on register_nodes, with no plugin named)."""
    from agentnet.nodes.base import ModelNode

    if not isinstance(node, ModelNode) or node.node_id != node_id:
        shown = repr(node) if len(repr(node)) <= 200 else f"{repr(node)[:200]}..."
        raise UserError(
            f"node {node_id!r} was not built by {by}: it returned {shown}, not a ModelNode with that id",
            hint=f"the factory the plugin registers in {hook} must return the node for {node_id!r}: {way_out}",
            code="node_build_failed",
        )
    return node
