"""docs/cli.md's reference is exactly what the real command tree (`agentnet --help`) says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_reference import BEGIN, END, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
AGENTNET = Path(sys.executable).parent / "agentnet"


def test_reference_matches_the_command_tree() -> None:
    text = DOC.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    expected = head + render() + tail
    if os.environ.get("AGENTNET_REGEN_DOCS") == "1":
        DOC.write_text(expected)
    assert text == expected, "docs/cli.md is out of date: run AGENTNET_REGEN_DOCS=1 pytest tests/docs/test_cli_doc.py"


def test_every_documented_command_has_help() -> None:
    """Every documented command answers --help. In-process (typer's CliRunner): one ``agentnet`` process
    per command cost about 3 s of imports each, 150 s in all on CI; the installed entry point itself is
    run once, for the root command, so a broken console script still fails here."""
    from typer.testing import CliRunner

    from agentnet.cli.app import app

    commands = [line[len("### `") : -1] for line in DOC.read_text().splitlines() if line.startswith("### `agentnet")]
    assert "agentnet recipe validate" in commands and "agentnet chat" in commands
    root = subprocess.run([str(AGENTNET), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert root.returncode == 0 and "Usage:" in root.stdout, root.stderr
    runner = CliRunner()
    for command in commands:
        result = runner.invoke(app, [*command.split()[1:], "--help"], env={"NO_COLOR": "1", "COLUMNS": "120"})
        assert result.exit_code == 0, (command, result.output, result.exception)
        assert "Usage:" in result.output, (command, result.output)


def test_every_documented_option_says_what_it_does() -> None:
    # `models test --max-tokens` was listed with an empty meaning: an option the reference cannot explain.
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| `")]
    assert len(rows) > 100
    empty = [row for row in rows if row.rstrip().endswith("|  |")]
    assert not empty, empty


def test_help_lists_each_command_on_one_line_not_at_its_docstrings_breaks() -> None:
    """`agentnet --help` and every group's --help list a command by its docstring's first paragraph, read
    as one line: typer kept the docstring's line breaks, so rows broke mid-sentence ("Piped stdin" / "and
    --input files come first,"). Wide enough, each such paragraph is one unbroken row."""
    import inspect

    import typer
    from typer.testing import CliRunner

    from agentnet.cli.app import app

    root = typer.main.get_command(app)
    groups = [
        ([], root),
        *(([name], sub) for name, sub in getattr(root, "commands", {}).items() if hasattr(sub, "commands")),
    ]
    runner = CliRunner()
    checked = 0
    for path, group in groups:
        output = runner.invoke(app, [*path, "--help"], env={"NO_COLOR": "1", "COLUMNS": "400"}).output
        for name, command in group.commands.items():
            first = inspect.cleandoc(command.help or "").split("\n\n")[0]
            if "\n" in first:
                checked += 1
                row = " ".join(line.strip() for line in first.splitlines())
                assert row in output, (path, name, output)
    assert checked >= 5, checked
