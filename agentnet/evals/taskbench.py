"""TaskBench: scoring plans exactly as TaskBench does, and the planning benchmark run.

Scoring follows ``shared/bench/taskbench/METRICS.md``: node F1 and edge F1 micro-averaged over
(sample, name) sets. In resource domains (tools with input/output types) edges come from the
nodes' ``<node-k>`` arguments, for gold and prediction alike; in API domains (tools with
``parameters``) they come from ``task_links``. Data quirks are accepted: ``task_nodes`` stored
as a dict of steps, links that say ``destination`` instead of ``target``. Data lines are read like
the example files ``agentnet plan --learn`` takes (``planner.examples``); tool lists like
``agentnet directory import`` reads them (``directory.importers``), so the bench plans with the very
cards a user would import.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agentnet.errors import ConfigError
from agentnet.planner.examples import example_nodes, read_examples, request
from agentnet.planner.tuning import AUTO, MODEL_MODES, PlannerTuning, model_mode_for

if TYPE_CHECKING:
    from agentnet.cards import CapabilityCard
    from agentnet.planner.plan import Plan
    from agentnet.planner.planner import Planner

Mode = Literal["resource", "api"]
TYPES = ("single", "chain", "dag")


def norm(name: Any) -> str:
    return str(name).replace("_", " ").strip()


def tool_mode(cards: list[CapabilityCard]) -> Mode:
    """API mode when the tools declare parameters, resource mode otherwise."""
    return "api" if any(card.parameters for card in cards) else "resource"


def links_of(sample: dict[str, Any]) -> list[tuple[str, str]]:
    raw = sample.get("task_links") or []
    if isinstance(raw, dict):
        raw = list(raw.values())
    out = []
    for link in raw if isinstance(raw, list) else []:
        if isinstance(link, dict):
            target = link.get("target", link.get("destination"))
            if link.get("source") is not None and target is not None:
                out.append((norm(link["source"]), norm(target)))
    return out


def _argument_text(argument: Any) -> str:
    if isinstance(argument, dict):
        argument = next(iter(argument.values()), "") if argument else ""
    if isinstance(argument, list):
        argument = " ".join(str(a) for a in argument)
    return str(argument)


def argument_edges(nodes: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Edges read from ``<node-k>`` references, as TaskBench does in resource domains."""
    edges = set()
    for index, node in enumerate(nodes):
        arguments = node.get("arguments") or []
        if not isinstance(arguments, list):
            arguments = [arguments]
        for argument in arguments:
            text = _argument_text(argument)
            start = text.find("<node-")
            if start < 0:
                continue
            end = text.find(">", start)
            try:
                ref = int(text[start + 6 : end])
            except ValueError:
                continue
            if end < 0 or ref == index or ref < 0 or ref >= len(nodes):
                continue
            edges.add((norm(nodes[ref].get("task", "")), norm(node.get("task", ""))))
    return edges


def argument_sets(sample: dict[str, Any]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """An API sample's (tool, name) and (tool, name, value) argument pairs; ``<node-k>`` values read as
    the tool of node k, so a value taken from another step matches whichever step it was."""
    nodes = example_nodes(sample)
    names, values = set(), set()
    for node in nodes:
        tool = norm(node.get("task", ""))
        for argument in node.get("arguments") or []:
            if not isinstance(argument, dict) or "name" not in argument:
                continue
            value = " ".join(str(argument.get("value", "")).lower().split())
            for ref in re.findall(r"<node-(\d+)>", value):
                if int(ref) < len(nodes):
                    value = value.replace(f"<node-{ref}>", f"<{norm(nodes[int(ref)].get('task', ''))}>")
            names.add((tool, str(argument["name"])))
            values.add((tool, str(argument["name"]), value))
    return names, values


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], pred: set[Any]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 100.0 * 2 * self.tp / denominator if denominator else 0.0


@dataclass
class Score:
    nodes: Counts = field(default_factory=Counts)
    edges: Counts = field(default_factory=Counts)
    # API domains: (tool, parameter name) and (tool, parameter name, value) pairs, as TaskBench's
    # parameter-name and value F1.
    names: Counts = field(default_factory=Counts)
    values: Counts = field(default_factory=Counts)
    samples: int = 0


