"""Building a plan without a model: choose a tool per clause by similarity, then wire by types.

``choose`` turns clause-by-tool similarities into an ordered list of picks; ``complete`` inserts a
bridging tool when a pick needs a data type nothing upstream provides (a url the user gave must
be downloaded before a video tool can use it); ``link`` wires every pick's inputs: the most recent
earlier step producing a type it accepts, else an artifact of that type the user supplied, else a
literal from the task text. Consumed outputs become ``step`` inputs, so arguments say ``<node-k>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from textwrap import shorten

from agentnet.cards import CapabilityCard
from agentnet.planner import typecue
from agentnet.planner.extract import Artifact
from agentnet.planner.fallbacks import fallbacks
from agentnet.planner.needs import Need
from agentnet.planner.plan import Alternate, Step, StepInput, StepInputKind
from agentnet.planner.validate import WILDCARD_TYPES

# A clause whose best tool is already planned takes the runner-up within this gap. Flat over x0.5..x1.5
# (bench/tuning_sweep.py RUNNER_UP_GAP; n-F1/e-F1): office unchanged 83.29/48.54, multimedia 72.62-72.80
# n-F1 (e-F1 42.24-43.93 against 43.05).
RUNNER_UP_GAP = 0.1
# The least spread ``standout_of`` divides by: a row of near-equal scores must not make a hair's lead a
# standout. Flat: x0.5..x1.5 leave both dev domains unchanged (bench/tuning_sweep.py MIN_SPREAD).
MIN_SPREAD = 0.02
# A clause that is a question of its own (after the first): what, how many, when, which, ...
# A clause that names the material it works on ("this document", "the attached table").
_OWN_MATERIAL = re.compile(
    r"\b(?:this|these|the attached|the given|the enclosed)\s+(?:\w+\s+)?"
    r"(?:document|file|text|table|csv|spreadsheet|report|notes?|article|list|data|letter|e-?mail|essay|transcript)s?\b",
    re.IGNORECASE,
)
# A question about what came before ("what does sign.png say, and how many words is that?") reads it. Not
# "it", which a question of its own also says ("what day is it").
_BACK = re.compile(r"\b(?:that|this|those|these|them|the\s+(?:result|answer|text|output))\s*[?.!]?\s*$", re.IGNORECASE)
# "tell me what day it is" asks a question too ("What is 15% of 80? Please also tell me what day it is": the
# date step read the 12 as its material, and the answer was the date step's alone).
_QUESTION = re.compile(
    r"^\W*(?:and\s+|also\s+)*(?:(?:tell|show|give)\s+me\s+|let\s+me\s+know\s+)?(?:what|how|when|where|which|who|whom|whose|why)\b",
    re.IGNORECASE,
)


@dataclass
class Pick:
    """One chosen tool, the clause it serves and how sure we are."""

    card: CapabilityCard
    clause: str
    score: float
    alternates: list[tuple[str, float]] = field(default_factory=list)
    why: str = ""
    # False when no clause clearly asked for any tool and this is only the best guess.
    confident: bool = True
    # A step beside the chain: it reads what the request hands over, and no step reads it (the tool
    # classifier's additions, ``planner.learned_tools.with_additions``: sure of the tool, not of its place).
    side: bool = False


def accepts(card: CapabilityCard, kind: str) -> bool:
    types = set(card.input_types)
    return not types or kind in types or bool(types & WILDCARD_TYPES)


def choose(
    clauses: list[str],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    threshold: float,
    margin: float,
    supplied: list[str] | None = None,
    type_bonus: float = 0.0,
    type_penalty: float = 0.0,
    floor: float = 0.0,
    standout: float = 0.0,
    type_cue: float = 0.0,
) -> list[Pick]:
    """Per clause, the best tool if it clears ``threshold`` and is within ``margin`` of the task's best.

    Similarity is adjusted by the data flow so far: a tool that consumes data the user supplied or an
    earlier step produced (and nothing has used yet) gains ``type_bonus``; a tool needing a non-text
    type that nothing can provide loses ``type_penalty``.
    """
    if not cards:
        return []
    best_overall = max(max(row) for row in sims) if sims else 0.0
    fresh: dict[str, int] = {}
    for kind in supplied or []:
        fresh[kind] = fresh.get(kind, 0) + 1
    producible = {t for card in cards for t in card.output_types}
    picks: list[Pick] = []
    for clause, row in zip(clauses, sims, strict=True):
        cue = typecue.adjustments(clause, cards, row, type_cue)
        adjusted = [
            row[i] + cue[i] + _flow_adjust(cards[i], fresh, producible, type_bonus, type_penalty)
            for i in range(len(cards))
        ]
        ranked = sorted(range(len(cards)), key=lambda i: -adjusted[i])
        top = _best_untaken(cards, adjusted, ranked, {p.card.id for p in picks})
        if top is None:
            continue
        # A weak match still counts when it stands out: terse tool descriptions (API tools) score
        # low against any wording, but a request clause still prefers one tool far above the rest.
        distinct = standout > 0 and adjusted[top] >= floor and standout_of(adjusted, top) >= standout
        if (adjusted[top] < threshold and not distinct) or row[top] < best_overall - margin:
            continue
        card = cards[top]
        _flow(card, fresh)
        alternates = fallbacks(card, cards, adjusted, ranked[1:])
        why = f"similarity {row[top]:.2f} to clause {shorten(clause, 60, placeholder='…')!r}"
        picks.append(Pick(card, clause, adjusted[top], alternates, why))
    if picks:
        return picks
    # Nothing was picked, so nothing consumed what was handed over: ``fresh`` is still the supplied media.
    # With nothing handed over the flow says nothing of the request ("put a label on this photo" is
    # about a photo still to be given, not a reason to label text instead).
    flow = [_flow_adjust(card, fresh, producible, type_bonus, type_penalty) if fresh else 0.0 for card in cards]
    return [_best_guess(clauses, cards, sims, flow)]


def _best_untaken(cards: list[CapabilityCard], adjusted: list[float], ranked: list[int], taken: set[str]) -> int | None:
    """The clause's best tool (``ranked``: best first); when that is already planned, a close runner-up."""
    top = ranked[0]
    if cards[top].id not in taken:
        return top
    runner = next((i for i in ranked if cards[i].id not in taken), None)
    if runner is None or adjusted[runner] < adjusted[top] - RUNNER_UP_GAP:
        return None
    return runner


