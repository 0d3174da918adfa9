"""planner.typecue: the media a clause names as its material and product, against each tool's declared
types, on hand-written tool lists and scores (no model, no embedder)."""

from __future__ import annotations

import pytest

from agentnet.cards import CapabilityCard
from agentnet.planner import draft, typecue
from agentnet.planner.tuning import PlannerTuning


def tool(name: str, inputs: list[str], outputs: list[str]) -> CapabilityCard:
    return CapabilityCard(
        id=name, name=name, description=name, input_types=inputs, output_types=outputs, provider="external"
    )


TYPED = [
    tool("Noise Remover", ["audio"], ["audio"]),
    tool("Transcriber", ["audio"], ["text"]),
    tool("Reader", ["text"], ["audio"]),
    tool("Painter", ["text"], ["image"]),
    tool("Retoucher", ["image"], ["image"]),
    tool("Describer", ["image"], ["text"]),
    tool("Clip Cutter", ["video"], ["video"]),
    tool("Video Transcriber", ["video"], ["text"]),
]
# API tools: text in, text out, whatever they do.
API = [tool(name, ["text"], ["text"]) for name in ("send_message", "get_weather", "add_event", "play_song")]


@pytest.mark.parametrize(
    ("clause", "source", "wanted", "pointed", "scratch"),
    [
        ("turn the voice memo into written text", set(), {"text"}, {"audio"}, False),
        ("paint a picture of a harbour at dawn", set(), {"image"}, set(), True),
        ("read the summary aloud", set(), {"audio"}, set(), True),
        ("make a short video from the photos", {"image"}, {"video"}, set(), False),
        ("generate a waveform from the recording", {"audio"}, set(), set(), False),
        ("listen to the recording and apply reverb", set(), set(), {"audio"}, False),
        ("sharpen harbour.jpg", set(), set(), {"image"}, False),
        ("the edited picture", set(), set(), {"image"}, False),
        ("tell me who won the match", set(), set(), set(), False),
        # Asking about a medium wants the answer in words; asking about words alone says nothing of types.
        ("figure out what is in this photo", set(), {"text"}, {"image"}, False),
        ("identify the central themes of the text", set(), set(), {"text"}, False),
    ],
)
def test_a_clause_names_its_material_and_its_product(
    clause: str, source: set[str], wanted: set[str], pointed: set[str], scratch: bool
) -> None:
    cues = typecue.cues_of(clause)
    assert (set(cues.source), set(cues.wanted), set(cues.pointed), cues.scratch) == (source, wanted, pointed, scratch)


def choose(clause: str, cards: list[CapabilityCard], row: list[float], weight: float) -> list[str]:
    tuning = PlannerTuning()
    picks = draft.choose(
        [clause], cards, [row], tuning.threshold, tuning.margin, floor=tuning.floor, standout=tuning.standout,
        type_cue=weight,
    )  # fmt: skip
    return [pick.card.id for pick in picks]


@pytest.mark.parametrize(
    ("clause", "row", "wording", "typed"),
    [
        # The words of "the voice memo" match the audio cleaner best; the product asked for is text.
        (
            "turn the voice memo into written text",
            [0.62, 0.58, 0.55, 0.2, 0.2, 0.3, 0.1, 0.3],
            "Noise Remover",
            "Transcriber",
        ),
        # Nothing to start from but words: a tool that needs a picture to work on does not fit.
        ("paint a picture of a harbour at dawn", [0.2, 0.1, 0.2, 0.57, 0.6, 0.45, 0.1, 0.1], "Retoucher", "Painter"),
        # A question about a picture is answered in words, not by a tool making another picture.
        ("figure out what is in this photo", [0.2, 0.1, 0.1, 0.3, 0.58, 0.55, 0.1, 0.1], "Retoucher", "Describer"),
        # "The speech" may be a video's: a tool reading video fits it as well as one reading audio.
        (
            "write down what the speech says",
            [0.3, 0.47, 0.3, 0.1, 0.1, 0.1, 0.1, 0.5],
            "Video Transcriber",
            "Video Transcriber",
        ),
    ],
)
def test_a_tool_whose_types_contradict_the_clause_loses_to_one_that_fits(
    clause: str, row: list[float], wording: str, typed: str
) -> None:
    assert choose(clause, TYPED, row, 0.0) == [wording]
    assert choose(clause, TYPED, row, PlannerTuning().type_cue) == [typed]


def test_types_only_ever_cost_and_the_best_fitting_tool_keeps_its_score() -> None:
    row = [0.62, 0.58, 0.55, 0.2, 0.2, 0.3, 0.1, 0.3]
    cost = typecue.adjustments("turn the voice memo into written text", TYPED, row, 1.0)
    assert max(cost) == 0.0 and cost[1] == 0.0 and cost[0] < 0.0
    # A tool that reads and makes other media than the clause names loses its whole share: one spread.
    mean = sum(row) / len(row)
    spread = (sum((value - mean) ** 2 for value in row) / len(row)) ** 0.5
    assert cost[3] == pytest.approx(-spread)


def test_the_cost_is_in_units_of_the_clauses_own_spread() -> None:
    row = [0.62, 0.58, 0.55, 0.2, 0.2, 0.3, 0.1, 0.3]
    mean = sum(row) / len(row)
    wider = [mean + 2 * (value - mean) for value in row]
    clause = "turn the voice memo into written text"
    narrow, wide = typecue.adjustments(clause, TYPED, row, 1.0), typecue.adjustments(clause, TYPED, wider, 1.0)
    assert wide == pytest.approx([2 * value for value in narrow])


@pytest.mark.parametrize(
    "clause",
    ["send her the recording as an audio file", "read the forecast aloud", "play the song from my photo album"],
)
def test_a_tool_list_whose_types_tell_no_tool_apart_is_left_as_it_is(clause: str) -> None:
    row = [0.5, 0.3, 0.2, 0.44]
    assert typecue.adjustments(clause, API, row, 1.0) == [0.0] * len(API)
    assert choose(clause, API, row, 1.0) == choose(clause, API, row, 0.0)
