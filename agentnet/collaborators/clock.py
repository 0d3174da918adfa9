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


# Time left until a clock time today ("How many hours until midnight?", "how long until 5:30 pm?", "how
# many minutes till noon"): the dates tool found no date and the chat model answered "12". A bare
# number ("until 5") is no time; a time has minutes, am/pm or "o'clock".
_UNTIL = re.compile(
    r"\bhow\s+(?:many\s+(?P<unit>hours|hrs|minutes|mins)|much\s+time|long)\b[^?.!]*?\b(?:until|till|til|before)\s+"
    r"(?P<when>midnight|noon|midday|(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?|o'?clock)?)(?![\w:])",
    re.IGNORECASE,
)
_NAMED = {"midnight": 0, "noon": 12, "midday": 12}


def local_now() -> datetime:
    """This machine's time now, which "until midnight" counts from."""
    return datetime.now().astimezone()


def until(text: str) -> tuple[int, str] | None:
    """The whole minutes from now to the next such clock time, and it as HH:MM; None when the text asks
    for no time left until a clock time."""
    found = _UNTIL.search(text)
    if found is None or (found.group("h") and not (found.group("min") or found.group("ampm"))):
        return None
    hour, minute = _NAMED.get(found.group("when").lower(), -1), 0
    if hour < 0:
        hour, minute = int(found.group("h")), int(found.group("min") or 0)
        ampm = (found.group("ampm") or "").lower().replace(".", "")
        hour += 12 if ampm == "pm" and hour < 12 else -12 if ampm == "am" and hour == 12 else 0
    if hour > 23 or minute > 59:
        raise ClockError(f"{found.group('when')!r} is not a time of day", hint="write a time as 17:30 or 5:30 pm")
    now = local_now().replace(second=0, microsecond=0)
    target = now.replace(hour=hour, minute=minute)
    if target <= now:
        target += timedelta(days=1)
    return int((target - now).total_seconds() // 60), target.strftime("%H:%M") + (
        " tomorrow" if target.date() != now.date() else "")  # fmt: skip
