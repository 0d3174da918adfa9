"""A client that hangs up in the middle of a streamed completion, against the real ``agentnet serve``
(embedded SmolLM2): the model stops generating, and the next caller is served at once."""

from __future__ import annotations

import json
import time

import httpx
from serve_helpers import Served, cpu_over

STORY = [{"role": "user", "content": "Write a very long story about a dragon, at least 3000 words."}]


def test_a_client_that_hangs_up_mid_stream_stops_the_model(gguf_server: Served) -> None:
    """Before, the model went on to max_tokens after the client left (its admission ticket already
    released): the server kept a core busy for ~20 s and the next short call waited for all of it."""
    pid = gguf_server.process.pid
    # The server is shared with other tests of this process: start when it is idle.
    deadline = time.monotonic() + 120
    while cpu_over(pid, 1.0) > 0.1 and time.monotonic() < deadline:
        pass
    body = {"model": "smollm2", "messages": STORY, "max_tokens": 1800, "stream": True}
    url = f"{gguf_server.api_base}/chat/completions"
    with httpx.stream("POST", url, json=body, headers=gguf_server.headers(), timeout=120) as streamed:
        assert streamed.status_code == 200
        for seen, _ in enumerate(streamed.iter_lines()):
            if seen == 6:  # a few tokens in, the client goes away
                break
    time.sleep(0.5)  # the server notices (the next write, or its disconnect watch) and stops the call
    spent = cpu_over(pid, 3.0)
    assert spent < 0.6, f"the server spent {spent:.1f} s of CPU in the 3 s after the client left"
    started = time.monotonic()
    short = {"model": "smollm2", "messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 5}
    answer = httpx.post(url, json=short, headers=gguf_server.headers(), timeout=120)
    assert answer.status_code == 200, answer.text
    assert time.monotonic() - started < 60  # served (timing on a loaded machine says little more)


def test_a_client_that_hangs_up_mid_agentnet_stream_stops_the_run(gguf_server: Served) -> None:
    """The ``agentnet`` model streamed: the client leaves once its run's first step started. Before, the
    run went on to its end (a long story: ~10 s of SmolLM2 on a free core) with nobody listening, holding
    the network for every caller after it, and ended "succeeded". Now it stops as a cancelled run does:
    interrupted (resumable), and the server's CPU goes quiet."""
    pid = gguf_server.process.pid
    deadline = time.monotonic() + 120
    while cpu_over(pid, 1.0) > 0.1 and time.monotonic() < deadline:
        pass
    body = {"model": "agentnet", "messages": STORY, "stream": True}
    url = gguf_server.api_base
    run_id = None
    with httpx.stream(
        "POST", f"{url}/chat/completions", json=body, headers=gguf_server.headers(), timeout=120
    ) as streamed:
        assert streamed.status_code == 200
        for line in streamed.iter_lines():
            if '"event": "started"' in line:  # the run's first step began: the client goes away
                run_id = json.loads(line.removeprefix("data: "))["agentnet"]["event"]["run_id"]
                break
    assert run_id is not None
    status = "running"
    deadline = time.monotonic() + 90
    while status == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        trace = httpx.get(f"{url}/runs/{run_id}", headers=gguf_server.headers(), timeout=30).json()
        status = trace["status"]
    assert status == "interrupted", trace
    assert trace["error"]["code"] == "cancelled"
    # The server goes quiet (the story would take SmolLM2 ~10 s more). A quiet second within 6 s, not
    # the 3 s above: twice in ~15 runs llama.cpp went on decoding for 1-2 s after a call abandoned at
    # its very start (gdb: llama_decode on the engine's worker), a tail the next call waits out.
    quiet = [cpu_over(pid, 1.0)]
    while quiet[-1] >= 0.2 and len(quiet) < 6:
        quiet.append(cpu_over(pid, 1.0))
    assert quiet[-1] < 0.2, f"the server kept busy after the run stopped: CPU s per second {quiet}"
