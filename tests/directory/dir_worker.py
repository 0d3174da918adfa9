"""Subprocess helper for the crash and second-writer tests (run as a script, not collected)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from agentnet.cards import CapabilityCard, Skill
from agentnet.directory.store import Directory


def main() -> None:
    action, folder = sys.argv[1], Path(sys.argv[2])
    if action == "hold":
        seconds = float(sys.argv[3])
        with Directory(path=folder):
            print("ready", flush=True)
            time.sleep(seconds)
        print("released", flush=True)
        return
    if action == "read":  # a reader holding its private copy (snapshot.py) until killed
        with Directory(path=folder, readonly=True) as reader:
            print(f"reading {reader.count()}", flush=True)
            time.sleep(float(sys.argv[3]))
        return
    total, batch = int(sys.argv[3]), int(sys.argv[4])
    cards = [
        CapabilityCard(
            id=f"tool-{i}",
            description=f"Tool number {i} converts files of kind {i % 7}.",
            skills=[Skill(id="run", name=f"Run tool {i}")],
        )
        for i in range(total)
    ]
    with Directory(path=folder, batch_size=batch) as directory:
        directory.register_many(cards, progress=lambda done, _total: print(f"ack {done}", flush=True))
    print("finished", flush=True)


if __name__ == "__main__":
    main()
