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

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentnet.cards import CapabilityCard
from agentnet.directory.query import CardSource, SearchFilters
from agentnet.errors import PlanningError
from agentnet.planner import draft, fitting, learned_tools, learning, llm, media_first, outcome, transitions, values
from agentnet.planner.bad_ratings import avoided
from agentnet.planner.extract import Artifact, artifacts, clauses, mask_quotes
from agentnet.planner.general import asks_a_tool, general_plan, serve_the_rest
from agentnet.planner.inputs import fit_context, lift_format_readers, whole_request, with_inputs
from agentnet.planner.material import material_after_question, missing_material
from agentnet.planner.needs import Need, described, install_hint, is_general, takes_named_values, unmet_media
from agentnet.planner.plan import Plan, Step
from agentnet.planner.scene import sets_scene
from agentnet.planner.similarity import Scorer
from agentnet.planner.tuning import PlannerTuning, Trust
from agentnet.planner.validate import ensure_valid

if TYPE_CHECKING:
    from agentnet.artifacts import Artifact as InputArtifact
    from agentnet.nodes.base import ModelNode
    from agentnet.planner.memory import PlanMemory


@dataclass
class _Request:
    """One task being planned: the task as read (``material_after_question``), its text, the inputs
    handed over beside it, the artifacts it supplies (named in the text or handed over) and what the
    planner noted."""

    task: str
    text: str
    started: float
    inputs: Sequence[InputArtifact] = ()
    notes: list[str] = field(default_factory=list)
    supplied: list[Artifact] = field(default_factory=list)
    # How far what plan memory learned is trusted on this directory (None: no memory).
    trust: Trust | None = None


