"""Plan memory: solved tasks and their plans, the evidence the planner learns from.

Stored in sqlite under ``$AGENTNET_HOME/planner/memory.sqlite`` with MiniLM vectors from the
shared embedder. Each remembered task keeps its tool sequence, where it came from (``learned`` from
an example file, ``rated`` from a run the user rated) and its rating (a run rated bad is a negative
example), and per step the phrase that asked for the tool (a step's text). What the planner makes of
that evidence, and how much it trusts it on a given directory, is ``planner.learning``: the fitted
trust is stored here too, keyed by the directory it was fitted on. Only tools present in the current
directory are ever used: memory never invents a collaborator. Memory is bounded (``max_tasks``: the
oldest go first, rated runs only when nothing else is left) and can be inspected and forgotten
(``agentnet memory stats|show|forget``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentnet.errors import AgentnetError, ConfigError
from agentnet.home import home_path
from agentnet.planner.examples import example_links, example_nodes, read_examples, request
from agentnet.planner.kept_fit import shown
from agentnet.planner.memory_bounds import (
    Remembered,
    bounded,
    bounded_plan,
    phrases,
    request_text,
)

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.plan import Plan

MAX_TASKS = 5000
_SCHEMA = """
create table if not exists tasks (id integer primary key, task text not null, tools text not null,
    plan text, source text not null, vector blob not null);
create table if not exists task_phrases (task_id integer not null, tool text not null, phrase text not null,
    vector blob not null);
create index if not exists task_phrases_task on task_phrases (task_id);
create table if not exists fits (directory text primary key, version text not null, trust text not null,
    fitted real not null);
