"""OpenAI-shaped error bodies: ``{"error": {"message", "type", "param", "code"}}``, never a traceback.

Every ``AgentnetError`` maps to an HTTP status by its class; anything unexpected becomes a 500 with
an incident id that is also logged (with the traceback) on the server side only.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from agentnet.errors import (
    AgentnetError,
    BudgetExceededError,
    ContentPolicyError,
    ContextOverflowError,
    DeadlineExceededError,
    DirectoryError,
    ModelCallError,
    ModelFileError,
    NotFoundError,
    OutputValidationError,
    RunBusyError,
    RunError,
    RunStoreError,
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


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


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
    (RunBusyError, 409, "invalid_request_error"),
    (RunStoreError, 503, "server_error"),
    (OutputValidationError, 502, "api_error"),
    (ContentPolicyError, 400, "invalid_request_error"),
    (ModelCallError, 502, "api_error"),
    (RunError, 502, "api_error"),
]

_OPENAI_CODE = {
    "not_found": "model_not_found",
    "context_overflow": "context_length_exceeded",
    "content_policy": "content_policy_violation",
}


def problem_from_agentnet(exc: AgentnetError) -> HTTPProblem:
    status, type_ = 500, "server_error"
    for cls, cls_status, cls_type in _STATUS_BY_CLASS:
        if isinstance(exc, cls):
            status, type_ = cls_status, cls_type
            break
    message = exc.message if not exc.hint else f"{exc.message} (hint: {exc.hint})"
    return HTTPProblem(status, message, type=type_, code=_OPENAI_CODE.get(exc.code, exc.code))


def problem_response(problem: HTTPProblem) -> Response:
    response = json_response(problem.body(), status=problem.status)
    response.headers.update(problem.headers)
    return response


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
        404: "Unknown model, run or route",
        409: "The run is executing in another process, or its id is taken",
        408: "The request's head or body did not arrive in time",
        413: "Request body too large",
        429: "Model busy; retry after the Retry-After header's seconds",
        431: "Request line and headers too large",
        502: "A model or peer failed",
        503: "Not ready (directory or model unavailable), or the server holds all the request bodies it may",
        504: "Deadline exceeded",
        508: "Federation loop or hop limit",
    }.items()
}


# What the guard answers before any route runs (guard.py, json_body.py, head_timeout.py): on every route.
GATE_STATUSES = (400, 401, 403, 408, 413, 431, 503)


def _validation_message(exc: RequestValidationError, content_type: str) -> tuple[str, str | None]:
    errors = exc.errors()
    if not errors:
        return "invalid request", None
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    if not loc and first.get("loc", ())[:1] == ("body",) and "json" not in content_type:
        # `curl -d '{...}'` sends application/x-www-form-urlencoded: the body was never read as JSON,
        # and "body: Input should be a valid dictionary" did not say why.
        sent = content_type.split(";")[0].strip() or "no Content-Type"
        return (f"the request body was sent as {sent}, not JSON: send it with Content-Type: application/json "
                "(curl: --json '{...}', or -H 'Content-Type: application/json')"), "body"  # fmt: skip
    if first.get("type") == "json_invalid":
        return f"the request body is not valid JSON: {first.get('ctx', {}).get('error', first.get('msg'))}", None
    where = ".".join(loc) or "body"
    return f"{where}: {first.get('msg', 'invalid value')}", where


def install_error_handlers(app: FastAPI) -> None:
    """Every failure leaves the app as an OpenAI-shaped body: agentnet's errors by class, FastAPI's
    validation and routing errors, and anything unexpected as a 500 with an incident id."""

    @app.exception_handler(HTTPProblem)
    async def _on_problem(_: Request, exc: HTTPProblem) -> Response:
        return problem_response(exc)

    @app.exception_handler(AgentnetError)
    async def _on_agentnet(_: Request, exc: AgentnetError) -> Response:
        return problem_response(problem_from_agentnet(exc))

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(request: Request, exc: RequestValidationError) -> Response:
        message, param = _validation_message(exc, request.headers.get("content-type", ""))
        return json_response(error_body(message, "invalid_request_error", code="invalid_request", param=param), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(_: Request, exc: StarletteHTTPException) -> Response:
        type_ = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        message = str(exc.detail) if exc.status_code != 404 else "no such route"
        response = json_response(error_body(message, type_, code=str(exc.status_code)), exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _on_unexpected(_: Request, exc: Exception) -> Response:
        return problem_response(problem_from_unexpected(exc))
