"""Reading TaskBench sample files (one JSON object per line), for every part that measures on them.

Real data has quirks that readers must accept: ``task_nodes`` sometimes stored as a dict of steps.
Every problem is a ``ConfigError`` naming the file and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agentnet.errors import ConfigError


def read_samples(path: Path) -> list[dict[str, Any]]:
    """The samples of a TaskBench data file; each must carry an ``instruction`` (or ``user_request``)."""
    hint = "check the --data/--train path"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file", code="file_not_found", hint=hint) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", hint=hint) from None
    samples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not a JSON line ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("instruction", item.get("user_request")), str):
            raise ConfigError(f"{path}:{number}: a TaskBench line needs an 'instruction'")
        samples.append(item)
    return samples


def sample_nodes(sample: dict[str, Any]) -> list[dict[str, Any]]:
    """A sample's ``task_nodes`` as a list of node objects (a dict of steps reads as its values)."""
    raw = sample.get("task_nodes") or []
    if isinstance(raw, dict):
        raw = list(raw.values())
    return [n for n in raw if isinstance(n, dict)] if isinstance(raw, list) else []
