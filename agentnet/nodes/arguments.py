"""Filling a tool's arguments under its input schema, then checking them before the call.

One mechanism for every collaborator that takes arguments instead of a prompt: Python functions on
the network (``nodes/callable.py``) and MCP tools (``mcp/node.py``). In order, each property takes
the first value found:
1. a field of the same name in structured data an earlier step produced, else the value the plan gave
   the parameter, read as the property's type ("3" is 3 for an integer; one that cannot be read so
   is an error naming the tool, the parameter and the value). A string whose schema gives it a form
   (a format, a pattern, examples shaped like "Area/City") that the plan's value lacks is the request's
   token it was cut from ("Europe" of "Europe/Paris"), else left to the steps below;
2. its role, when the schema marks one (``"x-agentnet": "input"``, ``"request"`` or ``"handed"``): the step's input
   (an earlier step's output or the user's input: text, parsed JSON, or a file's path, as the
   property's type asks: a ``format: path`` or a string named for a path (path, filename, ...) gets an
   artifact's path, else the name of a text file handed over, as the user wrote it; an array so named
   or of ``format: path`` items gets every name, and a tool taking one name runs once per file:
   ``nodes/each_file.py``) or the step's own
   request (its instruction), or whether the step was handed an input at all (a boolean: a tool whose
   input reads the same as its request tells "count this text" from a request about no text);
3. a value written literally in the step's text, the task or an earlier step's text that fits the
   property: an enum member, a value in the property's format or pattern, a number for a required
   number, or a token shaped like the examples in its schema or description ("Asia/Tokyo" is shaped
   like "America/New_York");
4. for required properties still empty, the planner model, constrained to the missing properties'
   schema (llama.cpp turns it into a grammar), reading the tool's description and the task as data.
The result is validated with jsonschema; a value that does not fit is an error naming the property.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentnet.delimit import DATA_NOTE, data_block, flat_text
from agentnet.errors import AgentnetError, OutputValidationError
from agentnet.nodes.coerce import NotCoercible, coerce
from agentnet.nodes.forms import candidates, in_form, pick, takes_path, takes_paths, types_of

if TYPE_CHECKING:
    from agentnet.nodes.base import CallOptions, ChatMessage, ModelNode

MODEL_MAX_TOKENS = 192
# The schema key that gives a property its role in a step: "input", "request" or "handed".
ROLE_KEY = "x-agentnet"
# The call option that carries a step as data (see executor.prompts.tool_request).
REQUEST_OPTION = "tool_request"


@dataclass(frozen=True)
class ToolSchema:
    """What filling needs to know about a tool: its name, what it does, its input schema, and the
    error code its argument errors carry."""

    name: str
    description: str
    schema: dict[str, Any]
    error_code: str = "tool_arguments_invalid"


@dataclass
class ToolRequest:
    """What a step hands a tool: the task, the step's own words, plan literals and earlier outputs."""

    task: str
    instruction: str = ""
    literals: dict[str, Any] = field(default_factory=dict)
    # (source, text, data): an earlier step's output; ``data`` is its parsed JSON when it has any.
    upstream: list[tuple[str, str, Any]] = field(default_factory=list)
    # The paths of the text files handed over that the step reads, as the user wrote them.
    files: list[str] = field(default_factory=list)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ToolRequest:
        return cls(
            task=str(payload.get("task") or ""),
            instruction=str(payload.get("instruction") or ""),
            literals=dict(payload.get("literals") or {}),
            upstream=[(str(s), str(t), d) for s, t, d in payload.get("upstream") or []],
            files=[str(f) for f in payload.get("files") or []],
        )

    def texts(self) -> list[str]:
        return [t for t in (self.instruction, self.task, *(text for _, text, _ in self.upstream)) if t]

    def handed(self) -> bool:
        """Whether the step was handed an input (a file, piped text, an earlier output, a recipe input):
        then the input is material even where its text is the request's ("{{ inputs.text }}")."""
        return bool(self.upstream)

    def request_text(self) -> str:
        """What this step asks for: its instruction, else the task."""
        return self.instruction or self.task

    def input_value(self, prop: dict[str, Any], name: str = "") -> Any:
        """The step's input as ``prop`` (the property ``name``) takes it: a file's path (``format: path``,
        or a string property named for a path: an artifact's, else a text file's handed over), all of
        them for a list of paths (``paths: list[str]``), parsed
        JSON (object or array), or text (earlier outputs joined); the request itself when the step
        has no input. None when nothing of that kind was handed over."""
        paths = [data["path"] for _, _, data in self.upstream if isinstance(data, dict) and data.get("path")]
        paths += self.files
        if takes_paths(name, prop) and paths:
            return paths
        if takes_path(name, prop) and (paths or prop.get("format") == "path"):
            # Several files reach such a tool one at a time (nodes/each_file.py): here, the first.
            return paths[0] if paths else None
        # A property without a type (a function of one untyped parameter) takes the input as it comes.
        kinds = types_of(prop) if "type" in prop else set()
        if kinds & {"object", "array"}:
            for item in self.upstream:
                data = _structured(item, any_json=True)
                if isinstance(data, dict | list):
                    return data
            return None
        texts = [text for _, text, _ in self.upstream if text]
        if "string" in kinds:
            # An input that was handed over but is empty (an empty file) is the input: the request
            # in its place made a word counter count the request's words ("5 words" for empty.txt).
            return "\n\n".join(texts) if self.upstream else self.request_text()
        # An untyped input: the data of a single input when it has any, else its text.
        if len(self.upstream) == 1:
            data = _structured(self.upstream[0], any_json=True)
            return data if data is not None else self.upstream[0][1]
        return "\n\n".join(texts) if self.upstream else self.request_text()