class Planner:
    """``Planner(source, model, settings).plan(task, filters)`` -> a validated ``Plan``.

    ``planner.build.build_planner`` makes one from agentnet.yaml (model, policies, plan memory).
    """

    def __init__(
        self,
        source: CardSource,
        model: ModelNode | None = None,
        settings: PlannerTuning | None = None,
        memory: PlanMemory | None = None,
        *,
        model_factory: Callable[[], ModelNode] | None = None,
        wait_for_fit: bool = True,
    ) -> None:
        self.source = source
        self._model = model
        # Most plans never consult the model; building its node imports its engine and LangChain
        # (seconds of a cold `agentnet plan`), so ``build_planner`` passes a factory, called once on
        # the first consult.
        self._model_factory = model_factory
        self.settings = settings or PlannerTuning()
        self.memory = memory
        self._scorer = Scorer(self.settings, memory)
        # Told how many solved tasks a fit of memory reads before it runs (a minute for a few hundred).
        self.on_fit: Callable[[int], None] | None = None
        # Told the pid of another process fitting it when a plan waits for that fit instead (up to a minute).
        self.on_fit_wait: Callable[[str], None] | None = None
        # False in long-running processes (serve, the daemon, chat): plans never wait for a fit of memory,
        # it runs in the background (``planner.fitting``).
        self.wait_for_fit = wait_for_fit

    @property
    def model(self) -> ModelNode | None:
        """The planner model (built now if it came as a factory), or None when it plans without one."""
        if self._model is None and self._model_factory is not None:
            self._model = self._model_factory()
        return self._model

    def close(self) -> None:
        """Close the plan memory this planner reads (if any)."""
        if self.memory is not None:
            self.memory.close()

    # --- public -----------------------------------------------------------------------------

    def fit_memory(self, wait: bool = True) -> Trust | None:
        """How far plan memory is trusted on this directory (``planner.learning``): the kept fit, refitted
        when memory changed by a tenth or the directory changed; now, or with ``wait=False`` in a background
        thread while the kept fit (or zero-shot's) is returned (``planner.fitting``). Every plan asks; so does
        ``agentnet plan --learn`` right after learning, so the plans after it do not wait. None: no memory,
        or no cards."""
        return self._fitted(wait).trust

    def _fitted(self, wait: bool) -> fitting.Fitted:
        everything = self.source.cards() if self.memory is not None and self.settings.use_memory else []
        if self.memory is None or not everything:
            return fitting.Fitted(None)
        return fitting.fitted(
            self.memory, self._scorer, everything, self.settings, wait=wait, on_fit=self.on_fit,
            on_wait=self.on_fit_wait,
        )  # fmt: skip

    def plan(
        self,
        task: str,
        filters: SearchFilters | None = None,
        *,
        max_steps: int | None = None,
        deadline_s: float | None = None,
        inputs: Sequence[InputArtifact] = (),
    ) -> Plan:
        """``deadline_s`` bounds the planner model's part: past it, the deterministic plan is used.
        ``inputs`` are files or piped data handed over beside the task; steps read them by name."""
        request = self._request(task, inputs)
        limit = max_steps or self.settings.max_steps
        parts, cards, sims, best = self._match(request, filters)
        # A remembered near-duplicate (learned, or a run rated good) is planned as it was solved, also where
        # the request matches no specialist: its tools are what this task needs, whatever the words score.
        reused = self._reused(request, parts, cards, sims)
        handed = [a for a in request.supplied if a.named]
        no_specialist = best < self.settings.min_score and not asks_a_tool(
            request.text, request.supplied, cards, sims, self.settings.standout
        )
        if not reused and (no_specialist or self._only_a_bundled_guess(parts, cards, sims, handed)):
            plan = general_plan(task, request.supplied, cards, best, self.settings.general_model)
            plan.notes = [*request.notes, *plan.notes]
            return self._finish(plan, request, cards, filters, limit)
        kept = request.trust.classifier if request.trust and self.settings.model_mode != "decompose" else None
        seen = (request.text, parts, request.supplied)
        picks, source = (reused, "memory") if reused else learned_tools.planned(
            self.memory, kept, self._scorer, seen, (cards, sims), lambda: self._choose(request, parts, cards, sims,
                                                                                        deadline_s))  # fmt: skip
        picks, steps = outcome.steps_from(picks, cards, sims, request.text, request.supplied, limit, request.notes)
        steps = self._learned_links(steps, picks, request)
        values.fill(steps, {card.id: card for card in cards}, request.text)
        plan = Plan(task=task, steps=steps, source=source, notes=request.notes)
        return self._finish(plan, request, cards, filters, limit)

    def _reused(
        self, request: _Request, parts: list[str], cards: list[CapabilityCard], sims: list[list[float]]
    ) -> list[draft.Pick] | None:
        """The picks of a remembered near-duplicate task (``learning.reuse``), or None. "decompose" leaves
        every plan to the model; it gets the similar solved tasks as examples instead."""
        if self.memory is None or request.trust is None or self.settings.model_mode == "decompose":
            return None
        handed = {artifact.type for artifact in request.supplied}
        return learning.reuse(self.memory, request.trust, request.text, parts, cards, sims, handed)

    def _learned_links(self, steps: list[Step], picks: list[draft.Pick], request: _Request) -> list[Step]:
        """The steps re-wired as far as remembered links between their tools are trusted (``planner.transitions``)."""
        weights = request.trust.links if request.trust is not None else [None, None]
        if self.memory is None or weights == [None, None] or len(steps) < 2:
            return steps
        cards = learning.names_of(self.source.cards())
        counts = transitions.counts_of(transitions.with_links(self.memory.entries()), cards)
        ids = [pick.card.id for pick in picks]
        links = transitions.decide(ids, transitions.positions(steps), counts, (weights[0], weights[1]))
        return transitions.apply(steps, picks, links, request.text)

    def _finish(
        self, plan: Plan, request: _Request, cards: list[CapabilityCard], filters: SearchFilters | None, limit: int
    ) -> Plan:
        """The plan with its inputs wired in (a one-step plan gets the whole request and, when its
        material exceeds the model's context, is split into parts), validated against the cards and
        filters, and timed."""
        plan.filters = filters.describe() if filters else []
        plan.inputs = list(request.inputs)
        if len(plan.steps) == 1:
            whole_request(plan.steps[0], request.task, request.supplied)
            limit = fit_context(plan, {card.id: card for card in cards}, request.inputs, limit)
        missing = missing_material(request.task, request.supplied)
        if missing:
            plan.notes.append(
                f"the task mentions {missing!r} but does not include it: put the text after a colon, or pass it "
                "with --input FILE or on stdin"
            )
        plan = ensure_valid(plan, self.source, filters, limit)
        plan.planning_s = round(time.perf_counter() - request.started, 3)
        return plan

    def _request(self, task: str, inputs: Sequence[InputArtifact]) -> _Request:
        started = time.perf_counter()
        if not isinstance(task, str) or not task.strip():
            raise PlanningError("the task is empty", hint="say what you want done, e.g. 'summarise report.txt'")
        request = _Request(task=task, text=task, started=started, inputs=inputs)
        if len(task) > self.settings.max_task_chars:
            request.text = task[: self.settings.max_task_chars]
            request.notes.append(
                f"planned from the task's first {self.settings.max_task_chars} characters (the steps get all of it)"
            )
        request.supplied = with_inputs(artifacts(request.text), inputs, len(request.text))
        request.task = material_after_question(task, request.supplied)
        request.text = material_after_question(request.text, request.supplied)
        fitted = self._fitted(self.wait_for_fit)
        request.trust = fitted.trust
        if fitted.note:
            request.notes.append(fitted.note)
        return request

    # --- retrieval --------------------------------------------------------------------------

    def _match(
        self, request: _Request, filters: SearchFilters | None
    ) -> tuple[list[str], list[CapabilityCard], list[list[float]], float]:
        """The clauses, the candidate cards, their clause x card scores and the best pure similarity of a
        specialist (a card other than a general chat model: those answer when no specialist matches)."""
        text = request.text
        parts = clauses(text)
        cards = self._pool(request, parts, filters)
        if not cards:
            raise PlanningError(
                f"no collaborator in the directory can serve this task (needed: {parts[0][:120]!r})"
                + (f" with the filters {', '.join(filters.describe())}" if filters and filters.describe() else ""),
                hint="register a model or tool with that capability (agentnet directory add), or relax the policies",
            )
        sims, semantic = self._scorer.similarities(parts, cards, request.trust)
        if max(max(row) for row in sims) < self.settings.threshold:
            # The asking sentence may be vague ("can you do that?"): read the scene-setting too.
            everything = clauses(text, requests_only=False)
            if everything != parts:
                parts = everything
                sims, semantic = self._scorer.similarities(everything, cards, request.trust)
        self._refuse_unmet_media(request, cards, parts, sims, bool(filters and filters.include_unavailable))
        for part, row in zip(parts, sims, strict=True):
            if sets_scene(part, mask_quotes(" ".join(text.split()))):  # the task the clauses were cut from
                row[:] = [value - self.settings.scene_penalty for value in row]
        specialists = [value for card, value in zip(cards, semantic, strict=True) if not self._general(card)]
        # The format of a file handed over asks for the collaborator that reads it (``lift_format_readers``).
        lifted = lift_format_readers(request.inputs, cards, sims, self.settings.threshold)
        specialists += [self.settings.threshold for i in lifted if not self._general(cards[i])]
        return parts, cards, sims, max(specialists, default=0.0)

    def _general(self, card: CapabilityCard) -> bool:
        return card.id == self.settings.general_model or is_general(card)

    def _only_a_bundled_guess(
        self, parts: list[str], cards: list[CapabilityCard], sims: list[list[float]], handed: list[Artifact]
    ) -> bool:
        """No clause clearly asks for any collaborator and the best guess is a bundled one (calculator,
        text statistics, ...): those are on every network, narrow, and must not capture requests they
        were not asked for ("summarise this" is not a similarity search) while a chat model is there.
        A bundled reader of a medium the user handed over (OCR for an image) is no guess: the input's
        type asks for it."""
        if not any(is_general(card) for card in cards):
            return False
        # The card the best guess would take (``draft``: the best mean over the clauses), not the best single
        # match: "write a poem about bees and a limerick about honey" had the chat model's 0.23 as its best
        # pair and semantic search (0.21, 0.22) as its guess.
        best_card = cards[max(range(len(cards)), key=lambda i: sum(row[i] for row in sims))]
        pointing = [any(artifact.value in part for artifact in handed) for part in parts]
        clearly = any(self._clearly_asks(row, points) for row, points in zip(sims, pointing, strict=True))
        # Any reader of the handed medium, not only the best match: with an image handed over, "how many
        # words are on this sign" is best matched by a word counter that needs the OCR step before it.
        media = {artifact.type for artifact in handed} - {"text"}
        reads_handed = any(media & set(card.input_types) for card in cards)
        return not clearly and not reads_handed and "bundled" in best_card.tags

    def _clearly_asks(self, row: list[float], points_at_a_file: bool = False) -> bool:
        """A clause clearly asks for its best collaborator: the score clears the threshold, or it clears
        the floor and stands out from every other collaborator's (the rule ``draft.choose`` applies):
        "what is 12% of 85" is plainly the calculator's although a short question scores low.

        A clause that names a file the user handed over asks for something to be done with that file,
        not for a chat: there the floor falls as far as the best collaborator stands out beyond the bar
        (``floor * standout / z``). "who is the oldest in people.json" scores the table query 0.28, five
        and a half deviations above the rest, and went to the chat model, which guessed; "Give me three
        names for a cat", which names no file, keeps the floor (a lower one sent it to a classifier)."""
        top = max(range(len(row)), key=row.__getitem__)
        tuning = self.settings
        if row[top] >= tuning.threshold:
            return True
        z = draft.standout_of(row, top)
        floor = tuning.floor * min(1.0, tuning.standout / z) if points_at_a_file and z > 0 else tuning.floor
        return tuning.standout > 0 and row[top] >= floor and z >= tuning.standout

    def _refuse_unmet_media(
        self,
        request: _Request,
        cards: list[CapabilityCard],
        parts: list[str],
        sims: list[list[float]],
        include_unavailable: bool,
    ) -> None:
        missing = unmet_media(request.text, request.supplied, cards, include_unavailable=include_unavailable)
        missing = [need for need in missing if not self._argument_of_a_tool(need, cards, parts, sims)]
        if not missing:
            return
        what = described(missing)
        raise PlanningError(
            f"this task needs {what}, and no installed collaborator offers it",
            hint=install_hint(missing, self.source.cards())
            or "add a model or tool with that capability (see `agentnet models add` and `agentnet mcp add`)",
            code="capability_missing",
        )

    def _argument_of_a_tool(
        self, need: Need, cards: list[CapabilityCard], parts: list[str], sims: list[list[float]]
    ) -> bool:
        """The medium is an argument of an API-style tool the task clearly asks for (one that takes its
        inputs as named values), not a medium the plan must read or make: a file the task hands over is a
        value such tools take by name ("sell example.jpg on Amazon", wherever the file is mentioned), and a
        medium to make counts when the clause asking for the tool says it ("make sure the movie starts
        playing" for a movie player). Tool lists of API tools declare no media types, so without this such
        requests were all refused (TaskBench dailylifeapis: 29 of its first 200).

        A tool that declares a medium (reads an image, makes audio) is typed: its types say what it takes,
        and a medium it does not declare is none of its arguments. "Transcribe meeting.wav" matched the
        text-to-speech tool (0.56, "speech"), which was then handed the recording as its text and spoke
        its file name, where no collaborator transcribes audio and the task is refused."""
        asking = [
            part.lower()
            for part, row in zip(parts, sims, strict=True)
            if takes_named_values(cards[max(range(len(row)), key=row.__getitem__)]) and self._clearly_asks(row)
        ]
        if need.input_type is not None:
            return bool(asking)
        return any(need.evidence.lower() in part for part in asking)

    def _pool(self, request: _Request, parts: list[str], filters: SearchFilters | None) -> list[CapabilityCard]:
        allowed_by = filters or SearchFilters()
        allowed = [card for card in self.source.cards() if allowed_by.rejects(card) is None]
        if self.memory is not None and self.settings.use_memory and allowed:
            bad = avoided(self.memory, request.text, allowed)
            allowed = [card for card in allowed if card.id not in bad] or allowed
        if len(allowed) <= self.settings.pool_size:
            return allowed
        text = request.text[:2000]
        searches = [(query, filters) for query in [text, *parts]]
        # A supplied link or file needs a first step that takes it, and the words of the request rarely
        # name that bridge (a page fetcher for a URL): also ask for the tools that accept each one.
        for kind in sorted({item.type for item in request.supplied} - {"text"}):
            searches.append((text, allowed_by.model_copy(update={"input_type": kind})))
        wanted: dict[str, None] = {}
        for query, where in searches:
            for candidate in self.source.search(query, k=8, filters=where):
                wanted.setdefault(candidate.card_id)
        by_id = {card.id: card for card in allowed}
        return [by_id[i] for i in wanted if i in by_id]

    def _choose(
        self,
        request: _Request,
        parts: list[str],
        cards: list[CapabilityCard],
        sims: list[list[float]],
        deadline_s: float | None,
    ) -> tuple[list[draft.Pick], str]:
        """Picks from retrieval and types, or from the planner model when it is consulted; and their source."""
        tuning = self.settings
        trust = request.trust or Trust()
        picks = draft.choose(
            parts,
            cards,
            sims,
            tuning.threshold,
            tuning.margin,
            [a.type for a in request.supplied],
            tuning.type_bonus,
            tuning.type_penalty,
            tuning.floor * trust.floor,
            tuning.standout * trust.standout,
            tuning.type_cue,
        )
        # Only media handed over (--input, inputs=) are read first: their content is unknown until read,
        # while a file the task merely names is planned from the task's own words like any other.
        handed = {a.type for a in request.supplied if a.named}
        picks = media_first.read_media_first(picks, cards, sims, parts, handed, tuning)
        picks = serve_the_rest(picks, parts, cards, sims, tuning.general_model, request.text)
        mode = tuning.model_mode
        consult = mode == "decompose" or (mode == "assist" and not picks[0].confident)
        # With a single candidate there is nothing for a model to decide.
        if (self._model is None and self._model_factory is None) or not consult or len(cards) <= 1:
            return picks, "retrieval"
        budget = float("inf") if deadline_s is None else deadline_s - (time.perf_counter() - request.started)
        if budget <= 0:
            request.notes.append("no time left for the planner model (deadline); planned from retrieval and types")
            return picks, "fallback"
        examples: list[dict[str, Any]] = []
        if self.memory is not None and self.settings.use_memory:
            examples = self.memory.similar(request.text, k=2)
        model = self.model
        assert model is not None  # checked above
        scored = (parts, cards, sims)
        proposed = llm.consult(model, self.settings, request.text, scored, examples, request.notes, budget)
        return (proposed, "model") if proposed else (picks, "fallback")
