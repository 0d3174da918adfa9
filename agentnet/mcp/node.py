"""An MCP tool as a node: arguments filled and checked, destructive tools refused unless allowed, the
call made on the server's shared session under agentnet's deadline, and the result returned as text.

A step hands the node its task, instruction, plan literals and earlier outputs (``tool_request`` in
the call options, see ``executor.compile``); called directly, the node reads the last user message
(a JSON object there is taken as the arguments themselves). Failures become agentnet errors the
executor already knows: an ``isError`` result, a crash, a protocol error or a deadline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict

from agentnet.config import McpServerSpec, McpSettings, ModelParams
from agentnet.errors import RunError, UserError
from agentnet.mcp.store import McpTool
from agentnet.nodes.arguments import ROLE_KEY, ToolRequest, ToolSchema, fill_arguments, request_from
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage
from agentnet.nodes.each_file import per_file
from agentnet.nodes.forms import takes_path, takes_paths

if TYPE_CHECKING:
    from agentnet.mcp.hub import McpHub


def tool_schema(tool: McpTool) -> ToolSchema:
    """An MCP tool as argument filling sees it (its errors carry MCP's own code), its file parameter
    given the input role (``with_file_role``)."""
    return ToolSchema(
        tool.name, tool.description, with_file_role(tool.input_schema), error_code="mcp_arguments_invalid"
    )


# A description that says the value is a file, not a URL's path or a JSON path.
_FILE_WORDS = re.compile(r"\bfile(?:s|names?|[ _-]?paths?)?\b|\bdirector(?:y|ies)\b", re.IGNORECASE)


def with_file_role(schema: Any) -> Any:
    """An MCP server marks no roles, so a handed file's name reached a ``path`` parameter only if a
    model guessed it from the task. The one parameter that takes a file's name or names (named for a
    path or in ``format: path``, and described as a file's when only named so) takes the step's input,
    as a bundled tool's does. A tool with roles of its own, or with two such parameters (a source
    and a destination), is left as it is."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict) or any(isinstance(p, dict) and ROLE_KEY in p for p in properties.values()):
        return schema
    found = [name for name, prop in properties.items() if isinstance(prop, dict) and _a_file(name, prop)]
    if len(found) != 1:
        return schema
    return {**schema, "properties": {**properties, found[0]: {**properties[found[0]], ROLE_KEY: "input"}}}


def _a_file(name: str, prop: dict[str, Any]) -> bool:
    items = prop.get("items")
    if "path" in (prop.get("format"), items.get("format") if isinstance(items, dict) else None):
        return True
    said = f"{prop.get('description') or ''} {prop.get('title') or ''}"
    return (takes_path(name, prop) or takes_paths(name, prop)) and bool(_FILE_WORDS.search(said))


class McpToolNode(ModelNode):
    """``<server>.<tool>``: one tool of one MCP server."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    server: McpServerSpec
    tool: McpTool
    settings: McpSettings = McpSettings()
    # The model that fills arguments the task does not state (the planner model); None: never guess.
    filler: Callable[[], ModelNode] | None = None
    hub: Any = None
    gen_ai_operation: ClassVar[str] = "execute_tool"

    def span_attributes(self) -> dict[str, Any]:
        return {"gen_ai.provider.name": "mcp", "gen_ai.tool.name": self.node_id, "gen_ai.request.model": self.node_id}

    @property
    def admission_key(self) -> str:
        return f"mcp:{self.server.name}"

    def _hub(self) -> McpHub:
        if self.hub is not None:
            return self.hub
        from agentnet.mcp.hub import shared_hub

        return shared_hub()

    def request_from(self, messages: list[ChatMessage], options: CallOptions) -> ToolRequest:
        return request_from(messages, options)

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        if self.card.destructive and not self.settings.allow_destructive:
            raise UserError(
                f"refused to call {self.node_id}: the server marks this tool as one that may change or delete "
                "things (MCP destructiveHint, the default for tools not marked read-only), and destructive "
                "tools are not allowed",
                hint="allow them for one run with --allow-destructive (`agentnet run`, `agentnet recipe run`), "
                "or for good with "
                "`mcp: {allow_destructive: true}` in agentnet.yaml",
                code="mcp_destructive_refused",
            )
        deadline_s = options.deadline_s or self.params.deadline_s
        schema = tool_schema(self.tool)
        # A tool taking one file's name, handed several files, runs once for each (nodes/each_file.py).
        texts: list[tuple[str, str]] = []
        for file, request in per_file(schema, self.request_from(messages, options)):
            if cancel.cancelled:
                return
            texts.append((file, self._call_tool(schema, request, deadline_s, cancel)))
        text = texts[0][1] if len(texts) == 1 else "\n\n".join(f"{file}:\n{text.strip()}" for file, text in texts)
        if text:
            yield text
        yield Generation(usage=Usage(), finish_reason="stop")

    def _call_tool(self, schema: ToolSchema, request: ToolRequest, deadline_s: float, cancel: CancelToken) -> str:
        filled = fill_arguments(schema, request, self.filler, deadline_s)
        if cancel.cancelled:
            return ""
        result = (
            self._hub()
            .server(self.server)
            .call_tool(self.tool.name, filled.arguments, deadline_s, cancelled=lambda: cancel.cancelled)
        )
        text = result_text(result, self.settings.max_result_chars)
        if result.is_error:
            raise RunError(
                f"MCP tool {self.node_id} reported an error: {text[:500]}",
                hint=f"the arguments were {json.dumps(filled.arguments, ensure_ascii=False)[:300]}; "
                "check them against `agentnet mcp tools " + self.server.name + "`",
                code="mcp_tool_error",
            )
        return text


def result_text(result: Any, limit: int) -> str:
    """A tool result as text (text blocks, else the structured content as JSON), cut at ``limit``."""
    parts: list[str] = []
    for block in result.content or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind == "resource":
            inner = block.resource
            parts.append(getattr(inner, "text", None) or f"[binary resource {inner.uri}]")
        elif kind == "resource_link":
            parts.append(f"[resource {block.uri}]")
        else:
            size = len(getattr(block, "data", "") or "")
            parts.append(f"[{kind} {getattr(block, 'mime_type', '')}, {size} base64 characters]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    text = "\n".join(parts)
    if len(text) > limit:
        note = f"\n[agentnet: the tool's result was cut to its first {limit:,} of {len(text):,} characters]"
        text = text[:limit] + note
    return text


def tool_params(spec: McpServerSpec) -> ModelParams:
    # No adapter-level retries: the executor's policy decides, and a crash is not repeated blindly.
    return ModelParams(deadline_s=spec.deadline_s, retries=0)