def _flow(card: CapabilityCard, fresh: dict[str, int]) -> None:
    """A picked tool consumes one fresh item of each type it reads and adds the types it produces."""
    for kind in card.input_types:
        if fresh.get(kind, 0) > 0:
            fresh[kind] -= 1
    for kind in card.output_types:
        fresh[kind] = fresh.get(kind, 0) + 1


def _best_guess(clauses: list[str], cards: list[CapabilityCard], sims: list[list[float]], flow: list[float]) -> Pick:
    """Nothing clears the bar: the tool the whole request leans to still beats no plan. That is the
    best mean score over its clauses plus ``choose``'s data-flow adjustment for what was handed over
    (``flow``), served by its best clause.

    Why not the single best (clause, tool) score: when nothing clears the bar every clause is weak, and
    the strongest weak match is mostly a fragment's accident ("adaptation efforts", a noun cut from a
    list, for a translator, where the request was "could you perhaps condense it"). On huggingface's 34
    such requests the best pair found 4 of their 51 gold tools, the mean 13 (zero-shot all, --mode off,
    n-F1: huggingface 58.14 -> 58.98, dailylifeapis 78.99 -> 79.13, multimedia 74.10 -> 73.83, office
    unchanged). The type cues of media a clause names were no better (huggingface 59.12, multimedia
    73.55). Why the flow: without it, "enhance its quality by minimizing that background noise" about a
    handed audio file went to an image editor (0.29 against audio-to-audio's 0.26) fed by an audio
    classifier. Measured 2026-12-06, n-F1/e-F1: huggingface 60.47/27.86 -> 60.46/28.02, multimedia
    75.59/49.20 -> 75.66/49.28 (1 plan, better), office and dailylifeapis unchanged. With the flow also
    where nothing was handed over, huggingface was 60.58/28.04, but "put a label on this photo" went
    to a text tagger (no image given, so the photo tagger lost the penalty of a medium nobody provides)."""
    columns = range(len(cards))
    lean = [sum(row[i] for row in sims) / len(sims) + flow[i] for i in columns]
    card_index = max(columns, key=lean.__getitem__)
    clause_index = max(range(len(clauses)), key=lambda c: sims[c][card_index])
    score = sims[clause_index][card_index]
    # A guess is the least certain pick: it keeps the next tools the request leans to as its fallbacks
    # ("1 hour and 30 minutes in minutes" guessed the dates tool, which cannot convert a duration, and
    # the run failed where the calculator, close behind, answers "90 min").
    ranked = sorted(columns, key=lambda i: -lean[i])
    alternates = fallbacks(cards[card_index], cards, lean, [i for i in ranked if i != card_index])
    return Pick(
        cards[card_index],
        clauses[clause_index],
        score,
        alternates,
        f"best match ({score:.2f}); no clause was clearly served",
        confident=False,
    )


