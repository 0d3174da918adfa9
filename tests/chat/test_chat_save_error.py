"""`agentnet chat` fed its turns on stdin: a /save that cannot write (a folder that does not exist, a
folder given as the file) is one error line naming the path, and the session goes on. Before, the
OSError left the chat loop: the session ended there (exit 2) and the turns after it were never read.
The real CLI, the bundled calculator answering (no model call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def chat(stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "AGENTNET_NO_DAEMON": "1"}
    return subprocess.run(
        [AGENTNET, "chat"], input=stdin, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def test_a_save_that_cannot_write_leaves_the_session_going(agentnet_home: Path) -> None:
    Path("folder.json").mkdir()
    done = chat("What is 6 * 7?\n/save missing/dir/talk.json\n/save folder.json\nWhat is 2 * 3?\n/save talk.md\n")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "missing/dir/talk.json does not exist" in done.stderr
    assert "folder.json is a folder, where a file was expected" in done.stderr
    assert "42" in done.stdout and "\n6\n" in done.stdout
    saved = Path("talk.md").read_text()
    assert "What is 2 * 3?" in saved
    [session] = (agentnet_home / "chats").glob("*.json")
    asked = [m["content"] for m in json.loads(session.read_text())["messages"] if m["role"] == "user"]
    assert asked == ["What is 6 * 7?", "What is 2 * 3?"]
