"""The server's gate (``agentnet.server.guard.Guard``) and the settings it enforces, at their boundaries,
called as the ASGI middleware it is: which Host names pass on loopback (IPv6 and a public URL's name with a
port), the caller's deadline (the smallest one honoured, NaN, the spent ones, the default), the hop limit,
Content-Length against the 1 MB default, and the smallest value each limit takes. Milliseconds each, no
socket; tests/server/test_security.py and test_limits.py check the same gate over real HTTP."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from agentnet.server.guard import Federation, Guard
from agentnet.server.settings import DEADLINE_HEADER, HOPS_HEADER, ServerSettings


def gate(settings: ServerSettings, headers: dict[str, str], path: str = "/v1/models") -> tuple[int, Any]:
    """(status, the request's Federation when it passed / the error body when it was refused)."""
    passed: list[Federation] = []

    async def route(scope: Any, receive: Any, send: Any) -> None:
        passed.append(scope["state"]["federation"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }
    asyncio.run(Guard(route, settings)(scope, receive, send))
    status = int(sent[0]["status"])
    return status, (passed[0] if status == 200 else json.loads(sent[1]["body"])["error"])


LOCAL = {"Host": "127.0.0.1:8000"}


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "[::1]:8000", "[::1]", "LOCALHOST:80"])
def test_loopback_host_names_pass(host: str) -> None:
    assert gate(ServerSettings(), {"Host": host})[0] == 200


@pytest.mark.parametrize("host", ["", "attacker.example", "[2001:db8::1]:8000", "[]:8000", "127.0.0.1.nip.io:8000"])
def test_other_host_names_are_refused_on_loopback(host: str) -> None:
    status, error = gate(ServerSettings(), {"Host": host} if host else {})
    assert (status, error["code"]) == (403, "host_not_allowed")


@pytest.mark.parametrize(
    ("public_url", "host"),
    [
        ("https://Agents.example.org:8443/agentnet", "agents.example.org:8443"),
        ("https://agents.example.org", "agents.example.org"),
        ("http://[2001:db8::5]:8443", "[2001:db8::5]:8443"),
        ("http://[2001:db8::5]", "[2001:DB8::5]"),
    ],
)
def test_the_public_url_names_a_host_that_passes_behind_a_proxy(public_url: str, host: str) -> None:
    settings = ServerSettings(public_url=public_url)
    assert gate(settings, {"Host": host})[0] == 200
    assert gate(settings, {"Host": "other.example.org"})[0] == 403
    assert gate(settings, {"Host": "[2001:db8::6]:8443"})[0] == 403


def test_the_smallest_deadline_is_honoured_and_a_spent_one_refused() -> None:
    settings = ServerSettings(default_deadline_s=300)
    for seconds in (0.05, 0.5):  # 50 ms: the smallest deadline a server still takes
        status, federation = gate(settings, {**LOCAL, DEADLINE_HEADER: str(seconds)})
        assert status == 200, federation
        assert 0 < federation.remaining() <= seconds
    for spent in ("0.049", "0", "-1", "nan"):
        status, error = gate(settings, {**LOCAL, DEADLINE_HEADER: spent})
        assert (status, error["code"]) == (504, "deadline_exceeded"), spent
    status, error = gate(settings, {**LOCAL, DEADLINE_HEADER: "soon"})
    assert (status, error["code"]) == (400, "invalid_header")


def test_a_callers_deadline_never_extends_the_servers_own() -> None:
    status, federation = gate(ServerSettings(default_deadline_s=2), {**LOCAL, DEADLINE_HEADER: "3600"})
    assert status == 200 and 0 < federation.remaining() <= 2
    status, federation = gate(ServerSettings(default_deadline_s=2), LOCAL)
    assert status == 200 and 1 < federation.remaining() <= 2 and not math.isnan(federation.remaining())


def test_without_a_callers_deadline_a_request_has_the_servers_five_minutes() -> None:
    status, federation = gate(ServerSettings(), LOCAL)
    assert status == 200 and 299 < federation.remaining() <= 300


