"""Filling a tool's arguments under its input schema, then checking them before the call.

In order, each property takes the first value found:
1. a field of the same name in structured data an earlier step produced, or a literal the plan gave;
2. a value written literally in the step's text, the task or an earlier step's text that fits the
   property: an enum member, a value in the property's format or pattern, a number for a required
   number, or a token shaped like the examples in its schema or description ("Asia/Tokyo" is shaped
   like "America/New_York");
3. for required properties still empty, the planner model, constrained to the missing properties'
   schema (llama.cpp turns it into a grammar), reading the tool's description and the task as data.
The result is validated with jsonschema; a value that does not fit is an error naming the property.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentnet.errors import AgentnetError, OutputValidationError
from agentnet.executor.prompts import DATA_NOTE, data_block
from agentnet.mcp.cards import clean_text
from agentnet.mcp.store import McpTool

if TYPE_CHECKING:
    from agentnet.nodes.base import ModelNode

_QUOTED = re.compile(r"""(?:(?<=^)|(?<=[\s:(\[,=]))(['"\u2018\u201c])(.+?)['"\u2019\u201d](?=$|[\s.,;:!?)\]])""")
_STRIP = ".,;:!?()[]{}<>\"'\u2018\u2019\u201c\u201d"
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"),
    "time": re.compile(r"^\d{2}:\d{2}(?::\d{2})?$"),
    "email": re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$"),
    "uri": re.compile(r"^[a-z][a-z0-9+.-]*://\S+$"),
    "url": re.compile(r"^[a-z][a-z0-9+.-]*://\S+$"),
}
MODEL_MAX_TOKENS = 192


@dataclass
class ToolRequest:
    """What a step hands a tool: the task, the step's own words, plan literals and earlier outputs."""

    task: str
    instruction: str = ""
    literals: dict[str, Any] = field(default_factory=dict)
    # (source, text, data): an earlier step's output; ``data`` is its parsed JSON when it has any.
    upstream: list[tuple[str, str, Any]] = field(default_factory=list)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ToolRequest:
        return cls(
            task=str(payload.get("task") or ""),
            instruction=str(payload.get("instruction") or ""),
            literals=dict(payload.get("literals") or {}),
            upstream=[(str(s), str(t), d) for s, t, d in payload.get("upstream") or []],
        )

    def texts(self) -> list[str]:
        return [t for t in (self.instruction, self.task, *(text for _, text, _ in self.upstream)) if t]


@dataclass
class Filled:
    arguments: dict[str, Any]
    # property -> where its value came from: "data", "plan", "text", "model"
    sources: dict[str, str]


def fill_arguments(
    tool: McpTool, request: ToolRequest, model: Callable[[], ModelNode] | None = None, deadline_s: float = 60.0
) -> Filled:
    """The arguments for one call of ``tool``, validated against its input schema."""
    schema = tool.input_schema if isinstance(tool.input_schema, dict) else {}
    properties = {k: v if isinstance(v, dict) else {} for k, v in (schema.get("properties") or {}).items()}
    required = [name for name in schema.get("required") or [] if name in properties]
    filled = Filled({}, {})
    _from_structures(properties, request, filled)
    _from_text(properties, set(required), request, filled)
    missing = [name for name in required if name not in filled.arguments]
    if missing and model is not None:
        _from_model(tool, {name: properties[name] for name in missing}, request, model(), deadline_s, filled)
    _validate(tool, schema, filled.arguments)
    return filled


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
        else:
            value = request.literals.get(name)
            # The deterministic planner repeats the step's clause as a literal: that is not a value.
            if value is not None and value != request.instruction and _fits(prop, value):
                filled.arguments[name], filled.sources[name] = value, "plan"


def _structured(output: tuple[str, str, Any]) -> Any:
    """An earlier step's data: its parsed JSON, or its text when that is a JSON object (tool results)."""
    _, text, data = output
    if data is None and text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return None
    return data


def candidates(text: str) -> list[str]:
    """Quoted passages, then whitespace tokens without their surrounding punctuation, in order."""
    found = [m.group(2).strip() for m in _QUOTED.finditer(text)]
    for raw in text.split():
        token = raw.strip(_STRIP)
        if token.endswith("'s"):
            token = token[:-2]
        if token:
            found.append(token)
    return list(dict.fromkeys(found))


def shape(token: str) -> str:
    """A token's form: runs of letters become 'A', runs of digits '9', other characters stay."""
    return re.sub(r"\d+", "9", re.sub(r"[A-Za-z_]+", "A", token))


def examples(prop: dict[str, Any]) -> list[str]:
    """String examples a property schema gives: examples, default, enum, and quoted words in its description."""
    values: list[Any] = [*(prop.get("examples") or []), prop.get("default"), *(prop.get("enum") or [])]
    values.extend(m.group(2) for m in _QUOTED.finditer(str(prop.get("description") or "")))
    return [v for v in values if isinstance(v, str) and v]


def _types(prop: dict[str, Any]) -> set[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind}
    if isinstance(kind, str):
        return {kind}
    return {"string"} if ("enum" not in prop and "const" not in prop) else set()


def _pick(prop: dict[str, Any], tokens: list[str], used: set[str], required: bool) -> Any:
    """The first token that this property's schema clearly asks for (None when nothing does)."""
    free = [t for t in tokens if t not in used]
    if "enum" in prop:
        wanted = {str(v).lower(): v for v in prop["enum"]}
        return next((wanted[t.lower()] for t in free if t.lower() in wanted), None)
    kinds = _types(prop)
    if kinds & {"integer", "number"} and required:
        for token in free:
            if _NUMBER.match(token):
                number = float(token)
                return int(number) if number.is_integer() and "integer" in kinds else number
    if "string" not in kinds:
        return None
    form = _FORMATS.get(str(prop.get("format", "")).lower())
    if form is not None:
        return next((t for t in free if form.match(t)), None)
    pattern = prop.get("pattern")
    if isinstance(pattern, str):
        try:
            regex = re.compile(pattern)
        except re.error:
            return None
        return next((t for t in free if regex.search(t)), None)
    known = examples(prop)
    shapes = {shape(e) for e in known} - {"A"}  # a plain word is no evidence: every word has that shape
    return next((t for t in free if t in known or shape(t) in shapes), None)


def _from_text(properties: dict[str, dict[str, Any]], required: set[str], request: ToolRequest, filled: Filled) -> None:
    tokens = [token for text in request.texts() for token in candidates(text)]
    used = {str(v) for v in filled.arguments.values()}
    for name, prop in properties.items():
        if name in filled.arguments:
            continue
        value = _pick(prop, tokens, used, name in required)
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
    tool: McpTool,
    missing: dict[str, dict[str, Any]],
    request: ToolRequest,
    model: ModelNode,
    deadline_s: float,
    filled: Filled,
) -> None:
    wanted = "\n".join(
        f"- {clean_text(name, 100)}: {clean_text(prop.get('description') or prop.get('title') or '', 300)}"
        for name, prop in missing.items()
    )
    blocks = [
        data_block("tool", f"{tool.name}: {clean_text(tool.description, 1000)}"),
        data_block("task", request.task),
    ]
    if request.instruction and request.instruction != request.task:
        blocks.append(data_block("step", request.instruction))
    blocks.extend(data_block(f"step {source}", text[:4000]) for source, text, _ in request.upstream)
    prompt = "\n\n".join(
        [*blocks, DATA_NOTE, f"Give the values for these arguments of the tool, taken from the task:\n{wanted}\n"
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
            code="mcp_arguments_invalid",
        ) from None
    data = reply.data if isinstance(reply.data, dict) else {}
    for name in missing:
        if name in data:
            filled.arguments[name], filled.sources[name] = data[name], "model"


def _validate(tool: McpTool, schema: dict[str, Any], arguments: dict[str, Any]) -> None:
    import jsonschema

    try:
        validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)
        errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.path))
    except (jsonschema.SchemaError, TypeError, ValueError) as exc:
        raise OutputValidationError(
            f"the input schema of {tool.name!r} cannot be checked: {str(exc)[:200]}", code="mcp_schema_invalid"
        ) from None
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(arguments)"
        shown = json.dumps(arguments, ensure_ascii=False)[:300]
        raise OutputValidationError(
            f"the arguments for {tool.name!r} do not fit its input schema at {where}: {first.message[:300]} "
            f"(arguments {shown})",
            hint="write the missing or wrong value in the task, e.g. in quotes",
            code="mcp_arguments_invalid",
        )
