"""``agentnet doctor``: every health check (agentnet's and plugins'), with the fix for each problem."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agentnet.doctor import Finding


def doctor(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file to use instead of ./agentnet.yaml.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {ok, checks: [...]} as JSON.")] = False,
) -> None:
    """Check keys (never printed), endpoints, GGUF files, the directory and the run database; exit 1
    when something is broken, with the fix for each problem."""
    from agentnet.config import load_config
    from agentnet.doctor import config_finding, diagnose
    from agentnet.errors import ConfigError

    try:
        findings = diagnose(load_config(config))
    except ConfigError as exc:
        findings = [config_finding(exc)]
    ok = all(finding.ok for finding in findings)
    if as_json:
        sys.stdout.write(json.dumps({"ok": ok, "checks": [f.to_dict() for f in findings]}, indent=2) + "\n")
    else:
        _show(findings)
    if not ok:
        raise typer.Exit(1)


def _show(findings: list[Finding]) -> None:
    from rich.markup import escape

    from agentnet.cli.render import console

    out = console()
    for finding in findings:
        mark = "[green]ok[/]    " if finding.ok else "[red]broken[/]"
        origin = (
            f" [dim]({escape(finding.plugin)})[/]" if finding.plugin and finding.plugin != "agentnet.doctor" else ""
        )
        out.print(f"{mark} [bold]{escape(finding.name)}[/]{origin}: {escape(finding.detail)}", soft_wrap=True)
        if finding.fix:
            out.print(f"       [yellow]fix[/]: {escape(finding.fix)}", soft_wrap=True)
    broken = sum(not finding.ok for finding in findings)
    out.print("all checks passed" if not broken else f"{broken} of {len(findings)} checks found problems")


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
