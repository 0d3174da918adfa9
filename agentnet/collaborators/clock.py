"""The time now, here or in a named place's time zone, from this machine's clock and tz database:
"what time is it in Tokyo?" had no collaborator on the default network, and the chat model made a time up.

A place is an IANA zone as written ("Asia/Tokyo", "UTC") or the city or region a zone is named for
("Tokyo", "New York", "Paris"). A place the tz database does not know is an error naming it, not the
local time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from functools import cache

from agentnet.errors import UserError

# Asking for the time now: "what time is it", "what's the time", "the current time", "local time".
_NOW = re.compile(
    r"\b(?:what\s+time\s+(?:is\s+it|will\s+it\s+be)|what(?:'s|\s+is)\s+the\s+(?:current\s+|local\s+)?time|"
    r"(?:current|local)\s+time|time\s+(?:is\s+it\s+)?(?:right\s+)?now)\b",
    re.IGNORECASE,
)
_IANA = re.compile(r"\b[A-Z][A-Za-z_]+/[A-Za-z_+-]+(?:/[A-Za-z_+-]+)?|\b(?:UTC|GMT)\b")
# "in Tokyo", "in New York", "in Buenos Aires": capitalised words after "in"/"at"/"for".
_PLACE = re.compile(r"\b(?:in|at|for)\s+((?:[A-Z][\w'-]*)(?:[ -][A-Z][\w'-]*){0,2})")


class ClockError(UserError):
    code = "dates_unreadable"
    # The request is the clock's (a time somewhere): a chat model asked instead would make a time up.
    conclusive = True


@cache
def _zones() -> dict[str, str]:
    """Each zone by its full name and by its place (the last part, lower case, spaces for underscores)."""
    import zoneinfo

    try:
        names = zoneinfo.available_timezones()
    except Exception:  # noqa: BLE001 - no tz database on this host: only UTC is known
        names = set()
    found = {name.lower(): name for name in names}
    for name in sorted(names):
        found.setdefault(name.rsplit("/", 1)[-1].replace("_", " ").lower(), name)
    found.setdefault("utc", "UTC")
    return found


def _zone(text: str) -> tuple[tzinfo | None, str]:
    """The zone the text names (None: this machine's) and how to show it."""
    import zoneinfo

    written = _IANA.search(text)
    place = written.group(0) if written else None
    if place is None:
        named = _PLACE.search(text)
        place = named.group(1) if named else None
    if place is None:
        return None, "local time"
    name = _zones().get(place.lower())
    if name is None:
        raise ClockError(
            f"no time zone known for {place!r}",
            hint="name a city of the tz database (Tokyo, New York) or a zone (Asia/Tokyo, UTC)",
        )
    return zoneinfo.ZoneInfo(name), name


def asks_now(text: str) -> bool:
    return _NOW.search(text) is not None


def now_in(text: str, later: timedelta = timedelta()) -> tuple[datetime, str]:
    """The time now (plus ``later``) where the text says, and the zone's name ("local time" here)."""
    zone, shown = _zone(text)
    # This machine's time as an aware datetime too, so both answers say their offset alike.
    now = datetime.now(zone) if zone is not None else datetime.now().astimezone()
    return now + later, shown
