"""Prices as people state them: a percentage off or on ("A jacket costs 80 dollars and is 25% off. What
do I pay?", "80 with a 25% discount", "40 increased by 15%", "25% more than 80"), a count of items at a
price each ("3 coffees at 4.20 each"), a price shared by the people stated ("A pizza costs 18 and we are
4 people. How much does each pay?"), and the percentage one price is of change from another ("A laptop
was 1200 and now costs 960. What percent discount is that?").

The calculator's grammar reads "25% off 80" and "80 plus 25%", where the percentage comes first or
after an operator. Stated after the price ("80 dollars and is 25% off", "80 with 25% off") the
percentage had no operand left ("the expression ends too early"), and the jacket's request was refused.
Such a phrase is rewritten here into the grammar's own form: a discount as "25% off 80" (60), an
increase as "80 plus 25%" (100), items at a price each as "3 times 4.20" (the words between the numbers
were refused: "cannot read the expression from 4.20"). Anything else is left as it is. A change from one
price to another has no form in the grammar: ``change`` answers it ("20% less (from 1200 to 960)").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from agentnet.nodes.outputs import ToolOutput

# An amount, its money word and how often it is paid ("3200 a month") kept out of the rewriting's way.
_AMOUNT = (
    r"[$\u20ac\u00a3]?\s*(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?:dollars?|euros?|pounds?|bucks|usd|eur|gbp))?(?:\s+(?:a|an|per|each)\s+(?:hour|day|week|month|year))?"
)
_PERCENT = r"(?P<percent>\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)"
_LESS = r"(?:off|discount(?:ed)?|cheaper|less|reduction|markdown|sale)"
_MORE = r"(?:more|extra|higher|increase|markup|mark-up|raise|rise|surcharge|on\s+top)"
# "80 dollars and is 25% off", "80, 25% off", "80 with a 25% discount", "80 at 25% off", "80 after a 5% raise".
_AFTER = re.compile(
    rf"{_AMOUNT}\s*,?\s+(?:(?:and|but|which|that)\s+)?(?:(?:it\s+)?(?:is|was|are|were|gets?|got|has|had)\s+|it's\s+)?"
    rf"(?:(?:with|at|after|plus|for|on|minus|less)\s+)?(?:a\s+|an\s+)?{_PERCENT}\s+(?P<way>{_LESS}|{_MORE})\b",
    re.IGNORECASE,
)
# "1500 and goes up 4%", "80, down 25%".
_MOVES = re.compile(
    rf"{_AMOUNT}\s*,?\s+(?:(?:and|but|which|that)\s+)?(?:(?:it\s+)?(?:goes|go|went|is|was|will\s+go)\s+)?"
    rf"(?P<way>up|down)\s+(?:by\s+)?(?:a\s+)?{_PERCENT}",
    re.IGNORECASE,
)
# "a 25% discount on 80", "25% more than 80", "a 5% raise on 3200".
_BEFORE = re.compile(
    rf"(?:a\s+|an\s+)?{_PERCENT}\s+(?P<way>{_LESS}|{_MORE})\s+(?:on|from|than|of)\s+{_AMOUNT}", re.IGNORECASE
)
# "40 increased by 15%", "80 reduced by 25%", "3200 marked up by 10%".
_BY = re.compile(
    rf"{_AMOUNT}\s+(?P<way>increased|raised|marked\s+up|grown|decreased|reduced|lowered|cut|discounted|marked\s+down)"
    rf"\s+by\s+{_PERCENT}",
    re.IGNORECASE,
)
# "3 coffees at 4.20 each", "4 tickets for $12.50 apiece", "2 shirts at 15 per shirt".
_EACH = re.compile(
    rf"(?P<count>\d+)\s+(?:[^\W\d]+\s+){{0,2}}?(?:at|for|@)\s+{_AMOUNT.replace('amount', 'price')}\s+"
    # Not a rate's currency ("10 USD at 0.92 EUR per USD" converts money).
    rf"(?:each|apiece|a\s+piece|per\s+(?!(?-i:[A-Z]{{3}})\b|(?:dollar|euro|pound|yen|buck)s?\b)[^\W\d]+)\b",
    re.IGNORECASE,
)
_DOWN = re.compile(rf"{_LESS}|down|decreased|reduced|lowered|cut|discounted|marked\s+down", re.IGNORECASE)


def rewritten(text: str) -> str:
    """``text`` with each price-and-percentage phrase in the calculator's form ("25% off 80", "80 plus 25%")."""
    for pattern in (_AFTER, _MOVES, _BEFORE, _BY):
        text = pattern.sub(_phrase, text)
    text = _EACH.sub(lambda match: f"{match.group('count')} times {match.group('price')}", text)
    return _shared(text)


