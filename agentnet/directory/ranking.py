"""Hybrid ranking: embedding similarity fused with a BM25 keyword score over the same entries.

Measured on a multimedia tool list (40 tools, 112 single-tool requests, tool = "name: description"):
pure embedding ranks the gold tool first 79.5 % / top-3 94.6 %; BM25 alone 73.2 % / 85.7 %;
reciprocal-rank fusion 83.9 % / 91.1 %; the fusion below (min-max semantic + 0.3 x max-normalised
BM25) 85.7 % / 95.5 %. Weights 0.2-0.35 give 85.7 % top-1 too, so 0.3 is not a knife-edge fit.
(With card names read as words, ``entries.card_text``, the kept fusion gives 84.8 % / 95.5 %.)
BM25 statistics come from the entries the vector search retrieved (the store asks for max(50, 10 k)):
for small directories that is all of them; beyond, keyword evidence re-ranks the semantic shortlist.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from agentnet.directory.entries import ORIGIN_PREFIX
from agentnet.directory.query import Candidate, SearchFilters

KEYWORD_WEIGHT = 0.3
_TOKEN = re.compile(r"[a-z0-9]+")
# Request boilerplate that says nothing about which capability is wanted.
_STOP_WORDS = (
    "a an the of to and or in on for with from by is are be been this that these those it its my me i we our "
    "you your can could would should will please help like want need some any into as at using use do does "
    "then so also just there here have has get make"
)
_STOP = frozenset(_STOP_WORDS.split())
_SUFFIXES = ("ing", "es", "ed", "er", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    return [_stem(w) for w in _TOKEN.findall(text.lower()) if w not in _STOP]


# Words of one family whose suffixes the stemmer above does not fold: "classify" ~ "classification",
# "detect" ~ "detection", "recognize" ~ "recognition". Two words are related when one begins with the
# other, of at least RELATED_STEM letters, or they share their first SHARED_STEM letters; "convert" and
# "conversational" share six and stay apart. The planner scores keywords so (planner/similarity.py); the
# directory's search keeps exact words (not measured there). Measured 2026-12-05 over the four dev
# domains (zero-shot all, --mode off, n-F1/e-F1, with the card heads), exact words -> (6, 7):
# multimedia 73.41/44.58 -> 73.79/45.79, office 86.23/52.25 unchanged, huggingface 57.56/30.05 ->
# 59.05/30.43, dailylifeapis 79.73/49.69 -> 79.66/49.62. Language constants, not a tool set's; around
# them (measured a commit earlier, over the eight figures): (6, 7) +3.7, (6, 8) +3.5, (5, 7) +3.6,
# (4, 6) +3.5, but from 5 letters "minut" (the stem of "minutes") finds office's timer and office and
# dailylifeapis lose 0.5-1.3 e-F1; (6, 9) +1.0 and (7, 9) +0.5 lose huggingface's 7-letter families.
RELATED_STEM = 6
SHARED_STEM = 7


def related(a: str, b: str) -> bool:
    """Two tokens of one word family (see RELATED_STEM)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= RELATED_STEM and long.startswith(short):
        return True
    return len(short) >= SHARED_STEM and long[:SHARED_STEM] == short[:SHARED_STEM]


def bm25_scores(
    query: str, documents: Sequence[str], k1: float = 1.2, b: float = 0.75, *, related_words: bool = False
) -> list[float]:
    """Okapi BM25 of each document for ``query``; with ``related_words`` a query word also counts the
    documents' words of its family (``related``), as one term: its idf from the documents holding any."""
    return bm25_rows([query], documents, k1, b, related_words=related_words)[0]


