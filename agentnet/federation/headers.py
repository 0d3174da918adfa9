"""The federation headers one agentnet server sends another, and the per-request context holding them."""

from __future__ import annotations

import contextvars

HOPS_HEADER = "X-Agentnet-Hops"
VIA_HEADER = "X-Agentnet-Via"
DEADLINE_HEADER = "X-Agentnet-Deadline"  # seconds the caller still waits

# Headers for calls made on behalf of the request being served (set by the server per request).
OUTGOING_HEADERS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "agentnet_outgoing_headers", default=None
)
