"""Date and time arithmetic as people ask for it: "What date is 90 days after 2024-03-01?", "How many
days are there between 2024-01-15 and March 1, 2024?", "What day of the week is 2025-12-25?",
"What time is it 3 hours 45 minutes after 22:30?". Dates are read in ISO, "March 1, 2024",
"1 March 2024" and US "03/01/2024" forms; "today", "tomorrow" and "yesterday" use this machine's date,
as do "how many days until" a lone date and a holiday or a date named without its year ("Christmas",
"Halloween", "my birthday on 3 March": the next one, today included; the last one when the question is
about the past: "how many days since Christmas?"), and "how many days are left in the
year" (or the month: the days after today). Weeks are counted as whole weeks and days ("12 weeks and 2
days"). Whether a year is a leap year: "Is 2028 a leap year?".
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import Field

from agentnet.collaborators import clock, weekdays
from agentnet.errors import UserError
from agentnet.nodes.outputs import ToolOutput

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_FULL = [name.lower() for name in calendar.month_name if name]
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATES = [
    re.compile(r"\b(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
]
_RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}
# Holidays on the same date every year, with their year or without (then the next one from today).
_HOLIDAYS = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25), "halloween": (10, 31),
             "new year's eve": (12, 31), "new year's day": (1, 1), "valentine's day": (2, 14)}  # fmt: skip
_HOLIDAY = re.compile(
    r"\b(?P<name>" + "|".join(name.replace("'s", r"(?:'s|\u2019s|s)") for name in _HOLIDAYS) + r")\b"
    r"(?:,?\s+(?P<year>\d{4})\b)?",
    re.IGNORECASE,
)
_BY_KEY = {name.replace("'", ""): when for name, when in _HOLIDAYS.items()}  # "new years eve": (12, 31)
_COUNTING = re.compile(r"\bhow\s+many\s+(?:days|weeks)\b|\bhow\s+long\b", re.IGNORECASE)
_TIME = re.compile(r"\b(?P<h>\d{1,2}):(?P<min>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?(?![\d-])", re.IGNORECASE)
_DURATION = re.compile(r"\b(?P<n>\d+)\s*(?P<unit>years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?)\b", re.I)
_BACKWARD = re.compile(r"\b(?:before|ago|earlier|prior|minus|subtract|back)\b", re.IGNORECASE)
_IN_WEEKS = re.compile(r"\bhow\s+many\s+weeks\b", re.IGNORECASE)


class DateError(UserError):
    code = "dates_unreadable"


def today() -> date:
    """This machine's date: what "today", a holiday without its year and "days left" count from."""
    return date.today()


def find_dates(text: str) -> list[tuple[int, date]]:
    found: list[tuple[int, date]] = []
    taken: list[range] = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            groups = match.groupdict()
            month = _MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["m"])
            try:
                found.append((match.start(), date(int(groups["year"]), month, int(groups["day"]))))
            except ValueError as exc:
                error = DateError(f"{match.group(0)!r} is not a date: {exc}", hint="check the day and the month")
                error.conclusive = True  # a date that does not exist: no other collaborator should guess one
                raise error from None
            taken.append(range(match.start(), match.end()))
    for word, offset in _RELATIVE.items():
        for match in re.finditer(rf"\b{word}\b", text, re.IGNORECASE):
            found.append((match.start(), today() + timedelta(days=offset)))
    written = {day for _, day in found}
    # "Christmas 2030" was no date: "How many days until Christmas 2030 from 1 December 2030?" was
    # answered with the weekday of the one date found ("Sunday").
    # A holiday named beside its date ("Christmas Day, 25 December 2030") is that date, not another one.
    found += [holiday for holiday in _holidays(text) if (holiday[1].month, holiday[1].day) not in
              {(day.month, day.day) for day in written}]  # fmt: skip
    found += _without_year(text, taken)
    found += weekdays.weekday_dates(text, today())
    return sorted(found)


# "3 March", "March 3rd", "the 3rd of March" with no year: months by their full names only ("may 3"
# or "dec 3" in running text are seldom dates). A year after it makes it a dated match (above).
_YEARLESS = [
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?(?P<month>{'|'.join(_FULL)})\b(?!,?\s+\d)", re.IGNORECASE),
    re.compile(rf"\b(?P<month>{'|'.join(_FULL)})\s+{_DAY}\b(?!,?\s+\d)", re.IGNORECASE),
]