def request_from(messages: list[ChatMessage], options: CallOptions) -> ToolRequest:
    """The request a node was called with: the step as data when the executor sent one, else the
    last user message (a JSON object there is taken as the arguments themselves)."""
    payload = options.extra.get(REQUEST_OPTION)
    if isinstance(payload, dict):
        return ToolRequest.from_payload(payload)
    user = [m["content"] for m in messages if m["role"] == "user"]
    text = user[-1] if user else messages[-1]["content"]
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            literals = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
            literals = None
        if isinstance(literals, dict):
            return ToolRequest(task="", literals=literals)
    return ToolRequest(task=text, instruction=text)


@dataclass
class Filled:
    arguments: dict[str, Any]
    # property -> where its value came from: "data", "plan", "text", "model"
    sources: dict[str, str]


def fill_arguments(
    tool: ToolSchema, request: ToolRequest, model: Callable[[], ModelNode] | None = None, deadline_s: float = 60.0
) -> Filled:
    """The arguments for one call of ``tool``, validated against its input schema."""
    schema = tool.schema if isinstance(tool.schema, dict) else {}
    properties = {k: _nullable(v) if isinstance(v, dict) else {} for k, v in (schema.get("properties") or {}).items()}
    required = [name for name in schema.get("required") or [] if name in properties]
    filled = Filled({}, {})
    # The request's tokens, read once when first needed (a plan's value put in form, or a value read from
    # the text): both read them, each splitting every text again (a 1 MB task took ~90 ms a reading).
    tokens = functools.cache(lambda: [token for text in request.texts() for token in candidates(text)])
    _from_structures(properties, request, filled)
    _from_plan(tool, properties, request, filled, tokens)
    _from_roles(properties, request, filled)
    _from_text(properties, set(required), filled, tokens)
    missing = [name for name in required if name not in filled.arguments]
    if missing and model is not None:
        _from_model(tool, {name: properties[name] for name in missing}, request, model(), deadline_s, filled)
    _validate(tool, schema, filled.arguments)
    return filled


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    """An optional property written as ``anyOf: [X, {"type": "null"}]`` (pydantic's ``X | None``) read
    as X, so its enum, format and type guide filling like a plain property's."""
    options = prop.get("anyOf")
    if not isinstance(options, list):
        return prop
    kept = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
    if len(kept) != 1 or len(kept) == len(options):
        return prop
    return {**{k: v for k, v in prop.items() if k != "anyOf"}, **kept[0]}


def _fits(prop: dict[str, Any], value: Any) -> bool:
    import jsonschema

    try:
        return not any(True for _ in jsonschema.Draft202012Validator(prop).iter_errors(value))
    except Exception:  # noqa: BLE001 - a property schema jsonschema cannot read fits nothing
        return False


def _from_structures(properties: dict[str, dict[str, Any]], request: ToolRequest, filled: Filled) -> None:
    structured = [data for data in map(_structured, reversed(request.upstream)) if isinstance(data, dict)]
    for name, prop in properties.items():
        for data in structured:
            if name in data and _fits(prop, data[name]):
                filled.arguments[name], filled.sources[name] = data[name], "data"
                break


def _from_plan(
    tool: ToolSchema,
    properties: dict[str, dict[str, Any]],
    request: ToolRequest,
    filled: Filled,
    tokens: Callable[[], list[str]],
) -> None:
    """The values the plan gave, typed by the schema; a value that breaks the schema otherwise (a
    maximum) is taken too, so the check before the call names it instead of a guess replacing it."""
    for name, prop in properties.items():
        value = request.literals.get(name)
        # The deterministic planner repeats the step's clause (or the task) where it found no value.
        if name in filled.arguments or value is None or value in ("", request.instruction, request.task):
            continue
        try:
            value = coerce(_without_role(prop), value)
        except NotCoercible as exc:
            shown = json.dumps(value, ensure_ascii=False)[:200]
            raise OutputValidationError(
                f"the plan gives {tool.name!r} the value {shown} for its parameter {name!r}, which takes "
                f"{exc.expected}",
                hint=f"write {name!r} as {exc.expected} in the plan, or leave it out so it is read from the task",
                code=tool.error_code,
            ) from None
        value = in_form(prop, value, tokens())
        if value is not None:
            filled.arguments[name], filled.sources[name] = value, "plan"


