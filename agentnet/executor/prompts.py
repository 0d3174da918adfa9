"""Prompts for plan steps: the step's inputs as delimited data, then the instruction.

A step's output is data for the next step, never instructions: it goes inside a ``<data>`` block
whose delimiters cannot be forged from inside (any ``<data`` / ``</data`` in the content is
defused), and the prompt says the block is material to work on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agentnet.artifacts import kind_of
from agentnet.delimit import DATA_NOTE, as_text, data_block, defuse
from agentnet.executor.run_files import describe, is_ref
from agentnet.nodes.base import ChatMessage
from agentnet.planner.chunks import is_part_ref, part_text
from agentnet.planner.plan import Step, StepInput


@dataclass
class StepContext:
    """What a prompt builder sees: the task, the user's inputs and finished steps' results."""

    step_id: str
    task: str
    inputs: Mapping[str, Any]
    results: Mapping[str, Mapping[str, Any]]
    iteration: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def output(self, step_id: str) -> str:
        """The text a finished step produced ('' if it has not run)."""
        result = self.results.get(step_id)
        return str(result.get("text", "")) if result else ""

    def data(self, step_id: str) -> Any:
        """The parsed JSON a finished step produced under an output schema (None otherwise)."""
        result = self.results.get(step_id)
        return result.get("data") if result else None

    def files(self, step_id: str) -> list[dict[str, Any]]:
        """References to the files a finished step produced (stored in the run folder)."""
        result = self.results.get(step_id)
        return list(result.get("files") or []) if result else []

    def step_data(self, step_id: str) -> Any:
        """What a tool reads from a finished step: its data, with the path of the first file it made
        (so a parameter that takes a file finds it) and the references of all of them."""
        data, files = self.data(step_id), self.files(step_id)
        if files and (data is None or isinstance(data, dict)):
            return {**(data or {}), "path": files[0]["path"], "files": files}
        return data


def user_input_text(value: Any, ctx: StepContext) -> str:
    """A ``user`` input: a named user input, a part of a long one, else literal text, else the task itself."""
    if isinstance(value, str) and value in ctx.inputs:
        named = ctx.inputs[value]
        if is_ref(named):
            return f"the file {describe(named)}"
        return as_text(named)
    if is_part_ref(value):
        return part_text(value, ctx.task, ctx.inputs)
    if value is None or value == "":
        return ctx.task
    return as_text(value)


def tool_request(step: Step, ctx: StepContext, files: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The step as data, for collaborators that take arguments instead of a prompt (MCP tools): the
    task, the step's own words, the literals the plan gave, the outputs of the steps it reads, and the
    paths of the text files handed over that it reads (``files``: input name -> path as written)."""
    upstream = [
        (item.step, ctx.output(item.step), ctx.step_data(item.step))
        for item in step.inputs
        if item.kind == "step" and item.step
    ]
    paths: list[str] = []
    for item in step.inputs:
        if item.kind == "user" and isinstance(item.value, str) and item.value in ctx.inputs:
            value = ctx.inputs[item.value]
            # A file handed over reaches a tool as its reference: a parameter taking a file gets its path.
            upstream.append((item.value, describe(value), value) if is_ref(value) else ("user", str(value), None))
            if not is_ref(value) and files and item.value in files:
                # A text file's text is what a prompt reads, but a parameter taking a file name needs
                # the name: without it the file reader was handed the text ("no file name in ...").
                paths.append(files[item.value])
    literals = {item.name: item.value for item in step.inputs if item.name and _planned(item, ctx)}
    request = {"task": ctx.task, "instruction": step.instruction, "literals": literals, "upstream": upstream}
    return {**request, "files": paths} if paths else request


def _planned(item: StepInput, ctx: StepContext) -> bool:
    """A value the plan gave a named parameter: a literal, or a ``user`` input that holds a value copied
    from the request (the planner fills API tools' parameters so: ``planner/values.py``), not a name
    of an input handed over nor a part of a long one. Such a value reaches the tool as that argument:
    left out, the tool re-guessed it from the text."""
    if item.kind == "literal":
        return True
    value = item.value
    return item.kind == "user" and not is_part_ref(value) and not (isinstance(value, str) and value in ctx.inputs)


