"""MiniLM embeddings (the offline model agentnet ships for its directory) as four tools: how similar
two texts are, which passages of a text best match a query, which of given labels fits a text, and
which passages repeat each other nearly word for word."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from agentnet.errors import UserError
from agentnet.nodes.outputs import ToolOutput

if TYPE_CHECKING:
    import numpy as np

_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]{2,})[\"\u201d]|(?:(?<=^)|(?<=[\s:(]))'([^']{2,})'(?=$|[\s.,;:!?)])")
_LABELS = re.compile(
    r"(?:\bas\b|\binto\b|\bone\s+of\b|\blabels?\s*:|\bcategor(?:y|ies)\s*:|\bbetween\b)\s+(?P<list>[^.?!]+)",
    re.IGNORECASE,
)
DUPLICATE_THRESHOLD = 0.9
# Most passages one call embeds: about 30 s of MiniLM on one loaded core. A 1,000,000-line CSV handed to
# these tools ran past the 120 s step deadline and kept its thread busy afterwards (3 GB, minutes of CPU).
MAX_PASSAGES = 10_000
# Most passages compared pairwise (their similarity matrix: 100 MB), and most pairs listed.
MAX_COMPARED = 5_000
MAX_PAIRS = 1_000
_REQUEST = {"x-agentnet": "request"}
_INPUT = {"x-agentnet": "input"}


class EmbeddingInputError(UserError):
    code = "embedding_input"


def _bounded(found: list[str], most: int, what: str) -> list[str]:
    if len(found) > most:
        raise EmbeddingInputError(
            f"the text has {len(found):,} passages (lines or sentences); {what} takes at most {most:,}",
            hint="hand over only the part the task needs (filter or split the file first)",
        )
    return found


def _vectors(texts: list[str]) -> np.ndarray:
    from agentnet.directory.embedder import shared_embedder

    return shared_embedder().embed(texts)


def quoted(text: str) -> list[str]:
    return [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(text)]


def passages(text: str) -> list[str]:
    """A text's lines, or its sentences when it is one line."""
    lines = [line.strip(" -*\u2022\t") for line in text.splitlines() if line.strip(" -*\u2022\t")]
    if len(lines) > 1:
        return lines
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _two_texts(text: str) -> list[str]:
    """Two texts handed over (two files, two earlier outputs: joined by a blank line) are the two
    texts, whatever their lines; otherwise the input's passages (two lines). Comparing the first two
    lines of "a.txt and b.txt" once answered 0.05 for two paraphrases."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return blocks if len(blocks) == 2 else passages(text)


# A quoted file's name ("notes.txt") names a text handed over; it is not a text to compare.
_FILE_NAME = re.compile(r"[\w~./-]*[A-Za-z_][\w~/-]*\.[A-Za-z][A-Za-z0-9]{1,5}")


def _compared(request: str, text: str, handed: bool) -> tuple[list[str], bool]:
    """The texts to compare: two quoted in the request, else those handed over (two files or earlier
    outputs; one of them with one quoted text). 'how similar are "notes.txt" and "fruit.txt"?' compared
    the two names (0.54, "similar") while the files' texts, handed over, were unrelated (-0.08). And
    whether the texts are the quoted ones (more than two are compared as the first two)."""
    named = [found for found in quoted(request) if not _FILE_NAME.fullmatch(found)]
    given = _two_texts(text) if text and (handed or text != request) else []
    if len(named) >= 2 or not given:
        return named, True
    # The one quoted text handed in as the input too: 'Is "I love dogs" positive?' compared it with itself
    # (1.00, "very similar") after a classification without labels fell back here.
    named = [found for found in named if found not in given]
    return (given + named if len(given) == 1 else given), False


def text_similarity(
    request: Annotated[str, Field(description="The request, with the two texts in quotes", json_schema_extra=_REQUEST)],
    text: Annotated[str, Field(description="Two texts, one per line", json_schema_extra=_INPUT)] = "",
    handed: Annotated[
        bool, Field(description="Whether the texts were handed over (files, piped text, earlier outputs)",
                    json_schema_extra={"x-agentnet": "handed"})
    ] = False,
) -> ToolOutput:  # fmt: skip
    """How similar in meaning two texts are (cosine similarity of MiniLM embeddings, -1 to 1)."""
    texts, from_quotes = _compared(request, text, handed)
    if len(texts) < 2:
        raise EmbeddingInputError("give two texts to compare, each in quotes", hint='e.g. "a cat" and "a kitten"')
    if len(texts) > 2 and not from_quotes:
        raise EmbeddingInputError(
            f"which two texts to compare? the input has {len(texts)} passages",
            hint="give two files, two lines, or two quoted texts",
        )
    vectors = _vectors(texts[:2])
    score = float(vectors[0] @ vectors[1])
    verdict = "very similar" if score >= 0.8 else "similar" if score >= 0.5 else "not similar"
    shown = f"{score:.2f} ({verdict})"
    return ToolOutput(shown, {"score": round(score, 4), "texts": texts[:2], "text": shown})


def semantic_search(
    query: Annotated[str, Field(description="What to look for (quoted, or the request)", json_schema_extra=_REQUEST)],
    text: Annotated[str, Field(description="The passages to search, one per line", json_schema_extra=_INPUT)],
    top: Annotated[int, Field(ge=1, le=50, description="How many matches to return")] = 3,
) -> ToolOutput:  # fmt: skip
    """The passages of a text closest in meaning to a query, best first."""
    # No text handed over: the input is the query itself, and searching it "found" the request.
    found = passages(text) if text != query else []
    if not found:
        raise EmbeddingInputError(
            "nothing to search: give the passages, one per line",
            hint="pipe the text in, pass a file with --input PATH, or name an existing file",
        )
    _bounded(found, MAX_PASSAGES, "a semantic search")
    wanted = (quoted(query) or [query])[0]
    vectors = _vectors([wanted, *found])
    scores = vectors[1:] @ vectors[0]
    ranked = sorted(range(len(found)), key=lambda i: -float(scores[i]))[:top]
    matches = [{"text": found[i], "score": round(float(scores[i]), 4)} for i in ranked]
    return ToolOutput(found[ranked[0]], {"query": wanted, "matches": matches, "text": found[ranked[0]]})


def labels_in(request: str) -> list[str]:
    """The labels a request offers: quoted, or listed after "as", "into", "one of", "labels:"."""
    found = quoted(request)
    if len(found) >= 2:
        return found
    match = _LABELS.search(request)
    if match is None:
        # 'Is "I love dogs" a positive or negative sentence?': one-word choices joined by "or", the last such
        # list, outside quotes (without it the step had no labels and failed).
        choices = _CHOICES.findall(_QUOTED.sub(" ", request))
        return re.split(r"\s*,\s*(?:or\s+)?|\s+or\s+", choices[-1]) if choices else []
    parts = re.split(r"\s*(?:,|/|\bor\b|\band\b)\s*", match.group("list"))
    return [p.strip(" '\"") for p in parts if p.strip(" '\"")]


_CHOICE = r"(?:not\s+)?[A-Za-z][\w-]*"  # "spam or not spam"
_CHOICES = re.compile(rf"\b({_CHOICE}(?:\s*,\s*{_CHOICE})*\s*,?\s+or\s+{_CHOICE})\b")


def classify_text(
    text: Annotated[str, Field(description="The text to classify", json_schema_extra=_INPUT)],
    request: Annotated[
        str, Field(description="The labels to choose from, e.g. 'as positive or negative'", json_schema_extra=_REQUEST)
    ],
) -> ToolOutput:  # fmt: skip
    """Zero-shot classification: which of the given labels fits the text best."""
    labels = labels_in(request)
    if len(labels) < 2:
        raise EmbeddingInputError("give at least two labels", hint="e.g. 'classify as sport, politics or science'")
    subject = text if text != request else (quoted(request) or [request])[0]
    vectors = _vectors([subject, *(f"This text is about {label}." for label in labels)])
    scores = vectors[1:] @ vectors[0]
    best = max(range(len(labels)), key=lambda i: float(scores[i]))
    ranking = {label: round(float(scores[i]), 4) for i, label in enumerate(labels)}
    return ToolOutput(labels[best], {"label": labels[best], "scores": ranking, "text": labels[best]})


def find_duplicates(
    text: Annotated[str, Field(description="The passages to compare, one per line", json_schema_extra=_INPUT)],
) -> ToolOutput:
    """Near-duplicate passages: pairs whose meaning is almost the same (cosine at least 0.9)."""
    import numpy as np

    found = _bounded(passages(text), MAX_COMPARED, "finding near-duplicates")
    if len(found) < 2:
        raise EmbeddingInputError("give at least two passages, one per line")
    vectors = _vectors(found)
    sims = vectors @ vectors.T
    # Every pair above the diagonal at once: 5,000 equal lines are 12.5 million pairs, counted, not listed.
    firsts, seconds = np.nonzero(np.triu(sims, k=1) >= DUPLICATE_THRESHOLD)
    pairs = [
        {"first": found[i], "second": found[j], "score": round(float(sims[i, j]), 4)}
        for i, j in zip(firsts[:MAX_PAIRS].tolist(), seconds[:MAX_PAIRS].tolist(), strict=True)
    ]
    count = len(firsts)
    shown = f"{count:,} near-duplicate pair{'s' if count != 1 else ''}" + "".join(
        f"\n- {p['first']!r} ~ {p['second']!r} ({p['score']:.2f})" for p in pairs
    )
    if count > len(pairs):
        shown += f"\n(the first {len(pairs):,} listed)"
    return ToolOutput(shown, {"pairs": pairs, "count": count, "text": shown})
