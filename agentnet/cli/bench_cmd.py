"""``agentnet bench …``: quality measures on benchmark data (TaskBench files).

Each command is a thin wrapper: the measuring code lives in the library layer it measures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

bench_app = typer.Typer(help="Measure retrieval and planning quality on benchmark data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


# Commands are added below by the directory (`bench directory`) and planner (`bench taskbench`) areas.


@bench_app.command("directory")
def bench_directory(
    tools: Annotated[Path, typer.Option("--tools", help="TaskBench tool list (tool_desc.json).")],
    data: Annotated[Path, typer.Option("--data", help="TaskBench samples (JSON lines).")],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line: top1, top3, samples.")] = False,
) -> None:
    """Directory retrieval: is the gold tool first / in the top 3 for each single-tool sample?"""
    import json
    import sys

    from agentnet.directory.quality import evaluate

    result = evaluate(tools, data)
    sys.stdout.write(f"samples: {result.samples}\n")
    sys.stdout.write(f"top-1:   {result.top1:.3f}\n")
    sys.stdout.write(f"top-3:   {result.top3:.3f}\n")
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")
