"""Binding a recipe's declared inputs to the values a run was given.

A ``text`` input is its value. An ``image``, ``audio`` or ``file`` input is the path of a file: it is
read when the run starts (relative to the working directory; a default, relative to the recipe),
checked against the declared type, and bound as its artifact record, which the run then copies into
its folder by content hash. A value of the wrong kind is refused before anything runs, with the
place of the declaration in the recipe file and the fix.

A ``file`` input that holds text (a .txt, .csv, .json: ``kind_of`` its media type is ``text``) is
read as a plan run reads a text file handed over: a prompt gets its text, a tool its text as its
material and the file's path (where the user named it) for a parameter that takes a file's name.
Only its description reached them, so the word counter counted "notes.txt (text/plain, 47 bytes)"
and the table tool found a table with only a header row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agentnet.artifacts import MAX_ARTIFACT_BYTES, kind_of, read_file
from agentnet.errors import UserError
from agentnet.executor.budget import estimate_tokens
from agentnet.executor.run_files import describe, is_ref
from agentnet.recipes.runtime import Room
from agentnet.recipes.schema import InputSpec, Recipe
from agentnet.recipes.template import scan

_EXAMPLE = {"image": "sign.png", "audio": "speech.wav", "file": "data.csv"}


def bind_inputs(
    recipe: Recipe,
    given: Mapping[str, Any],
    *,
    source: str,
    places: Mapping[str, str],
    max_bytes: int = MAX_ARTIFACT_BYTES,
) -> dict[str, Any]:
    """The inputs with defaults filled in and files read, each at most ``max_bytes``; unknown, missing
    or mistyped inputs are a ``UserError`` (``places`` maps an input's name to its ``file:line:column``
    in the recipe)."""
    declared = recipe.inputs
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise UserError(
            f"recipe {recipe.name!r} has no input {', '.join(map(repr, unknown))} "
            f"(inputs: {', '.join(declared) or 'none'})",
            hint="pass --input NAME=VALUE for the declared inputs only",
        )
    bound: dict[str, Any] = {}
    missing = []
    base = Path(source).parent if source != "<recipe>" else Path.cwd()
    for name, spec in declared.items():
        if name in given:
            bound[name] = _bind(name, spec, given[name], Path.cwd(), places.get(name, source), max_bytes)
        elif spec.default is not None:
            place = places.get(name, source)
            if spec.type != "text":
                _beside(name, spec.default, base, place)
            bound[name] = _bind(name, spec, spec.default, base, place, max_bytes)
        else:
            missing.append(name)
    if missing:
        raise UserError(
            f"recipe {recipe.name!r} needs input {', '.join(map(repr, missing))}",
            hint="pass " + " ".join(f"--input {name}={_EXAMPLE.get(declared[name].type, '...')}" for name in missing),
        )
    return bound


def _bind(name: str, spec: InputSpec, value: Any, base: Path, place: str, max_bytes: int) -> Any:
    if spec.type == "text":
        return value if isinstance(value, str) else str(value)
    if is_ref(value):
        return value  # already a file record (a resumed run's inputs)
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise UserError(
            f"input {name!r} (declared at {place}, type: {spec.type}) must be the path of a file; {value!r} is not one",
            hint=f"pass --input {name}={_EXAMPLE[spec.type]} with a file that exists",
            code="recipe_input_invalid",
        )
    artifact, _ = read_file(path, name=path.name, max_bytes=max_bytes)
    if spec.type != "file" and artifact.kind != spec.type:
        raise UserError(
            f"input {name!r} (declared at {place}) takes {_a(spec.type)} file; {value} is {artifact.media_type}",
            hint=f"pass {_a(spec.type)} file (--input {name}={_EXAMPLE[spec.type]}), "
            f"or declare `type: file` at {place} to take any file",
            code="recipe_input_invalid",
        )
    return artifact.model_dump(mode="json")


def _beside(name: str, default: str, base: Path, place: str) -> None:
    """A file input's default must be a file in the recipe's folder: a recipe from elsewhere naming
    ~/.ssh/id_rsa, /etc/passwd or ../../secrets (or a link in its folder pointing there) would hand
    that file to its steps' models, some of which may be remote, without the user naming it."""
    if not _inside(default, base):
        raise UserError(
            f"input {name!r} (declared at {place}): its default {default!r} is not a file in the recipe's folder "
            f"({base}); a recipe's default files must be beside it",
            hint=f"pass the file yourself (--input {name}=PATH), or copy it next to the recipe and name it there",
            code="recipe_input_invalid",
        )


def _inside(default: str, base: Path) -> bool:
    path = Path(default)
    if path.is_absolute() or default.startswith("~"):
        return False
    try:
        (base / path).resolve().relative_to(base.resolve())
    except ValueError:
        return False
    return True


