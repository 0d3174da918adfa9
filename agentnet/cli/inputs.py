"""What the user hands over beside a task: ``--input FILE`` (repeatable, ``-`` for stdin), piped stdin
(``cat report.txt | agentnet run "summarise this"``, as with simonw/llm), ``--task-file``, and files a
task names that exist here (``agentnet run "summarise report.txt"``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agentnet.cli.handoff import stdin_is_piped
from agentnet.errors import UserError

if TYPE_CHECKING:
    from agentnet.artifacts import Artifact

InputOption = Annotated[
    list[str] | None,
    typer.Option(
        "--input",
        "-i",
        help="A file to work on (repeatable); text is read as data, other types are attached. '-' reads stdin.",
    ),
]
TaskFileOption = Annotated[
    Path | None,
    typer.Option("--task-file", help="Read the task from this file (for tasks longer than a command line)."),
]
# Read by cli/handoff.py before the command runs (it decides where the command runs), not by the command.
NoDaemonOption = Annotated[
    bool, typer.Option("--no-daemon", help="Run in this process even when `agentnet daemon` runs.")
]
STDIN_NAME = "stdin"


@dataclass
class Handed:
    """The task and the inputs that came with it: records for the planner, values for the run."""

    task: str
    artifacts: list[Artifact] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Files the task names as its material that are not here (a name a result is saved under is not one).
    missing: list[str] = field(default_factory=list)
    # Names the task asks its result to be saved under ("... and save it as poem.txt"): see output_note.
    outputs: list[str] = field(default_factory=list)

    def file_names(self) -> set[str]:
        """The base names of the files handed over (`-i data/report.csv` carries report.csv)."""
        return {Path(a.path or a.name).name for a in self.artifacts}

    def add(self, artifact: Artifact, text: str | None) -> None:
        from agentnet.artifacts import handed_value, unique

        artifact = unique(artifact, self.values.keys())
        self.artifacts.append(artifact)
        self.values[artifact.name] = handed_value(artifact, text)
        if text is not None:
            self.texts.append(text)


def read_task(words: str | list[str] | None, task_file: Path | None) -> str:
    """The task: its words joined as the shell split them (`agentnet run summarise this: ...` needs no
    quotes, as with `ollama run`), or the --task-file's text."""
    task = " ".join(words) if isinstance(words, list) else words
    if task_file is not None:
        if task:
            raise UserError("give the task as an argument or with --task-file, not both")
        from agentnet.artifacts import read_limited

        # Bounded, and never waiting forever: `--task-file /dev/zero` read until memory ran out.
        data = read_limited(task_file, what="task file", option="--task-file")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(
                f"cannot read the task file {task_file}: {exc}", hint="check the --task-file path"
            ) from None
    return task or ""


def gather(task: str, files: list[str] | None, *, named_in_task: bool, max_bytes: int | None = None) -> Handed:
    """The inputs for ``task``: each ``--input``, piped stdin (once), and with ``named_in_task`` the
    files the task names that exist in the working directory; each at most ``max_bytes`` (default:
    the ``runs.max_artifact_bytes`` default)."""
    from agentnet.artifacts import MAX_ARTIFACT_BYTES, read_bytes, read_file, too_large

    limit = max_bytes or MAX_ARTIFACT_BYTES

    handed = Handed(task=task)
    files = list(files or [])
    if "-" in files or stdin_is_piped():
        data = sys.stdin.buffer.read(limit + 1)  # `cat /dev/zero | agentnet run ...` never ends
        if len(data) > limit:
            raise too_large(STDIN_NAME, None, limit)
        if data or "-" in files:
            handed.add(*read_bytes(STDIN_NAME, data, max_bytes=limit))
    for item in files:
        if item != "-":
            handed.add(*read_file(Path(item), max_bytes=limit))
    if named_in_task:
        _add_named(handed, task, limit)
    return handed