def score_sample(
    gold: dict[str, Any], pred: dict[str, Any], tool_names: set[str], mode: Mode
) -> tuple[set[str], set[str], set[tuple[str, str]], set[tuple[str, str]]]:
    """(gold nodes, predicted nodes, gold edges, predicted edges) as TaskBench counts them."""
    gold_nodes, pred_nodes = example_nodes(gold), example_nodes(pred)
    g_nodes = {norm(n.get("task", "")) for n in gold_nodes}
    p_nodes = {norm(n.get("task", "")) for n in pred_nodes} & tool_names
    if mode == "resource":
        g_edges, p_edges = argument_edges(gold_nodes), argument_edges(pred_nodes)
    else:
        g_edges, p_edges = set(links_of(gold)), set(links_of(pred))
    p_edges = {e for e in p_edges if e[0] in tool_names and e[1] in tool_names}
    return g_nodes, p_nodes, g_edges, p_edges


def score_all(
    golds: list[dict[str, Any]], preds: list[dict[str, Any]], tool_names: set[str], mode: Mode
) -> dict[str, Score]:
    """Scores overall ("all") and per sample type."""
    names = {norm(n) for n in tool_names}
    scores = {key: Score() for key in ("all", *TYPES)}
    for gold, pred in zip(golds, preds, strict=True):
        g_nodes, p_nodes, g_edges, p_edges = score_sample(gold, pred, names, mode)
        for key in ("all", str(gold.get("type", ""))):
            if key in scores:
                scores[key].nodes.add(g_nodes, p_nodes)
                scores[key].edges.add(g_edges, p_edges)
                scores[key].samples += 1
                if mode == "api":
                    (g_names, g_values), (p_names, p_values) = argument_sets(gold), argument_sets(pred)
                    scores[key].names.add(g_names, p_names)
                    scores[key].values.add(g_values, p_values)
    return scores


def to_prediction(sample_id: Any, plan: Plan, names: dict[str, str], mode: Mode) -> dict[str, Any]:
    """A plan in TaskBench's output format: ``<node-k>`` for consumed outputs, links from the DAG."""
    index = {step.id: i for i, step in enumerate(plan.steps)}
    nodes, links = [], []
    for step in plan.steps:
        arguments: list[Any] = []
        for item in step.inputs:
            value = f"<node-{index[item.step]}>" if item.kind == "step" and item.step in index else item.value
            value = "" if value is None else value if isinstance(value, str) else json.dumps(value)
            if mode == "api" and item.kind == "step" and item.name is None:
                continue  # read as material, not a parameter (planner.values._unwire): the link says it
            if mode == "api":
                arguments.append({"name": item.name or "input", "value": value})
            else:
                arguments.append(value)
        nodes.append({"task": names.get(step.capability, step.capability), "arguments": arguments})
        for dep in step.depends_on:
            if dep in index:
                producer = plan.step(dep).capability
                links.append({"source": names.get(producer, producer), "target": nodes[-1]["task"]})
    return {"id": sample_id, "task_nodes": nodes, "task_links": links}


@dataclass
class BenchResult:
    scores: dict[str, Score]
    seconds: float
    predictions: list[dict[str, Any]]
    sources: dict[str, int]
    # The planner model's role the run planned with ("auto" resolved: planner.tuning.model_mode_for).
    mode: str = ""

    @property
    def per_sample_s(self) -> float:
        return self.seconds / max(1, self.scores["all"].samples)

    def summary(self) -> dict[str, Any]:
        overall = self.scores["all"]
        out: dict[str, Any] = {
            "n_f1": round(overall.nodes.f1, 2),
            "e_f1": round(overall.edges.f1, 2),
            "samples": overall.samples,
            "s_per_sample": round(self.per_sample_s, 3),
            "plan_sources": self.sources,
            "mode": self.mode,
        }
        if overall.names.tp + overall.names.fp + overall.names.fn:
            out["p_f1"], out["v_f1"] = round(overall.names.f1, 2), round(overall.values.f1, 2)
        for kind in TYPES:
            score = self.scores[kind]
            out[kind] = {"n_f1": round(score.nodes.f1, 2), "e_f1": round(score.edges.f1, 2), "samples": score.samples}
        return out


