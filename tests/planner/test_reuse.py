"""A near-duplicate's plan is reused only when this request hands over what that plan reads
(``learning.fed``): alike words over other media are another task. Real MiniLM embedder, no model."""

from __future__ import annotations

from agentnet.cards import CapabilityCard
from agentnet.directory.inmemory import InMemorySource
from agentnet.planner import draft
from agentnet.planner.learning import fed
from agentnet.planner.memory import PlanMemory, Remembered
from agentnet.planner.planner import Planner
from agentnet.planner.tuning import PlannerTuning


def card(name: str, description: str, reads: list[str], makes: list[str]) -> CapabilityCard:
    return CapabilityCard(id=name, name=name, description=description, input_types=reads, output_types=makes,
                          provider="external")  # fmt: skip


MIXER = card("Audio Mixer", "Mixes two audio tracks into one track.", ["audio"], ["audio"])
DUBBER = card("Video Dubber", "Lays an audio track over a video.", ["video", "audio"], ["video"])
EXTRACTOR = card("Audio Extractor", "Takes the sound track out of a video.", ["video"], ["audio"])


def picks(*cards: CapabilityCard) -> list[draft.Pick]:
    return [draft.Pick(c, "clause", 0.5) for c in cards]


def test_a_plan_is_fed_when_every_medium_it_reads_is_handed_over_or_made_before() -> None:
    assert fed(picks(MIXER), {"audio"})
    assert fed(picks(DUBBER), {"video", "audio"})
    assert fed(picks(EXTRACTOR, MIXER), {"video"})  # the extractor makes the mixer's audio
    assert not fed(picks(DUBBER), {"audio"})  # no video anywhere
    assert not fed(picks(MIXER, EXTRACTOR), {"audio"})  # the video would have to come first


def test_a_near_duplicate_over_other_media_is_not_reused() -> None:
    memory = PlanMemory(":memory:")
    planner = Planner(InMemorySource([MIXER, DUBBER]), None, PlannerTuning(model_mode="off"), memory=memory)
    solved = "I have a voiceover narration.wav and a clip party.mp4. Could you merge the two into one?"
    memory.remember_all([Remembered(solved, ["Video Dubber"])], "learned")
    # Alike in every word but one file (similarity 0.94, above the reuse bar): two audio files to merge.
    task = "I have a voiceover narration.wav and a song party.wav. Could you merge the two into one?"
    assert memory.similar(task, k=1)[0]["score"] >= 0.8
    plan = planner.plan(task)
    assert (plan.source, [step.capability for step in plan.steps]) == ("retrieval", ["Audio Mixer"])
    # The solved task itself, with its video, is still reused.
    again = planner.plan("I have a voiceover narration.wav and a clip party.mp4. Could you merge them into one?")
    assert (again.source, [step.capability for step in again.steps]) == ("memory", ["Video Dubber"])