def _from_roles(properties: dict[str, dict[str, Any]], request: ToolRequest, filled: Filled) -> None:
    for name, prop in properties.items():
        role = prop.get(ROLE_KEY)
        if name in filled.arguments or role not in _ROLES:
            continue
        value = _ROLES[role](request, prop, name)
        if value is not None and _fits(_without_role(prop), value):
            filled.arguments[name], filled.sources[name] = value, role


_ROLES: dict[str, Callable[[ToolRequest, dict[str, Any], str], Any]] = {
    "input": lambda request, prop, name: request.input_value(prop, name),
    "request": lambda request, prop, name: request.request_text(),
    "handed": lambda request, prop, name: request.handed(),
}


def _without_role(prop: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in prop.items() if k != ROLE_KEY}


def _structured(output: tuple[str, str, Any], *, any_json: bool = False) -> Any:
    """An earlier step's data: its parsed JSON, or its text when that is a JSON object (tool results;
    with ``any_json`` a JSON array too)."""
    _, text, data = output
    opening = ("{", "[") if any_json else ("{",)
    if data is None and text.lstrip().startswith(opening):
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):  # nested deeper than json reads
            return None
    return data


def _from_text(
    properties: dict[str, dict[str, Any]], required: set[str], filled: Filled, tokens: Callable[[], list[str]]
) -> None:
    used = {str(v) for v in filled.arguments.values()}
    for name, prop in properties.items():
        if name in filled.arguments:
            continue
        value = pick(prop, tokens(), used, name in required)
        if value is not None and _fits(prop, value):
            filled.arguments[name], filled.sources[name] = value, "text"
            used.add(str(value))


def grammar_schema(prop: Any) -> Any:
    """A property schema cut down to what a JSON grammar needs (types, enums, items, nested objects)."""
    if not isinstance(prop, dict):
        return {}
    kept = {k: prop[k] for k in ("type", "enum", "const", "minimum", "maximum", "minItems", "maxItems") if k in prop}
    if isinstance(prop.get("items"), dict):
        kept["items"] = grammar_schema(prop["items"])
    if isinstance(prop.get("properties"), dict):
        kept["properties"] = {k: grammar_schema(v) for k, v in prop["properties"].items()}
        kept["required"] = [r for r in prop.get("required") or [] if r in kept["properties"]]
    return kept


def _from_model(
    tool: ToolSchema,
    missing: dict[str, dict[str, Any]],
    request: ToolRequest,
    model: ModelNode,
    deadline_s: float,
    filled: Filled,
) -> None:
    wanted = "\n".join(
        f"- {flat_text(name, 100)}: {flat_text(prop.get('description') or prop.get('title') or '', 300)}"
        for name, prop in missing.items()
    )
    blocks = [
        data_block("tool", f"{tool.name}: {flat_text(tool.description, 1000)}"),
        data_block("task", request.task),
    ]
    if request.instruction and request.instruction != request.task:
        blocks.append(data_block("step", request.instruction))
    blocks.extend(data_block(f"step {source}", text[:4000]) for source, text, _ in request.upstream)
    # The argument names and descriptions are the server's text too: data, like the tool's description.
    blocks.append(data_block("arguments", wanted))
    prompt = "\n\n".join(
        [*blocks, DATA_NOTE, "Give the values of the arguments listed in the arguments block, taken from the task.\n"
         "Reply with one JSON object."]
    )  # fmt: skip
    schema = {
        "type": "object",
        "properties": {name: grammar_schema(prop) for name, prop in missing.items()},
        "required": list(missing),
    }
    try:
        reply = model.complete(prompt, schema=schema, deadline_s=deadline_s, max_tokens=MODEL_MAX_TOKENS)
    except AgentnetError as exc:
        raise OutputValidationError(
            f"the arguments {', '.join(missing)} of {tool.name!r} are not in the task, and the planner model "
            f"could not fill them: {exc.message}",
            hint="write the values in the task (e.g. in quotes)",
            code=tool.error_code,
        ) from None
    data = reply.data if isinstance(reply.data, dict) else {}
    for name in missing:
        if name in data:
            filled.arguments[name], filled.sources[name] = data[name], "model"


def _validate(tool: ToolSchema, schema: dict[str, Any], arguments: dict[str, Any]) -> None:
    import jsonschema

    try:
        validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)
        errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.path))
    except (jsonschema.SchemaError, TypeError, ValueError) as exc:
        raise OutputValidationError(
            f"the input schema of {tool.name!r} cannot be checked: {str(exc)[:200]}", code="tool_schema_invalid"
        ) from None
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(arguments)"
        shown = json.dumps(arguments, ensure_ascii=False)[:300]
        raise OutputValidationError(
            f"the arguments for {tool.name!r} do not fit its input schema at {where}: {first.message[:300]} "
            f"(arguments {shown})",
            hint="write the missing or wrong value in the task, e.g. in quotes",
            code=tool.error_code,
        )
