"""``agentnet directory list|show|search|import|remove|reindex``: the capability directory.

Listing and searching first sync the configured models' cards into the directory (only changed
cards are embedded); when they are already in it, the directory is opened read-only and nothing is
written. chromadb and the embedder are imported inside the commands only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.directory.query import Candidate
    from agentnet.directory.store import Directory

directory_app = typer.Typer(cls=HelpGroup, help="Search and manage the capability directory.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def register(app: typer.Typer) -> None:
    app.add_typer(directory_app, name="directory")


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr (stdout stays clean for --json)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from agentnet.cli.render import err_console

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def _open(config_path: Path | None, sync: bool = True, rebuild: bool = False) -> Iterator[Directory]:
    """Open the configured directory; reading commands (sync=True) first sync the configured models."""
    from agentnet.config import load_config
    from agentnet.directory.store import Directory

    config = load_config(config_path)
    if sync:
        directory = _for_reading(config)
    else:
        directory = Directory.from_settings(config.directory, lock_timeout_s=10.0, rebuild=rebuild)
    with directory:
        yield directory


def _for_reading(config: Any) -> Directory:
    """The directory with the configured models' cards in it: opened read-only when they already are
    (a read-only open writes nothing, a writable one rewrites chroma's files), else opened to write and
    synced. If another process is writing the embedded directory, it is still shown, read-only, with a
    note that the configured models were not synced."""
    from agentnet.directory.store import Directory
    from agentnet.directory.sync import in_step, sync_models
    from agentnet.errors import DirectoryError
    from agentnet.nodes.registry import NodeRegistry

    cards = NodeRegistry(config).cards()
    if not Directory.never_indexed(config.directory):
        reader = Directory.from_settings(config.directory, readonly=True)
        if in_step(reader, cards):
            return reader
        reader.close()
    try:
        directory = Directory.from_settings(config.directory, lock_timeout_s=2.0)
    except DirectoryError as exc:
        if exc.code != "directory_locked":
            raise
        from rich.markup import escape

        from agentnet.cli.render import err_console

        err_console().print(f"[yellow]note[/]: {escape(exc.message)}; showing it without syncing the configured models")
        return Directory.from_settings(config.directory, readonly=True)
    try:
        with _progress("indexing model cards") as progress:
            sync_models(directory, cards, progress=progress)
    except BaseException:
        directory.close()
        raise
    return directory


@directory_app.command("list")
def list_cards(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List every card in the directory (configured models, tools, imported capabilities)."""
    with _open(config) as directory:
        cards = directory.cards()
    if as_json:
        sys.stdout.write(json.dumps([c.model_dump(mode="json") for c in cards], indent=2) + "\n")
        return
    from rich.table import Table

    from agentnet.cli.render import cells, console

    table = Table(show_edge=False, header_style="bold", title=plural(len(cards), "card"))
    table.add_column("id", no_wrap=True)
    for column in ("provider", "locality", "in -> out", "skills", "description"):
        table.add_column(column, overflow="fold")
    for card in cards:
        table.add_row(
            *cells(
                card.id,
                card.provider,
                card.locality + (", data leaves host" if card.data_leaves_host else ""),
                f"{','.join(card.input_types)} -> {','.join(card.output_types)}",
                ", ".join(s.id for s in card.skills) or "-",
                card.description[:80],
            )
        )
    console().print(table)


@directory_app.command("show")
def show(card_id: Annotated[str, typer.Argument(help="Card id.")], config: ConfigOption = None) -> None:
    """Print one card as JSON."""
    from agentnet.errors import NotFoundError

    with _open(config) as directory:
        card = directory.get(card_id)
    if card is None:
        raise NotFoundError(f"no card {card_id!r} in the directory", hint="`agentnet directory list` shows the ids")
    sys.stdout.write(card.model_dump_json(indent=2) + "\n")


@directory_app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="What the collaborator should do.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=100, help="How many candidates.")] = 5,
    local_only: Annotated[bool, typer.Option("--local-only", help="Only models running on this host.")] = False,
    keep_on_host: Annotated[bool, typer.Option("--keep-on-host", help="Only where data stays on host.")] = False,
    input_type: Annotated[str | None, typer.Option("--input", help="Must accept this type.")] = None,
    output_type: Annotated[str | None, typer.Option("--output", help="Must produce this type.")] = None,
    max_cost: Annotated[float | None, typer.Option("--max-cost", min=0, help="Max USD per 1k tokens.")] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank the directory's cards for a task, with scores and why each matched."""
    from agentnet.directory.query import SearchFilters

    filters = SearchFilters(
        local_only=local_only,
        keep_data_on_host=keep_on_host,
        input_type=input_type,
        output_type=output_type,
        max_cost=max_cost,
    )
    with _open(config) as directory:
        found = directory.search(text, k=k, filters=filters)
    if as_json:
        sys.stdout.write(json.dumps([c.model_dump(mode="json") for c in found], indent=2) + "\n")
        return
    from rich.table import Table

    from agentnet.cli.render import cells, console

    if not found:
        active = filters.describe()
        console().print("no card matches" + (f" (filters: {', '.join(active)})" if active else ""))
        return
    # The ranking score is relative to this search's best hit (the top one is always near 1), so the
    # table shows what is absolute: how similar each card is to the request (the keyword part is
    # relative too; "why" names the matched words).
    table = Table(show_edge=False, header_style="bold")
    for column in ("#", "card", "skill", "similarity"):
        table.add_column(column, no_wrap=True)
    table.add_column("why", overflow="fold")
    for rank, cand in enumerate(found, start=1):
        table.add_row(
            *cells(
                str(rank),
                cand.card_id,
                cand.skill_id or "-",
                f"{cand.score_parts.get('semantic', 0):.2f}",
                cand.why,
            )
        )
    console().print(table)
    _say_if_unclear(found)


def _say_if_unclear(found: list[Candidate]) -> None:
    """Say so when no card clearly offers what was asked (the planner's own bar for a clear match)."""
    from agentnet.cli.render import console
    from agentnet.planner.tuning import PlannerTuning

    bar = PlannerTuning().threshold
    best = max(c.score_parts.get("semantic", 0.0) for c in found)
    if best < bar:
        console().print(
            f"no card clearly offers this: the best similarity is {best:.2f}, under the {bar:.2f} the planner"
            " takes as a clear match; these are the nearest cards",
            soft_wrap=True,
        )


@directory_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="agentnet card YAML/JSON, A2A agent card or tool list.")],
    fmt: Annotated[
        str, typer.Option("--format", help="auto, agentnet, a2a, tools, or a format a plugin adds.")
    ] = "auto",
    config: ConfigOption = None,
) -> None:
    """Import cards from a file (existing ids are updated)."""
    from agentnet.directory.importers import load_cards

    cards = load_cards(path, fmt)
    with _open(config, sync=False) as directory, _progress(f"indexing {path.name}") as progress:
        changed = directory.register_many(cards, progress=progress)
    sys.stdout.write(f"imported {plural(len(cards), 'card')} from {path} ({changed} new or changed)\n")


@directory_app.command("remove")
def remove(card_id: Annotated[str, typer.Argument(help="Card id.")], config: ConfigOption = None) -> None:
    """Delete a card (a configured model comes back at the next sync while it stays in the config)."""
    with _open(config, sync=False) as directory:
        directory.remove(card_id)
    sys.stdout.write(f"removed {card_id}\n")


@directory_app.command("reindex")
def reindex(config: ConfigOption = None) -> None:
    """Re-embed every card (after upgrading agentnet's indexing, or changing the embedder)."""
    # Not synced first: a directory indexed with another embedder takes no new card until re-embedded.
    with _open(config, sync=False, rebuild=True) as directory, _progress("re-embedding") as progress:
        count = directory.reindex(progress=progress)
    sys.stdout.write(f"re-indexed {plural(count, 'card')}\n")
