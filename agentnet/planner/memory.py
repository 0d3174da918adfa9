"""Plan memory: solved tasks and their plans, retrieved for similar new tasks.

Stored in sqlite under ``$AGENTNET_HOME/planner/memory.sqlite`` with MiniLM vectors from the
shared embedder. Two things are remembered: whole tasks with their tool sequence (few-shot
examples, reuse) and, per tool, the phrases that asked for it (a step's text, or the request of a
one-tool task). The planner matches a clause against those phrases as well as the tool's own
description, which is how worked examples teach it a tool set's vocabulary. Only tools present
in the current directory are ever used: memory never invents a collaborator.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.errors import ConfigError
from agentnet.home import home_path
from agentnet.planner.extract import mask_quotes

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.plan import Plan

_STEP_PREFIX = re.compile(r"^\s*(?:step\s*\d+\s*[:.)-]|\d+\s*[:.)-])\s*", re.IGNORECASE)
_WHOLE_TASK_PHRASES = False
_SCHEMA = """
create table if not exists tasks (id integer primary key, task text not null, tools text not null,
    plan text, source text not null, vector blob not null);
create table if not exists phrases (id integer primary key, tool text not null, phrase text not null,
    vector blob not null, unique (tool, phrase));
"""


def default_path() -> Path:
    return home_path("planner", "memory.sqlite")


class PlanMemory:
    """Remembered tasks and tool phrases; ``PlanMemory(":memory:")`` keeps them in this process only."""

    def __init__(self, path: Path | str | None = None) -> None:
        target = str(path) if path is not None else str(default_path())
        self._lock = threading.Lock()
        self._db = sqlite3.connect(target, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._tasks: tuple[list[dict[str, Any]], np.ndarray] | None = None
        self._phrases: dict[str, np.ndarray] | None = None

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("select count(*) from tasks").fetchone()[0])

    # --- writing ----------------------------------------------------------------------------

    def remember(
        self,
        task: str,
        tools: list[str],
        steps: list[str] | None = None,
        plan: Plan | None = None,
        source: str = "solved",
    ) -> None:
        """Store a solved task; ``steps`` (one text per tool, same order) become tool phrases."""
        self.remember_many([(task, tools, steps, plan)], source)

    def remember_many(
        self, items: list[tuple[str, list[str], list[str] | None, Plan | None]], source: str = "solved"
    ) -> int:
        from agentnet.directory.embedder import shared_embedder

        items = [item for item in items if item[0].strip() and item[1]]
        if not items:
            return 0
        phrases: list[tuple[str, str]] = []
        for task, tools, steps, _ in items:
            if len(set(tools)) == 1 and _WHOLE_TASK_PHRASES:
                phrases.append((tools[0], _clean(task)))
            if steps and len(steps) == len(tools):
                phrases.extend((tool, _clean(step)) for tool, step in zip(tools, steps, strict=True))
        phrases = [(tool, phrase) for tool, phrase in dict.fromkeys(phrases) if phrase]
        embedder = shared_embedder()
        task_vectors = embedder.embed([task[:2000] for task, *_ in items])
        phrase_vectors = embedder.embed([phrase for _, phrase in phrases])
        with self._lock:
            self._db.executemany(
                "insert into tasks (task, tools, plan, source, vector) values (?, ?, ?, ?, ?)",
                [
                    (task, json.dumps(tools), plan.model_dump_json() if plan else None, source, vec.tobytes())
                    for (task, tools, _, plan), vec in zip(items, task_vectors, strict=True)
                ],
            )
            self._db.executemany(
                "insert or ignore into phrases (tool, phrase, vector) values (?, ?, ?)",
                [(tool, phrase, vec.tobytes()) for (tool, phrase), vec in zip(phrases, phrase_vectors, strict=True)],
            )
            self._db.commit()
            self._tasks = None
            self._phrases = None
        return len(items)

    def remember_plan(self, plan: Plan, names: dict[str, str] | None = None) -> None:
        names = names or {}
        tools = [names.get(step.capability, step.capability) for step in plan.steps]
        self.remember(plan.task, tools, [step.instruction for step in plan.steps], plan, source=plan.source)

    def learn_taskbench(self, path: Path) -> int:
        """Ingest TaskBench data lines (instruction + gold task_nodes/task_steps) as example plans."""
        from agentnet.planner.taskbench import load_jsonl, nodes_of

        items: list[tuple[str, list[str], list[str] | None, Plan | None]] = []
        for sample in load_jsonl(path):
            tools = [str(node.get("task", "")) for node in nodes_of(sample) if node.get("task")]
            steps = sample.get("task_steps")
            steps = [str(s) for s in steps] if isinstance(steps, list) else None
            items.append((str(sample.get("instruction", sample.get("user_request", ""))), tools, steps, None))
        if not items:
            raise ConfigError(f"{path} holds no TaskBench samples", hint="one JSON object per line with 'instruction'")
        return self.remember_many(items, source="learned")

    # --- reading ----------------------------------------------------------------------------

    def _load(self) -> tuple[tuple[list[dict[str, Any]], np.ndarray], dict[str, np.ndarray]]:
        import numpy as np

        with self._lock:
            if self._tasks is None:
                rows = self._db.execute("select task, tools, plan, vector from tasks order by id").fetchall()
                entries = [{"task": r[0], "tools": json.loads(r[1]), "plan": r[2]} for r in rows]
                vectors = (
                    np.stack([np.frombuffer(r[3], dtype=np.float32) for r in rows])
                    if rows
                    else np.zeros((0, 384), np.float32)
                )
                self._tasks = (entries, vectors)
            if self._phrases is None:
                grouped: dict[str, list[np.ndarray]] = {}
                for tool, blob in self._db.execute("select tool, vector from phrases"):
                    grouped.setdefault(tool, []).append(np.frombuffer(blob, dtype=np.float32))
                self._phrases = {tool: np.stack(vs) for tool, vs in grouped.items()}
            return self._tasks, self._phrases

    def similar(self, task: str, k: int = 3, tools: set[str] | None = None) -> list[dict[str, Any]]:
        """The ``k`` most similar remembered tasks (with ``score``), optionally only those whose
        tools are all in ``tools``."""
        from agentnet.directory.embedder import shared_embedder

        (entries, vectors), _ = self._load()
        if not entries:
            return []
        sims = vectors @ shared_embedder().embed_one(task[:2000])
        out = []
        for index in sims.argsort()[::-1]:
            entry = entries[int(index)]
            if tools is not None and not set(entry["tools"]) <= tools:
                continue
            out.append({**entry, "score": float(sims[index])})
            if len(out) >= k:
                break
        return out

    def tool_examples(self, names: list[str]) -> list[np.ndarray | None]:
        """Per tool name, the vectors of the phrases that asked for it (None when none are known)."""
        _, phrases = self._load()
        return [phrases.get(name) for name in names]


def _clean(text: str) -> str:
    return " ".join(mask_quotes(_STEP_PREFIX.sub("", text)).split())[:500]
