"""What a task needs that a general chat model cannot give: media in or out, or a tool.

When no specialised collaborator matches a task, a general chat model answers it, unless the task
hands over an image, audio or video (a file it names), asks for one back, or asks for an action on
the outside world (send, book, download, look up live data). Then the planner refuses and says
which capability is missing, if no collaborator offers it. The patterns are deliberately plain
requests, so a question *about* pictures or e-mail still goes to the chat model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agentnet.cards import CapabilityCard, is_model
from agentnet.planner.extract import Artifact

MEDIA_TYPES = ("image", "audio", "video")

_MAKE = r"(?:draw|paint|sketch|generate|create|make|render|produce|design|record|film)"
# Up to four words between the verb and the medium; a file name among them is the made thing's name
# ("create an example.mp4 video"), so a word may be one, quoted.
_GAP = r"(?:\s+(?:[\w-]+|['\"\u2018\u201c]?[\w-]+\.\w{2,4}['\"\u2019\u201d]?)){0,4}?"
_OUTPUT_PATTERNS = {
    "image": re.compile(
        rf"\b{_MAKE}\b{_GAP}\s+(?:image|picture|photo|drawing|illustration|logo|icon|painting)s?\b",
        re.IGNORECASE,
    ),
    "audio": re.compile(
        rf"\b{_MAKE}\b{_GAP}\s+(?:audio|recording|voice-?over|speech|mp3|wav)\b"
        r"|\b(?:read|say|speak)\b(?:\s+\w+){0,4}?\s+(?:aloud|out loud)\b|\btext[- ]to[- ]speech\b",
        re.IGNORECASE,
    ),
    "video": re.compile(rf"\b{_MAKE}\b{_GAP}\s+(?:video|clip|animation|movie)s?\b", re.IGNORECASE),
}
_ACTION = re.compile(
    r"\b(?:send|e-?mail|text|sms|tweet|post|publish|upload|download|book|reserve|order|buy|purchase|pay|"
    r"schedule|call|phone|browse|google|fetch|open)\b"
    r"(?:\s+\w+){0,4}?\s+(?:an?\s+|the\s+|my\s+|this\s+)?"
    r"(?:e-?mail|message|sms|text|tweet|post|file|page|site|website|url|link|ticket|flight|hotel|table|"
    r"meeting|appointment|reminder|alarm|order|payment|call|web|internet)s?\b"
    r"|\b(?:search|look\s+up|check)\b(?:\s+\w+){0,3}?\s+(?:on\s+)?(?:the\s+)?(?:web|internet|online|google)\b",
    re.IGNORECASE,
)
_LIVE_DATA = re.compile(
    r"\b(?:current|today'?s|latest|live|right now)\b(?:\s+\w+){0,2}?\s+"
    r"(?:weather|forecast|news|headlines|price|prices|stock|exchange rate|score|scores|traffic)\b"
    r"|\b(?:weather|forecast|news|stock price|exchange rate)\b(?:\s+\w+){0,3}?\s+(?:today|now|tomorrow)\b",
    re.IGNORECASE,
)
# "How do I send an email?" asks for knowledge a chat model has, not for the action itself.
_ABOUT = re.compile(
    r"\b(?:how|why|what|when|where|who|which|whether|explain|describe|tips?|advice|ideas?|steps?)\b"
    r"(?:\s+\w+){0,6}?\s+(?:to\s+)?(?=\w+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Need:
    """A capability the task asks for: ``what`` it is, in words, and what in the task shows it."""

    what: str
    evidence: str
    input_type: str | None = None
    output_type: str | None = None
    tool: bool = False

    def met_by(self, card: CapabilityCard) -> bool:
        if self.input_type is not None:
            return self.input_type in card.input_types
        if self.output_type is not None:
            return self.output_type in card.output_types
        # An action on the world needs a tool (or a peer's agent), never a bare chat model.
        return card.provider != "model"


def described(needs: Sequence[Need]) -> str:
    """The needs in words, each kind once with up to three pieces of evidence: "image input
    ('a.jpg', 'b.jpg', 'c.jpg' and 297 more)". A task naming hundreds of photos gets one line, not one
    clause per photo."""
    evidence: dict[str, list[str]] = {}
    for need in needs:
        shown = evidence.setdefault(need.what, [])
        if need.evidence not in shown:
            shown.append(need.evidence)
    parts = []
    for what, shown in evidence.items():
        more = f" and {len(shown) - _SHOWN} more" if len(shown) > _SHOWN else ""
        parts.append(f"{what} ({', '.join(repr(e) for e in shown[:_SHOWN])}{more})")
    return "; ".join(parts)


_SHOWN = 3


# What may stand between "generate a video" and a file name that is the made video's name: "generate a
# video named 'example.mp4'", "create an engaging video 'example.mp4'", "record audio as memo.wav" (not
# "make a video from clip.mp4": that one is handed over).
_OUTPUT_NAME = re.compile(
    r"\s*(?:(?:named|called|titled|saved|save\s+it|as|in|into|to|file)\s+)*['\"\u2018\u201c]?", re.IGNORECASE
)


def needs(task: str, supplied: Sequence[Artifact]) -> list[Need]:
    """Media the task hands over or asks for, and actions on the outside world it asks for."""
    found: list[Need] = []
    made = {kind: list(pattern.finditer(task)) for kind, pattern in _OUTPUT_PATTERNS.items()}
    for artifact in supplied:
        if artifact.type in MEDIA_TYPES and not _names_output(task, artifact, made[artifact.type]):
            found.append(Need(f"{artifact.type} input", artifact.value, input_type=artifact.type))
    for kind, matches in made.items():
        if matches:
            found.append(Need(f"{kind} output", matches[0].group(0), output_type=kind))
    live = _LIVE_DATA.search(task)
    if live:
        found.append(Need("a tool with live data", live.group(0), tool=True))
    action = _ACTION.search(task)
    if action and not _ABOUT.search(task[: action.start()]):
        found.append(Need("a tool that acts outside this conversation", action.group(0), tool=True))
    return found


def _names_output(task: str, artifact: Artifact, made: list[re.Match[str]]) -> bool:
    """The file is the name the task gives what it asks to be made, not something it hands over: it
    follows the request ("generate a video named 'clip.mp4'") or stands within it ("create an
    example.mp4 video")."""
    return not artifact.named and any(
        match.start() < artifact.start < match.end()
        or (match.end() <= artifact.start and _OUTPUT_NAME.fullmatch(task[match.end() : artifact.start]))
        for match in made
    )


GENERAL_TAGS = frozenset({"chat", "general", "qa", "assistant"})


def runnable_model(card: CapabilityCard) -> bool:
    """A model agentnet can call: a configured node or a peer's (not a tool, not a mere description)."""
    return card.available and is_model(card)


def is_general(card: CapabilityCard) -> bool:
    """A chat model that takes any text request: a model, text in and out, tagged as general."""
    if not runnable_model(card) or "text" not in card.input_types or "text" not in card.output_types:
        return False
    tags = {t.lower() for t in card.tags} | {t.lower() for s in card.skills for t in s.tags}
    return bool(tags & GENERAL_TAGS)


def unmet_media(
    task: str, supplied: Sequence[Artifact], cards: Sequence[CapabilityCard], *, include_unavailable: bool = False
) -> list[Need]:
    """Media the task hands over or asks for that no available collaborator takes or makes: such a
    task cannot be planned whatever the clauses match (a picture to draw with no image maker).
    ``include_unavailable``: the caller asked to plan with unavailable cards too (nothing else can serve)."""
    media = [need for need in needs(task, supplied) if need.input_type or need.output_type]
    able = [card for card in cards if include_unavailable or card.available]
    return [need for need in media if not any(need.met_by(card) for card in able)]


def install_hint(missing: Sequence[Need], cards: Sequence[CapabilityCard]) -> str | None:
    """The command that adds a collaborator meeting the first missing need (one listed, not installed)."""
    for need in missing:
        for card in cards:
            if not card.available and card.install and need.met_by(card):
                return f"{card.id} is not installed: {card.install}"
    return None


def takes_named_values(card: CapabilityCard) -> bool:
    """An API-style tool: it takes its inputs as named values and declares no medium (``MEDIA_TYPES``),
    so a file the task hands over may be one of its values. A tool that declares a medium is typed,
    and what it reads is what its types say."""
    return bool(card.parameters) and not set(MEDIA_TYPES) & {*card.input_types, *card.output_types}
