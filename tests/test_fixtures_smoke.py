import json
import urllib.request


def test_llama_server_serves_the_embedded_model(llama_server: str) -> None:
    with urllib.request.urlopen(f"{llama_server}/models", timeout=5) as response:
        body = json.load(response)
    assert [m["id"] for m in body["data"]] == ["smollm2"]


def test_chroma_server_answers_heartbeat(chroma_server: str) -> None:
    with urllib.request.urlopen(f"{chroma_server}/api/v2/heartbeat", timeout=5) as response:
        assert "nanosecond heartbeat" in json.load(response)
