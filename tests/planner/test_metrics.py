"""TaskBench scoring, computed by hand on small gold/prediction pairs (incl. the data quirks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentnet.errors import ConfigError
from agentnet.evals import taskbench as tb
from agentnet.planner.plan import Plan, Step, StepInput

TOOLS = {"A", "B", "C", "Speech Synthesizer"}


def sample(nodes: object, links: object = (), kind: str = "chain") -> dict[str, object]:
    return {"id": "x", "type": kind, "instruction": "do it", "task_nodes": nodes, "task_links": list(links)}  # type: ignore[call-overload]


def test_node_and_edge_f1_micro_averaged_over_samples() -> None:
    gold1 = sample([{"task": "A", "arguments": ["x"]}, {"task": "B", "arguments": ["<node-0>"]}])
    pred1 = sample([{"task": "A", "arguments": ["x"]}, {"task": "C", "arguments": ["<node-0>"]}])
    gold2 = sample([{"task": "C", "arguments": ["y"]}], kind="single")
    pred2 = sample([{"task": "C", "arguments": ["y"]}, {"task": "A", "arguments": ["<node-0>"]}], kind="single")
    scores = tb.score_all([gold1, gold2], [pred1, pred2], TOOLS, "resource")
    # nodes: s1 TP{A} FP{C} FN{B}; s2 TP{C} FP{A} -> TP 2, FP 2, FN 1 -> F1 = 4/7
    assert scores["all"].nodes.f1 == pytest.approx(100 * 4 / 7)
    # edges: s1 gold{A->B} pred{A->C}; s2 gold{} pred{C->A} -> TP 0 -> F1 0
    assert scores["all"].edges.f1 == 0.0
    assert scores["single"].edges.fp == 1  # an edge predicted for a single-tool sample is a false positive
    assert scores["chain"].nodes.tp == 1 and scores["single"].samples == 1


def test_unknown_predicted_names_are_ignored_and_duplicates_count_once() -> None:
    gold = sample([{"task": "A", "arguments": []}])
    pred = sample([{"task": "A", "arguments": []}, {"task": "A", "arguments": []}, {"task": "Nope", "arguments": []}])
    g_nodes, p_nodes, _, _ = tb.score_sample(gold, pred, TOOLS, "resource")
    assert g_nodes == {"A"} and p_nodes == {"A"}


def test_underscore_reads_as_space() -> None:
    gold = sample([{"task": "Speech_Synthesizer", "arguments": []}])
    pred = sample([{"task": "Speech Synthesizer", "arguments": []}])
    scores = tb.score_all([gold], [pred], TOOLS, "resource")
    assert scores["all"].nodes.f1 == 100.0


def test_argument_edges_follow_taskbench_rules() -> None:
    nodes = [
        {"task": "A", "arguments": ["plain"]},
        {"task": "B", "arguments": [{"image": "<node-0>"}]},  # dict: first value
        {"task": "C", "arguments": [["see", "<node-1>", "<node-0>"]]},  # list joined; only the first ref counts
        {"task": "A", "arguments": ["<node-3>", "<node-9>", "<node-0-output-1>", "<output_of_B>"]},  # self, bad
    ]
    assert tb.argument_edges(nodes) == {("A", "B"), ("B", "C")}


def test_quirks_dict_nodes_and_destination_links() -> None:
    quirky = {
        "task_nodes": {"0": {"task": "A", "arguments": []}, "1": {"task": "B", "arguments": ["<node-0>"]}},
        "task_links": [{"source": "A", "destination": "B"}],
    }
    assert [n["task"] for n in tb.example_nodes(quirky)] == ["A", "B"]
    assert tb.links_of(quirky) == [("A", "B")]


def test_api_mode_reads_edges_from_links_not_arguments() -> None:
    gold = sample(
        [{"task": "A", "arguments": [{"name": "q", "value": "x"}]}, {"task": "B", "arguments": []}],
        [{"source": "A", "target": "B"}],
    )
    pred_args_only = sample([{"task": "A", "arguments": []}, {"task": "B", "arguments": ["<node-0>"]}])
    pred_links = sample(
        [{"task": "A", "arguments": []}, {"task": "B", "arguments": []}], [{"source": "A", "destination": "B"}]
    )
    assert tb.score_all([gold], [pred_args_only], TOOLS, "api")["all"].edges.f1 == 0.0
    assert tb.score_all([gold], [pred_links], TOOLS, "api")["all"].edges.f1 == 100.0


def test_api_arguments_are_scored_by_name_and_by_value() -> None:
    gold = sample(
        [
            {"task": "A", "arguments": [{"name": "q", "value": "Red  Shoes"}, {"name": "n", "value": "3"}]},
            {"task": "B", "arguments": [{"name": "text", "value": "<node-0>"}]},
        ],
        [{"source": "A", "target": "B"}],
    )
    pred = sample(
        [
            {"task": "B", "arguments": [{"name": "text", "value": "<node-1>"}]},  # the same value: A's output
            {"task": "A", "arguments": [{"name": "q", "value": "red shoes"}, {"name": "n", "value": "4"}]},
        ]
    )
    score = tb.score_all([gold], [pred], TOOLS, "api")["all"]
    assert score.names.f1 == 100.0
    assert (score.values.tp, score.values.fp, score.values.fn) == (2, 1, 1)  # n is wrong
    assert tb.score_all([gold], [pred], TOOLS, "resource")["all"].names.f1 == 0.0  # not scored there


def test_plan_to_prediction_uses_node_references() -> None:
    plan = Plan(
        task="t",
        steps=[
            Step(id="s1", capability="A", instruction="a", inputs=[StepInput(kind="literal", value="photo.jpg")]),
            Step(id="s2", capability="B_id", instruction="b", inputs=[StepInput(kind="step", step="s1", name="img")]),
        ],
    )
    resource = tb.to_prediction("7", plan, {"B_id": "B"}, "resource")
    assert resource == {
        "id": "7",
        "task_nodes": [{"task": "A", "arguments": ["photo.jpg"]}, {"task": "B", "arguments": ["<node-0>"]}],
        "task_links": [{"source": "A", "target": "B"}],
    }
    api = tb.to_prediction("7", plan, {}, "api")
    assert api["task_nodes"][1]["arguments"] == [{"name": "img", "value": "<node-0>"}]


def test_bad_data_line_names_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"instruction": "ok"}) + "\n{not json\n")
    with pytest.raises(ConfigError, match=r"d\.jsonl:2"):
        tb.read_examples(data)


def test_run_files_applies_setting_overrides_and_rejects_unknown_ones() -> None:
    data = Path(__file__).parent / "data"
    tools, samples = data / "tools_resource.json", data / "samples_resource.jsonl"
    default = tb.run_files(tools, samples, mode="off")
    # A threshold nothing clears leaves only the best guess (plus type bridges): fewer steps.
    strict = tb.run_files(tools, samples, mode="off", overrides={"threshold": "9", "use_memory": "false"})
    steps = [len(p["task_nodes"]) for p in strict.predictions]
    assert sum(steps) < sum(len(p["task_nodes"]) for p in default.predictions)
    assert strict.scores["all"].nodes.f1 < default.scores["all"].nodes.f1
    with pytest.raises(ConfigError, match="unknown planner setting 'thresold'"):
        tb.run_files(tools, samples, mode="off", overrides={"thresold": "0.5"})
