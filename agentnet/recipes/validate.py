"""Static checks: every problem in a recipe, each with ``file:line:column``, before anything runs.

Parsing (size, aliases, YAML syntax, Python tags) is ``agentnet.yamlfile``'s job; this module adds
the schema errors (all of them, from pydantic) and the checks a schema cannot express: duplicate
step ids, dangling references, unknown models, unsatisfiable requirements, dependency cycles
(``cycles.py``) and template variables that do not exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agentnet.cards import CapabilityCard, normalize_type
from agentnet.errors import ConfigError
from agentnet.jsonschemas import schema_problem
from agentnet.model_ids import where_listed
from agentnet.recipes.cross_checks import hidden_problems
from agentnet.recipes.cycles import cycle_problems
from agentnet.recipes.schema import Call, Recipe, Requirement, Step, Target
from agentnet.recipes.template import LOOP_FIELDS, STEP_FIELDS, Reference, scan
from agentnet.wording import plural
from agentnet.yamlfile import PositionedYaml, load_yaml_file, parse_yaml, validation_problems

Loc = tuple[str | int, ...]


@dataclass
class _Template:
    loc: Loc
    text: str
    loop: bool = False  # may use {{ loop.* }}
    proposals: bool = False  # may use {{ proposals }}


@dataclass
class Checked:
    """The outcome of validation: the recipe (when it parsed) and every problem found."""

    source: str
    recipe: Recipe | None
    problems: list[str] = field(default_factory=list)
    dependencies: dict[str, list[str]] = field(default_factory=dict)
    # input name -> where it is declared (file:line:column), for errors about the values a run gets
    places: dict[str, str] = field(default_factory=dict)
    # step id -> where it is written (file:line:column), for a failed step's hint
    step_places: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.recipe is not None and not self.problems


def requirement_misses(card: CapabilityCard, need: Requirement) -> list[str]:
    """Why ``card`` does not satisfy ``need`` (empty when it does)."""
    misses = []
    wanted = need.skill.strip().lower()
    outputs = set(card.output_types)
    skill_match = False
    for skill in card.skills:
        names = {skill.id.lower(), skill.name.lower(), *(tag.lower() for tag in skill.tags)}
        if wanted in names:
            skill_match = True
            outputs |= set(card.skill_outputs(skill))
    if not skill_match and wanted not in {tag.lower() for tag in card.tags}:
        misses.append(f"no skill or tag {need.skill!r}")
    if normalize_type(need.output) not in outputs:
        misses.append(f"does not produce {need.output!r}")
    if need.local == "required" and card.locality != "local":
        misses.append("not local")
    if need.max_cost is not None and card.cost_per_1k_output > need.max_cost:
        misses.append(f"costs {card.cost_per_1k_output:g}/1k > {need.max_cost:g}")
    if not card.available:
        misses.append("unavailable")
    return misses


def targets_of(step: Step) -> Iterator[tuple[Loc, Target]]:
    if step.kind == "call":
        yield (), step.as_call()
    for j, target in enumerate(step.cascade or []):
        yield ("cascade", j), target
    if step.mixture is not None:
        for j, target in enumerate(step.mixture.proposers):
            yield ("mixture", "proposers", j), target
        yield ("mixture", "aggregator"), step.mixture.aggregator
    if step.route is not None:
        for j, case in enumerate(step.route.cases):
            yield ("route", "cases", j), case
        if step.route.default is not None:
            yield ("route", "default"), step.route.default
    if step.loop is not None:
        yield ("loop", "critique"), step.loop.critique
        yield ("loop", "revise"), step.loop.revise


def _templates(step: Step) -> Iterator[_Template]:
    if step.prompt is not None:
        yield _Template(("prompt",), step.prompt)
    for loc, target in targets_of(step):
        if isinstance(target, Call) and loc:
            yield _Template(
                (*loc, "prompt"), target.prompt, loop=loc[0] == "loop", proposals=loc == ("mixture", "aggregator")
            )
    if step.route is not None:
        yield _Template(("route", "value"), step.route.value)
    if step.loop is not None:
        yield _Template(("loop", "start"), step.loop.start)


class _Checker:
    def __init__(
        self,
        doc: PositionedYaml,
        steps: list[tuple[int, Step]],
        inputs: dict[str, str],
        output: str | None,
        cards: Sequence[CapabilityCard],
        step_ids: set[str],
    ) -> None:
        self.doc = doc
        self.steps = steps
        self.inputs = inputs  # name -> declared type
        self.output = output
        self.cards = list(cards)
        self.problems: list[str] = []
        self.step_ids = step_ids

    def problem(self, loc: Loc, message: str) -> None:
        dotted = ".".join(str(part) for part in loc) or "(top level)"
        self.problems.append(f"{self.doc.where(loc)}: {dotted}: {message}")

    def run(self) -> dict[str, list[str]]:
        self.check_unique_ids()
        # By position, not by id: with two steps of one id, a map by id kept one step's
        # dependencies, and a cycle through the other was not seen until the ids were fixed.
        deps = {i: self.step_dependencies(i, step) for i, step in self.steps}
        if self.output is not None:
            self.template_refs(("output",), _Template(("output",), self.output), own=None)
        for index, message in cycle_problems([(i, step.id) for i, step in self.steps], deps):
            self.problem(("steps", index, "id"), message)
        return {step.id: deps[i] for i, step in self.steps}

    def check_unparsed(self, i: int, step: dict[str, Any]) -> None:
        """A step that does not parse (a misspelt `promt:` leaves it without a prompt) still has its
        model and prompt checked: they were reported only once the other problem was fixed."""
        own = step.get("id") if isinstance(step.get("id"), str) else None
        if isinstance(step.get("prompt"), str):
            self.template_refs(("steps", i, "prompt"), _Template(("prompt",), step["prompt"]), own=own)
        model = step.get("model")
        if isinstance(model, str) and model not in {card.id for card in self.cards}:
            self.check_target(("steps", i), Target.model_construct(model=model, needs=None))

    def check_unique_ids(self) -> None:
        seen: dict[str, int] = {}
        for i, step in self.steps:
            if step.id in seen:
                first = self.doc.where(("steps", seen[step.id], "id"))
                self.problem(
                    ("steps", i, "id"),
                    f"duplicate step id {step.id!r}, also the id of steps.{seen[step.id]} at {first} "
                    "(step ids must be unique: rename one, and the references meant for it)",
                )
            seen.setdefault(step.id, i)

    def step_dependencies(self, i: int, step: Step) -> list[str]:
        """Check one step (its ``after``, templates and targets); return the steps it waits for."""
        base: Loc = ("steps", i)
        found: list[str] = []
        for j, after in enumerate(step.after):
            if after not in self.step_ids:
                self.problem((*base, "after", j), self._unknown_step(after))
            elif after not in found:
                found.append(after)
        for template in _templates(step):
            for ref in self.template_refs((*base, *template.loc), template, own=step.id):
                if ref not in found:
                    found.append(ref)
        for loc, target in targets_of(step):
            self.check_target((*base, *loc), target)
            if isinstance(target, Call):
                self.check_media((*base, *loc), target, target.prompt if loc else step.prompt or "")
        if step.kind == "cascade":
            self.check_schema(base, step.output_schema)
        return found

    def _unknown_step(self, step_id: str) -> str:
        known = ", ".join(sorted(self.step_ids))
        return f"unknown step {step_id!r} (steps in this recipe: {known})"

    def template_refs(self, loc: Loc, template: _Template, own: str | None) -> list[str]:
        """Check one template; return the step ids it reads."""
        refs, errors = scan(template.text)
        for error in errors:
            self.problem(loc, error)
        steps: list[str] = []
        for ref in refs:
            problem = self._ref_problem(ref, template, own)
            if problem is not None:
                self.problem(loc, problem)
            elif ref.root == "steps":
                steps.append(ref.path[1])
        return steps

    def _ref_problem(self, ref: Reference, template: _Template, own: str | None) -> str | None:
        """What is wrong with one ``{{ ... }}`` reference, or None when it is fine."""
        rest = ref.path[1:]
        if ref.root == "inputs":
            return self._input_problem(ref, rest)
        if ref.root == "steps":
            return self._step_ref_problem(ref, rest, own)
        if ref.root == "loop":
            if not template.loop:
                return f"'{{{{ {ref.text} }}}}': loop variables exist only inside loop critique/revise"
            if len(rest) != 1 or rest[0] not in LOOP_FIELDS:
                return f"'{{{{ {ref.text} }}}}': loop variables are {', '.join(LOOP_FIELDS)}"
            return None
        if ref.root == "proposals":
            ok = template.proposals and not rest
            return None if ok else "'{{ proposals }}' exists only in a mixture's aggregator prompt"
        return f"template variable '{ref.text}' is unknown (use inputs.*, steps.*, loop.* or proposals)"

    def _input_problem(self, ref: Reference, rest: Sequence[str]) -> str | None:
        if len(rest) != 1:
            return f"'{{{{ {ref.text} }}}}': write inputs as {{{{ inputs.NAME }}}}"
        if rest[0] not in self.inputs:
            declared = ", ".join(sorted(self.inputs)) or "none"
            return f"template variable 'inputs.{rest[0]}' is not a declared input (declared: {declared})"
        return None

    def _step_ref_problem(self, ref: Reference, rest: Sequence[str], own: str | None) -> str | None:
        if not rest or rest[0] not in self.step_ids:
            return f"'{{{{ {ref.text} }}}}': " + self._unknown_step(rest[0] if rest else "")
        if rest[0] == own:
            return f"'{{{{ {ref.text} }}}}': a step cannot read its own output"
        if len(rest) < 2 or rest[1] not in STEP_FIELDS or (rest[1] != "data" and len(rest) != 2):
            return f"'{{{{ {ref.text} }}}}': use steps.ID.output, steps.ID.model or steps.ID.data"
        return None

    def check_schema(self, loc: Loc, schema: dict[str, Any] | None) -> None:
        if schema is None:
            return
        problem = schema_problem(schema)
        if problem is not None:
            self.problem((*loc, "output_schema"), problem)

    def check_target(self, loc: Loc, target: Target) -> None:
        if isinstance(target, Call):
            self.check_schema(loc, target.output_schema)
        ids = [card.id for card in self.cards]
        if target.model is not None and target.model not in ids:
            self.problem(
                (*loc, "model"),
                f"unknown model {target.model!r}{_meant(target.model, ids)} (known: {', '.join(ids) or 'none'}; "
                f"see {where_listed(target.model)})",
            )
        if target.needs is not None and not any(not requirement_misses(c, target.needs) for c in self.cards):
            self.problem((*loc, "needs"), self._unsatisfiable(target.needs))

    def _unsatisfiable(self, need: Requirement) -> str:
        """Why no card meets ``need``: the cards that list the skill and what each misses; when none
        lists it, the skills and tags that are near it, not every card's "no skill or tag" (a typo
        named all of them, 24 cards in 1,200 characters, and no fix)."""
        asked = (
            f"unsatisfiable requirement (skill {need.skill!r}, output {need.output!r}, local {need.local}"
            + (f", max_cost {need.max_cost:g}" if need.max_cost is not None else "")
            + ")"
        )
        missing = f"no skill or tag {need.skill!r}"
        holders = [card for card in self.cards if missing not in requirement_misses(card, need)]
        if holders:
            why = "; ".join(f"{card.id}: {', '.join(requirement_misses(card, need))}" for card in holders)
            return f"{asked}: no registered model qualifies ({why}); add a model whose card has it"
        names = sorted(
            {tag.lower() for card in self.cards for tag in card.tags}
            | {n.lower() for card in self.cards for s in card.skills for n in (s.id, *s.tags)}
        )
        near = difflib.get_close_matches(need.skill.strip().lower(), names, n=3, cutoff=0.75)
        guess = f"did you mean {' or '.join(map(repr, near))}? " if near else ""
        return (
            f"{asked}: no registered model lists the skill or tag {need.skill!r}; {guess}"
            "`agentnet models list` shows each model's skills"
        )

    def check_media(self, loc: Loc, target: Target, prompt: str) -> None:
        """A file input (image, audio) handed to a named model that cannot take it: say who can."""
        card = next((c for c in self.cards if c.id == target.model), None)
        if card is None:
            return
        refs, _ = scan(prompt)
        for ref in refs:
            kind = self.inputs.get(ref.path[1], "text") if ref.root == "inputs" and len(ref.path) == 2 else "text"
            if kind in ("image", "audio") and kind not in card.input_types:
                able = [c.id for c in self.cards if kind in c.input_types and c.available]
                self.problem(
                    (*loc, "prompt"),
                    f"'{{{{ {ref.text} }}}}' is an {kind} input, but model "
                    f"{card.id!r} takes {', '.join(card.input_types)}; give it to a collaborator that takes "
                    f"{kind} ({', '.join(able) or 'none is installed: see `agentnet models list`'})",
                )


def check_document(doc: PositionedYaml, cards: Sequence[CapabilityCard]) -> Checked:
    """Validate parsed YAML as a recipe; collect every problem."""
    data: Any = doc.data
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else type(data).__name__
        return Checked(doc.source, None, [f"{doc.where(())}: a recipe must be a mapping (name:, steps:), not {kind}"])
    try:
        recipe: Recipe | None = Recipe.model_validate(data)
    except ValidationError as exc:
        recipe = None
        problems = validation_problems(doc, exc, model=Recipe)
        # A field's error keeps pydantic from running its object's checks across fields: run them.
        problems += [
            f"{doc.where(loc)}: {'.'.join(map(str, loc))}: {message}" for loc, message in hidden_problems(data)
        ]
    else:
        problems = []
    # The semantic checks run even when the schema failed somewhere, on every step that parsed,
    # so one run lists every problem.
    raw_steps: list[Any] = data["steps"] if isinstance(data.get("steps"), list) else []
    steps, unparsed = _parsed_steps(raw_steps)
    raw_inputs = data.get("inputs")
    inputs = {str(name): _input_type(spec) for name, spec in raw_inputs.items()} if isinstance(raw_inputs, dict) else {}
    ids = {str(item["id"]) for item in raw_steps if isinstance(item, dict) and "id" in item}
    output = data.get("output") if isinstance(data.get("output"), str) else None
    checker = _Checker(doc, steps, inputs, output, cards, ids)
    deps = checker.run()
    for i, item in unparsed:
        checker.check_unparsed(i, item)
    problems += [p for p in checker.problems if p not in problems]
    problems.sort(key=_position_key)
    places = {name: doc.where(("inputs", name)) for name in inputs}
    step_places = {step.id: doc.where(("steps", i)) for i, step in steps}
    return Checked(doc.source, recipe if not problems else None, problems, deps, places, step_places)


def _parsed_steps(raw_steps: list[Any]) -> tuple[list[tuple[int, Step]], list[tuple[int, dict[str, Any]]]]:
    """The steps that parse (with their unknown keys left out: those are reported already), and
    the mappings of those that do not even so (``_Checker.check_unparsed`` checks what it can)."""
    steps: list[tuple[int, Step]] = []
    unparsed: list[tuple[int, dict[str, Any]]] = []
    for i, item in enumerate(raw_steps):
        try:
            steps.append((i, Step.model_validate(item)))
        except ValidationError:
            known = {k: v for k, v in item.items() if k in Step.model_fields} if isinstance(item, dict) else None
            try:
                steps.append((i, Step.model_validate(known)))
            except ValidationError:
                if known is not None:
                    unparsed.append((i, known))
    return steps, unparsed


def _meant(model: str, ids: Sequence[str]) -> str:
    """The ids a misspelt one is nearest (`calculater` is `calculator`): the known list alone, 24 ids
    with the bundled collaborators, left the reader to spot it."""
    near = difflib.get_close_matches(model, ids, n=2, cutoff=0.75)
    return f": did you mean {' or '.join(map(repr, near))}?" if near else ""


def _input_type(spec: Any) -> str:
    kind = spec.get("type") if isinstance(spec, dict) else None
    return kind if isinstance(kind, str) else "text"


def _position_key(problem: str) -> tuple[int, int]:
    match = re.match(r"^.*?:(\d+):(\d+): ", problem)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def check_text(text: str, source: str, cards: Sequence[CapabilityCard]) -> Checked:
    return check_document(parse_yaml(text, source), cards)


def check_file(path: Path, cards: Sequence[CapabilityCard]) -> Checked:
    return check_document(load_yaml_file(path), cards)


def raise_problems(checked: Checked) -> Recipe:
    """The recipe, or a ``ConfigError`` listing every problem."""
    if checked.ok and checked.recipe is not None:
        return checked.recipe
    count = len(checked.problems)
    raise ConfigError(
        f"invalid recipe {checked.source} ({plural(count, 'problem')}):\n  " + "\n  ".join(checked.problems),
        hint=f"fix the listed places in {checked.source}; `agentnet recipe schema` prints the format",
        code="invalid_recipe",
    )
