"""Where a request's material is: whether the task refers to material it does not contain ("Summarize
this article:" with nothing after it), and where the material starts in "request: material"."""

from __future__ import annotations

import re

from agentnet.planner.extract import QUOTE_PLACEHOLDER, Artifact, opens_with_verb

# "this article", "the text below", "the following email": material the task says it contains.
_DEICTIC = re.compile(
    r"\b(?:this|these|the\s+following|the\s+attached|the\s+below|below|following|attached|my)\s+"
    r"(?:\w+\s+)?(?:article|text|document|passage|e-?mail|essay|story|report|paragraph|message|letter|poem|"
    r"code|file|transcript|notes|review|post|page|content|summary|sentence|list)s?\b"
    r"|\b(?:article|text|document|passage|e-?mail|code|paragraph)\s+(?:below|above)\b",
    re.IGNORECASE,
)
# Beyond this many characters after the request, the task carries its material itself.
_MATERIAL_CHARS = 40


def _names_material(task: str, supplied: list[Artifact]) -> re.Match[str] | None:
    """Where the task names material ("this article"), unless quoted text, a file or an input handed
    over is material already."""
    if any(a.named or a.type == "text" for a in supplied):
        return None
    return _DEICTIC.search(task)


def missing_material(task: str, supplied: list[Artifact]) -> str | None:
    """The phrase by which the task refers to material it does not contain ("Summarize this article:"
    with nothing after it), or None. Quoted text, a file or an input handed over count as material."""
    match = _names_material(task, supplied)
    if match is None:
        return None
    rest = task[match.end() :]
    colon = rest.find(":")
    after = rest[colon + 1 :] if colon >= 0 else rest
    # After a colon, any text is the material ("summarise this text: bees make honey"); without one, a
    # few words may still be the request going on ("summarise this article for me").
    if (colon >= 0 and after.strip()) or len(after.strip()) >= _MATERIAL_CHARS or "\n" in task.strip():
        return None
    return match.group(0)


# What opens a further request rather than material: "Is this text formal? Then translate it."
_GOES_ON = re.compile(
    r"(?:then|and|also|next|finally|lastly|afterwards|after|now|please|can|could|would|will|additionally|plus)\b",
    re.IGNORECASE,
)
# A question's words after the material's name: "this text" in "... in this text for me?".
_QUESTION_TAIL_WORDS = 6


def material_after_question(task: str, supplied: list[Artifact]) -> str:
    """The task with a question about material it names, followed by that material, written as
    "question: material" ("How many words are in this text? Bees make honey." -> "How many words are
    in this text: Bees make honey."), as the planner and the tools read material after a colon;
    otherwise the task unchanged. Only statements follow: a further question or a sentence opening as
    a further request ("Then translate it") is no material. Why: "Bees make honey" was planned as a
    request of its own (the chat model) and the word counter found no text to count."""
    match = _names_material(task, supplied)
    # "this text", not "my page": a thing of the user's ("post it on my Facebook page? I'll need ...")
    # is no material the task goes on to give.
    if match is None or match.group(0).lower().startswith("my"):
        return task
    mark = task.find("?", match.end())
    if mark < 0 or ":" in task[match.end() : mark] or len(task[match.end() : mark].split()) > _QUESTION_TAIL_WORDS:
        return task
    rest = task[mark + 1 :].strip()
    if not rest or "?" in rest or _GOES_ON.match(rest):
        return task
    return f"{task[:mark].rstrip()}: {rest}"


_REQUEST_END = re.compile(r":\s|\n")
_REQUEST_CHARS = 300


def split_request(task: str) -> int | None:
    """Where the material starts in "request: material" (the request ends at the first colon or line
    break within its first 300 characters), or None when the task has no such head."""
    match = _REQUEST_END.search(task, 0, _REQUEST_CHARS + 2)
    if match is None or not task[: match.start()].strip():
        return None
    return match.end()


_HEAD = re.compile(r"^(?P<head>[^:]{3,60}):\s+(?P<material>\S.*)$", re.DOTALL)
_HEAD_WORDS = 8


def request_head(clause: str) -> str:
    """What a clause asks, without the material it carries after a colon: "Read this out: hello there"
    asks for "Read this out" (scored whole, the words of the material outweighed the request's: the
    chat model matched best, not speech). Only a short head that opens with its verb, and plain words
    after it (a quoted passage or a link is masked or named elsewhere and weighs little)."""
    match = _HEAD.match(clause)
    if match is None:
        return clause
    head, material = match.group("head").strip(), match.group("material")
    if len(head.split()) > _HEAD_WORDS or not opens_with_verb(head):
        return clause
    if material.startswith(QUOTE_PLACEHOLDER) or re.match(r"(?:https?|ftp)://", material):
        return clause
    return head
