"""The end-to-end bench's tasks: what a user would hand the network (a request in plain words and
files), and how to check the answer automatically.

Three tiers: ``single`` (one collaborator does it), ``chain`` (two or three steps, each reading the
last one's output), ``dag`` (independent branches joined in one answer). Values are drawn from a
seeded generator, so a run is repeatable and the tasks are not a fixed list to tune against.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from agentnet.evals import e2e_inputs as make

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
WORDS = [
    "river",
    "stone",
    "maple",
    "window",
    "garden",
    "ticket",
    "silver",
    "coffee",
    "market",
    "orange",
    "harbor",
    "candle",
    "pencil",
    "forest",
    "bridge",
    "lemon",
    "rocket",
    "violet",
    "meadow",
    "thunder",
    "cabin",
    "planet",
]
ITEMS = ["Bread", "Milk", "Apples", "Coffee", "Cheese", "Rice", "Butter", "Tea", "Eggs", "Honey", "Pasta", "Soap"]
CITIES = [
    "Lisbon",
    "Oslo",
    "Dublin",
    "Vienna",
    "Prague",
    "Madrid",
    "Athens",
    "Warsaw",
    "Zurich",
    "Berlin",
    "Paris",
    "Rome",
]


@dataclass
class Check:
    """What a correct answer holds: numbers (each within a relative tolerance), strings, or audio."""

    numbers: list[float] = field(default_factory=list)
    contains: list[str] = field(default_factory=list)
    audio: bool = False
    tolerance: float = 0.005

    def passes(self, answer: str, files: list[Path]) -> bool:
        found = numbers(answer)
        for wanted in self.numbers:
            if not any(abs(value - wanted) <= self.tolerance * max(1.0, abs(wanted)) for value in found):
                return False
        if any(word.lower() not in answer.lower() for word in self.contains):
            return False
        return not self.audio or any(audio_seconds(path) > 0 for path in files)


@dataclass
class Task:
    id: str
    tier: str  # single | chain | dag
    task: str
    check: Check
    inputs: list[Path] = field(default_factory=list)


def numbers(text: str) -> list[float]:
    return [float(m.group(0).replace(",", "")) for m in _NUMBER.finditer(text)]


def audio_seconds(path: Path) -> float:
    import wave

    try:
        with wave.open(str(path)) as reader:
            rate = reader.getframerate()
            return reader.getnframes() / rate if rate else 0.0
    except (OSError, EOFError, wave.Error):
        return 0.0


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _document(rng: random.Random, folder: Path, name: str) -> tuple[Path, str]:
    lines = [_sentence(rng, rng.randint(4, 9)) for _ in range(rng.randint(3, 6))]
    text = "\n".join(lines) + "\n"
    return make.write_text(text, folder / name), text


def _sales(rng: random.Random, folder: Path, name: str) -> tuple[Path, list[tuple[str, int, int]]]:
    rows = [(city, rng.randint(5, 400), rng.randint(1, 60)) for city in rng.sample(CITIES, rng.randint(6, 10))]
    make.write_csv([["city", "sales", "staff"], *[[c, str(s), str(n)] for c, s, n in rows]], folder / name)
    return folder / name, rows


def _receipt(rng: random.Random, folder: Path, name: str) -> tuple[Path, float]:
    items = [(item, rng.randint(100, 2000) / 100) for item in rng.sample(ITEMS, rng.randint(3, 5))]
    total = round(sum(price for _, price in items), 2)
    rows = [[item, f"{price:.2f}"] for item, price in items] + [["Total", f"{total:.2f}"]]
    make.render_columns(rows, folder / name)
    return folder / name, total


def _sign(rng: random.Random, folder: Path, name: str) -> tuple[Path, list[str]]:
    lines = [" ".join(rng.sample(WORDS, rng.randint(2, 4))).upper() for _ in range(rng.randint(1, 3))]
    make.render_text(lines, folder / name)
    return folder / name, lines


def _single(rng: random.Random, folder: Path, n: int) -> list[Task]:
    tasks: list[Task] = []
    for i in range(n):
        kind = i % 8
        tid = f"single-{i + 1:02d}"
        if kind == 0:
            pct, base = rng.choice([5, 10, 12, 15, 20, 25]), rng.randint(20, 900)
            tasks.append(Task(tid, "single", f"What is {pct}% of {base}?", Check([pct * base / 100])))
        elif kind == 1:
            miles = rng.randint(2, 60)
            tasks.append(Task(tid, "single", f"Convert {miles} miles to kilometres.", Check([miles * 1.609344])))
        elif kind == 2:
            start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
            days = rng.randint(10, 200)
            answer = (start + dt.timedelta(days=days)).isoformat()
            tasks.append(Task(tid, "single", f"What date is {days} days after {start.isoformat()}?",
                              Check(contains=[answer])))  # fmt: skip
        elif kind == 3:
            path, text = _document(rng, folder, f"{tid}.txt")
            tasks.append(
                Task(tid, "single", "How many words are in this document?", Check([len(text.split())]), [path])
            )
        elif kind == 4:
            path, rows = _sales(rng, folder, f"{tid}.csv")
            limit = rng.choice([50, 100, 150, 200])
            count = sum(1 for _, sales, _ in rows if sales > limit)
            tasks.append(Task(tid, "single", f"How many rows have sales greater than {limit}?", Check([count]), [path]))
        elif kind == 5:
            path, lines = _sign(rng, folder, f"{tid}.png")
            tasks.append(Task(tid, "single", "What does this sign say?", Check(contains=lines[0].split()), [path]))
        elif kind == 6:
            phrase = " ".join(rng.sample(WORDS, 3))
            tasks.append(Task(tid, "single", f'Say "{phrase}" aloud.', Check(audio=True)))
        else:
            path, rows = _sales(rng, folder, f"{tid}.csv")
            mean = sum(staff for _, _, staff in rows) / len(rows)
            tasks.append(Task(tid, "single", "What is the average staff in this table?", Check([mean], tolerance=0.01),
                              [path]))  # fmt: skip
    return tasks


def _chain(rng: random.Random, folder: Path, n: int) -> list[Task]:
    tasks: list[Task] = []
    for i in range(n):
        kind = i % 5
        tid = f"chain-{i + 1:02d}"
        if kind == 0:
            path, lines = _sign(rng, folder, f"{tid}.png")
            words = sum(len(line.split()) for line in lines)
            tasks.append(Task(tid, "chain", "How many words are written on this sign?", Check([words]), [path]))
        elif kind == 1:
            path, total = _receipt(rng, folder, f"{tid}.png")
            tasks.append(Task(tid, "chain", "What is the total on this receipt?", Check([total]), [path]))
        elif kind == 2:
            path, total = _receipt(rng, folder, f"{tid}.png")
            tax = rng.choice([5, 8, 10, 20])
            tasks.append(Task(tid, "chain", f"Read the receipt and give the total with {tax}% tax added.",
                              Check([total * (1 + tax / 100)]), [path]))  # fmt: skip
        elif kind == 3:
            path, _rows = _sales(rng, folder, f"{tid}.csv")
            limit = rng.choice([50, 100, 150, 200])
            tasks.append(Task(tid, "chain", f"Count the rows where sales exceed {limit} and say the number aloud.",
                              Check(audio=True), [path]))  # fmt: skip
        else:
            path, _text = _document(rng, folder, f"{tid}.txt")
            tasks.append(Task(tid, "chain", "Count the lines of this document and read the count out loud.",
                              Check(audio=True), [path]))  # fmt: skip
    return tasks


def _dag(rng: random.Random, folder: Path, n: int) -> list[Task]:
    tasks: list[Task] = []
    for i in range(n):
        kind = i % 3
        tid = f"dag-{i + 1:02d}"
        if kind == 0:
            pct, base = rng.choice([10, 15, 20]), rng.randint(40, 600)
            start, days = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 300)), rng.randint(5, 90)
            later = (start + dt.timedelta(days=days)).isoformat()
            text = f"What is {pct}% of {base}, and what date is {days} days after {start.isoformat()}?"
            tasks.append(Task(tid, "dag", text, Check([pct * base / 100], contains=[later])))
        elif kind == 1:
            path, rows = _sales(rng, folder, f"{tid}.csv")
            miles = rng.randint(3, 40)
            total = sum(sales for _, sales, _ in rows)
            text = f"What is the sum of the sales in this table, and how many kilometres are {miles} miles?"
            tasks.append(Task(tid, "dag", text, Check([total, miles * 1.609344]), [path]))
        else:
            sign, lines = _sign(rng, folder, f"{tid}.png")
            doc, text_body = _document(rng, folder, f"{tid}.txt")
            text = "Read the text on this sign, and count the words of this document."
            tasks.append(Task(tid, "dag", text, Check([len(text_body.split())], contains=lines[0].split()[:1]),
                              [sign, doc]))  # fmt: skip
    return tasks


def make_tasks(folder: Path, *, seed: int = 15, counts: tuple[int, int, int] = (16, 15, 9)) -> list[Task]:
    """The bench's tasks with their inputs written into ``folder`` (40 by default)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    return [*_single(rng, folder, counts[0]), *_chain(rng, folder, counts[1]), *_dag(rng, folder, counts[2])]
