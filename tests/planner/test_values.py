"""Argument values copied from the request for API-style tools (planner/values.py): each parameter
gets a span of the kind its name, type and description ask for. Real cards and draft.link; no
embedder, no model."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.importers import load_cards
from agentnet.planner import draft, values
from agentnet.planner.extract import artifacts
from agentnet.planner.plan import Step

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cards() -> dict[str, CapabilityCard]:
    """Two API tool lists in different styles (the second's descriptions are terser)."""
    found = load_cards(DATA / "tools_api.json") + load_cards(DATA / "tools_api_daily.json")
    return {card.name or card.id: card for card in found}


def filled(cards: dict[str, CapabilityCard], tools: list[str], clauses: list[str], task: str) -> list[Step]:
    picks = [draft.Pick(cards[tool], clause, 0.5) for tool, clause in zip(tools, clauses, strict=True)]
    steps = draft.link(picks, artifacts(task), task)
    values.fill(steps, {card.id: card for card in cards.values()}, task)
    return steps


def arguments(step: Step) -> dict[str | None, object]:
    return {item.name: f"<{item.step}>" if item.kind == "step" else item.value for item in step.inputs}


def test_parameters_take_the_spans_their_kind_asks_for(cards: dict[str, CapabilityCard]) -> None:
    task = "What is the weather going to be in Berlin on 2024-05-02?"
    (weather,) = filled(cards, ["get_weather"], [task], task)
    assert arguments(weather) == {"location": "Berlin", "date": "2024-05-02"}
    task = "Book a table at Luigi's on Friday"
    assert arguments(filled(cards, ["book_restaurant"], [task], task)[0]) == {"restaurant": "Luigi's", "date": "Friday"}
    # The name says one kind, the description another: a phone number when there is one, else a name.
    assert values.kinds_of({"name": "phone_number", "type": "string", "desc": "The number or contact"}) == [
        "phone",
        "number",
        "name",
    ]
    task = "Book a taxi to Heathrow at 7:15"
    assert arguments(filled(cards, ["order_taxi"], [task], task)[0]) == {"location": "Heathrow", "time": "7:15"}
    task = "Text 555-0142 that I am late"
    sms = filled(cards, ["send_sms"], [task], task)[0]
    assert arguments(sms)["phone_number"] == "555-0142"


def test_an_earlier_output_feeds_the_content_and_the_rest_comes_from_the_request(
    cards: dict[str, CapabilityCard],
) -> None:
    task = "Get the weather in Oslo tomorrow and email it to kari@example.org"
    weather, email = filled(cards, ["get_weather", "send_email"], ["Get the weather in Oslo tomorrow",
                                                                    "email it to kari@example.org"], task)  # fmt: skip
    assert arguments(weather) == {"location": "Oslo", "date": "tomorrow"}
    assert arguments(email) == {"email_address": "kari@example.org", "content": f"<{weather.id}>"}


def test_what_no_kind_fits_or_the_request_lacks_keeps_the_clause(cards: dict[str, CapabilityCard]) -> None:
    task = "buy some shares of the usual company"
    (trade,) = filled(cards, ["stock_operation"], [task], task)
    assert arguments(trade) == {"stock": task, "operation": task}
