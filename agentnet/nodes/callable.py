"""Callable nodes: a plain Python function (a tool, or a non-LLM model such as a classifier) on the
network with its own capability card.

The function receives the last user message: parsed JSON when that text is a JSON object or
array, the text otherwise. It returns a string (sent as is) or any JSON-serialisable value (sent
as JSON text, and as ``Reply.data``-ready JSON when a schema is imposed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ConfigDict

from agentnet.cards import CapabilityCard, tool_card
from agentnet.errors import AgentnetError, ModelCallError, UserError
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage


class CallableNode(ModelNode):
    """A node that runs ``fn`` on the last user message."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    fn: Callable[[Any], Any]
    parse_json: bool = True

    @classmethod
    def build(cls, fn: Callable[[Any], Any], card: CapabilityCard, *, parse_json: bool = True) -> CallableNode:
        if not callable(fn):
            raise UserError(f"cannot register {fn!r} for {card.id!r}: it is not callable")
        return cls(node_id=card.id, card=tool_card(card), fn=fn, parse_json=parse_json)

    def _input(self, messages: list[ChatMessage]) -> Any:
        user = [m["content"] for m in messages if m["role"] == "user"]
        text = user[-1] if user else messages[-1]["content"]
        stripped = text.strip()
        if self.parse_json and stripped[:1] in ("{", "["):
            try:
                return json.loads(stripped)
            except json.JSONDecodeError:
                return text
        return text

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        value = self._input(messages)
        try:
            result = self.fn(value)
        except AgentnetError:
            raise
        except Exception as exc:  # any failure of user code becomes a RunError naming the tool
            raise ModelCallError(
                f"tool {self.node_id!r} failed: {type(exc).__name__}: {exc}",
                hint="fix the function registered for this tool or the input it was given",
                code="tool_failed",
            ) from exc
        if cancel.cancelled:
            return
        if isinstance(result, str):
            text = result
        else:
            try:
                text = json.dumps(result, ensure_ascii=False)
            except (TypeError, ValueError) as exc:
                raise ModelCallError(
                    f"tool {self.node_id!r} returned a {type(result).__name__}, which is not JSON-serialisable: {exc}",
                    hint="return a str or plain data (dict, list, numbers, strings)",
                    code="tool_failed",
                ) from None
        if text:
            yield text
        yield Generation(usage=Usage(), finish_reason="stop")
