"""Adding a model to a config file the user also edits by hand: comments and layout are kept.

The entry is inserted as text at the end of the top-level ``models:`` list (or a ``models:`` list
is appended), then the whole file is validated as ``load_config`` would read it; only a valid
result is written, so a failed ``agentnet models add`` leaves the file as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from agentnet.errors import ConfigError, UserError

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_ITEM = re.compile(r"^(\s*)- ")


def ensure_new_model(path: Path, model_id: str) -> None:
    """Refuse (before anything is downloaded) an id the file already declares."""
    from agentnet.yamlfile import load_yaml_file

    data = load_yaml_file(path).data if path.exists() else None
    models = data.get("models") if isinstance(data, dict) else None
    if any(isinstance(m, dict) and m.get("id") == model_id for m in models or []):
        raise UserError(
            f"{path} already declares a model {model_id!r}",
            hint="pick another id with --id, or edit that entry in the file",
            code="model_exists",
        )


def add_model_entry(path: Path, entry: dict[str, Any], *, make_default: bool = False) -> None:
    """Append ``entry`` (a model's settings) to ``path``'s models (the file is created if missing)."""
    from agentnet.config import load_config

    ensure_new_model(path, entry["id"])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines = _with_entry(lines, entry, path)
    if make_default:
        lines = _with_default(lines, entry["id"])
    new_text = "".join(lines)
    # Validate exactly what will be written, with its line numbers, before touching the file.
    trial = path.with_name(f".{path.name}.new")
    trial.write_text(new_text, encoding="utf-8")
    try:
        load_config(trial)
    except ConfigError:
        trial.unlink()
        raise
    trial.replace(path)


def _dump(entry: dict[str, Any], indent: str) -> list[str]:
    import yaml

    dumped = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
    return [f"{indent}{line}\n" for line in dumped.splitlines()]


def _with_entry(lines: list[str], entry: dict[str, Any], path: Path) -> list[str]:
    start = next((i for i, line in enumerate(lines) if re.match(r"^models\s*:", line)), None)
    if start is None:
        return [*lines, "models:\n", *_dump(entry, "  ")]
    if lines[start].split(":", 1)[1].split("#", 1)[0].strip():
        raise UserError(
            f"{path}:{start + 1}: 'models:' is written on one line, so agentnet cannot add an entry to it",
            hint="write the list one '- id: ...' entry per block (as `agentnet init` does), then run this again",
        )
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    # Comments and blank lines just before the next key belong to that key.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    items = [m.group(1) for line in lines[start + 1 : end] if (m := _ITEM.match(line))]
    indent = items[0] if items else "  "
    return [*lines[:end], *_dump(entry, indent), *lines[end:]]


def _with_default(lines: list[str], model_id: str) -> list[str]:
    setting = f"default_model: {model_id}\n"
    for i, line in enumerate(lines):
        if re.match(r"^default_model\s*:", line):
            return [*lines[:i], setting, *lines[i + 1 :]]
    return [*lines, setting]