def _add_named(handed: Handed, task: str, limit: int) -> None:
    """The files the task names that exist here are handed over; the names of files that are not here
    make one note."""
    from agentnet.artifacts import read_file
    from agentnet.planner.extract import artifacts, names_an_output

    given = {a.path for a in handed.artifacts}
    missing: list[str] = []
    for mention in artifacts(task):
        path = Path(mention.value)
        if mention.type == "url":
            continue
        found = _exists(path)
        if found == "file" and str(path) not in given:
            handed.add(*read_file(path, max_bytes=limit))
        elif found is None and _file_name(mention.value):
            if names_an_output(task, mention):
                handed.outputs.append(mention.value)
                continue
            missing.append(mention.value)
            # Not the run's end when an --input carries that name (`-i data/report.csv "... report.csv"`).
            if path.name not in handed.file_names():
                handed.missing.append(mention.value)
    if missing:
        # A typo in a file name would otherwise be answered as if the name were the material.
        handed.notes.append(_missing_note(missing))


def unread_notes(handed: Handed, keep: str) -> list[str]:
    """For a command that reads only the files it is given (``ask``): a note for the files its task
    names and was not given (here: pass them with --input; not here: check the name), and for a name
    the answer is to be saved under (``keep``, see output_note)."""
    from agentnet.planner.extract import artifacts, names_an_output

    given = handed.file_names()
    here: list[str] = []
    missing: list[str] = []
    outputs: list[str] = []
    for mention in artifacts(handed.task):
        if mention.type == "url" or not _file_name(mention.value) or Path(mention.value).name in given:
            continue
        found = _exists(Path(mention.value))
        if found == "file":
            here.append(mention.value)
        elif found is None:
            (outputs if names_an_output(handed.task, mention) else missing).append(mention.value)
    notes = []
    if here:
        listed = ", ".join(here[:_LISTED])
        flags = " ".join(f"-i {name}" for name in here[:_LISTED])
        notes.append(f"the question names {listed}, which ask does not read: pass it with {flags}")
    if missing:
        notes.append(_missing_note(missing))
    if outputs:
        notes.append(output_note(outputs, keep))
    return notes


def missing_files(names: list[str]) -> UserError:
    """The error that ends a run whose task names files that are not here: a model given only the name
    made up what the file held ("summarise missing.txt" was answered with a summary)."""
    listed = ", ".join(names[:_LISTED]) + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")
    return UserError(
        f"the task names {listed}, but there is no such file in {Path.cwd()}",
        hint="check the name, or pass the file with --input PATH",
        code="file_not_found",
    )


# How many missing names one note lists: a task naming hundreds of files gets one note, not hundreds.
_LISTED = 5


def _missing_note(names: list[str]) -> str:
    if len(names) == 1:
        return (
            f"the task names {names[0]}, but there is no such file in {Path.cwd()}: "
            "check the name, or pass the file with --input PATH"
        )
    listed = ", ".join(names[:_LISTED]) + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")
    return (
        f"the task names {len(names)} files that are not in {Path.cwd()} ({listed}): "
        "check the names, or pass the files with --input PATH"
    )


def output_note(names: list[str], keep: str) -> str:
    """ "... and save it as poem.txt": the name is where the result should go, not a missing file (it was
    told "no such file"), and no command writes a file of its own accord: say so, and how to keep the
    answer (``keep``: the command that does, with ``{name}`` for the first name)."""
    listed = ", ".join(names[:_LISTED])
    return (
        f"the task asks for {listed} as output, but agentnet writes no files: the answer is printed "
        f"(keep it with `{keep.format(name=names[0])}`)"
    )


def _exists(path: Path) -> str | None:
    """What is at ``path``: "file", "other" (a folder...) or None. A quoted passage the task reader took
    for a name may be no possible path at all (longer than the system allows: ENAMETOOLONG): nothing."""
    try:
        return "file" if path.is_file() else "other" if path.exists() else None
    except OSError:
        return None


def _file_name(value: str) -> bool:
    """``value`` looks like a file name (a known extension, no spaces), not a quoted passage."""
    from agentnet.planner.extract import EXTENSION_TYPE

    suffix = Path(value).suffix.lstrip(".").lower()
    return not any(c.isspace() for c in value) and EXTENSION_TYPE.get(suffix) not in (None, "url")
