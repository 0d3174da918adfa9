"""What spans may carry: no credential, whatever an error quotes, and no unbounded text.

A real CallableNode (a tool) raising an error that quotes a key and a DSN with its password, and a
span around code that raises one, traced through the SDK's in-memory exporter: every attribute,
event attribute and status of every span is searched for the secrets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentnet import telemetry
from agentnet.cards import CapabilityCard
from agentnet.config import AgentnetConfig
from agentnet.errors import ModelCallError
from agentnet.nodes.registry import NodeRegistry

KEY = "sk-proj-Zq81VdKx0mB2nW7cR4tY"
PASSWORD = "hunter2-Xy9"
SECRETS = (KEY, PASSWORD)


def everything(exporter: Any) -> str:
    """Every span's name, attributes, events and status, as one text."""
    spans = exporter.get_finished_spans()
    assert spans
    return json.dumps(
        [
            {
                "name": span.name,
                "attributes": dict(span.attributes or {}),
                "events": [(event.name, dict(event.attributes or {})) for event in span.events],
                "status": span.status.description,
            }
            for span in spans
        ],
        default=str,
    )


def leaky_tool(text: str) -> str:
    raise RuntimeError(f"upstream refused key {KEY} for postgresql://app:{PASSWORD}@db.internal/runs")


def test_a_failed_calls_span_holds_no_credential_its_error_quoted(exported: Any) -> None:
    registry = NodeRegistry(AgentnetConfig())
    registry.register_callable(leaky_tool, CapabilityCard(id="leaky", description="a tool whose errors quote keys"))
    with pytest.raises(ModelCallError) as raised:
        registry.node("leaky").complete("hello")
    assert KEY not in str(raised.value)  # the error itself was already masked
    text = everything(exported)
    assert "exception.stacktrace" in text and "leaky_tool" in text  # the trace is still there, masked
    assert "postgresql://***@db.internal/runs" in text
    assert [secret for secret in SECRETS if secret in text] == []


def test_a_span_around_code_that_raises_holds_no_credential(exported: Any) -> None:
    with pytest.raises(ValueError), telemetry.span("agentnet run", {}):
        raise ValueError(f"bad header Authorization: Bearer {KEY}; dsn postgresql://u:{PASSWORD}@h/d")
    text = everything(exported)
    assert "exception.message" in text and "Bearer ***" in text
    assert [secret for secret in SECRETS if secret in text] == []


def echo_tool(text: str) -> str:
    return text


def content_attributes(exporter: Any) -> dict[str, str]:
    found = {}
    for span in exporter.get_finished_spans():
        for name, value in (span.attributes or {}).items():
            if name in ("gen_ai.input.messages", "gen_ai.output.messages"):
                found[name] = str(value)
    return found


@pytest.mark.parametrize(("limit", "expected"), [(None, 16_384), ("1000", 1000)])
def test_a_huge_prompt_goes_into_spans_cut_and_masked(
    exported: Any, monkeypatch: pytest.MonkeyPatch, limit: str | None, expected: int
) -> None:
    monkeypatch.setenv(telemetry.CAPTURE_CONTENT_ENV, "true")
    if limit is not None:
        monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", limit)
    registry = NodeRegistry(AgentnetConfig())
    registry.register_callable(echo_tool, CapabilityCard(id="echo", description="answers with its input"))
    prompt = f"use key {KEY} " + "bees make honey. " * 12_000  # 204 KB
    assert registry.node("echo").complete(prompt).text.startswith("use key")
    attributes = content_attributes(exported)
    assert set(attributes) == {"gen_ai.input.messages", "gen_ai.output.messages"}
    for value in attributes.values():
        assert expected <= len(value) <= expected + 100, len(value)
        assert "use key ***" in value and value.endswith(" characters in all]")
        assert KEY not in value
