"""Everyday questions read, for scoring only, in the words of the tool that answers them: "read this out"
as "read this aloud", "how old is someone born on ..." as the years since a birth date, "when is next
Monday" as its date, "how long until 5:30 pm" as the time from now, "what time is it in London" as the
time in a city, "which line of notes.txt mentions the plumber" as the line closest to a topic.

Apart from ``sentences`` (which also spells out arithmetic and titles) as each rule here is a question's
form, not a sign or an abbreviation; ``sentences.spelled_out`` applies them. The step keeps the user's
words.
"""

from __future__ import annotations

import re

# "Read this out" is "read this aloud" (MiniLM: the speech card 0.21 and 0.43; "read it out loud" 0.39).
_READ_OUT = re.compile(
    r"\bread\s+(?P<what>(?:this|it|that|them|these|those|(?:the|my)\s+[\w-]+)\s+)?out\b(?!\s+loud)", re.IGNORECASE
)


# An age from a birth date ("How old is someone born on 12 May 1990?"): MiniLM reads no date arithmetic
# in "how old" (the dates card 0.26, under the bar; SmolLM2 answered "1990 is the year of the birth of
# 1990") and much in "calculate the age of" (0.36), though as much calculator ("calculate the age of my dad,
# born 3 March 1958": the calculator 0.33, the dates tool 0.32, so SmolLM2 answered "30 years old"); "count
# the years since the birth date of" is the dates tool's alone (0.46 against 0.22). Only with "born" and a
# year: "How old is the Eiffel Tower?" is a question of fact.
_AGE = re.compile(r"\bhow\s+old\s+(?:is|am|are|was|were|will|would)\b(?=.*\bborn\b.*\b\d{4}\b)", re.IGNORECASE)


# Time left until a clock time or a holiday ("How long until 5:30 pm?", "how many minutes till noon", "how
# long until Christmas?"): MiniLM read little date arithmetic in it (the dates card 0.20, 0.30 and 0.16,
# under the bar; SmolLM2 answered "12" and "2018"), much in "count the time from now until 5:30 pm"
# (0.48). A bare number ("until 5") is no clock time.
_UNTIL_TIME = re.compile(
    r"^\s*how\s+(?:long|much\s+time|many\s+(?:hours|hrs|minutes|mins))\b[^?.!]*?\b(?:until|till|til|before)\s+"
    r"(?P<when>midnight|noon|midday|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*(?:[ap]\.?m\.?|o'?clock)"
    r"|christmas(?:\s+eve|\s+day)?|halloween|new\s+year'?s(?:\s+eve|\s+day)?|valentine'?s(?:\s+day)?)(?![\w:])",
    re.IGNORECASE,
)


def _as_time_left(text: str) -> str:
    found = _UNTIL_TIME.match(text)
    return text if found is None else f"count the time from now until {found.group('when')}{text[found.end() :]}"


# The time now in a place ("What time is it in London?", "what's the time in New York"): MiniLM read the
# place's name against the dates card's example city (Tokyo 0.37, London 0.29, under the bar; SmolLM2
# answered "2018-04-30"). Read as "what time is it in a city" (0.41).
_TIME_IN = re.compile(
    r"^\s*(?i:what\s+time\s+is\s+it|what(?:'s|\s+is)\s+the\s+(?:current\s+|local\s+)?time)(?i:\s+now)?\s+in\s+"
    r"(?:[A-Z][\w'-]*(?:[ -][A-Z][\w'-]*){0,2}|[A-Z]\w+/\w+)(?i:\s+(?:right\s+)?now)?\s*[?.!]?\s*$",
)


# "When is next Monday?" asks for a date (MiniLM: the dates card under the bar; "What is the date next
# Monday?" is over it).
_WHEN_WEEKDAY = re.compile(
    r"\bwhen\s+(?:is|was|will\s+be)\s+(?=(?:next|this|last|the\s+coming|coming)\s+"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)",
    re.IGNORECASE,
)


# Which line of a text mentions something ("Which line of notes.txt mentions the plumber?", "what sentence
# talks about refunds"): MiniLM read a file's name and little search in it (the file reader 0.39, the
# semantic search 0.29, and the chat model answered from the whole file). Read as "find the line of
# notes.txt closest to a topic" (0.61 against 0.33): the topic's own words ("the plumber") drew the
# scores to the file reader (0.40 against 0.42), and which tool finds a line does not hang on them.
_MENTIONS = re.compile(
    r"^\s*(?:which|what)\s+(?P<unit>lines?|sentences?|paragraphs?|entr(?:y|ies)|items?)\s+(?P<where>(?:of|in)\s+\S+\s+)?"
    r"(?:mentions?|mentioned|talks?\s+about|(?:is|are)\s+about|refers?\s+to|deals?\s+with|says?\s+something\s+about)"
    r"\s+(?P<what>\S.*?)\s*[?.!]?\s*$",
    re.IGNORECASE,
)


def _as_search(text: str) -> str:
    found = _MENTIONS.match(text)
    if found is None:
        return text
    return f"find the {found.group('unit')} {found.group('where') or ''}closest to a topic"


def reworded(text: str) -> str:
    """``text`` in the words of the tool that answers it, when it is one of the questions above."""
    text = _as_search(text)
    text = _READ_OUT.sub(lambda match: f"read {match.group('what') or ''}aloud", text)
    text = _as_time_left(_AGE.sub("count the years since the birth date of", text))
    text = "what time is it in a city" if _TIME_IN.match(text) else text
    return _WHEN_WEEKDAY.sub("what is the date ", text)
