"""A remote node's ``api_base`` may carry credentials (``https://user:pass@proxy/v1``, ``?api-key=...``).
LangChain hands every callback (LangSmith, Langfuse, an app's own handler) the model serialized as its
``repr``, which showed the URL whole: the password reached every tracer on each call. The repr masks it
now, as agentnet's errors do. A real LiteLLM node calling a port that refuses connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from listening import refused_port

from agentnet.errors import AgentnetError
from agentnet.nodes.registry import NodeRegistry


class Seen(BaseCallbackHandler):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def on_chat_model_start(self, serialized: dict[str, Any], messages: Any, **kwargs: Any) -> None:
        self.texts += [repr(serialized), repr(kwargs)]

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.texts += [str(error), repr(kwargs)]


def test_credentials_in_api_base_reach_no_callback_repr_or_error() -> None:
    with refused_port() as port:
        Path("agentnet.yaml").write_text(
            "models:\n  - id: proxied\n    adapter: litellm\n    model: openai/some-model\n"
            f"    api_base: http://alice:pw-hunter2@127.0.0.1:{port}/v1?api-key=qk-sesame42\n"
            "    params: {retries: 0, deadline_s: 20}\n"
        )
        node = NodeRegistry.from_files().node("proxied")
        seen = Seen()
        try:
            node.invoke("hi", config={"callbacks": [seen]})
        except AgentnetError as exc:
            seen.texts.append(str(exc))
    shown = "\n".join([repr(node), str(node), *seen.texts])
    assert "127.0.0.1" in repr(node)  # the endpoint is still named, its secrets masked
    assert "hunter2" not in shown and "sesame42" not in shown and "alice" not in shown
    assert node.api_base is not None and "hunter2" in node.api_base  # the call itself still has them


def test_every_node_kind_masks_credentials_in_its_repr() -> None:
    from agentnet.cards import CapabilityCard
    from agentnet.federation.a2a_node import A2APeerNode

    peer = A2APeerNode(
        node_id="team/summarise",
        card=CapabilityCard(id="team/summarise"),
        peer="team",
        api_base="https://bob:pw-opensesame@peer.example/a2a?token=tk-letmein",
    )
    assert "peer.example" in repr(peer)
    assert "opensesame" not in repr(peer) and "letmein" not in repr(peer)
