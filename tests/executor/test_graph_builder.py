"""The builder recipes compile to: custom prompts, schemas, routes and loops; embedding the graph."""

from __future__ import annotations

from typing import Any, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph

from agentnet.executor import FINISH, Executor, GraphBuilder, StepContext, StepSpec
from agentnet.planner.plan import Plan, Step, StepInput
from agentnet.testing import ScriptedModel


def test_loop_with_router_until_reviewer_approves() -> None:
    drafter = ScriptedModel.build("drafter", ["draft one", "draft two"])
    reviewer = ScriptedModel.build("reviewer", ["REJECT", "APPROVE"])
    builder = GraphBuilder([drafter, reviewer], answer="draft")
    builder.add_step(
        StepSpec(
            id="draft",
            candidates=["drafter"],
            prompt=lambda ctx: f"Write about {ctx.inputs['topic']} (try {ctx.iteration})",
        )
    )
    builder.add_step(
        StepSpec(
            id="review", candidates=["reviewer"], prompt=lambda ctx: f"Review: {ctx.output('draft')}", after=["draft"]
        )
    )
    builder.add_route("review", lambda ctx: FINISH if "APPROVE" in ctx.output("review") else "draft", ["draft", FINISH])
    graph = builder.compile(checkpointer=InMemorySaver())
    out = graph.invoke(
        {"task": "t", "inputs": {"topic": "owls"}, "results": {}}, {"configurable": {"thread_id": "loop1"}}
    )
    assert [c[-1]["content"] for c in drafter.calls] == ["Write about owls (try 1)", "Write about owls (try 2)"]
    assert reviewer.calls[1][-1]["content"] == "Review: draft two"
    assert out["results"]["draft"]["runs"] == 2
    assert out["answer"] == "draft two"


def test_custom_answer_and_schema_data_to_next_step() -> None:
    extractor = ScriptedModel.build("x", ['{"city": "Paris"}'])
    writer = ScriptedModel.build("w", [lambda m: m[-1]["content"].upper()])

    def answer(ctx: StepContext) -> str:
        return f"{ctx.data('extract')['city']}: {ctx.output('write')}"

    builder = GraphBuilder({"x": extractor, "w": writer}, answer=answer)
    builder.add_step(
        StepSpec(
            id="extract",
            candidates=["x"],
            prompt=lambda ctx: ctx.task,
            output_schema={"type": "object", "required": ["city"]},
        )
    )
    builder.add_step(
        StepSpec(
            id="write", candidates=["w"], prompt=lambda ctx: f"about {ctx.data('extract')['city']}", after=["extract"]
        )
    )
    out = builder.compile().invoke({"task": "where?", "inputs": {}, "results": {}})
    assert out["answer"] == "Paris: ABOUT PARIS"


def test_compiled_plan_embeds_in_a_users_langgraph_app() -> None:
    node = ScriptedModel.build("n", [lambda m: "echo " + m[-1]["content"].splitlines()[1]])
    plan = Plan(task="t", steps=[Step(id="s1", capability="n", instruction="Echo", inputs=[StepInput(kind="user")])])
    inner = Executor([node]).compile(plan)

    class AppState(TypedDict, total=False):
        question: str
        reply: str

    def ask_network(state: AppState) -> dict[str, Any]:
        out = inner.invoke({"task": state["question"], "inputs": {}, "results": {}})
        return {"reply": out["answer"]}

    app = StateGraph(AppState)
    app.add_node("network", ask_network)
    app.add_edge(START, "network")
    app.add_edge("network", END)
    result = app.compile().invoke({"question": "hello there"})
    assert result["reply"] == "echo hello there"


def test_a_broken_prompt_function_marks_step_and_run_failed_and_surfaces() -> None:
    from agentnet.executor import open_run_store

    store = open_run_store()
    builder = GraphBuilder([ScriptedModel.build("n", ["x"])], store=store)
    builder.add_step(StepSpec(id="s", candidates=["n"], prompt=lambda ctx: ctx.inputs["missing"]))
    store.start_run("bug1", "t", {"steps": []}, {})
    graph = builder.compile()
    try:
        graph.invoke({"task": "t", "inputs": {}, "results": {}}, {"configurable": {"thread_id": "bug1"}})
    except KeyError as exc:
        assert "missing" in str(exc)
    else:
        raise AssertionError("the prompt function's KeyError was swallowed")
    assert store.get_run("bug1")["steps"][0]["status"] == "failed"
