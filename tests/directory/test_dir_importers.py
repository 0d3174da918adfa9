"""Importers: agentnet cards, A2A agent cards, TaskBench tool lists (both forms); bad input names file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from dirkit import DATA, MM_TOOLS

from agentnet.directory.importers import detect_format, load_cards, mime_to_type
from agentnet.directory.store import Directory
from agentnet.errors import ConfigError


@pytest.mark.skipif(not MM_TOOLS.exists(), reason="TaskBench data not present on this machine")
def test_taskbench_multimedia_tools() -> None:
    cards = load_cards(MM_TOOLS)
    assert len(cards) == 40
    by_id = {c.id: c for c in cards}
    search = by_id["Image Search"]
    assert search.description.startswith("Searches for images")
    assert search.input_types == ["text"] and search.output_types == ["image"]  # "Image" normalised
    assert by_id["Image Search (by Image)"].input_types == ["image"]
    assert all(c.provider == "external" for c in cards)


def test_taskbench_api_form_keeps_parameters() -> None:
    cards = load_cards(DATA / "api_tools.json")
    assert [c.id for c in cards] == ["get_weather", "send_email", "book_restaurant"]
    assert cards[0].parameters[0] == {"name": "location", "type": "string", "desc": "The city name"}
    assert cards[2].parameters[1]["type"] == "integer"


def test_a2a_agent_card() -> None:
    (card,) = load_cards(DATA / "a2a_agent.json")
    assert card.id == "Recipe Agent"
    assert card.provider == "external"
    assert card.locality == "remote" and card.data_leaves_host
    assert card.input_types == ["text", "json"]
    find, photo = card.skills
    assert find.id == "find-recipe" and find.tags == ["cooking", "recipes"]
    assert find.examples == ["What can I cook with eggs and spinach?"]
    assert find.input_types is None  # inherits the card's default modes
    assert photo.input_types == ["image"] and photo.output_types == ["text"]


def test_a2a_skill_is_searchable(directory: Directory) -> None:
    directory.register_many(load_cards(DATA / "a2a_agent.json"))
    best = directory.search("what dish is in this picture?", k=1)[0]
    assert (best.card_id, best.skill_id) == ("Recipe Agent", "dish-photo")


def test_agentnet_yaml_cards() -> None:
    legal, vision = load_cards(DATA / "cards.yaml")
    assert legal.id == "legal-summarizer" and legal.skills[0].id == "clauses"
    assert legal.provider == "external"  # imported cards default to external
    assert vision.provider == "peer:lab"  # unless the file says otherwise
    assert vision.cost_per_1k_input == 0.5


def test_single_agentnet_json_card(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('{"id": "solo", "description": "One card", "output_types": ["Audio"]}')
    (card,) = load_cards(path)
    assert card.output_types == ["audio"]


def test_unknown_key_names_file_line_and_field() -> None:
    with pytest.raises(ConfigError) as info:
        load_cards(DATA / "bad_unknown_key.yaml")
    message = str(info.value)
    assert "bad_unknown_key.yaml:4:3" in message
    assert "1.descripton" in message and "unknown key" in message


def test_missing_field_in_json_names_file_line_and_field() -> None:
    with pytest.raises(ConfigError) as info:
        load_cards(DATA / "bad_missing_id.json")
    message = str(info.value)
    assert "bad_missing_id.json:4:" in message
    assert "nodes.1.id" in message and "Field required" in message


def test_missing_card_id_in_yaml(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("description: no id here\nname: x\n")
    with pytest.raises(ConfigError, match=r"c.yaml:1:1: id: Field required"):
        load_cards(path)


def test_a_card_id_ending_in_a_newline_is_refused(tmp_path: Path) -> None:
    """(A YAML block scalar, `id: |`, keeps its newline.) An id with one is shown, listed and
    looked up as two lines; it is refused like any other character ids may not hold."""
    path = tmp_path / "c.yaml"
    path.write_text("id: |\n  pdf-reader\ndescription: Extracts the text of a PDF document.\n")
    with pytest.raises(ConfigError, match=r"c.yaml:1:1: id: Value error, id must start with a letter or digit"):
        load_cards(path)


def test_a2a_skill_without_id(tmp_path: Path) -> None:
    path = tmp_path / "agent.json"
    path.write_text('{"name": "A", "skills": [\n  {"name": "no id"}\n]}')
    with pytest.raises(ConfigError, match=r"agent.json:2:3: skills.0.id: Field required"):
        load_cards(path)


def test_invalid_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"nodes": [\n  {"id": "a",}\n]}')
    with pytest.raises(ConfigError, match=r"broken.json:2:\d+: invalid JSON"):
        load_cards(path)


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_cards(tmp_path / "absent.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(ConfigError, match="empty"):
        load_cards(empty)


def test_duplicate_ids_in_a_file_are_refused_at_registration(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("- id: same\n  description: one\n- id: same\n  description: two\n")
    with pytest.raises(ConfigError, match="'same' appears twice"):
        directory.register_many(load_cards(path))


def test_format_detection_and_mime_mapping() -> None:
    assert detect_format({"nodes": []}) == "tools"
    assert detect_format({"name": "x", "skills": []}) == "a2a"
    assert detect_format({"id": "x", "skills": []}) == "agentnet"
    assert detect_format([{"id": "x"}]) == "agentnet"
    assert mime_to_type("image/png") == "image"
    assert mime_to_type("text/markdown") == "text"
    assert mime_to_type("application/json") == "json"
    assert mime_to_type("application/pdf") == "document"
    assert mime_to_type("Audio") == "audio"
