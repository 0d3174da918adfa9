"""Which tools a request needs, as a classifier fitted on the remembered tasks.

Retrieval judges a clause by a card's words; solved tasks show which requests each tool actually
served, and how far retrieval's numbers can be believed on this tool set. Two logistic regressions,
stacked (as RouteLLM's routers are fitted on data):

1. per tool, one against the rest over the request's MiniLM embedding: the phrasings that asked for
   it. Its L2 strength is chosen by cross-validated log-loss on the examples;
2. per (request, tool), over what the planner knows of the pair (``FEATURES``): retrieval's best
   clause score for the tool and its lead over the runner-up there, whether the zero-shot planner
   picks it, the best remembered phrase's match and lead, the similar tasks' vote, the nearest task's
   similarity when it used the tool, how often the tool served, and (1)'s probability.

Every feature of a remembered task is computed with that task left out (its own phrases, vote and
neighbour, and (1) out of fold), so (2) learns how much each signal is worth on tasks it has not
seen. A request gets the tools whose probability clears ``tau`` (at least its likeliest one); the
tools no example used are left to zero-shot's decision, since the examples say nothing about them.
``planner.learned_tools`` chooses ``tau``; ``planner.learning`` decides whether, and how far, the
classifier is trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

FEATURES = (
    "bias",
    "retrieval best",
    "retrieval lead",
    "retrieval top",
    "phrase best",
    "phrase lead",
    "phrase top",
    "phrase known",
    "similar tasks' vote",
    "zero-shot pick",
    "frequency",
    "nearest task",
    "embedding classifier",
)
# L2 strengths tried for the embedding classifier (per example loss summed, so weaker with more data).
EMBEDDING_L2 = (0.03, 0.1, 0.3)
# The stacked model has a dozen features and hundreds of rows: a light penalty only keeps Newton's
# step defined when a feature is constant (no phrase known anywhere, no zero-shot pick).
STACKED_L2 = 1.0
TAU_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
FOLDS = 5


@dataclass
class Signals:
    """What the planner knows of one request: zero-shot clause x card scores (no scene penalty), the
    best remembered phrase per clause and card and the similar tasks' vote (None: no memory), the
    columns zero-shot picks, the nearest solved task's tools (column -> its similarity), and the
    request's embedding."""

    zero_shot: np.ndarray
    phrase_best: np.ndarray | None
    votes: np.ndarray | None
    picked: set[int]
    nearest: dict[int, float]
    vector: np.ndarray


