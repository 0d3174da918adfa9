"""A client that hangs up in the middle of a streamed completion, against the real ``agentnet serve``
(embedded SmolLM2): the model stops generating, and the next caller is served at once."""

from __future__ import annotations

import time

import httpx
from serve_helpers import Served

STORY = [{"role": "user", "content": "Write a very long story about a dragon, at least 3000 words."}]


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime and stime, in clock ticks of 1/100 s


def cpu_over(pid: int, seconds: float) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


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
