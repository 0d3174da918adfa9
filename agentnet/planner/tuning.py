"""``PlannerTuning``: the planner's knobs, how it trades speed for quality.

Not to be confused with ``config.PlannerSettings`` (the ``planner:`` section of agentnet.yaml: which
model plans, policies, memory on or off), from which ``planner.build`` sets the few knobs a user
chooses; the rest are measured defaults (``agentnet bench`` overrides them to try an idea).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentnet.config import DEFAULT_MODEL_ID

MODEL_MODES = ("assist", "decompose", "off")
# "auto" is what agentnet.yaml's planner.consult and `agentnet bench --mode` default to: see model_mode_for.
AUTO = "auto"
NEVER = 2.0  # a cosine similarity never reaches it: no reuse


# Every bar below was swept from x0.5 to x1.5 on both dev domains (zero-shot, all samples, --mode off,
# n-F1/e-F1, office = bench/data/office, API tools | multimedia = TaskBench's typed tools; default
# office 83.29/48.54 | multimedia 72.49/43.05: bench/tuning_sweep.py). A bar that is
# flat there says so; one that is not says which way each domain pulls and why it stays.


@dataclass
class PlannerTuning:
    """The defaults suit the embedded 135M model."""

    max_steps: int = 8
    # Directories larger than this are narrowed by search before clauses are scored.
    pool_size: int = 48
    # Not flat, and the domains pull apart: x0.5 office 85.36/53.12 | mm 69.66/40.89, x0.75 83.72/51.33 |
    # 71.36/41.95, x1.25 83.29/48.54 | 73.00/43.92, x1.5 83.29/48.54 | 72.06/40.71. It stays: office's
    # weak clauses are the floor/standout rule's (below), and a lower bar would cost multimedia.
    threshold: float = 0.45
    # Below this best similarity nothing in the directory serves the task: refuse instead of guessing.
    # Flat: x0.5..x1.25 office 83.42-83.60 | mm 72.38-72.49 n-F1; x1.5 office 81.52 (too many refusals).
    min_score: float = 0.15
    # A clause's pick must score within this of the request's best (relative to the request at hand).
    # Swept around 0.35 (its old value, 83.29/48.54 | 72.49/43.05): a cliff below, x0.5 80.43/44.68 |
    # 66.73/30.59, x0.75 82.04/44.44 | 71.23/40.85; a plateau above, better on both domains, x1.25
    # 83.60/50.00 | 73.22/45.01, x1.5 83.60/50.00 | 72.91/44.89. 0.45 lies inside it, off the cliff:
    # 83.60/50.00 | 73.20/44.72, held-out learned (taskbench_split) office 80.00/38.10, mm 74.77/42.81.
    margin: float = 0.45
    # Below ``threshold``, a clause still gets its best tool when that scores at least ``floor`` and
    # lies ``standout`` standard deviations above the other tools' scores (0 turns this off).
    # Not flat on office: ``floor`` x0.5/x0.75 85.49/52.25, x1.25 79.89/36.17, x1.5 75.84/24.39 (mm
    # 72.23-72.49 n-F1, flat). Lowering it for tool sets of less alike descriptions (times the mean
    # nearest-neighbour card similarity over multimedia's 0.636: office 0.486, floor 0.229) gave office
    # 85.19/50.91 but the default directory (unlike models and bundled tools, not terse ones) then sent
    # "Give me three names for a cat" to a bundled classifier instead of the general model: a low
    # neighbour similarity means varied tools as often as terse descriptions, so the floor stays.
    # ``standout`` is a z-score, scale-free, and the domains pull apart: x0.5 84.10/51.72 | 70.55/41.07,
    # x0.75 83.80/52.17 | 71.57/41.82, x1.25 80.76/37.89 | 72.52/42.88, x1.5 79.56/34.41 | 72.26/43.17.
    floor: float = 0.3
    standout: float = 3.0
    # Data-flow adjustment of similarities (see draft.choose). Flat: office's API tools carry no media
    # types (unchanged at every value); mm n-F1 71.60-72.68 (bonus), 72.38-72.63 (penalty) over x0.5..x1.5.
    type_bonus: float = 0.1
    type_penalty: float = 0.1
    # What a tool whose declared types contradict the media a clause names loses, in standard deviations
    # of that clause's scores (planner.typecue; 0 turns it off). 1: mm 74.10/46.23, hf 59.69/31.96 (off:
    # 73.79/45.79, 59.05/30.43). Flat above, not below: 1.5 mm 74.10/46.23, hf 59.13/32.35; 0.5 74.19/46.18,
    # 59.71/31.40 (held-out mm e-F1 41.92 against 42.21 at 1); 0.25 74.12/46.11, 59.33/31.48. Office and
    # dailylifeapis (API tools: no type tells them apart) unchanged at every value.
    type_cue: float = 1.0
    # "assist": the model decides only when retrieval finds no confident match; "decompose": the
    # model proposes every plan (retrieval is the fallback); "off": retrieval and types only.
    model_mode: str = "assist"
    model_max_tokens: int = 64
    model_deadline_s: float = 60.0
    model_candidates: int = 6
    use_memory: bool = True
    # Weight of a BM25 keyword match (max-normalised per clause) added to the embedding similarity.
    # Flat above (x1.25/x1.5 office 83.68/83.55 | mm 72.56/72.35 n-F1), not below on office's terse
    # descriptions (x0.5 80.22/37.89 | 73.18/44.59).
    keyword_weight: float = 0.1
    # At least how many similar remembered tasks vote for their tools (more as memory grows: similarity.py;
    # how much that vote weighs, and the remembered phrases, is fitted per directory: planner.learning).
    memory_neighbours: int = 5
    max_task_chars: int = 20000
    # Subtracted from the scores of clauses that state facts ("I have a video") instead of asking for work.
    # Flat: office unchanged over x0.5..x1.5; mm n-F1 72.68-73.15.
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
    # Factors of ``PlannerTuning.floor`` and ``standout`` fitted on the examples (1: the bars as set).
    floor: float = 1.0
    standout: float = 1.0
    examples: int = 0
    # Cross-validated node and edge F1 (0..1, pooled over the tasks as TaskBench pools them) with
    # these weights and zero-shot, and the evidence t of the gain on both.
    f1: float = 0.0
    zero_shot_f1: float = 0.0
    e_f1: float = 0.0
    zero_shot_e_f1: float = 0.0
    t: float = 0.0
    # How many examples the zero-shot wiring of two tools is worth against the remembered links
    # of each tool and of the pair (planner.transitions; None: the zero-shot wiring alone), and that fit's t.
    links: list[float | None] = field(default_factory=lambda: [None, None])
    links_t: float = 0.0
    # The tool classifier fitted on the examples (planner.classifier; ToolClassifier.to_dict), None when
    # it does not clearly beat the weights above; when set, it chooses the tools and the weights are zero.
    classifier: dict[str, Any] | None = None

    @property
    def learns(self) -> bool:
        return self.phrase > 0 or self.prior > 0 or self.classifier is not None


def model_mode_for(consult: str, model_id: str | None) -> str:
    """The model's role for ``consult`` (``planner.consult``): "auto" asks the planner model where retrieval
    is unsure ("assist"), unless that model is the embedded 135M default (``model_id`` None or its id).

    Why: where retrieval is unsure, the 135M's picks scored below retrieval's own best guess on every dev
    domain (zero-shot, all samples, assist against off, n-F1: office 83.79 against 87.05, huggingface 57.98
    against 60.17, dailylifeapis 79.13 against 79.46, multimedia 74.26 against 74.53; docs/planning.md);
    a stronger model set as ``planner.model`` is asked."""
    if consult != AUTO:
        return consult
    return "off" if model_id in (None, DEFAULT_MODEL_ID) else "assist"