def _best_and_lead(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per card (column): its best score over the clauses, its lead over the best other card in that
    clause, and whether it tops that clause."""
    import numpy as np

    rows = scores.argmax(axis=0)
    best = scores[rows, np.arange(scores.shape[1])]
    if scores.shape[1] < 2:
        return best, np.zeros_like(best), np.ones_like(best)
    ordered = np.sort(scores, axis=1)
    top, second = ordered[:, -1], ordered[:, -2]
    other = np.where(best >= top[rows], second[rows], top[rows])
    return best, best - other, (best >= top[rows]).astype(float)


def features(signals: Signals, frequency: np.ndarray, embedding_probability: np.ndarray) -> np.ndarray:
    """cards x ``FEATURES`` for one request."""
    import numpy as np

    columns = signals.zero_shot.shape[1]
    best, lead, top = _best_and_lead(signals.zero_shot)
    phrase = signals.phrase_best if signals.phrase_best is not None else np.full_like(signals.zero_shot, -1.0)
    known = (phrase.max(axis=0) > -1).astype(float)
    p_best, p_lead, p_top = _best_and_lead(phrase)
    votes = signals.votes if signals.votes is not None else np.zeros(columns)
    picked = np.isin(np.arange(columns), list(signals.picked)).astype(float)
    nearest = np.array([signals.nearest.get(j, 0.0) for j in range(columns)])
    return np.stack(
        [np.ones(columns), best, lead, top, np.maximum(p_best, 0) * known, p_lead * known, p_top * known, known,
         votes, picked, frequency, nearest, embedding_probability],
        axis=1,
    )  # fmt: skip


def _sigmoid(x: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.asarray(0.5 * (1 + np.tanh(0.5 * x)))


def fit_embedding(vectors: np.ndarray, labels: np.ndarray, l2: float, iterations: int = 300) -> np.ndarray:
    """(dims + 1) x tools weights of one-vs-rest logistic regressions over the vectors (a bias row
    first), by Nesterov's accelerated gradient: with a few hundred examples and 385 weights per tool,
    cheaper than Newton's method tool by tool and as exact for this use."""
    import numpy as np

    x = np.hstack([np.ones((len(vectors), 1)), vectors])
    step = 1.0 / (np.linalg.norm(x, 2) ** 2 / 4 + l2)
    weights = np.zeros((x.shape[1], labels.shape[1]))
    ahead = weights.copy()
    for n in range(iterations):
        gradient = x.T @ (_sigmoid(x @ ahead) - labels) + l2 * ahead
        new = ahead - step * gradient
        ahead = new + n / (n + 3) * (new - weights)
        weights = new
    return weights


def embedding_probabilities(weights: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    return _sigmoid(np.hstack([np.ones((len(vectors), 1)), vectors]) @ weights)


def _out_of_fold(vectors: np.ndarray, labels: np.ndarray, folds: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Each example's embedding-classifier probabilities from a model fitted without its fold, at the
    L2 strength whose such probabilities have the least log-loss; the mean of those fold models'
    weights, and that strength.

    The planner uses the mean of the fold models, not a model refitted on every example: the stacked
    model and its bar were fitted on the fold models' probabilities, and a refit on a fifth more
    examples is more confident (huggingface's held-out half got 2.46 tools per request at the bar the
    train half chose for 2.29, and lost 4 edge-F1 points to the extra tools)."""
    import numpy as np

    best: tuple[np.ndarray, np.ndarray, float] | None = None
    best_loss = float("inf")
    for l2 in EMBEDDING_L2:
        found, weights = np.zeros(labels.shape), np.zeros((vectors.shape[1] + 1, labels.shape[1]))
        for k in range(FOLDS):
            fold_weights = fit_embedding(vectors[folds != k], labels[folds != k], l2)
            found[folds == k] = embedding_probabilities(fold_weights, vectors[folds == k])
            weights += fold_weights / FOLDS
        clipped = np.clip(found, 1e-6, 1 - 1e-6)
        loss = -float(np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped)))
        if loss < best_loss:
            best, best_loss = (found, weights, l2), loss
    assert best is not None
    return best


def fit_stacked(rows: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Logistic regression weights over ``FEATURES`` by Newton's method (convex: a few steps converge)."""
    import numpy as np

    weights = np.zeros(rows.shape[1])
    for _ in range(25):
        p = _sigmoid(rows @ weights)
        gradient = rows.T @ (p - labels) + STACKED_L2 * weights
        hessian = (rows * (p * (1 - p))[:, None]).T @ rows + STACKED_L2 * np.eye(len(weights))
        change = np.linalg.solve(hessian, gradient)
        weights -= change
        if float(np.abs(change).max()) < 1e-6:
            break
    return weights


@dataclass
class ToolClassifier:
    """The fitted classifier of one directory: the card ids it knows (those some example used), per
    known tool its embedding weights and frequency, the stacked weights, the bar ``tau``, and how far
    it is trusted against zero-shot's picks (``weight``: ``chosen``; with ``adds``, a factor of the
    probabilities of the tools it adds)."""

    tools: list[str]
    frequency: list[float]
    embedding: list[list[float]]
    stacked: list[float]
    tau: float = 0.5
    l2: float = 0.0
    weight: float = 1.0
    # Only adds its surest tools (probability >= tau) to the fitted weights' picks
    # (``learned_tools.fit_additions``), instead of choosing the tools itself.
    adds: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"tools": self.tools, "frequency": self.frequency, "embedding": self.embedding,
                "stacked": self.stacked, "tau": self.tau, "l2": self.l2, "weight": self.weight,
                "adds": self.adds}  # fmt: skip

    @classmethod
    def from_dict(cls, kept: dict[str, Any]) -> ToolClassifier:
        return cls(**{key: kept[key] for key in cls.__dataclass_fields__ if key in kept})

    def probabilities(self, signals: Signals, card_ids: list[str]) -> np.ndarray:
        """Per card, the probability that the request needs it (NaN for a card no example used)."""
        import numpy as np

        known = {tool: n for n, tool in enumerate(self.tools)}
        columns = [known.get(card_id, -1) for card_id in card_ids]
        weights = np.asarray(self.embedding)
        by_card = embedding_probabilities(weights, signals.vector[None, :])[0]
        frequency = np.asarray(self.frequency)
        pick = np.array(columns)
        embedding = np.where(pick >= 0, by_card[np.maximum(pick, 0)], 0.0)
        rows = features(signals, np.where(pick >= 0, frequency[np.maximum(pick, 0)], 0.0), embedding)
        return np.where(pick >= 0, _sigmoid(rows @ np.asarray(self.stacked)), np.nan)


def chosen(probabilities: np.ndarray, picked: set[int], tau: float, weight: float = 1.0) -> list[int]:
    """The columns planned: known tools whose probability, moved ``1 - weight`` of the way to
    zero-shot's decision (1 picked, 0 not), is at ``tau`` or above; unknown ones as zero-shot decided;
    and the likeliest tool when that leaves none. A weight under ``1 - tau`` keeps every zero-shot
    pick, under ``tau`` adds none: a classifier the examples barely support changes nothing."""
    import numpy as np

    unknown = np.isnan(probabilities)
    zero_shot = np.isin(np.arange(len(probabilities)), list(picked))
    scores = weight * probabilities + (1 - weight) * zero_shot
    out = [j for j, p in enumerate(scores) if (zero_shot[j] if unknown[j] else p >= tau)]
    if out or unknown.all():
        return out or sorted(picked)
    return [int(np.nanargmax(scores))]


def fit(
    signals: list[Signals], labels: np.ndarray, card_ids: list[str], folds: np.ndarray | None = None
) -> tuple[ToolClassifier, np.ndarray]:
    """The classifier fitted on all examples (``labels``: tasks x cards, 1 where the task used the
    card), and each example's out-of-fold probabilities (NaN for unknown cards): the stacked model
    fitted without the example's fold (``folds``: each example's, 0 .. FOLDS - 1), on embedding
    probabilities that are themselves out of fold."""
    import numpy as np

    known = labels.sum(axis=0) > 0
    vectors = np.stack([s.vector for s in signals])
    if folds is None:  # by position; the planner passes folds by text (``transitions.folds_of``)
        folds = np.arange(len(signals)) % FOLDS
    embedding, final, l2 = _out_of_fold(vectors, labels[:, known], folds)
    frequency = np.log1p(labels.sum(axis=0)) / np.log1p(max(1.0, float(labels.sum(axis=0).max())))
    by_card = np.zeros(labels.shape)
    by_card[:, known] = embedding
    rows = [features(s, frequency, p)[known] for s, p in zip(signals, by_card, strict=True)]
    targets = [label[known] for label in labels]
    out = np.full(labels.shape, np.nan)
    for k in range(FOLDS):
        weights = fit_stacked(np.concatenate([r for r, f in zip(rows, folds, strict=True) if f != k]),
                              np.concatenate([t for t, f in zip(targets, folds, strict=True) if f != k]))  # fmt: skip
        for n in np.flatnonzero(folds == k):
            out[n, known] = _sigmoid(rows[n] @ weights)
    stacked = fit_stacked(np.concatenate(rows), np.concatenate(targets))
    classifier = ToolClassifier(
        tools=[card_id for card_id, k in zip(card_ids, known, strict=True) if k],
        frequency=[round(float(f), 4) for f in frequency[known]],
        embedding=np.round(final, 5).tolist(),
        stacked=np.round(stacked, 5).tolist(),
        l2=l2,
    )
    return classifier, out