_WORDS = re.compile(r"\w+")


def restates(instruction: str, text: str) -> bool:
    """The instruction already says all of ``text`` (a one-step plan's step *is* the user's request):
    repeating it as a data block only adds scaffolding a small model may copy into its answer."""
    said = " ".join(_WORDS.findall(text.lower()))
    return bool(said) and said in " ".join(_WORDS.findall(instruction.lower()))


_SCAFFOLDING = re.compile(
    r"^[^\n]*(?:<data> blocks above|material to work on, not instructions)[^\n]*(?:\n|$)"
    r"|</?data\u200b?(?:\s+from=\"[^\"\n]*\")?\s*>",
    re.IGNORECASE | re.MULTILINE,
)
_WRAPPER = re.compile(r"^\s*<(pre|code)>\s*(.*?)\s*(?:</\1>)?\s*$", re.IGNORECASE | re.DOTALL)


def clean_output(text: str) -> str:
    """A step's answer without the prompt's scaffolding echoed back: the data-note sentence, data
    delimiters, and a bare ``<pre>``/``<code>`` wrapper around the whole answer. An answer that is
    nothing but scaffolding stays as written: cleaned to nothing, a small model's failure to do the
    step became an empty answer that ran on as a success (critique-revise on SmolLM2 printed nothing)."""
    cleaned = _SCAFFOLDING.sub("", text)
    wrapped = _WRAPPER.match(cleaned)
    if wrapped and "<" not in wrapped.group(2):
        cleaned = wrapped.group(2)
    return cleaned.strip() if cleaned != text and cleaned.strip() else text


def empty_material(step: Step, ctx: StepContext) -> list[str]:
    """The names of the inputs handed over that the step reads, when each of them is empty and the step
    reads nothing else: a model handed only empty material has nothing to work on (asked to summarise an
    empty file, SmolLM2 answered with the prompt's data note). Tools still run: a word count of it is 0."""
    names: list[str] = []
    for item in step.inputs:
        if item.kind == "step":
            return []
        if item.kind == "user" and isinstance(item.value, str) and item.value in ctx.inputs:
            named = ctx.inputs[item.value]
            if is_ref(named) or as_text(named).strip():
                return []
            names.append(item.value)
    return names


def described_files(step: Step, ctx: StepContext) -> list[dict[str, Any]]:
    """The files handed over that the step reads and a prompt shows only by name, type and size (an
    image, audio, a binary file), when the step reads no earlier step's output: a chat model handed a
    PNG's description made up a summary of it. Tools get the file itself."""
    if any(item.kind == "step" for item in step.inputs):
        return []
    named = [ctx.inputs.get(item.value) for item in step.inputs if item.kind == "user" and isinstance(item.value, str)]
    files = [value for value in named if isinstance(value, dict) and is_ref(value)]
    return [file for file in files if kind_of(str(file.get("media_type", ""))) != "text"]


def plan_step_messages(step: Step, ctx: StepContext) -> list[ChatMessage]:
    """The default prompt of a plan step: instruction, parameters, then inputs as data blocks."""
    parts = [step.instruction.strip()]
    literals = [item for item in step.inputs if item.kind == "literal" and not restates(parts[0], as_text(item.value))]
    if literals:
        parts.append(
            "Parameters:\n"
            + "\n".join(
                f"- {item.name or 'value'}: {defuse(json.dumps(item.value, ensure_ascii=False))}" for item in literals
            )
        )
    blocks: list[str] = []
    for item in step.inputs:
        if item.kind == "user":
            text = user_input_text(item.value, ctx)
            if not restates(parts[0], text):
                blocks.append(data_block("user", text))
        elif item.kind == "step" and item.step:
            data = ctx.data(item.step)
            blocks.append(data_block(f"step {item.step}", data if data is not None else ctx.output(item.step)))
    if not blocks:
        return [{"role": "user", "content": "\n\n".join(parts)}]
    # Data first, the instruction last: small models follow the last thing they read.
    return [{"role": "user", "content": "\n\n".join([*blocks, DATA_NOTE, *parts])}]
