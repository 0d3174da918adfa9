"""A JSON request body that no route can read is refused at the gate, the same way on every route
(chat completions, runs, ratings, the directory, the A2A endpoint), with the field it concerns named.

These got past the routes' own checks: a body nested thousands of levels deep (Python's JSON decoder
raises RecursionError: FastAPI answered a vague "error parsing the body", the A2A endpoint a JSON-RPC
internal error with a traceback in the log), a body that is not UTF-8, a string holding a lone UTF-16
surrogate (``"\\ud800"``: valid JSON, but no text; a prompt holding one reached llama.cpp's tokenizer,
which cannot encode it: a 500, and uvicorn dropped the connection) and one holding NUL (``"\\u0000"``:
no text either; PostgreSQL cannot store it, so a run's task holding one failed as a broken run
database, 503). Each is the caller's 400 now. The checks are cheap (byte operations in C: about 30 ms
for a 1 MB body of short strings), and a body is decoded in full only when it holds such an escape at
all (an emoji sent as an escaped pair is one).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from agentnet.server.errors import HTTPProblem

# Deeper than any request agentnet reads (a response_format schema is refused past 64 levels of its
# own), and far from the decoder's recursion limit (about 1000 minus the server's stack).
MAX_JSON_DEPTH = 256

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_QUOTES_OR_BRACKETS = bytes(b for b in range(256) if b not in b'"[]{}')
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
# Escapes of what is no text: a UTF-16 surrogate (alone, unless paired) and NUL.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")


def looks_like_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"{", b"[")


def check_json_body(body: bytes) -> None:
    """Raise a 400 ``HTTPProblem`` if ``body`` (JSON by its first byte) cannot be read as text JSON."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(
            400,
            f"the request body is not UTF-8 text (byte {exc.start} is {body[exc.start]:#04x}); send JSON as UTF-8",
            code="invalid_encoding",
            param="body",
        ) from None
    depth = json_depth(body)
    if depth > MAX_JSON_DEPTH:
        raise HTTPProblem(
            400,
            f"the request body is JSON nested {depth} levels deep; at most {MAX_JSON_DEPTH} are read",
            code="json_too_deep",
            param="body",
        )
    if _SUSPECT_ESCAPE.search(body):
        _refuse_what_is_no_text(body)


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in ``body`` (brackets inside strings do not count)."""
    unescaped = _ESCAPE.sub(b"", body) if b"\\" in body else body
    # Between the 2k-th and (2k+1)-th quote is inside a string: every other piece is outside.
    brackets = b"".join(unescaped.translate(None, _NOT_QUOTES_OR_BRACKETS).split(b'"')[::2])
    return max(accumulate(_STEP[b] for b in brackets), default=0)


def _refuse_what_is_no_text(body: bytes) -> None:
    try:
        value = json.loads(body)
    except ValueError:
        return  # not JSON at all: the route says so
    found = _first_not_text(value, [])
    if found is not None:
        where, why = found
        fix = "leave it out" if "NUL" in why else "encode the text as UTF-8"
        raise HTTPProblem(
            400, f"{where}: the string holds {why}, which is not text; {fix}", code="invalid_text", param=where
        )


def _first_not_text(value: Any, path: list[str]) -> tuple[str, str] | None:
    """The dotted path of the first string (or key) in ``value`` that is no text, and why; or None."""
    if isinstance(value, str):
        why = _not_text(value)
        return None if why is None else (".".join(path) or "body", why)
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = ((str(index), item) for index, item in enumerate(value))
    else:
        return None
    for key, item in items:
        why = _not_text(key)
        if why is not None:
            return ".".join([*path, "(a key)"]), why
        found = _first_not_text(item, [*path, key])
        if found is not None:
            return found
    return None


def _not_text(text: str) -> str | None:
    if "\0" in text:
        # Not text anywhere, and PostgreSQL cannot store it: a task holding one failed its run with "the run
        # database holds data this agentnet cannot read" (503), as if the database were broken.
        return "a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone UTF-16 surrogate (an escape from \\ud800 to \\udfff without its pair)"
    return None
