"""Money conversions: agentnet has no exchange rates (it runs offline, and a rate is out of date the
day it is written down), so "10 USD in EUR" is converted only at a rate the request gives ("10 USD at
0.92 EUR per USD", "10 USD to EUR at 0.92") and is otherwise an error that says so. The units
module's conversions would read the currency words as nothing and answer 10."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from agentnet.collaborators.mathtext import NoAnswerError

# ISO codes; not TRY (Turkish lira), which is the verb "to try": "lira" names it.
_CODES = frozenset({
    "usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "nzd", "cny", "rmb", "inr", "rub", "brl", "mxn", "sek", "nok",
    "dkk", "pln", "czk", "huf", "krw", "sgd", "hkd", "zar", "ils", "thb", "idr", "php", "myr", "btc", "eth",
})  # fmt: skip
_NAMES = {
    "dollar": "USD", "dollars": "USD", "bucks": "USD", "euro": "EUR", "euros": "EUR", "sterling": "GBP",
    "quid": "GBP", "yen": "JPY", "franc": "CHF", "francs": "CHF", "yuan": "CNY", "renminbi": "CNY",
    "rupee": "INR", "rupees": "INR", "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB",
    "reais": "BRL", "peso": "MXN", "pesos": "MXN", "krona": "SEK", "kronor": "SEK", "krone": "NOK",
    "kroner": "NOK", "zloty": "PLN", "lira": "TRY", "won": "KRW", "rand": "ZAR", "shekel": "ILS",
    "shekels": "ILS", "baht": "THB", "bitcoin": "BTC", "bitcoins": "BTC",
}  # fmt: skip
_SYMBOLS = {"$": "USD", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "\u20b9": "INR", "\u20bd": "RUB"}
_POUNDS = frozenset({"pound", "pounds"})  # money only beside another currency: "10 pounds in kg" is mass
_WORD = r"[A-Za-z]+"
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# "$10", "10 $", "\u20ac5": the symbol becomes its code after the number, as "10 USD" is written.
_SYMBOL_FIRST = re.compile(rf"([$\u20ac\u00a3\u00a5\u20b9\u20bd])\s*({_NUMBER})")
_SYMBOL_AFTER = re.compile(rf"({_NUMBER})\s*([$\u20ac\u00a3\u00a5\u20b9\u20bd])")
_SYMBOL_ALONE = re.compile(r"(?<=\s)([$\u20ac\u00a3\u00a5\u20b9\u20bd])(?=\s|[?.!]|$)")
_CONVERT = re.compile(
    rf"(?P<amount>.*?{_NUMBER})\s*(?P<src>{_WORD})\s+(?:in|to|into|as)\s+(?P<dst>{_WORD})\b", re.IGNORECASE
)
_HOW_MANY = re.compile(
    rf"how\s+(?:many|much)\s+(?P<dst>{_WORD})\s+(?:(?:are|is|make|makes|equals?|do\s+i\s+get\s+for)\s+)?"
    rf"(?:there\s+)?(?:in\s+|for\s+)?(?P<amount>[^A-Za-z]*?{_NUMBER})\s*(?P<src>{_WORD})\b",
    re.IGNORECASE,
)
_AT_RATE = re.compile(
    rf"(?P<amount>.*?{_NUMBER})\s*(?P<src>{_WORD})\s+(?:(?:in|to|into|as)\s+(?P<dst>{_WORD})\s+)?"
    rf"at\s+(?:an?\s+(?:exchange\s+)?rate\s+of\s+)?(?P<rate>{_NUMBER})"
    rf"(?:\s*(?P<top>{_WORD})\s*(?:per|/|for\s+(?:one|1|an?|each))\s*(?P<bottom>{_WORD}))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Exchange:
    amount: str  # the amount as written (the calculator evaluates it)
    src: str  # currency codes
    dst: str
    rate: Decimal | None  # dst per one src, when the request gives it


def currency(word: str, *, money: bool = False) -> str | None:
    """The code of a currency word ("USD", "euros"); "pound(s)" only when ``money`` (beside a currency)."""
    key = word.lower()
    if key in _POUNDS:
        return "GBP" if money else None
    return key.upper() if key in _CODES else _NAMES.get(key)


def _pair(src: str, dst: str) -> tuple[str, str] | None:
    """Both codes when both words name currencies (a pound beside a currency is sterling)."""
    first, second = currency(src), currency(dst)
    if first is None and second is not None:
        first = currency(src, money=True)
    if second is None and first is not None:
        second = currency(dst, money=True)
    return (first, second) if first is not None and second is not None else None


def _with_codes(text: str) -> str:
    flat = " ".join(text.split())
    flat = _SYMBOL_FIRST.sub(lambda m: f"{m.group(2)} {_SYMBOLS[m.group(1)]}", flat)
    flat = _SYMBOL_AFTER.sub(lambda m: f"{m.group(1)} {_SYMBOLS[m.group(2)]}", flat)
    return _SYMBOL_ALONE.sub(lambda m: _SYMBOLS[m.group(1)], flat)


def find_exchange(text: str) -> Exchange | None:
    """The money conversion the text asks for, with the rate it gives, if any."""
    flat = _with_codes(text)
    for match in _AT_RATE.finditer(flat):
        src = currency(match.group("src"), money=True)
        if src is not None:
            return Exchange(match.group("amount"), src, *_rate(match, src))
    for pattern in (_HOW_MANY, _CONVERT):
        for match in pattern.finditer(flat):
            if (pair := _pair(match.group("src"), match.group("dst"))) is not None:
                return Exchange(match.group("amount"), pair[0], pair[1], None)
    return None


def _rate(match: re.Match[str], src: str) -> tuple[str, Decimal]:
    """(target code, target per one source) from "at R [X per Y]"; the rate may be written either way."""
    rate = Decimal(match.group("rate").replace(",", ""))
    named = match.group("dst") and currency(match.group("dst"), money=True)
    top = match.group("top") and currency(match.group("top"), money=True)
    bottom = match.group("bottom") and currency(match.group("bottom"), money=True)
    if top is None and bottom is None:
        if not named:
            raise NoAnswerError(
                f"the rate {match.group('rate')} names no currency to convert {src} to",
                hint=f"say the rate's currencies, e.g. '10 {src} at 0.92 EUR per {src}'",
            )
        return named, rate
    if not top or not bottom or src not in (top, bottom) or (named and named not in (top, bottom)):
        raise NoAnswerError(
            f"the rate '{match.group(0)[match.start('rate') - match.start(0) :]}' is not a rate between {src} and "
            f"{named or 'another currency'}",
            hint=f"write the rate as '<number> <currency> per {src}'",
        )
    if rate == 0:
        raise NoAnswerError("an exchange rate of 0 converts nothing", hint="give the rate, e.g. 0.92 EUR per USD")
    return (top, rate) if bottom == src else (bottom, 1 / rate)


def no_rates(exchange: Exchange) -> NoAnswerError:
    """The conclusive error of a money conversion without a rate: any model asked instead makes one up."""
    numbers = re.findall(_NUMBER, exchange.amount)
    amount = numbers[-1] if numbers else "10"
    return NoAnswerError(
        f"cannot convert {exchange.src} to {exchange.dst}: agentnet has no exchange rates (it works offline, "
        "and rates change every day)",
        hint=f"give the rate in the request, e.g. '{amount} {exchange.src} at <rate> {exchange.dst} per "
        f"{exchange.src}', with today's rate from your bank or a rates site",
    )


def exchanged(value: Decimal, exchange: Exchange) -> Decimal:
    """``value`` in the target currency at the given rate, to the cent (half up, as banks round)."""
    if exchange.rate is None:
        raise no_rates(exchange)
    return (value * exchange.rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
