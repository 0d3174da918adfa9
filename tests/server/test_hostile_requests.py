"""Hostile requests to a real ``agentnet serve`` (the embedded GGUF behind a token): refused with a 4xx
and a message, never a 5xx, and nothing of them ends up as a traceback in the server's log."""

from __future__ import annotations

import json
from typing import Any

import httpx
from serve_helpers import Served


def nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_deep_response_format_is_400_on_every_route(gguf_server: Served) -> None:
    before = len(gguf_server.log_text())
    fmt = {"type": "json_schema", "json_schema": {"name": "out", "schema": nested(120)}}
    for model in ("smollm2", "agentnet"):
        for stream in (False, True):
            body = {"model": model, "messages": [{"role": "user", "content": "hi"}], "response_format": fmt}
            response = httpx.post(
                f"{gguf_server.api_base}/chat/completions",
                json={**body, "stream": stream},
                headers=gguf_server.headers(),
                timeout=60,
            )
            assert response.status_code == 400, (model, stream, response.text[:300])
            error = response.json()["error"]
            assert error["code"] == "invalid_schema" and error["param"] == "response_format"
            assert "nested more than 64 levels" in error["message"]
    log = gguf_server.log_text()[before:]
    assert "Traceback" not in log and "RecursionError" not in log, log[-3000:]


def _raw(served: Served, request: bytes, drip: bytes = b"", every_s: float = 0.0, limit_s: float = 30) -> bytes:
    """Send raw bytes (then ``drip`` one byte at a time), return what the server answered."""
    import socket
    import time

    port = int(served.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=limit_s) as sock:
        sock.sendall(request)
        for byte in drip:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break  # the server dropped us: what we want
            time.sleep(every_s)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_lowercase_bearer_is_accepted_and_a_missing_host_is_refused(gguf_server: Served) -> None:
    token = gguf_server.token or ""
    for scheme in ("bearer", "BEARER", "Bearer"):
        response = httpx.get(f"{gguf_server.api_base}/models", headers={"Authorization": f"{scheme} {token}"})
        assert response.status_code == 200, (scheme, response.text)
    wrong = httpx.get(f"{gguf_server.api_base}/models", headers={"Authorization": f"Basic {token}"})
    assert wrong.status_code == 401
    # HTTP/1.0 without a Host header: the DNS-rebinding guard cannot be skipped by leaving Host out.
    answer = _raw(gguf_server, f"GET /v1/models HTTP/1.0\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert b"host_not_allowed" in answer


def test_a_slow_drip_body_is_dropped_with_408(serve) -> None:  # type: ignore[no-untyped-def]
    import time

    served = serve("drip", args=("--body-timeout", "1"))
    body = b'{"model": "smollm2", "messages": [{"role": "user", "content": "hi"}]}'
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer = _raw(served, head, drip=body, every_s=0.5)
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
    assert b"request_timeout" in answer
    # Dropped at the timeout, not after the whole drip (which would take len(body) / 2 s = 35 s).
    assert elapsed < len(body) * 0.5 / 2, elapsed


def test_a_slow_or_silent_request_head_is_dropped_with_408(serve) -> None:  # type: ignore[no-untyped-def]
    import socket
    import time

    served = serve("slowloris", args=("--header-timeout", "1"))
    head = b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 60 + b"\r\n\r\n"
    started = time.monotonic()
    answer = _raw(served, b"", drip=head, every_s=0.3)  # the whole head would take 25 s
    assert answer.startswith(b"HTTP/1.1 408"), answer[:300]
    assert b"request_timeout" in answer
    assert time.monotonic() - started < 10
    # A connection that never sends a byte is answered and closed too (it held a descriptor forever).
    port = int(served.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        started = time.monotonic()
        silent = sock.recv(65536)
        assert silent.startswith(b"HTTP/1.1 408"), silent[:300]
        assert sock.recv(65536) == b""  # closed
        assert time.monotonic() - started < 10
    # A kept-alive connection idle between requests is not a slow head: the second request is served.
    with httpx.Client(base_url=served.api_base, timeout=30) as client:
        assert client.get("/models").status_code == 200
        time.sleep(2)  # longer than --header-timeout, shorter than uvicorn's keep-alive timeout
        again = client.get("/models")
        assert again.status_code == 200, again.text
        assert client.get("/models").status_code == 200
    assert "Traceback" not in served.log_text()


def test_one_client_cannot_run_more_remote_calls_than_the_cap(serve) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from fake_upstream import Upstream

    upstream = Upstream(delay_s=0.5)  # each streamed reply takes ~2 s: the calls overlap
    try:
        config = (
            "models:\n  - id: paid\n    adapter: litellm\n    model: openai/fake\n"
            f"    api_base: {upstream.api_base}\n    params: {{retries: 0}}\n"
        )
        served = serve("paid", config=config, args=("--max-concurrent-remote", "2"))
        body = {"model": "paid", "messages": [{"role": "user", "content": "hi"}], "stream": True}

        async def burst() -> list[httpx.Response]:
            async with httpx.AsyncClient(timeout=60) as client:
                calls = [client.post(f"{served.api_base}/chat/completions", json=body) for _ in range(5)]
                return await asyncio.gather(*calls)

        responses = asyncio.run(burst())
        assert sorted(r.status_code for r in responses) == [200, 200, 429, 429, 429], [r.text for r in responses]
        for response in responses:
            if response.status_code == 429:
                error = response.json()["error"]
                assert error["code"] == "remote_limit" and "--max-concurrent-remote 2" in error["message"]
                assert int(response.headers["Retry-After"]) >= 1
            else:
                assert "Hello from upstream." in "".join(
                    json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
                    for line in response.text.splitlines()
                    if line.startswith("data: {")
                )
        assert len(upstream.requests) == 2  # the refused calls never reached the provider
        # The slots are given back: the next call is served.
        again = httpx.post(f"{served.api_base}/chat/completions", json={**body, "stream": False}, timeout=60)
        assert again.status_code == 200, again.text
    finally:
        upstream.close()