def standout_of(row: list[float], index: int) -> float:
    """How many standard deviations ``row[index]`` lies above the other scores' mean (measured against
    the others alone, so that it stays meaningful for a directory of only a few tools)."""
    others = [value for i, value in enumerate(row) if i != index]
    if not others:
        return 0.0
    mean = sum(others) / len(others)
    spread = max((sum((value - mean) ** 2 for value in others) / len(others)) ** 0.5, MIN_SPREAD)
    return (row[index] - mean) / spread


def _flow_adjust(
    card: CapabilityCard, fresh: dict[str, int], producible: set[str], bonus: float, penalty: float
) -> float:
    media = [t for t in card.input_types if t != "text" and t not in WILDCARD_TYPES]
    if not media:
        return 0.0
    # One handed-over audio file serves one of a two-audio tool's inputs, not both.
    served = sum(min(media.count(t), fresh.get(t, 0)) for t in set(media))
    missing = sum(1 for t in media if fresh.get(t, 0) <= 0 and t not in producible)
    return bonus * served / len(media) - penalty * (missing > 0) - penalty * 0.5 * (served == 0)


def complete(
    picks: list[Pick], cards: list[CapabilityCard], task_sims: dict[str, float], supplied: set[str]
) -> list[Pick]:
    """Insert a bridging tool before a pick whose inputs no earlier step nor the user can provide. A
    bridge that a later clause picked anyway is that pick moved up, not a second step of the same tool
    ("create an audio file for this", then "classify the audio": one speech synthesiser, first)."""
    out: list[Pick] = []
    available = set(supplied) | {"text"}
    queue = list(picks)
    while queue:
        pick = queue.pop(0)
        bridge = _bridge(pick, cards, available, task_sims)
        if bridge is not None and _remade_from_scratch(pick, bridge):
            why = f"makes the {pick.card.input_types[0]} the clause asks for, which {pick.card.id!r} would only remake"
            pick = Pick(bridge, pick.clause, task_sims.get(bridge.id, 0.0), [], why)
        elif bridge is not None:
            later = next((p for p in queue if p.card.id == bridge.id), None)
            if later is not None:
                queue.remove(later)
            why = f"bridges to {pick.card.input_types[0]} for {pick.card.id!r}"
            out.append(later or Pick(bridge, pick.clause, task_sims.get(bridge.id, 0.0), [], why))
            available.update(bridge.output_types)
        out.append(pick)
        available.update(pick.card.output_types)
    return _consume_leftovers(out, cards, task_sims, supplied)


