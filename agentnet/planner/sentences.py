"""Where a request's sentences end: at ., ! or ? before a capital, a digit or a quote, except after
an abbreviation that does not end one.

Why not every full stop: "Call Dr. Smith tomorrow" is one request, and cutting it at "Dr." leaves a
clause "Call Dr" (a step, and "Dr" taken as the name) and a clause "Smith tomorrow". General English
abbreviations only, never tool names:

- a title ("Dr. Smith", "Mrs. Lee", "St. Louis") or a Latin one ("e.g. a cat", "vs. the old one")
  always leads on to more of its sentence;
- "No." before a number ("Symphony No. 40") is a number's label;
- one that closes a name ("123 Main St.", "Acme Inc.", "John Smith Jr.", "etc.") ends the sentence only
  when what follows reads as a new sentence ("123 Main St. Can you ..."), not when a name goes on
  ("123 Main St. San Francisco, CA");
- an initial ("J. K. Rowling", "Franklin D. Roosevelt", "J.K. Rowling") leads on to the name's next
  word: a capital letter's full stop before a capitalised word that does not open sentences (not
  "The", "Can", "Then", "I" ...), after a capitalised word, another initial, a word that comes before
  names ("by", "from", "to", "email", "call" ...) or nothing. After another lower-case word the letter is a label
  that can end a sentence ("Use plan B. Send it to Tom"), as it does before a sentence's opening word
  ("Pay at Bank A. Can you ...", "speakers A and B. However, ...").
"""

from __future__ import annotations

import re

from agentnet.planner import phrasings

# Full stops a sentence may end at: the next sentence starts with a capital, a digit or a quote.
_CANDIDATE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_TITLES = frozenset(["mr", "mrs", "ms", "mx", "dr", "prof", "rev", "fr", "sgt", "capt", "gen", "mt", "ft"])
_LATIN = frozenset(["e.g", "eg", "i.e", "cf", "vs", "viz", "approx"])
_CLOSING = frozenset(["st", "ave", "rd", "blvd", "ln", "jr", "sr", "inc", "ltd", "co", "corp", "llc", "etc"])
# The word before the stop ("e.g" of "e.g.", "Dr" of "(Dr."), and the word before that one.
_ABBREVIATION = re.compile(r"(?:(?P<before>[\w']+)\s+)?(?<![\w.])(?P<word>[A-Za-z]+(?:\.[A-Za-z]+)*)\.$")
_WINDOW = 80
# Initials: one capital letter, or several joined by full stops ("J.K", "U.S").
_INITIALS = re.compile(r"[A-Z](?:\.[A-Z])*")
_INITIAL = re.compile(r"[A-Z]\.(?:\s|$)")
_CAPITALISED = re.compile(r"[A-Z][\w'-]*")
# Words that open sentences and are nobody's surname: after one, an initial's full stop ends a sentence.
_OPENERS = frozenset([
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "i", "we", "you", "he", "she", "they",
    "my", "our", "your", "his", "her", "their", "there", "here", "what", "how", "when", "where", "why", "who",
    "which", "can", "could", "would", "will", "should", "shall", "may", "might", "must", "do", "does", "did",
    "is", "are", "was", "were", "have", "has", "had", "please", "also", "then", "thanks", "thank", "and",
    "but", "so", "now", "finally", "lastly", "next", "after", "afterwards", "before", "first", "second",
    "third", "however", "meanwhile", "once", "if", "let", "as", "in", "on", "at", "for", "to", "from", "with",
    "by", "of", "or", "yes", "no", "ok", "okay", "hi", "hello", "hey", "besides", "additionally", "otherwise",
    "because", "since", "though", "although", "while", "just"
])  # fmt: skip
# Lower-case words a name follows ("a book by J. Smith", "email J. Smith"), unlike a label's noun ("plan B.").
_BEFORE_NAMES = frozenset([
    "by", "from", "to", "with", "and", "or", "for", "of", "cc", "dear", "call", "phone", "email", "text",
    "message", "ask", "tell", "meet", "invite", "contact", "remind", "notify", "thank", "visit"
])  # fmt: skip
# What opens a new sentence after a name: a capitalised word and then a lower-case one or "I" ("Can
# you", "Once done", "I need", "Can I"), or a word that opens one alone ("Please, ...", "Then, ...").
_OPENS = re.compile(r"[A-Z][\w']*\s+(?:[a-z]|I\b)|(?i:please|also|then|thanks|thank|and|but|so|now|finally|lastly)\b")


