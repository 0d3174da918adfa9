"""Plan memory's bound (``max_tasks``) forgets learned examples before the runs the user rated, and
embeds only what it will keep. Real sqlite file, real MiniLM embedder."""

from __future__ import annotations

from pathlib import Path

from agentnet.planner.memory import PlanMemory, Remembered
from agentnet.planner.memory_bounds import MAX_TASK_CHARS


def tasks(memory: PlanMemory) -> list[tuple[str, str]]:
    return [(entry["source"], entry["task"]) for entry in memory.entries()]


def test_a_big_learned_file_never_pushes_out_rated_runs(tmp_path: Path) -> None:
    memory = PlanMemory(tmp_path / "memory.sqlite", max_tasks=4)
    memory.remember_all([Remembered(f"Add {n} and 3", ["calculator"]) for n in (1, 2)], "rated")
    count = memory.remember_all([Remembered(f"Summarize text number {n}", ["Summarizer"]) for n in range(5)], "learned")
    assert count == 5  # every usable example was taken; the bound then kept the newest that fit
    assert tasks(memory) == [
        ("rated", "Add 1 and 3"),
        ("rated", "Add 2 and 3"),
        ("learned", "Summarize text number 3"),
        ("learned", "Summarize text number 4"),
    ]
    # Rated runs go only when nothing else is left: the oldest of them then.
    memory.remember_all([Remembered(f"Add {n} and 3", ["calculator"]) for n in (3, 4, 5)], "rated")
    assert tasks(memory) == [("rated", f"Add {n} and 3") for n in (2, 3, 4, 5)]
    assert memory.stats()["phrases"] == 0 and len(memory) == 4
    memory.close()


def test_only_what_the_bound_keeps_is_embedded(tmp_path: Path, embedded_texts: list[str]) -> None:
    embedded = embedded_texts
    memory = PlanMemory(tmp_path / "memory.sqlite", max_tasks=3)
    memory.remember_all([Remembered("Add 1 and 3", ["calculator"])], "rated")
    embedded.clear()
    examples = [Remembered(f"Summarize text number {n}", ["Summarizer"], [f"sum up text {n}"]) for n in range(6)]
    assert memory.remember_all(examples, "learned") == 6
    assert embedded == ["Summarize text number 4", "Summarize text number 5", "sum up text 4", "sum up text 5"]
    assert [task for _, task in tasks(memory)] == ["Add 1 and 3", "Summarize text number 4", "Summarize text number 5"]
    assert memory.stats()["phrases"] == 2
    # Memory full of rated runs: a learned file is taken (and counted) but nothing of it is embedded or kept.
    memory.remember_all([Remembered(f"Add {n} and 3", ["calculator"]) for n in (2, 3)], "rated")
    embedded.clear()
    assert memory.remember_all(examples, "learned") == 6
    assert embedded == [] and [source for source, _ in tasks(memory)] == ["rated"] * 3
    memory.close()


def test_a_remembered_request_is_bounded(tmp_path: Path) -> None:
    huge = "Summarize this report: '" + "Sales rose in the north. " * 120_000 + "'"
    memory = PlanMemory(tmp_path / "memory.sqlite")
    assert memory.remember_all([Remembered(huge, ["Summarizer"]), Remembered("Add 1 and 3", ["calculator"])], "x") == 2
    stored = [entry["task"] for entry in memory.entries()]
    assert stored == [huge[:MAX_TASK_CHARS], "Add 1 and 3"] and MAX_TASK_CHARS == 20000
    # The stored start still finds it: the vector is made from the same first characters as before.
    assert memory.similar(huge, k=1)[0]["score"] > 0.99
    memory.close()
