"""The collaborators that run a model or a program: MiniLM embeddings, RapidOCR, espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest
from ocr_images import render_text

from agentnet.collaborators.embeddings import (
    EmbeddingInputError,
    classify_text,
    find_duplicates,
    semantic_search,
    text_similarity,
)
from agentnet.collaborators.ocr import read_image_text
from agentnet.collaborators.speech import speak, wav_duration


def test_similarity_ranks_paraphrases_above_unrelated_texts() -> None:
    close = text_similarity('How similar are "a cat sat on the mat" and "a kitten rested on the rug"?')
    far = text_similarity('How similar are "a cat sat on the mat" and "quarterly revenue grew by ten percent"?')
    assert close.data["score"] > far.data["score"] + 0.2
    assert close.data["texts"] == ["a cat sat on the mat", "a kitten rested on the rug"]


def test_search_classify_and_duplicates_on_given_texts() -> None:
    lines = "The invoice is overdue by ten days.\nIt will rain heavily tomorrow afternoon.\nOur team won the final."
    found = semantic_search('Which line is about "the weather forecast"?', lines)
    assert found.text == "It will rain heavily tomorrow afternoon."
    assert classify_text("Our team won the final 3-1.", "Classify this as sport, politics or finance").text == "sport"
    dupes = find_duplicates("The meeting moved to Friday.\nBananas are yellow.\nThe meeting was moved to Friday.")
    assert dupes.data["count"] == 1 and {dupes.data["pairs"][0]["first"], dupes.data["pairs"][0]["second"]} == {
        "The meeting moved to Friday.",
        "The meeting was moved to Friday.",
    }


def test_search_with_nothing_to_search_is_refused_not_the_query_found() -> None:
    """With no text handed over the input is the query itself, which once came back as the match."""
    with pytest.raises(EmbeddingInputError, match="nothing to search"):
        semantic_search("read the file missing.txt", "read the file missing.txt")


@pytest.mark.slow
def test_ocr_reads_the_text_of_a_rendered_sign_line_by_line(tmp_path: Path) -> None:
    sign = render_text(["NO PARKING", "Tow away zone 8 am to 6 pm"], tmp_path / "sign.png")
    result = read_image_text(sign)
    assert result.text.splitlines() == ["NO PARKING", "Tow away zone 8 am to 6 pm"]
    first = result.data["lines"][0]
    assert first["text"] == "NO PARKING" and first["confidence"] > 0.8 and len(first["boxes"]) == 2


def test_speech_writes_a_wav_that_plays(espeak_ng: str) -> None:
    result = speak("Three rows have a price over twenty.")
    assert result.text == "Three rows have a price over twenty."
    (audio,) = result.files
    assert audio.media_type == "audio/wav" and audio.data[:4] == b"RIFF"
    assert 0.5 < wav_duration(audio.data) < 10 and result.data["duration_s"] == pytest.approx(
        wav_duration(audio.data), abs=0.01
    )


def test_a_text_of_more_passages_than_a_call_embeds_is_refused_at_once() -> None:
    """A 1,000,000-line CSV went to semantic search and near-duplicates after the table tool refused it:
    each ran past the 120 s step deadline and kept its thread (3 GB, minutes of CPU) after."""
    lines = "\n".join(f"{i},city{i % 50},{i % 997}" for i in range(10_001))
    with pytest.raises(EmbeddingInputError, match="10,001 passages") as refused:
        semantic_search("Which row is about city7?", lines)
    assert "only the part the task needs" in (refused.value.hint or "")
    with pytest.raises(EmbeddingInputError, match="finding near-duplicates takes at most 5,000"):
        find_duplicates("\n".join(lines.splitlines()[:5_001]))


def test_many_equal_lines_count_every_pair_and_list_the_first_thousand() -> None:
    dupes = find_duplicates("\n".join(["The meeting moved to Friday."] * 1_500))
    assert dupes.data["count"] == 1_500 * 1_499 // 2
    assert len(dupes.data["pairs"]) == 1_000 and dupes.text.startswith("1,124,250 near-duplicate pairs")
    assert dupes.text.endswith("(the first 1,000 listed)")
