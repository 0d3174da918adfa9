"""Hostile request bodies to a real ``agentnet serve`` (the embedded GGUF behind a token): JSON nested
past any reader, bodies that are not UTF-8, strings that are no text (a lone UTF-16 surrogate), stop
lists no client needs, and more large bodies at once than the server may hold. Each is refused with a
4xx naming the field (or a 503 saying to retry), never a 5xx or a traceback, and the server serves on."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from typing import Any

import httpx
from serve_helpers import Served

JSON = {"Content-Type": "application/json"}
A2A = {**JSON, "A2A-Version": "1.0"}


def post(served: Served, path: str, body: bytes, headers: dict[str, str] = JSON) -> httpx.Response:
    return httpx.post(f"{served.url}{path}", content=body, headers={**served.headers(), **headers}, timeout=120)


def error_of(response: httpx.Response, status: int = 400) -> dict[str, str]:
    assert response.status_code == status, response.text[:500]
    error: dict[str, str] = response.json()["error"]
    return error


def test_a_lone_surrogate_is_a_400_naming_its_field_and_the_server_serves_on(gguf_server: Served) -> None:
    before = len(gguf_server.log_text())
    lone = '"\\ud800 hi"'
    part = '[{"type": "text", "text": LONE}]'
    cases = {
        "messages.0.content": '{"model": "smollm2", "messages": [{"role": "user", "content": LONE}]}',
        "messages.0.content.0.text": '{"model": "smollm2", "messages": [{"role": "user", "content": PART}]}',
        "stop": '{"model": "smollm2", "messages": [{"role": "user", "content": "hi"}], "stop": LONE}',
    }
    for field, body in cases.items():
        raw = body.replace("PART", part).replace("LONE", lone).encode()
        error = error_of(post(gguf_server, "/v1/chat/completions", raw))
        assert error["param"] == field and error["code"] == "invalid_text", error
        assert "surrogate" in error["message"] and field in error["message"]
    # An emoji sent as an escaped surrogate pair is text: it is answered.
    pair = b'{"model": "smollm2", "messages": [{"role": "user", "content": "hi \\ud83d\\ude00"}], "max_tokens": 2}'
    assert post(gguf_server, "/v1/chat/completions", pair).status_code == 200
    log = gguf_server.log_text()[before:]
    assert "Traceback" not in log and "UnicodeEncodeError" not in log, log[-3000:]


def test_json_nested_past_any_reader_is_a_400_on_every_route(gguf_server: Served) -> None:
    before = len(gguf_server.log_text())
    deep = b'{"a": ' * 20_000 + b"1" + b"}" * 20_000
    routes = {
        "/v1/chat/completions": b'{"model": "smollm2", "messages": [{"role": "user", "content": "hi"}], "x": %s}',
        "/v1/runs": b'{"plan": %s}',
        "/v1/directory/search": b'{"query": "x", "filters": %s}',
    }
    for path, body in routes.items():
        error = error_of(post(gguf_server, path, body % deep))
        assert error["code"] == "json_too_deep" and error["param"] == "body", (path, error)
        assert "20001 levels deep" in error["message"]
    rpc = b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": %s}' % deep
    assert error_of(post(gguf_server, "/a2a", rpc, A2A))["code"] == "json_too_deep"
    log = gguf_server.log_text()[before:]
    assert "Traceback" not in log and "RecursionError" not in log, log[-3000:]


def test_a_body_that_is_not_utf8_is_a_400_that_says_where(gguf_server: Served) -> None:
    error = error_of(post(gguf_server, "/v1/runs", b'{"task": "caf\xe9"}'))
    assert error["code"] == "invalid_encoding" and error["param"] == "body"
    assert "byte 13 is 0xe9" in error["message"], error


def test_more_stop_sequences_than_openai_takes_are_a_400(gguf_server: Served) -> None:
    chat = {"model": "smollm2", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}
    for stop, words in ((["a", "b", "c", "d", "e"], "5 sequences"), ("z" * 501, "501 characters")):
        response = httpx.post(
            f"{gguf_server.api_base}/chat/completions",
            json={**chat, "stop": stop},
            headers=gguf_server.headers(),
            timeout=60,
        )
        error = error_of(response)
        assert error["param"] == "stop" and words in error["message"], error
    ok = {**chat, "stop": ["a", "b", "c", "d"]}
    assert httpx.post(f"{gguf_server.api_base}/chat/completions", json=ok, headers=gguf_server.headers()).is_success


def test_an_access_line_with_a_token_in_its_query_is_written_masked(gguf_server: Served) -> None:
    before = len(gguf_server.log_text())
    assert httpx.get(f"{gguf_server.api_base}/models?token=leaked-secret-value").status_code == 401
    log = gguf_server.log_text()[before:]
    assert "leaked-secret-value" not in log
    assert "Logging error" not in log, log[-3000:]
    assert '"GET /v1/models?token=*** HTTP/1.1" 401' in log, log[-3000:]


def test_large_bodies_beyond_the_servers_body_memory_get_503_and_it_serves_on(gguf_server: Served) -> None:
    """90 clients each sending a 990 kB body and waiting: the server holds at most 64 MB of them (its
    body_memory_bytes) and answers the rest 503 with Retry-After at once, instead of growing by ~90 MB."""
    port = int(gguf_server.url.rsplit(":", 1)[1])
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {gguf_server.token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 999000\r\n\r\n"
    ).encode()
    clients = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(90)]
    try:
        for client in clients:
            client.sendall(head)
        for client in clients:
            with contextlib.suppress(OSError):  # refused and closed already
                client.sendall(b"x" * 990_000)  # the last 9 kB never come: the server holds the rest
        time.sleep(1.0)
        answers = []
        for client in clients:
            client.settimeout(0.1)
            try:
                answers.append(client.recv(4096))
            except OSError:
                answers.append(b"")
    finally:
        for client in clients:
            client.close()
    refused = [answer for answer in answers if answer.startswith(b"HTTP/1.1 503")]
    assert len(refused) >= 90 - 64, [answer[:60] for answer in answers]
    assert b"retry-after: 1" in refused[0].lower() and b"server_busy" in refused[0]
    # Once those clients are gone, their memory is free again.
    deadline = time.monotonic() + 15
    while True:
        response = httpx.post(
            f"{gguf_server.url}/v1/directory/search", json={"query": "x" * 3000}, headers=gguf_server.headers()
        )
        if response.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 200, response.text


def test_a_request_head_past_64_kb_is_431_however_it_arrives(gguf_server: Served) -> None:
    """uvicorn's parser kept any head in memory until the 10 s head deadline: one client sent 59 MB of
    one header (+100 MB in the server). Now a head past 64 kB is 431, whole or still arriving."""
    models = f"{gguf_server.api_base}/models"
    assert httpx.get(models, headers={**gguf_server.headers(), "X-Pad": "a" * 40_000}).status_code == 200
    error = error_of(httpx.get(models, headers={**gguf_server.headers(), "X-Pad": "a" * 70_000}), 431)
    assert error["code"] == "headers_too_large" and "65536 bytes" in error["message"]
    port = int(gguf_server.url.rsplit(":", 1)[1])
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
        client.sendall(b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ")
        with contextlib.suppress(OSError):  # the server closes the connection: what we want
            while sent < 20_000_000:
                client.sendall(b"a" * 100_000)
                sent += 100_000
        answer = b""
        with contextlib.suppress(OSError):
            answer = client.recv(4096)
    assert answer.startswith(b"HTTP/1.1 431") and b"headers_too_large" in answer, answer[:200]
    assert sent < 20_000_000, "the server read 20 MB of one header"


def test_a_nul_in_a_task_is_a_400_not_a_broken_run_database(serve: Any, pg_url: str) -> None:
    """Runs in a real PostgreSQL, which cannot store NUL: a task holding one failed as "the run database
    holds data this agentnet cannot read" (503), and an A2A GetTask for such an id as a JSON-RPC internal
    error with a traceback. Refused at the gate now, naming the field, on every route that records runs."""
    served = serve("pg", config=f"runs:\n  url: {pg_url}\n", token="test-token-0123456789abcdef")
    before = len(served.log_text())
    nul = "What is 2+2?\u0000"
    cases = [
        ("/v1/runs", {"task": nul}, JSON, "task"),
        ("/v1/runs", {"task": nul, "wait": False}, JSON, "task"),
        ("/v1/chat/completions", {"model": "agentnet", "messages": [{"role": "user", "content": nul}]}, JSON,
         "messages.0.content"),
        ("/a2a", {"jsonrpc": "2.0", "id": 1, "method": "SendMessage",
                  "params": {"message": {"messageId": "m1", "role": "ROLE_USER", "parts": [{"text": nul}]}}}, A2A,
         "params.message.parts.0.text"),
        ("/a2a", {"jsonrpc": "2.0", "id": 1, "method": "GetTask", "params": {"id": "a\u0000b"}}, A2A, "params.id"),
    ]  # fmt: skip
    for path, body, headers, field in cases:
        error = error_of(post(served, path, json.dumps(body).encode(), headers))
        assert error["code"] == "invalid_text" and error["param"] == field, (path, error)
        assert "NUL" in error["message"]
    # The database is fine: the same task without the NUL runs.
    done = post(served, "/v1/runs", json.dumps({"task": "What is 2+2?"}).encode())
    assert done.status_code == 200 and done.json()["status"] == "succeeded", done.text[:500]
    log = served.log_text()[before:]
    assert "Traceback" not in log and "cannot read" not in log, log[-3000:]
