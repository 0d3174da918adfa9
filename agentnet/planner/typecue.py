"""The media a clause names as its material and its product, against each collaborator's declared types.

A clause often says which medium it starts from and which it wants back: "converting the audio into
written text" points at audio and wants text, "generate an image of a cat" wants an image made from
words alone, "read it aloud" wants audio. A collaborator whose declared types contradict that is a
worse match than its description's wording says: an audio-to-audio tool shares every word of
"converting the audio" with a speech recogniser, and only the types tell them apart. Only media words
are read (image, audio, video, text, their common synonyms and file extensions), never a tool's name
or one domain's vocabulary.

A misfit only ever costs, never gains: a gain would lift clauses that merely name a medium ("I have a
photo example.jpg") over the bars and add steps nobody asked for (measured: every variant that raised
fitting tools lost on multimedia). The cost is in units of the clause's own spread (the standard
deviation of its scores over the candidates), times the share of what the clause names that the tool
contradicts, beyond the best-fitting tool's share; so a tool set where every tool fits alike (API
tools: text in, text out) is left exactly as it was, and so is the best-fitting tool.

Measured 2026-12-05 (``PlannerTuning.type_cue``; zero-shot, --mode off, n-F1/e-F1, all samples | the
held-out half of bench/taskbench_split.py): off multimedia 73.79/45.79 | 73.20/42.61, huggingface
59.05/30.43 | 56.70/32.08; at 1 multimedia 74.10/46.23 | 73.84/42.21, huggingface 59.69/31.96 |
57.91/34.26; office and dailylifeapis unchanged to the digit (no type tells their tools apart). Flat
above, not below: 1.5 multimedia the same, huggingface 59.13/32.35 | 57.85/34.74; 0.5 multimedia
74.19/46.18 | 73.70/41.92, huggingface 59.71/31.40 | 57.46/32.86; 0.25 multimedia 74.12/46.11 |
73.20/41.78, huggingface 59.33/31.48 | 57.14/33.02. Multimedia's held-out e-F1 falls by one request:
"use the extracted text to create new images" gets the text-to-image tool of its gold instead of the
image reader, right before only by accident (the gold reads the images in another clause), and the new
image draws an extra step.
A clause asking to know something about a medium it points at ("figure out what's in the image")
wanting text: huggingface 59.69/31.96 | 57.91/34.26 -> 60.42/32.37 | 58.48/35.19, the others unchanged
(4 huggingface requests better, none worse). Tried and not kept (before the clause fixes of e5c4d7d,
off summed over the four domains 449.51): a gain for fitting tools (multimedia 70.11/39.51 at 1.0, sum
439.03), the same asking clause wanting text whatever it points at (huggingface 57.70/25.32 against
57.79/25.69 without; 59.80/31.78 against 59.69/31.96 after), a
cost shrinking a misfit toward the clause's mean instead of a share of the spread (sum 451.21 against
452.53), the cost not divided by how many sides the clause names (451.54).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentnet.cards import CapabilityCard
from agentnet.planner.extract import artifacts
from agentnet.planner.validate import WILDCARD_TYPES

_WORDS = {
    "image": r"images?|pictures?|photos?|photographs?|pics?|drawings?|illustrations?|paintings?|sketch(?:es)?|"
    r"thumbnails?|screenshots?|visuals?",
    "audio": r"audio|speech|voices?|recordings?|narrations?",
    "video": r"videos?|footage|movies?|animations?",
    "text": r"text|textual|written|transcripts?|transcriptions?",
}
_MEDIUM = re.compile("|".join(f"(?P<{kind}>\\b(?:{words})\\b)" for kind, words in _WORDS.items()), re.IGNORECASE)
_DETERMINER = r"(?:the|this|that|these|those|my|our|your|its|their|his|her)\b"
# Before a medium, the words that make it what the clause wants back: "into written text", "to speech",
# "as an image", "generate a short video", "in an audio format" (the format words are checked after).
_TO = re.compile(rf"\b(?:into|to|as)\s+(?:an?\s+|some\s+)?(?:(?!{_DETERMINER})[\w-]+\s+)?$", re.IGNORECASE)
# The words between a making verb and its product: not a preposition ("generate a waveform from the audio"
# makes an image of the audio, not audio).
_BETWEEN = r"(?:\s+(?!(?:from|of|with|for|in|on|at|to|into|by|about|using|based|out)\b)[\w-]+){0,4}?\s+$"
_MAKE = re.compile(
    rf"\b(?:generat|creat|mak|produc|compos|synthesi[sz])(?:e|es|ing)\b{_BETWEEN}"
    rf"|\b(?:render|draw|paint|design|craft|output|return)(?:s|ing)?\b{_BETWEEN}",
    re.IGNORECASE,
)
_IN_FORMAT = re.compile(r"\bin\s+(?:an?\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE)
_FORMAT = re.compile(r"^\s+(?:format|form|version)\b", re.IGNORECASE)
_ALOUD = re.compile(r"\b(?:aloud|out\s+loud)\b", re.IGNORECASE)
# Before a medium, the words that make it what the clause starts from: "from the recording".
_FROM = re.compile(r"\bfrom\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# A medium the clause points at ("enhance the audio", "the objects in this image", "extract the audio")
# may be its material or its product: a tool fits when it reads or makes it.
_POINTED = re.compile(rf"\b{_DETERMINER}\s+(?:[\w-]+\s+)?$", re.IGNORECASE)


# A clause asking to know something about a medium it points at wants the answer in words: "figure out
# what's in the image", "interpret the content within the image", "determine how many chairs this photo
# shows" is not for a tool that makes another image. Only with such a medium: "identify the central
# themes" alone says nothing of types, and every tool answering it in text would merely be spared.
_ASKS = re.compile(
    r"^(?:what|which|who|whom|whose|how\s+(?:many|much)|where|when|why|whether)\b"
    r"|\b(?:identify|identifying|figur(?:e|ing)\s+out|find(?:ing)?\s+out|tell(?:ing)?\s+(?:me|us)|determin(?:e|ing)|"
    r"recogni[sz](?:e|ing)|classify(?:ing)?|categori[sz](?:e|ing)|describ(?:e|ing)|explain(?:ing)?|interpret(?:ing)?|"
    r"understand(?:ing)?|ascertain(?:ing)?|discern(?:ing)?|answer(?:ing)?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cues:
    """The media a clause starts from (``source``), wants back (``wanted``) or points at either way."""

    source: frozenset[str] = frozenset()
    wanted: frozenset[str] = frozenset()
    pointed: frozenset[str] = frozenset()
    # The clause makes its product from words alone ("generate an image of a cat", "read it aloud"): it
    # names no medium to start from, so a tool that needs one (image in, image out) does not fit.
    scratch: bool = False


def cues_of(clause: str) -> Cues:
    """The media ``clause`` names as its material, as its product, or either."""
    found: dict[str, set[str]] = {"source": set(), "wanted": set(), "pointed": set()}
    made = bool(_ALOUD.search(clause))
    if made:
        found["wanted"].add("audio")
    for artifact in artifacts(clause):
        if artifact.type in _WORDS and artifact.type != "text":
            found["pointed"].add(artifact.type)
    for match in _MEDIUM.finditer(clause):
        kind = match.lastgroup or ""
        before, after = clause[: match.start()], clause[match.end() :]
        if _MAKE.search(before):
            made = True
            found["wanted"].add(kind)
        elif _TO.search(before) or (_IN_FORMAT.search(before) and _FORMAT.match(after)):
            found["wanted"].add(kind)
        elif _FROM.search(before):
            found["source"].add(kind)
        elif _POINTED.search(before):
            found["pointed"].add(kind)
    media = (found["pointed"] | found["source"]) - {"text"}
    if media and not found["wanted"] and _ASKS.search(clause):
        found["wanted"].add("text")
    scratch = made and not found["source"] and not found["pointed"]
    return Cues(frozenset(found["source"]), frozenset(found["wanted"]), frozenset(found["pointed"]), scratch)


# A video carries sound and pictures: "the speech" or "the frames" of a video are read from the video.
_CARRIED_BY = {"audio": "video", "image": "video"}


def _side(declared: list[str], named: frozenset[str], *, read: bool = False) -> int:
    """+1 when the declared types include a named medium, -1 when they exclude all of them, 0 when the
    clause names none or the card declares none (or a wildcard). A tool reading a medium that carries
    the named one (``read``: a video for "the speech") fits."""
    types = {t.lower() for t in declared}
    if read:
        named = named | {_CARRIED_BY[kind] for kind in named if kind in _CARRIED_BY}
    if not named or not types or types & WILDCARD_TYPES:
        return 0
    return 1 if types & named else -1


def misfit(card: CapabilityCard, cues: Cues) -> float:
    """The share of what the clause names that the card's declared types contradict: 0 (nothing, or
    the clause names nothing) .. 1 (it reads and makes other media than the clause says)."""
    if cues.scratch:
        needs_medium = bool({t.lower() for t in card.input_types} - {"text"} - WILDCARD_TYPES)
        wrong_product = _side(card.output_types, cues.wanted) < 0
        return (int(needs_medium) + int(wrong_product)) / 2
    sides = [
        _side(card.input_types, cues.source, read=True),
        _side(card.output_types, cues.wanted),
        max(_side(card.input_types, cues.pointed, read=True), _side(card.output_types, cues.pointed)),
    ]
    named = int(bool(cues.source)) + int(bool(cues.wanted)) + int(bool(cues.pointed))
    return sum(1 for side in sides if side < 0) / named if named else 0.0


def adjustments(clause: str, cards: list[CapabilityCard], row: list[float], weight: float) -> list[float]:
    """Per card, what its types cost its score for ``clause``: ``weight`` times the clause's spread
    times how much more it misfits than the best-fitting card. Never a gain, so a clause no tool
    serves well is not made to look served; all zero when every card fits alike."""
    if weight <= 0 or len(cards) < 2:
        return [0.0] * len(cards)
    cues = cues_of(clause)
    misfits = [misfit(card, cues) for card in cards]
    least = min(misfits)
    if max(misfits) == least:
        return [0.0] * len(cards)
    mean = sum(row) / len(row)
    spread = (sum((value - mean) ** 2 for value in row) / len(row)) ** 0.5
    return [-weight * spread * (value - least) for value in misfits]
