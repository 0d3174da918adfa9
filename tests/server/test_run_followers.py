"""Many clients following one running run (GET /v1/runs/{id}/events): the server reads the run's trace
once per poll for all of them, not once per follower, and keeps at most ``max_run_followers``.

A real server (create_app on uvicorn, a real socket) with a real Network whose one model is a litellm
node on a loopback upstream that holds the request, so the run stays running until the test opens it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai_upstream import Upstream, models_yaml
from serve_helpers import ThreadedServer

from agentnet.config import load_config
from agentnet.network import Network
from agentnet.server.app import create_app
from agentnet.server.followers import FOLLOW_POLL_S
from agentnet.server.settings import ServerSettings

# litellm's stream handler reads a pydantic attribute the way pydantic deprecates (in this process).
pytestmark = pytest.mark.filterwarnings("ignore:Accessing the 'model_(computed_)?fields' attribute")
PLAN = {"task": "slow", "steps": [{"id": "s1", "capability": "gated", "instruction": "x"}]}


@pytest.fixture
def network(upstream: Upstream) -> Iterator[Network]:
    # smollm2 declared on the upstream too: a step never falls back to the embedded engine here.
    Path("agentnet.yaml").write_text(models_yaml(upstream, ("gated", "smollm2")))
    network = Network(load_config())
    yield network
    network.close()


def running(server: ThreadedServer, upstream: Upstream, run_id: str) -> None:
    started = httpx.post(f"{server.url}/v1/runs", json={"plan": PLAN, "run_id": run_id, "wait": False}, timeout=60)
    assert started.status_code == 202, started.text
    assert upstream.arrived["gated"].wait(60), "the run never reached its model"


class Follower(threading.Thread):
    """One client streaming the run's events; ``status`` once answered, ``events`` as they come."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.status: int | None = None
        self.events: list[dict[str, Any]] = []
        self.answered = threading.Event()

    def run(self) -> None:
        with httpx.stream("GET", self.url, timeout=120) as response:
            self.status = response.status_code
            self.answered.set()
            for line in response.iter_lines():
                if line.startswith("data: {"):
                    self.events.append(json.loads(line.removeprefix("data: ")))


def counting_reads(network: Network) -> list[float]:
    """The times at which the network's trace is read (the server reads it through ``network.trace``)."""
    reads: list[float] = []
    read = network.trace

    def counted(run_id: str) -> Any:
        reads.append(time.monotonic())
        return read(run_id)

    network.trace = counted  # type: ignore[method-assign]
    return reads


def test_twenty_followers_of_a_run_share_one_read_per_poll(
    run_app: Callable[..., ThreadedServer], network: Network, upstream: Upstream
) -> None:
    server = run_app(create_app(None, ServerSettings(), network=network))
    running(server, upstream, "r1")
    reads = counting_reads(network)
    followers = [Follower(f"{server.url}/v1/runs/r1/events") for _ in range(20)]
    for follower in followers:
        follower.start()
    for follower in followers:
        assert follower.answered.wait(30) and follower.status == 200
    time.sleep(0.5)  # every follower past its own first read (the route's snapshot)
    since = time.monotonic()
    time.sleep(2.0)
    polled = len([at for at in reads if at >= since])
    # One read per poll for the run: about 8 in 2 s. Each follower polling on its own read 20 times that.
    assert polled <= 2.0 / FOLLOW_POLL_S + 3, f"{polled} trace reads in 2 s for 20 followers"

    upstream.open_gate("gated")
    for follower in followers:
        follower.join(30)
        assert not follower.is_alive()
        kinds = [event["event"] for event in follower.events]
        assert kinds[0] == "snapshot" and kinds[-1] == "end", kinds
        end = follower.events[-1]
        assert (end["status"], end["answer"]) == ("succeeded", "answer from gated"), end
    # The run ended: nobody polls it any more.
    settled = len(reads)
    time.sleep(4 * FOLLOW_POLL_S)
    assert len(reads) == settled


def test_followers_beyond_the_limit_are_refused_and_one_that_hangs_up_frees_its_place(
    run_app: Callable[..., ThreadedServer], network: Network, upstream: Upstream
) -> None:
    server = run_app(create_app(None, ServerSettings(max_run_followers=2), network=network))
    running(server, upstream, "r2")
    url = f"{server.url}/v1/runs/r2/events"
    kept = Follower(url)
    kept.start()
    assert kept.answered.wait(30) and kept.status == 200
    with httpx.Client(timeout=30) as client, client.stream("GET", url) as second:
        assert second.status_code == 200
        refused = httpx.get(url, timeout=30)
        assert refused.status_code == 429, refused.text
        error = refused.json()["error"]
        assert error["code"] == "too_many_followers" and "2 clients are following runs" in error["message"]
        assert int(refused.headers["Retry-After"]) >= 1
    # The second follower hung up: its place is free again, once the server has seen the connection end.
    deadline = time.monotonic() + 10
    while True:
        again = Follower(url)
        again.start()
        assert again.answered.wait(30)
        if again.status == 200:
            break
        assert time.monotonic() < deadline, "the place of the follower that hung up was never freed"
        time.sleep(0.1)
    upstream.open_gate("gated")
    for follower in (kept, again):
        follower.join(30)
        assert follower.events[-1]["event"] == "end" and follower.events[-1]["status"] == "succeeded"
