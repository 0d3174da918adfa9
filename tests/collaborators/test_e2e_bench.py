"""The end-to-end bench (agentnet/evals/e2e*.py): its generated tasks, its answer checks, its command,
and one real task through the network. The full bench is `agentnet bench e2e` (bench/e2e/run.py)."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

from agentnet.evals.e2e import TIERS, run_network
from agentnet.evals.e2e_tasks import Task, make_tasks

AGENTNET = Path(sys.executable).parent / "agentnet"


def _right_answer(task: Task) -> str:
    return " ".join([*(f"{n:.4f}" for n in task.check.numbers), *task.check.contains])


def _wrong_answer(task: Task) -> str:
    if task.check.numbers:
        return " ".join([*(f"{n + 1000:.4f}" for n in task.check.numbers), *task.check.contains])
    return " ".join(word[::-1] + "x" for word in task.check.contains)


def _wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(b"\0\0" * 1600)
    return path


def test_tasks_span_three_tiers_with_real_inputs_and_checks_that_bite(tmp_path: Path) -> None:
    tasks = make_tasks(tmp_path / "inputs")
    assert len(tasks) >= 40 and len({task.id for task in tasks}) == len(tasks)
    assert {task.tier for task in tasks} == set(TIERS)
    assert all(sum(task.tier == tier for task in tasks) >= 5 for tier in TIERS)
    assert [task.task for task in make_tasks(tmp_path / "again")] == [task.task for task in tasks]  # seeded
    audio = _wav(tmp_path / "spoken.wav")
    for task in tasks:
        assert all(path.is_file() and path.stat().st_size > 0 for path in task.inputs), task.id
        files = [audio] if task.check.audio else []
        assert task.check.passes(_right_answer(task), files), task.id
        assert not task.check.passes(_wrong_answer(task), []), task.id
    counted = next(task for task in tasks if task.task == "How many words are in this document?")
    assert counted.check.numbers == [len(counted.inputs[0].read_text().split())]


def test_bench_e2e_command_has_help() -> None:
    result = subprocess.run([str(AGENTNET), "bench", "e2e", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--limit" in result.stdout and "--json" in result.stdout


def test_a_single_tier_task_runs_through_the_network(tmp_path: Path) -> None:
    from agentnet.network import Network

    task = next(t for t in make_tasks(tmp_path) if t.task == "How many words are in this document?")
    with Network() as net:
        outcome = run_network(net, task)
    assert outcome.error is None, outcome.error
    assert outcome.ok, (outcome.answer, task.check.numbers)
    assert outcome.steps >= 1
