"""Files handed over by name: where a tool finds them, also in a run resumed from another directory.

A step reads a text file's text from the run's state, but a tool parameter that takes a file's name
gets the name as the user wrote it (``tool_request``'s ``files``), read in the working directory.
Resumed from another directory, "notes.txt" named another file there, or none. The directory a name
was written in is recorded with the input (``Artifact.directory``; runs saved before it was recorded
have none and keep the name as written): where it is not the working directory, the tool gets the
file's path in the directory it was written in. A resume that would hand a tool a file no longer
there stops at once, naming the file and the run, instead of failing the step on a missing file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agentnet.errors import UserError
from agentnet.planner.plan import Plan


def _where(path: str, directory: str | None, here: Path) -> str:
    if directory is None or Path(path).is_absolute() or Path(directory) == here:
        return path
    return str(Path(directory) / path)


def handed_files(plan: Plan) -> dict[str, str]:
    """The name of each input handed over from a file -> the file's path as the user wrote it, or, in
    a run resumed from another directory, its path in the directory the name was written in. Read
    when a step runs: one process (the daemon) serves callers in many directories."""
    here = Path.cwd()
    return {item.name: _where(item.path, item.directory, here) for item in plan.inputs if item.path}


def check_handed(run_id: str, plan: Plan, finished: set[str], takes_names: Callable[[str], bool]) -> None:
    """Refuse to resume ``run_id`` when a step still to run hands a file by name to a collaborator that
    takes a file's name (``takes_names(capability)``), and the file is no longer where it was named."""
    files = handed_files(plan)
    for step in plan.steps:
        if step.id in finished or not takes_names(step.capability):
            continue
        for item in step.inputs:
            path = files.get(item.value) if item.kind == "user" and isinstance(item.value, str) else None
            if path is not None and not Path(path).is_file():
                raise UserError(
                    f"run {run_id} reads the file {path} (step {step.id}, {step.capability}), which is no longer there",
                    hint=f"put the file back at {path} and resume again, or start the task anew",
                    code="handed_file_missing",
                )
