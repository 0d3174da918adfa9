"""The file reader reads inside its allowed directories only: no '..', no symlink escapes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentnet.collaborators.files import FileRefused, file_reader


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    allowed = tmp_path / "allowed"
    (allowed / "notes").mkdir(parents=True)
    (allowed / "notes" / "todo.txt").write_text("buy milk\ncall Bob\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("the password", encoding="utf-8")
    (allowed / "escape.txt").symlink_to(secret)
    (allowed / "inside-link.txt").symlink_to(allowed / "notes" / "todo.txt")
    (allowed / "big.txt").write_text("x" * 200, encoding="utf-8")
    (allowed / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    return {"allowed": allowed, "secret": secret}


def test_reads_a_file_inside_the_allowed_directory(layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(layout["allowed"])
    read = file_reader([layout["allowed"]], 100)
    assert read("notes/todo.txt").text == "buy milk\ncall Bob\n"
    # A sentence naming the file works too, and a symlink that stays inside is followed.
    assert read("Please read notes/todo.txt.").text.startswith("buy milk")
    assert read("inside-link.txt").data["path"] == str((layout["allowed"] / "notes" / "todo.txt").resolve())


def test_a_sentence_naming_a_file_without_an_extension_reads_it(
    layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, only a name with an extension counted: "read LICENSE" was "no file name in 'read LICENSE'"
    (and the run fell back to a model, which answered about the word), and "read /etc/passwd" said the
    same instead of where the file is."""
    monkeypatch.chdir(layout["allowed"])
    (layout["allowed"] / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    (layout["allowed"] / "notes" / "Makefile").write_text("all: build\n", encoding="utf-8")
    read = file_reader([layout["allowed"]], 100)
    assert read("read LICENSE").text == "MIT License\n"
    assert read("Please show me the file LICENSE.").text == "MIT License\n"
    assert read("what is in notes/Makefile?").text == "all: build\n"
    with pytest.raises(FileRefused, match="outside the allowed directories"):
        read("read the file /etc/passwd")
    with pytest.raises(FileRefused, match="no file name in"):  # a word that names no file here stays a word
        read("read the licence")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../secret.txt", "'..' is not allowed"),
        ("notes/../../secret.txt", "'..' is not allowed"),
        ("escape.txt", "outside the allowed directories"),
        ("SECRET", "outside the allowed directories"),
        ("/etc/passwd", "outside the allowed directories"),
        ("big.txt", "more than the reader's 100"),
        ("image.bin", "not UTF-8"),
        ("missing.txt", "no such file"),
        ("notes", "not a regular file"),
    ],
)
def test_escapes_and_unreadable_files_are_refused(
    layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch, name: str, reason: str
) -> None:
    monkeypatch.chdir(layout["allowed"])
    target = str(layout["secret"]) if name == "SECRET" else name
    with pytest.raises(FileRefused, match=reason):
        file_reader([layout["allowed"]], 100)(target)


def test_the_working_directory_is_not_allowed_by_itself(layout: dict[str, Path]) -> None:
    os.chdir(layout["secret"].parent)
    with pytest.raises(FileRefused, match="outside"):
        file_reader([layout["allowed"]], 100)("secret.txt")
