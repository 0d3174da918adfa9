"""Peer nodes: an agentnet peer's model reached through litellm (``openai/<remote id>`` + the peer's
api_base), or an A2A agent's skill reached through a2a-sdk's client (``a2a_node.py``).

Both add the federation headers to every call: the hop count and the chain of servers the request
already crossed (so A -> B -> A is refused by A) and the time the caller still waits (so a slow
chain stops with a deadline error instead of running on after nobody listens).
"""

from __future__ import annotations

import time
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.config import ModelParams
from agentnet.errors import ModelCallError
from agentnet.federation.headers import DEADLINE_HEADER, HOPS_HEADER, OUTGOING_HEADERS

# read_token lives with the peer records, so `agentnet peers add/refresh` read a token without loading
# LangChain and the node classes; importable from here as before.
from agentnet.federation.store import PeerRecord, remote_id
from agentnet.federation.store import read_token as read_token
from agentnet.nodes.base import CallOptions, ChatMessage
from agentnet.nodes.litellm import LiteLLMNode

# No retries: a peer that fails is down, looping or out of time, and the executor falls back to the
# next candidate; retrying would only multiply the wait (and a refused loop would be sent again).
PEER_PARAMS = ModelParams(retries=0, deadline_s=300.0, temperature=0.2)
# The bytes of one HTTP response from a peer (an answer streamed, or a whole task as JSON): room for the
# answer escaped as JSON, its history and status updates; beyond, the call fails before memory does.
MAX_RESPONSE_BYTES = 32_000_000


def with_federation_headers(opts: CallOptions, params: ModelParams) -> CallOptions:
    """``opts`` with the federation headers (``extra["extra_headers"]``) for a call on behalf of the
    request being served, and its deadline cut to what that request's caller still waits."""
    started = time.monotonic()
    headers = dict(OUTGOING_HEADERS.get() or {HOPS_HEADER: "1"})
    budget = opts.deadline_s or params.deadline_s
    if DEADLINE_HEADER in headers:
        budget = min(budget, float(headers[DEADLINE_HEADER]))
        opts.deadline_s = max(budget, 0.05)
    headers[DEADLINE_HEADER] = f"{max(budget - (time.monotonic() - started), 0.0):.3f}"
    opts.extra["extra_headers"] = headers
    return opts


class PeerNode(LiteLLMNode):
    """A node whose model lives on a peer agentnet server."""

    peer: str
    max_response_bytes: int | None = MAX_RESPONSE_BYTES

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

    def _too_large(self, limit: int) -> ModelCallError:
        return ModelCallError(
            f"peer {self.peer} ({self.api_base}) answered more than {limit:,} bytes: refused",
            hint="the peer's answers are too large to take; ask it for less, or use another peer",
            code="peer_too_large",
            retryable=False,  # the same request would pull as much again; the peer is still up for others
        )

    def _options(self, options: dict[str, Any]) -> CallOptions:
        # Runs in the caller's thread (where the request's context is), not in the worker thread.
        return with_federation_headers(super()._options(options), self.params)

    def _request(self, messages: list[ChatMessage], options: CallOptions, key: Any) -> dict[str, Any]:
        request = super()._request(messages, options, key)
        headers = options.extra.get("extra_headers")
        if headers:
            request["extra_headers"] = {**request.get("extra_headers", {}), **headers}
        return request
