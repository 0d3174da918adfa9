"""The model pool: one load per model per process, queued calls, LRU eviction under a budget."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

from agentnet.config import embedded_default_spec
from agentnet.nodes.llamacpp import LlamaCppNode
from agentnet.nodes.pool import ModelPool, PoolKey, estimate_bytes, shared_pool
from agentnet.nodes.registry import NodeRegistry


def test_nodes_share_one_loaded_model(smollm2_node: Any) -> None:
    pool = shared_pool()
    loads_before = pool.loads
    other = LlamaCppNode.from_spec(embedded_default_spec())
    registry_node = NodeRegistry().node("smollm2")
    assert other.load() is smollm2_node.load()
    assert registry_node.load().llama is smollm2_node.load().llama  # type: ignore[attr-defined]
    assert pool.loads == loads_before


def _threads_in_use() -> int:
    """How many threads stand in the pool's ``use()`` now (innermost Python frame: a lock's acquire is C,
    so a thread waiting on the model's lock shows its caller). The call may run on a thread of its own
    (the node enforces a deadline), so every thread is looked at, not the caller's."""
    frames = sys._current_frames().values()
    return sum(f.f_code.co_name == "use" and f.f_code.co_filename.endswith("pool.py") for f in frames)


def test_calls_into_one_model_queue_on_its_lock(smollm2_node: Any) -> None:
    loaded = smollm2_node.load()
    results: list[str] = []
    loaded.lock.acquire()
    try:
        worker = threading.Thread(
            target=lambda: results.append(smollm2_node.complete("What is the capital of France?", max_tokens=12).text)
        )
        calls_before = loaded.calls
        worker.start()
        # Waited for, not slept on: the call has registered as a user of the model and stands still in the
        # pool's use(), i.e. on the model's lock (without the lock it would be inside llama.cpp by now).
        deadline = time.monotonic() + 30
        while not (loaded.users == 1 and _threads_in_use() == 1):
            assert time.monotonic() < deadline, "the call never queued on the model's lock"
            time.sleep(0.01)
        # The call is waiting for the model, not running concurrently with the lock's holder.
        assert worker.is_alive()
        assert results == [] and loaded.calls == calls_before
    finally:
        loaded.lock.release()
    worker.join(timeout=60)
    assert results and results[0].strip()


def test_concurrent_calls_all_complete(smollm2_node: Any) -> None:
    replies: list[str] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            replies.append(smollm2_node.complete("Name a colour.", max_tokens=8).text)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(replies) == 3 and all(reply.strip() for reply in replies)


def test_budget_evicts_least_recently_used_idle_model(smollm2_path: Path) -> None:
    keys = [PoolKey(path=str(smollm2_path.resolve()), n_ctx=n_ctx) for n_ctx in (128, 256, 512)]
    one_model_mb = estimate_bytes(_info(smollm2_path), 512) // (1024 * 1024) + 1
    # Room for two models, not three.
    pool = ModelPool(memory_mb=2 * one_model_mb + 1)
    try:
        first = pool.get(keys[0])
        pool.get(keys[1])
        with pool.use(keys[0]):
            pass  # keys[0] is now the most recently used; keys[1] the least
        pool.get(keys[2])
        loaded = {model.key for model in pool.loaded()}
        assert loaded == {keys[0], keys[2]}
        assert pool.evictions == 1
        assert pool.get(keys[0]) is first
    finally:
        pool.clear()


def test_model_in_use_is_never_evicted(smollm2_path: Path) -> None:
    keys = [PoolKey(path=str(smollm2_path.resolve()), n_ctx=n_ctx) for n_ctx in (128, 256)]
    pool = ModelPool(memory_mb=1)  # nothing fits: only idle models may go
    try:
        with pool.use(keys[0]) as busy:
            pool.get(keys[1])
            assert busy.key in {model.key for model in pool.loaded()}
        assert pool.evict(keys[0]) is True
        assert keys[0] not in {model.key for model in pool.loaded()}
    finally:
        pool.clear()


def _info(path: Path) -> Any:
    from agentnet.nodes.gguf import inspect_gguf

    return inspect_gguf(path)


def test_the_prompt_is_read_with_as_many_threads_as_tokens_are_generated_with(smollm2_path: Path) -> None:
    # llama-cpp-python reads the prompt on every core: on a busy 2-core machine that was 2-3 times slower.
    keys = [PoolKey(path=str(smollm2_path.resolve()), n_ctx=128, n_threads=n) for n in (None, 1)]
    pool = ModelPool()
    try:
        default, one = (pool.get(key).llama for key in keys)
        assert default.n_threads_batch == default.n_threads >= 1
        assert one.n_threads_batch == one.n_threads == 1
    finally:
        pool.clear()
