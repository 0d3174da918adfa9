"""Scripted nodes for tests: fault injection (errors, delays, malformed output) and pure logic.

Not a substitute for the real adapters; the real paths are tested against the real SmolLM2 GGUF
and a real llama.cpp server. ``ScriptedModel`` plays its script in order (the last entry repeats),
so a test can say exactly what a collaborator answers, fails with, or how long it stays silent.
Like a real model it stops at the call's ``max_tokens`` (one word is one token here), and
``call_options`` records what every call asked for, so caps set by budgets and servers are visible.
A record is the call's own (its ``stop`` list and ``extra`` dict are copies, not the caller's or a
``.bind()``'s objects), and a copy of the model (``model_copy``, ``copy.copy``, ``copy.deepcopy``)
keeps its own records and place in the script from then on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import PrivateAttr

from agentnet.cards import CapabilityCard
from agentnet.nodes.base import CallOptions, CancelToken, ChatMessage, Generation, ModelNode, Usage


@dataclass(frozen=True)
class Delay:
    """Stay silent for ``seconds`` (checking for cancellation), then play ``then``."""

    seconds: float
    then: ScriptItem = ""


ScriptItem = str | BaseException | Delay | Callable[[list[ChatMessage]], str]


class ScriptedModel(ModelNode):
    """A node that answers from a script. ``calls`` records every message list it received."""

    script: list[Any]
    _position: int = PrivateAttr(default=0)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _calls: list[list[ChatMessage]] = PrivateAttr(default_factory=list)
    _call_options: list[CallOptions] = PrivateAttr(default_factory=list)

    @classmethod
    def build(
        cls,
        node_id: str,
        script: Sequence[ScriptItem],
        *,
        card: CapabilityCard | None = None,
        **fields: Any,
    ) -> ScriptedModel:
        return cls(
            node_id=node_id,
            card=card or CapabilityCard(id=node_id, description=f"scripted test model {node_id}"),
            script=list(script),
            **fields,
        )

    def __copy__(self) -> ScriptedModel:
        # pydantic copies the private attributes' dict, not the lists and lock in it: without this, a
        # copy's calls were recorded in the original's lists (and the two shared one lock).
        copied = super().__copy__()
        with self._lock:
            copied._lock = threading.Lock()
            copied._calls, copied._call_options = list(self._calls), list(self._call_options)
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> ScriptedModel:
        # The default deep copy fails on the lock (and on a recorded call's abort event).
        copied = self.__copy__()
        copied.script = list(self.script)
        return copied

    @property
    def calls(self) -> list[list[ChatMessage]]:
        return self._calls

    @property
    def call_options(self) -> list[CallOptions]:
        """The options of every call, in the order of ``calls``."""
        return self._call_options

    def _next_item(self, messages: list[ChatMessage], options: CallOptions) -> ScriptItem:
        with self._lock:
            self._calls.append(list(messages))
            own = replace(
                options, stop=list(options.stop) if options.stop is not None else None, extra=dict(options.extra)
            )
            self._call_options.append(own)
            if not self.script:
                return ""
            item = self.script[min(self._position, len(self.script) - 1)]
            self._position += 1
            return item

    def _generate_tokens(
        self, messages: list[ChatMessage], options: CallOptions, cancel: CancelToken
    ) -> Iterator[str | Generation]:
        item = self._next_item(messages, options)
        while isinstance(item, Delay):
            end = time.monotonic() + item.seconds
            while time.monotonic() < end:
                if cancel.cancelled:
                    return
                time.sleep(min(0.01, max(0.0, end - time.monotonic())))
            item = item.then
        if isinstance(item, BaseException):
            raise item
        text = item(messages) if callable(item) else str(item)
        pieces = text.split(" ")
        limit = options.max_tokens if options.max_tokens is not None else self.params.max_tokens
        finish = "stop"
        if limit is not None and len(pieces) > limit:
            pieces, finish = pieces[:limit], "length"
        for index, piece in enumerate(pieces):
            if cancel.cancelled:
                return
            yield piece if index == 0 else " " + piece
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        yield Generation(usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=len(pieces)), finish_reason=finish)
