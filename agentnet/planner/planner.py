"""The planner: task -> validated, typed DAG of collaborators.

Each part does what it is good at. Retrieval over the directory proposes candidates per clause of
the request; the cards' input/output types complete and wire the chain; a language model (the
embedded SmolLM2 by default, any node if configured) proposes a decomposition under a JSON Schema
whose tool field is an enum of the retrieved candidates, so even a 135M model can only name real,
allowed tools. Model output that is unusable is re-asked once, then replaced by the deterministic
plan. Plan memory adds worked examples of similar solved tasks. Every plan is validated (and
repaired) before it is returned; an invalid plan is never handed out.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.directory.query import CardSource, SearchFilters
from agentnet.errors import AgentnetError, PlanningError
from agentnet.planner import draft
from agentnet.planner.extract import Artifact, artifacts, clauses, sets_scene
from agentnet.planner.needs import is_general, needs
from agentnet.planner.plan import Alternate, Plan, Step
from agentnet.planner.toolset import card_allowed
from agentnet.planner.validate import ensure_valid

if TYPE_CHECKING:
    import numpy as np

    from agentnet.nodes.base import ModelNode
    from agentnet.planner.memory import PlanMemory


MODEL_MODES = ("assist", "decompose", "off")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass
class PlannerSettings:
    """How the planner trades speed for quality; the defaults suit the embedded 135M model."""

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
    # Weight of a tool's remembered example phrases against its own description.
    example_weight: float = 0.85
    # Bonus for tools that served the most similar remembered tasks (fraction of neighbours).
    memory_prior: float = 0.4
    memory_neighbours: int = 5
    max_task_chars: int = 20000
    # Subtracted from the scores of clauses that state facts ("I have a video") instead of asking for work.
    scene_penalty: float = 0.1
    # The model that answers when no specialist matches (the config's default model); other cards
    # tagged as general chat models come after it.
    general_model: str | None = None


def readable_name(name: str) -> str:
    """An identifier as words: ``send_email`` and ``sendEmail`` read "send email" (API tool names)."""
    spaced = _CAMEL_BOUNDARY.sub(" ", name.replace("_", " ").replace("-", " "))
    return " ".join(spaced.split())


def planner_text(card: CapabilityCard) -> str:
    """A card as the planner embeds it: "name: description", then skills and parameters."""
    parts = [f"{readable_name(card.display_name)}: {card.description}"]
    for skill in card.skills:
        parts.extend([skill.name, skill.description, *skill.examples])
    for param in card.parameters:
        parts.append(f"{param.get('name', '')}: {param.get('desc', '')}")
    return ". ".join(p for p in parts if p)[:1500]


GENERAL_WHY = "no specialist matched; general model"


def general_plan(
    task: str, supplied: list[Artifact], cards: list[CapabilityCard], best: float, preferred: str | None
) -> Plan:
    """One step for a general chat model when no specialist matches the task, or a refusal that names
    what the task needs (media in or out, live data or an action on the world) and no general model offers."""
    wanted = needs(task, supplied)
    general = [card for card in cards if card.id == preferred or is_general(card)]
    general.sort(key=lambda card: card.id != preferred)
    fit = [card for card in general if all(need.met_by(card) for need in wanted)]
    if not fit:
        missing = [need for need in wanted if not any(need.met_by(card) for card in general)] or wanted
        if missing:
            what = "; ".join(f"{need.what} ({need.evidence!r})" for need in missing)
            raise PlanningError(
                f"this task needs {what}, and no collaborator that offers it matched the request",
                hint="add a model or tool with that capability (see `agentnet models add` and `agentnet mcp add`), "
                "or ask for something a chat model can answer",
                code="capability_missing",
            )
        raise PlanningError(
            f"nothing in the directory can serve this task (best match {best:.2f}), and no general chat model is "
            "available to answer it",
            hint="declare a chat model (tag a skill 'chat') or set default_model in agentnet.yaml, or relax the "
            "policies",
        )
    chosen = fit[0]
    step = Step(
        id="s1",
        capability=chosen.id,
        instruction=task.strip(),
        output_type="text",
        alternates=[Alternate(card_id=card.id, score=0.0) for card in fit[1:4]],
        why=f"{GENERAL_WHY} (best specialist match {best:.2f})",
        score=round(best, 4),
    )
    return Plan(task=task, steps=[step], source="general", notes=[f"{GENERAL_WHY}: {chosen.id}"])


class Planner:
    """``Planner(source, model, settings).plan(task, filters)`` -> a validated ``Plan``."""

    def __init__(
        self,
        source: CardSource,
        model: ModelNode | None = None,
        settings: PlannerSettings | None = None,
        memory: PlanMemory | None = None,
    ) -> None:
        self.source = source
        self.model = model
        self.settings = settings or PlannerSettings()
        self.memory = memory
        self._vectors: dict[str, np.ndarray] = {}

    # --- public -----------------------------------------------------------------------------

    def plan(
        self,
        task: str,
        filters: SearchFilters | None = None,
        *,
        max_steps: int | None = None,
        deadline_s: float | None = None,
    ) -> Plan:
        """``deadline_s`` bounds the planner model's part: past it, the deterministic plan is used."""
        started = time.perf_counter()
        if not isinstance(task, str) or not task.strip():
            raise PlanningError("the task is empty", hint="say what you want done, e.g. 'summarise report.txt'")
        limit = max_steps or self.settings.max_steps
        notes: list[str] = []
        text = task
        if len(text) > self.settings.max_task_chars:
            text = text[: self.settings.max_task_chars]
            notes.append(f"task text cut to its first {self.settings.max_task_chars} characters for analysis")
        parts = clauses(text)
        supplied = artifacts(text)
        cards = self._pool(text, parts, filters)
        if not cards:
            raise PlanningError(
                f"no collaborator in the directory can serve this task (needed: {parts[0][:120]!r})"
                + (f" with the filters {', '.join(filters.describe())}" if filters and filters.describe() else ""),
                hint="register a model or tool with that capability (agentnet directory add), or relax the policies",
            )
        sims, best = self._similarities(parts, cards)
        if max(max(row) for row in sims) < self.settings.threshold:
            # The asking sentence may be vague ("can you do that?"): read the scene-setting too.
            everything = clauses(text, requests_only=False)
            if everything != parts:
                parts = everything
                sims, best = self._similarities(everything, cards)
        if best < self.settings.min_score:
            plan = general_plan(task, supplied, cards, best, self.settings.general_model)
            plan.notes = [*notes, *plan.notes]
            plan.filters = filters.describe() if filters else []
            plan = ensure_valid(plan, self.source, filters, limit)
            plan.planning_s = round(time.perf_counter() - started, 3)
            return plan
        for part, row in zip(parts, sims, strict=True):
            if sets_scene(part):
                row[:] = [value - self.settings.scene_penalty for value in row]
        picks = draft.choose(
            parts,
            cards,
            sims,
            self.settings.threshold,
            self.settings.margin,
            [a.type for a in supplied],
            self.settings.type_bonus,
            self.settings.type_penalty,
            self.settings.floor,
            self.settings.standout,
        )
        source = "retrieval"
        mode = self.settings.model_mode
        consult = mode == "decompose" or (mode == "assist" and not picks[0].confident)
        # With a single candidate there is nothing for a model to decide.
        if self.model is not None and consult and len(cards) > 1:
            budget = float("inf") if deadline_s is None else deadline_s - (time.perf_counter() - started)
            proposed = self._model_picks(text, parts, cards, sims, notes, budget) if budget > 0 else None
            if budget <= 0:
                notes.append("no time left for the planner model (deadline); planned from retrieval and types")
            if proposed:
                picks, source = proposed, "model"
            else:
                source = "fallback"
        task_sims = {card.id: max(row[i] for row in sims) for i, card in enumerate(cards)}
        picks = draft.complete(picks, cards, task_sims, {a.type for a in supplied})
        if len(picks) > limit:
            notes.append(f"kept the {limit} best-matching of {len(picks)} steps (max steps {limit})")
            keep = sorted(sorted(range(len(picks)), key=lambda i: -picks[i].score)[:limit])
            picks = [picks[i] for i in keep]
        steps = draft.link(picks, supplied, text)
        if len(steps) == 1:
            # One collaborator does the whole job: it gets the whole request as the user wrote it,
            # prompted as plainly as `agentnet ask` would (a clause of it as data only repeats it).
            steps[0].instruction = task.strip()
            steps[0].inputs = [item for item in steps[0].inputs if item.kind != "user"]
        plan = Plan(
            task=task,
            steps=steps,
            source=source,
            notes=notes,
            filters=filters.describe() if filters else [],
        )
        plan = ensure_valid(plan, self.source, filters, limit)
        plan.planning_s = round(time.perf_counter() - started, 3)
        return plan

    # --- retrieval --------------------------------------------------------------------------

    def _pool(self, text: str, parts: list[str], filters: SearchFilters | None) -> list[CapabilityCard]:
        allowed = [card for card in self.source.cards() if card_allowed(card, filters) is None]
        if len(allowed) <= self.settings.pool_size:
            return allowed
        wanted: dict[str, None] = {}
        for query in [text[:2000], *parts]:
            for candidate in self.source.search(query, k=8, filters=filters):
                wanted.setdefault(candidate.card_id)
        by_id = {card.id: card for card in allowed}
        return [by_id[i] for i in wanted if i in by_id]

    def _card_vector(self, card: CapabilityCard) -> np.ndarray:
        key = card.content_hash()
        if key not in self._vectors:
            from agentnet.directory.embedder import shared_embedder

            self._vectors[key] = shared_embedder().embed_one(planner_text(card))
        return self._vectors[key]

    def _similarities(self, parts: list[str], cards: list[CapabilityCard]) -> tuple[list[list[float]], float]:
        """Clause x card scores (embedding, keywords, remembered phrases and tasks), and the best pure
        embedding similarity (how well the directory can serve the task at all)."""
        import numpy as np

        from agentnet.directory.embedder import shared_embedder

        queries = shared_embedder().embed(parts)
        matrix = np.stack([self._card_vector(card) for card in cards])
        sims = queries @ matrix.T
        semantic_best = float(sims.max())
        if self.settings.keyword_weight > 0:
            from agentnet.directory.ranking import bm25_scores

            documents = [planner_text(card) for card in cards]
            for i, part in enumerate(parts):
                keyword = np.asarray(bm25_scores(part, documents), dtype=np.float32)
                top = float(keyword.max()) if len(keyword) else 0.0
                if top > 0:
                    sims[i] += self.settings.keyword_weight * keyword / top
        if self.memory is not None and self.settings.use_memory:
            examples = self.memory.tool_examples([card.name or card.id for card in cards])
            for j, vectors in enumerate(examples):
                if vectors is not None and len(vectors):
                    best = (queries @ vectors.T).max(axis=1) * self.settings.example_weight
                    sims[:, j] = np.maximum(sims[:, j], best)
            prior = self._memory_prior(parts, cards)
            if prior is not None:
                sims = sims + self.settings.memory_prior * prior[None, :]
        result: list[list[float]] = sims.tolist()
        return result, semantic_best

    def _memory_prior(self, parts: list[str], cards: list[CapabilityCard]) -> np.ndarray | None:
        """How often each tool served the most similar remembered tasks (similarity-weighted)."""
        import numpy as np

        assert self.memory is not None
        neighbours = self.memory.similar(" ".join(parts), k=self.settings.memory_neighbours)
        if not neighbours:
            return None
        column = {card.name or card.id: j for j, card in enumerate(cards)}
        column.update({card.id: j for j, card in enumerate(cards)})
        prior = np.zeros(len(cards), dtype=np.float32)
        total = 0.0
        for entry in neighbours:
            weight = max(0.0, entry["score"])
            total += weight
            for tool in set(entry["tools"]):
                if tool in column:
                    prior[column[tool]] += weight
        # Divided by the count, not the total weight: neighbours that are barely similar add little.
        return prior / len(neighbours) if total > 0 else None

    # --- the model --------------------------------------------------------------------------

    def _model_picks(
        self,
        text: str,
        parts: list[str],
        cards: list[CapabilityCard],
        sims: list[list[float]],
        notes: list[str],
        deadline_s: float,
    ) -> list[draft.Pick] | None:
        from agentnet.planner import llm

        assert self.model is not None  # checked by the caller
        ranked = sorted(range(len(cards)), key=lambda i: -max(row[i] for row in sims))
        shortlist = [cards[i] for i in ranked[: self.settings.model_candidates]]
        examples: list[dict[str, Any]] = []
        if self.memory is not None and self.settings.use_memory:
            examples = self.memory.similar(text, k=2)
        problem = ""
        # model_deadline_s bounds each attempt; deadline_s (the caller's) bounds both together.
        ends = time.perf_counter() + deadline_s
        for attempt in (1, 2):
            remaining = min(self.settings.model_deadline_s, ends - time.perf_counter())
            if remaining <= 0:
                notes.append("the planner model ran out of time")
                break
            try:
                proposal = llm.propose(
                    self.model,
                    text,
                    shortlist,
                    examples,
                    max_steps=self.settings.max_steps,
                    max_tokens=self.settings.model_max_tokens,
                    deadline_s=remaining,
                    problem=problem,
                )
            except AgentnetError as exc:
                problem = exc.message
                notes.append(f"planner model attempt {attempt} failed: {exc.message[:200]}")
                continue
            picks, problem = llm.to_picks(proposal, shortlist)
            for pick in picks:
                column = cards.index(pick.card)
                best_clause = max(range(len(parts)), key=lambda i: sims[i][column])
                pick.clause = parts[best_clause]
                pick.score = sims[best_clause][column]
            if picks:
                return picks
            notes.append(f"planner model attempt {attempt} unusable: {problem}")
        notes.append("used the deterministic plan from retrieval and types")
        return None
