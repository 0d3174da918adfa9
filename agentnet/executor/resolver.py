"""Node resolvers: how the executor turns a card id into the ``ModelNode`` that serves it.

A resolver is any ``Callable[[str], ModelNode]``. ``as_resolver`` accepts the usual sources: a
``NodeRegistry`` (anything with ``.node(id)``), a mapping of ids to nodes (or to plain functions,
which become ``CallableNode`` tools), a list of nodes, or a callable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.errors import NotFoundError, UserError
from agentnet.nodes.base import ModelNode

NodeResolver = Callable[[str], ModelNode]


def _mapping_resolver(nodes: Mapping[str, ModelNode]) -> NodeResolver:
    def resolve(card_id: str) -> ModelNode:
        try:
            return nodes[card_id]
        except KeyError:
            known = ", ".join(sorted(nodes)) or "none"
            raise NotFoundError(
                f"no node serves card {card_id!r} (known: {known})",
                hint="register a model with that id in agentnet.yaml, or re-plan with the current directory",
            ) from None

    return resolve


def as_resolver(source: Any) -> NodeResolver:
    """Build a resolver from a registry, mapping, list of nodes or a callable."""
    if isinstance(source, ModelNode):
        return _mapping_resolver({source.node_id: source})
    node_method = getattr(source, "node", None)
    if callable(node_method):
        return node_method
    if isinstance(source, Mapping):
        nodes: dict[str, ModelNode] = {}
        for key, value in source.items():
            nodes[str(key)] = value if isinstance(value, ModelNode) else _function_node(str(key), value)
        return _mapping_resolver(nodes)
    if isinstance(source, Iterable) and not isinstance(source, str | bytes):
        return _mapping_resolver({node.node_id: node for node in source})
    if callable(source):
        return source
    raise UserError(
        f"cannot resolve nodes from a {type(source).__name__}",
        hint="pass a NodeRegistry, a dict of id -> ModelNode/function, a list of nodes, or a function id -> node",
    )


def _function_node(node_id: str, fn: Callable[[Any], Any]) -> ModelNode:
    from agentnet.nodes.callable import CallableNode

    name = getattr(fn, "__name__", node_id)
    return CallableNode.build(fn, CapabilityCard(id=node_id, description=f"python function {name}"))
