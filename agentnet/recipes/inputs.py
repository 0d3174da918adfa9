"""Binding a recipe's declared inputs to the values a run was given.

A ``text`` input is its value. An ``image``, ``audio`` or ``file`` input is the path of a file: it is
read when the run starts (relative to the working directory; a default, relative to the recipe),
checked against the declared type, and bound as its artifact record, which the run then copies into
its folder by content hash. A value of the wrong kind is refused before anything runs, with the
place of the declaration in the recipe file and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentnet.artifacts import read_file
from agentnet.errors import UserError
from agentnet.executor.run_files import is_ref
from agentnet.recipes.schema import InputSpec, Recipe

_EXAMPLE = {"image": "sign.png", "audio": "speech.wav", "file": "data.csv"}


def bind_inputs(recipe: Recipe, given: Mapping[str, Any], *, source: str, places: Mapping[str, str]) -> dict[str, Any]:
    """The inputs with defaults filled in and files read; unknown, missing or mistyped inputs are a
    ``UserError`` (``places`` maps an input's name to its ``file:line:column`` in the recipe)."""
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
            bound[name] = _bind(name, spec, given[name], Path.cwd(), places.get(name, source))
        elif spec.default is not None:
            place = places.get(name, source)
            if spec.type != "text":
                _beside(name, spec.default, base, place)
            bound[name] = _bind(name, spec, spec.default, base, place)
        else:
            missing.append(name)
    if missing:
        raise UserError(
            f"recipe {recipe.name!r} needs input {', '.join(map(repr, missing))}",
            hint="pass " + " ".join(f"--input {name}={_EXAMPLE.get(declared[name].type, '...')}" for name in missing),
        )
    return bound


def _bind(name: str, spec: InputSpec, value: Any, base: Path, place: str) -> Any:
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
    artifact, _ = read_file(path, name=path.name)
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
    path = Path(default)
    inside = not path.is_absolute() and not default.startswith("~")
    if inside:
        try:
            (base / path).resolve().relative_to(base.resolve())
        except ValueError:
            inside = False
    if not inside:
        raise UserError(
            f"input {name!r} (declared at {place}): its default {default!r} is not a file in the recipe's folder "
            f"({base}); a recipe's default files must be beside it",
            hint=f"pass the file yourself (--input {name}=PATH), or copy it next to the recipe and name it there",
            code="recipe_input_invalid",
        )


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