# A price and the people it is shared by, in either order, asked per person: "A pizza costs 18 and we are 4
# people. How much does each pay?" (its two numbers in one sentence were no expression: refused).
_COST = r"(?:costs?|cost\s+us|is|was|comes\s+to|came\s+to|totals?|totalled|totaled)\s+" + _AMOUNT
_PEOPLE = (
    r"(?:we\s+are|we're|there\s+are|there\s+were|we\s+were|for|between|among|split\s+by|shared\s+by)\s+"
    r"(?P<count>\d+)\s+(?:people|persons|friends|of\s+us|guests|adults|kids|roommates|colleagues)"
)
_COST_PEOPLE = (
    re.compile(rf"\b{_COST}\b.*?\b{_PEOPLE}", re.IGNORECASE | re.DOTALL),
    re.compile(rf"\b{_PEOPLE}\b.*?\b{_COST}", re.IGNORECASE | re.DOTALL),
)
_PER_PERSON = re.compile(
    r"\b(?:each(?:\s+(?:person|one|of\s+us))?\s+(?:pays?|owes?|gives?)|how\s+much\s+(?:each|apiece)|per\s+(?:person|head)|"
    r"does\s+each|do\s+we\s+each|each\s+pay)\b",
    re.IGNORECASE,
)


def _shared(text: str) -> str:
    found = _COST_PEOPLE[0].search(text) or _COST_PEOPLE[1].search(text)
    if found is None or _PER_PERSON.search(text) is None:
        return _SPLIT_AFTER.sub(lambda split: f" divided by {split.group('count')}", text)
    return f"{found.group('amount')} divided by {found.group('count')}"


# An amount with its sharing after it: "What is the total on receipt.png split between 2 people?", "90
# shared among 3 friends" ("cannot read the expression from split"; the verb first, "split 120 between 3",
# is the grammar's). After a word or a number only: "Split it between 3" is the result shared out.
_SPLIT_AFTER = re.compile(
    r"(?<=[\w)])\s+(?:split|shared|divided)\s+(?:(?:evenly|equally)\s+)?(?:between|among|amongst)\s+(?P<count>\d+)\b"
    r"(?:\s+(?:people|persons|friends|ways|guests|of\s+us|adults|kids|roommates|colleagues))?",
    re.IGNORECASE,
)


def _phrase(match: re.Match[str]) -> str:
    amount, percent = match.group("amount"), match.group("percent")
    if _DOWN.fullmatch(match.group("way")):
        return f"{percent}% off {amount}"
    return f"{amount} plus {percent}%"


# "What percent discount is that?", "by what percentage did it go up?", "the percentage change": a change,
# not a share ("what percent of 80 is 20" is one number of another, which the grammar reads).
_CHANGE = re.compile(
    r"\b(?:what|which|how\s+many|how\s+much\s+of\s+a)\s+(?:percent(?:age)?|%)(?!\s+of\b)|\bpercent(?:age)?\s+"
    r"(?:change|increase|decrease|drop|fall|rise|gain|growth|discount|reduction|difference)\b",
    re.IGNORECASE,
)
_PRICE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")


# "What percent of 80 is 20?", "what percentage is 30 of 120?": one number as a share of another.
_SHARE = re.compile(
    r"\bwhat\s+(?:percent(?:age)?|%)\s+(?:of\s+(?P<whole>[\d.,]+)\s+is\s+(?P<part>[\d.,]+)|is\s+(?P<part2>[\d.,]+)\s+"
    r"(?:of|out\s+of)\s+(?P<whole2>[\d.,]+))",
    re.IGNORECASE,
)
_OF_NUMBER = re.compile(r"\b(?:of|out\s+of)\s+[$\u20ac\u00a3]?\d")


def change(text: str, show: Callable[[Decimal], str]) -> ToolOutput | None:
    """The percentage change from the first of two prices to the second, when ``text`` asks for one, or
    the share one number is of another ("what percent of 80 is 20": 25%)."""
    if (share := _SHARE.search(text)) is not None:
        return _share(share, show)
    numbers = [Decimal(found.replace(",", "")) for found in _PRICE.findall(text)]
    if _CHANGE.search(text) is None or _OF_NUMBER.search(text) or len(numbers) != 2 or numbers[0] == 0:
        return None
    first, second = numbers
    percent = (second - first) / first * 100
    way = "less" if percent < 0 else "more"
    shown = f"{show(abs(percent).quantize(Decimal('0.01')))}% {way} (from {show(first)} to {show(second)})"
    return ToolOutput(shown, {"result": float(percent), "from": float(first), "to": float(second), "text": shown})


def _share(found: re.Match[str], show: Callable[[Decimal], str]) -> ToolOutput | None:
    try:
        part = Decimal((found.group("part") or found.group("part2")).rstrip(".,").replace(",", ""))
        whole = Decimal((found.group("whole") or found.group("whole2")).rstrip(".,").replace(",", ""))
    except ArithmeticError:
        return None
    if whole == 0:
        return None
    percent = part / whole * 100
    shown = f"{show(percent.quantize(Decimal('0.01')))}% ({show(part)} of {show(whole)})"
    return ToolOutput(shown, {"result": float(percent), "part": float(part), "whole": float(whole), "text": shown})
