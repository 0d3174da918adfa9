"""Credentials out of everything agentnet prints or stores: URLs' userinfo, key-like query values,
``password=`` values, and the shapes of well-known API keys and bearer tokens.

Keys are held as secrets and never printed on purpose; these functions catch the ones that arrive
inside other text: an ``api_base`` written as ``http://user:key@host``, a provider's error that
quotes the URL it called, an exception message that repeats a header.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# Where a secret value ends: before a separator, or before one mark of punctuation that ends the text or
# precedes a space ("...?password=pw: connection refused" keeps its colon, "...:5432" stays in the value).
_VALUE_END = r"""(?=[\s&#'"]|$|[:,.;)](?:\s|$))"""
# user:password@ (or a lone token@) right after a scheme.
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^\s/@'\"<>]+)@")
# ?api_key=..., &token=..., etc.
_QUERY_SECRET = re.compile(
    r"(?P<name>[?&;](?:api[_-]?key|key|token|access[_-]?token|secret|password|sig|signature)=)"
    r"(?P<value>[^&#\s'\"]+?)" + _VALUE_END,
    re.IGNORECASE,
)
# password=... written in text or in a libpq connection string ("host=db password='s3cret'"), which
# is no URL: AGENTNET_RUNS_URL set to one was echoed whole, password included, by the error refusing it.
_PASSWORD = re.compile(
    r"(?P<name>\b(?:password|passwd|pwd)\s*=\s*)(?P<value>'[^']*'|\"[^\"]*\"|[^\s&#'\"]+?" + _VALUE_END + ")", re.I
)
# Well-known key shapes (OpenAI, Anthropic, Google, GitHub, Slack, Hugging Face, AWS) and bearer headers.
_KEY_SHAPES = re.compile(
    r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|xox[abpr]-[A-Za-z0-9-]{10,}|hf_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16})\b"
)
_BEARER = re.compile(r"(?P<scheme>\b(?:Bearer|Basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE)


def redact_text(text: str) -> str:
    """``text`` with URL userinfo, key-like query values, known key shapes and bearer tokens masked."""
    if not text:
        return text
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group('name')}{MASK}", text)
    text = _PASSWORD.sub(lambda m: f"{m.group('name')}{MASK}", text)
    text = _KEY_SHAPES.sub(MASK, text)
    return _BEARER.sub(lambda m: f"{m.group('scheme')}{MASK}", text)


def redact_url(url: str | None) -> str:
    """A URL safe to print: no userinfo, key-like query values masked."""
    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if parts.username is not None or parts.password is not None:
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            port = None
        netloc = f"{MASK}@{host}" + (f":{port}" if port else "")
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return redact_text(url)


def url_credentials(url: str | None) -> tuple[str, ...]:
    """The secrets a URL's userinfo becomes on the wire: its password, and the Basic credential the HTTP
    client builds from ``user:password``. An upstream quoting back the credential it got ("Incorrect API
    key provided: cHJveHk...") put that base64 in errors, traces and runs.sqlite."""
    import base64
    from urllib.parse import unquote

    try:
        parts = urlsplit(url or "")
    except ValueError:
        return ()
    if parts.username is None:
        return ()
    user, password = unquote(parts.username), unquote(parts.password or "")
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    return tuple(secret for secret in (password, basic, basic.rstrip("=")) if secret)


class RedactingFilter(logging.Filter):
    """Credentials out of every log line, tracebacks included (a provider error may quote a keyed URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            _redact_record(record, cleaned)
        if record.exc_info:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def _redact_record(record: logging.LogRecord, cleaned: str) -> None:
    """Mask a secret in ``record``'s arguments one by one where that is enough: uvicorn's access formatter
    unpacks exactly five of them, so a record left with none (an access line for a URL with
    ``?token=...``) was lost, and a "Logging error" traceback printed instead. Else the whole message."""
    if isinstance(record.args, tuple) and record.args:
        record.args = tuple(redact_text(arg) if isinstance(arg, str) else arg for arg in record.args)
        if record.getMessage() == cleaned:
            return
    record.msg, record.args = cleaned, ()
