"""An amount per period over a span of time: "If I save 150 a month, how much do I have after 2 years?"
(3600), "I earn 3200 a month. What is that per year?" (38400), "20 an hour for 40 hours" (800).

The calculator read the first as the lone number 150 and refused it, and the chat model answered 490.
A request that states one amount per hour, day, week, month or year, and one span (after, in, for or over
so many periods, or per another period), with no other number and no percentage (interest is not
simple multiplication), is the amount times the periods in the span. Periods in a span count as
people count them: 12 months, 52 weeks and 365 days a year, 7 days a week (and 7 nights: "120 a night ...
in a week" is 840); a month in days or weeks is a twelfth of a year, and the answer says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from agentnet.nodes.outputs import ToolOutput

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PERIOD = r"(?P<{}>hour|day|night|week|month|year)s?"  # a night only over nights ("120 a night ... 5 nights")
_RATE = re.compile(
    rf"[$\u20ac\u00a3]?\s*(?P<amount>{_NUMBER})(?:\s+(?!(?:a|an|per|each|every)\b)(?P<what>[^\W\d_]+))?"
    rf"\s+(?:a|an|per|each|every)\s+{_PERIOD.format('per')}\b",
    re.IGNORECASE,
)
_SPAN = re.compile(
    rf"\b(?:after|in|for|over|within|during)\s+(?:(?:a|an|one)\s+|(?P<count>{_NUMBER})\s+)?{_PERIOD.format('unit')}\b"
    rf"|\b(?:per|a|an|each|every)\s+{_PERIOD.format('target')}\b",
    re.IGNORECASE,
)
_NUMBERS = re.compile(_NUMBER)
_PERCENT = re.compile(r"%|\bper\s*cent\b|\binterest\b", re.IGNORECASE)
# How many of the first period make one of the second, as people count them.
_IN_HOURS = {"hour": Decimal(1), "day": Decimal(24), "week": Decimal(168), "year": Decimal(8760)}
_EXACT = {("month", "year"): Decimal(12), ("week", "year"): Decimal(52)}
_MONTH_IN = {"hour": Decimal(730), "day": Decimal(365) / 12, "week": Decimal(52) / 12}


@dataclass(frozen=True)
class Rate:
    amount: Decimal
    what: str  # the amount's word: "miles" of "30 miles a day", or ""
    per: str
    count: Decimal
    unit: str


def find(text: str) -> Rate | None:
    """The one amount per period and the one span of ``text``, or None."""
    rates = list(_RATE.finditer(text))
    if len(rates) != 1 or _PERCENT.search(text):
        return None
    rate = rates[0]
    spans = [span for span in _SPAN.finditer(text) if span.start() >= rate.end() or span.end() <= rate.start()]
    if len(spans) != 1:
        return None
    span = spans[0]
    numbers = {match.group(0) for match in _NUMBERS.finditer(text)}
    if numbers - {rate.group("amount"), span.group("count")}:
        return None  # other numbers: arithmetic of another kind
    unit, per = (span.group("unit") or span.group("target")).lower(), rate.group("per").lower()
    if per != unit and (per == "hour" or ("night" in (per, unit) and {per, unit} & {"hour", "day"})):
        # 20 an hour "in a day" is a working day's hours, which the request does not give; a night against
        # a day or an hour is no count of nights. A week of nights is 7, as a hotel counts them.
        return None
    count = Decimal(span.group("count").replace(",", "")) if span.group("count") else Decimal(1)
    amount = Decimal(rate.group("amount").replace(",", ""))
    return Rate(amount, rate.group("what") or "", per, count, unit)


def periods(per: str, unit: str) -> tuple[Decimal, bool]:
    """How many ``per`` periods one ``unit`` holds, and whether a month was taken as a twelfth of a year."""
    per, unit = ("day" if per == "night" else per), ("day" if unit == "night" else unit)
    if per == unit:
        return Decimal(1), False
    if (per, unit) in _EXACT:
        return _EXACT[(per, unit)], False
    if (unit, per) in _EXACT:
        return 1 / _EXACT[(unit, per)], False
    if "month" in (per, unit):
        other = unit if per == "month" else per
        count = _MONTH_IN[other] if unit == "month" else 1 / _MONTH_IN[other]
        return count, True
    return _IN_HOURS[unit] / _IN_HOURS[per], False


def answer(rate: Rate, show: Callable[[Decimal], str]) -> ToolOutput:
    """The amount over the span: "3600 (150 a month over 2 years)", "210 miles (30 miles a day over 1 week)"."""
    each, approximate = periods(rate.per, rate.unit)
    total = rate.amount * rate.count * each
    note = "; a month as a twelfth of a year" if approximate else ""
    what = f" {rate.what}" if rate.what else ""
    span = f"{show(rate.count)} {rate.unit}{'' if rate.count == 1 else 's'}"
    article = "an" if rate.per == "hour" else "a"
    shown = f"{show(total)}{what} ({show(rate.amount)}{what} {article} {rate.per} over {span}{note})"
    data = {"result": float(total), "amount": float(rate.amount), "per": rate.per, "periods": float(rate.count * each)}
    return ToolOutput(shown, {**data, "text": shown})
