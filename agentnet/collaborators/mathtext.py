"""Arithmetic written by people, as tokens: numbers, operators and the words that mean them.

"What is 15% of 240?", "add 8% tax to 42.50", "7 times 8 minus 6", "2 to the power of 10": the lexer
keeps numbers (with thousands separators), operators, and words the calculator knows; other words
("what", "is", "the", "tax") are dropped, so a request phrased as a sentence reduces to its math.
Anything that looks like code is refused before that: the calculator evaluates numbers and
operators, never names of the Python world.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from agentnet.errors import UserError

MAX_TOKENS = 400

_CODE = re.compile(
    r"__|\blambda\b|\b(?:import|exec|eval|open|os|sys|subprocess)\s*[(.]|[\[\]{};`\\]|[A-Za-z_]\w*\.[A-Za-z_]\w*\s*\("
)
_LEX = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<op>\*\*|[-+*/^(),%\u00d7\u00f7\u2212]|(?<=\d)!(?!=))"  # "7!" is a factorial; "?!" and "!=" are not
    r"|(?P<word>[A-Za-z\u00b0][A-Za-z']*)"
    # A full stop that ends a sentence ("What is 5 plus 3."); one before a digit is a decimal point.
    r"|(?P<skip>[$\u20ac\u00a3\u00a5=?!:;\s]+|(?<=[\w%)])\.(?=\s|$))"
    r"|(?P<other>.)"
)
# Multi-word phrases first (longest wins), each becoming one token.
PHRASES: dict[tuple[str, ...], str] = {
    ("multiplied", "by"): "*",
    ("divided", "by"): "/",
    ("to", "the", "power", "of"): "^",
    ("raised", "to", "the", "power", "of"): "^",
    ("raised", "to"): "^",
    ("to", "the", "power"): "^",
    ("square", "root", "of"): "sqrt",
    ("square", "root"): "sqrt",
    ("cube", "root", "of"): "cbrt",
    ("cube", "root"): "cbrt",
    ("median", "of"): "median",
    ("factorial", "of"): "factorial",
    ("per", "cent"): "%",
    ("sum", "of"): "sum",
    ("total", "of"): "sum",
    ("average", "of"): "mean",
    ("mean", "of"): "mean",
    ("product", "of"): "product",
    ("difference", "between"): "between",
    ("half", "of"): "half",
    ("less", "than"): "?",
}
WORD_OPS = {
    "plus": "+",
    "minus": "-",
    "less": "-",
    "times": "*",
    "x": "*",
    "over": "/",
    "mod": "mod",
    "modulo": "mod",
    "percent": "%",
    "pct": "%",
    "squared": "squared",
    "cubed": "cubed",
    "\u00d7": "*",
    "\u00f7": "/",
    "\u2212": "-",
    "**": "^",
}
# Words with a meaning in the grammar (prefix phrases, separators, percent forms, functions).
KEYWORDS = frozenset(
    ["add", "subtract", "multiply", "divide", "increase", "decrease", "reduce", "raise", "lower", "by", "from", "to",
     "and", "of", "off", "with", "after", "sqrt", "sum", "mean", "product", "between", "half", "twice", "double",
     "average", "abs", "round", "floor", "ceil", "min", "max", "log", "ln", "cbrt", "median", "factorial",
     "nearest"]
)  # fmt: skip
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
# Words that share an amount out ("split 120 between 3 people"), read only where they open the math, and
# the words after the amount that name how many share it.
SHARERS = frozenset({"split", "share"})
AMONG = frozenset({"among", "amongst", "between"})


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "op", "word", "var"
    value: str | Decimal


class CalculatorError(UserError):
    """The text is not arithmetic the calculator can evaluate (or is refused)."""

    code = "calculator_refused"


class NoAnswerError(CalculatorError):
    """The arithmetic was read and has no answer: no other collaborator should guess one."""

    conclusive = True


# A file's name ("receipt.txt", "docs/q3.csv") with the word that points at it ("in", "of", "from").
_FILE_NAME = re.compile(
    r"(?:\b(?:in|of|from|on)\s+(?:the\s+)?(?:file\s+)?)?(?<![\w./~-])[\w~./-]*[A-Za-z_][\w~/-]*\.[A-Za-z][A-Za-z0-9]{1,5}\b"
)


def without_file_names(text: str) -> str:
    """The text without the names of files: when a file was handed over, its name says where the
    numbers are (its labelled values), not arithmetic. "add a 15% tip to the total in receipt.txt" was
    refused on the name's "." and a table lookup answered the total alone."""
    return " ".join(_FILE_NAME.sub(" ", text).split())


