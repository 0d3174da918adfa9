"""Inputs are never lost (issue 13 item 4, issue 12 item 10): --input files, piped stdin, files the
task names, --task-file, and inputs longer than the model's context (split into parts, none cut).
Real CLI, real SmolLM2; prompt token counts in the trace show what reached the model."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.cli.render import clip
from agentnet.planner.chunks import part_text, split_parts
from agentnet.planner.extract import artifacts
from agentnet.planner.material import missing_material

AGENTNET = str(Path(sys.executable).parent / "agentnet")

REPORT = (
    "Bees are flying insects closely related to wasps and ants. They pollinate flowering plants and make honey "
    "from nectar, which they store in wax combs inside the hive through the winter. "
) * 12


def cli(*args: str, stdin: bytes | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([AGENTNET, *args], input=stdin, capture_output=True, timeout=timeout, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


# The embedded model with a longer deadline: a loaded CI machine may take minutes for a long prompt.
PATIENT = """\
models:
  - id: smollm2
    adapter: llamacpp
    path: "embedded:smollm2"
    params: {n_ctx: CTX, deadline_s: 1200, max_tokens: MAX, system_prompt: "You are helpful. Answer concisely."}
    card: {description: Summarise or rewrite a text., skills: [{id: chat, tags: [chat]}]}
