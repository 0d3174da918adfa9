"""A question about a text file the run was handed goes to a collaborator that answers it, not to a
reader of that file: "Who owns the budget according to notes.txt?" planned read-file alone, and its
"answer" was the whole file (three pages back for a three-page file, not "Alice")."""

from __future__ import annotations

import re

from agentnet.cards import CapabilityCard
from agentnet.nodes.forms import takes_path
from agentnet.planner.draft import Pick, standout_of
from agentnet.planner.extract import Artifact, opens_with_verb
from agentnet.planner.needs import is_general
from agentnet.planner.tuning import PlannerTuning

# Words that ask nothing of a text by themselves: "what is in notes.txt?", "show me notes.txt".
_FUNCTION = frozenset(
    re.findall(
        r"\w+",
        "a an the of in on at to from for with by into inside out this that these those it its me my us our you "
        "your is are was were be been do does did can could would will please and or what which who whom whose "
        "where when how why there here all whole",
    )
)


def answer_handed_text(
    picks: list[Pick],
    cards: list[CapabilityCard],
    sims: list[list[float]],
    clauses: list[str],
    supplied: list[Artifact],
    tuning: PlannerTuning,
) -> list[Pick]:
    """A reader that opens a file by name, planned on a clause naming a text file the run was already
    handed, returns that file's text: the planner's whole answer to a clause that also asks something of
    the text (words beyond the file's name, the clause's verb and the reader's own card) would be the
    file echoed. Such a pick goes to the text collaborator that clearly serves the clause (media_first's
    rule: ``floor`` and ``standout`` above the others), else the general model, which is handed the file
    all the same. "read notes.txt", "what is in notes.txt?" keep the reader."""
    names = [a.value for a in supplied if a.named and a.type == "text"]
    if not names:
        return picks
    out: list[Pick] = []
    for pick in picks:
        named = [name for name in names if name in pick.clause]
        if not named or not _reads_by_name(pick.card) or not _asks_of_text(pick.clause, named, pick.card):
            out.append(pick)
            continue
        row = sims[clauses.index(pick.clause)] if pick.clause in clauses else None
        card = None if row is None else _answerer(cards, row, tuning)
        if card is None or row is None:
            out.append(pick)
            continue
        score = row[cards.index(card)]
        why = f"similarity {score:.2f} to clause; {pick.card.id} would only return the handed {named[0]}"
        out.append(Pick(card, pick.clause, score, [(pick.card.id, pick.score)], why, confident=True))
    return out


def _reads_by_name(card: CapabilityCard) -> bool:
    """The card takes a file's name (read-file's ``path``) and gives text: what it gives for a handed
    text file is that file's text."""
    takes = any(takes_path(p.get("name", ""), {"type": p.get("type")}) for p in card.parameters)
    return takes and "text" in card.output_types


def _asks_of_text(clause: str, named: list[str], reader: CapabilityCard) -> bool:
    """The clause asks something a reader does not: words left after the file's name, the clause's
    own verb ("print", "show"), words that ask nothing alone, and the reader card's own words."""
    rest = clause
    for name in named:
        rest = rest.replace(name, " ")
    words = re.findall(r"[a-z]+", rest.lower())
    if opens_with_verb(clause) and words:
        words = words[1:]
    own = " ".join([reader.name, reader.description, *reader.tags, ""])
    own += " ".join(" ".join([s.name, s.description, *s.tags, *s.examples]) for s in reader.skills)
    known = _FUNCTION | set(re.findall(r"[a-z]+", own.lower()))
    return any(word not in known for word in words)


def _answerer(cards: list[CapabilityCard], row: list[float], tuning: PlannerTuning) -> CapabilityCard | None:
    """The text collaborator that clearly serves the clause's words, else the general chat model."""
    # Another reader by name would only return the file again.
    others = [i for i, card in enumerate(cards) if "text" in card.input_types and not _reads_by_name(card)]
    scores = [row[i] for i in others]
    best = max(range(len(others)), key=scores.__getitem__, default=None)
    if best is not None and scores[best] >= tuning.floor and standout_of(scores, best) >= tuning.standout:
        return cards[others[best]]
    general = [card for card in cards if card.id == tuning.general_model or is_general(card)]
    general.sort(key=lambda card: card.id != tuning.general_model)
    return general[0] if general else None
