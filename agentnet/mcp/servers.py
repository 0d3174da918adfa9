"""The MCP servers a network uses: those declared in agentnet.yaml (``mcp_servers:``) and those added
with ``agentnet mcp add`` (``$AGENTNET_HOME/mcp.yaml``; a declared server wins on a name clash).

``McpServers`` adds, refreshes, lists and removes them, attaches a ``McpToolNode`` per tool to a
registry, and keeps cards following their server: a changed tool list (``listChanged``) or a server
that is gone updates the record, the registry and, when one is open, the directory.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from agentnet.config import AgentnetConfig, McpServerSpec
from agentnet.errors import ConfigError, ModelCallError, UserError
from agentnet.mcp.cards import provider, record_cards, tool_card
from agentnet.mcp.store import McpServerRecord, McpStore, McpTool, now_iso

if TYPE_CHECKING:
    from agentnet.mcp.hub import McpHub
    from agentnet.mcp.node import McpToolNode
    from agentnet.nodes.base import ModelNode

_LITERAL_SECRET = re.compile(r"^\s*(?:bearer|basic|token)\s+(?!\$\{)\S+", re.IGNORECASE)


class CardWriter(Protocol):
    def sync(self, cards: list[Any], provider: str = "model") -> dict[str, int]: ...


class NodeSink(Protocol):
    def register_node(self, node: Any, *, replace: bool = False) -> Any: ...

    def remove_node(self, node_id: str) -> None: ...


def check_spec(spec: McpServerSpec) -> McpServerSpec:
    """Refuse credentials written out in a header: they belong in an environment variable."""
    for key, value in spec.headers.items():
        if _LITERAL_SECRET.match(value) or (key.lower() in {"authorization", "x-api-key"} and "${" not in value):
            raise UserError(
                f"the {key} header of MCP server {spec.name!r} holds a secret itself",
                hint=f"put it in an environment variable and write --header '{key}: Bearer ${{MY_TOKEN}}'",
            )
    return spec


class McpServers:
    """The MCP operations behind ``agentnet mcp ...`` and a network's start-up."""

    def __init__(self, config: AgentnetConfig, store: McpStore | None = None, hub: McpHub | None = None) -> None:
        self.config = config
        self.store = store or McpStore()
        self._hub = hub
        self._lock = threading.Lock()
        self._registry: NodeSink | None = None
        self._filler: Callable[[], ModelNode] | None = None
        self._directory: Callable[[], CardWriter | None] = lambda: None
        self._followed: list[str] = []  # the servers attach() listens to, for close()

    @property
    def hub(self) -> McpHub:
        if self._hub is None:
            from agentnet.mcp.hub import shared_hub

            self._hub = shared_hub()
        return self._hub

    # --- what is known ---------------------------------------------------------------------

    def records(self) -> list[McpServerRecord]:
        """Every server in effect, with its last known tools (declared ones first)."""
        saved = {r.name: r for r in self.store.load()}
        out = []
        for spec in self.config.mcp_servers:
            known = saved.get(spec.name)
            if known is not None and known.spec == spec:
                out.append(known.model_copy(update={"saved": False}))
            else:
                out.append(McpServerRecord(spec=spec, saved=False, available=True, refreshed_at=None))
        declared = {spec.name for spec in self.config.mcp_servers}
        out.extend(r for r in saved.values() if r.saved and r.name not in declared)
        return out

    def record(self, name: str) -> McpServerRecord:
        for record in self.records():
            if record.name == name:
                return record
        self.store.get(name)  # raises NotFoundError naming the known servers
        raise AssertionError("unreachable")

    # --- changes ---------------------------------------------------------------------------

    def add(self, spec: McpServerSpec) -> McpServerRecord:
        check_spec(spec)
        if any(s.name == spec.name for s in self.config.mcp_servers):
            raise UserError(f"MCP server {spec.name!r} is declared in the config already", hint="choose another name")
        if any(r.name == spec.name and r.saved for r in self.store.load()):
            raise UserError(
                f"an MCP server named {spec.name!r} exists already", hint=f"`agentnet mcp remove {spec.name}`"
            )
        tools = self.hub.server(spec).list_tools()
        record = McpServerRecord(spec=spec, saved=True, refreshed_at=now_iso(), tools=tools)
        self.store.put(record)
        return record

    def refresh(self, name: str) -> McpServerRecord:
        """Connect now and re-read the tool list (the record keeps its tools, unavailable, on failure)."""
        record = self.record(name)
        try:
            tools = self.hub.server(record.spec).list_tools()
        except ModelCallError as exc:
            return self._update(record.spec, None, exc.message)
        except ConfigError:
            raise
        return self._update(record.spec, tools, None)

    def remove(self, name: str) -> McpServerRecord:
        if any(s.name == name for s in self.config.mcp_servers):
            raise UserError(
                f"MCP server {name!r} is declared in the config file, not added with `agentnet mcp add`",
                hint="remove it from mcp_servers: in agentnet.yaml",
            )
        return self.store.remove(name)

    def _update(self, spec: McpServerSpec, tools: list[McpTool] | None, error: str | None) -> McpServerRecord:
        """Record what a server said (its tools) or that it is gone, then update registry and directory."""
        with self._lock:
            records = {r.name: r for r in self.store.load()}
            old = records.get(spec.name)
            saved = (
                old.saved
                if old is not None and old.spec == spec
                else not any(s.name == spec.name for s in self.config.mcp_servers)
            )
            base = old if old is not None and old.spec == spec else McpServerRecord(spec=spec, saved=saved)
            fresh = base.model_copy(
                update={
                    "available": tools is not None,
                    "last_error": error[:500] if error else None,
                    "refreshed_at": now_iso() if tools is not None else base.refreshed_at,
                    "tools": tools if tools is not None else base.tools,
                }
            )
            self.store.put(fresh)
        kept = {t.name for t in tools or []}
        self._publish(fresh, gone=[t.name for t in base.tools if tools is not None and t.name not in kept])
        return fresh

    # --- nodes and cards -------------------------------------------------------------------

    def attach(
        self,
        registry: NodeSink,
        filler: Callable[[], ModelNode] | None = None,
        directory: Callable[[], CardWriter | None] | None = None,
    ) -> list[str]:
        """Register a node per known tool (servers never contacted are asked for their tools now)."""
        self._registry, self._filler = registry, filler
        if directory is not None:
            self._directory = directory
        ids = []
        for record in self.records():
            if record.refreshed_at is None and not record.tools:
                record = self.refresh(record.name)
            self.hub.server(record.spec).listeners.append(self._heard)
            self._followed.append(record.name)
            ids.extend(self._register(record))
        return ids

    def close(self) -> None:
        """Stop following the servers attach() follows; the sessions nothing else follows end (their stdio
        processes stopped): a closed ``Network`` left them running until the process exited."""
        followed, self._followed = self._followed, []
        for name in followed:
            self.hub.release(name, self._heard)
        self._registry = None

    def sync_directory(self, directory: CardWriter) -> dict[str, int]:
        totals = {"changed": 0, "removed": 0, "unchanged": 0}
        for record in self.records():
            for key, value in directory.sync(record_cards(record), provider=provider(record.name)).items():
                totals[key] = totals.get(key, 0) + value
        return totals

    def _heard(self, name: str, tools: list[McpTool] | None, error: str | None) -> None:
        spec = next((r.spec for r in self.records() if r.name == name), None)
        if spec is not None:
            self._update(spec, tools, error)

    def node(self, record: McpServerRecord, tool: McpTool) -> McpToolNode:
        """The node for one tool of one server."""
        from agentnet.mcp.node import McpToolNode, tool_params

        card = tool_card(record.spec, tool, available=record.available)
        return McpToolNode(
            node_id=card.id,
            card=card,
            params=tool_params(record.spec),
            server=record.spec,
            tool=tool,
            settings=self.config.mcp,
            filler=self._filler,
            hub=self._hub,
        )

    def _register(self, record: McpServerRecord) -> list[str]:
        if self._registry is None:
            return []
        ids = []
        for tool in record.tools:
            node = self.node(record, tool)
            self._registry.register_node(node, replace=True)
            ids.append(node.node_id)
        return ids

    def _publish(self, record: McpServerRecord, gone: list[str]) -> None:
        from agentnet.mcp.cards import node_id

        if self._registry is not None:
            for tool in gone:
                self._registry.remove_node(node_id(record.name, tool))
            self._register(record)
        directory = self._directory()
        if directory is not None:
            directory.sync(record_cards(record), provider=provider(record.name))
