"""OpenAI-shaped error bodies: ``{"error": {"message", "type", "param", "code"}}``, never a traceback.

Every ``AgentnetError`` maps to an HTTP status by its class; anything unexpected becomes a 500 with
an incident id that is also logged (with the traceback) on the server side only.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from pydantic import BaseModel

from agentnet.errors import (
    AgentnetError,
    BudgetExceededError,
    ContextOverflowError,
    DeadlineExceededError,
    DirectoryError,
    ModelCallError,
    ModelFileError,
    NotFoundError,
    OutputValidationError,
    RunError,
    UserError,
)

log = logging.getLogger("agentnet.server")


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    """What every failed request answers (the OpenAI error shape)."""

    error: ErrorDetail


class HTTPProblem(Exception):
    """An HTTP-level refusal raised by the server itself (auth, limits, loops)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.message, self.type, code=self.code, param=self.param)


def error_body(message: str, type_: str, *, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# Most specific first: the first matching class decides the status.
_STATUS_BY_CLASS: list[tuple[type[AgentnetError], int, str]] = [
    (NotFoundError, 404, "invalid_request_error"),
    (ContextOverflowError, 400, "invalid_request_error"),
    (ModelFileError, 503, "server_error"),
    (UserError, 400, "invalid_request_error"),
    (DeadlineExceededError, 504, "timeout_error"),
    (BudgetExceededError, 400, "invalid_request_error"),
    (DirectoryError, 503, "server_error"),
    (OutputValidationError, 502, "api_error"),
    (ModelCallError, 502, "api_error"),
    (RunError, 502, "api_error"),
]

_OPENAI_CODE = {"not_found": "model_not_found", "context_overflow": "context_length_exceeded"}


def problem_from_agentnet(exc: AgentnetError) -> HTTPProblem:
    status, type_ = 500, "server_error"
    for cls, cls_status, cls_type in _STATUS_BY_CLASS:
        if isinstance(exc, cls):
            status, type_ = cls_status, cls_type
            break
    message = exc.message if not exc.hint else f"{exc.message} (hint: {exc.hint})"
    return HTTPProblem(status, message, type=type_, code=_OPENAI_CODE.get(exc.code, exc.code))


def problem_from_unexpected(exc: BaseException) -> HTTPProblem:
    incident = secrets.token_hex(4)
    log.error("internal error %s", incident, exc_info=exc)
    return HTTPProblem(
        500,
        f"internal server error (incident {incident}; details are in the server log)",
        type="server_error",
        code="internal_error",
    )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        400: "Invalid request (malformed JSON, bad parameters, limits exceeded)",
        401: "Missing or invalid bearer token",
        403: "Origin or host not allowed",
        404: "Unknown model or route",
        413: "Request body too large",
        429: "Model busy; retry after the Retry-After header's seconds",
        502: "A model or peer failed",
        503: "Not ready (directory or model unavailable)",
        504: "Deadline exceeded",
        508: "Federation loop or hop limit",
    }.items()
}
