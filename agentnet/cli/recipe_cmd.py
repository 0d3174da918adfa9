"""``agentnet recipe …``: validate, run, draw, list recipes and print their JSON Schema.

Engines (langgraph, the nodes) are imported inside the commands so ``agentnet --help`` stays fast.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.cli.limits import AllowDestructiveOption, RecursionLimitOption, with_destructive, with_recursion_limit
from agentnet.cli.render import resumable, with_run_id
from agentnet.errors import ConfigError, NotFoundError, RunStoreError, UserError
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.executor.events import StepEvent
    from agentnet.recipes.program import RecipeProgram, RecipeResult
    from agentnet.recipes.validate import Checked

recipe_app = typer.Typer(
    cls=HelpGroup,
    help="Recipe YAML workflows: validate, run, draw, list, schema.",
    no_args_is_help=True,
    add_completion=False,
)

FileArg = Annotated[str, typer.Argument(help="A recipe file, or the name of one in `agentnet recipe list`.")]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]


def find_recipe(name_or_path: str) -> Path:
    """A path as given, else ``NAME.yaml`` in the shipped or user recipe folders."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name_or_path) or ".." in name_or_path:
        _not_a_file(path)
        # A name is looked up inside the recipe folders only: '../x' must not reach files beside them.
        raise NotFoundError(
            f"no recipe file {name_or_path!r}, and it is not a recipe name (letters, digits, '.', '-', '_')",
            hint="give a path to an existing .yaml file, or a name from `agentnet recipe list`",
        )
    from agentnet.recipes.files import recipe_dirs

    for folder in recipe_dirs():
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{name_or_path}{suffix}"
            if candidate.is_file():
                return candidate
    _not_a_file(path)
    raise NotFoundError(
        f"no recipe file or named recipe {name_or_path!r}",
        hint="give a path to a .yaml file, or a name from `agentnet recipe list`",
    )


def _not_a_file(path: Path) -> None:
    """Refuse a path that exists but is no regular file (a folder, a FIFO, a device), saying so:
    'no recipe file' sent the user looking for a file that was there."""
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a recipe file", hint=f"give a .yaml file in it: ls {path}")
    if path.exists():
        raise UserError(
            f"{path} is not a regular file (a pipe, a socket or a device): a recipe is read from a file",
            hint="save the recipe to a .yaml file and give its path",
        )


def _registry(config: Path | None, *, allow_destructive: bool = False) -> Any:
    """The models, tools and saved peers' cards a recipe may name: what ``recipe run`` (a ``Network``)
    sees, so ``validate``, ``graph`` and ``resume`` accept a ``model: PEER/ID`` that ``run`` runs."""
    from agentnet.config import load_config
    from agentnet.federation.peers import attach_saved
    from agentnet.nodes.registry import NodeRegistry

    registry = NodeRegistry(with_destructive(load_config(config), allow_destructive))
    attach_saved(registry)
    return registry


@recipe_app.command("validate")
def validate(file: FileArg, config: ConfigOpt = None) -> None:
    """Check a recipe without running anything: every problem with file:line:column (exit 2)."""
    from agentnet.recipes.program import check_recipe

    path = find_recipe(file)
    checked: Checked | None
    try:
        checked = check_recipe(path, _registry(config).cards())
    except ConfigError as exc:  # unreadable YAML: one problem, already positioned
        checked = None
        problems = [exc.message]
    else:
        problems = checked.problems
    if checked is not None and checked.ok and checked.recipe is not None:
        typer.echo(f"ok: {path} (recipe {checked.recipe.name!r}, {plural(len(checked.recipe.steps), 'step')})")
        return
    sys.stderr.write(f"{path}: {plural(len(problems), 'problem')}\n")
    for problem in problems:
        sys.stderr.write(f"  {problem}\n")
    raise typer.Exit(2)


def _parse_inputs(items: list[str]) -> dict[str, str]:
    inputs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--input {item!r} is not KEY=VALUE", hint='write --input text="some text"')
        inputs[key.strip()] = value
    return inputs


