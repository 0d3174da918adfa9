"""Units the calculator converts between: length, mass, volume, time, speed, data, area and
temperature. Each unit is a factor to its dimension's base unit (temperatures are affine)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from agentnet.collaborators.mathtext import NUMBER_WORDS, SCALES, NoAnswerError


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    factor: Decimal  # base units per one of this unit
    offset: Decimal = Decimal(0)  # for temperatures: base = value * factor + offset


def _table() -> dict[str, Unit]:
    spec = {
        "length": [("m", "1", "m meter meters metre metres"),
                   ("km", "1000", "km kilometer kilometers kilometre kilometres"),
                   ("cm", "0.01", "cm centimeter centimeters centimetre centimetres"),
                   ("mm", "0.001", "mm millimeter millimeters millimetre millimetres"),
                   ("mi", "1609.344", "mi mile miles"), ("yd", "0.9144", "yd yard yards"),
                   ("ft", "0.3048", "ft foot feet"), ("in", "0.0254", "in inch inches")],
        "mass": [("kg", "1", "kg kilogram kilograms kilo kilos"), ("g", "0.001", "g gram grams"),
                 ("mg", "0.000001", "mg milligram milligrams"), ("lb", "0.45359237", "lb lbs pound pounds"),
                 ("oz", "0.028349523125", "oz ounce ounces"), ("t", "1000", "tonne tonnes")],
        "volume": [("l", "1", "l liter liters litre litres"), ("ml", "0.001", "ml milliliter milliliters millilitre"),
                   ("gal", "3.785411784", "gal gallon gallons"), ("qt", "0.946352946", "qt quart quarts"),
                   ("pt", "0.473176473", "pint pints"), ("cup", "0.2365882365", "cup cups"),
                   ("tbsp", "0.01478676478125", "tbsp tablespoon tablespoons"),
                   ("tsp", "0.00492892159375", "tsp teaspoon teaspoons")],
        "time": [("s", "1", "s sec secs second seconds"), ("min", "60", "min mins minute minutes"),
                 ("h", "3600", "h hr hrs hour hours"), ("day", "86400", "day days"),
                 ("week", "604800", "week weeks"), ("year", "31557600", "year years")],
        "speed": [("m/s", "1", "m/s"), ("km/h", "0.27777777777777777778", "km/h kph kmh"),
                  ("mph", "0.44704", "mph"), ("knot", "0.51444444444444444444", "knot knots")],
        "data": [("B", "1", "b byte bytes"), ("KB", "1000", "kb kilobyte kilobytes"),
                 ("MB", "1e6", "mb megabyte megabytes"),
                 ("GB", "1e9", "gb gigabyte gigabytes"), ("TB", "1e12", "tb terabyte terabytes"),
                 ("KiB", "1024", "kib"), ("MiB", "1048576", "mib"), ("GiB", "1073741824", "gib")],
        "area": [("m2", "1", "m2 m\u00b2"), ("km2", "1e6", "km2 km\u00b2"), ("ha", "10000", "ha hectare hectares"),
                 ("acre", "4046.8564224", "acre acres"), ("ft2", "0.09290304", "ft2 ft\u00b2")],
    }  # fmt: skip
    table: dict[str, Unit] = {}
    for dimension, rows in spec.items():
        for symbol, factor, names in rows:
            for name in names.split():
                table.setdefault(name, Unit(symbol, dimension, Decimal(factor)))
    kelvin = Unit("K", "temperature", Decimal(1))
    celsius = Unit("\u00b0C", "temperature", Decimal(1), Decimal("273.15"))
    fahrenheit = Unit("\u00b0F", "temperature", Decimal(5) / Decimal(9), Decimal("255.3722222222222222222"))
    for names, unit in (("k kelvin", kelvin), ("c celsius \u00b0c", celsius), ("f fahrenheit \u00b0f", fahrenheit)):
        for name in names.split():
            table[name] = unit
    return table


UNITS = _table()
_DEGREES = re.compile(r"\bdeg(?:rees?)?\s+(?=[cfk]\b|celsius|fahrenheit|kelvin)", re.IGNORECASE)
_UNIT_WORD = r"[A-Za-z\u00b0][A-Za-z\u00b2/]*"
# "<amount> <unit> in|to|into|as <unit>"; the amount is any arithmetic (checked by the parser).
_CONVERT = re.compile(
    rf"(?P<amount>.*?\d[\d.,]*\s*\)?)\s*(?P<src>{_UNIT_WORD})\s+(?:in|to|into|as)\s+(?P<dst>{_UNIT_WORD})\b"
)
# "how many <unit> (are there) in <amount> <unit>", "how many <unit> are|is|make <amount> <unit>"
_HOW_MANY = re.compile(
    rf"how\s+many\s+(?P<dst>{_UNIT_WORD})\s+(?:(?:are|is|make|makes|equals?)\s+)?(?:there\s+)?(?:in\s+)?"
    rf"(?P<amount>[^A-Za-z]*?\d[\d.,]*\s*\)?)\s*(?P<src>{_UNIT_WORD})\b",
    re.IGNORECASE,
)


# A compound quantity, larger unit first: "2 feet 3 inches", "1 hour and 30 minutes", "5 lb, 4 oz".
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
# A number and a word after it that may be a unit, and what may join the pieces of one quantity.
PIECE = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<unit>{_UNIT_WORD})")
JOINER = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+)"
_PIECES = rf"(?P<pieces>(?:{_NUMBER})\s*{_UNIT_WORD}(?:{JOINER}(?:{_NUMBER})\s*{_UNIT_WORD})+)"
_COMPOUNDS = (
    re.compile(rf"(?<![\d.,]){_PIECES}\s+(?:in|to|into|as)\s+(?P<dst>{_UNIT_WORD})\b"),
    re.compile(
        rf"how\s+many\s+(?P<dst>{_UNIT_WORD})\s+(?:(?:are|is|make|makes|equals?)\s+)?(?:there\s+)?(?:in\s+)?"
        rf"{_PIECES}(?![\w\u00b2/])",
        re.IGNORECASE,
    ),
)


@dataclass(frozen=True)
class Compound:
    pieces: list[tuple[Decimal, Unit]]  # each amount with its unit, larger unit first
    dst: Unit
    span: tuple[int, int]  # where the quantity and its target stand in the text


def compounds(text: str) -> list[Compound]:
    """The compound quantities converted in ``text`` ("convert 2 feet and 3 inches to cm"): one
    quantity of one dimension written in several units, each smaller than the one before. "5 km in
    miles and 3 kg in lb" has none (each quantity has its own target), nor "10 km and 5 miles in km"."""
    found: list[Compound] = []
    for pattern in _COMPOUNDS:
        for match in pattern.finditer(text):
            dst = unit(match.group("dst"))
            pieces = [(Decimal(m.group("number").replace(",", "")), unit(m.group("unit")))
                      for m in PIECE.finditer(match.group("pieces"))]  # fmt: skip
            known = [(amount, found_unit) for amount, found_unit in pieces if found_unit is not None]
            if dst is None or len(known) < len(pieces) or not _descending([u for _, u in known]):
                continue
            if not any(c.span[0] <= match.start() < c.span[1] for c in found):  # the other pattern read it already
                found.append(Compound(known, dst, match.span()))
    return sorted(found, key=lambda compound: compound.span)


