"""``agentnet mcp serve``: this agentnet as an MCP server (the ``mcp`` SDK's ``MCPServer``).

Tools: ``ask`` (one prompt to one model), ``plan`` (a task's plan as JSON), ``run`` (plan and run a
task; a progress notification per finished step; the answer and the run id) and
``search_directory`` (cards matching a query). Every capability card is a resource
``agentnet://cards/<id>`` (JSON). Over stdio by default; over Streamable HTTP on loopback with the
same gate as ``agentnet serve`` (bearer token, Host and Origin rules: ``server/guard.py``).

The network's parts are not made for concurrent use, so calls take turns (``mcp_turns.py``, which also
says how each stops when the server stops).
"""

# No ``from __future__ import annotations``: the SDK reads the tools' annotations (``ctx: Context``)
# at registration, and Context is only imported inside build_server.
import json
import logging
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from agentnet.cards import CapabilityCard
from agentnet.errors import RunError, UserError
from agentnet.server.settings import MAX_BODY_BYTES

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from agentnet.network import Network
    from agentnet.server.settings import ServerSettings
    from agentnet.server.shutdown import CallsInFlight

log = logging.getLogger("agentnet.mcp_serve")

INSTRUCTIONS = (
    "agentnet: a network of AI models. `ask` sends one prompt to one model; `plan` shows how a task would be "
    "split across the network's collaborators; `run` plans and runs it; `search_directory` finds "
    "collaborators. Capability cards are resources under agentnet://cards/."
)


def build_server(
    network: "Network",
    verbose: bool = False,
    max_bytes: int = MAX_BODY_BYTES,
    turn: Any = None,
    calls: "CallsInFlight | None" = None,
) -> "MCPServer":
    """The MCP server exposing ``network``; its log on stderr at INFO with ``verbose``, else warnings.
    A prompt, task or query longer than ``max_bytes`` (UTF-8) is refused: over stdio nothing else bounds
    it (a 3 MB task was planned for 8.5 s, every other call waiting); over HTTP the body limit is the same.
    The calls stop when ``calls`` are stopped (the server's shutdown): ``mcp_turns.py``."""
    import anyio
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.types import ToolAnnotations

    from agentnet.server.mcp_turns import Turns
    from agentnet.server.shutdown import CallsInFlight

    turns = Turns(network, turn or threading.Lock(), calls or CallsInFlight())
    reads = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)
    # MCPServer configures this process's logging (logging.basicConfig at this level, a Rich handler on
    # stderr); its default, INFO, would show a line per model call (LiteLLM's), per rejected tool call...
    # A stdio server's stderr goes into its host's logs: warnings unless asked for more.
    server = MCPServer("agentnet", instructions=INSTRUCTIONS, log_level="INFO" if verbose else "WARNING")
    _log_levels(verbose)

    @server.tool(annotations=reads)
    async def ask(prompt: str, model: str | None = None) -> str:
        """Send one prompt to one model of the network (the default model unless `model` names one)."""
        with _callers_input():
            _within(prompt, "prompt", max_bytes)
            if not prompt.strip():  # as `agentnet ask ""`: a model given nothing makes up an answer
                raise UserError("nothing to ask: the prompt is empty", hint="pass the question as `prompt`")
            node = network.node(model)
            reply = await turns.call(lambda abort: _asked(node, prompt, abort))
        return str(reply.text)

    @server.tool(annotations=reads)
    async def plan(task: str) -> dict[str, Any]:
        """Plan a task: which collaborator does each step and why (nothing is run)."""
        with _callers_input():
            _within(task, "task", max_bytes)
            made = await turns.given_up_at_stop(lambda: network.plan(task))
        return dict(made.model_dump(mode="json"))

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False))
    async def run(task: str, ctx: Context) -> dict[str, Any]:
        """Plan a task and run it across the network; reports progress per step; returns answer and run id."""

        def work(_: threading.Event) -> Any:  # stopped by the executor, as the server's runs are
            return _run_reporting(network, task, lambda *done: anyio.from_thread.run(ctx.report_progress, *done))

        with _callers_input():
            _within(task, "task", max_bytes)
            result = await turns.call(work)
        return {"run_id": result.run_id, "status": result.status, "answer": result.answer, "error": _for_host(result)}

    @server.tool(annotations=reads)
    async def search_directory(query: str, k: int = 5) -> list[dict[str, Any]]:
        """Find the collaborators whose capability cards best match a query (k: how many, 1 to 50)."""
        with _callers_input():
            _within(query, "query", max_bytes)
            _check_k(k)
            hits: list[dict[str, Any]] = await turns.given_up_at_stop(lambda: _search_hits(network, query, k))
        return hits

    _add_card_resources(server, network)
    return server


