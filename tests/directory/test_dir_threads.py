"""Two threads of one process opening and closing the same embedded directory, as two ``Network``s of
one app do (each reopens the directory for a plan and lets it go after): every open succeeds.

chroma shares one system per folder among a process's clients and makes and drops it without a lock;
before agentnet serialised that, about half of these opens failed as a "corrupt" directory
("KeyError: '<folder>'", "'RustBindingsAPI' object has no attribute 'bindings'").
"""

from __future__ import annotations

import threading
from pathlib import Path

from dirkit import CountingEmbedder

from agentnet.cards import CapabilityCard
from agentnet.directory.store import Directory


def test_two_threads_open_and_close_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    embedder = CountingEmbedder()
    with Directory(path=folder, embedder=embedder) as directory:
        directory.register(CapabilityCard(id="adder", description="Adds numbers."))
    errors: list[str] = []
    found: list[list[str]] = []

    def open_close() -> None:
        for _ in range(8):
            try:
                with Directory(path=folder, embedder=embedder) as opened:
                    found.append([card.id for card in opened.cards()])
            except Exception as exc:  # noqa: BLE001 - every failure is collected and shown
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=open_close) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [], errors[:3]
    assert found == [["adder"]] * 16