def split(text: str) -> list[str]:
    """The sentences of ``text`` (each keeps its own full stop), blank ones dropped."""
    pieces, start = [], 0
    for match in _CANDIDATE.finditer(text):
        if not ends(text, match.start(), match.end()):
            continue
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def ends(text: str, stop: int, after: int) -> bool:
    """Whether the mark just before ``stop`` ends the sentence, the next one starting at ``after``."""
    # A short window: the two words before the stop are all that count, and long texts stay linear.
    found = _ABBREVIATION.search(text[max(0, stop - _WINDOW) : stop]) if text[stop - 1 : stop] == "." else None
    if found is None:
        return True
    word, before = found.group("word").lower(), found.group("before") or ""
    if word in _LATIN or (word in _TITLES and word != "st"):
        return False
    if word == "no":
        return not text[after : after + 1].isdigit()
    # "St." after a capitalised word or a number is a street ("Main St."), otherwise a saint ("to St. Louis").
    if word == "st" and not (before[:1].isupper() or before[:1].isdigit()):
        return False
    if _initial(text, found.group("word"), before, after):
        return False
    return word not in _CLOSING or _OPENS.match(text, after) is not None


def _initial(text: str, letters: str, before: str, after: int) -> bool:
    """Whether ``letters`` (the word before a full stop, ``before`` the word before it, "" when there
    is none or it is an initial) are a name's initials, the name going on at ``after``."""
    following = _CAPITALISED.match(text, after)
    if not _INITIALS.fullmatch(letters) or following is None:
        return False
    if _INITIAL.match(text, after):  # "J. K. Rowling"
        return True
    if following.group().lower() in _OPENERS:
        return False
    # "J.K. Rowling"; "Franklin D. Roosevelt", "(J. Smith)", "by J. Smith"; not "plan B. Send it"
    return "." in letters or not before[:1].islower() or before.lower() in _BEFORE_NAMES


def opens(text: str, index: int) -> bool:
    """Whether ``index`` starts a sentence of ``text``: at its start, or after a mark that ends one."""
    before = text[:index]
    if not before.strip():
        return True
    mark = re.search(r"[.!?]\s+$", before)
    return mark is not None and ends(text, mark.start() + 1, index)


