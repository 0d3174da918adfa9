"""``agentnet bench …``: quality measures on benchmark data (TaskBench files).

Each command is a thin wrapper over ``agentnet.evals``, where everything that exists only to measure
lives (the product never imports it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.wording import plural

bench_app = typer.Typer(
    cls=HelpGroup, help="Measure retrieval and planning quality on benchmark data.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


@bench_app.command("directory")
def bench_directory(
    tools: Annotated[Path, typer.Option("--tools", help="TaskBench tool list (tool_desc.json).")],
    data: Annotated[Path, typer.Option("--data", help="TaskBench samples (JSON lines).")],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line: top1, top3, samples.")] = False,
) -> None:
    """Directory retrieval: is the gold tool first / in the top 3 for each single-tool sample?"""
    import json
    import sys

    from agentnet.evals.retrieval import evaluate

    result = evaluate(tools, data)
    sys.stdout.write(f"samples: {result.samples}\n")
    sys.stdout.write(f"top-1:   {result.top1:.3f}\n")
    sys.stdout.write(f"top-3:   {result.top3:.3f}\n")
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")


@bench_app.command("taskbench")
def bench_taskbench(
    tools: Annotated[Path, typer.Option("--tools", help="TaskBench tool list (either format).")],
    data: Annotated[Path, typer.Option("--data", help="TaskBench samples to plan (JSON lines).")],
    train: Annotated[
        Path | None, typer.Option("--train", help="TaskBench samples to learn from first (plan memory).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Plan only the first N samples.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write predictions (TaskBench format) here.")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Planner model id (default: smollm2).")] = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="Model role: auto (default: as planner.consult, the embedded model is not asked), assist, "
            "decompose, or off.",
        ),
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line: n_f1, e_f1, samples.")] = False,
) -> None:
    """Planning quality: plan each instruction (no execution), node F1 and edge F1 as TaskBench scores them."""
    import json
    import sys

    from agentnet.evals.taskbench import run_files

    result = run_files(tools, data, train=train, limit=limit, model_id=model, mode=mode)
    summary = result.summary()
    sys.stdout.write(f"samples: {summary['samples']}   seconds/sample: {summary['s_per_sample']:.3f}\n")
    sys.stdout.write(f"{'type':<8}{'n':>6}{'n-F1':>9}{'e-F1':>9}\n")
    for kind in ("all", "single", "chain", "dag"):
        part = summary if kind == "all" else summary[kind]
        sys.stdout.write(f"{kind:<8}{part['samples']:>6}{part['n_f1']:>9.2f}{part['e_f1']:>9.2f}\n")
    if "p_f1" in summary:
        sys.stdout.write(f"arguments: parameter-name F1 {summary['p_f1']:.2f}, value F1 {summary['v_f1']:.2f}\n")
    sys.stdout.write(f"plans by source: {summary['plan_sources']}   planner model role: {summary['mode']}\n")
    if out is not None:
        with out.open("w", encoding="utf-8") as handle:
            for prediction in result.predictions:
                handle.write(json.dumps(prediction, ensure_ascii=False) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")


@bench_app.command("e2e")
def bench_e2e(
    folder: Annotated[
        Path | None, typer.Option("--inputs", help="Where to write the generated inputs (default: a temporary folder).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Run only the first N tasks.")] = None,
    single: Annotated[bool, typer.Option("--single/--no-single", help="Also run SmolLM2 alone on each task.")] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="End with one JSON line: network, single, tiers, ratio.")
    ] = False,
) -> None:
    """End to end: generated tasks (images, CSV, text) run by the planned network and by SmolLM2 alone."""
    import json
    import sys
    import tempfile

    from agentnet.evals.e2e import format_report, run_bench

    with tempfile.TemporaryDirectory(prefix="agentnet-e2e-") as scratch:
        report = run_bench(folder or Path(scratch), limit=limit, single=single)
    for outcome in report.network:
        mark = "ok  " if outcome.ok else "FAIL"
        shown = " ".join((outcome.error or outcome.answer).split())[:90]
        steps = plural(outcome.steps, "step")
        sys.stdout.write(f"{mark} {outcome.task.id:<10} {steps} {outcome.seconds:6.1f}s  {shown}\n")
    for line in format_report(report):
        sys.stdout.write(line + "\n")
    if as_json:
        sys.stdout.write(json.dumps(report.summary()) + "\n")
