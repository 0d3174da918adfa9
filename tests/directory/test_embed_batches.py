"""A text's vector does not depend on the batch it is embedded in: MiniLMEmbedder pads each batch to its
longest text and masks the padding, so embedding in small batches (less padding, half the CPU for the
directory's cards) gives the same bits as one text at a time or one large batch."""

from __future__ import annotations

from agentnet.directory.embedder import MiniLMEmbedder

TEXTS = [
    "Calculator",
    "Adds, subtracts, multiplies and divides numbers; converts units and currencies.",
    "Reads a text file the user names and returns its text, for a step that works on that text.",
    "Counts the words, sentences and characters of a text, and reads how long it takes to read it aloud. " * 4,
    "Answers general questions in short sentences.",
    "Speaks a text aloud and saves it as a WAV file.",
    "Compares two texts and says how similar they are, from 0 to 1, with the sentences they share. " * 2,
    "Dates",
    "Reads the text in an image (OCR) and returns it, line by line, in reading order.",
]


def test_vectors_are_the_same_bits_whatever_the_batch() -> None:
    alone = MiniLMEmbedder(batch_size=1).embed(TEXTS)
    assert MiniLMEmbedder().batch_size <= 8  # small batches: less padding (bench/embed_batches.py)
    for size in (MiniLMEmbedder().batch_size, 4, 32):
        batched = MiniLMEmbedder(batch_size=size).embed(TEXTS)
        assert batched.tobytes() == alone.tobytes(), f"batch of {size}: vectors differ from one text at a time"


def test_the_embedding_threads_do_not_spin_waiting_for_work() -> None:
    # A spinning thread pool doubled the CPU of each small batch (bench/threads.py).
    from agentnet.directory.embedder import SPIN_ENTRY

    embedder = MiniLMEmbedder()
    embedder.embed(TEXTS[:1])
    assert embedder._session.get_session_options().get_session_config_entry(SPIN_ENTRY) == "0"


def test_a_long_text_is_cut_before_tokenizing_without_changing_its_vector(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The model reads 256 tokens; the tokenizer split a 14 MB text whole first (15 s; bench/embed_long.py).
    # Cut at embedder.MAX_CHARS, prose, a table and numbers keep the vector of the whole text.
    from agentnet.directory import embedder as module

    texts = [
        " ".join(TEXTS) * 400,
        "\n".join(f"{i},Lyon,{i * 37 % 1000},2026-03-{i % 28 + 1:02d}" for i in range(20_000)),
        " ".join(str(i * 7919) for i in range(40_000)),
    ]
    assert all(len(text) > 4 * module.MAX_CHARS for text in texts)
    embedder, tokenized = MiniLMEmbedder(), []
    embedder.embed(TEXTS[:1])
    real = embedder._tokenizer

    class Recording:
        def encode_batch(self, batch: list[str]):  # type: ignore[no-untyped-def]
            tokenized.extend(len(text) for text in batch)
            return real.encode_batch(batch)

    embedder._tokenizer = Recording()
    cut = embedder.embed(texts)
    assert max(tokenized) <= module.MAX_CHARS
    monkeypatch.setattr(module, "MAX_CHARS", 10**9)
    whole = MiniLMEmbedder().embed(texts)
    assert cut.tobytes() == whole.tobytes()
