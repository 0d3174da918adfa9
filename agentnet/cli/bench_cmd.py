"""``agentnet bench …``: quality measures on benchmark data (TaskBench files).

Each command is a thin wrapper: the measuring code lives in the library layer it measures.
"""

from __future__ import annotations

import typer

bench_app = typer.Typer(help="Measure retrieval and planning quality on benchmark data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


# Commands are added below by the directory (`bench directory`) and planner (`bench taskbench`) areas.
