"""What a failed call to a remote model means: its kind, whether to retry, and the error the user reads.

LiteLLM, the OpenAI client and the socket raise many exception types; ``classify`` turns each into
a ``Failure`` (auth, rate limit with its ``Retry-After``, content policy, context overflow, a
transient server or network fault, a bad request), and ``Failure.error`` into the ``AgentnetError``
that names the model, the endpoint, the real cause and the fix. Keys never reach a message (``scrub``).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

from agentnet.errors import AgentnetError, ContentPolicyError, ContextOverflowError, ModelCallError
from agentnet.wording import plural

_TRANSIENT_NAMES = {
    "APIConnectionError",
    "Timeout",
    "APITimeoutError",
    "ServiceUnavailableError",
    "InternalServerError",
    "MidStreamFallbackError",
}
_POLICY_MARKS = ("content_policy_violation", "content_filter", "content management policy", "safety system")


@dataclass(frozen=True)
class Deployment:
    """Which model at which endpoint a call goes to, and where its key comes from (for hints)."""

    node_id: str
    model: str
    endpoint: str
    key_env: str | None = None

    @property
    def key(self) -> str:
        return f"{self.model} at {self.endpoint}"

    @property
    def who(self) -> str:
        return f"model {self.node_id!r} ({self.model} at {self.endpoint})"


class Failure(Exception):
    """One failed request, judged: what kind, whether another attempt may help, whether it counts
    toward a cooldown, and how long the server asked to wait."""

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after_s: float | None = None,
        cools: bool = True,
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        self.cools = cools

    def error(self, dep: Deployment, attempts: int, *, gave_up_early: bool = False) -> AgentnetError:
        """The error the caller reads: the model, the endpoint, the real cause and the fix."""
        if self.kind in _PLAIN:
            code, message, hint = _PLAIN[self.kind]
            fields = {"status": self.status, "detail": self.detail[:300], "key_env": dep.key_env or "its key variable"}
            return ModelCallError(
                f"{dep.who} {message.format(**fields)}", hint=hint.format(**fields), code=code, retryable=self.retryable
            )
        if self.kind == "overflow":
            return ContextOverflowError(
                f"the prompt for model {dep.node_id!r} ({dep.model}) does not fit its context window: "
                f"{self.detail[:300]}",
                hint="shorten the prompt or pick a model with a longer context",
            )
        if self.kind == "policy":
            return ContentPolicyError(f"{dep.who} refused under its content policy: {self.detail[:300]}; not retried",
                                      hint=POLICY_HINT)  # fmt: skip
        tried = f"after {plural(attempts, 'attempt')}"
        if self.kind == "rate_limited":
            return self._rate_limited(dep, tried, gave_up_early)
        if self.kind == "unreachable":
            return ModelCallError(
                f"{dep.who} could not be reached ({tried}): {self.detail[:300]}",
                hint=f"check that the server is running and listening at {dep.endpoint}, or fix api_base",
                code="model_unreachable",
                retryable=True,
            )
        return ModelCallError(
            f"{dep.who} failed {tried}: {self.detail[:500]}",
            hint="check that the server is running and reachable, the model name, and the api_base"
            if self.retryable
            else "check the model name and the request parameters",
            retryable=self.retryable,
        )

    def _rate_limited(self, dep: Deployment, tried: str, gave_up_early: bool) -> AgentnetError:
        asked = f" and asked to retry after {self.retry_after_s:g} s" if self.retry_after_s else ""
        why = ", past agentnet's deadline for this call; not waited" if gave_up_early and self.retry_after_s else ""
        return ModelCallError(
            f"{dep.who} is rate-limited (HTTP 429){asked}{why} ({tried}): {self.detail[:300]}",
            hint="give the step another candidate, raise params.deadline_s so the wait fits, or lower the request rate",
            code="model_rate_limited",
        )


POLICY_HINT = "rephrase the request, or give the step another model that may answer it (a fallback candidate)"

# Failures whose error is one sentence: kind -> (code, what the model did, hint); {status}, {detail}
# and {key_env} are filled in from the failure and the deployment.
_PLAIN: dict[str, tuple[str, str, str]] = {
    "auth": (
        "model_auth_failed",
        "refused the credentials (HTTP {status}); not retried",
        "check the API key in {key_env} (environment, ./.env or $AGENTNET_HOME/.env) and that it may use this model",
    ),
    "bad_response": (
        "model_bad_response",
        "answered HTTP 200 with {detail}, not an OpenAI-compatible reply; not retried",
        "check api_base: it must be the API's base URL (often ending in /v1), not a web page, a sign-in page or a "
        "proxy's error page",
    ),
    "cooling": (
        "model_cooling_down",
        "was not called: {detail}",
        "agentnet skips a failing deployment for params.cooldown_s seconds and the step moves to its next "
        "candidate; check the server, or set params.cooldown_s: 0 to turn cooldowns off",
    ),
    "empty": (
        "model_empty_stream",
        "ended its reply stream without any content or usage; the server failed mid-request",
        "check the server's log; a common cause is a prompt longer than the server's context window (shorten it "
        "or raise the server's n_ctx)",
    ),
    "broken": (
        "model_stream_broken",
        "broke off its reply after it had started ({detail}); the partial reply is discarded",
        "check that the server (or a proxy in front of it) is stable; the step falls back to its next candidate",
    ),
}


def classify(exc: Exception, secret: str | tuple[str, ...] | None) -> Failure:
    """What a provider exception (litellm's, the HTTP client's, a socket's) means for agentnet."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    detail = scrub(f"{name}: {getattr(exc, 'message', None) or exc}", secret)
    if status in (401, 403):
        return Failure("auth", detail, status=status)
    if name == "ContextWindowExceededError":
        return Failure("overflow", detail, status=status, cools=False)
    if name == "ContentPolicyViolationError" or (status == 400 and _mentions_policy(exc, detail)):
        return Failure("policy", detail, status=status, cools=False)
    if status == 429 or name == "RateLimitError":
        return Failure("rate_limited", detail, status=429, retryable=True, retry_after_s=retry_after(exc))
    if status == 508:
        # An agentnet server refused a federation loop or a hop past its limit: the same request
        # comes back the same way every time, and the server itself is fine (no retry, no cooldown).
        return Failure("request", detail, status=status, cools=False)
    refused = _connection_cause(exc)
    if refused is not None:
        # litellm reports a server it could not connect to as an HTTP 500 "InternalServerError" it made
        # up itself; the cause at the bottom of the chain (connection refused, no route, DNS) is the news.
        return Failure("unreachable", scrub(refused, secret), retryable=True)
    if _is_transient(exc, status, name):
        return Failure("transient", detail, status=status, retryable=True, retry_after_s=retry_after(exc))
    # Other 4xx (a bad request) will fail the same way again; like LiteLLM, only 402/404 cool down.
    return Failure("request", detail, status=status, cools=status in (402, 404))


_CONNECT_NAMES = {"APIConnectionError", "ConnectError"}


def _connection_cause(exc: BaseException) -> str | None:
    """The text of the chain's deepest cause when the request never reached a server, else None."""
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and all(link is not seen for seen in chain):
        chain.append(link)
        link = link.__cause__ or link.__context__
    if not any(type(e).__name__ in _CONNECT_NAMES or isinstance(e, ConnectionRefusedError) for e in chain):
        return None
    return str(chain[-1]) or type(chain[-1]).__name__


def _mentions_policy(exc: Exception, detail: str) -> bool:
    body = getattr(exc, "body", None)
    code = str(body.get("code") or "") if isinstance(body, dict) else ""
    text = f"{code} {detail}".lower()
    return any(mark in text for mark in _POLICY_MARKS)


def _is_transient(exc: Exception, status: int | None, name: str) -> bool:
    if status is not None:
        return status >= 500 or status in (408, 409, 429)
    return name in _TRANSIENT_NAMES or isinstance(exc, ConnectionError | TimeoutError)


def retry_after(exc: Exception) -> float | None:
    """Seconds the server asked to wait (``Retry-After``: seconds or an HTTP date; ``retry-after-ms``)."""
    headers = getattr(exc, "litellm_response_headers", None) or getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis:
            return float(millis) / 1000
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, AttributeError):
        return None


def scrub(text: str, secret: str | tuple[str, ...] | None) -> str:
    """``text`` without the call's credentials (its key, and those in its api_base's userinfo)."""
    for value in (secret,) if isinstance(secret, str) else secret or ():
        if len(value) >= 4:
            text = text.replace(value, "***")
    return text
