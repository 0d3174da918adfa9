"""The bundled collaborators as a built-in plugin: ``register_nodes`` puts each on every registry
(unless ``collaborators.disabled`` names it), and ``register_doctor_checks`` says which are missing
what. One whose package or program is not installed is still listed, unavailable, with the command
that adds it, so the planner and ``agentnet models list`` can name the fix instead of failing later.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentnet.cards import CapabilityCard
from agentnet.collaborators import cards
from agentnet.errors import ConfigError, UserError
from agentnet.plugins.hookspecs import hookimpl

VISION_INSTALL = "pip install 'agentnet[vision]'"
SPEECH_INSTALL = "apt-get install espeak-ng"


def _ocr() -> Callable[..., Any] | None:
    from agentnet.collaborators import ocr

    return ocr.read_image_text if ocr.installed() else None


def _speech() -> Callable[..., Any] | None:
    from agentnet.collaborators import speech

    return speech.speak if speech.installed() else None


def _tools(config: Any) -> list[tuple[CapabilityCard, Callable[..., Any] | None, str | None]]:
    """(card, function or None when not installed, what installs it)."""
    from agentnet.collaborators import calculator, dates, embeddings, files, tables, textstats

    reader = files.file_reader(
        [Path(d) for d in config.collaborators.files.allowed_dirs], config.collaborators.files.max_bytes
    )
    return [
        (cards.CALCULATOR, calculator.calculate, None),
        (cards.DATES, dates.date_calc, None),
        (cards.TEXT_STATS, textstats.text_stats, None),
        (cards.TABLE_QUERY, tables.query_table, None),
        (cards.READ_FILE, reader, None),
        (cards.SIMILARITY, embeddings.text_similarity, None),
        (cards.SEARCH, embeddings.semantic_search, None),
        (cards.CLASSIFY, embeddings.classify_text, None),
        (cards.DUPLICATES, embeddings.find_duplicates, None),
        (cards.OCR, _ocr(), VISION_INSTALL),
        (cards.SPEECH, _speech(), SPEECH_INSTALL),
    ]


def _missing(card: CapabilityCard, install: str) -> Callable[[], Any]:
    def factory() -> Any:
        raise UserError(f"{card.id} is not installed on this machine", hint=install, code="capability_missing")

    return factory


@hookimpl
def register_nodes(register: Callable[..., None], config: Any) -> None:
    disabled = set(config.collaborators.disabled)
    if "all" in disabled:
        return
    for card, fn, install in _tools(config):
        if card.id in disabled:
            continue
        if fn is not None:
            register(fn, card=card)
        else:
            unavailable = card.model_copy(update={"available": False, "install": install})
            register(card=unavailable, factory=_missing(card, install or ""))


def _check_vision(config: Any) -> str:
    from agentnet.collaborators import ocr

    if not ocr.installed():
        raise ConfigError("OCR (the ocr collaborator) is not installed", hint=VISION_INSTALL)
    return "OCR available (rapidocr-onnxruntime, PP-OCRv4 models from its wheel)"


def _check_speech(config: Any) -> str:
    from agentnet.collaborators import speech

    if not speech.installed():
        raise ConfigError(
            "speech (the speech collaborator) needs espeak-ng, which is not installed", hint=SPEECH_INSTALL
        )
    return "speech available (espeak-ng)"


@hookimpl
def register_doctor_checks(register: Callable[..., None]) -> None:
    register("vision", _check_vision)
    register("speech", _check_speech)
