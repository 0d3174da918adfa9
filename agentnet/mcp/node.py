"""An MCP tool as a node: arguments filled and checked, destructive tools refused unless allowed, the
call made on the server's shared session under agentnet's deadline, and the result returned as text.

A step hands the node its task, instruction, plan literals and earlier outputs (``tool_request`` in
the call options, see ``executor.compile``); called directly, the node reads the last user message
(a JSON object there is taken as the arguments themselves). Failures become agentnet errors the
executor already knows: an ``isError`` result, a crash, a protocol error or a deadline.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict

from agentnet.config import McpServerSpec, McpSettings, ModelParams
from agentnet.errors import RunError, UserError
from agentnet.mcp.store import McpTool
from agentnet.nodes.arguments import ToolRequest, ToolSchema, fill_arguments, request_from
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage

if TYPE_CHECKING:
    from agentnet.mcp.hub import McpHub


def tool_schema(tool: McpTool) -> ToolSchema:
    """An MCP tool as argument filling sees it (its errors carry MCP's own code)."""
    return ToolSchema(tool.name, tool.description, tool.input_schema, error_code="mcp_arguments_invalid")


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
                hint="allow them for one run with `agentnet run --allow-destructive`, or for good with "
                "`mcp: {allow_destructive: true}` in agentnet.yaml",
                code="mcp_destructive_refused",
            )
        deadline_s = options.deadline_s or self.params.deadline_s
        filled = fill_arguments(tool_schema(self.tool), self.request_from(messages, options), self.filler, deadline_s)
        if cancel.cancelled:
            return
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
        if text:
            yield text
        yield Generation(usage=Usage(), finish_reason="stop")


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