def _descending(pieces: list[Unit]) -> bool:
    """One dimension (not temperature: degrees do not add up), each unit smaller than the one before."""
    first = pieces[0].dimension
    if first == "temperature" or any(piece.dimension != first for piece in pieces):
        return False
    return all(a.factor > b.factor for a, b in itertools.pairwise(pieces))


def compound_value(compound: Compound) -> Decimal:
    """The quantity's sum in its target unit (a target of another dimension is an error)."""
    return sum((convert(amount, piece, compound.dst) for amount, piece in compound.pieces), Decimal(0))


def unit(name: str) -> Unit | None:
    key = name.lower().rstrip(".")
    return UNITS.get(key)


# "a day", "an hour", "one inch", "two feet": a count in words before a word that may be a unit.
_COUNTED = re.compile(rf"\b(?P<count>an?|{'|'.join(NUMBER_WORDS)})\s+(?P<unit>{_UNIT_WORD})", re.IGNORECASE)


def _counts_in_digits(text: str) -> str:
    """ "How many seconds are in a day?" as "... in 1 day": a conversion's amount needs a digit, and the
    question was refused ("no arithmetic found"; "how many cm in one inch" read as 1)."""

    def digits(match: re.Match[str]) -> str:
        if unit(match.group("unit")) is None:
            return match.group(0)
        count = match.group("count").lower()
        return f"{1 if count in ('a', 'an') else NUMBER_WORDS[count]} {match.group('unit')}"

    # "3 dozen inches to feet" as "(3 * 12) inches ...": "dozen" read as "12 inches", the amount "3 12".
    text = _SCALED.sub(lambda m: f"({m.group('number')} * {SCALES[m.group('scale').lower()]})", text)
    return _COUNTED.sub(digits, text)


