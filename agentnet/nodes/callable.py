"""Callable nodes: a plain Python function (a tool, or a non-LLM model such as a classifier) on the
network with its own capability card.

A function's typed parameters are its input schema (pydantic reads the signature; ``Annotated``
fields carry descriptions and roles), and a step fills them like an MCP tool's arguments
(``nodes/arguments.py``): the parameter marked ``"x-agentnet": "input"`` — by default the first
required one — takes the step's input (an earlier output, the user's input, or an artifact's path),
one marked ``"request"`` the step's own words, the others values written in the task. A tool never
sees agentnet's prompt scaffolding. A function of one untyped parameter receives the input as it
comes: parsed JSON when it is a JSON object or array, the text otherwise. When nothing was handed over
and a function that marks no roles gets the request itself as its input, it gets the text the request
carries instead, as the bundled text tools do (``collaborators/carried.py``): its quoted text, else
what follows its colon ("Count the words in this text: the quick brown fox" counts 4 words, not 10).

The function returns a string (sent as is), a ``ToolOutput`` (text, data and files), or any other
JSON-serialisable value (sent as JSON text, and as the reply's data). None is no answer: an error
naming the tool, as it is most often a missing ``return``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from agentnet.cards import CapabilityCard
from agentnet.collaborators.carried import carried_text
from agentnet.errors import AgentnetError, ModelCallError, UserError
from agentnet.nodes.arguments import REQUEST_OPTION, ToolRequest, ToolSchema, fill_arguments, request_from
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage
from agentnet.nodes.each_file import joined, per_file
from agentnet.nodes.outputs import ToolOutput
from agentnet.nodes.signature import Signature, with_parameters


class CallableNode(ModelNode):
    """A node that runs ``fn`` with arguments filled from the step (or the last user message)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    fn: Callable[..., Any]
    parse_json: bool = True
    signature: Any = None

    @classmethod
    def build(cls, fn: Callable[..., Any], card: CapabilityCard, *, parse_json: bool = True) -> CallableNode:
        if not callable(fn):
            raise UserError(f"cannot register {fn!r} for {card.id!r}: it is not callable")
        return cls(
            node_id=card.id, card=with_parameters(card, fn), fn=fn, parse_json=parse_json, signature=Signature(fn)
        )

    def _input(self, messages: list[ChatMessage], options: CallOptions) -> Any:
        """The one value a function of one untyped parameter gets."""
        if isinstance(options.extra.get(REQUEST_OPTION), dict):
            request = request_from(messages, options)
            value = request.input_value({} if self.parse_json else {"type": "string"})
            return _carried(request, value)
        user = [m["content"] for m in messages if m["role"] == "user"]
        text = _carried(request_from(messages, options), user[-1] if user else messages[-1]["content"])
        stripped = text.strip()
        if self.parse_json and stripped[:1] in ("{", "["):
            try:
                return json.loads(stripped)
            except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
                return text
        return text

    def _call(self, messages: list[ChatMessage], options: CallOptions) -> ToolOutput:
        signature: Signature = self.signature
        if signature is None or signature.model is None:
            return _as_output(self.node_id, self.fn(self._input(messages, options)))
        tool = ToolSchema(self.node_id, self.card.description, signature.schema)
        # A tool taking one file's name, handed several files, runs once for each (nodes/each_file.py).
        # One that measures a text and says how its answers add up (``fn.each_file``) runs once per text.
        combine = getattr(self.fn, "each_file", None)
        requests = per_file(tool, request_from(messages, options), texts=callable(combine))
        model = signature.model
        outputs = [(file, self._call_with(model, tool, request, options)) for file, request in requests]
        return joined(outputs, combine if callable(combine) else None)

    def _call_with(
        self, model: type[BaseModel], tool: ToolSchema, request: ToolRequest, options: CallOptions
    ) -> ToolOutput:
        filled = fill_arguments(tool, request, None, options.deadline_s or 60.0)
        name = self.signature.default_input
        if name is not None and filled.sources.get(name) == "input":
            filled.arguments[name] = _carried(request, filled.arguments[name])
        try:
            arguments = model.model_validate(filled.arguments)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(arguments)"
            raise UserError(
                f"the arguments for {self.node_id!r} do not fit at {where}: {first['msg']}",
                hint="write the missing or wrong value in the task",
                code="tool_arguments_invalid",
            ) from None
        try:
            return _as_output(self.node_id, self.fn(**{name: getattr(arguments, name) for name in model.model_fields}))
        except UserError as exc:
            raise _naming_file(exc, request, "input" in filled.sources.values()) from None

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        try:
            output = self._call(messages, options)
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
        if output.text:
            yield output.text
        yield Generation(usage=Usage(), finish_reason="stop", data=output.data, files=output.files)


def _carried(request: ToolRequest, value: Any) -> Any:
    """``value``, unless it is the request itself and nothing was handed over: then the text the request
    carries, when it carries one. The docs' text-stats plugin counted "Count the words in this text: the
    quick brown fox" as 10 words, the request's own words with the text's."""
    if request.handed() or request.files or not isinstance(value, str) or value != request.request_text():
        return value
    return carried_text(value) or value


def _as_output(node_id: str, result: Any) -> ToolOutput:
    if isinstance(result, ToolOutput):
        return result
    if result is None:
        # Most often a function that ends without `return`: its answer was "null", and the run succeeded.
        raise ModelCallError(
            f"tool {node_id!r} returned None, so it gave no answer",
            hint="return the answer (a str, a ToolOutput or plain data); a function that ends without "
            "`return` returns None",
            code="tool_failed",
        )
    if isinstance(result, str):
        return ToolOutput(result)
    try:
        return ToolOutput(json.dumps(result, ensure_ascii=False), data=result)
    except (TypeError, ValueError) as exc:
        raise ModelCallError(
            f"tool {node_id!r} returned a {type(result).__name__}, which is not JSON-serialisable: {exc}",
            hint="return a str, a ToolOutput or plain data (dict, list, numbers, strings)",
            code="tool_failed",
        ) from None


def _naming_file(exc: UserError, request: ToolRequest, from_input: bool) -> UserError:
    """``exc`` naming the one file the tool read, when its input was that file's text alone: a tool
    gets the text, not the name, and "line 3 has 3 cells" left the user to guess which file."""
    if from_input and len(request.files) == 1 and len(request.upstream) == 1:
        name = request.files[0]
        if name not in exc.message and Path(name).name not in exc.message:
            exc.message = f"{name}: {exc.message}"
            exc.args = (exc.message,)
    return exc
