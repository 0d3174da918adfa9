"""Saved conversations (``$AGENTNET_HOME/chats/<id>.json``): ``chat`` sessions and ``ask`` exchanges alike,
so ``ask --continue`` and ``chat --continue`` pick up the newest one and ``--conversation ID`` any one.

The folder is bounded: beyond ``MAX_CONVERSATIONS`` the least recently used files are removed when a
new conversation starts (a conversation is used when it is saved, so continuing one keeps it).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.errors import NotFoundError, UserError
from agentnet.home import agentnet_home

# Enough for weeks of use; each file is one conversation's text, so the folder stays small.
MAX_CONVERSATIONS = 200


def chats_dir() -> Path:
    path = agentnet_home() / "chats"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Session:
    """One conversation, as saved on disk."""

    id: str
    model: str | None = None
    route: bool = True
    messages: list[dict[str, Any]] = field(default_factory=list)
    last_plan: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)

    @property
    def path(self) -> Path:
        return chats_dir() / f"{self.id}.json"

    def save(self) -> None:
        data = {
            "id": self.id,
            "model": self.model,
            "route": self.route,
            "created": self.created,
            "messages": self.messages,
            "last_plan": self.last_plan,
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.path)

    @classmethod
    def load(cls, session_id: str) -> Session:
        path = chats_dir() / f"{session_id}.json"
        if not path.is_file():
            known = sorted(p.stem for p in chats_dir().glob("*.json"))[-10:]
            raise NotFoundError(
                f"no saved chat {session_id!r}",
                hint=f"saved chats are in {chats_dir()}" + (f" (recent: {', '.join(known)})" if known else ""),
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            messages = data.get("messages", [])
            if not isinstance(data["id"], str) or not all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in messages
            ):
                raise ValueError("an id and a list of messages with role and content expected")
            return cls(
                id=data["id"],
                model=data.get("model"),
                route=bool(data.get("route", True)),
                messages=list(messages),
                last_plan=data.get("last_plan"),
                created=float(data.get("created", time.time())),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # Cut short (a full disk, an editor) or not agentnet's: say which file, never a traceback.
            raise UserError(
                f"the saved conversation {path} is damaged ({type(exc).__name__}: {exc})",
                hint=f"move it aside (`mv {path} {path}.broken`); without --continue or --conversation a new "
                "conversation starts",
                code="conversation_damaged",
            ) from None

    def history(self) -> list[dict[str, str]]:
        return [
            {"role": m["role"], "content": m["content"]} for m in self.messages if m["role"] in ("user", "assistant")
        ]

    def export(self, target: Path) -> None:
        if target.suffix == ".json":
            target.write_text(json.dumps({"id": self.id, "messages": self.messages}, indent=1), encoding="utf-8")
            return
        lines = [f"# agentnet chat {self.id}", ""]
        for m in self.messages:
            who = "**you**" if m["role"] == "user" else f"**{m.get('meta', {}).get('by', 'assistant')}**"
            lines += [f"{who}: {m['content']}", ""]
        target.write_text("\n".join(lines), encoding="utf-8")

    @classmethod
    def latest(cls) -> Session:
        """The most recently used conversation (``--continue``)."""
        newest = _by_use()
        if not newest:
            raise UserError(
                "there is no earlier conversation to continue",
                hint='start one with `agentnet ask "..."` or `agentnet chat`, then use --continue',
            )
        return cls.load(newest[-1].stem)

    @classmethod
    def new(cls, *, model: str | None = None, route: bool = True) -> Session:
        """A new conversation, making room for it: the oldest beyond ``MAX_CONVERSATIONS`` go."""
        import uuid

        saved = _by_use()
        for old in saved[: max(0, len(saved) - MAX_CONVERSATIONS + 1)]:
            old.unlink(missing_ok=True)
        return cls(id=uuid.uuid4().hex[:10], model=model, route=route)


def _by_use() -> list[Path]:
    """Saved conversations, least recently used first."""
    files = []
    for path in chats_dir().glob("*.json"):
        try:
            files.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # removed by another process meanwhile
            continue
    return [path for _, path in sorted(files)]