_SCALED = re.compile(rf"(?P<number>\d[\d.,]*)\s+(?P<scale>{'|'.join(SCALES)})\b", re.IGNORECASE)


def find_conversion(text: str) -> tuple[str, Unit, Unit] | None:
    """(amount text, from unit, to unit) when the text asks for a conversion."""
    flat = _counts_in_digits(_DEGREES.sub("", " ".join(text.split())))
    for pattern in (_HOW_MANY, _CONVERT):
        for match in pattern.finditer(flat):
            src, dst = unit(match.group("src")), unit(match.group("dst"))
            if src is not None and dst is not None:
                return _in_source_unit(match.group("amount"), src), src, dst
    return None


# After a conversion, another target of the same amount: "... to pounds and then to ounces", "..., and in feet".
_MORE_TARGETS = re.compile(
    rf"(?:,\s*|\s+)(?:and\s+|then\s+)+(?:also\s+)?(?:convert\s+(?:it|that|them)\s+)?(?:to|in|into)\s+"
    rf"(?P<dst>{_UNIT_WORD})\s*[?.!]?\s*(?=$|[,;]|\s+and\b|\s+then\b)",
    re.IGNORECASE,
)


def more_targets(text: str) -> list[Unit]:
    """The units a conversion is asked in besides its first ("5 kg to pounds and then to ounces": oz)."""
    found = [unit(match.group("dst")) for match in _MORE_TARGETS.finditer(text)]
    return [target for target in found if target is not None]


# A target that goes on into smaller units of its kind, ending the request: "to pounds and ounces", "in
# feet and inches", "to hours, minutes and seconds" ("... and in feet" is another target: more_targets).
_MIXED = re.compile(
    rf"\b(?:in|to|into|as)\s+(?P<units>{_UNIT_WORD}(?:{JOINER}{_UNIT_WORD})+)\s*[?.!]?\s*$", re.IGNORECASE
)


def mixed_targets(text: str, dst: Unit) -> list[Unit]:
    """The units a conversion's answer is given in, largest first: ``dst`` alone, or ``dst`` and the smaller
    units of its kind that follow it ("5 kg to pounds and ounces": lb, oz)."""
    match = _MIXED.search(" ".join(text.split()))
    if match is None:
        return [dst]
    found = [unit(word) for word in re.split(JOINER, match.group("units")) if word.lower() != "and"]
    targets = [target for target in found if target is not None]
    if len(targets) < len(found) or targets[0] != dst or not _descending(targets):
        return [dst]
    return targets


def in_targets(text: str, value: Decimal, src: Unit, dst: Unit, show: Callable[[Decimal], str]) -> str:
    """The answer to a conversion of ``value`` (in ``src``) to ``dst`` asked in ``text``: "5 kg to pounds
    and then to ounces" each target (only the first was answered), "5 kg to pounds and ounces" one answer
    in both."""
    mixed = mixed_targets(text, dst)
    if len(mixed) > 1:
        return in_mixed_units(value, src, mixed)
    return "; ".join(f"{show(convert(value, src, to))} {to.symbol}" for to in [dst, *more_targets(text)])


