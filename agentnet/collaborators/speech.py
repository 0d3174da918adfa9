"""Speech out with espeak-ng (a Debian package: ``apt-get install espeak-ng``): text -> a WAV file,
offline. The node's text is what was said; the audio is a file output the run keeps."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from agentnet.collaborators.carried import Handed, text_to_read
from agentnet.errors import ModelCallError, UserError
from agentnet.nodes.outputs import OutputFile, ToolOutput

PROGRAM = "espeak-ng"
INSTALL = "apt-get install espeak-ng"
MAX_CHARS = 20_000
TIMEOUT_S = 120.0


def installed() -> bool:
    return shutil.which(PROGRAM) is not None


def wav_duration(data: bytes) -> float:
    """Seconds of audio in WAV bytes (0 when the header says nothing plays)."""
    with wave.open(io.BytesIO(data)) as reader:
        rate = reader.getframerate()
        return reader.getnframes() / rate if rate else 0.0


VOICES = {"english": "en", "american": "en-us", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
          "portuguese": "pt", "dutch": "nl"}  # fmt: skip
Language = Literal["english", "american", "french", "german", "spanish", "italian", "portuguese", "dutch"]


def speak(
    text: Annotated[str, Field(description="What to say", json_schema_extra={"x-agentnet": "input"})],
    language: Annotated[Language, Field(description="The language (voice) to speak in")] = "english",
    request: Annotated[
        str, Field(description="The request (its quoted text, or what follows its colon, is said when no text "
                   "is given)", json_schema_extra={"x-agentnet": "request"})
    ] = "",
    handed: Handed = False,
) -> ToolOutput:  # fmt: skip
    """Say a text aloud: a WAV recording of it, made offline by espeak-ng."""
    # Nothing handed over: the input is the request, whose own words ("Read this out loud:") are not said.
    text = text_to_read(text, request, handed) or text
    program = shutil.which(PROGRAM)
    if program is None:
        raise UserError(f"speech needs {PROGRAM}, which is not installed", hint=INSTALL, code="capability_missing")
    said = " ".join(text.split())[:MAX_CHARS]
    if not said:
        raise UserError("nothing to say: the text is empty")
    # Written to a file, not stdout: a streamed WAV header does not know its length.
    with tempfile.TemporaryDirectory(prefix="agentnet-speech-") as folder:
        target = Path(folder) / "speech.wav"
        try:
            done = subprocess.run(
                [program, "-v", VOICES[language], "-w", str(target), "--stdin"],
                input=said.encode("utf-8"),
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ModelCallError(f"{PROGRAM} did not finish within {TIMEOUT_S:g} s", code="tool_failed") from None
        audio = target.read_bytes() if target.is_file() else b""
    if done.returncode != 0 or not audio:
        error = done.stderr.decode("utf-8", "replace").strip()[:300]
        raise ModelCallError(f"{PROGRAM} failed (exit {done.returncode}): {error}", code="tool_failed")
    seconds = wav_duration(audio)
    return ToolOutput(
        said,
        {"text": said, "duration_s": round(seconds, 3), "language": language},
        [OutputFile("speech.wav", "audio/wav", audio)],
    )
