"""What a plugin can add to agentnet: one pluggy hook per kind of thing, each handed a ``register``.

A plugin is a module with functions marked ``@agentnet.hookimpl`` whose names are the hooks below;
it may take any subset of a hook's arguments. Each hook of each plugin is called on its own: a
plugin that raises is reported with its name and what it registered in that call is dropped, so a
broken plugin never stops agentnet or another plugin. See docs/plugins.md.
"""

from __future__ import annotations

from typing import Any

from pluggy import HookimplMarker, HookspecMarker

PROJECT = "agentnet"

hookspec = HookspecMarker(PROJECT)
hookimpl = HookimplMarker(PROJECT)


@hookspec
def register_nodes(register: Any, config: Any) -> None:
    """Add nodes (models, tools) to every ``NodeRegistry``.

    ``register(fn_or_node, card=None, *, factory=None)``: a ``ModelNode``; or a plain callable with
    its ``CapabilityCard`` (exactly like ``NodeRegistry.register_callable(fn, card)``); or, with
    ``factory=`` and ``card=``, a node built by ``factory()`` on first use (so listing stays cheap
    when building the node means starting a process or opening a connection). ``config`` is the
    ``AgentnetConfig`` the registry is built from. Called once per registry.
    """


@hookspec
def register_adapters(register: Any) -> None:
    """Add ``adapter:`` kinds for models declared in agentnet.yaml.

    ``register(name, factory, *, options=None, remote=False, check=None, card=None, description="",
    params=None)``:
    ``factory(spec, registry)`` returns the ``ModelNode`` for a ``ModelSpec`` whose ``adapter`` is
    ``name``; ``options`` is a pydantic model (``extra="forbid"``) that validates the spec's
    ``options:`` mapping; ``remote`` says calls leave this host (card defaults); ``check(spec)`` raises
    ``ValueError`` when the spec misses a field the adapter needs; ``card`` holds card defaults;
    ``params`` names the ``params:`` settings the adapter reads (``agentnet models show`` lists only those).
    """


@hookspec
def register_importers(register: Any) -> None:
    """Add card file formats for ``agentnet directory import``.

    ``register(name, load, *, detect=None, description="")``: ``load(file)`` returns the
    ``CapabilityCard``s in a ``CardFile`` (``file.path``; ``file.data`` is its JSON/YAML content);
    ``detect(file)`` returns True when ``--format auto`` should pick this format.
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add sub-commands to the ``agentnet`` command: ``cli`` is a ``typer.Typer`` (``@cli.command()``)."""


@hookspec
def register_doctor_checks(register: Any) -> None:
    """Add checks to ``agentnet doctor``.

    ``register(name, check)``: ``check(config)`` returns a one-line status when all is well and
    raises an ``AgentnetError`` (message and hint are shown) when it is not.
    """


@hookspec
def register_peer_transports(register: Any) -> None:
    """Add ways to reach a peer added with ``agentnet peers add URL``.

    ``register(name, *, read, node, detect=None, description="")``: ``detect(document)`` says whether
    the peer's agent card (the JSON of ``/.well-known/agent-card.json``) is one this transport reaches;
    ``read(url, name, token_env, document)`` returns the ``PeerRecord`` (``transport=name``, its cards);
    ``node(record, card)`` returns the ``ModelNode`` that reaches ``card`` on that peer. Transports with
    a ``detect`` are asked in load order (built-ins first); one without is the fallback for any card.
    """


@hookspec
def register_server_routes(app: Any, server: Any) -> None:
    """Add routes to ``agentnet serve``: ``app`` is its FastAPI app (``app.include_router(...)``).

    The routes are behind the same gate as the built-in ones (token, Host, Origin, body size,
    federation headers). ``server`` holds ``backend`` (the nodes, directory, network and peers served),
    ``settings``, ``limiter`` (admission for local models) and ``on_shutdown(fn)`` (an async function
    awaited when the server stops). Called once per app.
    """