"""
# Columns added after the first release; an older file gains them when opened.
_TASK_COLUMNS = {"run_id": "text", "rating": "integer not null default 1", "created": "real", "links": "text"}


def stale(fitted: str, now: str) -> bool:
    """Whether a fit kept at memory version ``fitted`` is redone at version ``now``: after a tenth more
    tasks (or any forgetting), not after every one: fitting is the costly part."""
    (count_then, _), (count_now, _) = (map(int, v.split(":")) for v in (fitted, now))
    return forgotten(fitted, now) or count_now >= count_then + max(1, count_then // 10)


def forgotten(fitted: str, now: str) -> bool:
    """Whether tasks were forgotten between memory versions ``fitted`` and ``now``."""
    (count_then, top_then), (count_now, top_now) = (map(int, v.split(":")) for v in (fitted, now))
    return count_now < count_then or top_now < top_then


def default_path() -> Path:
    return home_path("planner", "memory.sqlite")


def _opened(path: str) -> sqlite3.Connection:
    db = None
    try:
        db = sqlite3.connect(path, check_same_thread=False)
        db.executescript(_SCHEMA)
        _migrate(db)
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise _unreadable(path, exc) from None
    return db


def _migrate(db: sqlite3.Connection) -> None:
    have = {row[1] for row in db.execute("pragma table_info(tasks)")}
    for column, kind in _TASK_COLUMNS.items():
        if column not in have:
            db.execute(f"alter table tasks add column {column} {kind}")
    # The first release kept phrases apart from their tasks; they stay, unattributed (task 0).
    if db.execute("select 1 from sqlite_master where name = 'phrases'").fetchone():
        db.execute("insert into task_phrases select 0, tool, phrase, vector from phrases")
        db.execute("drop table phrases")
    db.commit()


def _unreadable(path: str, exc: sqlite3.DatabaseError) -> AgentnetError:
    """Why plan memory's file cannot be used, and the fix: a damaged file is named and kept (the user's
    solved tasks may be recoverable); a locked or unwritable one is a passing or a permissions matter."""
    if isinstance(exc, sqlite3.OperationalError):
        return AgentnetError(
            f"cannot open plan memory at {path}: {exc}",
            hint="check that the folder is writable and no other program holds the file, then retry",
            code="memory_unavailable",
        )
    return AgentnetError(
        f"plan memory at {path} is damaged ({exc})",
        hint=f"move it away (mv {path} {path}.broken): the planner then starts a new memory and plans "
        "zero-shot; nothing was deleted",
        code="memory_corrupt",
    )


class PlanMemory:
    """Remembered tasks and tool phrases; ``PlanMemory(":memory:")`` keeps them in this process only."""

    def __init__(self, path: Path | str | None = None, max_tasks: int = MAX_TASKS) -> None:
        target = str(path) if path is not None else str(default_path())
        self.path = target
        self.max_tasks = max_tasks
        self._lock = threading.Lock()
        self._db = _opened(target)
        self._tasks: tuple[list[dict[str, Any]], np.ndarray] | None = None
        self._phrases: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        self._loaded = ""

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("select count(*) from tasks").fetchone()[0])

    def version(self) -> str:
        """Changes whenever a task is added or forgotten: what a fitted trust was fitted on."""
        with self._lock:
            return self._version()

    def _version(self) -> str:
        count, top = self._db.execute("select count(*), coalesce(max(id), 0) from tasks").fetchone()
        return f"{count}:{top}"

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
        self.remember_all([Remembered(task, tools, steps, plan)], source)

    def remember_all(self, items: list[Remembered], source: str) -> int:
        from agentnet.directory.embedder import shared_embedder

        items = [bounded(item) for item in items if item.task.strip() and item.tools]
        if not items:
            return 0
        accepted = len(items)
        # Only what the bound would keep is embedded (a 6000-line file embedded all 6000, ~500 s, to
        # drop 1000 of them); the bound itself still runs after the insert.
        items = items[len(items) - self._room(source, len(items)) :]
        if not items:
            return accepted
        embedder = shared_embedder()
        task_vectors = embedder.embed([request_text(item.task) for item in items])
        grouped = [phrases(item) for item in items]
        phrase_vectors = iter(embedder.embed([text for group in grouped for _, text in group]))
        now = time.time()
        with self._lock:
            for item, vector, group in zip(items, task_vectors, grouped, strict=True):
                cursor = self._db.execute(
                    "insert into tasks (task, tools, plan, source, vector, run_id, rating, created, links)"
                    " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (item.task, json.dumps(item.tools), item.plan.model_dump_json() if item.plan else None, source,
                     vector.tobytes(), item.run_id, item.rating, now,
                     None if item.links is None else json.dumps(item.links)),
                )  # fmt: skip
                self._db.executemany(
                    "insert into task_phrases (task_id, tool, phrase, vector) values (?, ?, ?, ?)",
                    [(cursor.lastrowid, tool, text, next(phrase_vectors).tobytes()) for tool, text in group],
                )
            self._bound()
            self._db.commit()
            self._tasks = None
            self._phrases = None
        return accepted

    def _room(self, source: str, count: int) -> int:
        """How many of ``count`` new tasks from ``source`` the bound would keep: new tasks are the
        newest of their kind, so all but rated runs already remembered may make way for them."""
        if source == "rated":
            return min(count, self.max_tasks)
        with self._lock:
            (rated,) = self._db.execute("select count(*) from tasks where source = 'rated'").fetchone()
        return max(0, min(count, self.max_tasks - rated))

    def _bound(self) -> None:
        """Keep at most ``max_tasks``: learned and solved tasks are forgotten first, oldest first, and
        rated runs (what the user taught by hand) only when nothing else is left."""
        (count,) = self._db.execute("select count(*) from tasks").fetchone()
        if count > self.max_tasks:
            cut = "select id from tasks order by source = 'rated', id limit ?"
            self._db.execute(f"delete from task_phrases where task_id in ({cut})", (count - self.max_tasks,))
            self._db.execute(f"delete from tasks where id in ({cut})", (count - self.max_tasks,))

    def remember_plan(
        self, plan: Plan, names: dict[str, str] | None = None, *, run_id: str | None = None, rating: int = 1
    ) -> str | None:
        """A plan that served its task (``rating`` 1) or did not (-1): a run the user rated. Returns the
        note saying what of the plan memory did not keep (``bounded_plan``), or None."""
        names = names or {}
        tools = [names.get(step.capability, step.capability) for step in plan.steps]
        steps = [step.instruction for step in plan.steps]
        by_id = {step.id: names.get(step.capability, step.capability) for step in plan.steps}
        links = [(by_id[dep], by_id[step.id]) for step in plan.steps for dep in step.depends_on if dep in by_id]
        kept, note = bounded_plan(plan)
        item = Remembered(plan.task, tools, steps if rating > 0 else None, kept, run_id, rating, links)
        self.remember_all([item], source="rated")
        return note

    def learn_examples(self, path: Path) -> int:
        """Ingest a file of example plans (see ``planner/examples.py``): each request with its tools
        in order, and the step texts when the file has them."""
        items: list[Remembered] = []
        for example in read_examples(path):
            tools = [str(node.get("task", "")) for node in example_nodes(example) if node.get("task")]
            steps = example.get("task_steps")
            steps = [str(s) for s in steps] if isinstance(steps, list) else None
            links = example_links(example)
            items.append(Remembered(str(request(example) or ""), tools, steps, links=links))
        if not items:
            raise ConfigError(f"{path} holds no example plans", hint="one JSON object per line with 'instruction'")
        return self.remember_all(items, source="learned")

    def forget(self, ids: list[int] | None = None, *, source: str | None = None, run_id: str | None = None) -> int:
        """Forget the tasks with these ids, from this source, or of this run; no criterion: everything."""
        where, params = "1 = 1", list[Any]()
        if ids is not None:
            where, params = f"id in ({','.join('?' * len(ids))})", list(ids)
        elif source is not None:
            where, params = "source = ?", [source]
        elif run_id is not None:
            where, params = "run_id = ?", [run_id]
        with self._lock:
            if ids is None and source is None and run_id is None:
                self._db.execute("delete from task_phrases")
            self._db.execute(f"delete from task_phrases where task_id in (select id from tasks where {where})", params)
            count = self._db.execute(f"delete from tasks where {where}", params).rowcount
            self._db.commit()
            self._tasks = None
            self._phrases = None
        return int(count)

    # --- fitted trust -----------------------------------------------------------------------

    def fitted(self, directory: str) -> tuple[str, dict[str, Any]] | None:
        """(memory version, trust) last fitted for ``directory`` (a fingerprint of its cards)."""
        with self._lock:
            row = self._db.execute("select version, trust from fits where directory = ?", (directory,)).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def keep_fit(self, directory: str, version: str, trust: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "insert or replace into fits (directory, version, trust, fitted) values (?, ?, ?, ?)",
                (directory, version, json.dumps(trust), time.time()),
            )
            # Bounded like the tasks: a directory not planned for in a long time loses its fit first.
            self._db.execute("delete from fits where directory not in (select directory from fits"
                             " order by fitted desc limit 64)")  # fmt: skip
            self._db.commit()

    # --- reading ----------------------------------------------------------------------------

    def _load(self) -> tuple[tuple[list[dict[str, Any]], np.ndarray], dict[str, tuple[np.ndarray, np.ndarray]]]:
        import numpy as np

        with self._lock:
            # Another process (`agentnet runs rate` beside a server) may have written meanwhile.
            version = self._version()
            if version != self._loaded:
                self._tasks, self._phrases, self._loaded = None, None, version
            if self._tasks is None:
                rows = self._db.execute(
                    "select id, task, tools, plan, vector, rating, source, links from tasks order by id"
                ).fetchall()
                entries = [
                    {"id": r[0], "task": r[1], "tools": json.loads(r[2]), "plan": r[3], "rating": r[5], "source": r[6],
                     "links": None if r[7] is None else [tuple(link) for link in json.loads(r[7])]}
                    for r in rows
                ]  # fmt: skip
                vectors = (
                    np.stack([np.frombuffer(r[4], dtype=np.float32) for r in rows])
                    if rows
                    else np.zeros((0, 384), np.float32)
                )
                self._tasks = (entries, vectors)
            if self._phrases is None:
                grouped: dict[str, tuple[list[int], list[np.ndarray]]] = {}
                for task_id, tool, blob in self._db.execute("select task_id, tool, vector from task_phrases"):
                    ids, vectors_of = grouped.setdefault(tool, ([], []))
                    ids.append(task_id)
                    vectors_of.append(np.frombuffer(blob, dtype=np.float32))
                self._phrases = {tool: (np.array(ids), np.stack(vs)) for tool, (ids, vs) in grouped.items()}
            return self._tasks, self._phrases

    def entries(self) -> list[dict[str, Any]]:
        """Every remembered task (id, task, tools, rating, source), oldest first."""
        (entries, _), _ = self._load()
        return entries

    def similar(
        self, task: str, k: int = 3, tools: set[str] | None = None, exclude: int | None = None
    ) -> list[dict[str, Any]]:
        """The ``k`` most similar remembered tasks (with ``score``), optionally only those whose
        tools are all in ``tools``; ``exclude`` leaves one task out (cross-validation)."""
        from agentnet.directory.embedder import shared_embedder

        return self.similar_to(shared_embedder().embed_one(request_text(task)), k, tools, exclude)

    def similar_to(
        self, vector: np.ndarray, k: int, tools: set[str] | None = None, exclude: int | None = None
    ) -> list[dict[str, Any]]:
        (entries, vectors), _ = self._load()
        if not entries:
            return []
        sims = vectors @ vector
        out = []
        for index in sims.argsort()[::-1]:
            entry = entries[int(index)]
            if entry["id"] == exclude or (tools is not None and not set(entry["tools"]) <= tools):
                continue
            out.append({**entry, "score": float(sims[index])})
            if len(out) >= k:
                break
        return out

    def tool_examples(self, names: list[str], exclude: int | None = None) -> list[np.ndarray | None]:
        """Per tool name, the vectors of the phrases that asked for it (None when none are known);
        ``exclude`` leaves one task's phrases out."""
        _, phrases = self._load()
        out: list[np.ndarray | None] = []
        for name in names:
            found = phrases.get(name)
            vectors = None if found is None else found[1] if exclude is None else found[1][found[0] != exclude]
            out.append(vectors if vectors is not None and len(vectors) else None)
        return out

    def stats(self) -> dict[str, Any]:
        """What is remembered: tasks by source and rating, tools, phrases, fitted directories (each fit
        as ``kept_fit.shown`` gives it: ``fitted`` False, a ``reason`` and null scores below
        ``MIN_EXAMPLES``, where nothing was measured)."""
        with self._lock:
            by_source = dict(self._db.execute("select source, count(*) from tasks group by source").fetchall())
            bad = self._db.execute("select count(*) from tasks where rating < 0").fetchone()[0]
            phrases = self._db.execute("select count(*) from task_phrases").fetchone()[0]
            now = self._version()
            fits = [
                shown({"directory": d, "version": v, "stale": stale(v, now), **json.loads(t)})
                for d, v, t in self._db.execute("select directory, version, trust from fits order by fitted desc")
            ]
        tools = {tool for entry in self.entries() for tool in entry["tools"]}
        return {
            "path": self.path,
            "tasks": sum(by_source.values()),
            "by_source": by_source,
            "rated_bad": bad,
            "tools": len(tools),
            "phrases": phrases,
            "max_tasks": self.max_tasks,
            "fits": fits,
        }