def _bridge(
    pick: Pick, cards: list[CapabilityCard], available: set[str], task_sims: dict[str, float]
) -> CapabilityCard | None:
    """The best tool (for the whole task) making what ``pick`` needs from what is ``available``, when
    nothing available feeds it; None when fed or when nothing can make its input."""
    needed = pick.card.input_types
    if not needed or any(t in available or t in WILDCARD_TYPES for t in needed):
        return None
    bridges = [
        c
        for c in cards
        if c.id != pick.card.id
        and any(t in available for t in c.input_types)
        and any(t in needed for t in c.output_types)
    ]
    return max(bridges, key=lambda c: task_sims.get(c.id, 0.0)) if bridges else None


def make_requested(
    picks: list[Pick], cards: list[CapabilityCard], task_sims: dict[str, float], wanted: list[Need]
) -> list[Pick]:
    """A medium the task asks for ("... and read the count out loud") that no planned step makes gets
    the best collaborator making it from text as a last step, reading what the steps before produced."""
    for need in wanted:
        kind = need.output_type
        if kind is None or any(kind in pick.card.output_types for pick in picks):
            continue
        makers = [c for c in cards if c.available and kind in c.output_types and "text" in c.input_types]
        if makers:
            maker = max(makers, key=lambda c: task_sims.get(c.id, 0.0))
            why = f"the task asks for {need.what} ({need.evidence!r})"
            picks = [*picks, Pick(maker, need.evidence, task_sims.get(maker.id, 0.0), [], why)]
    return picks


def _consume_leftovers(
    picks: list[Pick], cards: list[CapabilityCard], task_sims: dict[str, float], supplied: set[str]
) -> list[Pick]:
    """A supplied artifact no step reads (a url before a text step) gets a bridge to the first step
    that can take the bridge's output, unless that step is fed by an earlier step already."""
    consumed = {t for pick in picks for t in pick.card.input_types}
    for kind in sorted(supplied - consumed - {"text"}):
        for index, pick in enumerate(picks):
            fed = {t for earlier in picks[:index] for t in earlier.card.output_types}
            bridges = [
                c
                for c in cards
                if kind in c.input_types
                and any(t in pick.card.input_types and t not in fed for t in c.output_types)
                and c.id not in {p.card.id for p in picks}
            ]
            if bridges:
                bridge = max(bridges, key=lambda c: task_sims.get(c.id, 0.0))
                picks.insert(
                    index,
                    Pick(
                        bridge,
                        pick.clause,
                        task_sims.get(bridge.id, 0.0),
                        [],
                        f"reads the supplied {kind} for {pick.card.id!r}",
                    ),
                )
                break
    return picks


def link(picks: list[Pick], artifacts: list[Artifact], task: str) -> list[Step]:
    """Steps with inputs wired by type: earlier outputs first, then the user's artifacts, then literals."""
    steps: list[Step] = []
    consumed: set[int] = set()
    used_artifacts: set[int] = set()
    side = {index for index, pick in enumerate(picks) if pick.side}
    for index, pick in enumerate(picks):
        card = pick.card
        wanted = card.input_types or ["text"]
        inputs: list[StepInput] = []
        linked_here: set[int] = set()
        for position, kind in enumerate(wanted):
            name = card.parameters[position]["name"] if position < len(card.parameters) else None
            own = _own_material(picks, index, kind, artifacts, used_artifacts)
            exclude = linked_here | _other_questions(picks, index, kind) | own | side
            producer = None if pick.side else _producer(picks[:index], kind, consumed, exclude, reuse=False)
            if pick.side:  # reads the material (the one another step reads too), takes none from the others
                artifact = _artifact(artifacts, kind, set(used_artifacts), pick.clause)
                artifact = _artifact(artifacts, kind, set(), pick.clause) if artifact is None else artifact
            else:
                artifact = _artifact(artifacts, kind, used_artifacts, pick.clause) if producer is None else None
            if producer is None and artifact is None and kind != "text" and not pick.side:
                producer = _producer(picks[:index], kind, consumed, exclude, reuse=True)
            if producer is not None:
                consumed.add(producer)
                linked_here.add(producer)
                inputs.append(StepInput(kind="step", step=f"s{producer + 1}", type=kind, name=name))
                continue
            if artifact is not None:
                # An input handed over beside the task is read by name at run time; one named in the text is literal.
                source: StepInputKind = "user" if artifacts[artifact].named else "literal"
                inputs.append(StepInput(kind=source, value=artifacts[artifact].value, type=kind, name=name))
                continue
            inputs.append(StepInput(kind="user", value=pick.clause or task, type=kind, name=name))
        for param in card.parameters[len(wanted) :]:
            inputs.append(StepInput(kind="literal", name=param.get("name"), value=pick.clause, type=param.get("type")))
        steps.append(
            Step(
                id=f"s{index + 1}",
                capability=card.id,
                instruction=pick.clause or task,
                inputs=inputs,
                output_type=card.output_types[0] if card.output_types else None,
                alternates=[Alternate(card_id=c, score=s) for c, s in pick.alternates],
                why=pick.why,
                score=round(pick.score, 4),
            )
        )
    return steps


