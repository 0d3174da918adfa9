"""GGUF file checks run before a file is handed to llama.cpp.

llama.cpp reports a bad file as a bare "Failed to load model" (and older builds could abort the
process), so agentnet reads the GGUF header itself: the magic bytes, the metadata, every tensor's
offset and size, and compares the size the tensors need with the size of the file. That turns a
missing, foreign or truncated file into a ``ModelFileError`` that names the file and the fix, and
yields the metadata the pool needs to estimate memory (layers, embedding width, heads).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from agentnet.errors import ModelFileError

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# Bounds that keep a corrupt header from making us allocate or loop without end.
_MAX_STRING = 64 * 1024 * 1024
_MAX_COUNT = 50_000_000
_MAX_DIMS = 8

# ggml type id -> (elements per block, bytes per block), from ggml's type traits.
GGML_BLOCKS: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 36),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110),
    22: (256, 82), 23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8),
    29: (256, 56), 30: (1, 2), 34: (256, 54), 35: (256, 66), 39: (32, 17),
}  # fmt: skip

# metadata value type id -> struct format (scalars only; 8 = string, 9 = array)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


@dataclass
class GGUFInfo:
    path: Path
    version: int
    file_size: int
    metadata: dict[str, Any] = field(default_factory=dict)
    tensor_count: int = 0
    data_size: int = 0  # bytes the header says the tensor data needs, from the data start

    def meta(self, suffix: str, default: Any = None) -> Any:
        """An architecture-scoped value, e.g. ``meta("block_count")`` -> ``llama.block_count``."""
        arch = self.metadata.get("general.architecture", "")
        return self.metadata.get(f"{arch}.{suffix}", default)

    def kv_cache_bytes(self, n_ctx: int) -> int:
        """Size of an f16 K+V cache for ``n_ctx`` tokens (0 when the header does not say)."""
        layers = _as_int(self.meta("block_count"))
        width = _as_int(self.meta("embedding_length"))
        heads = _as_int(self.meta("attention.head_count")) or 1
        kv_heads = _as_int(self.meta("attention.head_count_kv")) or heads
        if not layers or not width:
            return 0
        return 2 * layers * n_ctx * (width * kv_heads // heads) * 2


def _as_int(value: Any) -> int:
    if isinstance(value, list):
        value = max(value) if value else 0
    return int(value) if isinstance(value, int | float) else 0


class _Truncated(Exception):
    pass


class _Reader:
    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle

    def take(self, size: int) -> bytes:
        data = self.handle.read(size)
        if len(data) != size:
            raise _Truncated
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        size = self.unpack("<Q")
        if size > _MAX_STRING:
            raise ValueError(f"a string of {size} bytes in the header")
        return self.take(size).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        """Read past ``count`` strings, bounded and checked as ``string`` does, without decoding them: the
        vocabulary's tokens and merges (98,000 strings in SmolLM2's header) were most of ``models list``'s
        header check (60 ms)."""
        take, unpack = self.take, struct.Struct("<Q").unpack
        for _ in range(count):
            (size,) = unpack(take(8))
            if size > _MAX_STRING:
                raise ValueError(f"a string of {size} bytes in the header")
            take(size)

    def value(self, kind: int, keep: bool) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == 8:
            return self.string()
        if kind == 9:
            item_kind = self.unpack("<I")
            count = self.unpack("<Q")
            if count > _MAX_COUNT:
                raise ValueError(f"an array of {count} items in the header")
            if item_kind in _SCALARS and not keep:
                # Large arrays (the vocabulary scores/types) are skipped, not decoded.
                self.take(struct.calcsize(_SCALARS[item_kind]) * count)
                return None
            if item_kind == 8 and not keep:
                self.skip_strings(count)
                return None
            items = [self.value(item_kind, keep) for _ in range(count)]
            return items if keep else None
        raise ValueError(f"unknown metadata value type {kind}")


def _fix(path: Path) -> str:
    return f"re-download or re-convert {path.name}, or point the model's 'path' at a complete .gguf file"


@dataclass
class _Header:
    version: int
    tensor_count: int
    metadata: dict[str, Any]
    data_end: int  # where the last tensor of a known type ends, from the data start
    header_end: int


def inspect_gguf(path: Path) -> GGUFInfo:
    """Validate a GGUF file's header against its size; raise ``ModelFileError`` when it is unusable."""
    _check_path(path)
    file_size = path.stat().st_size
    header = _read_checked(path, file_size)
    alignment = _as_int(header.metadata.get("general.alignment")) or DEFAULT_ALIGNMENT
    data_start = -(-header.header_end // alignment) * alignment
    needed = data_start + header.data_end
    if needed > file_size:
        raise ModelFileError(
            f"model file {path} is truncated: its tensors need {needed:,} bytes but the file has {file_size:,}",
            hint=_fix(path) + " (an interrupted download leaves a file like this)",
            code="model_file_truncated",
        )
    return GGUFInfo(
        path=path,
        version=header.version,
        file_size=file_size,
        metadata=header.metadata,
        tensor_count=header.tensor_count,
        data_size=header.data_end,
    )


def _check_path(path: Path) -> None:
    if not path.exists():
        raise ModelFileError(
            f"model file {path} does not exist",
            hint="check the model's 'path' in your agentnet.yaml (or the --model argument)",
            code="model_file_missing",
        )
    if not path.is_file():
        raise ModelFileError(f"model path {path} is not a file", hint="point 'path' at a .gguf file")


def _read_checked(path: Path, file_size: int) -> _Header:
    """The header, or the ``ModelFileError`` that says what is wrong with the file."""
    try:
        with path.open("rb") as handle:
            return _read_header(path, handle)
    except _Truncated:
        raise ModelFileError(
            f"model file {path} is truncated: it ends inside its GGUF header ({file_size:,} bytes)",
            hint=_fix(path) + " (an interrupted download leaves a file like this)",
            code="model_file_truncated",
        ) from None
    except OSError as exc:
        raise ModelFileError(
            f"model file {path} cannot be read: {exc.strerror or exc}",
            hint="check the file's permissions and that its disk is mounted",
            code="model_file_unreadable",
        ) from None
    except (ValueError, UnicodeDecodeError, struct.error) as exc:
        raise ModelFileError(f"model file {path} has a corrupt GGUF header: {exc}", hint=_fix(path)) from None


def _read_header(path: Path, handle: BinaryIO) -> _Header:
    reader = _Reader(handle)
    magic = handle.read(4)
    if magic != GGUF_MAGIC:
        raise ModelFileError(
            f"model file {path} is not a GGUF file (it starts with {magic!r}, not b'GGUF')",
            hint="agentnet runs GGUF models locally; convert the model with llama.cpp's convert script "
            "or download the .gguf version of it",
            code="model_file_not_gguf",
        )
    version = reader.unpack("<I")
    if version not in (2, 3):
        raise ModelFileError(
            f"model file {path} is GGUF version {version}; llama.cpp reads versions 2 and 3",
            hint=_fix(path),
            code="model_file_not_gguf",
        )
    tensor_count = reader.unpack("<Q")
    kv_count = reader.unpack("<Q")
    if tensor_count > _MAX_COUNT or kv_count > _MAX_COUNT:
        raise ValueError("implausible tensor or metadata count")
    metadata = _read_metadata(reader, kv_count)
    data_end = _read_tensor_extent(reader, tensor_count)
    return _Header(version, tensor_count, metadata, data_end, handle.tell())


def _read_metadata(reader: _Reader, kv_count: int) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for _ in range(kv_count):
        key = reader.string()
        kind = reader.unpack("<I")
        keep = not key.startswith("tokenizer.ggml.")
        value = reader.value(kind, keep)
        if keep:
            metadata[key] = value
    return metadata


def _read_tensor_extent(reader: _Reader, tensor_count: int) -> int:
    """Bytes from the data start to the end of the last tensor. A tensor of a type this table does
    not know counts as one byte at its offset: the file must at least reach it."""
    data_end = 0
    for _ in range(tensor_count):
        reader.string()
        n_dims = reader.unpack("<I")
        if n_dims > _MAX_DIMS:
            raise ValueError(f"a tensor with {n_dims} dimensions")
        elements = 1
        for _ in range(n_dims):
            elements *= reader.unpack("<Q")
        ggml_type = reader.unpack("<I")
        offset = reader.unpack("<Q")
        block = GGML_BLOCKS.get(ggml_type)
        if block is None:
            data_end = max(data_end, offset + 1)
        else:
            per_block, block_bytes = block
            data_end = max(data_end, offset + -(-elements // per_block) * block_bytes)
    return data_end
