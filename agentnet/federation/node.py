"""Peer nodes: a peer's model reached through litellm (``openai/<remote id>`` + the peer's api_base).

A peer node adds the federation headers to every call: the hop count and the chain of servers the
request already crossed (so A -> B -> A is refused by A) and the time the caller still waits (so a
slow chain stops with a deadline error instead of running on after nobody listens).
"""

from __future__ import annotations

import time
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams
from agentnet.federation.headers import DEADLINE_HEADER, HOPS_HEADER, OUTGOING_HEADERS
from agentnet.federation.store import PeerRecord, remote_id
from agentnet.nodes.base import CallOptions, ChatMessage
from agentnet.nodes.litellm import LiteLLMNode

# No retries: a peer that fails is down, looping or out of time, and the executor falls back to the
# next candidate; retrying would only multiply the wait (and a refused loop would be sent again).
PEER_PARAMS = ModelParams(retries=0, deadline_s=300.0, temperature=0.2)


class PeerNode(LiteLLMNode):
    """A node whose model lives on a peer agentnet server."""

    peer: str

    @classmethod
    def for_card(cls, record: PeerRecord, card: CapabilityCard, params: ModelParams | None = None) -> PeerNode:
        return cls(
            node_id=card.id,
            card=card,
            params=params or PEER_PARAMS,
            model=f"openai/{remote_id(record, card)}",
            api_base=record.api_base,
            api_key_env=record.token_env,
            peer=record.name,
        )

    def _options(self, options: dict[str, Any]) -> CallOptions:
        # Runs in the caller's thread (where the request's context is), not in the worker thread.
        opts = super()._options(options)
        started = time.monotonic()
        headers = dict(OUTGOING_HEADERS.get() or {HOPS_HEADER: "1"})
        budget = opts.deadline_s or self.params.deadline_s
        if DEADLINE_HEADER in headers:
            budget = min(budget, float(headers[DEADLINE_HEADER]))
            opts.deadline_s = max(budget, 0.05)
        headers[DEADLINE_HEADER] = f"{max(budget - (time.monotonic() - started), 0.0):.3f}"
        opts.extra["extra_headers"] = headers
        return opts

    def _request(self, messages: list[ChatMessage], options: CallOptions, key: Any) -> dict[str, Any]:
        request = super()._request(messages, options, key)
        headers = options.extra.get("extra_headers")
        if headers:
            request["extra_headers"] = dict(headers)
        return request
