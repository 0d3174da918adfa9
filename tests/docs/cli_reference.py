"""Render the CLI reference (docs/cli.md's generated part) from the real command tree."""

from __future__ import annotations

from typing import Any

import typer

from agentnet.cli.app import app

BEGIN = "<!-- generated from `agentnet --help`: do not edit by hand -->"
END = "<!-- end of generated reference -->"


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _subcommands(command: Any) -> list[str]:
    return list(command.list_commands(command.context_class(command)))


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    # typer vendors its own click, so commands are recognised by what they do, not their class.
    found = [(path, command)]
    if _is_group(command):
        ctx = command.context_class(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found += _walk(sub, [*path, name])
    return found


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _param(param: Any) -> tuple[str, str]:
    if param.param_type_name == "argument":
        name = (param.name or "").upper()
        return f"`{name}`" + ("" if param.required else " (optional)"), _one_line(getattr(param, "help", ""))
    names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
    extra: list[str] = []
    if param.required:
        extra.append("required")
    return names, _one_line(param.help) + (f" ({', '.join(extra)})" if extra else "")


def render() -> str:
    root: Any = typer.main.get_command(app)
    lines = [BEGIN, ""]
    for path, command in _walk(root, ["agentnet"]):
        params = [p for p in command.params if p.name != "help"]
        if _is_group(command) and len(path) == 1:
            continue
        lines.append(f"### `{' '.join(path)}`")
        lines.append("")
        lines.append(_one_line(command.help).split(". ")[0].rstrip(".") + ".")
        lines.append("")
        if _is_group(command):
            subs = ", ".join(f"`{name}`" for name in _subcommands(command))
            lines += [f"Commands: {subs}.", ""]
            continue
        if params:
            lines += ["| argument / option | meaning |", "|---|---|"]
            for param in params:
                name, meaning = _param(param)
                lines.append(f"| {name} | {meaning} |")
            lines.append("")
    lines.append(END)
    return "\n".join(lines)