"""


def patient(max_tokens: int = 512, n_ctx: int = 2048) -> str:
    return PATIENT.replace("MAX", str(max_tokens)).replace("CTX", str(n_ctx))


def trace(run_id: str) -> dict:
    return json.loads(cli("runs", "show", run_id, "--json").stdout)


def test_parts_cover_the_text_exactly_and_end_at_boundaries() -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "Some words here. " * 40 for i in range(30))
    for parts in (1, 2, 7, 25):
        pieces = split_parts(text, parts)
        assert len(pieces) == parts and "".join(pieces) == text
        assert all(piece.endswith(("\n\n", ". ")) for piece in pieces[:-1])
    ref = {"input": "doc", "start": 5, "part": 2, "parts": 3}
    assert part_text(ref, "", {"doc": text}) == split_parts(text[5:], 3)[1]


@pytest.mark.parametrize(
    ("task", "missing"),
    [
        ("Summarize this article:", "this article"),
        ("Summarize the following text", "the following text"),
        ("Summarize this article: bees make honey from nectar and store it in wax combs for winter.", None),
        # After a colon, a few words are the material too.
        ("summarise this text: bees make honey", None),
        ("Summarize this article:   ", "this article"),
        ("summarise report.txt", None),
        ("Give me three names for a cat", None),
    ],
)
def test_material_the_task_mentions_but_lacks_is_flagged(task: str, missing: str | None) -> None:
    assert missing_material(task, artifacts(task)) == missing


def test_clip_cuts_at_words() -> None:
    assert clip("translate the whole letter to French please", 30) == "translate the whole letter to…"
    assert clip("short", 30) == "short"


@pytest.mark.slow
def test_piped_stdin_and_named_files_reach_the_model(tmp_path: Path) -> None:
    # What reached the model is the point here, not a long answer.
    Path("agentnet.yaml").write_text(patient(max_tokens=24))
    Path("report.txt").write_text(REPORT)
    piped = cli("run", "summarise this", "--json", stdin=REPORT.encode())
    assert piped.returncode == 0, piped.stderr
    run = trace(json.loads(piped.stdout)["run_id"])
    [given] = run["plan"]["inputs"]
    assert given["name"] == "stdin" and given["sha256"] == hashlib.sha256(REPORT.encode()).hexdigest()
    # ~2,300 characters of report: hundreds of prompt tokens, not the ~20 of the bare request.
    assert run["steps"][0]["prompt_tokens"] > 400

    named = cli("run", "summarise report.txt", "--json")
    assert named.returncode == 0, named.stderr
    run = trace(json.loads(named.stdout)["run_id"])
    assert [i["name"] for i in run["plan"]["inputs"]] == ["report.txt"]
    assert run["steps"][0]["prompt_tokens"] > 400

    Path("task.txt").write_text("Summarise this in one sentence.")
    asked = cli("ask", "--task-file", "task.txt", "--input", "report.txt", "--max-tokens", "16")
    assert asked.returncode == 0, asked.stderr
    prompt_tokens = int(asked.stderr.split(":", 1)[1].split("prompt")[0])
    assert prompt_tokens > 400, asked.stderr


def test_a_file_the_task_names_that_is_not_here_is_flagged() -> None:
    # A mistyped file name would otherwise be answered as if the name itself were the material.
    Path("report.txt").write_text(REPORT)
    done = cli("plan", "--no-model", "compare report.txt with reprot.txt", "--json")
    assert done.returncode == 0, done.stderr
    notes = json.loads(done.stdout)["notes"]
    assert [n for n in notes if "no such file" in n] == [
        f"the task names reprot.txt, but there is no such file in {Path.cwd()}: check the name, or pass the file "
        "with --input PATH"
    ]


def test_many_files_the_task_names_that_are_not_here_are_one_note() -> None:
    names = [f"notes{i}.txt" for i in range(300)]
    done = cli("plan", "--no-model", "summarize " + " ".join(names), "--json")
    assert done.returncode == 0, done.stderr
    notes = [n for n in json.loads(done.stdout)["notes"] if "not in" in n or "no such file" in n]
    assert notes == [
        f"the task names 300 files that are not in {Path.cwd()} (notes0.txt, notes1.txt, notes2.txt, notes3.txt, "
        "notes4.txt and 295 more): check the names, or pass the files with --input PATH"
    ]


def test_plan_for_a_118_kb_task_uses_all_of_it(tmp_path: Path) -> None:
    body = "\n\n".join(f"Section {i}. " + "The hive was busy with bees making honey. " * 60 for i in range(45))
    assert len(body) > 110_000
    task = "Summarize the following text:\n" + body
    Path("task.txt").write_text(task)
    done = cli("plan", "--no-model", "--task-file", "task.txt", "--json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    parts = [s for s in plan["steps"] if s["id"].startswith("p")]
    assert len(parts) > 10 and any("split into" in note for note in plan["notes"])
    [ref] = [i["value"] for i in parts[0]["inputs"] if isinstance(i["value"], dict)]
    assert task[ref["start"] :] == "".join(part_text({**ref, "part": i}, task, {}) for i in range(1, len(parts) + 1))
    assert parts[0]["instruction"] == "Summarize the following text"
    finals = [s for s in plan["steps"] if not any(s["id"] in str(o["inputs"]) for o in plan["steps"])]
    assert len(finals) == 1 and finals[0]["id"].startswith("c")


@pytest.mark.slow
def test_an_input_longer_than_the_context_runs_in_parts_then_combined() -> None:
    # The split counts on 512 tokens for the final answer whatever the model's max_tokens (inputs.py),
    # and each part answers in up to 256: the combined answer need not run to 512 for the test.
    # A 1,280-token window (the least that still combines two parts' answers in one step) splits a
    # text two thirds as long as a 2,048-token one needs: less for the model to read, the same split.
    Path("agentnet.yaml").write_text(patient(max_tokens=64, n_ctx=1280))
    long_text = REPORT * 2  # ~4,400 characters: by agentnet's cautious count, two 1,280-token windows
    Path("long.txt").write_text(long_text)
    done = cli("run", "summarise this", "--input", "long.txt", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["answer"].strip() and any("split into" in note for note in result["notes"])
    run = trace(result["run_id"])
    steps = {s["id"]: s for s in run["steps"]}
    parts = [sid for sid in steps if sid.startswith("p")]
    assert len(parts) >= 2 and all(steps[sid]["status"] == "succeeded" for sid in steps)
    assert any(sid.startswith("c") for sid in steps)
    # Every part reached the model: together they carry the whole input (~4 characters a token here).
    assert sum(steps[sid]["prompt_tokens"] for sid in parts) > len(long_text) / 6
