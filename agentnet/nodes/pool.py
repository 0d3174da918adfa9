"""The process-wide pool of loaded llama.cpp models.

Each GGUF is loaded once per process (per set of load-time settings) and shared by every node
that uses it. One ``llama_cpp.Llama`` is not thread-safe, so every call holds the model's lock:
calls into one model queue up, calls into different models run side by side. A memory budget
(weights + KV cache, estimated from the GGUF header) evicts least-recently-used idle models.
Files are validated (``agentnet.nodes.gguf``) before llama.cpp ever sees them.

At interpreter exit every pool closes (``close_pools``, an atexit hook): calls still running are
told to stop (a call abandoned at its deadline keeps generating on its daemon thread until it looks
at its cancel token), the hook waits for them and for loads in flight to leave llama.cpp (a load
ending then frees its model: it would have stayed loaded past the hook), then frees every model. Exiting
with a thread inside ``llama_decode`` crashed the process (SIGSEGV in
``ggml_cpu_extra_compute_forward``: the C library's destructors ran under the running graph).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentnet.errors import ConfigError, ModelCallError, ModelFileError
from agentnet.nodes.gguf import GGUFInfo, inspect_gguf

log = logging.getLogger("agentnet.pool")

DEFAULT_MEMORY_MB = 8192
# How long exit waits for running calls to leave llama.cpp: one token's decode, or one prompt batch.
EXIT_WAIT_S = 30.0


@dataclass(frozen=True)
class PoolKey:
    """What makes two loads of a file different models: load-time settings only."""

    path: str
    n_ctx: int
    n_threads: int | None = None
    chat_format: str | None = None


@dataclass
class LoadedModel:
    key: PoolKey
    llama: Any  # llama_cpp.Llama
    info: GGUFInfo
    estimated_bytes: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_used: float = field(default_factory=time.monotonic)
    users: int = 0  # callers holding or waiting for the lock; such a model is never evicted
    calls: int = 0
    # Per-model derived objects (e.g. the chat-template formatter), dropped with the model.
    cache: dict[str, Any] = field(default_factory=dict)


def estimate_bytes(info: GGUFInfo, n_ctx: int) -> int:
    """Weights (the file) plus an f16 KV cache for the context, plus a small compute margin."""
    return info.file_size + info.kv_cache_bytes(n_ctx) + 32 * 1024 * 1024


class ModelPool:
    """Loaded models keyed by ``PoolKey``; thread-safe."""

    def __init__(self, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        self.memory_mb = memory_mb
        self._models: dict[PoolKey, LoadedModel] = {}
        self._lock = threading.Lock()
        # One loading lock per key so two threads asking for the same model load it once.
        self._loading: dict[PoolKey, threading.Lock] = {}
        self.loads = 0
        self.evictions = 0
        self._in_flight = 0  # loads inside llama.cpp now, not yet in _models
        # Set once the process is exiting: running calls stop at their next token, new ones are refused.
        self.closing = threading.Event()
        _pools.add(self)

    # --- queries -----------------------------------------------------------------------------

    def loaded(self) -> list[LoadedModel]:
        with self._lock:
            return list(self._models.values())

    def used_bytes(self) -> int:
        with self._lock:
            return sum(model.estimated_bytes for model in self._models.values())

    # --- loading -----------------------------------------------------------------------------

    def get(self, key: PoolKey) -> LoadedModel:
        """The loaded model for ``key``, loading it (once) if needed; none once the pool is closing."""
        with self._lock:
            model = self._models.get(key)
            if model is not None:
                model.last_used = time.monotonic()
                return model
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                model = self._models.get(key)
                if model is not None:
                    return model
                if self.closing.is_set():
                    raise self.closed_error(key)
                self._in_flight += 1  # ``close`` waits for it
            try:
                model = self._load(key)
            finally:
                with self._lock:
                    self._in_flight -= 1
            with self._lock:
                self._loading.pop(key, None)
                # A load that ended after ``close`` began would stay loaded past the exit hook.
                kept = not self.closing.is_set()
                if kept:
                    self._models[key] = model
                    self.loads += 1
            if not kept:
                _close(model.llama)
                raise self.closed_error(key)
            return model

    def _load(self, key: PoolKey) -> LoadedModel:
        path = Path(key.path)
        info = inspect_gguf(path)
        needed = estimate_bytes(info, key.n_ctx)
        self._make_room(needed)
        llama = _load_llama(path, key)
        return LoadedModel(key=key, llama=llama, info=info, estimated_bytes=needed)

    def _make_room(self, needed: int) -> None:
        budget = self.memory_mb * 1024 * 1024
        with self._lock:
            used = sum(model.estimated_bytes for model in self._models.values())
            idle = sorted((m for m in self._models.values() if m.users == 0), key=lambda m: m.last_used)
            victims = []
            for model in idle:
                if used + needed <= budget:
                    break
                victims.append(model)
                used -= model.estimated_bytes
                del self._models[model.key]
                self.evictions += 1
        for model in victims:
            log.info("evicting %s (n_ctx=%d) to stay within %d MB", model.key.path, model.key.n_ctx, self.memory_mb)
            _close(model.llama)
        if used + needed > budget:
            log.warning(
                "loading a model of ~%d MB exceeds the pool budget of %d MB (models in use cannot be evicted)",
                needed // (1024 * 1024),
                self.memory_mb,
            )

    # --- using -------------------------------------------------------------------------------

    @contextmanager
    def use(self, key: PoolKey) -> Iterator[LoadedModel]:
        """Hold ``key``'s model exclusively (waiting for earlier callers) for one call."""
        while True:
            if self.closing.is_set():
                raise self.closed_error(key)
            model = self.get(key)
            with self._lock:
                # The model may have been evicted between get() and here; then load it again.
                if self._models.get(key) is model:
                    model.users += 1
                    break
        try:
            with model.lock:
                if self.closing.is_set():  # waited for the lock while the process began to exit
                    raise self.closed_error(key)
                model.calls += 1
                yield model
        finally:
            with self._lock:
                model.users -= 1
                model.last_used = time.monotonic()

    def closed_error(self, key: PoolKey) -> ModelCallError:
        return ModelCallError(
            f"stopped calling {Path(key.path).name}: the process is exiting and its models are being freed",
            code="local_engine_closed",
            retryable=False,
        )

    def evict(self, key: PoolKey) -> bool:
        """Unload ``key`` now if it is idle; True when it was unloaded."""
        with self._lock:
            model = self._models.get(key)
            if model is None or model.users:
                return False
            del self._models[key]
            self.evictions += 1
        _close(model.llama)
        return True

    def clear(self) -> None:
        """Unload every idle model."""
        for model in self.loaded():
            self.evict(model.key)

    def close(self, wait_s: float = EXIT_WAIT_S) -> None:
        """Stop running calls (at their next token), wait up to ``wait_s`` for them and for loads in
        flight to leave llama.cpp (a load ending now frees its model), then unload every model; later
        calls and loads are refused."""
        self.closing.set()
        deadline = time.monotonic() + wait_s
        while (self._in_flight or any(model.users for model in self.loaded())) and time.monotonic() < deadline:
            time.sleep(0.01)
        busy = [Path(m.key.path).name for m in self.loaded() if m.users] + ["a model still loading"] * self._in_flight
        if busy:
            log.warning("models still running after %.0f s at exit, left loaded: %s", wait_s, ", ".join(busy))
        self.clear()


