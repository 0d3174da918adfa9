"""JSON Schemas from outside (HTTP ``response_format``, recipe ``output_schema``, plans, node calls) are
bounded before any validator or grammar builder sees them.

jsonschema, llama.cpp's grammar converter and pydantic all recurse through a schema: one nested a
hundred levels ends in a ``RecursionError`` (a 500, a traceback) instead of a refusal. A schema is
walked here without recursion, its depth and size counted, then checked against Draft 2020-12.
"""

from __future__ import annotations

from typing import Any

from agentnet.errors import UserError

# JSON nesting levels of the schema document (a property level is two: "properties" and the name),
# and the values it may hold in all. Generous for any output shape a model can fill.
MAX_SCHEMA_DEPTH = 64
MAX_SCHEMA_VALUES = 10_000


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` is refused (too deep, too large, not a valid JSON Schema), or None."""
    if not isinstance(schema, dict):
        return "a JSON Schema must be a JSON object"
    stack: list[tuple[Any, int]] = [(schema, 1)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if depth > MAX_SCHEMA_DEPTH:
            return f"the JSON Schema is nested more than {MAX_SCHEMA_DEPTH} levels deep"
        if values > MAX_SCHEMA_VALUES:
            return f"the JSON Schema holds more than {MAX_SCHEMA_VALUES:,} values"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    return None


def check_schema(schema: Any, what: str) -> None:
    """Raise ``UserError`` (code ``invalid_schema``) naming ``what`` when ``schema_problem`` finds one."""
    problem = schema_problem(schema)
    if problem is not None:
        raise UserError(
            f"{what}: {problem}",
            hint=f"keep output schemas under {MAX_SCHEMA_DEPTH} levels and {MAX_SCHEMA_VALUES:,} values",
            code="invalid_schema",
        )