def boundaries(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """The indices just past each sentence's closing mark between ``start`` and ``end`` (where a span
    must stop)."""
    found = _CANDIDATE.finditer(text, start, len(text) if end is None else end)
    return [match.start() for match in found if ends(text, match.start(), match.end())]


# Titles that name a role or a place, as retrieval reads them: MiniLM reads "Dr. Smith" as a name and
# hardly as a doctor ("a virtual appointment with Dr. Smith" scored the doctor tool below the bar),
# "Doctor Smith" as both. Only for scoring a clause against the cards: the clause keeps "Dr. Smith".
_SPELLED = {"Dr": "Doctor", "Prof": "Professor", "Rev": "Reverend", "Capt": "Captain", "Sgt": "Sergeant",
            "Mt": "Mount", "Ft": "Fort"}  # fmt: skip
_TITLE = re.compile(rf"\b({'|'.join(_SPELLED)})\.?(?=\s+[A-Z])")


# Arithmetic signs between numbers, as words: MiniLM reads "what is 17 * 23" as no arithmetic at all (the
# calculator's card 0.28, under the bar, and the 135M chat model answered 4096), "17 multiplied by 23" as
# arithmetic (0.47). Only between numbers, so hyphens, dates (2026-12-06 has no spaces), paths and sizes
# ("1920 x 1080") stay.
_OPERATORS = {"*": "multiplied by", "\u00d7": "multiplied by", "/": "divided by",
              "\u00f7": "divided by", "+": "plus", "-": "minus", "^": "to the power of"}  # fmt: skip
_OPERATOR = re.compile(r"(?<=[\d)])\s+([*\u00d7/\u00f7+\-^])\s+(?=[\d(])|(?<=[\d)])([*\u00d7\u00f7^])(?=[\d(])")


# A slash between two numbers with no spaces is a division only when the pair cannot be a date ("1/0",
# "100/8", "7.5/2.5"): "12/4", "3/4" and "2026/12" stay, as a date or a fraction may be meant, and so do
# "1/2/2027" and "a/b.txt" (more than two parts, or no numbers).
_SLASH = re.compile(r"(?<![\w/.])(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)(?![\w/]|\.\d)")


def _division(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    if "." not in first + second and _day_and_month(int(first), int(second)):
        return match.group(0)
    return f"{first} divided by {second}"


def _day_and_month(first: int, second: int) -> bool:
    """A day and a month in either order, or a year and a month ("2026/12")."""
    if 1000 <= first <= 9999:
        return 1 <= second <= 12
    return 1 <= first <= 31 and 1 <= second <= 31 and (first <= 12 or second <= 12)


# A question that is nothing but arithmetic ("What is 1 plus 41?", "what's 12 times 7"): MiniLM reads
# little arithmetic in it (the calculator's card 0.30-0.36, under the bar, and SmolLM2 answered 20 and 90),
# and much in "calculate 1 plus 41" (0.46). Read so, with "times" as "multiplied by".
# A number may be scaled by a word ("3 dozen", "2 million"), as the calculator reads it.
# So may a dozen stand for a number ("What is half a dozen plus 2?").
_NUMBER = (
    r"(?:\(?\s*-?\d[\d,]*(?:\.\d+)?(?:\s+(?:dozen|hundred|thousand|million|billion))?\s*%?\s*\)?"
    r"|(?:half\s+)?a\s+dozen)"
)
# Signs may touch the numbers ("(2+3)*4"); a minus must not ("2026-12-06" is a date), nor may words.
_WORD_OPERATOR = (
    r"(?:\s*[+*/^\u00d7\u00f7]\s*|\s+-\s+|\s+(?:x|plus|minus|times|multiplied\s+by|divided\s+by|over|"
    r"to\s+the\s+power(?:\s+of)?|raised\s+to(?:\s+the\s+power(?:\s+of)?)?|mod(?:ulo)?|percent\s+of|of)\s+)"
)
_ARITHMETIC = re.compile(
    rf"^\s*(?:what\s+is|what's|how\s+much\s+is|compute|calculate)?\s*"
    rf"(?P<expr>{_NUMBER}(?:{_WORD_OPERATOR}{_NUMBER})+)\s*[?.!]?\s*$",
    re.IGNORECASE,
)


# Sharing an amount out ("Split a 120 dollar bill between 3 people", "divide 90 among 4") is a division,
# which MiniLM reads little of in those words (the calculator 0.19, under the floor; 0.46 as a division).
# Not "into"/"by": "split the 2 videos into 3 parts" is work on media, not arithmetic.
# The amount may be stated before and named ("The bill is 64.80. Split it between 3 people.": the calculator
# 0.06, and SmolLM2 corrected the grammar): "calculate the amount divided by 3" (0.52).
_SHARE = re.compile(
    rf"^\s*(?:split|share|divide)\s+(?:\w+\s+){{0,3}}?(?P<amount>{_NUMBER}|(?:it|that|this|them|(?:the|that|this|our|my)\s+"
    rf"(?:bill|total|amount|cost|rent|check|cheque|tab|sum|money|price)))(?:\s*[^\W\d]+){{0,3}}?\s+"
    rf"(?:between|among|amongst)\s+(?P<count>{_NUMBER})(?:\s+[^\W\d]+){{0,2}}\s*[?.!]?\s*$",
    re.IGNORECASE,
)


# The sharers first, sharing money: "3 people split a 120 dollar bill", "3 friends share a 90 dollar
# dinner, how much each?", "4 roommates split $1800 rent". Only money: "let 2 people share 5 images"
# is no division.
_SHARERS = re.compile(
    rf"\b(?P<count>{_NUMBER})\s+(?:[^\W\d]+\s+){{0,2}}?(?:split|share)\s+(?:[^\W\d]+\s+){{0,2}}?"
    rf"(?P<symbol>[$\u20ac\u00a3])?(?P<amount>{_NUMBER})(?P<unit>\s*(?:[^\W\d]+\s+)?"
    rf"(?:dollars?|euros?|pounds?|bucks|usd|eur|gbp|bill|check|cheque|tab)\b)?",
    re.IGNORECASE,
)


# The sharing after the amount: "What is 90 shared among 3 friends?", "64.80 split between 3 people" (SmolLM2
# answered "90 is 3 times 18"). Only an amount of money or a bare number: "5 images shared among 2" is no division.
_SHARED_AFTER = re.compile(
    rf"^\s*(?:what\s+is|what's|how\s+much\s+is)?\s*[$\u20ac\u00a3]?(?P<amount>{_NUMBER})"
    rf"(?:\s*(?:dollars?|euros?|pounds?|bucks|usd|eur|gbp))?\s+(?:split|shared|divided)\s+(?:(?:evenly|equally)\s+)?"
    rf"(?:between|among|amongst)\s+(?P<count>{_NUMBER})(?:\s+[^\W\d]+){{0,2}}\s*[?.!]?\s*$",
    re.IGNORECASE,
)


def _shared(text: str) -> re.Match[str] | None:
    found = _SHARE.match(text) or _SHARED_AFTER.match(text)
    if found is not None:
        return found
    found = _SHARERS.search(text)
    return found if found is not None and (found.group("symbol") or found.group("unit")) else None


# An operation on the result before it, as a clause ("the sum of the ages, times 2", "... plus 10"):
# MiniLM reads no arithmetic in "times 2" (SmolLM2 took the step and answered with Python advice).
_OPERATION = re.compile(
    rf"^\s*(?:and\s+)?(?:then\s+)?(?P<op>plus|minus|times|multiplied\s+by|divided\s+by|add|subtract)\s+"
    rf"(?P<number>{_NUMBER})"
    rf"\s*[?.!]?\s*$",
    re.IGNORECASE,
)


# A question that is one function of numbers ("What is 7 factorial?", "12 squared", "the cube root of 27",
# "the median of 3, 9 and 1", "round 3.14159 to 2 decimals"): MiniLM reads as little arithmetic in it as
# in "1 plus 41", and SmolLM2 answered "12 is 4 times the number of seconds it takes for light to reach
# Earth"; read as "calculate the arithmetic ...".
_NUMBERS = rf"{_NUMBER}(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+){_NUMBER})*"
_FUNCTION = re.compile(
    rf"^\s*(?:what\s+is|what's|how\s+much\s+is|compute|calculate|find|work\s+out)?\s*(?:the\s+)?(?P<expr>"
    rf"(?:(?:square|cube)\s+root|factorial|median|average|mean|sum|product)\s+of\s+{_NUMBERS}"
    rf"|{_NUMBER}\s*(?:squared|cubed|factorial|!)"
    rf"|round\s+{_NUMBER}\s+to\s+(?:the\s+nearest\s+{_NUMBER}|{_NUMBER}\s+(?:decimal\s+places?|decimals?|places?|dp)))"
    rf"\s*[?.!]?\s*$",
    re.IGNORECASE,
)


# A question for the total or the average of the numbers in some material, or for arithmetic on it ("What
# is the average price in invoice.png?", "What is the total in receipt.txt plus 10?"): the calculator
# reads the labelled numbers of a text or of what OCR read, but MiniLM scored the table tool or the OCR
# reader above it (the calculator 0.20 and 0.38, standing out from neither), so the plan read the image
# and stopped, or the chat model answered. Read as "calculate the average price in invoice.png" ("... split
# between 2 people" as "... divided by 2": the calculator reads both). Not a
# table's column ("the average age in people.json"), which is the table tool's.
_MATERIAL = (
    r"(?:[\w-]+\.[^\W\d_][^\W_]{0,4}|(?:this|that|the|my|attached|given)\s+(?:[^\W\d]+\s+)?"
    r"(?:receipts?|invoices?|bills?|images?|photos?|pictures?|scans?|screenshots?|texts?|lists?|files?|documents?|notes|page))"
)
_AGGREGATE = re.compile(
    rf"^\s*(?:what\s+is|what's|how\s+much\s+is|compute|calculate|find|work\s+out)?\s*(?P<expr>(?:the\s+)?"
    rf"(?:average|mean|median|sum|total)\b(?:\s+[^\W\d]+){{0,3}}?\s+(?:in|on|of|from)\s+{_MATERIAL}"
    rf"(?:{_WORD_OPERATOR}{_NUMBER})*)(?P<share>\s+(?:split|shared|divided)\s+(?:(?:evenly|equally)\s+)?"
    rf"(?:between|among|amongst)\s+(?P<count>{_NUMBER})(?:\s+[^\W\d]+){{0,2}})?\s*[?.!]?\s*$",
    re.IGNORECASE,
)
_TABLE = re.compile(
    r"\.(?:csv|tsv|json|jsonl|xlsx?|ods|parquet)\b|\b(?:tables?|spreadsheets?|csv|json|columns?|rows?)\b", re.IGNORECASE
)


# The same with a verb on the result ("and multiply the count by 4", "then divide that number by 3"): MiniLM
# read "count" as the text statistics' (the step before), and the multiplication was never planned.
_ON_RESULT = re.compile(
    rf"^\s*(?:and\s+)?(?:then\s+)?(?P<op>multiply|divide)\s+(?:it|that|this|(?:the|that|this)\s+(?:result|answer|"
    rf"number|count|total|sum|value|amount))\s+by\s+(?P<number>{_NUMBER})\s*[?.!]?\s*$",
    re.IGNORECASE,
)


def _as_aggregate(text: str) -> str:
    found = _AGGREGATE.match(text)
    if found is None or _TABLE.search(text):
        return text
    shared = f" divided by {found.group('count')}" if found.group("share") else ""  # "split between 2 people"
    return f"calculate {found.group('expr')}{shared}"


def _as_calculation(text: str) -> str:
    function = _FUNCTION.match(text)
    if function is not None:  # "the arithmetic median of 3, 9 and 1": "median" alone reads as no arithmetic
        return f"calculate the arithmetic {function.group('expr')}"
    operation = _OPERATION.match(text)
    if operation is not None:
        op = " ".join(operation.group("op").lower().split())
        op = {"times": "multiplied by", "add": "plus", "subtract": "minus"}.get(op, op)
        return f"calculate the result {op} {operation.group('number').strip()}"
    on_result = _ON_RESULT.match(text)
    if on_result is not None:
        op = "multiplied by" if on_result.group("op").lower() == "multiply" else "divided by"
        return f"calculate the result {op} {on_result.group('number').strip()}"
    shared = _shared(text)
    if shared is not None:
        amount = shared.group("amount").strip()
        amount = amount if amount[:1].isdigit() or amount[:1] in "(-" else "the amount"
        return f"calculate {amount} divided by {shared.group('count').strip()}"
    found = _ARITHMETIC.match(text)
    if found is None:
        return text
    return "calculate " + re.sub(r"\btimes\b", "multiplied by", found.group("expr"), flags=re.IGNORECASE)


# A question that is nothing but a conversion of amounts ("10 USD in EUR", "5 lb 4 oz in kg", "how many
# cm in 2 feet 3 inches"): the calculator's card scored 0.17-0.21 against the first and last (SmolLM2
# made rates and lengths up), 0.31 against "what is 5 km in miles". Read as "convert AMOUNT to UNIT".
# A unit may be a rate ("km/h").
_UNIT = r"[^\W\d_]{1,12}(?:/[^\W\d_]{1,4})?\.?(?:\s+[^\W\d_]{1,12})?"
_AMOUNTS = rf"{_NUMBER}\s*{_UNIT}(?:\s*,?\s*(?:and\s+)?{_NUMBER}\s*{_UNIT})*"
# A rate given with the amount ("10 USD at 0.92 EUR per USD") is part of the conversion.
_RATE = rf"\s+at\s+(?:a\s+rate\s+of\s+)?{_NUMBER}(?:\s*{_UNIT}\s+(?:per|for\s+(?:a|one|1))\s+{_UNIT})?"
_CONVERSION = re.compile(
    rf"^\s*(?:what\s+is|what's|how\s+much\s+is|convert)?\s*(?P<amounts>{_AMOUNTS}(?:{_RATE})?)"
    rf"(?:\s+(?:in|to|into)\s+(?P<unit>{_UNIT}))?(?P<rate>{_RATE})?\s*[?.!]?\s*$",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(
    rf"^\s*how\s+many\s+(?P<unit>{_UNIT})\s+(?:are\s+)?(?:in|is|make)\s+(?P<amounts>{_AMOUNTS})\s*[?.!]?\s*$",
    re.IGNORECASE,
)


def _as_conversion(text: str) -> str:
    found = _CONVERSION.match(text) or _HOW_MANY.match(text)
    if found is None:
        return text
    groups = found.groupdict()
    unit, rate = groups.get("unit"), groups.get("rate") or ""
    if unit is None and not rate and " at " not in found.group("amounts"):
        return text  # amounts alone ("5 apples") ask for no conversion
    amounts = _ABBREVIATED.sub(_spelled_unit, found.group("amounts").strip())
    return f"convert {amounts}" + (f" to {_ABBREVIATED.sub(_spelled_unit, unit.strip())}" if unit else "") + rate


# Units as a conversion abbreviates them, spelled out: MiniLM reads little of "ml" or "GB" ("convert 3 cups
# to ml" scored the calculator 0.27, under the floor, and SmolLM2 answered "1 cup = 3 ml"; "... to
# milliliters" 0.41). General English abbreviations of units only; "in", "s" and "t" stay (also words).
_UNIT_NAMES = {
    "ml": "milliliters", "l": "liters", "km": "kilometers", "m": "meters", "cm": "centimeters",
    "mm": "millimeters", "kg": "kilograms", "g": "grams", "mg": "milligrams", "lb": "pounds", "lbs": "pounds",
    "oz": "ounces", "ft": "feet", "yd": "yards", "mi": "miles", "mph": "miles per hour",
    "km/h": "kilometers per hour", "kph": "kilometers per hour", "m/s": "meters per second", "gal": "gallons",
    "qt": "quarts", "pt": "pints", "tsp": "teaspoons", "tbsp": "tablespoons", "kb": "kilobytes",
    "mb": "megabytes", "gb": "gigabytes", "tb": "terabytes", "hr": "hours", "hrs": "hours", "min": "minutes",
    "mins": "minutes", "sec": "seconds", "secs": "seconds", "f": "Fahrenheit", "c": "Celsius",
}  # fmt: skip
_ABBREVIATED = re.compile(
    rf"(?<![\w/])({'|'.join(sorted(map(re.escape, _UNIT_NAMES), key=len, reverse=True))})\.?(?![\w/])", re.IGNORECASE
)


def _spelled_unit(match: re.Match[str]) -> str:
    return _UNIT_NAMES[match.group(1).lower()]


# Whether one amount is more than another ("Is 7 km more than 4 miles?"): MiniLM read no arithmetic in it
# (the calculator 0.28, under the floor; SmolLM2 answered that 7 km equals 3.589 miles), much in
# "calculate whether 7 km is more than 4 miles" (0.39), which the calculator answers.
_COMPARISON = re.compile(
    rf"^\s*(?:is|are)\s+(?P<first>{_AMOUNTS})\s+(?P<than>(?:more|less|longer|shorter|heavier|lighter|bigger|"
    rf"smaller|larger|greater|faster|slower|further|farther)\s+than)\s+(?P<second>{_AMOUNTS})\s*[?.!]?\s*$",
    re.IGNORECASE,
)


def _as_comparison(text: str) -> str:
    found = _COMPARISON.match(text)
    if found is None:
        return text
    return f"calculate whether {found.group('first')} is {found.group('than')} {found.group('second')}"


def spelled_out(text: str) -> str:
    """``text`` with its titles ("Dr. Smith" -> "Doctor Smith") and arithmetic signs ("17 * 23" -> "17
    multiplied by 23", "1/0" -> "1 divided by 0") written out, and a question that is only arithmetic read
    as a calculation ("What is 1 plus 41?" -> "calculate 1 plus 41"); other everyday questions in the
    words of the tool that answers them (``phrasings``)."""
    text = _OPERATOR.sub(lambda match: f" {_OPERATORS[match.group(1) or match.group(2)]} ", text)
    text = _SLASH.sub(_division, text)
    text = phrasings.reworded(_as_comparison(_as_conversion(_as_calculation(_as_aggregate(text)))))
    return _TITLE.sub(lambda match: _SPELLED[match.group(1)], text)