# Loading and freeing models, process-wide one at a time: llama.cpp's one-off backend set-up is
# not guarded against two first loads at once, and it keeps the engine's log state simple.
_ENGINE_LOCK = threading.Lock()
_quieted = False


def _quiet_engine() -> None:
    """Stop llama-cpp-python from pointing fds 1 and 2 at /dev/null while it loads a model.

    It does that to hide llama.cpp's load messages, but fds are process-wide: every other thread's
    output is lost meanwhile (a server's log, a CLI's answer), and two loads at once race on the
    restore and can leave stdout on /dev/null for good. llama.cpp sends those messages through the
    log callback llama-cpp-python installs, which already drops everything below errors when
    ``verbose=False``, so the redirection only costs us output.
    """
    global _quieted
    if _quieted:
        return
    import llama_cpp.llama
    from llama_cpp import _internals

    for module in (llama_cpp.llama, _internals):
        if hasattr(module, "suppress_stdout_stderr"):
            module.suppress_stdout_stderr = _KeepStdio  # type: ignore[attr-defined]
    _quieted = True


class _KeepStdio:
    """Stands in for llama-cpp-python's ``suppress_stdout_stderr``: leaves fds 1 and 2 alone."""

    def __init__(self, disable: bool = True) -> None:
        self.disable = disable

    def __enter__(self) -> _KeepStdio:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def _load_llama(path: Path, key: PoolKey) -> Any:
    with _ENGINE_LOCK:
        _quiet_engine()
        avoid_amx_kernels()
        return _new_llama(path, key)


