"""The capability cards of the bundled collaborators: what each does, its types, and its cost (none:
every one runs on this host)."""

from __future__ import annotations

from typing import Any

from agentnet.cards import CapabilityCard, Skill


def _card(
    card_id: str,
    name: str,
    description: str,
    skill: str,
    tags: list[str],
    examples: list[str],
    inputs: list[str] | None = None,
    outputs: list[str] | None = None,
    **fields: Any,
) -> CapabilityCard:
    return CapabilityCard(
        id=card_id,
        name=name,
        description=description,
        skills=[Skill(id=card_id, name=name, description=skill, tags=tags, examples=examples)],
        input_types=inputs or ["text"],
        output_types=outputs or ["text"],
        tags=["bundled", *fields.pop("card_tags", [])],
        provider="tool",
        locality="local",
        **fields,
    )


CALCULATOR = _card(
    "calculator",
    "Calculator",
    "Evaluates arithmetic exactly (a calculator, not a language model): + - * / ^ and parentheses, "
    "percentages (15% of 240, add 8% tax, 20% off), square roots, sums and averages of numbers, and unit "
    "conversions (miles to km, liters to cups, hours to minutes, mph to km/h, GB to MB, Fahrenheit to Celsius, "
    "kg to pounds and ounces). Can use the labelled numbers of a given text, such as a receipt's total.",
    "Compute the value of an arithmetic expression, a percentage or a unit conversion.",
    ["math", "arithmetic", "calculate", "percentage", "tax", "tip", "unit conversion", "numbers"],
    [
        "What is 15% of 240?",
        "Calculate (12.5 + 7.25) * 3",
        "Convert 5 miles to km",
        "Add a 15% tip to the total",
        "Which is bigger, 2^30 or 10^9?",
        "Is 5 miles more than 8 km?",
    ],
    latency_ms=1,
)
DATES = _card(
    "dates",
    "Date calculator",
    "Dates and times: what time it is now, here or in a city, the date some days, weeks, months or years "
    "after or before a date, the number of days or weeks between two dates or until a date, a birthday or a "
    "holiday (how long until Halloween or New Year's Eve), the days left in the year, the day of the week of a "
    "date, a time plus hours and minutes (this machine's clock and time zones).",
    "Add or subtract durations to dates and times, count the days or weeks between dates or until a date, "
    "a birthday or a holiday, name weekdays.",
    ["date", "calendar", "days between", "countdown", "birthday", "weekday", "time arithmetic", "deadline"],
    # Only the first three examples are read (entries.skill_text): "What time is it in Tokyo?" was fifth,
    # and the question scored 0.31, at the floor; read, 0.37 ("what time is it in Asia/Kolkata" reaches
    # the dates tool too, not SmolLM2).
    ["How many weeks until my birthday on 14 May?", "What date is 90 days after 2024-03-01?",
     "What time is it in Tokyo?", "What day of the week is 2025-12-25?",
     "How many days are there between 2024-01-15 and 2024-03-01?"],
    latency_ms=1,
)  # fmt: skip
TEXT_STATS = _card(
    "text-statistics",
    "Text statistics",
    "Counts the words, lines, characters, sentences and paragraphs of a text (a counter, not a language model).",
    "Count how many words, lines, characters or sentences a text has.",
    ["word count", "count words", "line count", "characters", "length", "statistics"],
    ["How many words are in this text?", "Count the lines of this document", "How many characters is this?"],
    latency_ms=1,
)
TABLE_QUERY = _card(
    "table-query",
    "Table query",
    "Answers questions about the records of a table — CSV, JSON records or label/value lines such as a "
    "receipt: who or which rows have a value (the people living in Berlin, the orders from May), how many rows "
    "are over or under a value (people older than 30, items under 5), sums, averages, who or which row has "
    "the highest or lowest value (the oldest person, the cheapest item), or the value of a named field (a "
    "receipt's total, a config key).",
    "Count, filter, sum, average or look up values in a table, CSV, JSON data or a receipt.",
    ["csv", "json", "table", "spreadsheet", "rows", "column", "count rows", "sum", "average", "filter", "receipt"],
    ["How many rows have a price over 20?", "What is the average rating in this CSV?",
     "Which city has the highest population?", "What is the total on this receipt?"],
    latency_ms=5,
)  # fmt: skip
READ_FILE = _card(
    "read-file",
    "File reader",
    "Reads a text file of this machine by its name or path, only inside the allowed directories "
    "(collaborators.files in agentnet.yaml).",
    "Read the contents of a local text file.",
    ["file", "read file", "open", "local file", "document"],
    ["Read notes/todo.txt", "What is in the file report.md?"],
    latency_ms=1,
    read_only=True,
)
SIMILARITY = _card(
    "text-similarity",
    "Text similarity",
    "Measures how similar in meaning two texts are, with MiniLM sentence embeddings (a score from -1 to 1).",
    "Compare two texts by meaning.",
    ["similarity", "semantic similarity", "compare texts", "paraphrase", "embeddings"],
    ['How similar are "a cat sat on the mat" and "a kitten rested on the rug"?'],
    latency_ms=20,
    card_tags=["embeddings"],
)
SEARCH = _card(
    "semantic-search",
    "Semantic search",
    "Finds the lines or sentences of a given text closest in meaning to a query (MiniLM sentence "
    "embeddings), best first.",
    "Search given passages by meaning.",
    ["semantic search", "find", "most relevant", "retrieve", "embeddings"],
    # Only the first three are read (entries.skill_text). With no line of a file among them, "which line of
    # notes.txt is most similar to 'money plan'" scored the two-text similarity tool higher (0.49 against
    # 0.47) and went to the chat model. Third, so the first two read as before.
    [
        "Which of these sentences is about the weather?",
        'Find the line closest to "refund policy"',
        'Which line of this file is most similar to "late payment"?',
    ],
    latency_ms=30,
    card_tags=["embeddings"],
)
CLASSIFY = _card(
    "classify-text",
    "Zero-shot classifier",
    "Classifies a text into one of the labels you give (zero-shot, MiniLM sentence embeddings): topic, "
    "sentiment, intent.",
    "Pick which of the given labels fits a text.",
    ["classify", "classification", "categorize", "label", "sentiment", "topic", "embeddings"],
    # A third example, of a question of two labels: with the semantic search's examples of lines of a file, 'Is
    # "I love dogs" a positive or negative sentence?' stood out 2.99 deviations (under the 3 of a clear
    # ask) and went to the chat model; 3.25 with it.
    [
        "Classify this review as positive, negative or neutral",
        "Is this message about billing, shipping or returns?",
        'Is "the food was cold" a positive or negative comment?',
    ],
    latency_ms=20,
    card_tags=["embeddings"],
)
DUPLICATES = _card(
    "find-duplicates",
    "Near-duplicate finder",
    "Finds near-duplicate lines of a text: pairs that say almost the same thing (MiniLM sentence embeddings).",
    "Detect near-duplicate passages.",
    ["duplicates", "near-duplicate", "deduplicate", "repeated", "embeddings"],
    ["Which of these lines are duplicates of each other?", "Find near-duplicate entries in this list"],
    latency_ms=30,
    card_tags=["embeddings"],
)
OCR = _card(
    "ocr",
    "OCR (text in images)",
    "Reads the text written in an image — a photo, scan, screenshot, sign, receipt or table — with the "
    "PP-OCRv4 models (RapidOCR, offline): the text line by line, each line's boxes and confidence in JSON.",
    "Read the text in an image.",
    ["ocr", "image to text", "read text", "sign", "receipt", "scan", "screenshot", "photo", "vision"],
    ["What does this sign say?", "Read the text in this photo", "Transcribe this receipt"],
    inputs=["image"],
    latency_ms=2000,
    card_tags=["vision"],
)
SPEECH = _card(
    "speech",
    "Speech (text to speech)",
    "Says a text aloud: a WAV audio recording made offline by espeak-ng, in English or another language.",
    "Turn text into spoken audio.",
    ["speech", "text to speech", "tts", "say aloud", "read aloud", "voice", "audio"],
    ["Say this aloud", "Read the answer out loud", "Make an audio file of this text"],
    outputs=["audio"],
    latency_ms=300,
)
