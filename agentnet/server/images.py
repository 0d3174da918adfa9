"""Images sent as OpenAI content parts (``{"type": "image_url", "image_url": {"url": "data:..."}}``)
become inputs of the ``agentnet`` model's run, as ``agentnet run --input photo.png`` does: the planner
sees an image handed over and plans a collaborator that reads it (OCR) first.

Only ``data:`` URLs are taken (the server fetches nothing from the web), each image at most
``runs.max_artifact_bytes`` once decoded; the request body limit (``max_body_bytes``) applies first.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from typing import TYPE_CHECKING, Any

from agentnet.errors import UserError
from agentnet.server.errors import HTTPProblem

if TYPE_CHECKING:
    from agentnet.artifacts import Artifact
    from agentnet.server.schemas import ChatCompletionRequest

_DATA_URL = re.compile(r"^data:(?P<media>[\w.+-]+/[\w.+-]+)?(?P<params>(?:;[\w.+-]+=[^;,]*)*)(?P<b64>;base64)?,")


def decode(url: str, index: int) -> tuple[str, bytes]:
    """The media type and bytes of a data: URL; a 400 naming the image for anything else."""
    found = _DATA_URL.match(url)
    if found is None:
        shown = url[:40] + ("..." if len(url) > 40 else "")
        raise HTTPProblem(
            400,
            f"image {index}: only data: URLs are accepted (data:image/png;base64,...), not {shown!r}; "
            "this server fetches nothing from the web",
            code="unsupported_image_url",
            param="messages",
        )
    media = found.group("media") or ""
    if not media.startswith("image/"):
        kind = media or "no media type"
        raise HTTPProblem(400, f"image {index}: {kind} is not an image type", code="invalid_image", param="messages")
    payload = url[found.end() :]
    try:
        data = base64.b64decode(payload, validate=True) if found.group("b64") else payload.encode()
    except (binascii.Error, ValueError):
        raise HTTPProblem(
            400, f"image {index}: the data is not valid base64", code="invalid_image", param="messages"
        ) from None
    return media, data


def handed_images(request: ChatCompletionRequest, max_bytes: int) -> tuple[list[Artifact], dict[str, Any]]:
    """The images of the last user message: their records for the planner and their bytes for the run."""
    from agentnet.artifacts import read_bytes

    users = [m for m in request.messages if m.role == "user"]
    records: list[Artifact] = []
    values: dict[str, Any] = {}
    for index, url in enumerate(users[-1].images() if users else [], 1):
        media, data = decode(url, index)
        name = f"image-{index}{mimetypes.guess_extension(media) or ''}"
        try:
            record, _ = read_bytes(name, data, media, max_bytes=max_bytes)
        except UserError as exc:
            message = f"image {index}: {exc.message}; {exc.hint}"
            raise HTTPProblem(413, message, code="image_too_large", param="messages") from None
        records.append(record)
        values[name] = data
    return records, values
