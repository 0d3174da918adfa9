"""Amounts of money and currencies as a request writes them, as API-style argument values.

An amount is a number with its currency, if the request gives one, on either side: "$1,200.50",
"€20", "USD 25", "25 USD", "100 dollars", "12 euro". As a value it is written one way, the number
without its thousands separators and the currency's ISO code after it ("1200.50 USD", "20 EUR", "100
USD"): an API reads that whatever the request's style, and the sign alone would be lost to a bare
number ("$1,200.50" was "1,200": cents and currency gone). A parameter for a currency ("from_currency",
"the currency to convert to") takes the ISO code a currency's sign, code or name stands for.

General English names and signs of the common currencies only; "$" is the US dollar unless a country
is named ("Canadian dollars", "A$"). "pound" may be a weight: for a money parameter it is read as
sterling.
"""

from __future__ import annotations

import re

# Longest first, so "canadian dollars" is CAD before "dollars" is USD.
_NAMES = {
    "USD": ["us dollars", "us dollar", "dollars", "dollar", "bucks", "usd", "us$", "$"],
    "CAD": ["canadian dollars", "canadian dollar", "cad", "c$", "ca$"],
    "AUD": ["australian dollars", "australian dollar", "aud", "a$", "au$"],
    "EUR": ["euros", "euro", "eur", "€"],
    "GBP": ["pounds sterling", "pound sterling", "pounds", "pound", "quid", "gbp", "£"],
    "JPY": ["yen", "jpy", "¥"],
    "CNY": ["yuan", "renminbi", "rmb", "cny"],
    "INR": ["rupees", "rupee", "inr", "₹"],
    "CHF": ["swiss francs", "swiss franc", "chf"],
}
_CODE = {name: code for code, names in _NAMES.items() for name in names}
_SIGNED = sorted((name for name in _CODE if not name.replace(" ", "").isalpha()), key=len, reverse=True)
_WORDS = sorted((name for name in _CODE if name.replace(" ", "").isalpha()), key=len, reverse=True)
# A name or a code is a currency only as a whole word ("euros", not "Europe"); a sign ("$", "C$") needs
# no space before its number.
_CURRENCY = (
    rf"(?:(?<![A-Za-z])(?:{'|'.join(re.escape(name) for name in _SIGNED)})"
    rf"|(?<![\w$€£¥₹])(?:{'|'.join(re.escape(name) for name in _WORDS)})(?!\w))"
)
# 1,200.50 (thousands grouped by commas) or 1200.50 / 12,5; not part of a time, a word or a version.
NUMBER = r"(?<![\w.:-])[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?![\w:]|[.,]\d)"
_AMOUNT = re.compile(
    rf"(?:(?P<before>{_CURRENCY})\s?)?(?P<number>{NUMBER})(?:\s?(?P<after>{_CURRENCY}))?", re.IGNORECASE
)
_MENTION = re.compile(_CURRENCY, re.IGNORECASE)
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def amounts(text: str) -> list[str]:
    """Every number of ``text`` in order, with its currency when it has one ("1200.50 USD", "300")."""
    found = []
    for match in _AMOUNT.finditer(text):
        currency = match.group("before") or match.group("after")
        number = plain_number(match.group("number"))
        found.append(f"{number} {_CODE[currency.lower()]}" if currency else number)
    return found


# "to euros", "into yen", "in dollars": the currency converted to.
_TARGET = re.compile(r"\b(?:to|into|in)\s+(?:\w+\s+)?$", re.IGNORECASE)


def currencies(text: str, direction: str | None = None) -> list[str]:
    """The ISO codes of the currencies ``text`` names, in order ("250 dollars in euros": USD, EUR);
    with ``direction`` "to" only those converted to ("in euros"), with "from" only the others."""
    found = []
    for match in _MENTION.finditer(text):
        target = _TARGET.search(text, max(0, match.start() - 40), match.start()) is not None
        if direction is None or target == (direction == "to"):
            found.append(_CODE[match.group(0).lower()])
    return found


def plain_number(value: str) -> str:
    """A number without its thousands separators ("1,200.50" -> "1200.50"); anything else unchanged."""
    return value.replace(",", "") if _GROUPED.fullmatch(value) else value


def is_money(text: str) -> bool:
    """Whether ``text`` is only an amount with its currency or a currency ("25 USD", "EUR"): not a name."""
    amount = _AMOUNT.fullmatch(text.strip())
    return bool(amount and (amount.group("before") or amount.group("after"))) or bool(_MENTION.fullmatch(text.strip()))
