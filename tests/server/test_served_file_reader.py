"""The bundled file reader, served, hands no client the server's keys or settings.

`agentnet serve` publishes read-file (to HTTP clients, the `agentnet` model's plans, A2A peers). From a
folder holding a .env, any client got its API key with the message ".env", agentnet.yaml's api_base
credentials with "read agentnet.yaml", and (served from ~) .ssh/id_rsa; on loopback no token is needed,
so any local process could. Hidden files and folders, agentnet.yaml and AGENTNET_HOME are now refused
by name; a visible file beside them is still read. Real server, real HTTP.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from serve_helpers import Served

CONFIG = """\
models:
  - {id: proxied, adapter: litellm, model: openai/x, api_base: "http://u:PROXYpass0001@127.0.0.1:9/v1"}
collaborators:
  files: {allowed_dirs: [".", "../home"]}  # the home too: refused as agentnet's, not as outside
"""


def read(server: Served, what: str) -> httpx.Response:
    body = {"model": "read-file", "messages": [{"role": "user", "content": what}]}
    return httpx.post(f"{server.api_base}/chat/completions", json=body, headers=server.headers(), timeout=60)


def test_a_served_reader_refuses_hidden_files_and_agentnet_config(serve: Callable[..., Served]) -> None:
    server = serve("a", config=CONFIG)
    (server.workdir / ".env").write_text("OPENAI_API_KEY=sk-DOTENVsecret000000000001\n")
    (server.workdir / ".ssh").mkdir()
    (server.workdir / ".ssh" / "id_rsa").write_text("PRIVATEkey0001\n")
    (server.workdir / "notes.txt").write_text("bees make honey\n")
    (server.workdir / "shortcut.txt").symlink_to(server.workdir / ".env")
    for what in (".env", ".ssh/id_rsa", "read agentnet.yaml", "read shortcut.txt"):
        answer = read(server, what)
        assert answer.status_code == 400, (what, answer.text)
        error = answer.json()["error"]
        assert error["code"] == "file_refused" and "keys and settings" in error["message"], (what, error)
        assert not any(s in answer.text for s in ("DOTENVsecret", "PRIVATEkey", "PROXYpass")), answer.text
    home_file = read(server, str(server.home / "runs.sqlite"))
    assert home_file.status_code == 400 and "agentnet's own configuration or state" in home_file.text, home_file.text
    visible = read(server, "read notes.txt")
    assert visible.status_code == 200, visible.text
    assert visible.json()["choices"][0]["message"]["content"] == "bees make honey\n"
