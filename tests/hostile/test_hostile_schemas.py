"""Hostile JSON Schemas on every path that accepts one (recipe output_schema, plans, node calls), in
bounded children: refused as the user's error with a message, never a RecursionError traceback.
(HTTP response_format: tests/server/test_fuzz.py and tests/server/test_hostile_requests.py.)"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bounded import call_bounded, run_bounded

AGENTNET = Path(sys.executable).parent / "agentnet"


def nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def wide(width: int) -> dict[str, Any]:
    return {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(width)}}


def recipe(schema: dict[str, Any]) -> str:
    # JSON is YAML: the schema goes in as one flow value.
    return (
        "name: hostile\ninputs:\n  text: {description: input}\nsteps:\n  - id: first\n    model: smollm2\n"
        f'    prompt: "Summarise {{{{ inputs.text }}}}"\n    output_schema: {json.dumps(schema)}\n'
    )


def test_recipe_with_a_deep_or_wide_output_schema_exits_2_with_a_location(tmp_path: Path) -> None:
    for name, schema, expected in (
        ("deep", nested(120), "nested more than 64 levels deep"),
        ("wide", wide(12_000), "more than 10,000 values"),
    ):
        path = tmp_path / f"{name}.yaml"
        path.write_text(recipe(schema))
        outcome = run_bounded([str(AGENTNET), "recipe", "validate", str(path)], timeout_s=60, memory_mb=4096)
        assert not outcome.timed_out and outcome.returncode == 2, f"{name}: {outcome.describe()}"
        assert re.search(rf"{re.escape(str(path))}:\d+:\d+: ", outcome.stderr), outcome.stderr
        assert expected in outcome.stderr and "Traceback" not in outcome.stderr + outcome.stdout


def validate_plan(depth: int) -> str:
    from pydantic import ValidationError

    from agentnet.planner.plan import Plan

    step = {"id": "s1", "capability": "m", "instruction": "x", "output_schema": nested(depth)}
    try:
        Plan.model_validate({"task": "t", "steps": [step]})
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"])
    return "accepted"


def test_a_plan_with_a_deep_output_schema_is_invalid() -> None:
    outcome = call_bounded(validate_plan, 200, timeout_s=30, memory_mb=1024)
    assert outcome.raised is None, outcome.describe()
    assert "nested more than 64 levels deep" in outcome.value
    assert call_bounded(validate_plan, 5, timeout_s=30, memory_mb=1024).value == "accepted"


def call_with_schema(shape: str, size: int) -> str:
    """(Built in the child: a deep schema cannot even be pickled to it.)"""
    from agentnet.cards import CapabilityCard
    from agentnet.errors import AgentnetError
    from agentnet.nodes.callable import CallableNode

    card = CapabilityCard(id="fn", description="returns JSON")
    node = CallableNode.build(lambda text: {"a": {"a": {"a": "x"}}}, card)
    try:
        node.complete("hi", schema=nested(size) if shape == "deep" else wide(size))
    except AgentnetError as exc:
        return f"{type(exc).__name__} {exc.code} {exc.message}"
    return "accepted"


def test_a_node_call_with_a_deep_or_wide_schema_is_a_user_error() -> None:
    for shape, size in (("deep", 300), ("wide", 20_000)):
        outcome = call_bounded(call_with_schema, shape, size, timeout_s=30, memory_mb=1024)
        assert outcome.raised is None, outcome.describe()
        assert outcome.value.startswith("UserError invalid_schema the JSON Schema given to 'fn'"), outcome.value
    assert call_bounded(call_with_schema, "deep", 3, timeout_s=30, memory_mb=1024).value == "accepted"
