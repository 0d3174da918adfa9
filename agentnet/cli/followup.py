"""A chat follow-up that only changes a number of the turn before, as a request of its own.

"What is 15% of 80?" then "and 20%?": the second turn was planned alone, and no tool can answer
"and 20%?" (the calculator refused it, then three other tools); a general model guessed from the
conversation ("What is 3 dozen times 4?", "and times 5?": 148). A follow-up that opens with "and",
"what about" or "how about" and holds one number, alone or after the word it follows in the earlier
request ("times 5", "between 4"), is that earlier request with the number replaced: "What is 20% of
80?", "What is 3 dozen times 5?". Anything else is left as it was written (the chat model still reads
the conversation).
"""

from __future__ import annotations

import re

_OPENING = re.compile(r"^\s*(?:and\s+)?(?:(?:what|how)\s+about\s+|and\s+)(?:for\s+|with\s+)?", re.IGNORECASE)
_NUMBER = r"\d+(?:[.,]\d+)?"
_FRAGMENT = re.compile(rf"^(?:(?P<word>[a-z]+)\s+)?(?P<number>{_NUMBER})\s*(?P<percent>%|percent\b)?$", re.I)
MAX_WORDS = 6


def standalone(text: str, earlier: str | None) -> str | None:
    """``text`` read against the ``earlier`` request when it is a follow-up that replaces one of its
    numbers; None when it is not one (or the earlier request has no such number)."""
    if not earlier or len(text.split()) > MAX_WORDS:
        return None
    opening = _OPENING.match(text)
    if opening is None or not opening.group(0).strip():
        return None
    fragment = _FRAGMENT.match(text[opening.end() :].strip().rstrip("?!. ").strip())
    if fragment is None:
        return None
    word, number, percent = fragment.group("word"), fragment.group("number"), fragment.group("percent")
    if percent:
        # The earlier request's percentage ("15%", "15 percent"), the first one.
        target = re.compile(rf"(?P<number>{_NUMBER})(?=\s*(?:%|percent\b))", re.IGNORECASE)
    elif word:
        # The number right after the same word ("times 4", "between 3").
        target = re.compile(rf"\b{re.escape(word)}\s+(?P<number>{_NUMBER})\b", re.IGNORECASE)
    else:
        return None
    found = target.search(earlier)
    if found is None:
        return None
    start, end = found.span("number")
    return earlier[:start] + number + earlier[end:]
