"""Time zones as a request writes them, as API-style argument values.

A parameter for a time zone ("timezone", "target_timezone", MCP's time server) takes an IANA name: the
request may write one ("Asia/Tokyo", "America/New_York", "UTC"), or a city whose zone bears
its name ("in New York" is America/New_York, "Tokyo" Asia/Tokyo). A name read as a person's or a
place's cut "Asia/Tokyo" to "Asia" (a name stops at the slash) and gave "New York", which no time
server accepts. The zones are the system's tz database (``zoneinfo``): nothing is downloaded, and
without one only the names written out are read.
"""

from __future__ import annotations

import re
from functools import cache

_AREAS = r"(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)"
_IANA = re.compile(rf"\b{_AREAS}/[A-Za-z][A-Za-z_+-]*(?:/[A-Za-z][A-Za-z_+-]*)?|\b(?:UTC|GMT)\b")
# Capitalised words, the way a city is written ("New York", "Los Angeles", "Tokyo").
_CITY = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}\b")


@cache
def _by_city() -> dict[str, str]:
    """Each zone by its city, the last part of its name (lower case, spaces for underscores)."""
    import zoneinfo

    try:
        zones = zoneinfo.available_timezones()
    except Exception:  # noqa: BLE001 - no tz database on this host: only written-out names are read
        return {}
    cities: dict[str, str] = {}
    for zone in sorted(zones):
        area, _, city = zone.rpartition("/")
        # Canonical areas only: "US/Eastern" and "posix/..." duplicate them.
        if re.fullmatch(_AREAS, area.split("/")[0] if area else ""):
            cities.setdefault(city.replace("_", " ").lower(), zone)
    return cities


def zones(text: str) -> list[str]:
    """The time zones ``text`` names, in order: IANA names written out, then cities that name a zone."""
    written = list(_IANA.finditer(text))
    found = [(m.start(), m.group(0)) for m in written]
    taken = [range(m.start(), m.end()) for m in written]
    cities = _by_city()
    for match in _CITY.finditer(text):
        zone = cities.get(match.group(0).replace("-", " ").lower())
        if zone and not any(match.start() in span for span in taken):
            found.append((match.start(), zone))
    return list(dict.fromkeys(zone for _, zone in sorted(found)))
