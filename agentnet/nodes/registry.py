"""The model registry: every declared model and registered tool by id, built lazily from config.

Listing ids and cards reads only the config (no engine is imported); a node is constructed on
first ``node(id)``. The embedded default model is always present.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.config import AgentnetConfig, ModelSpec, embedded_default_spec, load_config
from agentnet.errors import NotFoundError, UserError

if TYPE_CHECKING:
    from agentnet.nodes.base import ModelNode
    from agentnet.nodes.callable import CallableNode
    from agentnet.nodes.pool import ModelPool


def build_node(spec: ModelSpec, pool: ModelPool | None = None) -> ModelNode:
    """The node for one declared model (imports its adapter module now)."""
    if spec.adapter == "llamacpp":
        from agentnet.nodes.llamacpp import LlamaCppNode

        return LlamaCppNode.from_spec(spec, pool=pool)
    from agentnet.nodes.litellm import LiteLLMNode

    return LiteLLMNode.from_spec(spec)


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
        self._lock = threading.Lock()

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

    def cards(self) -> list[CapabilityCard]:
        return [self.card(node_id) for node_id in self.ids()]

    def node(self, node_id: str | None = None) -> ModelNode:
        """The node registered as ``node_id`` (the default model when None)."""
        node_id = node_id or self.default_id
        with self._lock:
            node = self._nodes.get(node_id)
            if node is not None:
                return node
            spec = self._specs.get(node_id)
        if spec is None:
            raise self._not_found(node_id)
        if spec.adapter == "llamacpp":
            from agentnet.nodes.pool import shared_pool

            pool = self._pool if self._pool is not None else shared_pool(self.config.pool_memory_mb)
        else:
            pool = None
        built = build_node(spec, pool)
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
            self._nodes[node.node_id] = node
            self._extra_cards[node.node_id] = node.card
        return node

    def register_callable(
        self, fn: Callable[[Any], Any], card: CapabilityCard, *, replace: bool = False
    ) -> CallableNode:
        """Put a plain Python function (tool, classifier, ...) on the network with its card."""
        from agentnet.nodes.callable import CallableNode

        node = CallableNode.build(fn, card)
        self.register_node(node, replace=replace)
        return node

    def _not_found(self, node_id: str) -> NotFoundError:
        known = ", ".join(self.ids())
        return NotFoundError(
            f"no model or tool is registered as {node_id!r}; known ids: {known}",
            hint="run `agentnet models list`, or declare the model in agentnet.yaml (models: - id: ...)",
        )
