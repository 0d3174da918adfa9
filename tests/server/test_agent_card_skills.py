"""The A2A agent card of a server with no collaborator (no model, no network) still lists a skill: A2A
requires one, and a2a-sdk logged, each time the card was served, a WARNING that the card was not
spec-compliant ("REQUIRED fields missing or empty: skills"). A real app on a real socket, the SDK's
own card parser."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

pytest.importorskip("a2a.client", reason="a2a-sdk is the agentnet[a2a] extra (in .[dev])")

from a2a.client.card_resolver import parse_agent_card


def test_a_server_with_no_collaborator_serves_a_card_with_a_skill(run_app: Any, caplog: Any) -> None:
    from agentnet.server.app import create_app
    from agentnet.server.settings import ServerSettings

    caplog.set_level(logging.WARNING)
    server = run_app(create_app(None, ServerSettings()))
    served = httpx.get(f"{server.url}/.well-known/agent-card.json", timeout=30)
    assert served.status_code == 200, served.text
    card = parse_agent_card(served.json())
    assert [skill.id for skill in card.skills] == ["agentnet"], card
    assert "no collaborators yet" in card.skills[0].description
    said = [record.getMessage() for record in caplog.records]
    assert not [line for line in said if "not spec-compliant" in line], said