def _without_year(text: str, taken: list[range]) -> list[tuple[int, date]]:
    """Dates written without a year: the next one from today, today included ("my birthday on 3 March"),
    or the last one for a question about the past."""
    found = []
    for pattern in _YEARLESS:
        for match in pattern.finditer(text):
            if any(match.start() in span or match.end() - 1 in span for span in taken):
                continue
            month, day = _MONTHS[match.group("month").lower()], int(match.group("day"))
            found.append((match.start(), _next(month, day, match.group(0), text)))
            taken.append(range(match.start(), match.end()))
    return found


# A question about the past ("how many days since Christmas?", "how long ago was Halloween?", "what
# day was 3 March?") means the last such day, not the next one.
_PAST = re.compile(r"\b(?:since|ago|last|was|were|did|passed|has\s+it\s+been)\b", re.IGNORECASE)


def _next(month: int, day: int, written: str, text: str = "") -> date:
    """The next ``month``/``day`` from today, today included; the last one when ``text`` asks about the past."""
    start, back = today(), _PAST.search(text) is not None
    years = range(start.year, start.year - 9, -1) if back else range(start.year, start.year + 9)
    for year in years:  # 29 February comes within 8 years
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if (when <= start) if back else (when >= start):
            return when
    error = DateError(f"{written!r} is not a date", hint="check the day and the month")
    error.conclusive = True
    raise error


def _holidays(text: str) -> list[tuple[int, date]]:
    found = []
    for match in _HOLIDAY.finditer(text):
        month, day = _BY_KEY[re.sub("['\u2019]", "", match.group("name").lower())]
        if match.group("year"):
            found.append((match.start(), date(int(match.group("year")), month, day)))
            continue
        found.append((match.start(), _next(month, day, match.group(0), text)))
    return found


def durations(text: str) -> dict[str, int]:
    amounts = {"years": 0, "months": 0, "days": 0, "minutes": 0}
    for match in _DURATION.finditer(text):
        n, unit = int(match.group("n")), match.group("unit").lower()
        if unit.startswith("y"):
            amounts["years"] += n
        elif unit.startswith("mo"):
            amounts["months"] += n
        elif unit.startswith("w"):
            amounts["days"] += 7 * n
        elif unit.startswith("d"):
            amounts["days"] += n
        elif unit.startswith("h"):
            amounts["minutes"] += 60 * n
        else:
            amounts["minutes"] += n
    return amounts


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _shift(start: date, amounts: dict[str, int], sign: int) -> date:
    try:
        shifted = add_months(start, sign * (12 * amounts["years"] + amounts["months"]))
        return shifted + timedelta(days=sign * amounts["days"])
    except (OverflowError, ValueError):
        # Past year 9999 (or before year 1) the crash read as the tool failing, and the step fell back.
        error = DateError(
            f"the result is outside the calendar this tool knows (years 1 to 9999), from {start.isoformat()}",
            hint="use a date and a duration that stay within years 1 to 9999",
        )
        error.conclusive = True
        raise error from None


def _show(day: date) -> str:
    return f"{day.isoformat()} ({day.strftime('%A')})"


