"""Dates named by their weekday, counted from this machine's date: "next Friday", "this Friday", "last
Monday", "on Friday". "What's the date next Friday?" found no date and failed, and "How many days until
Friday?" was refused the same way.

"next Friday" and "Friday" are the coming one (a week on when today is Friday, for "next"; today for
"this"), as calendars and search engines read them; "last Friday" the one before today. A weekday written
beside its date ("Friday, 3 March 2028", "2025-12-25 (Thursday)") names that date, not another one."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_NAMES = [name.lower() for name in calendar.day_name]  # monday first, as date.weekday()
_WEEKDAY = re.compile(
    rf"\b(?:(?P<which>next|this|coming|last|past|previous)\s+)?(?P<day>{'|'.join(_NAMES)})\b", re.IGNORECASE
)
# A date right before or after the weekday: "Friday, 3 March 2028", "Friday March 3", "2025-12-25 (Thursday)".
_DATE_AFTER = re.compile(
    r"\s*,?\s*(?:the\s+)?(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d)", re.I
)
_DATE_BEFORE = re.compile(r"\d\s*\(?\s*$")


def weekday_dates(text: str, today: date) -> list[tuple[int, date]]:
    """(position, date) of each weekday ``text`` names on its own."""
    found = []
    for match in _WEEKDAY.finditer(text):
        if _DATE_AFTER.match(text, match.end()) or _DATE_BEFORE.search(text[: match.start()]):
            continue
        wanted = _NAMES.index(match.group("day").lower())
        which = (match.group("which") or "").lower()
        if which in ("last", "past", "previous"):
            found.append((match.start(), today - timedelta(days=(today.weekday() - wanted) % 7 or 7)))
            continue
        ahead = (wanted - today.weekday()) % 7
        found.append((match.start(), today + timedelta(days=7 if ahead == 0 and which == "next" else ahead)))
    return found
