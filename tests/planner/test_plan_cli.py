"""`agentnet plan` and `agentnet bench taskbench` as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from agentnet.planner.plan import Plan

AGENTNET = str(Path(sys.executable).parent / "agentnet")
DATA = Path(__file__).parent / "data"


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, *args], capture_output=True, text=True, timeout=timeout, env=os.environ.copy(), check=False
    )


def test_plan_json_with_a_tool_file() -> None:
    task = "Please fetch the article at https://example.org/news and then translate it into English."
    result = run("plan", task, "--tools", str(DATA / "tools_resource.json"), "--json", "--no-model")
    assert result.returncode == 0, result.stderr
    plan = Plan.model_validate_json(result.stdout)
    assert [s.capability for s in plan.steps] == ["Page_Fetcher", "Translator"] or [
        s.capability for s in plan.steps
    ] == ["Page Fetcher", "Translator"]
    assert plan.steps[1].depends_on == [plan.steps[0].id]
    assert "planned in" in result.stderr
    # Unquoted, as a shell splits it (`agentnet plan fetch the article ...`): the words are the same task.
    words = run("plan", *task.split(), "--tools", str(DATA / "tools_resource.json"), "--json", "--no-model")
    assert words.returncode == 0, words.stderr
    assert Plan.model_validate_json(words.stdout).task == plan.task


def test_plan_table_and_mermaid_with_the_embedded_default() -> None:
    task = "I have a photo holiday.jpg. Can you upscale it and then describe what it shows?"
    result = run("plan", task, "--tools", str(DATA / "tools_resource.json"), "--local-only")
    assert result.returncode == 0, result.stderr
    assert "Image Upscaler" in result.stdout and "Photo Captioner" in result.stdout
    assert "flowchart TD" in result.stdout and "s_s1 --> s_s2" in result.stdout
    assert "planned in" in result.stderr


def test_plan_on_a_fresh_home_uses_the_declared_models() -> None:
    # Run as `agentnet plan` is, reporting what it imported: a fresh home's directory was never indexed,
    # so chromadb is not needed to know it is empty.
    argv = ["agentnet", "plan", "Summarize this text: 'the meeting moved to Friday'", "--json", "--no-daemon"]
    probe = (
        f"import sys\nsys.argv = {argv!r}\nfrom agentnet.cli.app import main\ntry:\n    main()\nfinally:\n"
        "    sys.stderr.write('LOADED=' + ','.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert Plan.model_validate_json(result.stdout).steps[0].capability == "smollm2"
    loaded = result.stderr.split("LOADED=")[1].split(",")
    assert "chromadb" not in loaded, loaded
    assert not (Path(os.environ["AGENTNET_HOME"]) / "directory").exists()  # a plan writes no directory


def test_plan_learn_then_unservable_task_fails_clearly() -> None:
    learned = run("plan", "--learn", str(DATA / "samples_resource.jsonl"))
    assert learned.returncode == 0, learned.stderr
    assert "learned 5 example plans" in learned.stderr
    # Fitted for the configured directory (a fresh home's declared models): none of these tools is there.
    assert (
        "0 of the 5 remembered tasks use only this directory's tools: too few solved tasks to fit (0 < 8): "
        "zero-shot\n" in learned.stderr
    )
    refused = run("plan", "Bake me a chocolate cake with three layers", "--tools", str(DATA / "tools_resource.json"))
    assert refused.returncode == 2
    assert "nothing in the directory can serve" in refused.stderr and "hint" in refused.stderr
    assert "Traceback" not in refused.stderr
    missing = run("plan", "x", "--tools", str(DATA / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_memory_stats_says_a_directory_with_too_few_solved_tasks_was_not_fitted() -> None:
    """Below ``learning.MIN_EXAMPLES`` nothing is cross-validated (the fit is zero-shot plus reuse of
    near-duplicates): `memory stats` says so, and shows no F1 it never measured."""
    tools = str(DATA / "tools_resource.json")
    learned = run("plan", "--learn", str(DATA / "samples_resource.jsonl"), "--tools", tools)
    assert learned.returncode == 0, learned.stderr
    expected = "too few solved tasks to fit (4 < 8): zero-shot, near-duplicates reused"
    assert f"4 of the 5 remembered tasks use only this directory's tools: {expected}" in learned.stderr
    stats = run("memory", "stats")
    assert stats.returncode == 0, stats.stderr
    shown = " ".join(stats.stdout.split())
    assert f": {expected}" in shown and "F1" not in shown and "t 0.0" not in shown, shown
    # The JSON says the same: not fitted, why, and no scores (null, not zeros read as measured).
    stats = run("memory", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    (fit,) = json.loads(stats.stdout)["fits"]
    assert fit["fitted"] is False and fit["reason"] == expected and fit["examples"] == 4, fit
    scores = ("f1", "zero_shot_f1", "e_f1", "zero_shot_e_f1", "t", "links_t")
    assert {key: fit[key] for key in scores} == dict.fromkeys(scores), fit


def test_bench_taskbench_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = run(
        "bench", "taskbench",
        "--tools", str(DATA / "tools_resource.json"),
        "--data", str(DATA / "samples_resource.jsonl"),
        "--train", str(DATA / "samples_resource.jsonl"),
        "--limit", "5", "--out", str(out), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["samples"] == 5 and set(summary) >= {"n_f1", "e_f1", "single", "chain", "dag"}
    assert summary["n_f1"] > 50
    assert "chain" in result.stdout and "n-F1" in result.stdout
    # The default role is planner.consult's: the embedded model is not asked (and never loaded).
    assert summary["mode"] == "off" and "planner model role: off" in result.stdout
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 5 and {"id", "task_nodes", "task_links"} <= set(lines[0])
    chain = next(line for line in lines if line["id"] == "r2")
    assert chain["task_nodes"][1]["arguments"] == ["<node-0>"]


def test_bench_taskbench_api_tools() -> None:
    result = run(
        "bench", "taskbench", "--tools", str(DATA / "tools_api.json"), "--data", str(DATA / "samples_api.jsonl"),
        "--mode", "off", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["samples"] == 2 and summary["n_f1"] == 100
    # API tools have no data types: the chain's link comes from the step order (task_links).
    assert summary["chain"]["e_f1"] == 100


def test_bench_taskbench_terse_api_tools_plan_whole_chains() -> None:
    """Thirty everyday API tools with one-line descriptions score low against any wording; the
    planner must still find each requested step and link the chain (10 hand-written requests)."""
    result = run(
        "bench", "taskbench",
        "--tools", str(DATA / "tools_api_daily.json"), "--data", str(DATA / "samples_api_daily.jsonl"),
        "--mode", "off", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["samples"] == 10
    assert summary["n_f1"] > 75 and summary["chain"]["e_f1"] > 60


def test_a_rated_run_changes_the_next_plan_and_forgetting_restores_it() -> None:
    """`agentnet runs rate ID good` teaches plan memory a run's plan: a similar task is then planned
    like it (by `agentnet plan`, which plans with memory by default); `agentnet memory` shows it,
    and forgetting it restores the zero-shot plan. In-process (typer's CliRunner): five commands."""
    from typer.testing import CliRunner

    from agentnet.cli.app import app
    from agentnet.directory.importers import load_cards
    from agentnet.directory.inmemory import InMemorySource
    from agentnet.executor.run_db import open_run_store
    from agentnet.planner.planner import Planner
    from agentnet.planner.tuning import PlannerTuning

    tools = str(DATA / "tools_resource.json")
    task = "Please describe what my photo beach.jpg shows."

    def cli(*args: str) -> Any:
        return CliRunner().invoke(app, list(args))

    def planned() -> list[str]:
        result = cli("plan", task, "--tools", tools, "--json", "--no-model")
        assert result.exit_code == 0, result.output
        return [step.capability for step in Plan.model_validate_json(result.stdout).steps]

    planner = Planner(InMemorySource(load_cards(DATA / "tools_resource.json")), None, PlannerTuning(model_mode="off"))
    zero_shot = [step.capability for step in planner.plan(task).steps]
    solved = planner.plan("Upscale the photo beach.jpg, then describe what it shows.")
    solved.task = "Describe what the photo beach.jpg shows."
    store = open_run_store()
    try:
        store.start_run("rated-1", solved.task, solved.model_dump(mode="json"), {})
        store.set_status("rated-1", "succeeded", answer="a beach")
    finally:
        store.close()

    rated = cli("runs", "rate", "rated-1", "good")
    assert rated.exit_code == 0 and "rated run rated-1 good" in rated.stderr, rated.output
    assert planned() == [step.capability for step in solved.steps] != zero_shot
    shown = json.loads(cli("memory", "show", "--json").stdout)
    assert [(e["source"], e["rating"], e["task"]) for e in shown] == [("rated", 1, solved.task)]

    forgot = cli("memory", "forget", "--run", "rated-1")
    assert forgot.exit_code == 0 and "forgot 1 task (0 remembered)" in forgot.stderr, forgot.output
    assert planned() == zero_shot


def test_plan_learn_fits_now_so_the_next_plan_does_not(monkeypatch: Any) -> None:
    """`agentnet plan --learn FILE` fits plan memory for the directory the plan would use (--tools) right
    after learning and says what it trusts; the next plan reuses the kept fit. When memory changes by a
    tenth otherwise (here written directly, as `runs rate` or another process would), `memory stats`
    says the fit is stale and the plan that refits says so before the wait. In-process (CliRunner)."""
    from typer.testing import CliRunner

    from agentnet.cli.app import app
    from agentnet.directory.importers import load_cards
    from agentnet.planner import learning
    from agentnet.planner.memory import PlanMemory, Remembered

    tools = str(DATA / "tools_api_daily.json")
    fits: list[int] = []
    fit = learning.fit
    monkeypatch.setattr(learning, "fit", lambda *args: fits.append(1) or fit(*args))

    def cli(*args: str) -> Any:
        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result

    learned = cli("plan", "--learn", str(DATA / "samples_api_daily.jsonl"), "--tools", tools)
    assert "learned 10 example plans" in learned.stderr
    assert "fitting the planner to 10 solved tasks (once; later plans reuse it)" in learned.stderr
    assert "fitted the planner to 10 solved tasks for this directory in " in learned.stderr, learned.stderr
    assert "trusted" in learned.stderr.splitlines()[-1] and fits == [1]
    memory = PlanMemory()
    try:
        kept = memory.fitted(learning.fingerprint(load_cards(DATA / "tools_api_daily.json")))
        assert kept is not None and kept[0] == memory.version() and kept[1]["examples"] == 10
    finally:
        memory.close()

    task = "What is the weather going to be in Rome tomorrow?"
    planned = cli("plan", task, "--tools", tools, "--json", "--no-model")
    assert "fitting" not in planned.stderr and fits == [1], planned.stderr
    assert "memory changed since" not in cli("memory", "stats").stdout
    (kept_fit,) = json.loads(cli("memory", "stats", "--json").stdout)["fits"]
    assert kept_fit["fitted"] is True and "reason" not in kept_fit and isinstance(kept_fit["f1"], float), kept_fit

    memory = PlanMemory()
    try:
        memory.remember_all([Remembered("Wake me at seven tomorrow.", ["set_alarm"])], source="rated")
    finally:
        memory.close()
    assert "memory changed since (10 tasks then): refitted at the next plan" in " ".join(
        cli("memory", "stats").stdout.split()
    )
    refitted = cli("plan", task, "--tools", tools, "--json", "--no-model")
    assert "fitting the planner to 11 solved tasks (once; later plans reuse it)" in refitted.stderr, refitted.stderr
    assert fits == [1, 1]


def test_a_learned_task_is_planned_as_solved_where_no_specialist_matches(tmp_path: Path) -> None:
    """A remembered near-duplicate is reused before the general-model rule: learned as a dates task, "Tell
    me how long ago the Roman empire fell" still went to SmolLM2 ("no specialist matched"), since that rule
    answered before memory was asked. Forgetting restores the general model. Default network, in-process."""
    from typer.testing import CliRunner

    from agentnet.cli.app import app

    task = "Tell me how long ago the Roman empire fell"

    def planned(text: str) -> list[str]:
        result = CliRunner().invoke(app, ["plan", text, "--json", "--no-model"])
        assert result.exit_code == 0, result.output
        return [step.capability for step in Plan.model_validate_json(result.stdout).steps]

    zero_shot = planned(task)
    assert zero_shot == ["smollm2"]
    examples = tmp_path / "dates.jsonl"
    examples.write_text(json.dumps({"instruction": task, "task_nodes": [{"task": "dates"}]}) + "\n")
    learned = CliRunner().invoke(app, ["plan", "--learn", str(examples)])
    assert learned.exit_code == 0, learned.output
    assert planned(task) == planned("tell me how long ago the roman empire fell?") == ["dates"]
    forgot = CliRunner().invoke(app, ["memory", "forget", "--source", "learned"])
    assert forgot.exit_code == 0, forgot.output
    assert planned(task) == zero_shot


def test_a_run_rated_bad_is_not_planned_again_for_the_same_task() -> None:
    """Rated bad, a run's plan (the word counter for "Explain how counting sheep helps sleep") was planned
    again for the same request: the prior that weighs bad ratings needs a fit of 8 solved tasks. Now the
    specialists of a near-duplicate rated bad are not asked again; forgetting the rating restores them.
    Default network, in-process CLI."""
    from typer.testing import CliRunner

    from agentnet.cli.app import app
    from agentnet.executor.run_db import open_run_store

    task = "Explain how counting sheep helps sleep"

    def cli(*args: str) -> Any:
        return CliRunner().invoke(app, list(args))

    def planned(text: str) -> list[str]:
        result = cli("plan", text, "--json", "--no-model")
        assert result.exit_code == 0, result.output
        return [step.capability for step in Plan.model_validate_json(result.stdout).steps]

    first = cli("plan", task, "--json", "--no-model")
    assert [s.capability for s in Plan.model_validate_json(first.stdout).steps] == ["text-statistics"]
    store = open_run_store()
    try:
        store.start_run("counted", task, json.loads(first.stdout), {})
        store.set_status("counted", "failed")
    finally:
        store.close()
    rated = cli("runs", "rate", "counted", "bad")
    assert rated.exit_code == 0, rated.output
    assert planned(task) == planned("explain how counting sheep helps sleep!") == ["smollm2"]
    assert planned("count the words of this: one two three") == ["text-statistics"]
    assert cli("memory", "forget", "--run", "counted").exit_code == 0
    assert planned(task) == ["text-statistics"]
