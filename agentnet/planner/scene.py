"""Whether a clause sets the scene or asks for work: "I have a video" and "the audio is noisy" state
facts (the planner scores such clauses lower and reads the first clause that is no such statement as
the request proper); imperatives, noun-phrase requests and direct questions ask.

Apart from ``planner.extract`` (which cuts a request into clauses) because the planner, the fit and the
general-model rule each judge clauses by it, and it reads nothing but the clause.
"""

from __future__ import annotations

import re

_SUBJECT_START = re.compile(
    r"^(?:i|i'm|i've|i'd|i'll|we|we're|we've|it|it's|its|there|there's|here|here's|he|she|they|they're|you've|"
    r"you're|which|who|what|when|where|while|because|since|although|though|however|if|as|so|once|until|unless|"
    r"whenever)\b",
    re.IGNORECASE,
)
_DETERMINER_CLAUSE = re.compile(
    r"^(?:the|a|an|my|our|your|his|her|their|this|that|these|those)\b[^,;]*?\b"
    r"(?:is|are|was|were|has|have|had|seems?|looks?|sounds?|contains?|includes?|features?)\b",
    re.IGNORECASE,
)


# A direct question ("what time is it", "where is the file") asks for something, although it opens
# with a word that also opens scene-setting clauses ("when I was ...", "which shows ...").
_AUXILIARY = r"(?:am|is|are|was|were|do|does|did|can|could|will|would|should|has|have)"
_PRONOUN = r"(?:i|we|you|he|she|they|it|me|us|him|her|them)"
_QUESTION = re.compile(
    rf"^(?:what|which|who|whom|whose|when|where|how|why)\b(?:\s+(?!{_PRONOUN}\b)[\w-]+)?\s+{_AUXILIARY}\b"
    # "what day of the week was ...", "which of the items is ...": the asked-for thing may be a phrase,
    # and may name a file ("which line of notes.txt is ...": read as a statement, its scores fell by
    # the scene penalty and the chat model answered).
    rf"|^(?:what|which|whose)(?:\s+(?!{_PRONOUN}\b|{_AUXILIARY}\b)[\w-]+(?:\.[\w-]+)*){{2,4}}\s+{_AUXILIARY}\b"
    # "what's the time in London", "how's": the verb contracted onto the question word.
    r"|^(?:what|who|where|when|how)'s\b",
    re.IGNORECASE,
)


def sets_scene(clause: str, task: str = "") -> bool:
    """The clause states a fact ("I have a video", "the audio is noisy") instead of asking for work:
    it starts with a subject (imperatives, noun-phrase requests and direct questions do not). Given the
    ``task`` it was cut from (its quotes masked as the clause's are: "mentions the quoted text" is not
    in the task as written), a clause opening a sentence that ends with "?" is a question."""
    text = clause.strip().replace("\u2019", "'")
    if _QUESTION.match(text) or (task and _opens_a_question(text, task)):
        return False
    return bool(_SUBJECT_START.match(text) or _DETERMINER_CLAUSE.match(text))


_QUESTION_WORD = re.compile(r"^(?:what|which|who|whom|whose|when|where|how|why)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _opens_a_question(clause: str, task: str) -> bool:
    """The clause opens a sentence of ``task`` that ends with a question mark: "Who lives in Lyon in
    people.csv?" asks, although "who lives" with no auxiliary reads like the relative clause of a
    statement ("my friend, who lives in Lyon"), which opens no sentence. Read as scene-setting, the
    table tool's score fell under the floor and the chat model made the residents up."""
    if not _QUESTION_WORD.match(clause):
        return False
    text = " ".join(task.split()).replace("\u2019", "'")
    at = text.find(clause)
    if at < 0 or (text[:at].strip() and text[:at].rstrip()[-1] not in ".!?"):
        return False
    end = _SENTENCE_END.search(text, at + len(clause))
    return end is not None and end.group() == "?"
