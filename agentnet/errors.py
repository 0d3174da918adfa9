"""The error hierarchy: every failure agentnet raises on purpose is an ``AgentnetError``.

Two branches matter to callers: ``UserError`` means the input (config, recipe, card, prompt,
command line) is wrong and retrying will not help until the user fixes it; ``RunError`` means
something failed while running (a model, a server, a deadline) and the same input may succeed
later or with another collaborator. Every error carries a stable ``code`` (for tools and
HTTP bodies) and, where there is one, a ``hint`` saying how to fix it.
"""

from __future__ import annotations

from typing import Any

from agentnet.redact import redact_text


class AgentnetError(Exception):
    """Base of every error agentnet raises deliberately."""

    code: str = "agentnet_error"
    # The run this error ended, when it ended one (``Network.run`` / ``resume`` raise it after the run was
    # saved): what ``Network.resume`` and ``Network.trace`` need.
    run_id: str | None = None

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        # Messages quote URLs and provider errors: credentials in them never reach a screen, log or database.
        message = redact_text(message)
        super().__init__(message)
        self.message = message
        self.hint = redact_text(hint) if hint else hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "type": type(self).__name__}


# --- the user's input is wrong ------------------------------------------------------------


class UserError(AgentnetError):
    """Bad input: fix the config, recipe, card, prompt or command and try again."""

    code = "user_error"
    # True when a collaborator read the request as its own and it has no answer (a division by zero,
    # a date that does not exist, kilograms to metres): the step stops there, as another candidate
    # would only guess (the chat model once "converted" 3 kg to 10.32 pounds to meters).
    conclusive = False


class ConfigError(UserError):
    """A config, card or recipe file is malformed or inconsistent (names file and line)."""

    code = "config_error"


class NotFoundError(UserError):
    """An id (model, card, run, recipe) that nothing is registered under."""

    code = "not_found"


class ModelFileError(UserError):
    """A GGUF file is missing, not a GGUF, or truncated."""

    code = "model_file"


class ToolCallingUnsupportedError(UserError, NotImplementedError):
    """``bind_tools`` on a node: nodes answer, the network calls tools. Also a NotImplementedError, which is
    what LangChain code that checks for tool calling (and falls back) catches."""

    code = "tool_calling_unsupported"


class ContextOverflowError(UserError):
    """A prompt does not fit the model's context window; refused before it reaches the model."""

    code = "context_overflow"


class PlanningError(UserError):
    """No valid plan can serve the task (e.g. a capability is missing from the directory)."""

    code = "planning_failed"


# --- something failed while running -------------------------------------------------------


class RunError(AgentnetError):
    """A failure while running: the same input may succeed later or with another collaborator."""

    code = "run_error"


class ModelCallError(RunError):
    """A model call failed (server unreachable, provider error, authentication refused).

    ``retryable`` says whether the same call may succeed if tried again (a server error, a broken
    stream) or not (refused credentials, an HTML page instead of an API, a content-policy refusal).
    """

    code = "model_call_failed"
    retryable = True

    def __init__(
        self, message: str, *, hint: str | None = None, code: str | None = None, retryable: bool | None = None
    ) -> None:
        super().__init__(message, hint=hint, code=code)
        if retryable is not None:
            self.retryable = retryable


class ContentPolicyError(ModelCallError):
    """A provider refused the request (or stopped its reply) under its content policy: asking the
    same model again will not help; another model may answer."""

    code = "content_policy"
    retryable = False


class DeadlineExceededError(RunError):
    """agentnet's own per-call or per-run deadline fired."""

    code = "deadline_exceeded"
    # What a model call had spent when its deadline fired (``Usage``, set by ``TokenStream`` when tokens
    # were produced): a step cut off mid-reply is recorded with them, not with 0.
    spent: Any = None


class OutputValidationError(RunError):
    """A model's reply does not satisfy the JSON Schema it was asked to follow."""

    code = "output_invalid"
    # What the calls that produced the invalid replies spent (``Usage``): the step's record counts them.
    spent: Any = None


class BudgetExceededError(RunError):
    """A run stopped before exceeding one of its budgets (steps, tokens, time, cost)."""

    code = "budget_exceeded"


class RunBusyError(RunError):
    """Another process owns the run right now (its lease in the run database is live)."""

    code = "run_busy"


class RunStoreError(RunError):
    """The run database cannot be reached, opened or read (server down, wrong URL, corrupt file)."""

    code = "runs_db_unavailable"
    # False when it failed before the run's own row was written: nothing of that run can be shown or resumed.
    run_saved = True


class DirectoryError(RunError):
    """The capability directory cannot be opened or written (server down, locked, corrupt)."""

    code = "directory_unavailable"
