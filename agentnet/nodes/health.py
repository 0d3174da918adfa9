"""Whether a declared model can be used now, known without calling it.

``model_health(spec)`` is cheap and offline: a remote model's key is present (its value is never
read into output), a GGUF file is there (``deep=True``: its header is valid), and the model is not
remembered as down. "Down" is remembered across processes in ``$AGENTNET_HOME/health.json``: when
a deployment cools down after repeated failures (``nodes.cooldown``), or ``agentnet doctor`` finds
its endpoint unreachable, planners in every process leave it out for the model's ``down_memory_s``
(default ``DOWN_MEMORY_S``) seconds unless
nothing else can serve, so a dead endpoint does not cost every run its timeouts.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentnet.config import ModelSpec
from agentnet.errors import AgentnetError
from agentnet.home import home_path
from agentnet.nodes.keys import key_env_of, lookup_secret, provider_of

HEALTH_FILE = "health.json"
# How long other processes skip a model that failed (a cooldown started, or an unreachable endpoint).
DOWN_MEMORY_S = 60.0
_lock = threading.Lock()


@dataclass(frozen=True)
class Health:
    """``ok`` or not; ``status`` is a word or two for a table, ``detail`` and ``fix`` say more."""

    ok: bool
    status: str
    detail: str = ""
    fix: str = ""


OK = Health(True, "ok")


def model_health(spec: ModelSpec, *, deep: bool = False) -> Health:
    """What is known about ``spec`` without calling it (``deep``: validate a GGUF file's header too)."""
    found = _file_health(spec, deep) if spec.path is not None else _key_health(spec)
    if not found.ok:
        return found
    down = remembered_down(spec.id)
    if down is not None:
        reason, left = down
        return Health(
            False,
            "down",
            f"failed: {reason}",
            f"skipped for {left:.0f} s more; check the server, then `agentnet doctor` clears this once it is reachable",
        )
    return found


def _key_health(spec: ModelSpec) -> Health:
    if not spec.kind().remote or spec.model is None:
        return OK
    name = key_env_of(spec)
    if name is None or lookup_secret(name) is not None:
        return OK
    if spec.api_key_env is None and spec.api_base is not None and provider_of(spec.model) == "openai":
        return OK  # an OpenAI-compatible server on an api_base usually takes no key (as the node assumes)
    return Health(
        False,
        "no key",
        f"{name} is not set",
        f"export {name}=... or add it to ./.env or $AGENTNET_HOME/.env",
    )


def _file_health(spec: ModelSpec, deep: bool) -> Health:
    try:
        path = spec.resolved_path()
        if not deep:
            if not path.is_file():
                return Health(False, "missing file", f"{path} does not exist", "fix the model's 'path' in the config")
            return OK
        from agentnet.nodes.gguf import inspect_gguf

        info = inspect_gguf(path)
    except AgentnetError as exc:
        return Health(False, "bad file", exc.message, exc.hint or "")
    return Health(True, "ok", f"{path.name}: GGUF v{info.version}, {info.file_size:,} bytes")


# --- remembered failures ------------------------------------------------------------------------


def _path() -> Path:
    return home_path(HEALTH_FILE)


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, Any]) -> None:
    path = _path()
    fd, tmp = tempfile.mkstemp(prefix=".health-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out)
    Path(tmp).replace(path)


def remember_down(node_id: str, reason: str, seconds: float = DOWN_MEMORY_S) -> None:
    """Record that ``node_id`` failed; other processes skip it for ``seconds``. ``reason`` must not hold a key."""
    if seconds <= 0:
        return
    with _lock:
        data = {k: v for k, v in _read().items() if _left(v) > 0}
        data[node_id] = {"until": time.time() + max(seconds, 0.0), "reason": reason[:300]}
        _write(data)


def forget_down(node_id: str) -> None:
    with _lock:
        data = _read()
        if data.pop(node_id, None) is not None:
            _write(data)


def remembered_down(node_id: str) -> tuple[str, float] | None:
    """(reason, seconds left) while ``node_id`` is remembered as down, else None."""
    entry = _read().get(node_id)
    left = _left(entry)
    return (str(entry.get("reason", "")), left) if left > 0 and isinstance(entry, dict) else None


def _left(entry: object) -> float:
    if not isinstance(entry, dict):
        return 0.0
    try:
        return float(entry.get("until", 0)) - time.time()
    except (TypeError, ValueError):
        return 0.0
