"""The text a request carries itself, for a tool whose input is that text: the quoted text in it
("count the words of 'to be or not to be'"), else what follows its first colon ("read this out loud:
the train leaves at nine"). With nothing handed over, such a tool's input is the whole request, and
measuring or saying the request's own words answered a question nobody asked (speech said "Read this
out loud: the train leaves at nine")."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

# The tool parameter the runner fills with whether the input text was handed over (not the request).
Handed = Annotated[
    bool, Field(description="Whether the text was handed over (a file, piped text, an earlier output)",
                json_schema_extra={"x-agentnet": "handed"})
]  # fmt: skip

_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]+)[\"\u201d]|(?:(?<=^)|(?<=[\s:(]))'([^']+)'(?=$|[\s.,;:!?)])")

# The colon that introduces a text: not one of a time or a ratio ("10:30", "3:1") or a URL's ("https://"):
# "Say the time is 10:30" was said as "30".
_COLON = re.compile(r"(?<!\d):(?!//|\d)")


def carried_text(request: str) -> str | None:
    """The text ``request`` carries (its quoted text, else what follows its first colon), or None."""
    quoted = [next(g for g in m.groups() if g is not None) for m in _QUOTED.finditer(request)]
    if quoted:
        return "\n".join(quoted)
    colon = _COLON.search(request)
    rest = request[colon.end() :].strip() if colon else ""
    return rest or None


def text_to_read(text: str, request: str, handed: bool) -> str | None:
    """What a tool whose input is a text reads: ``text`` as given, unless nothing was handed over and
    the input is only the request itself; then the text that request carries, or None when it carries
    none. Text handed over is read even when it is also the request (a recipe step whose prompt is
    ``{{ inputs.text }}``)."""
    if handed or text != request or not request:
        return text
    return carried_text(request)