@recipe_app.command("run")
def run(
    file: FileArg,
    inputs: Annotated[
        list[str] | None, typer.Option("--input", "-i", help="An input as KEY=VALUE (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (run id, status, output).")] = False,
    config: ConfigOpt = None,
    recursion_limit: RecursionLimitOption = None,
    allow_destructive: AllowDestructiveOption = False,
) -> None:
    """Run a recipe: progress on stderr, the output on stdout."""
    from agentnet.config import load_config
    from agentnet.network import Network
    from agentnet.recipes.program import RecipeProgram

    net = Network(with_destructive(with_recursion_limit(load_config(config), recursion_limit), allow_destructive))
    program = RecipeProgram.load(find_recipe(file), nodes=net.registry)
    values = _parse_inputs(inputs or [])
    program.bind(values)  # refuse missing/unknown inputs before anything starts
    if program.uses_requirements():
        # Requirements are resolved through the capability directory, which is released before models run.
        program.candidates.directory = net.directory
        try:
            program.resolve()
        finally:
            net.release_directory()

    from agentnet.executor.runner import new_run_id

    run_id = new_run_id()
    with resumable(run_id, f"agentnet recipe resume {run_id}"):
        result = program.run(
            values, run_id=run_id, on_event=None if as_json else _Progress(program), budgets=net.config.budgets
        )
    _report(result, as_json)


@recipe_app.command("resume")
def resume(
    run_id: Annotated[
        str, typer.Argument(help="The id of an interrupted or failed recipe run (`agentnet runs list`).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (run id, status, output).")] = False,
    config: ConfigOpt = None,
    recursion_limit: RecursionLimitOption = None,
    allow_destructive: AllowDestructiveOption = False,
) -> None:
    """Continue a recipe run from its last checkpoint; finished steps are not run again."""
    registry = _registry(config, allow_destructive=allow_destructive)
    resume_recipe_run(run_id, as_json=as_json, registry=registry, recursion_limit=recursion_limit)


def resume_recipe_run(run_id: str, *, as_json: bool, registry: Any, recursion_limit: int | None = None) -> None:
    """Shared by ``agentnet recipe resume`` and ``agentnet run --resume`` (which accepts any run id);
    ``recursion_limit`` replaces the one the run started with."""
    from agentnet.recipes.program import RecipeProgram

    program = RecipeProgram.for_run(run_id, nodes=registry)
    with resumable(run_id, f"agentnet recipe resume {run_id}"):
        result = program.resume(
            run_id, on_event=None if as_json else _Progress(program), recursion_limit=recursion_limit
        )
    _report(result, as_json)


class _Progress:
    """Progress lines on stderr in the recipe's words: its step ids and model names, a loop's rounds
    counted (the executor's inner step ids and per-step model variants stay internal)."""

    def __init__(self, program: RecipeProgram) -> None:
        self.model_of = program.candidates.model_of
        self.rounds: dict[str, int] = {}
        # Steps whose next start is a fallback to another candidate: the same round, not a new one.
        self.falling: set[str] = set()

    def __call__(self, event: StepEvent) -> None:
        from agentnet.recipes.graph import step_label
        from agentnet.recipes.runtime import PASS_THROUGH

        if event.event == "token" or event.node == PASS_THROUGH:
            return
        step = step_label(event.step)
        if event.event == "started":
            if event.step in self.falling:
                self.falling.discard(event.step)
            else:
                self.rounds[event.step] = self.rounds.get(event.step, 0) + 1
            again = f", round {self.rounds[event.step]}" if self.rounds[event.step] > 1 else ""
            sys.stderr.write(f"  > {step} on {self.model_of(event.node or '')}{again}\n")
        elif event.event == "finished":
            sys.stderr.write(f"  ✓ {step}: {plural(event.tokens or 0, 'token')}, {event.latency_s or 0:.1f} s\n")
        elif event.event == "failed":
            sys.stderr.write(f"  ✗ {step}: {event.error}\n")
        elif event.event == "fell_back":
            self.falling.add(event.step)
            moved = f"{self.model_of(event.node or '')} -> {self.model_of(event.to_node or '')}"
            sys.stderr.write(f"  ↪ {step}: {moved} ({event.reason})\n")
        sys.stderr.flush()


