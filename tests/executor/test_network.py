"""The library facade: Network.from_config -> plan / run / execute / compile / node / directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from agentnet.cards import CapabilityCard
from agentnet.network import Network
from agentnet.nodes.base import ModelNode
from agentnet.planner.plan import Plan, Step, StepInput
from agentnet.testing import ScriptedModel

CONFIG = (Path(__file__).parent / "two_models.yaml").read_text()


def test_network_executes_and_compiles_plans_for_embedding() -> None:
    Path("agentnet.yaml").write_text("budgets: {max_steps: 10}\n")
    net = Network.from_config("agentnet.yaml")
    assert net.config.budgets.max_steps == 10
    upper = net.registry.register_node(
        ScriptedModel.build("upper", [lambda m: m[-1]["content"].split("\n")[1].upper()])
    )
    net.registry.register_callable(lambda text: f"{len(str(text))} chars", CapabilityCard(id="count"))
    assert net.node("upper") is upper and isinstance(net.node(), ModelNode)
    plan = Plan(
        task="hello network",
        steps=[
            Step(id="up", capability="upper", instruction="Upper-case it.", inputs=[StepInput(kind="user")]),
            Step(id="n", capability="count", instruction="Count.", inputs=[StepInput(kind="step", step="up")]),
        ],
    )
    result = net.execute(plan)
    assert result.steps["up"]["text"] == "HELLO NETWORK"
    assert result.answer and result.answer.endswith("chars")
    assert net.runs()[0]["id"] == result.run_id
    assert [s["node_id"] for s in net.trace(result.run_id)["steps"]] == ["upper", "count"]

    graph = net.compile(plan, checkpointer=InMemorySaver())

    class App(TypedDict, total=False):
        text: str
        shouted: str

    def call_network(state: App) -> dict[str, Any]:
        out = graph.invoke({"task": state["text"], "inputs": {}, "results": {}}, {"configurable": {"thread_id": "t1"}})
        return {"shouted": out["results"]["up"]["text"]}

    app = StateGraph(App)
    app.add_node("network", call_network)
    app.add_edge(START, "network")
    app.add_edge("network", END)
    assert app.compile().invoke({"text": "embedded graph"})["shouted"] == "EMBEDDED GRAPH"


@pytest.mark.slow
def test_network_run_plans_with_the_directory_and_runs_on_smollm2(smollm2_node: Any) -> None:
    Path("agentnet.yaml").write_text(CONFIG)
    with Network.from_config() as net:
        assert {"answerer", "rewriter", "smollm2"} <= {card.id for card in net.directory.cards()}
        result = net.run("Answer the question: what is the capital of France? Then rewrite the answer for a child.")
    assert result.ok and result.answer
    assert [result.steps[s.id]["node_id"] for s in result.plan.steps] == ["answerer", "rewriter"]
    assert "Paris" in result.steps[result.plan.steps[0].id]["text"]


@pytest.mark.slow
def test_network_run_takes_files_by_path_and_reads_an_image_through_ocr(agentnet_home: Path) -> None:
    from agentnet.evals.e2e_inputs import render_text

    sign = render_text(["FRESH BREAD", "OPEN DAILY TODAY"], Path("sign.png"))
    with Network() as net:
        result = net.run("How many words are written on this sign?", inputs=[sign])
    assert result.answer == "5 words", result.steps
    assert [result.steps[s.id]["node_id"] for s in result.plan.steps] == ["ocr", "text-statistics"]
    # The run read its own copy, stored by content hash under the name the file was handed over as.
    copies = list((agentnet_home / "runs" / result.run_id / "artifacts").glob("*.png"))
    assert [c.read_bytes() for c in copies] == [sign.read_bytes()]
    assert [a.name for a in net.hand_over([sign, "sign.png"])[0]] == ["sign.png", "sign.png#2"]