def default_file_problems(recipe: Recipe, source: Path, places: Mapping[str, str]) -> list[str]:
    """What ``agentnet recipe validate`` says of the file inputs' defaults: before, it said "ok" of a
    recipe whose default was ../secret.txt or a file not there, and only the run refused it."""
    base = source.parent
    problems = []
    for name, spec in recipe.inputs.items():
        if spec.type == "text" or spec.default is None:
            continue
        where = f"{places.get(name, str(source))}: inputs.{name}.default"
        if not _inside(spec.default, base):
            problems.append(
                f"{where}: {spec.default!r} is not a file in the recipe's folder ({base}); a recipe's default files "
                f"must be beside it: copy the file next to the recipe and name it there, or drop the default"
            )
        elif not (base / spec.default).is_file():
            problems.append(f"{where}: no file {spec.default!r} in the recipe's folder ({base}): put it there")
    return problems


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def file_text(value: Any) -> str | None:
    """The text of a file input that holds text (read from the run's own copy), else None."""
    if not is_ref(value) or kind_of(value["media_type"]) != "text":
        return None
    path = Path(value["path"])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"cannot read the input file {value.get('name') or path.name} ({path}): {exc}",
            hint="start the run again with the file (--input NAME=PATH)",
            code="recipe_input_invalid",
        ) from None


def prompt_value(value: Any, name: str = "", room: Room | None = None) -> str:
    """An input as a prompt shows it: text, a text file's text, or another file's description. A text
    or text file longer than ``room`` (the step's largest context window) is a ``UserError`` naming the
    input and the limit: pasted whole, a 50 MB file (or a 200 kB ``type: text`` value) was tokenised
    for a 2048-token model (or sent to a remote one) only to be refused."""
    if not is_ref(value):
        plain = value if isinstance(value, str) else str(value)
        if room is not None and estimate_tokens(plain) > room.tokens:
            shorter = f"a shorter text for {name!r} (or split it and run the recipe on each part)"
            _too_long(name, f"{len(plain):,} characters of text", estimate_tokens(plain), room, shorter)
        return plain
    text = file_text(value)
    if text is None:
        return describe(value)
    tokens = estimate_tokens(text)
    if room is not None and tokens > room.tokens:
        file = value.get("source") or value.get("name") or value["path"]
        shorter = f"a shorter file (or split {Path(str(file)).name} and run the recipe on each part)"
        _too_long(name, str(file), tokens, room, shorter)
    return text


def described_in(template: str) -> Callable[[Any], list[dict[str, Any]]] | None:
    """What a call step's prompt shows only by description (``StepSpec.described``): the files among
    the inputs ``template`` names that hold no text (an image, audio, a binary ``type: file``), when it
    names no step's output. A model refuses them: SmolLM2 made up a summary of a PNG's name."""
    refs, _ = scan(template)
    names = [ref.path[1] for ref in refs if ref.root == "inputs" and len(ref.path) == 2]
    if not names or any(ref.root == "steps" for ref in refs):
        return None

    def described(ctx: Any) -> list[dict[str, Any]]:
        values = [ctx.inputs.get(name) for name in dict.fromkeys(names)]
        return [value for value in values if is_ref(value) and kind_of(str(value.get("media_type", ""))) != "text"]

    return described


def _too_long(name: str, what: str, tokens: int, room: Room, shorter: str) -> None:
    raise UserError(
        f"input {name!r} ({what}, ~{tokens:,} tokens) does not fit the prompt of step {room.step_id!r}: the "
        f"largest context window of its models is {room.tokens:,} tokens ({room.model!r})",
        hint=f"pass {shorter}, or give step {room.step_id!r} a model with a larger context window "
        "(a local model's is its params.n_ctx)",
        code="input_too_long",
    )


def handed(name: str, value: Any) -> tuple[tuple[str, str, Any], str | None]:
    """An input as a tool gets it: the upstream item (source, text, data) and, for a text file, the
    path a parameter taking a file's name gets (where the user named the file, else the run's copy)."""
    if not is_ref(value):
        return ("user", str(value), None), None
    text = file_text(value)
    if text is None:
        return (name, describe(value), value), None
    return ("user", text, None), str(value.get("source") or value["path"])


def keep_sources(bound: Mapping[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """The stored inputs, each file keeping where the user named it (``source``): the run reads its
    own copy, but a tool that opens a file by name (read-file) is given the file the user named."""
    for name, value in bound.items():
        copy: Any = stored.get(name)
        if is_ref(value) and is_ref(copy) and copy is not value and "source" not in copy:
            stored[name] = {**copy, "source": value.get("source") or value["path"]}
    return stored