def bm25_rows(
    queries: Sequence[str], documents: Sequence[str], k1: float = 1.2, b: float = 0.75, *, related_words: bool = False
) -> list[list[float]]:
    """``bm25_scores`` for several queries against the same documents, which are read once (the planner
    scores every clause of a request against every card)."""
    docs = [tokens(d) for d in documents]
    if not docs:
        return [[] for _ in queries]
    average = max(sum(len(d) for d in docs) / len(docs), 1e-9)
    vocabulary = {term for doc in docs for term in doc}
    counts = [Counter(doc) for doc in docs]
    norms = [k1 * (1 - b + b * len(doc) / average) for doc in docs]
    rows = []
    for query in queries:
        families = [
            {word for word in vocabulary if related(term, word)} if related_words else {term} & vocabulary
            for term in set(tokens(query))
        ]
        rows.append(_bm25_row([family for family in families if family], counts, norms, k1))
    return rows


def _bm25_row(families: list[set[str]], counts: list[Counter[str]], norms: list[float], k1: float) -> list[float]:
    n = len(counts)
    scores = [0.0] * n
    for family in families:
        tfs = [sum(tf[word] for word in family) for tf in counts]
        df = sum(1 for tf in tfs if tf)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for j, tf in enumerate(tfs):
            if tf:
                scores[j] += idf * tf * (k1 + 1) / (tf + norms[j])
    return scores


def fuse(
    semantic: Sequence[float], keyword: Sequence[float], weight: float = KEYWORD_WEIGHT
) -> list[tuple[float, float]]:
    """Per entry: (fused score, keyword score normalised to 0..1)."""
    if not semantic:
        return []
    low, high = min(semantic), max(semantic)
    spread = high - low
    top_keyword = max(keyword) if keyword else 0.0
    out = []
    for sem, kw in zip(semantic, keyword, strict=True):
        sem_n = (sem - low) / spread if spread > 1e-9 else 1.0
        kw_n = kw / top_keyword if top_keyword > 0 else 0.0
        out.append(((1 - weight) * sem_n + weight * kw_n, kw_n))
    return out


def matched_terms(query: str, document: str, limit: int = 5) -> list[str]:
    wanted = set(tokens(query))
    seen: list[str] = []
    for word in _TOKEN.findall(document.lower()):
        if _stem(word) in wanted and word not in seen and word not in _STOP:
            seen.append(word)
    return seen[:limit]


def ranked_candidates(text: str, found: Any, k: int, filters: SearchFilters | None) -> list[Candidate]:
    """The ``k`` best cards of a chroma query's answer ``found`` (one query): each card ranked by its best
    entry (the card itself or one of its skills), semantic similarity fused with keywords."""
    keep_unavailable = filters is not None and filters.include_unavailable
    rows = [
        (doc, meta, 1.0 - distance)
        for doc, meta, distance in zip(found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True)
        if keep_unavailable or meta.get("available", True)
    ]
    if not rows:
        return []
    docs = [r[0] for r in rows]
    semantic = [r[2] for r in rows]
    fused = fuse(semantic, bm25_scores(text, docs))
    best: dict[str, int] = {}
    for i, (_doc, meta, _sem) in enumerate(rows):
        card_id = meta["card_id"]
        if card_id not in best or fused[i][0] > fused[best[card_id]][0]:
            best[card_id] = i
    ranked = sorted(best.values(), key=lambda i: fused[i][0], reverse=True)[:k]
    return [_candidate(text, docs[i], rows[i][1], semantic[i], *fused[i], filters) for i in ranked]


def _candidate(
    text: str, doc: str, meta: dict[str, Any], semantic: float, score: float, keyword: float,
    filters: SearchFilters | None,
) -> Candidate:  # fmt: skip
    skill = meta.get("skill_id") or None
    why = [f"semantic {semantic:.2f}"]
    terms = matched_terms(text, doc)
    if terms:
        why.append("keywords: " + ", ".join(terms))
    if skill:
        why.append(f"skill {meta.get('name') or skill!r}")
    if filters is not None and filters.describe():
        why.append("passes: " + ", ".join(filters.describe()))
    public = {k: v for k, v in meta.items() if k != "card_json" and not k.startswith(("in:", "out:", ORIGIN_PREFIX))}
    return Candidate(
        card_id=meta["card_id"],
        skill_id=skill,
        score=round(score, 4),
        score_parts={"semantic": round(semantic, 4), "keyword": round(keyword, 4)},
        why="; ".join(why),
        metadata=public,
    )