def _times(text: str) -> list[datetime]:
    found = []
    for match in _TIME.finditer(text):
        hour, minute = int(match.group("h")), int(match.group("min"))
        ampm = (match.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            raise DateError(f"{match.group(0)!r} is not a time of day")
        found.append(datetime(2000, 1, 1, hour, minute))
    return found


def _time_answer(text: str, amounts: dict[str, int], sign: int) -> ToolOutput | None:
    times = _times(text)
    if len(times) == 2 and not amounts["minutes"]:
        minutes = int(((times[1] - times[0]).total_seconds() // 60) % (24 * 60))
        # "How many minutes between 9:15 and 17:40?" is 505 minutes, not "8 hours 25 minutes".
        in_minutes = re.search(r"\bhow\s+many\s+minutes\b", text, re.IGNORECASE) is not None
        shown = f"{minutes} minutes" if in_minutes else f"{minutes // 60} hours {minutes % 60} minutes"
        return ToolOutput(shown, {"minutes": minutes, "text": shown})
    if len(times) == 1 and amounts["minutes"]:
        result = times[0] + timedelta(minutes=sign * amounts["minutes"])
        shown = result.strftime("%H:%M")
        return ToolOutput(shown, {"time": shown, "text": shown})
    return None


def _now_answer(text: str, amounts: dict[str, int], sign: int) -> ToolOutput | None:
    """ "what time is it in Tokyo?" (and "... in 3 hours"): this machine's clock, in the zone named."""
    if not clock.asks_now(text):
        return None
    now, zone = clock.now_in(text, timedelta(minutes=sign * amounts["minutes"]))
    shown = f"{now.strftime('%H:%M')} ({zone}, {now.strftime('%A')} {now.date().isoformat()})"
    return ToolOutput(shown, {"time": now.strftime("%H:%M"), "date": now.date().isoformat(), "zone": zone,
                              "text": shown})  # fmt: skip


def _until_answer(request: str) -> ToolOutput | None:
    """ "How many hours until midnight?": the time left from this machine's clock."""
    left = clock.until(request)
    if left is None:
        return None
    minutes, at = left
    in_minutes = re.search(r"\bhow\s+many\s+min", request, re.IGNORECASE) is not None
    hours = "" if in_minutes or minutes < 60 else f"{minutes // 60} hour{'s' if minutes >= 120 else ''} "
    rest = minutes if in_minutes else minutes % 60
    shown = f"{hours}{rest} minute{'s' if rest != 1 else ''} (until {at} local time)"
    return ToolOutput(shown, {"minutes": minutes, "until": at, "text": shown})


_LEAP = re.compile(r"\bleap[\s-]*years?\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.,:/-])\b(?P<year>\d{1,4})\b(?![\d.,:/-]\d)")


def _leap_answer(text: str) -> ToolOutput | None:
    """ "Is 2028 a leap year?": whether the one year the question names is a leap year (its days)."""
    years = [int(m.group("year")) for m in _YEAR.finditer(text)]
    if not _LEAP.search(text) or len(years) != 1 or not 1 <= years[0] <= 9999:
        return None
    year, leap = years[0], calendar.isleap(years[0])
    shown = f"{'yes' if leap else 'no'}: {year} {'is' if leap else 'is not'} a leap year ({366 if leap else 365} days)"
    return ToolOutput(shown, {"year": year, "leap": leap, "days": 366 if leap else 365, "text": shown})


def date_calc(
    request: Annotated[
        str,
        Field(
            description="The question with its dates, times and durations, e.g. 'What date is 90 days after "
            "2024-03-01?' or 'How many days between 2024-01-15 and 2024-03-01?'",
            json_schema_extra={"x-agentnet": "request"},
        ),
    ],
) -> ToolOutput:
    """Add or subtract durations, count the days between dates, name a date's weekday, add to a time."""
    amounts = durations(request)
    sign = -1 if _BACKWARD.search(request) else 1
    dates = [day for _, day in find_dates(request)]
    if not dates:
        answer = (_leap_answer(request) or _left_answer(request) or _until_answer(request)
                  or _time_answer(request, amounts, sign) or _now_answer(request, amounts, sign)
                  or _age_in_years(request) or _today_answer(request))  # fmt: skip
        if answer is not None:
            return answer
        raise DateError(
            "no date found in the request",
            hint="write dates as 2024-03-01, 'March 1, 2024' or '1 March 2024', times as 14:30",
        )
    if len(dates) >= 2:
        return _between(dates, request)
    if any(amounts[k] for k in ("years", "months", "days")):
        result = _shift(dates[0], amounts, sign)
        return ToolOutput(_show(result), {"date": result.isoformat(), "weekday": result.strftime("%A")})
    if _AGE.search(request):
        return _age(dates[0], today())
    if _COUNTING.search(request):
        # "How many days until 25 December 2030?": from today (it was answered with that date's weekday).
        return _between([today(), dates[0]], request)
    if _DATE_ASKED.search(request) or weekdays.weekday_dates(request, today()):
        # "What's the date next Friday?": the date (its weekday was no answer).
        return ToolOutput(_show(dates[0]), {"date": dates[0].isoformat(), "weekday": dates[0].strftime("%A")})
    # One date and nothing to add: what people ask about a lone date is its weekday.
    return ToolOutput(dates[0].strftime("%A"), {"date": dates[0].isoformat(), "weekday": dates[0].strftime("%A")})


_AGE = re.compile(r"\bhow\s+old\b|\bwhat\s+age\b|\bage\s+of\s+(?:someone|a\s+person|somebody)\b", re.IGNORECASE)
_DATE_ASKED = re.compile(
    r"\bwhat(?:\s+is|'s|\s+was)?\s+the\s+date\b|\bwhich\s+date\b|\bwhat\s+date\b|\bwhen\s+is\b", re.I
)


# "What's the date?", "tell me what day it is", "today's date": today, named by no word of _RELATIVE (it
# was refused, "no date found", and the chat model answered "The date is 2018-07-31.").
_TODAY = re.compile(
    r"^\W*(?:(?:please\s+)?(?:also\s+)?(?:tell|give|show)\s+me\s+)?(?:what(?:'s|\s+is)?\s+(?:the\s+)?(?:current\s+)?(?:date|day)"
    r"(?:\s+(?:is\s+it|it\s+is))?(?:\s+now)?|what\s+day\s+(?:is\s+it|it\s+is)|(?:the\s+)?current\s+date)\W*$",
    re.IGNORECASE,
)


def _today_answer(request: str) -> ToolOutput | None:
    if _TODAY.match(request) is None:
        return None
    day = today()
    return ToolOutput(_show(day), {"date": day.isoformat(), "weekday": day.strftime("%A"), "text": _show(day)})


_BORN_IN = re.compile(r"\bborn\s+in\s+(?P<year>\d{4})\b", re.IGNORECASE)


def _age_in_years(request: str) -> ToolOutput | None:
    """ "How old will I be in 2030 if I was born in 1990?": with years alone, the two ages of that year,
    before and after the birthday (it was refused: "no date found")."""
    born = _BORN_IN.search(request)
    if not _AGE.search(request) or born is None:
        return None
    other = [int(m.group(0)) for m in re.finditer(r"\b\d{4}\b", request) if m.start() != born.start("year")]
    year, birth = (other[0] if other else today().year), int(born.group("year"))
    if year <= birth:
        raise DateError(f"{year} is not after the year of birth, {birth}", hint="check the years")
    shown = f"{year - birth - 1} or {year - birth} years old in {year} (before or after the birthday)"
    return ToolOutput(shown, {"years": [year - birth - 1, year - birth], "born": birth, "in": year, "text": shown})


def _age(born: date, on: date) -> ToolOutput:
    """ "How old is someone born on 12 May 1990?": whole years lived by today (SmolLM2 answered "1990 is
    the year of the birth of 1990, not 25")."""
    if born > on:
        raise DateError(f"{born.isoformat()} is after today ({on.isoformat()}): no one born then has an age yet",
                        hint="check the year of birth")  # fmt: skip
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    shown = f"{years} year{'s' if years != 1 else ''} old (born {born.isoformat()}, a {born.strftime('%A')})"
    return ToolOutput(shown, {"years": years, "born": born.isoformat(), "on": on.isoformat(), "text": shown})


def _between(dates: list[date], request: str) -> ToolOutput:
    days = abs((dates[1] - dates[0]).days)
    shown = _weeks(days) if _IN_WEEKS.search(request) else f"{days} days"
    return ToolOutput(shown, {"days": days, "from": dates[0].isoformat(), "to": dates[1].isoformat()})


def _weeks(days: int) -> str:
    """ "12 weeks and 2 days": "12.2857 weeks" was no answer to "how many weeks"."""
    weeks, rest = divmod(days, 7)
    shown = f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{shown} and {rest} day{'s' if rest != 1 else ''}" if rest else shown


_LEFT = re.compile(
    r"\bhow\s+many\s+(?P<unit>days|weeks)\b.*?\b(?:left|remain(?:ing)?)\b.*?\b(?:in|of|until\s+the\s+end\s+of)\s+"
    r"(?:the|this)\s+(?P<span>year|month)\b",
    re.IGNORECASE,
)


def _left_answer(request: str) -> ToolOutput | None:
    """ "How many days are left in the year?": the days after today up to the year's (or the month's)
    last day; on 31 December none are left."""
    asked = _LEFT.search(request)
    if asked is None:
        return None
    start = today()
    end = date(start.year, 12, 31) if asked.group("span").lower() == "year" else (
        date(start.year, start.month, calendar.monthrange(start.year, start.month)[1]))  # fmt: skip
    days = (end - start).days
    shown = _weeks(days) if asked.group("unit").lower() == "weeks" else f"{days} days"
    return ToolOutput(shown, {"days": days, "from": start.isoformat(), "to": end.isoformat(), "text": shown})