def _report(result: RecipeResult, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        if not result.ok:
            raise typer.Exit(1)
        return
    if isinstance(result.error, RunStoreError):  # the database went away: resuming needs the run's id
        raise with_run_id(result.error, result.run_id, f"agentnet recipe resume {result.run_id}")
    if result.error is not None:
        raise result.error
    typer.echo(result.output or "")
    calls = result.calls()
    tokens = sum(int(c.get("prompt_tokens", 0)) + int(c.get("completion_tokens", 0)) for c in calls)
    sys.stderr.write(
        f"[run {result.run_id}: {plural(len(calls), 'model call')}, {plural(tokens, 'token')};"
        f" `agentnet runs show {result.run_id}`]\n"
    )


def _dot(graph: Any) -> str:
    lines = ["digraph recipe {", "  rankdir=TB;", '  node [shape=box, style=rounded, fontname="Helvetica"];']
    for node_id, node in graph.nodes.items():
        models = (node.metadata or {}).get("model")
        label = f' [label="{node_id}\\n{", ".join(models)}"]' if models else ""
        lines.append(f'  "{node_id}"{label};')
    for edge in graph.edges:
        style = " [style=dashed]" if edge.conditional else ""
        lines.append(f'  "{edge.source}" -> "{edge.target}"{style};')
    lines.append("}")
    return "\n".join(lines)


@recipe_app.command("graph")
def graph(
    file: FileArg,
    image: Annotated[
        Path | None, typer.Option("--image", help="Also render an image (.png/.svg) with graphviz `dot`.")
    ] = None,
    dot: Annotated[Path | None, typer.Option("--dot", help="Also write the graph in graphviz DOT format.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Print the compiled LangGraph graph of a recipe as mermaid, each step naming its model."""
    from agentnet.recipes.program import RecipeProgram

    program = RecipeProgram.load(find_recipe(file), nodes=_registry(config))
    drawable = program.drawable()
    typer.echo(drawable.draw_mermaid())
    dot_text = _dot(drawable)
    if dot is not None:
        dot.write_text(dot_text + "\n", encoding="utf-8")
        sys.stderr.write(f"wrote {dot}\n")
    if image is not None:
        binary = shutil.which("dot")
        if binary is None:
            raise UserError(
                "graphviz `dot` is not installed, so no image can be drawn",
                hint="install graphviz (e.g. apt-get install graphviz), or use --dot FILE / the mermaid text",
            )
        fmt = image.suffix.lstrip(".") or "png"
        subprocess.run([binary, f"-T{fmt}", "-o", str(image)], input=dot_text, text=True, check=True, timeout=60)
        sys.stderr.write(f"wrote {image}\n")


@recipe_app.command("list")
def list_recipes(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    config: ConfigOpt = None,
) -> None:
    """The recipes shipped in recipes/ and those in $AGENTNET_HOME/recipes."""
    from agentnet.recipes.files import recipe_dirs
    from agentnet.recipes.validate import check_file

    cards = _registry(config).cards()
    rows: list[dict[str, Any]] = []
    for folder in recipe_dirs():
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                checked = check_file(path, cards)
            except ConfigError as exc:
                rows.append({"name": path.stem, "path": str(path), "valid": False, "description": exc.message})
                continue
            recipe = checked.recipe
            rows.append(
                {
                    "name": recipe.name if recipe else path.stem,
                    "path": str(path),
                    "valid": checked.ok,
                    "description": recipe.description if recipe else plural(len(checked.problems), "problem"),
                    "inputs": list(recipe.inputs) if recipe else [],
                }
            )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    from rich.table import Table

    from agentnet.cli.render import cells, console

    table = Table("name", "inputs", "description", "path", box=None)
    for row in rows:
        shown = cells(row["name"], ", ".join(row.get("inputs", [])), row["description"], row["path"])
        if not row["valid"]:
            # Appended as styled text: markup in a cell is shown as written (cells never read markup).
            shown[0].append(" (invalid)", style="red")
        table.add_row(*shown)
    console().print(table)


@recipe_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of recipe files (for editors and linters)."""
    from agentnet.recipes.schema import recipe_json_schema

    typer.echo(json.dumps(recipe_json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(recipe_app, name="recipe")
