"""Speech through the real CLI on a fresh AGENTNET_HOME with espeak-ng: a request that carries its
text after a colon says that text, not the request. "Read this out loud: the train leaves at nine"
once recorded "Read this out loud: the train leaves at nine" (and answered with it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentnet.collaborators.carried import carried_text
from agentnet.collaborators.speech import speak, wav_duration

AGENTNET = str(Path(sys.executable).parent / "agentnet")


@pytest.mark.usefixtures("agentnet_home", "espeak_ng")
def test_the_text_after_the_colon_is_said() -> None:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    task = "Read this out loud: the train leaves at nine"
    done = subprocess.run([AGENTNET, "run", "--json", task], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and result["answer"] == "the train leaves at nine", result
    (wav,) = result["files"]
    alone = speak("the train leaves at nine").data["duration_s"]
    assert wav_duration(Path(wav).read_bytes()) == pytest.approx(alone, abs=0.05)


@pytest.mark.usefixtures("espeak_ng")
def test_text_handed_over_is_said_whole() -> None:
    """A file's text (handed) is said as it is, colons and all; so is a request carrying no text."""
    said = speak("Note: bring the keys", request="Read this file aloud", handed=True)
    assert said.text == "Note: bring the keys"
    assert speak("Say something nice", request="Say something nice").text == "Say something nice"


@pytest.mark.usefixtures("agentnet_home", "espeak_ng")
def test_a_time_is_not_a_colon_that_introduces_the_text() -> None:
    """ "Say the time is 10:30" is said whole: it was said as "30", the colon of the time read as the one
    that introduces the text (through the real CLI, `agentnet ask --model speech`)."""
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, "ask", "--model", "speech", "Say the time is 10:30"], capture_output=True,
                          text=True, timeout=120, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "Say the time is 10:30", (done.stdout, done.stderr)


@pytest.mark.parametrize(
    ("request_text", "carried"),
    [("Say the time is 10:30", None), ("Read https://example.com aloud", None), ("Explain a 3:1 ratio", None),
     ("Say this: the meeting is at 10:30", "the meeting is at 10:30"), ("Note:bring the keys", "bring the keys")],
)  # fmt: skip
def test_the_colon_that_introduces_a_text(request_text: str, carried: str | None) -> None:
    assert carried_text(request_text) == carried
