"""Images as OpenAI content parts (issue 15 §2): a data: URL sent to the ``agentnet`` model reaches the
OCR collaborator as an input of the run; other URLs, non-images, images sent to a text model and images
over ``runs.max_artifact_bytes`` are refused with a clear 4xx before anything runs."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from serve_helpers import Served, ThreadedServer

from agentnet.config import AgentnetConfig, RunsSettings
from agentnet.evals.e2e_inputs import render_text
from agentnet.network import Network
from agentnet.server.app import create_app
from agentnet.server.settings import ServerSettings

QUESTION = "How many words are written on this sign?"


def ask(url: str, model: str, image_url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    content = [{"type": "text", "text": QUESTION}, {"type": "image_url", "image_url": {"url": image_url}}]
    return httpx.post(
        f"{url}/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": content}]},
        headers=headers or {},
        timeout=600,
    )


@pytest.mark.slow
def test_an_image_part_reaches_ocr_through_the_network_model(gguf_server: Served, tmp_path: Path) -> None:
    sign = render_text(["FRESH BREAD", "OPEN DAILY TODAY"], tmp_path / "sign.png")
    data_url = "data:image/png;base64," + base64.b64encode(sign.read_bytes()).decode()
    answered = ask(gguf_server.api_base, "agentnet", data_url, gguf_server.headers())
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["choices"][0]["message"]["content"] == "5 words"
    assert [step["capability"] for step in body["agentnet"]["plan"]] == ["ocr", "text-statistics"]

    refusals = {
        "https://example.com/sign.png": (400, "unsupported_image_url", "only data: URLs are accepted"),
        "data:text/plain;base64,aGk=": (400, "invalid_image", "text/plain is not an image type"),
        "data:image/png;base64,@@@": (400, "invalid_image", "not valid base64"),
    }
    for url, (status, code, words) in refusals.items():
        refused = ask(gguf_server.api_base, "agentnet", url, gguf_server.headers())
        error = refused.json()["error"]
        assert (refused.status_code, error["code"]) == (status, code) and words in error["message"], url
    # A text model would silently lose the image: it is refused, naming the model that takes images.
    text_model = ask(gguf_server.api_base, "smollm2", data_url, gguf_server.headers())
    assert text_model.status_code == 400 and text_model.json()["error"]["code"] == "unsupported_content"
    assert "send images to the 'agentnet' model" in text_model.json()["error"]["message"]


def test_an_image_over_the_artifact_limit_is_a_413_naming_the_setting(
    run_app: Callable[..., ThreadedServer], tmp_path: Path
) -> None:
    network = Network(AgentnetConfig(runs=RunsSettings(max_artifact_bytes=1000)))
    try:
        server = run_app(create_app(None, ServerSettings(), network=network))
        image = "data:image/png;base64," + base64.b64encode(b"\x89PNG" + bytes(2000)).decode()
        refused = ask(f"{server.url}/v1", "agentnet", image)
    finally:
        network.close()
    assert refused.status_code == 413, refused.text
    error = refused.json()["error"]
    assert error["code"] == "image_too_large"
    assert error["message"].startswith("image 1: image-1.png is 2,004 bytes; a run takes files of at most 1,000")
    assert "raise runs.max_artifact_bytes in agentnet.yaml" in error["message"]
