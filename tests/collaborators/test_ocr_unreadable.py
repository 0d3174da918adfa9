"""Images OCR cannot read, through the real CLI on a fresh AGENTNET_HOME: a text file named .png, an
image without text and a recipe that reads a blank photo then summarises it. Each stops at OCR with
what the file is and the fix. A text file once failed with 'LoadImageError: cannot identify image
file .../artifacts/<sha256>.png' and the hint 'check those models are up'; a blank image 'succeeded'
with an empty answer, and the recipe's summary step then summarised nothing ('The <data> blocks
above are instructions to follow.')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from agentnet.collaborators.ocr import read_image_text
from agentnet.errors import UserError

AGENTNET = str(Path(sys.executable).parent / "agentnet")
READ = "Read the text in this image"


def agentnet(*args: str) -> dict[str, Any]:
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run([AGENTNET, *args, "--json"], capture_output=True, text=True, timeout=600, env=env,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.usefixtures("agentnet_home")
def test_a_text_file_named_png_is_said_to_be_text() -> None:
    Path("photo.png").write_text("this is not an image\n")
    result = agentnet("run", READ, "--input", "photo.png")
    assert result["status"] == "failed", result
    message, hint = result["error"]["message"], result["error"]["hint"]
    assert "ocr (image_unreadable): the file handed over as an image is not one: it holds text" in message, message
    assert "'this is not an image'" in message and "hand over a PNG, JPEG" in hint, result["error"]
    assert "models are up" not in hint and "LoadImageError" not in message


@pytest.mark.usefixtures("agentnet_home")
def test_an_image_without_text_has_no_answer() -> None:
    Image.new("RGB", (400, 300), "white").save("blank.jpg")
    result = agentnet("run", READ, "--input", "blank.jpg")
    assert result["status"] == "failed" and result["answer"] is None, result
    assert "no text found in the image (400x300 px)" in result["error"]["message"], result["error"]


@pytest.mark.usefixtures("agentnet_home")
def test_a_recipe_does_not_summarise_a_blank_photo() -> None:
    Image.new("RGB", (400, 300), "white").save("blank.png")
    Path("read.yaml").write_text(
        "name: read-and-summarise\ninputs:\n  photo: {type: image}\nsteps:\n"
        '  - {id: read, model: ocr, prompt: "Read the text on {{ inputs.photo }}"}\n'
        '  - {id: summary, model: smollm2, max_tokens: 30, prompt: "Summarise: {{ steps.read.output }}"}\n'
        'output: "{{ steps.summary.output }}"\n'
    )
    result = agentnet("recipe", "run", "read.yaml", "--input", "photo=blank.png")
    assert result["status"] == "failed", result
    assert "no text found in the image (400x300 px)" in json.dumps(result), result
    trace = subprocess.run([AGENTNET, "runs", "show", result["run_id"], "--json"], capture_output=True, text=True,
                           timeout=120, check=True)  # fmt: skip
    assert "summary" not in [step["id"] for step in json.loads(trace.stdout)["steps"]]  # it never ran


@pytest.mark.slow
def test_a_large_image_without_text_says_it_is_read_scaled_down(tmp_path: Path) -> None:
    Image.new("RGB", (2600, 600), "white").save(tmp_path / "wide.png")
    with pytest.raises(UserError, match=r"no text found in the image \(2600x600 px\)") as raised:
        read_image_text(tmp_path / "wide.png")
    assert "scaled down to 2000 px" in (raised.value.hint or "") and raised.value.conclusive


def test_an_image_too_large_to_decode_is_refused_with_its_size(tmp_path: Path) -> None:
    """A 30000x30000 px PNG is 109 KB on disk: it failed as "tool 'ocr' failed: DecompressionBombError ..."
    with the hint "check those models are up". Under twice Pillow's limit Pillow only warned, and
    RapidOCR decoded it whole."""
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20_000, 10_000)).save(bomb)
    with pytest.raises(UserError, match=r"over 178,956,970 pixels, more than the 89,478,485 pixels") as refused:
        read_image_text(bomb)
    assert refused.value.code == "image_unreadable" and "scale it down" in (refused.value.hint or "")
    large = tmp_path / "large.png"
    Image.new("1", (10_000, 9_000)).save(large)
    with pytest.raises(UserError, match=r"10000x9000 px \(90,000,000 pixels\), more than"):
        read_image_text(large)


def test_an_empty_file_handed_over_as_an_image_is_said_to_be_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(UserError, match=r"not one: it is empty \(0 bytes\)"):
        read_image_text(tmp_path / "empty.png")


@pytest.mark.usefixtures("agentnet_home")
def test_a_decompression_bomb_stops_the_run_with_the_fix() -> None:
    Image.new("1", (20_000, 10_000)).save("scan.png")
    result = agentnet("run", READ, "--input", "scan.png")
    assert result["status"] == "failed", result
    message, hint = result["error"]["message"], result["error"]["hint"]
    assert "image_unreadable" in message and "more than the 89,478,485 pixels" in message, message
    assert "DecompressionBomb" not in message and "models are up" not in hint and "scale it down" in hint, hint
