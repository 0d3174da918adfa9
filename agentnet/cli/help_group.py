"""The command group every ``agentnet`` Typer app uses: one paragraph per command in help listings.

typer's Rich help lists each command by the first paragraph of its docstring, keeping the docstring's
line breaks (``rich_utils._make_command_help`` joins them in markdown mode only). Our docstrings wrap at
the code's line length, so ``agentnet --help`` printed ragged rows, broken mid-sentence. A command's
``short_help`` is what the listing reads first: it is set here to that paragraph as one line, unless the
command set its own. A command's own ``--help`` is typer's as before.
"""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperGroup


def listing_line(help_text: str | None) -> str | None:
    """A docstring's first paragraph as one line (``\\b`` paragraphs, click's "keep my line breaks",
    and empty help are left to typer)."""
    if not help_text:
        return None
    first = inspect.cleandoc(help_text).split("\n\n")[0]
    if first.startswith("\b"):
        return None
    return " ".join(line.strip() for line in first.splitlines())


class HelpGroup(TyperGroup):
    """A TyperGroup whose help lists each command on its own paragraph, as one line."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.short_help is None:
            line = listing_line(command.help)
            if line is not None:
                command.short_help = line
        return command
