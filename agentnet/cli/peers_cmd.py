"""``agentnet peers add|list|remove|refresh``: other agentnet servers as collaborators.

Peer records live in ``$AGENTNET_HOME/peers.yaml``; a running ``agentnet serve`` picks changes up
by itself. The cards are also mirrored into the local directory when it can be opened for writing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from agentnet.cli.help_group import HelpGroup
from agentnet.wording import plural

peers_app = typer.Typer(cls=HelpGroup, help="Federate with other agentnet servers (their skills become collaborators).",
                        no_args_is_help=True)  # fmt: skip

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(peers_app, name="peers")


def _mirror(config: Path | None, removed: list[str] | None = None) -> str:
    """Copy peer cards into the directory; a message when that cannot happen now (never fatal)."""
    from agentnet.config import load_config
    from agentnet.errors import AgentnetError
    from agentnet.federation.peers import Peers, sync_directory

    try:
        from agentnet.directory.store import Directory

        settings = load_config(config).directory
        with Directory.from_settings(settings, lock_timeout_s=2.0) as directory:
            totals = sync_directory(directory, Peers().list(), removed or [])
    except AgentnetError as exc:
        return f"directory not updated now ({exc.message}); a running `agentnet serve` updates it itself"
    return f"directory: {plural(totals.get('changed', 0), 'card')} added or changed, {totals.get('removed', 0)} removed"


@peers_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The peer's base URL, e.g. http://127.0.0.1:8001")],
    token_env: Annotated[
        str | None, typer.Option("--token-env", help="Environment variable holding the peer's bearer token.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Local name for the peer (default: from its agent card).")] = None,
    config: ConfigOption = None,
) -> None:
    """Read a peer's agent card and register its skills as remote collaborators."""
    from rich.markup import escape

    from agentnet.cli.render import console
    from agentnet.federation.peers import Peers, token_warning

    record = Peers().add(url, token_env=token_env, name=name)
    warning = token_warning(record)
    if warning:
        sys.stderr.write(f"warning: {warning}\n")
    out = console()
    out.print(f"peer [bold]{escape(record.name)}[/] at {escape(record.url)}: {plural(len(record.cards), 'card')}")
    for card in record.cards:
        out.print(f"  {escape(card.id)}  [dim]{escape(card.description[:80])}[/]")
    out.print(_mirror(config))


@peers_app.command("list")
def list_peers(as_json: Annotated[bool, typer.Option("--json", help="Print the records as JSON.")] = False) -> None:
    """List peers, whether they were reachable at the last refresh, and their cards."""
    from agentnet.federation.peers import Peers

    peers = Peers().list()
    if as_json:
        sys.stdout.write(json.dumps([p.model_dump(mode="json") for p in peers], indent=2) + "\n")
        return
    from rich.table import Table

    from agentnet.cli.render import cells, console

    if not peers:
        console().print("no peers; add one with `agentnet peers add URL`")
        return
    table = Table(show_edge=False, header_style="bold")
    for column in ("name", "url", "status", "cards", "refreshed", "token env"):
        table.add_column(column)
    for peer in peers:
        status = "up" if peer.available else f"down: {peer.last_error or '?'}"
        table.add_row(
            *cells(peer.name, peer.url, status, len(peer.cards), peer.refreshed_at or "-", peer.token_env or "-")
        )
    console().print(table)


@peers_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="Peer name.")], config: ConfigOption = None) -> None:
    """Forget a peer and remove its cards from the directory."""
    from agentnet.cli.render import console
    from agentnet.federation.peers import Peers

    record = Peers().remove(name)
    console().print(f"removed peer {record.name} ({plural(len(record.cards), 'card')})")
    console().print(_mirror(config, removed=[record.name]))


@peers_app.command("refresh")
def refresh(
    name: Annotated[str | None, typer.Argument(help="Refresh only this peer.")] = None,
    config: ConfigOption = None,
) -> None:
    """Re-read peers' agent cards; a peer that is down keeps its cards, marked unavailable."""
    from rich.markup import escape

    from agentnet.cli.render import console
    from agentnet.federation.peers import Peers

    out = console()
    for result in Peers().refresh(name):
        if result.available:
            out.print(f"{escape(result.name)}: up, {plural(result.cards, 'card')}")
        else:
            out.print(
                f"{escape(result.name)}: [yellow]down[/] ({escape(result.error or '')}); "
                f"{plural(result.cards, 'card')} marked unavailable"
            )
    out.print(_mirror(config))
