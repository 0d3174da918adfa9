"""Where a plain "and" does not part two requests (``extract`` cuts a sentence into clauses there otherwise)."""

from __future__ import annotations

import re

PLAIN_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# A number, or a number and its unit, just before a plain "and", and a number just after it.
_NUMBER_BEFORE = re.compile(r"(?:^|\s)[(\[]?[-+$\u20ac\u00a3]?\d[\w.,:/%-]*(?:\s+[a-z]+)?$", re.IGNORECASE)
_NUMBER_AFTER = re.compile(r"[-+$\u20ac\u00a3]?\d")


def joins_numbers(sentence: str, match: re.Match[str]) -> bool:
    """A plain "and" between two numbers joins operands or parts of one quantity, not two requests: "add
    5 and 7", "the days between 2026-01-01 and 2026-03-01", "3 hours and 45 minutes after 22:30" (cut
    there, "add 5" was a step of its own and the 7 was lost)."""
    if not PLAIN_AND.fullmatch(match.group(0)):
        return False
    return bool(_NUMBER_BEFORE.search(sentence[: match.start()]) and _NUMBER_AFTER.match(sentence, match.end()))
