"""What a step that got no answer says: every candidate failed (each attempt listed, where to check
the models or peers, how to resume), every candidate refused the request as given, or the request has
no answer (its inputs were empty)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentnet.artifacts import kind_of
from agentnet.errors import RunError, UserError
from agentnet.executor.run_files import describe
from agentnet.executor.steps import StepSpec
from agentnet.wording import plural


def nothing_to_work_on(names: list[str], card_id: str) -> UserError:
    """A model handed only empty inputs (``prompts.empty_material``) would answer from nothing."""
    listed = ", ".join(repr(name) for name in names)
    error = UserError(
        f"{listed} {'is' if len(names) == 1 else 'are'} empty: {card_id!r} has nothing to work on",
        hint="put the text in the file, or name the file that holds it",
        code="empty_input",
    )
    error.conclusive = True  # every other model would answer from nothing too
    return error


# Who reads a file a model cannot: a kind of file -> the bundled collaborator that makes text of it.
_READERS = {"image": "ocr reads the text in an image", "audio": "speech transcribes audio"}


def not_readable(files: list[dict[str, Any]], card_id: str) -> UserError:
    """A model handed files its prompt shows only by name, type and size (``prompts.described_files``):
    it would make up what they hold. Not conclusive: a tool among the step's candidates reads them."""
    shown = ", ".join(describe(file) for file in files)
    kinds = {kind_of(str(file.get("media_type", ""))) for file in files}
    readers = [_READERS[kind] for kind in sorted(kinds) if kind in _READERS]
    ask = f"ask for its text ({'; '.join(readers)}), or " if readers else ""
    return UserError(
        f"{shown} {'is' if len(files) == 1 else 'are'} not text, and {card_id!r} reads text only: it would "
        "answer from the name and size alone",
        hint=f"{ask}hand over the file's text (a .txt, .csv or .json file)",
        code="input_not_text",
    )


def all_failed(
    spec: StepSpec,
    attempts: list[dict[str, Any]],
    resume: str,
    conclusive: UserError | None = None,
    refused: list[UserError] | None = None,
    node_name: Callable[[str], str] = str,
) -> RunError:
    """``node_name(node_id)``: a candidate as the user knows it (a recipe's ``smollm2@sum`` is ``smollm2``)."""
    step_id = spec.shown or spec.id
    names = [node_name(str(a["node_id"])) for a in attempts]
    lines = [f"  {i}. {names[i - 1]} ({a.get('error_code')}): {a.get('error')}" for i, a in enumerate(attempts, 1)]
    if conclusive is not None:
        # The request itself has no answer: the fix is in the request, not in the models.
        return RunError(
            f"step {step_id!r} has no answer:\n" + "\n".join(lines),
            hint=conclusive.hint or "change the request",
            code="step_failed",
        )
    if refused and len(refused) == len(attempts):
        # Every candidate refused the request as given (no text to count, no two texts to compare):
        # no model was down, and resuming would fail the same way.
        return RunError(
            f"step {step_id!r} failed on every candidate ({plural(len(attempts), 'attempt')}):\n" + "\n".join(lines),
            hint=next((error.hint for error in refused if error.hint), None)
            or "change the request: every candidate refused it as given",
            code="step_failed",
        )
    return RunError(
        f"step {step_id!r} failed on every candidate ({plural(len(attempts), 'attempt')}):\n" + "\n".join(lines),
        hint=f"check {where_to_check(names)}, "
        f"{spec.more or 'give the step more alternates or a longer deadline'}, "
        f"then resume the run with `{resume}`",
        code="step_failed",
    )


def where_to_check(node_ids: list[str]) -> str:
    """The command that shows whether the failed candidates can be used: `agentnet models list` shows
    declared models and tools but no peer (``PEER/ID``: an agentnet or A2A agent added with `peers add`),
    whose state `agentnet peers refresh` reads."""
    peers = sorted({node_id.split("/", 1)[0] for node_id in node_ids if "/" in node_id})
    checks = ["those models are up (`agentnet models list`)"] if any("/" not in n for n in node_ids) else []
    if peers:
        named = f"peers {', '.join(peers)} answer" if len(peers) > 1 else f"peer {peers[0]} answers"
        checks.append(f"{named} (`agentnet peers refresh` says which are up)")
    return " and ".join(checks)
