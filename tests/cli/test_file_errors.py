"""A file or folder the system refuses ends a command with one message naming the path and the fix,
and the right exit code, never a Python traceback: a folder given where a file belongs, a home under
a file, a run database that cannot be opened. Through the real CLI (a process per command)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

from agentnet.config import embedded_gguf_path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    if home is not None:
        env["AGENTNET_HOME"] = str(home)
    return subprocess.run([AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def test_a_folder_given_as_the_config_file_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    done = cli("models", "add", str(embedded_gguf_path()), "--id", "copy", "--config", str(folder))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{folder} is a folder, where a file was expected" in done.stderr
    assert "hint: give the path of a file" in done.stderr
    assert list(folder.iterdir()) == []


def test_a_home_under_a_file_is_named_with_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file\n")
    done = cli("ask", "--max-tokens", "4", "hi", home=blocker / "home")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "has a file where a folder was expected" in done.stderr and str(blocker) in done.stderr
    assert blocker.read_text() == "a file\n"


def test_a_run_database_that_cannot_be_opened_is_named(agentnet_home: Path) -> None:
    # A folder in the database's place: SQLite cannot open it (as a read-only home would refuse it too).
    (agentnet_home / "runs.sqlite").mkdir()
    done = cli("runs", "list", "--json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"cannot open the run database {agentnet_home / 'runs.sqlite'}" in done.stderr
    assert "it is a folder" in done.stderr
    assert '"code": "runs_db_unwritable"' in done.stdout


def test_a_quoted_passage_too_long_for_a_file_name_is_planned_as_text() -> None:
    # The task reader takes a quoted passage for a possible file name; one past the system's limit on a
    # name (ENAMETOOLONG) is no file, not a failure of the command.
    Path("task.txt").write_text('Summarise "' + "a" * 5000 + '" in one line.\n')
    done = cli("plan", "--no-model", "--json", "--task-file", "task.txt")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["steps"][0]["capability"] == "smollm2"


def test_a_path_past_any_limit_is_named_by_its_ends() -> None:
    from agentnet.cli.file_errors import file_error

    error = file_error(OSError(errno.ENAMETOOLONG, "File name too long", "b" * 200 + "a" * 5000 + "c" * 100))
    assert error is not None and len(error.message) < 400
    assert error.message.startswith("b" * 120 + "…") and "c" * 60 + " (5,300 characters)" in error.message


def test_a_folder_named_like_the_project_config_is_refused_not_skipped(tmp_path: Path) -> None:
    # Skipped, the settings the user meant to apply would silently not be.
    Path("agentnet.yaml").mkdir()
    done = cli("models", "list", "--json")
    assert done.returncode == 2, done.stderr
    assert f"{Path.cwd() / 'agentnet.yaml'} is a folder, where a config file was expected" in done.stderr
    folder = tmp_path / "conf"
    folder.mkdir()
    given = cli("models", "list", "--config", str(folder))
    assert given.returncode == 2 and f"{folder} is a folder, where a config file was expected" in given.stderr


def test_a_fifo_given_or_found_as_the_config_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "conf.yaml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    refused = f"{fifo} is not a regular file (a pipe, a socket or a device): a config is read from a file"
    # Was "config file ... does not exist" (it does).
    done = cli("models", "list", "--config", str(fifo))
    assert done.returncode == 2 and refused in done.stderr and "Traceback" not in done.stderr, done.stderr
    # Was a wait with no end: `models add` reads the file it adds to.
    done = cli("models", "add", str(embedded_gguf_path()), "--id", "copy", "--config", str(fifo))
    assert done.returncode == 2 and f"{fifo} is not a regular file" in done.stderr, done.stderr
    # Found as the project's agentnet.yaml (was skipped without a word) or the user's config.yaml.
    project = Path.cwd() / "agentnet.yaml"
    os.mkfifo(project)
    done = cli("models", "list")
    assert done.returncode == 2 and f"{project} is not a regular file" in done.stderr, done.stderr
    project.unlink()
    home = tmp_path / "home"
    home.mkdir()
    os.mkfifo(home / "config.yaml")
    done = cli("models", "list", home=home)
    assert done.returncode == 2 and f"{home / 'config.yaml'} is not a regular file" in done.stderr, done.stderr
