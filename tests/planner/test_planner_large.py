"""The planner on a directory larger than its pool (PlannerTuning.pool_size, 48 by default): the
candidates are narrowed by search per clause first, and plans and policies must come out as they do
on a small directory. Run on an in-memory source and on the real chromadb directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.importers import load_cards
from agentnet.directory.inmemory import InMemorySource
from agentnet.directory.query import CardSource, SearchFilters
from agentnet.planner.planner import Planner
from agentnet.planner.tuning import PlannerTuning
from agentnet.planner.validate import validate_plan

DATA = Path(__file__).parent / "data"
FILLER = [
    ("Currency Converter", "Converts an amount of money from one currency to another at today's rate."),
    ("Unit Converter", "Converts lengths, weights and volumes between metric and imperial units."),
    ("Calendar Scheduler", "Adds an event with a date and time to a shared calendar."),
    ("Stock Quote", "Returns the latest price of a stock ticker symbol."),
    ("Recipe Finder", "Finds cooking recipes that use the given ingredients."),
    ("Dictionary Lookup", "Gives the definition and pronunciation of an English word."),
    ("Calculator", "Evaluates an arithmetic expression and returns the number."),
    ("Time Zone Converter", "Converts a time of day between two time zones."),
    ("Password Generator", "Generates a strong random password of a given length."),
    ("QR Code Maker", "Encodes a short text or link as a QR code image."),
    ("PDF Merger", "Merges several PDF documents into one file."),
    ("Spreadsheet Sorter", "Sorts the rows of a spreadsheet by a column."),
    ("Chess Engine", "Suggests the best next move for a chess position."),
    ("Music Recommender", "Recommends songs similar to a song the user likes."),
    ("Package Tracker", "Reports where a parcel is from its tracking number."),
    ("Horoscope Reader", "Reads today's horoscope for a star sign."),
    ("Joke Teller", "Tells a short joke on a given topic."),
    ("Random Number Generator", "Draws a random integer between two bounds."),
    ("Color Palette Maker", "Suggests a palette of matching colours for a design."),
    ("Word Counter", "Counts the words and characters of a text."),
]
# Matches summarising better than the local Summarizer; only policies keep a plan away from it.
CLOUD = CapabilityCard(
    id="Cloud Summarizer",
    name="Cloud Summarizer",
    description="Summarizes a transcript or any long text into a short summary of its main points.",
    locality="remote",
    data_leaves_host=True,
    cost_per_1k_output=0.01,
)
TASKS = [
    (
        "Transcribe my voice memo memo.wav, summarize the transcript, and read the summary aloud.",
        ["Speech Recognizer", "Cloud Summarizer", "Speech Synthesizer"],
    ),
    (
        "I have a photo holiday.jpg. Can you upscale it and then describe what it shows?",
        ["Image Upscaler", "Photo Captioner"],
    ),
]


def large_directory() -> list[CapabilityCard]:
    cards = load_cards(DATA / "tools_resource.json") + load_cards(DATA / "tools_api_daily.json")
    cards += [CapabilityCard(id=name, name=name, description=text) for name, text in FILLER]
    cards.append(CLOUD)
    assert len(cards) > PlannerTuning().pool_size
    return cards


@pytest.fixture(scope="module")
def memory_source() -> InMemorySource:
    return InMemorySource(large_directory())


@pytest.fixture(scope="module")
def chroma_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardSource]:
    from agentnet.directory.store import Directory

    directory = Directory(path=tmp_path_factory.mktemp("large-directory"))
    directory.register_many(large_directory())
    try:
        yield directory
    finally:
        directory.close()


@pytest.fixture(params=["memory", "chroma"])
def source(request: pytest.FixtureRequest) -> CardSource:
    return request.getfixturevalue(f"{request.param}_source")  # type: ignore[no-any-return]


@pytest.mark.parametrize(("task", "expected"), TASKS, ids=["voice", "photo"])
def test_a_large_directory_plans_like_a_small_one(source: CardSource, task: str, expected: list[str]) -> None:
    small = InMemorySource([*load_cards(DATA / "tools_resource.json"), CLOUD])
    assert [s.capability for s in Planner(small, None).plan(task).steps] == expected
    plan = Planner(source, None).plan(task)
    assert [s.capability for s in plan.steps] == expected
    assert validate_plan(plan, source, repair=False).ok


def test_a_bridge_for_a_supplied_link_survives_narrowing(source: CardSource) -> None:
    # The request's words do not rank the page fetcher into the shortlist; the link it supplies does
    # (the narrowing also asks for tools that accept each supplied type), so the url is bridged.
    plan = Planner(source, None).plan("Please summarize the article at https://example.org/a")
    assert [s.capability for s in plan.steps] == ["Page Fetcher", "Summarizer"]


def test_policies_hold_after_narrowing(source: CardSource) -> None:
    task = "Transcribe my voice memo memo.wav and summarize the transcript."
    unfiltered = [s.capability for s in Planner(source, None).plan(task).steps]
    assert "Cloud Summarizer" in unfiltered  # the best match, unless a policy excludes it
    for filters in (
        SearchFilters(keep_data_on_host=True),
        SearchFilters(local_only=True),
        SearchFilters(max_cost=0.001),
    ):
        plan = Planner(source, None).plan(task, filters)
        used = [source.get(s.capability) for s in plan.steps]
        assert all(card is not None and filters.rejects(card) is None for card in used), filters
        assert [s.capability for s in plan.steps] == ["Speech Recognizer", "Summarizer"], filters


def test_excluded_cards_do_not_crowd_allowed_ones_out_of_the_pool() -> None:
    # Ten hosted summarisers would fill every search shortlist if the policy were applied only afterwards.
    crowd = [
        CLOUD.model_copy(update={"id": f"Cloud Summarizer {i}", "name": f"Cloud Summarizer {i}"}) for i in range(10)
    ]
    source = InMemorySource(large_directory() + crowd)
    task = "Transcribe my voice memo memo.wav and summarize the transcript."
    plan = Planner(source, None).plan(task, SearchFilters(keep_data_on_host=True))
    assert [s.capability for s in plan.steps] == ["Speech Recognizer", "Summarizer"]