def test_the_hop_limit_is_the_number_of_servers_already_crossed() -> None:
    settings = ServerSettings(max_hops=3)
    status, federation = gate(settings, {**LOCAL, HOPS_HEADER: "2"})
    assert status == 200 and federation.hops == 2
    assert federation.outgoing_headers("me")[HOPS_HEADER] == "3"
    status, error = gate(settings, {**LOCAL, HOPS_HEADER: "3"})
    assert (status, error["code"]) == (508, "hop_limit_exceeded")
    status, error = gate(settings, {**LOCAL, HOPS_HEADER: "-1"})
    assert (status, error["code"]) == (400, "invalid_header")


def test_content_length_is_checked_before_the_body_is_read() -> None:
    assert gate(ServerSettings(), {**LOCAL, "Content-Length": "1000000"})[0] == 200  # docs/serving.md: 1 MB
    assert gate(ServerSettings(), {**LOCAL, "Content-Length": "1000001"})[0] == 413
    settings = ServerSettings(max_body_bytes=100)
    assert gate(settings, {**LOCAL, "Content-Length": "100"})[0] == 200
    status, error = gate(settings, {**LOCAL, "Content-Length": "101"})
    assert status == 413
    status, error = gate(settings, {**LOCAL, "Content-Length": "1e3"})
    assert (status, error["code"]) == (400, "invalid_content_length")


def test_only_health_and_the_agent_card_are_public_behind_a_token() -> None:
    settings = ServerSettings(token=SecretStr("t" * 32))
    assert gate(settings, LOCAL, path="/healthz")[0] == 200
    assert gate(settings, LOCAL, path="/.well-known/agent-card.json")[0] == 200
    assert gate(settings, LOCAL, path="/readyz")[0] == 401
    assert gate(settings, {**LOCAL, "Authorization": "bearer " + "t" * 32}, path="/readyz")[0] == 200
    assert gate(settings, {**LOCAL, "Authorization": "Bearer " + "t" * 31}, path="/readyz")[0] == 401


def test_a_guessed_token_is_compared_at_one_length_whatever_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """compare_digest returns at once for values of different lengths: comparing the tokens themselves
    told a caller by timing when a guess had the server's token's length. Their digests are compared."""
    import agentnet.server.guard as guard

    compared: list[tuple[int, int]] = []
    real = guard.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(guard.hmac, "compare_digest", spy)
    settings = ServerSettings(token=SecretStr("t" * 32))
    for guess in ("x", "t" * 31, "x" * 32, "t" * 33, "t" * 500, "t" * 32):
        status = gate(settings, {**LOCAL, "Authorization": f"Bearer {guess}"})[0]
        assert status == (200 if guess == "t" * 32 else 401), guess
    assert set(compared) == {(32, 32)}, compared


@pytest.mark.parametrize(
    ("setting", "smallest", "refused"),
    [
        ("port", 0, -1),  # 0: the kernel picks (tests, --port 0)
        ("max_body_bytes", 1, 0),
        ("header_timeout_s", 0.01, 0),
        ("body_timeout_s", 0.01, 0),
        ("max_messages", 1, 0),
        ("max_tokens_limit", 1, 0),
        ("max_n", 1, 0),
        ("local_concurrency", 1, 0),
        ("local_queue", 0, -1),  # 0: nothing waits, a busy model answers 429 at once
        ("max_concurrent_remote", 0, -1),  # 0: no limit
        ("max_hops", 1, 0),
        ("default_deadline_s", 0.01, 0),
        ("peer_refresh_s", 0, -1),  # 0: only on `agentnet peers refresh`
    ],
)
def test_each_limit_takes_its_smallest_meaningful_value_and_refuses_the_one_below(
    setting: str, smallest: float, refused: float
) -> None:
    assert getattr(ServerSettings(**{setting: smallest}), setting) == smallest
    with pytest.raises(ValidationError):
        ServerSettings(**{setting: refused})


def test_the_largest_port_is_65535() -> None:
    assert ServerSettings(port=65535).base_url == "http://127.0.0.1:65535"
    with pytest.raises(ValidationError):
        ServerSettings(port=65536)
