"""Labels offered as a question's choices. 'Is "I love dogs" a positive or negative sentence?' was planned
to the zero-shot classifier, which found no labels ("give at least two labels"); its alternate, text
similarity, then compared the one quoted text with itself and the run answered "1.00 (very similar)"."""

from __future__ import annotations

import pytest
from test_table_columns_run import ran

from agentnet.collaborators.embeddings import EmbeddingInputError, labels_in, text_similarity


@pytest.mark.usefixtures("agentnet_home")
def test_a_question_of_choices_is_classified_through_the_cli() -> None:
    result = ran('Is "I love dogs" a positive or negative sentence?')
    assert result["status"] == "succeeded" and result["answer"] == "positive", result


@pytest.mark.parametrize(
    ("request_text", "labels"),
    [('Is "I love dogs" a positive or negative sentence?', ["positive", "negative"]),
     ("Is this review happy, sad or angry?", ["happy", "sad", "angry"]),
     ("Is it spam or not spam?", ["spam", "not spam"]),
     # As before: labels after "as" / "into", quoted labels, and no choices at all.
     ("Classify 'the battery died' as praise or complaint", ["praise", "complaint"]),
     ('Label it "urgent" or "later"', ["urgent", "later"]), ("Summarize this", [])],
)  # fmt: skip
def test_labels_offered(request_text: str, labels: list[str]) -> None:
    assert labels_in(request_text) == labels


def test_one_text_is_not_compared_with_itself() -> None:
    with pytest.raises(EmbeddingInputError, match="give two texts to compare"):
        text_similarity('Is "I love dogs" a positive or negative sentence?', "I love dogs")
