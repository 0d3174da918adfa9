"""Peering's built-in transports, registered through ``register_peer_transports`` like a plugin's.

``openai``: an agentnet server (its agent card carries agentnet's capability-card extension), its
cards kept as published and reached on its OpenAI-compatible API (``PeerNode``, litellm). ``a2a``:
any other A2A agent, each skill a card reached through a2a-sdk's client (``A2APeerNode``); it has no
``detect``, so it takes every agent card no other transport claims. Everything is imported on use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentnet.plugins.hookspecs import hookimpl


def _is_agentnet(document: Any) -> bool:
    from agentnet.federation.peers import agentnet_extension

    return isinstance(document, dict) and agentnet_extension(document) is not None


def _agentnet_record(url: str, name: str, token_env: str | None, document: Any) -> Any:
    from agentnet.federation.peers import agentnet_record

    return agentnet_record(url, name, token_env, document)


def _agentnet_node(record: Any, card: Any) -> Any:
    from agentnet.federation.node import PeerNode

    return PeerNode.for_card(record, card)


def _a2a_record(url: str, name: str, token_env: str | None, document: Any) -> Any:
    from agentnet.federation.a2a_agent import a2a_record

    return a2a_record(url, name, token_env, document)


def _a2a_node(record: Any, card: Any) -> Any:
    from agentnet.federation.a2a_node import A2APeerNode

    return A2APeerNode.for_card(record, card)


@hookimpl
def register_peer_transports(register: Callable[..., None]) -> None:
    register(
        "openai",
        detect=_is_agentnet,
        read=_agentnet_record,
        node=_agentnet_node,
        description="agentnet servers, on their OpenAI-compatible API",
    )
    register("a2a", read=_a2a_record, node=_a2a_node, description="any A2A agent, through a2a-sdk's client")
