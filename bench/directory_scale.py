"""Directory scale: registration rate and query latency at 1k / 10k / 100k synthetic cards.

    .venv/bin/python bench/directory_scale.py [--sizes 1000,10000,100000] [--queries 200]

One embedded directory grows through the sizes (each step registers only the new cards). At every
size it times, over the same query texts:
  - search():  the full hybrid path (embed the query, chroma HNSW shortlist, BM25 re-rank, per-card merge);
  - ranked:    the same without embedding the query (search_vector with the query vector given);
  - vector:    chroma's HNSW query alone, with the query vectors embedded beforehand;
  - numpy:     the baseline, exact brute-force cosine top-50 over the same vectors in one matrix.
It also times reopening the directory (nothing is re-embedded at start-up). Targets: >= 500 cards/s
registration, <= 10 ms query p50/p95 at 100k.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from agentnet.cards import CapabilityCard
from agentnet.directory.embedder import shared_embedder
from agentnet.directory.store import Directory

_VERBS = (
    "translate summarise classify transcribe caption detect extract generate rewrite answer tag sort rank "
    "filter convert segment denoise upscale colorize index search compare cluster forecast parse"
)
_OBJECTS = (
    "legal contracts medical notes invoices photos podcasts videos emails tweets source code spreadsheets "
    "satellite images receipts maps songs speeches news articles product reviews patents logs"
)
_DOMAINS = "finance healthcare retail law agriculture energy education travel gaming security biology"
VERBS, OBJECTS, DOMAINS = _VERBS.split(), _OBJECTS.split(), _DOMAINS.split()
TYPES = ["text", "image", "audio", "video", "json", "table"]


class RecordingEmbedder:
    """The real MiniLM embedder, keeping every vector so numpy can search the very same ones."""

    def __init__(self) -> None:
        self.inner = shared_embedder()
        self.name = self.inner.name
        self.dimension = self.inner.dimension
        self.kept: list[np.ndarray] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self.inner.embed(texts)
        self.kept.append(vectors)
        return vectors


def synthetic_card(i: int, rng: random.Random) -> CapabilityCard:
    verb, obj, domain = rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(DOMAINS)
    extra = rng.choice(OBJECTS)
    return CapabilityCard(
        id=f"synthetic-{i}",
        name=f"{verb} {obj} ({domain} #{i})",
        description=f"Can {verb} {obj} and {extra} for {domain} teams; variant {i}.",
        input_types=[rng.choice(TYPES)],
        output_types=[rng.choice(TYPES)],
        locality=rng.choice(["local", "remote"]),
        cost_per_1k_input=round(rng.random() / 100, 5),
        provider="external",
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="build the directory in this (new) folder and keep it")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(7)
    queries = [
        f"{rng.choice(VERBS)} these {rng.choice(OBJECTS)} for our {rng.choice(DOMAINS)} department"
        for _ in range(args.queries)
    ]
    embedder = RecordingEmbedder()
    embedder.inner.embed(["warm up"])
    query_vectors = embedder.inner.embed(queries)
    print(f"machine shared with other jobs; {len(queries)} queries per size; embedder {embedder.name}")
    header = (
        f"{'cards':>8} {'reg/s':>8} {'open ms':>8} {'search p50/p95 ms':>18} {'ranked p50/p95 ms':>18} "
        f"{'vector p50/p95 ms':>18} {'numpy p50/p95 ms':>17} {'numpy/vector':>13}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="agentnet-scale-") as tmp:
        folder = args.keep or Path(tmp) / "dir"
        registered = 0
        for size in sizes:
            cards = [synthetic_card(i, rng) for i in range(registered, size)]
            with Directory(path=folder, embedder=embedder, batch_size=256) as directory:
                start = time.perf_counter()
                directory.register_many(cards)
                rate = len(cards) / (time.perf_counter() - start)
            registered = size
            start = time.perf_counter()
            directory = Directory(path=folder, embedder=embedder, readonly=True)
            open_ms = (time.perf_counter() - start) * 1000
            try:
                collection = directory._collection
                search_ms, ranked_ms, vector_ms = [], [], []
                for text, vector in zip(queries, query_vectors, strict=True):
                    t0 = time.perf_counter()
                    directory.search(text, k=5)
                    search_ms.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    directory.search_vector(text, vector, k=5)
                    ranked_ms.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    collection.query(query_embeddings=[vector], n_results=50, include=["distances"])
                    vector_ms.append((time.perf_counter() - t0) * 1000)
            finally:
                directory.close()
            matrix = np.concatenate(embedder.kept)
            numpy_ms = []
            for vector in query_vectors:
                t0 = time.perf_counter()
                scores = matrix @ vector
                top = np.argpartition(-scores, 50)[:50]
                top[np.argsort(-scores[top])]
                numpy_ms.append((time.perf_counter() - t0) * 1000)
            v50, n50 = statistics.median(vector_ms), statistics.median(numpy_ms)
            print(
                f"{size:>8} {rate:>8.0f} {open_ms:>8.0f} "
                f"{pct(search_ms, 0.5):>8.2f} / {pct(search_ms, 0.95):>7.2f} "
                f"{pct(ranked_ms, 0.5):>8.2f} / {pct(ranked_ms, 0.95):>7.2f} "
                f"{pct(vector_ms, 0.5):>8.2f} / {pct(vector_ms, 0.95):>7.2f} "
                f"{n50:>7.2f} / {pct(numpy_ms, 0.95):>7.2f} {n50 / v50:>12.2f}x",
                flush=True,
            )
    sys.stdout.write("targets: registration >= 500 cards/s; query p50/p95 <= 10 ms at 100k\n")


if __name__ == "__main__":
    main()