_amx_avoided: bool | None = None


def avoid_amx_kernels() -> bool:
    """Keep llama.cpp off its AMX matrix kernels where this build has them (once per process); True
    when it had to.

    A llama-cpp-python built on a CPU with AMX (Sapphire Rapids and later Xeons) compiles them in and
    repacks a model's weights for them at load; their first multiplication dies with a general
    protection fault on ``ldtilecfg`` (llama.cpp issue 20824, pull request 26954: the tile config is
    optimised away and worker threads never ask the kernel for tile state). Seen here: every answer of
    the embedded SmolLM2 killed the process (exit 139) with llama-cpp-python 0.3.36 built from source
    on such a machine. Loading without the extra buffer types (``use_extra_bufts``, llama.cpp's
    ``--no-repack``) keeps the weights where the AVX-512 kernels read them; builds without AMX keep
    their repacked weights. It holds for every later load in the process, a llama.cpp server's too."""
    global _amx_avoided
    if _amx_avoided is not None:
        return _amx_avoided
    import llama_cpp.llama_cpp as engine

    defaults = engine.llama_model_default_params
    info = engine.llama_print_system_info().decode(errors="replace")
    _amx_avoided = "AMX_INT8 = 1" in info and hasattr(defaults(), "use_extra_bufts")
    if _amx_avoided:

        def without_extra_buffers() -> Any:
            params = defaults()
            params.use_extra_bufts = False
            return params

        engine.llama_model_default_params = without_extra_buffers
    return _amx_avoided


def _new_llama(path: Path, key: PoolKey) -> Any:
    import llama_cpp

    # The prompt is processed with as many threads as tokens are generated with (llama.cpp's own
    # default; llama-cpp-python's is every core): every core's thread waits for the slowest, so on a
    # busy machine a 585-token prompt took 5-14 s with 2 threads on 2 cores, 5 s with 1 (bench/threads.py).
    threads = key.n_threads or max(multiprocessing.cpu_count() // 2, 1)  # llama-cpp-python's n_threads
    kwargs: dict[str, Any] = {
        "model_path": str(path),
        "n_ctx": key.n_ctx,
        "n_threads": threads,
        "n_threads_batch": threads,
        "verbose": False,
    }
    if key.chat_format is not None:
        _check_chat_format(key.chat_format)
        kwargs["chat_format"] = key.chat_format
    try:
        return llama_cpp.Llama(**kwargs)
    except ValueError as exc:
        raise ModelFileError(
            f"llama.cpp could not load {path}: {exc}",
            hint="the file passed agentnet's GGUF checks, so it may use an architecture or quantisation this "
            "llama-cpp-python build does not support; try a newer llama-cpp-python or another quantisation",
        ) from None


def _check_chat_format(name: str) -> None:
    """Refuse a misspelt chat_format before loading (llama.cpp would only fail at the first call)."""
    from llama_cpp.llama_chat_format import LlamaChatCompletionHandlerRegistry

    known = sorted(LlamaChatCompletionHandlerRegistry()._chat_handlers)
    # "chat_template.<name>" selects a template stored in the GGUF itself.
    if name not in known and not name.startswith("chat_template."):
        raise ConfigError(
            f"unknown chat_format {name!r}",
            hint="leave params.chat_format unset to use the GGUF's own template, or use one of: " + ", ".join(known),
        )


def _close(llama: Any) -> None:
    close = getattr(llama, "close", None)
    if callable(close):
        with _ENGINE_LOCK:
            close()


_shared: ModelPool | None = None
_shared_lock = threading.Lock()
# Every pool alive, closed at exit: the shared one and those made for one registry or test.
_pools: weakref.WeakSet[ModelPool] = weakref.WeakSet()


def close_pools() -> None:
    """Close every pool (see ``ModelPool.close``); registered to run at interpreter exit."""
    for pool in list(_pools):
        pool.close()


# Before interpreter teardown: a daemon thread still in llama.cpp when the C library's destructors
# run crashes the process, and llama_cpp's own __del__ would run too late (its module globals gone).
atexit.register(close_pools)


def shared_pool(memory_mb: int | None = None) -> ModelPool:
    """The process-wide pool; ``memory_mb`` (from config ``pool_memory_mb``) updates its budget."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ModelPool(memory_mb or DEFAULT_MEMORY_MB)
        elif memory_mb is not None:
            _shared.memory_mb = memory_mb
        return _shared
