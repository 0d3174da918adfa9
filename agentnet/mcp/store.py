"""MCP server records in ``$AGENTNET_HOME/mcp.yaml``: servers added with ``agentnet mcp add`` and the
last tool list seen from every server (those declared in agentnet.yaml too).

A record holds the server's spec (command or URL; ``${VAR}`` references, never secrets), whether it
was saved by the CLI, when it was last reached, and its tools as listed, so a new process knows the
tools (and the directory their cards) without starting the server. A server that cannot be reached
keeps its tools, marked unavailable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentnet.config import McpServerSpec
from agentnet.errors import NotFoundError
from agentnet.home import home_path
from agentnet.yamlfile import load_yaml_list, save_yaml_file

MCP_FILE = "mcp.yaml"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class McpTool(BaseModel):
    """One tool as its server lists it (``tools/list``), kept as data."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str | None = None
    description: str = ""
    input_schema: dict[str, Any] = Field(default_factory=dict)
    output_schema: dict[str, Any] | None = None
    # read_only_hint, destructive_hint, idempotent_hint, open_world_hint (MCP ToolAnnotations)
    annotations: dict[str, Any] = Field(default_factory=dict)


class McpServerRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spec: McpServerSpec
    # True for servers added with `agentnet mcp add`; False for a config-declared server's cached tools.
    saved: bool = True
    added_at: str = Field(default_factory=now_iso)
    refreshed_at: str | None = None
    available: bool = True
    last_error: str | None = None
    tools: list[McpTool] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name


class McpFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    servers: list[McpServerRecord] = Field(default_factory=list)


class McpStore:
    """Load/save ``mcp.yaml``; every change is written atomically (temp file + rename)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else home_path(MCP_FILE)

    def load(self) -> list[McpServerRecord]:
        return load_yaml_list(self.path, McpFile, "servers", "MCP servers file")

    def save(self, records: list[McpServerRecord]) -> None:
        body = McpFile(servers=records).model_dump(mode="json", exclude_none=True)
        save_yaml_file(
            self.path, body, "agentnet MCP servers (written by `agentnet mcp ...`; secrets stay in ${VARIABLES})"
        )

    def get(self, name: str) -> McpServerRecord:
        for record in self.load():
            if record.name == name:
                return record
        raise self._not_found(name)

    def put(self, record: McpServerRecord) -> None:
        """Add or replace the record of ``record.name`` (in place, so the listing order stays)."""
        records = self.load()
        for index, old in enumerate(records):
            if old.name == record.name:
                records[index] = record
                break
        else:
            records.append(record)
        self.save(records)

    def remove(self, name: str) -> McpServerRecord:
        records = self.load()
        kept = [r for r in records if r.name != name or not r.saved]
        if len(kept) == len(records):
            raise self._not_found(name)
        self.save(kept)
        return next(r for r in records if r.name == name and r.saved)

    def _not_found(self, name: str) -> NotFoundError:
        known = ", ".join(r.name for r in self.load() if r.saved) or "none"
        return NotFoundError(f"no MCP server named {name!r} (known: {known})", hint="`agentnet mcp list` shows them")
