"""Inputs handed over beside a task (``--input FILE``, stdin, files the task names), wired into a plan:
steps read them by name at run time, and a one-step plan whose material is longer than its model's
context window is split into parts (chunks.py) rather than cut."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard, normalize_type
from agentnet.planner import chunks
from agentnet.planner.extract import Artifact
from agentnet.planner.material import split_request
from agentnet.planner.plan import Plan, Step, StepInput

if TYPE_CHECKING:
    from agentnet.artifacts import Artifact as InputArtifact

# What a model's final answer may take when a long input is split (the adapters' default max_tokens).
FINAL_REPLY_TOKENS = 512


def with_inputs(found: list[Artifact], inputs: Sequence[InputArtifact], end: int) -> list[Artifact]:
    """The task's own artifacts plus the inputs handed over; a file the task names and the user
    handed over is that input (read by name), not a literal file name."""
    # By name, or by the path the user wrote: "docs/plan.txt" in the task is the input named plan.txt.
    names = {item.name: item.name for item in inputs}
    names.update({item.path: item.name for item in inputs if item.path and item.path not in names})
    mentioned: dict[str, int] = {}
    for artifact in found:
        if artifact.value in names:
            mentioned.setdefault(names[artifact.value], artifact.start)
    kept = [a for a in found if a.value not in names]
    given = [
        Artifact(item.name, item.kind, mentioned.get(item.name, end + i), named=True) for i, item in enumerate(inputs)
    ]
    return sorted([*kept, *given], key=lambda a: a.start)


def whole_request(step: Step, task: str, supplied: list[Artifact]) -> None:
    """One collaborator does the whole job: it gets the request as the user wrote it, prompted as
    plainly as `agentnet ask` would (a clause of it as data only repeats it), plus every input. A
    parameter's value read from the request (``planner.values``: "Berlin" for ``city``) stays: it is
    an argument, not the clause again."""
    clause, step.instruction = step.instruction, task.strip()
    named = [a for a in supplied if a.named]
    names = {a.value for a in named}
    step.inputs = [
        item
        for item in step.inputs
        if item.kind != "user" or item.value in names or (item.name is not None and item.value != clause)
    ]
    for item in step.inputs:
        # A parameter left with its clause has no value (the executor reads the instruction so); the
        # clause has its quoted passages masked, so as the old clause it read as a value ("Find the
        # *.txt files in the folder the quoted text" was sent as a glob pattern).
        if item.kind == "literal" and item.value == clause:
            item.value = step.instruction
    wired = {item.value for item in step.inputs if item.kind == "user"}
    step.inputs += [StepInput(kind="user", value=a.value, type=a.type) for a in named if a.value not in wired]


def fit_context(plan: Plan, cards: dict[str, CapabilityCard], inputs: Sequence[InputArtifact], limit: int) -> int:
    """Split a one-step plan whose material is longer than its model's context window into parts
    done separately, then combined (nothing is cut). Returns the step limit the plan may now use."""
    step = plan.steps[0]
    card = cards.get(step.capability)
    context = card.context_length if card is not None else None
    if card is None or not context:
        return limit
    texts = [a for a in inputs if a.kind == "text" and any(i.kind == "user" and i.value == a.name for i in step.inputs)]
    needed = chunks.estimate_tokens(len(step.instruction) + sum(a.size for a in texts))
    if needed + FINAL_REPLY_TOKENS + chunks.PROMPT_OVERHEAD_TOKENS <= context:
        return limit
    if texts:
        biggest = max(texts, key=lambda a: a.size)
        material: dict[str, Any] = {"input": biggest.name, "start": 0}
        chars = biggest.size
    else:
        offset = split_request(plan.task)
        if offset is None:
            plan.notes.append(
                f"the task is ~{needed:,} tokens, more than {card.id} takes ({context:,}), and has no "
                "'request: text' shape to split it by; pass the text with --input FILE instead"
            )
            return limit
        step.instruction = plan.task[:offset].strip(" :\n")
        material = {"input": None, "start": offset}
        chars = len(plan.task) - offset
    if chunks.parts_needed(chars + len(step.instruction), context, chunks.PART_REPLY_TOKENS) == 1:
        return limit  # it fits, with a shorter answer: the model gets what is left of its window
    steps = chunks.split_step(step, material, chars, context, FINAL_REPLY_TOKENS)
    if steps is None:
        plan.notes.append(f"{card.id} has too small a context window ({context:,} tokens) to take this input")
        return limit
    parts = sum(1 for s in steps if s.id.startswith("p"))
    plan.notes.append(
        f"the input (~{chunks.estimate_tokens(chars):,} tokens) is longer than {card.id}'s context window "
        f"({context:,} tokens): split into {parts} parts, each done on its own, then combined in "
        f"{len(steps) - parts} step{'s' if len(steps) - parts != 1 else ''}"
    )
    plan.steps = steps
    return max(limit, len(steps))


# Media subtypes and extensions that say only "text": no format a collaborator could declare it reads.
_PLAIN = {"plain", "txt", "text"}


def formats(inputs: Sequence[InputArtifact]) -> set[str]:
    """The formats of the inputs handed over: media subtype and extension ("csv" for people.csv,
    "json" for application/json), lower-cased; plain text has none."""
    found: set[str] = set()
    for item in inputs:
        found.add(item.media_type.split("/", 1)[-1].split(";", 1)[0].strip().lower())
        found.add(PurePath(item.name).suffix.lstrip(".").lower())
    return found - _PLAIN - {""}


def declares(card: CapabilityCard, kinds: set[str]) -> bool:
    """The card says it reads one of these formats: as an input type, or a tag of it or of a skill."""
    said = {*card.input_types, *card.tags, *(tag for skill in card.skills for tag in skill.tags)}
    return bool(kinds & {normalize_type(word) for word in said})


def lift_format_readers(
    inputs: Sequence[InputArtifact], cards: list[CapabilityCard], sims: list[list[float]], bar: float
) -> set[int]:
    """A clause whose best match (of every collaborator, the chat model included) declares the format of
    an input handed over asks for that collaborator: its score is raised to ``bar``. A table file's type
    is text, so the rule that plans an image's reader never fired for it, and "How many people live in
    Lyon?" with people.csv (the table query's 0.21, the best of the row but under every bar) went to the
    chat model, which guessed. "Summarise this" with the same file still goes to the chat model: it is
    the best match there. Returns the indices of the cards lifted."""
    kinds = formats(inputs)
    lifted: set[int] = set()
    for row in sims if kinds else []:
        top = max(range(len(row)), key=row.__getitem__)
        if row[top] < bar and declares(cards[top], kinds):
            row[top] = bar
            lifted.add(top)
    return lifted
