"""PNG images with rendered text, for the OCR collaborator's tests: the end-to-end bench's renderer."""

from __future__ import annotations

from agentnet.evals.e2e_inputs import render_text

__all__ = ["render_text"]
