"""A saved conversation cut short or not agentnet's: `ask --continue`, `ask --conversation ID` and
`chat --resume ID` name the file and how to go on (exit 2), never a JSONDecodeError traceback; the
file is left for the user to look at. The real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run(
        [AGENTNET, *args], capture_output=True, text=True, timeout=300, env=env, check=False, stdin=subprocess.DEVNULL
    )


def test_a_damaged_conversation_is_named_with_the_fix(agentnet_home: Path) -> None:
    chats = agentnet_home / "chats"
    chats.mkdir()
    cut = chats / "0123456789.json"
    cut.write_text('{\n "id": "0123456789",\n "model": null,\n "messages": [{"role": "user", "cont')
    wrong = chats / "abcdefabcd.json"
    wrong.write_text('{"id": "abcdefabcd", "messages": ["not a message"]}')
    os.utime(cut, (1, 1))  # the other one is the newest
    for args, path in [
        (("ask", "--continue", "hi"), wrong),
        (("ask", "--conversation", "0123456789", "hi"), cut),
        (("chat", "--resume", "0123456789"), cut),
    ]:
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert f"the saved conversation {path} is damaged" in done.stderr, done.stderr
        assert f"move it aside (`mv {path} {path}.broken`)" in done.stderr
    assert cut.exists() and wrong.exists()