def in_mixed_units(value: Decimal, src: Unit, targets: list[Unit]) -> str:
    """``value`` (in ``src``) as a whole number of each larger target and the rest in the smallest, to two
    decimals: "11 lb 0.37 oz" for 5 kg, as a weight in pounds and ounces is written (the decimal pounds
    alone, "11.0231131092 lb", did not answer "in pounds and ounces")."""
    smallest = targets[-1]
    rest = convert(value, src, smallest).quantize(Decimal("0.01"))
    parts: list[str] = []
    for target in targets[:-1]:
        whole = int(rest // convert(Decimal(1), target, smallest))
        rest -= whole * convert(Decimal(1), target, smallest)
        if whole or parts:
            parts.append(f"{whole} {target.symbol}")
    return " ".join([*parts, f"{rest.normalize():f} {smallest.symbol}"])


def _in_source_unit(amount: str, src: Unit) -> str:
    """The amount with each quantity inside it written in the source unit, so its arithmetic adds like
    with like: of "12 inches plus 1 foot in cm" the amount is "12 inches plus 1" (in feet), whose words
    were dropped, and 13 feet came back as 396.24 cm; now it is "(1) plus 1" feet, 60.96 cm. Temperatures
    are left as written (degrees do not add up as amounts)."""
    if src.dimension == "temperature":
        return amount

    def in_source(match: re.Match[str]) -> str:
        inner = unit(match.group("unit"))
        if inner is None:
            return match.group(0)  # "5 apples": a number and a word
        return f"({convert(Decimal(match.group('number').replace(',', '')), inner, src)})"

    return PIECE.sub(in_source, amount)


def unknown_unit(text: str, *, asked: bool = False) -> str | None:
    """The word of a conversion ("10 blorps to meters", "how many blorps in 3 m") that names no unit
    this calculator knows, when the other side is one it knows or the text says "convert"; with
    ``asked``, only in a "how many X in N Y" question. Without it the parser failed on "to" naming no
    unit, or read "how many blorps in 3 meters" as 3."""
    flat = _counts_in_digits(_DEGREES.sub("", " ".join(text.split())))
    converting = re.search(r"\bconvert", flat, re.IGNORECASE) is not None
    for pattern in (_HOW_MANY,) if asked else (_HOW_MANY, _CONVERT):
        for match in pattern.finditer(flat):
            src, dst = unit(match.group("src")), unit(match.group("dst"))
            if (src is None) != (dst is None) or (src is None and converting):
                return match.group("src") if src is None else match.group("dst")
    return None


# Words after "<amount> <unit> in" that say where or how, not a unit: "5 miles in total" is 5.
_NOT_UNITS = frozenset([
    "total", "all", "sum", "length", "width", "height", "depth", "size", "diameter", "radius", "distance", "weight",
    "area", "volume", "thickness", "circumference", "cash", "advance", "stock", "person", "practice", "theory",
    "fact", "one", "each", "a", "an", "the", "it", "them", "there", "here", "time", "terms"
])  # fmt: skip
_CONVERT_AT_END = re.compile(
    rf"\d[\d.,]*\s*\)?\s*(?P<src>{_UNIT_WORD})\s+(?:in|into|as)\s+(?P<dst>{_UNIT_WORD})\s*[?.!]?$"
)


def unknown_target(text: str) -> str | None:
    """The word a conversion ending the text converts to ("5 km in smoots") that names no unit, when
    it converts from a known one. Such text evaluates (the words are dropped), and "5 km in smoots"
    answered 5 as though the target unit were not there."""
    match = _CONVERT_AT_END.search(_DEGREES.sub("", " ".join(text.split())))
    if match is None or unit(match.group("src")) is None or unit(match.group("dst")) is not None:
        return None
    return None if match.group("dst").lower() in _NOT_UNITS else match.group("dst")


def known_units() -> str:
    """The units by dimension, one symbol each, for an error's hint."""
    by_dimension: dict[str, list[str]] = {}
    for found in UNITS.values():
        symbols = by_dimension.setdefault(found.dimension, [])
        if found.symbol not in symbols:
            symbols.append(found.symbol)
    return "; ".join(f"{dimension}: {', '.join(symbols)}" for dimension, symbols in by_dimension.items())


def convert(value: Decimal, src: Unit, dst: Unit) -> Decimal:
    if src.dimension != dst.dimension:
        raise NoAnswerError(
            f"cannot convert {src.symbol} ({src.dimension}) to {dst.symbol} ({dst.dimension})",
            hint="convert between units of the same kind (length, mass, volume, time, speed, data, area, temperature)",
        )
    base = value * src.factor + src.offset
    return (base - dst.offset) / dst.factor
