"""How well each card serves each clause of a request: the numbers the planner chooses tools by.

A card is read as the texts the directory embeds for it (``directory.entries.entry_texts``: the card,
then each skill) taken together: the planner asks how well a collaborator as a whole serves a
clause, and a clause matching one narrow skill must not outweigh the rest of the card (a chat model's
"answer simple questions" skill is not a specialist). To the embedding similarity come a BM25
keyword match and, from plan memory, the card's remembered phrases and how often it served the most
similar solved tasks, weighted as ``planner.learning`` fitted them for this directory.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from agentnet.cards import CapabilityCard
from agentnet.directory.entries import entry_texts, readable_name
from agentnet.planner import sentences
from agentnet.planner.extract import file_kinds_only
from agentnet.planner.material import request_head
from agentnet.planner.tuning import PlannerTuning, Trust

if TYPE_CHECKING:
    import numpy as np

    from agentnet.planner.memory import PlanMemory


# Card vectors by content hash, for the whole process: a warm process (`agentnet daemon`, a server)
# plans again without embedding the same cards again. Bounded; one card's vector is 1.5 KB.
_CARD_VECTORS: dict[str, np.ndarray] = {}
_MAX_CARD_VECTORS = 20_000


class Scorer:
    """Clause x card scores; card vectors are cached by content, so a card is embedded once per process."""

    def __init__(self, settings: PlannerTuning, memory: PlanMemory | None = None) -> None:
        self.settings = settings
        self.memory = memory

    def _card_vectors(self, cards: list[CapabilityCard], head: bool = False) -> np.ndarray:
        """The cards' vectors (of their whole text, or of its ``head``)."""
        text_of = head_text if head else whole_text
        keys = [card.content_hash() + (":head" if head else "") for card in cards]
        return self._vectors(keys, [text_of(card) for card in cards])

    @staticmethod
    def _vectors(keys: list[str], texts: list[str]) -> np.ndarray:
        """The vectors of ``texts`` by their ``keys``: from this process's memory, else from the home's
        vector cache (what an earlier process embedded), else embedded now."""
        import numpy as np

        from agentnet.directory.embedder import shared_embedder
        from agentnet.directory.vectors import shared_cache

        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in _CARD_VECTORS}
        if missing:
            if len(_CARD_VECTORS) + len(missing) > _MAX_CARD_VECTORS:
                _CARD_VECTORS.clear()
            vectors = shared_cache().embed(shared_embedder(), list(missing.values()))
            _CARD_VECTORS.update(zip(missing, vectors, strict=True))
        return np.stack([_CARD_VECTORS[key] for key in keys])

    def _best_sentence(self, cards: list[CapabilityCard], queries: np.ndarray) -> np.ndarray:
        """Clause x card: the best match among a card's sentences (``sentence_texts``), its head first. A
        request often says what a later sentence says ("identify any names of individuals" of a token
        classifier that finds "dates, individuals and places"), diluted in the whole text's mean; a
        one-sentence card's only sentence is its head, so it is scored as before (docs/planning.md, figures)."""
        import numpy as np

        best = queries @ self._card_vectors(cards, head=True).T
        owners, keys, texts = [], [], []
        for j, card in enumerate(cards):
            for i, text in enumerate(sentence_texts(card)[1:], start=1):
                owners.append(j)
                keys.append(f"{card.content_hash()}:sentence{i}")
                texts.append(text)
        if texts:
            # Per card the best of its head and later sentences (transposed: ufunc.at indexes the first axis).
            best = best.T.copy()
            np.maximum.at(best, owners, self._vectors(keys, texts) @ queries.T)
            best = best.T
        return best

    def similarities(
        self, parts: list[str], cards: list[CapabilityCard], trust: Trust | None = None
    ) -> tuple[list[list[float]], list[float]]:
        """Clause x card scores (embedding and keywords, plus what memory learned as far as ``trust``
        allows), and per card its best pure embedding similarity (how well it can serve the task at all)."""
        from agentnet.directory.embedder import shared_embedder

        parts = [scored_text(part) for part in parts]
        queries = shared_embedder().embed(parts)
        sims, semantic = self._zero_shot(parts, cards, queries)
        if trust is not None and (trust.phrase > 0 or trust.prior > 0):
            prior, phrase_best = self._remembered(parts, cards, queries)
            sims = self.combine(sims, phrase_best, prior, trust.phrase, trust.prior)
        result: list[list[float]] = sims.tolist()
        return result, semantic

    def components(
        self, parts: list[str], cards: list[CapabilityCard], exclude: int | None = None
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Zero-shot clause x card scores, memory's tool prior and best phrase matches, each task's
        own memory left out with ``exclude`` (what ``planner.learning`` cross-validates)."""
        from agentnet.directory.embedder import shared_embedder

        parts = [scored_text(part) for part in parts]
        queries = shared_embedder().embed(parts)
        sims, _ = self._zero_shot(parts, cards, queries)
        prior, phrase_best = self._remembered(parts, cards, queries, exclude)
        return sims, prior, phrase_best

    @staticmethod
    def combine(
        sims: np.ndarray, phrase_best: np.ndarray | None, prior: np.ndarray | None, phrase: float, prior_weight: float
    ) -> np.ndarray:
        """Zero-shot scores raised toward the best remembered phrase (``phrase`` of the way) plus the
        weighted tool prior; both weights zero give the zero-shot scores back."""
        import numpy as np

        out = sims
        if phrase_best is not None and phrase > 0:
            out = out + phrase * np.maximum(0.0, phrase_best - sims)
        if prior is not None and prior_weight > 0:
            out = out + prior_weight * prior[None, :]
        return out

    def _zero_shot(
        self, parts: list[str], cards: list[CapabilityCard], queries: np.ndarray
    ) -> tuple[np.ndarray, list[float]]:
        sims = queries @ self._card_vectors(cards).T
        weight = head_weight(cards)
        if weight > 0:
            sims = (1 - weight) * sims + weight * self._best_sentence(cards, queries)
        semantic: list[float] = sims.max(axis=0).tolist()
        if self.settings.keyword_weight > 0:
            sims += self.settings.keyword_weight * _keywords(parts, cards)
        return sims, semantic

    def _remembered(
        self, parts: list[str], cards: list[CapabilityCard], queries: np.ndarray, exclude: int | None = None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Memory's tool prior (per card) and, per clause and card, the best match among the phrases
        that asked for the card (the zero-shot floor where none are known)."""
        import numpy as np

        if self.memory is None or not self.settings.use_memory:
            return None, None
        examples = self.memory.tool_examples([card.name or card.id for card in cards], exclude)
        phrase_best = np.full((len(parts), len(cards)), -1.0, dtype=np.float32)
        for j, vectors in enumerate(examples):
            if vectors is not None:
                phrase_best[:, j] = (queries @ vectors.T).max(axis=1)
        return self._memory_prior(parts, cards, exclude), phrase_best

    def _memory_prior(self, parts: list[str], cards: list[CapabilityCard], exclude: int | None) -> np.ndarray | None:
        """How often each tool served the most similar remembered tasks (similarity-weighted; a task
        rated bad counts against its tools)."""
        import numpy as np

        assert self.memory is not None
        # How many neighbours vote grows with memory as the square root of its size (the usual rule for
        # k nearest neighbours: the vote's variance falls with k while the neighbours stay near). Held-out,
        # learning all of the train half (bench/taskbench_split.py, --mode off): multimedia (129 tasks,
        # k 11) 73.20/42.76 -> 74.26/43.45 n-F1/e-F1 against k 5, office (65, k 8) unchanged (zero-shot).
        k = max(self.settings.memory_neighbours, math.isqrt(len(self.memory)))
        neighbours = self.memory.similar(" ".join(parts), k=k, exclude=exclude)
        if not neighbours:
            return None
        column = {card.name or card.id: j for j, card in enumerate(cards)}
        column.update({card.id: j for j, card in enumerate(cards)})
        prior = np.zeros(len(cards), dtype=np.float32)
        for entry in neighbours:
            weight = max(0.0, entry["score"]) * (1 if entry["rating"] > 0 else -1)
            for tool in set(entry["tools"]):
                if tool in column:
                    prior[column[tool]] += weight
        # Divided by the count, not the total weight: neighbours that are barely similar add little.
        return prior / len(neighbours)


def scored_text(clause: str) -> str:
    """A clause as it is scored: without the material after its request's head, signs and titles
    written out (the step keeps the user's words)."""
    return sentences.spelled_out(request_head(clause))


def whole_text(card: CapabilityCard) -> str:
    """A card as the planner reads it: its entry texts (the card, then each skill) together."""
    return " ".join(entry_texts(card))


def head_text(card: CapabilityCard) -> str:
    """What a card says it is, before the detail: its name and the first sentence of its description
    (no further sentences, tags, parameters or skills)."""
    return sentence_texts(card)[0]


def sentence_texts(card: CapabilityCard) -> list[str]:
    """The card's name with each sentence of its description ("Token Classification: NER models could be
    trained to identify specific entities in a text, such as dates, individuals and places."), the head
    first; the name alone when it has no description. The sentences are the request's splitter's: "e.g.
    speech", "v1.2" and "Dr. Smith" do not end one."""
    name = readable_name(card.display_name)
    description = card.description.strip()
    found = [sentence for sentence in sentences.split(description) if sentence.strip()] if description else []
    return [f"{name}: {sentence}" for sentence in found] or [name]


def head_weight(cards: list[CapabilityCard]) -> float:
    """How much a card's head counts beside its whole text: the share of the tool set's text that lies
    beyond the heads (word counts), so one-line tools (head = whole) get 0 and long cards about half.

    Why: MiniLM embeds a long text as the mean of its parts, so a card whose first sentence says what
    it does and whose later sentences say how its models work, or list its parameters, matches a plain
    request less than a terse look-alike (huggingface's summariser, whose second sentence is about
    models that extract or generate text, lost "a crisper, succinct summary of this detailed account" to
    the text generator; it now wins). Measured 2026-12-05, zero-shot all, --mode off, n-F1/e-F1,
    before -> after: multimedia 73.41/44.58 unchanged (weight 0: one-sentence tools), office 83.60/50.00
    -> 86.23/52.25 (0.43), huggingface 57.91/26.54 -> 57.56/30.05 (0.46; with related keywords, below,
    59.05/30.43), dailylifeapis 78.74/48.06 -> 79.73/49.69 (0.57); held-out zero-shot
    (bench/taskbench_split.py) office 80.00/38.10 -> 83.15/44.44, huggingface 55.20/26.92 -> 56.63/32.38,
    dailylifeapis 79.57/45.56 -> 81.36/49.42. A fixed weight is
    not flat (measured before dailylifeapis' refusals were fixed): over the four domains' eight figures
    0.25 gained 1.0 in total (huggingface n-F1 -0.8), 0.5 8.8, 0.75 6.7 (office n-F1 -0.1); each card
    weighted by its own share 6.7; the tool set's share, this, 9.5.
    """
    whole = sum(len(whole_text(card).split()) for card in cards)
    heads = sum(len(head_text(card).split()) for card in cards)
    return max(0.0, 1.0 - heads / whole) if whole else 0.0


def _keywords(parts: list[str], cards: list[CapabilityCard]) -> np.ndarray:
    """Per clause, each card's BM25 score, max-normalised per clause; a clause's word also matches the
    card's words of its family ("classify" ~ "classification": directory.ranking.related, with figures)."""
    import numpy as np

    from agentnet.directory.ranking import bm25_rows

    documents = [whole_text(card) for card in cards]
    out = np.zeros((len(parts), len(cards)), dtype=np.float32)
    parts = [file_kinds_only(part) for part in parts]
    for i, row in enumerate(bm25_rows(parts, documents, related_words=True)):
        out[i] = row
        top = float(out[i].max()) if len(cards) else 0.0
        if top > 0:
            out[i] /= top
    return out