def refuse_code(text: str) -> None:
    match = _CODE.search(text)
    if match:
        raise CalculatorError(
            f"refused: {match.group(0)!r} looks like program code, not arithmetic",
            hint="write numbers and operators (e.g. '(12.5 + 3) * 2', '15% of 240', '5 miles in km')",
        )


def lex(text: str) -> list[tuple[str, str]]:
    """Raw (kind, text) pairs; words lower-cased."""
    out: list[tuple[str, str]] = []
    for match in _LEX.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "skip":
            continue
        piece = match.group(0)
        out.append((kind, piece.lower() if kind == "word" else piece))
    if len(out) > MAX_TOKENS:
        raise CalculatorError(f"the expression has {len(out)} tokens; the calculator takes at most {MAX_TOKENS}")
    return out


def _phrase_at(words: list[tuple[str, str]], index: int) -> tuple[str, int] | None:
    for phrase in sorted(PHRASES, key=len, reverse=True):
        end = index + len(phrase)
        if end <= len(words) and all(
            k == "word" and w == p for (k, w), p in zip(words[index:end], phrase, strict=True)
        ):
            return PHRASES[phrase], len(phrase)
    return None


def tokens(text: str, variables: dict[str, Decimal] | None = None) -> list[Token]:
    """The math in ``text``: numbers, operators, known words and named values; other words dropped."""
    refuse_code(text)
    raw = lex(text)
    names = variables or {}
    out: list[Token] = []
    index = 0
    while index < len(raw):
        kind, piece = raw[index]
        name = _variable_at(raw, index, names)
        if name is not None:
            out.append(Token("num", names[name[0]]))
            index += name[1]
            continue
        phrase = _phrase_at(raw, index)
        if phrase is not None:
            if phrase[0] != "?":
                out.append(Token("op" if not phrase[0].isalpha() else "word", phrase[0]))
            index += phrase[1]
            continue
        index += 1
        token = _single(kind, piece, out)
        if token is not None:
            out.append(token)
    # A comma ending the math is the sentence's ("3 friends share a 90 dollar dinner, how much each?").
    while out and out[-1].kind == "op" and out[-1].value == ",":
        out.pop()
    return _shared(_percent_on(out))


def _shared(found: list[Token]) -> list[Token]:
    """A count before "split" ("3 people split a 120 dollar bill") or a count of "ways" ("120 split 3
    ways", "split 120 3 ways") put in the order "split 120 among 3" reads: they were refused ("cannot
    read the expression")."""
    head = [token.value if token.kind != "num" else "N" for token in found[:4]]
    split, among = Token("word", "split"), Token("word", "among")
    if head in (["N", "split", "N", "ways"], ["split", "N", "N", "ways"]):
        amount, count = [token for token in found[:3] if token.kind == "num"]
        return [split, amount, among, count, *found[4:]]
    if head[:3] == ["N", "split", "N"]:
        return [split, found[2], among, found[0], *found[3:]]
    return found


def _percent_on(found: list[Token]) -> list[Token]:
    """A percentage "on" an amount ("a 15% tip on 42.50", "5% interest on 1000") is that part of it, or,
    after "add", added to it ("add a 15% tip on 42.50"); an "on" before no number ("80 + 15% on top") says
    nothing. The question "what is 15% tip on a 42.50 bill?" was refused, as "on" had no meaning."""
    out: list[Token] = []
    for index, token in enumerate(found):
        if token.kind == "word" and token.value == "on":
            if index + 1 < len(found) and found[index + 1].kind == "num":
                adds = any(t.value in ("add", "increase", "raise") for t in out)
                out.append(Token("word", "to" if adds else "of"))
            continue
        out.append(token)
    return out


def _single(kind: str, piece: str, before: list[Token]) -> Token | None:
    if kind == "num":
        return Token("num", Decimal(piece.replace(",", "")))
    if kind == "op":
        return Token("op", WORD_OPS.get(piece, piece))
    if kind != "word":
        raise CalculatorError(f"the calculator cannot read {piece!r}", hint="write numbers and operators")
    if piece in WORD_OPS and not (piece == "x" and not (before and before[-1].kind == "num")):
        op = WORD_OPS[piece]
        return Token("op" if not op.isalpha() else "word", op)
    return _word(piece, before)


