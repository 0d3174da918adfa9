"""One Network used from several threads, as an app's worker threads (or asyncio.to_thread) use it.
Before, concurrent net.run calls opened and closed the embedded directory under each other and failed
with "cannot open the directory ...: the folder looks corrupt: restore it from a backup". Now they
take turns, and reading or cancelling a run never waits for one. Real default network (the bundled
calculator, SmolLM2), real threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from agentnet.network import Network

ASKED = {"What is 6 times 7?": "42", "What is 9 plus 10?": "19", "What is 100 divided by 4?": "25",
         "What is 15% of 240?": "36"}  # fmt: skip


def test_runs_from_several_threads_all_answer(agentnet_home: Path) -> None:
    with Network() as net, ThreadPoolExecutor(len(ASKED)) as pool:
        results = {task: pool.submit(net.run, task) for task in ASKED}
        answers = {task: future.result(timeout=600).answer for task, future in results.items()}
    assert answers == ASKED
    with Network() as net:
        assert sorted(run["task"] for run in net.runs()) == sorted(ASKED)


def test_a_run_in_another_thread_can_be_cancelled_and_read_meanwhile(smollm2_node: Any, agentnet_home: Path) -> None:
    net = Network()
    started = threading.Event()
    run_ids: list[str] = []

    def on_event(event: Any) -> None:
        if event.event == "token" and not started.is_set():
            started.set()

    def story() -> Any:
        return net.run("Write a very long story about a dragon.", on_event=on_event, check=False)

    try:
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(story)
            assert started.wait(300), "the run never started"
            run_ids.append(net.runs(1)[0]["id"])
            asked = time.monotonic()
            assert net.trace(run_ids[0])["status"] == "running"
            assert net.cancel(run_ids[0]) == "requested"
            assert time.monotonic() - asked < 10  # neither waited for the run
            result = running.result(timeout=120)
        assert result.status == "interrupted" and result.run_id == run_ids[0]
    finally:
        net.close()
