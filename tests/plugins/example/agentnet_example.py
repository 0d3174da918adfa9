"""agentnet-example: one module that adds a node, an adapter, a card format, a command and a check."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator

import typer
from pydantic import BaseModel, ConfigDict

import agentnet
from agentnet import CapabilityCard, Skill

# --- a node: a plain function with its capability card -------------------------------------


def text_stats(text: str) -> dict[str, int]:
    """How many words, sentences and characters a text has."""
    return {
        "words": len(re.findall(r"\b\w+\b", text)),
        "sentences": len(re.findall(r"[.!?]+(?:\s|$)", text)) or int(bool(text.strip())),
        "characters": len(text),
    }


TEXT_STATS_CARD = CapabilityCard(
    id="text-stats",
    name="Text statistics",
    description="Counts the words, sentences and characters of a text (a word counter, not a language model).",
    skills=[
        Skill(
            id="count-words",
            name="Count words",
            description="Count how many words, sentences and characters a text contains.",
            tags=["word count", "counting", "statistics", "length"],
            examples=["How many words are in this text?", "Count the words of this paragraph."],
        )
    ],
    input_types=["text"],
    output_types=["text"],
)


@agentnet.hookimpl
def register_nodes(register):
    register(text_stats, card=TEXT_STATS_CARD)


# --- an adapter: `adapter: echo` in agentnet.yaml ------------------------------------------


class EchoOptions(BaseModel):
    """The `options:` of an echo model; unknown keys are an error."""

    model_config = ConfigDict(extra="forbid")

    prefix: str = ""
    upper: bool = False


def make_echo(spec, registry):
    from agentnet.nodes.base import Generation, ModelNode, Usage

    # LangChain (behind ModelNode) is imported here, when a node is built, not when agentnet lists models.
    echo = EchoOptions.model_validate(spec.options)

    class EchoNode(ModelNode):
        """Answers with the last user message: a stand-in model for trying plans and recipes."""

        def _generate_tokens(self, messages, options, cancel) -> Iterator[str | Generation]:
            text = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
            yield echo.prefix + (text.upper() if echo.upper else text)
            yield Generation(usage=Usage(), finish_reason="stop")

    return EchoNode(node_id=spec.id, card=spec.capability_card(), params=spec.params)


@agentnet.hookimpl
def register_adapters(register):
    register("echo", make_echo, options=EchoOptions, description="answers with the prompt (for trying things out)")


# --- an importer: cards from a CSV file (id,description,input,output) ----------------------


def load_csv_cards(file):
    with file.path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield CapabilityCard(
                id=row["id"],
                description=row["description"],
                input_types=row.get("input", "text").split("|"),
                output_types=row.get("output", "text").split("|"),
                provider="external",
            )


@agentnet.hookimpl
def register_importers(register):
    register("csv", load_csv_cards, detect=lambda file: file.path.suffix == ".csv", description="one card per row")


# --- a command: `agentnet text-stats TEXT` -------------------------------------------------


@agentnet.hookimpl
def register_commands(cli):
    @cli.command(name="text-stats")
    def text_stats_command(text: str = typer.Argument(..., help="The text to measure.")) -> None:
        """Count the words, sentences and characters of TEXT."""
        typer.echo(json.dumps(text_stats(text)))


# --- a check for `agentnet doctor` ----------------------------------------------------------


@agentnet.hookimpl
def register_doctor_checks(register):
    register("example-echo", lambda config: "the echo adapter and the text-stats node are available")