def _other_questions(picks: list[Pick], index: int, kind: str) -> set[int]:
    """Earlier steps a question of its own must not read: "What is 15% of 240, and what date is 30 days
    after 2025-01-01?" asks two things; the second is not about the first one's answer. A step for the
    same clause (a bridge reading a file for it) still feeds it, and media types are always wired."""
    clause = picks[index].clause
    if kind != "text" or not _QUESTION.match(clause) or _BACK.search(clause):
        return set()
    return {i for i in range(index) if picks[i].clause != clause}


def _own_material(picks: list[Pick], index: int, kind: str, artifacts: list[Artifact], used: set[int]) -> set[int]:
    """Earlier steps a clause pointing at material of its own must not read: in "Read the text on this
    sign, and count the words of this document" the count is of the document handed over, not of the
    sign's text. Only when a handed-over input of that kind is there for it (not read yet)."""
    clause = picks[index].clause
    free = any(a.named and a.type == kind and i not in used for i, a in enumerate(artifacts))
    if not free or not _OWN_MATERIAL.search(clause):
        return set()
    return {i for i in range(index) if picks[i].clause != clause}


def _producer(earlier: list[Pick], kind: str, consumed: set[int], exclude: set[int], *, reuse: bool) -> int | None:
    """The most recent earlier step producing ``kind``; unconsumed ones only unless ``reuse``."""
    for i in range(len(earlier) - 1, -1, -1):
        if i not in exclude and (reuse or i not in consumed) and _produces(earlier[i].card, kind):
            return i
    return None


def _produces(card: CapabilityCard, kind: str) -> bool:
    return kind in card.output_types or bool(set(card.output_types) & WILDCARD_TYPES)


def _artifact(artifacts: list[Artifact], kind: str, used: set[int], clause: str = "") -> int | None:
    """The first unused artifact of ``kind``; a file handed over that the clause names comes first. In 'Who
    lives in "Lyon" according to people.csv?' the quoted "Lyon" came first, became the table tool's data,
    and the run answered with the file's word count (the table tool: "no table found")."""
    named = [i for i, artifact in enumerate(artifacts) if artifact.named and artifact.value in clause]
    for i in [*named, *range(len(artifacts))]:
        if i not in used and artifacts[i].type == kind:
            used.add(i)
            return i
    return None


def _remade_from_scratch(pick: Pick, bridge: CapabilityCard) -> bool:
    """The pick only reworks a medium (audio in, audio out) that the clause wants made from words ("turn the
    translation into an audio file") and nobody has yet: the bridge making it does what was asked. Not when
    the clause starts from or points at it ("clean up the audio"). Zero-shot, --mode off: huggingface
    59.87/27.03 -> 60.17/27.31 (18 requests changed, 15 better, 2 worse), the others unchanged."""
    media = {t for t in pick.card.input_types if t not in WILDCARD_TYPES} - {"text"}
    if not media or set(pick.card.output_types) != media or not media <= set(bridge.output_types):
        return False
    cues = typecue.cues_of(pick.clause)
    return bool(cues.wanted & media) and not (cues.source | cues.pointed) & media
