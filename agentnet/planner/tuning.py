"""``PlannerTuning``: the planner's knobs, how it trades speed for quality.

Not to be confused with ``config.PlannerSettings`` (the ``planner:`` section of agentnet.yaml: which
model plans, policies, memory on or off), from which ``planner.build`` sets the few knobs a user
chooses; the rest are measured defaults (``agentnet bench`` overrides them to try an idea).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODEL_MODES = ("assist", "decompose", "off")
NEVER = 2.0  # a cosine similarity never reaches it: no reuse


@dataclass
class PlannerTuning:
    """The defaults suit the embedded 135M model."""

    max_steps: int = 8
    # Directories larger than this are narrowed by search before clauses are scored.
    pool_size: int = 48
    threshold: float = 0.45
    # Below this best similarity nothing in the directory serves the task: refuse instead of guessing.
    min_score: float = 0.15
    margin: float = 0.35
    # Below ``threshold``, a clause still gets its best tool when that scores at least ``floor`` and
    # lies ``standout`` standard deviations above the other tools' scores (0 turns this off).
    floor: float = 0.3
    standout: float = 3.0
    # Data-flow adjustment of similarities (see draft.choose).
    type_bonus: float = 0.1
    type_penalty: float = 0.1
    # "assist": the model decides only when retrieval finds no confident match; "decompose": the
    # model proposes every plan (retrieval is the fallback); "off": retrieval and types only.
    model_mode: str = "assist"
    model_max_tokens: int = 64
    model_deadline_s: float = 60.0
    model_candidates: int = 6
    use_memory: bool = True
    # Weight of a BM25 keyword match (max-normalised per clause) added to the embedding similarity.
    keyword_weight: float = 0.1
    # How many similar remembered tasks vote for their tools (how much that vote weighs, and the
    # remembered phrases, is fitted per directory: planner.learning).
    memory_neighbours: int = 5
    max_task_chars: int = 20000
    # Subtracted from the scores of clauses that state facts ("I have a video") instead of asking for work.
    scene_penalty: float = 0.1
    # The model that answers when no specialist matches (the config's default model); other cards
    # tagged as general chat models come after it.
    general_model: str | None = None


@dataclass
class Trust:
    """How far plan memory is trusted on one directory, fitted by ``planner.learning``: the weights of
    its signals (all zero: zero-shot), the similarity at which a solved task is reused, the evidence."""

    phrase: float = 0.0
    prior: float = 0.0
    reuse: float = NEVER
    examples: int = 0
    # Cross-validated node F1 (0..1, per task) with these weights and zero-shot, and the gain's t.
    f1: float = 0.0
    zero_shot_f1: float = 0.0
    t: float = 0.0
    # How many examples the zero-shot wiring of two tools is worth against the remembered links
    # of each tool and of the pair (planner.transitions; None: the zero-shot wiring alone), and that fit's t.
    links: list[float | None] = field(default_factory=lambda: [None, None])
    links_t: float = 0.0

    @property
    def learns(self) -> bool:
        return self.phrase > 0 or self.prior > 0
