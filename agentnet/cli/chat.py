"""``agentnet chat``: an interactive session that streams answers and says who answered and why.

Auto mode asks the planner to route every turn through the network: a one-step plan on a model
is answered by that model with the conversation so far (streamed); a longer plan runs on the
executor and streams its steps. Pinned mode (``--model ID`` or ``/model ID``) talks to one model.
Sessions are saved after every turn under ``$AGENTNET_HOME/chats/<id>.json`` (``conversations.py``);
``--resume ID`` continues one, ``--continue`` the newest (an ``ask`` exchange too). Ctrl-C stops the
current answer and keeps the session; Ctrl-D (or ``/exit``) ends it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agentnet.cli.conversations import Session
from agentnet.cli.followup import standalone
from agentnet.errors import AgentnetError, RunError, UserError
from agentnet.wording import plural

if TYPE_CHECKING:
    from agentnet.network import Network

PROMPT = "you> "
HELP = """\
commands:
  /models          list the models and tools on the network
  /route on|off    auto-route each turn with the planner (on) or use the current model (off)
  /plan            show the plan of the last routed turn
  /model ID        pin the conversation to one model (turns routing off)
  /save FILE       write the conversation to FILE (.json, or markdown otherwise)
  /clear           forget the conversation so far (the session id stays)
  /help            this list
  /exit            end the session (Ctrl-D too); Ctrl-C stops the current answer"""


class Chat:
    def __init__(self, net: Network, session: Session, *, max_tokens: int | None = None) -> None:
        from agentnet.cli.render import console

        self.net = net
        self.session = session
        self.max_tokens = max_tokens
        self.out = console()

    # --- the loop -----------------------------------------------------------------------------

    def run(self) -> None:
        mode = f"pinned to {self.session.model}" if not self.session.route else "auto-routing"
        resumed = f", {len(self.session.messages)} earlier messages" if self.session.messages else ""
        self.out.print(
            f"[bold]agentnet chat[/] session [cyan]{self.session.id}[/] ({mode}{resumed}); /help for commands"
        )
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                self.out.print("\nbye")
                return
            except KeyboardInterrupt:
                self.out.print("\n[dim](Ctrl-C stops an answer; Ctrl-D or /exit ends the session)[/]")
                continue
            line = line.strip()
            if not line:
                continue
            try:
                if line.startswith("/"):
                    if self.command(line):
                        return
                else:
                    self.turn(line)
            except AgentnetError as exc:
                from agentnet.cli.render import print_error

                print_error(exc)

    def command(self, line: str) -> bool:
        """Run a slash command; True means the session ends."""
        name, _, arg = line.partition(" ")
        if name in ("/exit", "/quit"):
            self.out.print("bye")
            return True
        handler = self._COMMANDS.get(name)
        if handler is None:
            raise UserError(f"unknown command {name!r}", hint="/help lists the commands")
        handler(self, arg.strip())
        self.session.save()
        return False

    def _help(self, _: str) -> None:
        self.out.print(HELP, markup=False)

    def _models(self, _: str) -> None:
        for card in self.net.registry.cards():
            marker = "*" if card.id == (self.session.model or self.net.registry.default_id) else " "
            line = f"{marker} {card.id}  {card.locality}, {card.display_name}"
            self.out.print(line, markup=False, style="dim")

    def _route(self, arg: str) -> None:
        if arg not in ("on", "off"):
            raise UserError("usage: /route on|off")
        self.session.route = arg == "on"
        self.out.print(f"routing {'on: the planner picks who answers each turn' if self.session.route else 'off'}")

    def _model(self, arg: str) -> None:
        if not arg:
            raise UserError("usage: /model ID", hint="see /models")
        self.net.registry.card(arg)  # unknown ids fail here, listing the known ones
        self.session.model, self.session.route = arg, False
        self.out.print(f"pinned to {arg} (routing off; /route on to route again)", markup=False)

    def _plan(self, _: str) -> None:
        self.show_plan()

    def _save(self, arg: str) -> None:
        if not arg:
            raise UserError("usage: /save FILE")
        try:
            self.session.export(Path(arg).expanduser())
        except OSError as exc:
            from agentnet.cli.file_errors import file_error

            # An error of this command, not of the session: the loop reports it and reads the next line.
            raise file_error(exc) or RunError(f"could not save to {arg}: {exc}") from None
        self.out.print(f"saved {plural(len(self.session.messages), 'message')} to {arg}", markup=False)

    def _clear(self, _: str) -> None:
        self.session.messages.clear()
        self.session.last_plan = None
        self.out.print("conversation cleared")

    _COMMANDS: ClassVar[dict[str, Callable[[Chat, str], None]]] = {
        "/help": _help,
        "/models": _models,
        "/route": _route,
        "/model": _model,
        "/plan": _plan,
        "/save": _save,
        "/clear": _clear,
    }

    def show_plan(self) -> None:
        plan = self.session.last_plan
        if not plan:
            self.out.print("no plan yet: routing is off or no turn was routed")
            return
        self.out.print(f"plan for {plan['task'][:60]!r} (source: {plan.get('source')})", markup=False)
        for step in plan.get("steps", []):
            deps = ", ".join(i["step"] for i in step.get("inputs", []) if i.get("kind") == "step" and i.get("step"))
            after = f" after {deps}" if deps else ""
            self.out.print(f"  {step['id']}: {step['capability']}{after} - {step.get('why', '')}", markup=False)
        for note in plan.get("notes", []):  # e.g. planned without memory's current fit, which runs meanwhile
            self.out.print(f"  note: {note}", markup=False)

    # --- one turn -----------------------------------------------------------------------------

    def turn(self, text: str) -> None:
        earlier = self._earlier_request()
        self.session.messages.append({"role": "user", "content": text})
        read_as = standalone(text, earlier)
        if read_as is not None:
            # Kept with the turn: the next follow-up reads against it ("and 20%?", then "and 25%?").
            self.session.messages[-1]["read_as"] = read_as
            self.out.print(f"(read as: {read_as})", markup=False, style="dim", soft_wrap=True)
        self.session.save()
        started = time.perf_counter()
        try:
            if self.session.route:
                answer, meta = self.routed(read_as or text)
            else:
                model = self.session.model or self.net.registry.default_id
                answer, meta = self.direct(model, "pinned" if self.session.model else "default model")
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            self.out.print("[yellow]\\[cancelled][/] the answer was stopped; the session continues")
            self.session.messages.pop()
            self.session.save()
            return
        meta["latency_s"] = round(time.perf_counter() - started, 3)
        self.session.messages.append({"role": "assistant", "content": answer, "meta": meta})
        self.session.save()
        self.out.print(
            f"[{meta['by']} · {meta['why']} · {meta['prompt_tokens']}+{meta['completion_tokens']} tokens"
            f" · {meta['latency_s']:.1f} s · ${meta['cost']:.4f}]",
            soft_wrap=True,
            markup=False,
            style="dim",
        )

    def _earlier_request(self) -> str | None:
        """The last request of this session, as it was read (a follow-up as the request it stood for)."""
        asked = [m for m in self.session.messages if m["role"] == "user"]
        return str(asked[-1].get("read_as") or asked[-1]["content"]) if asked else None

    def direct(self, model: str, why: str) -> tuple[str, dict[str, Any]]:
        node = self.net.node(model)
        options = {"max_tokens": self.max_tokens} if self.max_tokens else {}
        history = self.session.history()
        read_as = self.session.messages[-1].get("read_as") if self.session.messages else None
        if read_as and history and history[-1]["role"] == "user":
            # A pinned tool reads only the last message: "and 20%?" was refused, "What is 20% of 80?" is not.
            history[-1] = {"role": "user", "content": str(read_as)}
        stream = node.stream_text(history, **options)
        for piece in stream:
            sys.stdout.write(piece)
            sys.stdout.flush()
        sys.stdout.write("\n")
        reply = stream.reply
        usage = reply.usage if reply else None
        return (reply.text.strip() if reply else ""), {
            "by": model,
            "why": why,
            "prompt_tokens": usage.prompt_tokens if usage else 0,
            "completion_tokens": usage.completion_tokens if usage else 0,
            "cost": reply.cost if reply else 0.0,
        }

    def routed(self, text: str) -> tuple[str, dict[str, Any]]:
        from agentnet.errors import PlanningError

        try:
            plan = self.net.plan(text)
        except PlanningError as exc:
            model = self.session.model or self.net.registry.default_id
            return self.direct(model, f"planner found no route ({exc.message[:60]}); default model")
        finally:
            self.net.release_directory()
        self.session.last_plan = plan.model_dump(mode="json")
        if len(plan.steps) == 1:
            step = plan.steps[0]
            card = self.net.registry.card(step.capability) if step.capability in self.net.registry else None
            if card is not None and card.provider == "model":
                return self.direct(step.capability, f"routed: {step.why or 'best match'}")
        return self.executed(plan)

    def executed(self, plan: Any) -> tuple[str, dict[str, Any]]:
        def show(event: Any) -> None:
            if event.event == "token":
                sys.stdout.write(event.text or "")
                sys.stdout.flush()
            elif event.event == "started":
                self.out.print(f"> {event.step} on {event.node}", markup=False, style="dim")
            elif event.event == "finished":
                sys.stdout.write("\n")

        from agentnet.network import capped

        # --max-tokens bounds every step's reply, as it bounds a direct answer.
        result = self.net.execute(capped(plan, self.max_tokens), on_event=show)
        trace = self.net.trace(result.run_id)
        by = ", ".join(dict.fromkeys(str(s.get("node_id") or s["capability"]) for s in trace["steps"]))
        # Every call counts (a retried step pays for each attempt), as in the trace's total cost.
        calls = [attempt for s in trace["steps"] for attempt in s["attempts"]]
        return (result.answer or "").strip(), {
            "by": by,
            "why": f"{len(plan.steps)}-step plan ({plan.source}), run {result.run_id}",
            "prompt_tokens": sum(int(a["prompt_tokens"]) for a in calls),
            "completion_tokens": sum(int(a["completion_tokens"]) for a in calls),
            "cost": float(trace["cost"]),
        }


def start(
    *, model: str | None, resume: str | None, config: Path | None, max_tokens: int | None, route: bool | None,
    latest: bool = False,
) -> None:  # fmt: skip
    from agentnet.network import Network

    # The conversation first: a missing one is a mistake to report before any model loads.
    session = Session.latest() if latest else Session.load(resume) if resume else None
    # Chat plans each routed turn without waiting for a fit of plan memory (``planner.fitting``): the first
    # turn that finds memory stale starts the fit in the background and is planned with the kept fit (or
    # zero-shot), and the turns typed while it runs pick it up once it is kept. A turn that waited would
    # freeze the prompt for a minute; a fit at start would open the directory before the first prompt
    # even in a session that never routes.
    net = Network.from_config(config, fit_in_background=True)
    if session is None:
        session = Session.new(model=model, route=model is None)
    elif model:
        session.model, session.route = model, False
    if route is not None:
        session.route = route
    if session.model:
        net.registry.card(session.model)  # an unknown --model fails now, listing the known ids
    session.save()
    try:
        Chat(net, session, max_tokens=max_tokens).run()
    finally:
        session.save()
        net.close()
        _wait_for_workers()


def _wait_for_workers(timeout_s: float = 10.0) -> None:
    """Let cancelled generations notice and stop before the interpreter tears down.

    Model calls run in daemon threads; one still inside llama.cpp while Python finalises can
    crash the process, so a session that cancelled an answer waits for them (briefly) on exit.
    Only for those: other agentnet threads live as long as the process (in the daemon, for ever).
    """
    import threading

    from agentnet.nodes.base import CALL_THREAD_PREFIX

    deadline = time.monotonic() + timeout_s
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.startswith(CALL_THREAD_PREFIX):
            thread.join(max(0.0, deadline - time.monotonic()))
