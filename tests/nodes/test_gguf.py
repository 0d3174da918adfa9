"""GGUF validation: bad files are refused with a clear error before llama.cpp sees them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from bounded import run_bounded

from agentnet.config import ModelParams, ModelSpec
from agentnet.errors import ModelFileError
from agentnet.nodes.gguf import inspect_gguf
from agentnet.nodes.llamacpp import LlamaCppNode
from agentnet.nodes.pool import ModelPool


def _node(path: Path, pool: ModelPool) -> LlamaCppNode:
    spec = ModelSpec(id="bad", adapter="llamacpp", path=str(path), params=ModelParams(n_ctx=256))
    return LlamaCppNode.from_spec(spec, pool=pool)


def test_real_gguf_header_accounts_for_every_byte(smollm2_path: Path) -> None:
    info = inspect_gguf(smollm2_path)
    assert info.version == 3
    assert info.metadata["general.architecture"] == "llama"
    assert info.meta("block_count") == 30
    assert info.tensor_count > 100
    # The data the tensors need ends exactly where the file ends.
    assert info.data_size <= info.file_size
    assert info.kv_cache_bytes(2048) > 0


def test_missing_file_names_file_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "nope.gguf"
    with pytest.raises(ModelFileError) as err:
        _node(path, ModelPool()).complete("hi")
    assert str(path) in str(err.value)
    assert "does not exist" in err.value.message
    assert err.value.hint and "path" in err.value.hint


def test_not_a_gguf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"PK\x03\x04 this is a zip file, not a model" * 10)
    with pytest.raises(ModelFileError) as err:
        _node(path, ModelPool()).complete("hi")
    assert str(path) in err.value.message
    assert "not a GGUF file" in err.value.message
    assert err.value.code == "model_file_not_gguf"


@pytest.mark.parametrize("keep_bytes", [2_000, 60_000_000], ids=["inside-header", "inside-tensor-data"])
def test_truncated_gguf_is_refused_before_llama_cpp(smollm2_path: Path, tmp_path: Path, keep_bytes: int) -> None:
    path = tmp_path / "cut.gguf"
    with smollm2_path.open("rb") as source:
        path.write_bytes(source.read(keep_bytes))
    pool = ModelPool()
    with pytest.raises(ModelFileError) as err:
        _node(path, pool).complete("hi")
    assert "truncated" in err.value.message
    assert str(path) in err.value.message
    assert err.value.hint and "re-download" in err.value.hint
    assert pool.loads == 0 and pool.loaded() == []


def test_the_vocabulary_read_past_undecoded_is_still_checked(smollm2_path: Path, tmp_path: Path) -> None:
    """The tokenizer's strings are skipped without decoding (gguf._Reader.skip_strings): a file cut inside
    them is still truncated, and an impossible string length among them still a corrupt header."""
    data = smollm2_path.read_bytes()[:4_000_000]
    key = b"tokenizer.ggml.tokens"
    at = data.index(key) + len(key)
    assert data[at : at + 8] == (9).to_bytes(4, "little") + (8).to_bytes(4, "little")  # an array of strings
    first = at + 16  # after the item count: the first token's length
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: first + 200_000])
    with pytest.raises(ModelFileError) as err:
        inspect_gguf(cut)
    assert err.value.code == "model_file_truncated" and "inside its GGUF header" in err.value.message
    huge = tmp_path / "huge.gguf"
    huge.write_bytes(data[:first] + (2**40).to_bytes(8, "little") + data[first + 8 :])
    with pytest.raises(ModelFileError) as err:
        inspect_gguf(huge)
    assert "corrupt GGUF header: a string of 1099511627776 bytes" in err.value.message


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(b"")
    with pytest.raises(ModelFileError, match="not a GGUF file"):
        inspect_gguf(path)


_INSPECT = """
import sys
from pathlib import Path
from agentnet.errors import ModelFileError
from agentnet.nodes.gguf import inspect_gguf
try:
    inspect_gguf(Path(sys.argv[1]))
except ModelFileError as exc:
    print(exc.code, exc.message)
"""


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.gguf"
    path.write_bytes(b"GGUF" + b"\0" * 64)
    path.chmod(0)
    try:
        if os.geteuid() != 0:
            with pytest.raises(ModelFileError, match="cannot be read") as info:
                inspect_gguf(path)
            assert info.value.code == "model_file_unreadable"
            return
        # Root reads any file through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH; a child without them is
        # held to the mode bits like any user (and still reaches its own files under root's home).
        drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
        outcome = run_bounded([*drop, sys.executable, "-c", _INSPECT, str(path)], timeout_s=60, memory_mb=1024)
        assert outcome.returncode == 0, outcome.describe()
        assert outcome.stdout.startswith(f"model_file_unreadable model file {path} cannot be read"), outcome.describe()
    finally:
        path.chmod(0o600)


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="is not a file"):
        inspect_gguf(tmp_path)