def _asked(node: Any, prompt: str, abort: threading.Event) -> Any:
    """``node``'s reply to ``prompt``, stopped when the server stops (``abort``): the server waited for
    the whole reply (13 s for a long story over HTTP), and its client then got an empty response."""
    from agentnet.nodes.calls import CallAborted
    from agentnet.server.mcp_turns import shutting_down

    try:
        return node.complete(prompt, abort=abort)
    except CallAborted:
        raise shutting_down() from None


def _within(text: str, name: str, max_bytes: int) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise UserError(
            f"the {name} is {size:,} bytes, more than this server takes ({max_bytes:,} bytes)",
            hint=f"send a shorter {name}, or start the server with a larger limit "
            "(`agentnet mcp serve --max-body-bytes N`, as `agentnet serve --max-body-bytes`)",
            code="request_too_large",
        )


@contextmanager
def _callers_input() -> Iterator[None]:
    """Failures agentnet names (``AgentnetError``) go to the caller as the tool's error result, with what
    to do (the error's hint), not as the SDK's crash, which tells the caller only 'Error executing tool'
    and puts an ERROR with a traceback into the host's log. A ``UserError`` (an unknown model id, a task
    nothing can serve) is the caller's to fix: the SDK's INFO line only. A ``RunError`` (a model
    unreachable, a deadline) is the network's: one WARNING line too. Anything else is a crash, left
    to the SDK, which logs it with its traceback."""
    from mcp.server.mcpserver.exceptions import ToolError

    try:
        yield
    except UserError as exc:
        raise ToolError(str(exc)) from None
    except RunError as exc:
        log.warning("%s (%s)", exc.message, exc.code)
        raise ToolError(str(exc)) from None


def _for_host(result: Any) -> dict[str, Any] | None:
    """A run's error as the host gets it. An interrupted run's hint says what resumes it from an MCP
    host (the CLI; no tool of this server resumes a run): the executor's named `agentnet serve`'s
    ``POST /v1/runs/ID/resume`` first, which this server does not answer."""
    from agentnet.server.shutdown import mcp_resume

    if result.error is None:
        return None
    error: dict[str, Any] = result.error.to_dict()
    if result.status == "interrupted":
        error["hint"] = mcp_resume(result.run_id)
    return error


def _run_reporting(network: "Network", task: str, report: Callable[[int, int, str], Any]) -> Any:
    """Plan and run ``task``; ``report(done, total, message)`` after each step that finished or finally failed."""
    made = network.plan(task)
    network.release_directory()
    done: list[str] = []

    def on_event(event: Any) -> None:
        if event.event == "finished" or (event.event == "failed" and event.final):
            done.append(event.step)
            report(len(done), len(made.steps), f"step {event.step} {event.event} ({event.node or 'no collaborator'})")

    return network.execute(made, on_event=on_event, check=False)


# The most cards one search_directory call returns (as POST /v1/directory/search).
MAX_K = 50


def _check_k(k: int) -> None:
    """A k outside 1..MAX_K is the caller's error: it was quietly made 1 (k=0, k=-1) or MAX_K."""
    if not 1 <= k <= MAX_K:
        raise UserError(
            f"k={k} is out of range: search_directory returns 1 to {MAX_K} cards",
            hint=f"pass k between 1 and {MAX_K} (5 when left out)",
        )


def _search_hits(network: "Network", query: str, k: int) -> list[dict[str, Any]]:
    directory = network.directory
    hits = []
    for found in directory.search(query, k=k):
        card = directory.get(found.card_id)
        if card is not None:
            hits.append({"score": round(found.score, 4), "why": found.why, "card": card.model_dump(mode="json")})
    return hits


def _add_card_resources(server: "MCPServer", network: "Network") -> None:
    """Every capability card as a JSON resource ``agentnet://cards/<id>``."""
    from mcp.server.mcpserver.resources import FunctionResource

    def card_json(card: CapabilityCard) -> Callable[[], str]:
        return lambda: json.dumps(card.model_dump(mode="json"), ensure_ascii=False)

    for card in network.registry.cards():
        server.add_resource(
            FunctionResource(
                uri=f"agentnet://cards/{quote(card.id, safe='')}",
                name=card.id,
                title=card.display_name,
                description=card.description[:300] or None,
                mime_type="application/json",
                fn=card_json(card),
            )
        )


# The SDK client's logger for a Streamable HTTP session, and its INFO lines still shown at warnings.
_STREAM_LOG = "mcp.client.streamable_http"
_STREAM_LOST = ("stream disconnected", "Reconnected to SSE stream")


