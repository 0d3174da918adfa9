"""What the user hands over is wired into steps, not planned as a step of its own, and a short request
about it ("classify it") is read as being about it (``extract.introduces``, ``extract.name_the_handed``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentnet.cards import CapabilityCard
from agentnet.directory.importers import load_cards
from agentnet.directory.inmemory import InMemorySource
from agentnet.planner.extract import artifacts, clauses, introduces, name_the_handed
from agentnet.planner.planner import Planner

HUGGINGFACE = Path(__file__).parents[2] / "bench" / "data" / "huggingface" / "tools.json"


@pytest.mark.parametrize(
    "clause",
    [
        "I have a mp4 video named example.mp4",
        "I just recorded an audio file called talk.wav in the garden",
        "here is the link: https://example.com/files/clip.mp4",
        "a photograph named example.jpg",
        "holiday.jpg",
    ],
)
def test_a_clause_that_only_hands_a_file_over_is_no_request(clause: str) -> None:
    assert introduces(clause)


@pytest.mark.parametrize(
    "clause",
    [
        "a photo example.jpg that I want to share on Facebook",
        "if you could print a document named report.pdf",
        "sync it with my recorded voice (voice.wav)",
        "convert example.wav into written text",
        "I have a video that is too slow",
    ],
)
def test_a_clause_asking_for_work_on_a_file_stays(clause: str) -> None:
    assert not introduces(clause)


def test_clauses_leave_out_the_handing_over_but_keep_a_lone_one() -> None:
    task = "I have a video named 'clip.mp4' and a photograph named 'sea.jpg', can you extract the audio from the video?"
    assert clauses(task) == ["extract the audio from the video"]
    # Nothing else asks: the clause stays rather than leave the request empty.
    assert clauses("Here is my photo sea.jpg") == ["Here is my photo sea.jpg"]


@pytest.mark.parametrize(
    ("clause", "task", "expected"),
    [
        (
            "classify it for me",
            "I have this image 'sea.jpg'. Could you classify it for me?",
            "classify the image for me",
        ),
        ("download them", "Two videos: a.mp4 and b.mp4. Please download them", "download the videos"),
        (
            "determine its category",
            "I have a photo 'sea.jpg'. Can you determine its category?",
            "determine the image's category",
        ),
        ("download it", "A photo is at https://example.com/p/sea.jpg. Can you download it?", "download the image"),
        # Two media handed over: "it" could be either.
        ("edit it", "I have sea.jpg and talk.wav. Please edit it", "edit it"),
        # A link that says nothing of its medium.
        ("download it", "It is at https://example.com/watch?v=1. Can you download it?", "download it"),
        # The clause names its medium itself, or is long enough that "it" is as often the topic.
        ("enhance the audio of it", "I have sea.mp4. Can you enhance the audio of it?", "enhance the audio of it"),
        ("figure it out", "I have sea.jpg and its topic puzzles me. Could you figure it out?", "figure it out"),
        (
            "tell me what it represents today",
            "I have sea.jpg. Tell me what it represents today",
            "tell me what it represents today",
        ),
        # The file comes after the clause: "it" is not that file.
        ("download it", "Download it, then play song.mp3", "download it"),
    ],
)
def test_a_short_request_about_it_names_what_was_handed_over(clause: str, task: str, expected: str) -> None:
    assert name_the_handed(clause, task) == expected


@pytest.fixture(scope="module")
def huggingface() -> Planner:
    return Planner(InMemorySource(load_cards(HUGGINGFACE)), None)


def test_a_file_named_in_passing_gets_no_step_of_its_own(huggingface: Planner) -> None:
    # Real cards and embeddings: "I have a photo named beach.jpg" scored against the tools matches an
    # image tool best (a step nobody asked for); the photo is the segmenter's input.
    plan = huggingface.plan(
        "I have a photo named 'beach.jpg' and a recording named 'waves.wav', "
        "could you segment the photo into its parts and transcribe the recording?"
    )
    assert sorted(step.capability for step in plan.steps) == ["Automatic Speech Recognition", "Image Segmentation"]


def test_classify_it_after_handing_an_image_is_image_classification(huggingface: Planner) -> None:
    # "classify it" alone matches the table classifier as well as the image one.
    plan = huggingface.plan("I took a picture called 'garden.jpg' and I wonder what it shows. Can you classify it?")
    assert [step.capability for step in plan.steps] == ["Image Classification"]
    assert "'classify the image'" in plan.steps[0].why


def test_its_category_after_handing_an_image_is_image_classification(huggingface: Planner) -> None:
    # "its category" alone matched the table classifier best.
    plan = huggingface.plan("I have a photo called 'garden.jpg'. Can you determine its category?")
    assert [step.capability for step in plan.steps] == ["Image Classification"]


def downloader(medium: str) -> CapabilityCard:
    return CapabilityCard(
        id=f"{medium}-downloader", name=f"{medium.title()} Downloader",
        description=f"Downloads a {medium} from a URL.", input_types=["url"], output_types=[medium],
        provider="external",
    )  # fmt: skip


def test_download_it_after_an_image_link_plans_the_image_downloader() -> None:
    cards = [downloader("audio"), downloader("video"), downloader("image")]
    planner = Planner(InMemorySource(cards), None)
    plan = planner.plan("I found a lovely picture online at https://example.com/pics/dune.png. Can you download it?")
    assert [step.capability for step in plan.steps] == ["image-downloader"]


def test_audio_asked_for_from_words_is_made_not_made_then_reworked(huggingface: Planner) -> None:
    # "turn it into an audio file" matches the audio-to-audio tool best; it would need the speech
    # synthesiser before it to have any audio, and that synthesiser alone is what was asked for.
    plan = huggingface.plan(
        "Could you translate 'Good morning, everyone' into German and then turn it into an audio file?"
    )
    assert [step.capability for step in plan.steps] == ["Translation", "Text-to-Speech"]
    assert plan.steps[1].depends_on == [plan.steps[0].id]


def test_audio_the_request_points_at_is_still_reworked(huggingface: Planner) -> None:
    plan = huggingface.plan(
        "I have a recording 'talk.wav' full of hiss. Could you clean up the audio and then transcribe it?"
    )
    assert [step.capability for step in plan.steps] == ["Audio-to-Audio", "Automatic Speech Recognition"]


@pytest.mark.parametrize(
    ("task", "handed"),
    [
        ("Could you draw my words as a picture? Save it as 'sunset.png'.", []),
        ("Read out this text and export the audio to 'speech.wav'", []),
        ("Please create an intro.mp4 video from my notes", []),
        ("Name it cat.jpg once it is done", []),
        ("Download it and save it under the name sunset.jpg", []),
        # A file saved earlier is handed over; so is one the request reads.
        ("I have a bill saved as 'bill.png', what is its total?", ["bill.png"]),
        ("Save time: translate notes.txt", ["notes.txt"]),
    ],
)
def test_a_name_to_save_the_result_under_is_not_handed_over(task: str, handed: list[str]) -> None:
    assert [artifact.value for artifact in artifacts(task)] == handed


def test_a_plan_does_not_read_the_file_its_result_is_to_be_saved_as(huggingface: Planner) -> None:
    plan = huggingface.plan(
        "I wrote a few lines about a lighthouse at dusk. Could you design an image that represents them? "
        "Save it as 'lighthouse.png'."
    )
    assert [step.capability for step in plan.steps] == ["Text-to-Image"]


def test_a_bridge_a_later_clause_asks_for_anyway_is_one_step(huggingface: Planner) -> None:
    # "an audio reminder generated from it" picks the audio classifier (it reads audio); its bridge, the
    # speech synthesiser, is what "creating an audio reminder with clear speech" asks for next: one
    # synthesiser, first, not a second one after the classifier.
    plan = huggingface.plan(
        "I am going to a book fair described in this note 'The fair opens on May 3rd at the city hall.' and I'd "
        "like an audio reminder generated from it. Can you help in creating an audio reminder with clear speech "
        "and then transcribe the audio back to text to check it?"
    )
    tools = [step.capability for step in plan.steps]
    assert tools[0] == "Text-to-Speech" and len(tools) == len(set(tools)), tools
    assert "Automatic Speech Recognition" in tools


def test_a_request_after_scene_setting_still_names_what_was_handed_over() -> None:
    """The first request proper, not the first clause: "I'm working on a video project where I need
    ..." sets the scene, and "download it for me" after an audio link is about the audio."""
    task = (
        "I'm working on a video project where I need to use the audio from a different source. This audio is "
        "available at example.com/audio.wav. Could you download it for me?"
    )
    assert clauses(task)[-1] == "download the audio for me"
    cards = [downloader("audio"), downloader("video"), downloader("image")]
    assert [step.capability for step in Planner(InMemorySource(cards), None).plan(task).steps] == ["audio-downloader"]
