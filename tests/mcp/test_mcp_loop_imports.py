"""The MCP hub's event-loop thread imports none of the SDK: the calling thread does, before handing
the call over. An import on the loop thread holds every session and the exit's close behind it: an
`agentnet run` interrupted at its MCP step's first call spent 10 s more in the hub's close (its bound)
while the loop thread imported the SDK under coverage beside four busy loops. Real hub, a real stdio
server (fixture_server.py), in a fresh process whose import audit events name their thread."""

from __future__ import annotations

import subprocess
import sys

from mcpkit import FIXTURE_SERVER

PROBE = f"""
import sys, threading
on_loop = []
def audit(event, args):
    if event == "import" and args[0].split(".")[0] == "mcp" and threading.current_thread().name == "agentnet-mcp":
        on_loop.append(args[0])
sys.addaudithook(audit)
from agentnet.config import McpServerSpec
from agentnet.mcp.hub import McpHub
hub = McpHub()
spec = McpServerSpec.model_validate({{"name": "fx", "command": sys.executable, "args": [{str(FIXTURE_SERVER)!r}]}})
try:
    print(hub.server(spec).call_tool("echo", {{"text": "hi"}}, 60).content[0].text)
finally:
    hub.close()
print(sorted(set(on_loop)))
"""


def test_the_hub_loop_thread_imports_none_of_the_sdk() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    echoed, imported = done.stdout.strip().splitlines()[-2:]
    assert echoed.endswith("hi"), done.stdout
    assert imported == "[]", f"imported on the hub's loop thread: {imported}"