def _log_levels(verbose: bool) -> None:
    """Loggers MCPServer's level does not settle. httpx's line for every HTTP request the network makes
    (the end of each session with an MCP server over HTTP, ``HTTP Request: DELETE <url> "HTTP/1.1 200
    OK"``, its tool calls, remote models) names the whole URL, a key in its query included: warnings
    only, verbose or not. At warnings, one INFO line of the SDK's client is still shown: an MCP server
    agentnet uses over HTTP lost mid-session (``GET stream disconnected, reconnecting``) and back, a
    real fault a host's log should hold; not its others (``Received session ID: ...``)."""
    from agentnet.nodes.litellm import litellm_log_level

    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # LiteLLM's line per model call ("LiteLLM completion() model= ...") is INFO: with -v only.
    litellm_log_level(logging.INFO if verbose else logging.CRITICAL)
    stream = logging.getLogger(_STREAM_LOG)
    stream.setLevel(logging.NOTSET if verbose else logging.INFO)
    if verbose:
        stream.removeFilter(_lost_only)
    else:
        stream.addFilter(_lost_only)


def _lost_only(record: logging.LogRecord) -> bool:
    message = record.getMessage()
    return record.levelno >= logging.WARNING or any(part in message for part in _STREAM_LOST)


def serve_stdio(network: "Network", verbose: bool = False, max_bytes: int = MAX_BODY_BYTES) -> None:
    """Serve MCP on stdin and stdout until the host closes stdin, or SIGTERM (``stdio_stop.py``)."""
    from agentnet.server.shutdown import CallsInFlight
    from agentnet.server.stdio_stop import exit_on_sigterm

    turn, calls = threading.Lock(), CallsInFlight()
    server = build_server(network, verbose, max_bytes, turn, calls)
    undo = exit_on_sigterm(network, turn, calls)
    try:
        server.run("stdio")
    finally:
        undo()


def _stopping_runs(
    lifespan: Any,
    network: "Network",
    calls: "CallsInFlight",
    ready: Callable[[], None] = lambda: None,
    answered: Callable[[], Awaitable[None]] | None = None,
) -> Any:
    """The MCP app's lifespan, plus what ``agentnet serve`` does on SIGTERM or Ctrl-C (``shutdown.py``):
    the runs in flight stop at the signal and are saved interrupted, then logged with how to resume
    them, and the tool calls stop (``mcp_turns.py``); uvicorn gets the signal once ``answered()``.
    Without it uvicorn waited for a run in flight to finish (minutes for a long story). ``ready()``
    once the signals are handled so."""
    from agentnet.server.shutdown import mcp_resume, stop_on_signals, stop_runs

    @asynccontextmanager
    async def stopping(app: Any) -> AsyncIterator[Any]:
        async with lifespan(app) as state:
            undo = stop_on_signals(network, calls, mcp_resume, answered)
            ready()
            try:
                yield state
            finally:
                undo()
                await stop_runs(network, resume=mcp_resume)

    return stopping


def serve_http(network: "Network", settings: "ServerSettings", verbose: bool = False) -> None:
    """Streamable HTTP at ``/mcp`` behind agentnet's gate; port 0 picks a free port (printed)."""
    import uvicorn

    from agentnet.server.guard import Guard
    from agentnet.server.mcp_turns import PostsInFlight
    from agentnet.server.runner import listen
    from agentnet.server.shutdown import CallsInFlight

    # Listening before the address is announced: a client that connects at once waits in the backlog.
    # A port in use is a ConfigError naming it, as for `agentnet serve` (it was an OSError traceback).
    sock, bound = listen(settings)
    calls = CallsInFlight()
    inner = build_server(network, verbose, settings.max_body_bytes, calls=calls).streamable_http_app(host=settings.host)

    def announce() -> None:
        # Once uvicorn handles the signals: a Ctrl-C right after this line, sent before, was raised
        # wherever the interpreter was, and one swallowed in a weakref callback left the server running.
        sys.stderr.write(f"agentnet MCP server at {bound.base_url}/mcp\n")
        sys.stderr.flush()

    # The signal goes on to uvicorn once the calls it stopped are answered: uvicorn's stop has
    # sse-starlette cut the answers' streams (mcp_turns.py).
    posts = PostsInFlight(inner)
    inner.router.lifespan_context = _stopping_runs(
        inner.router.lifespan_context, network, calls, announce, posts.answered
    )
    app = Guard(posts, bound)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, proxy_headers=False)
    from agentnet.server.shutdown import sigterm_ends_cleanly

    with sock, sigterm_ends_cleanly():
        uvicorn.Server(config).run(sockets=[sock])