def run(
    planner: Planner,
    samples: list[dict[str, Any]],
    cards: list[CapabilityCard],
    progress: Any = None,
) -> BenchResult:
    """Plan every sample (no execution) and score the plans against the gold."""
    from agentnet.errors import AgentnetError

    mode = tool_mode(cards)
    names = {card.id: card.name or card.id for card in cards}
    predictions = []
    sources: dict[str, int] = {}
    started = time.perf_counter()
    for number, sample in enumerate(samples):
        task = request(sample) or ""
        try:
            plan = planner.plan(task)
            prediction = to_prediction(sample.get("id"), plan, names, mode)
            sources[plan.source] = sources.get(plan.source, 0) + 1
        except AgentnetError as exc:
            prediction = {"id": sample.get("id"), "task_nodes": [], "task_links": [], "error": exc.message}
            sources["error"] = sources.get("error", 0) + 1
        predictions.append(prediction)
        if progress is not None:
            progress(number + 1, len(samples))
    seconds = time.perf_counter() - started
    scores = score_all(samples, predictions, set(names.values()), mode)
    return BenchResult(scores, seconds, predictions, sources)


def load_tools(path: Path) -> list[CapabilityCard]:
    """The tools of a tool list file as cards (any format ``agentnet directory import`` reads)."""
    from agentnet.directory.importers import load_cards

    cards = load_cards(path)
    if not cards:
        raise ConfigError(f"{path} lists no tools", hint='a TaskBench tool list is {"nodes": [...]}')
    return cards


def _setting_value(current: Any, value: Any) -> Any:
    """``value`` (often a command-line string) converted to the type of the setting it replaces."""
    if isinstance(current, bool):
        return str(value).strip().lower() in ("1", "true", "yes", "on")
    return type(current)(value)


def tuning(mode: str = AUTO, overrides: dict[str, Any] | None = None, model_id: str | None = None) -> PlannerTuning:
    """The planner's tuning for a run: ``mode`` (``auto`` as ``planner.consult`` reads it, for the planner
    model ``model_id``) and ``overrides`` (for measuring an idea without editing the defaults) over the
    defaults."""
    if mode not in (AUTO, *MODEL_MODES):
        raise ConfigError(f"unknown planner mode {mode!r}", hint=f"use one of: {', '.join((AUTO, *MODEL_MODES))}")
    settings = PlannerTuning(model_mode=model_mode_for(mode, model_id))
    for key, value in (overrides or {}).items():
        if key not in PlannerTuning.__dataclass_fields__:
            raise ConfigError(
                f"unknown planner setting {key!r}", hint="see PlannerTuning in agentnet/planner/tuning.py"
            )
        setattr(settings, key, _setting_value(getattr(settings, key), value))
    return settings


def run_files(
    tools: Path,
    data: Path,
    *,
    train: Path | None = None,
    limit: int | None = None,
    model_id: str | None = None,
    mode: str = AUTO,
    overrides: dict[str, Any] | None = None,
) -> BenchResult:
    """The benchmark from files: tools as an in-memory directory, optional plan memory from ``train``;
    ``overrides`` sets ``PlannerTuning`` fields."""
    from agentnet.directory.inmemory import InMemorySource
    from agentnet.planner.memory import PlanMemory
    from agentnet.planner.planner import Planner

    settings = tuning(mode, overrides, model_id)
    cards = load_tools(tools)
    samples = read_examples(data)[:limit] if limit else read_examples(data)
    memory = None
    if train is not None:
        memory = PlanMemory(":memory:")
        memory.learn_examples(train)
    node = None
    if settings.model_mode != "off":
        from agentnet.nodes.registry import NodeRegistry

        node = NodeRegistry().node(model_id)
    planner = Planner(InMemorySource(cards), node, settings, memory=memory)
    try:
        result = run(planner, samples, cards)
        result.mode = settings.model_mode
        return result
    finally:
        planner.close()
