"""``agentnet init``: a commented starter ``agentnet.yaml`` — the embedded model, a better local GGUF
and a hosted model (those two commented out until the user has them)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

HEADER = """\
# agentnet.yaml: the models of this project's network (docs/models.md has every setting).
# `agentnet models list` shows them and their health; `agentnet doctor` checks keys, files and endpoints.
models:
  # The embedded demo model, SmolLM2-135M-Instruct: shipped with agentnet, offline, no key. It answers
  # short, simple requests and summarises short texts; it is weak at facts, reasoning and long inputs.
"""

BETTER = """
  # A better local model: any GGUF chat model file (`agentnet models add` fetches one and adds it here).
  # - id: my-model
  #   adapter: llamacpp
  #   path: models/my-model.gguf
  #   params: {n_ctx: 8192}
  #   card:
  #     description: Local general model for writing, summaries and reasoning.
  #     skills: [{id: chat, name: General chat, tags: [chat, general]}]

  # A hosted model through litellm; its key is read from OPENAI_API_KEY (the environment or ./.env).
  # - id: gpt-mini
  #   adapter: litellm
  #   model: openai/gpt-4o-mini
  #   card:
  #     description: Strong general model for reasoning and writing (remote).
  #     cost_per_1k_input: 0.15
  #     cost_per_1k_output: 0.6

# The model `ask` and `chat` use when none is named, and the one plans fall back to when no
# specialist matches.
default_model: smollm2
"""


def starter_config() -> str:
    """The starter file: the embedded model's entry exactly as agentnet declares it, then comments."""
    import yaml

    from agentnet.config import embedded_default_spec

    spec = embedded_default_spec().model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    entry = yaml.safe_dump([spec], sort_keys=False, allow_unicode=True, width=100)
    return HEADER + "".join(f"  {line}\n" for line in entry.splitlines()) + BETTER


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path("agentnet.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented starter agentnet.yaml: the embedded model, plus a local GGUF and a hosted
    model to uncomment."""
    from agentnet.errors import UserError

    if path.exists() and not force:
        raise UserError(f"{path} already exists", hint="edit it, or pass --force to replace it with the starter")
    text = starter_config()
    path.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {path}: `agentnet models list` shows its models, `agentnet doctor` checks them\n")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