def _word(piece: str, before: list[Token]) -> Token | None:
    if piece == "on" and before and before[-1].value == "%":
        return Token("word", "on")  # read by _percent_on once the token after it is known
    # "3 dozen" is 36: after a number, "dozen" scales it as "hundred" does ("a dozen" alone is 12).
    if piece in NUMBER_WORDS and not (piece in SCALES and before and before[-1].kind == "num"):
        return Token("num", Decimal(NUMBER_WORDS[piece]))
    if piece in SHARERS and (not before or (len(before) == 1 and before[0].kind == "num")):
        return Token("word", "split")  # "split 120 between 3", or after the count: "3 people split 120"
    if piece == "ways" and before and before[-1].kind == "num" and any(t.value == "split" for t in before):
        return Token("word", "ways")
    if piece in AMONG and before and before[0].value in ("split", "divide") and before[-1].kind == "num":
        return Token("word", "among")
    if piece in SCALES:
        return Token("word", piece)
    if piece in KEYWORDS:
        return Token("word", piece)
    return None  # a word without arithmetic meaning ("what", "is", "tax"): dropped


def _variable_at(raw: list[tuple[str, str]], index: int, names: dict[str, Decimal]) -> tuple[str, int] | None:
    """A named value (a label of the data the step was given) starting at ``index``, longest first."""
    for name in sorted(names, key=lambda n: -len(n.split())):
        parts = name.split()
        window = raw[index : index + len(parts)]
        if len(window) == len(parts) and all(k == "word" and w == p for (k, w), p in zip(window, parts, strict=True)):
            return name, len(parts)
    return None


def labelled_lines(text: str) -> list[tuple[str, Decimal]]:
    """The lines of a text that are a label and a number: "Subtotal 42.50", "Sales tax: 3.40" (the last
    number on a line, named by the words before it), in order. A label may hold digits ("Room 101 45.00",
    OCR's "Food3 350" for "Food 350"): such a line was skipped, and "the sum of the amounts" of a budget
    photo left its 350 out without a word."""
    found: list[tuple[str, Decimal]] = []
    for line in text.splitlines():
        match = re.match(r"^\s*([A-Za-z][\w .'&/-]*?)\s*[:=]?\s*[$\u20ac\u00a3]?\s*(-?\d[\d,]*(?:\.\d+)?)\s*$", line)
        label = " ".join(re.findall(r"[a-z]+", match.group(1).lower())) if match else ""
        if match and label:
            found.append((label, Decimal(match.group(2).replace(",", ""))))
    return found


def labelled_values(text: str) -> dict[str, Decimal]:
    """Named numbers in a text the step was given (``labelled_lines``), named by their label and by its
    last word alone ("sales tax" and "tax"); the first line of a name wins."""
    found: dict[str, Decimal] = {}
    for label, value in labelled_lines(text):
        found.setdefault(label, value)
        found.setdefault(label.split()[-1], value)
    return found


# What a question asks of many values ("how many", "the average", "add them up"); the first named wins.
AGGREGATES = [
    ("count", r"\bhow\s+many\b|\bcount\b|\bnumber\s+of\b"),
    ("mean", r"\baverage\b|\bmean\b"),
    ("max", r"\bhighest\b|\blargest\b|\bmaximum\b|\bmax\b|\bbiggest\b|\bmost\b|\bgreatest\b|\btop\b"),
    ("min", r"\blowest\b|\bsmallest\b|\bminimum\b|\bmin\b|\bleast\b|\bcheapest\b|\bfewest\b"),
    # "add them up", "add all these up": the words between are what is added.
    ("sum", r"\bsum\b|\btotal\b|\badd\s+(?:\w+\s+){0,2}up\b|\baltogether\b|\bin\s+all\b"),
]


def aggregate(question: str) -> str | None:
    """ "count", "mean", "max", "min" or "sum": the aggregate ``question`` names first, if any."""
    lowered = question.lower()
    hits = [(m.start(), name) for name, pattern in AGGREGATES for m in re.finditer(pattern, lowered)]
    return min(hits)[1] if hits else None
