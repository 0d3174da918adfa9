"""`agentnet ask` and `agentnet models ...` as real subprocesses, and the lazy-import promise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AGENTNET = str(Path(sys.executable).parent / "agentnet")


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENTNET, *args], capture_output=True, text=True, timeout=timeout, env=os.environ.copy(), check=False
    )


def test_ask_streams_the_answer_with_the_embedded_model() -> None:
    result = run("ask", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    # Stats go to stderr, and llama.cpp's own logging stays out of the terminal.
    assert "[smollm2:" in result.stderr and "tok/s" in result.stderr
    assert "llama_model_loader" not in result.stderr and "llama_context" not in result.stderr
    assert "Paris" not in result.stderr


def test_ask_continue_follows_up_on_the_newest_conversation_and_the_folder_stays_bounded(agentnet_home: Path) -> None:
    import re

    from agentnet.cli.conversations import MAX_CONVERSATIONS

    none = run("ask", "--continue", "hi")
    assert none.returncode == 2 and "no earlier conversation to continue" in none.stderr, none.stderr
    unknown = run("ask", "--conversation", "nope", "hi")
    assert unknown.returncode == 2 and "no saved chat 'nope'" in unknown.stderr, unknown.stderr
    # A full folder: the least recently used conversation makes room for the new one.
    chats = agentnet_home / "chats"
    chats.mkdir(exist_ok=True)  # `ask --continue` above looked in it
    for i in range(MAX_CONVERSATIONS):
        old = chats / f"old{i:03d}.json"
        old.write_text(json.dumps({"id": old.stem, "messages": []}))
        os.utime(old, (1_000_000 + i, 1_000_000 + i))

    stats = re.compile(r"\[smollm2: (\d+) prompt \+ (\d+) completion .*; conversation (\w+)\]")
    first = run("ask", "--max-tokens", "8", "My name is Zed.")
    assert first.returncode == 0, first.stderr
    said = stats.search(first.stderr)
    assert said, first.stderr
    conversation = said.group(3)
    assert len(list(chats.glob("*.json"))) == MAX_CONVERSATIONS and not (chats / "old000.json").exists()
    assert (chats / "old001.json").exists() and (chats / f"{conversation}.json").exists()

    second = run("ask", "--continue", "--max-tokens", "8", "What is my name?")
    assert second.returncode == 0, second.stderr
    followed = stats.search(second.stderr)
    assert followed and followed.group(3) == conversation, second.stderr
    # The model read the first exchange before the new question: more prompt than both of its tokens.
    assert int(followed.group(1)) > int(said.group(1)) + int(said.group(2)), (first.stderr, second.stderr)
    saved = json.loads((chats / f"{conversation}.json").read_text())
    assert [m["content"] for m in saved["messages"][::2]] == ["My name is Zed.", "What is my name?"]
    assert saved["messages"][1]["content"] == first.stdout.strip()


def test_ask_unknown_model_lists_known_ids() -> None:
    result = run("ask", "--model", "nope", "hi")
    assert result.returncode == 2
    assert "'nope'" in result.stderr and "smollm2" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_with_a_config_file_naming_a_bad_gguf(tmp_path: Path) -> None:
    config = tmp_path / "agentnet.yaml"
    config.write_text(f"models:\n  - id: broken\n    adapter: llamacpp\n    path: {tmp_path / 'missing.gguf'}\n")
    result = run("ask", "--config", str(config), "--model", "broken", "hi")
    assert result.returncode == 2
    assert "missing.gguf" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_config_fails_with_file_and_line(tmp_path: Path) -> None:
    Path("agentnet.yaml").write_text("models:\n  - id: a\n    adapterr: llamacpp\n")
    result = run("models", "list")
    assert result.returncode == 2
    assert "agentnet.yaml:3:5" in result.stderr
    assert "Traceback" not in result.stderr


def test_models_list_and_show() -> None:
    listed = run("models", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    cards = json.loads(listed.stdout)
    # The bundled collaborators are on every network; the configured model is the one model besides them.
    assert [card["id"] for card in cards if "bundled" not in card["tags"]] == ["smollm2"]
    assert "calculator" in {card["id"] for card in cards}
    shown = run("models", "show", "smollm2")
    assert shown.returncode == 0, shown.stderr
    assert "adapter: llamacpp" in shown.stdout and "id: chat" in shown.stdout
    # Only the settings llama.cpp reads: its context window, not a remote model's retries or cooldown.
    assert "n_ctx: 2048" in shown.stdout and "retries" not in shown.stdout and "cooldown_s" not in shown.stdout
    assert "options" not in shown.stdout
    table = run("models", "list")
    assert "smollm2" in table.stdout and "llamacpp" in table.stdout


def test_models_test_makes_one_real_call() -> None:
    result = run("models", "test", "smollm2", "--prompt", "What is the capital of France?")
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout
    assert "tokens/s:" in result.stdout and "latency:" in result.stdout


def test_models_test_remote_through_litellm(llama_server: str) -> None:
    Path("agentnet.yaml").write_text(
        f"models:\n  - id: served\n    adapter: litellm\n    model: openai/smollm2\n    api_base: {llama_server}\n"
    )
    result = run("models", "test", "served", "--max-tokens", "16")
    assert result.returncode == 0, result.stderr
    assert "reply:" in result.stdout and "tokens/s:" in result.stdout


HEAVY = [
    "litellm",
    "llama_cpp",
    "chromadb",
    "langchain_core",
    "langgraph",
    "mcp",
    "mcp_types",
    "psycopg",
    "opentelemetry",
    "prometheus_client",
    "a2a",
]


def import_probe(argv: list[str], watched: list[str], entry: str = "agentnet.cli.launch") -> str:
    """A Python program that runs ``agentnet ARGV`` through ``entry``'s main and writes to stderr its exit
    code (``EXIT=``), then the modules of ``watched`` packages it imported (``HEAVY=``, empty for none)."""
    return (
        "import sys\n"
        f"sys.argv = ['agentnet', *{argv!r}]\n"
        f"from {entry} import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    sys.stderr.write(f'EXIT={exc.code}\\n')\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {list(watched)!r})\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["models", "list"],
        ["models", "show", "smollm2"],
        ["ask", "--help"],
        ["mcp", "--help"],
        ["daemon", "status"],
        # The run database alone: importing agentnet.executor's run_db loaded LangGraph with the package.
        ["runs", "list"],
    ],
)
def test_cli_paths_never_import_heavy_engines(argv: list[str]) -> None:
    probe = import_probe(argv, HEAVY, entry="agentnet.cli.app")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert "HEAVY=" in result.stderr, result.stderr
    assert result.stderr.split("HEAVY=")[1] == ""
    assert result.stdout.strip()


RUN_NEEDS = ("langgraph", "langchain_core", "opentelemetry")


@pytest.mark.parametrize(
    ("argv", "unneeded"),
    [
        # Planning reads the declared cards (the directory was never indexed) and runs no model.
        (["plan", "What is 17% of 2350?"], HEAVY),
        # The run needs LangGraph and langchain_core (whose langsmith imports opentelemetry), not chromadb:
        # a fresh home's directory would get nothing but the declared cards, which the plan reads as they are.
        (["run", "What is 17% of 2350?"], [m for m in HEAVY if m not in RUN_NEEDS]),
    ],
)
def test_a_fresh_home_plans_and_runs_without_chromadb(
    argv: list[str], unneeded: list[str], agentnet_home: Path
) -> None:
    probe = import_probe(argv, unneeded)
    env = {**os.environ, "AGENTNET_NO_DAEMON": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    assert "HEAVY=" in done.stderr and "EXIT=" not in done.stderr.replace("EXIT=0\n", ""), done.stderr
    assert "calculator" in done.stdout and (argv[0] == "plan" or "399.5" in done.stdout), done.stdout
    assert done.stderr.split("HEAVY=")[1] == ""
    # Nothing was lost: the directory, asked for its cards, indexes the declared models then.
    listed = run("directory", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {"smollm2", "calculator"} <= {card["id"] for card in json.loads(listed.stdout)}
    assert (agentnet_home / "directory").is_dir()


def test_ask_a_model_without_its_key_is_refused_before_its_adapter_loads(tmp_path: Path) -> None:
    # The key check reads the config only: litellm (seconds to import) stays unloaded.
    config = tmp_path / "agentnet.yaml"
    config.write_text(
        "models:\n  - id: keyless\n    adapter: litellm\n    model: openai/gpt-4o-mini\n"
        "    api_key_env: AGENTNET_TEST_UNSET_KEY\n"
    )
    argv = ["ask", "-c", str(config), "-m", "keyless", "hi"]
    probe = import_probe(argv, HEAVY)
    env = {k: v for k, v in os.environ.items() if k != "AGENTNET_TEST_UNSET_KEY"}
    env["AGENTNET_NO_DAEMON"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path, check=False
    )
    assert "EXIT=2" in done.stderr, done.stderr
    assert "model 'keyless' needs an API key: AGENTNET_TEST_UNSET_KEY is not set" in done.stderr
    assert "export AGENTNET_TEST_UNSET_KEY=" in done.stderr
    assert done.stderr.split("HEAVY=")[1] == ""


@pytest.mark.usefixtures("agentnet_home")
def test_ask_a_tool_about_a_file_reads_the_file_as_material_and_the_question_as_the_request() -> None:
    """`ask -m TOOL --input FILE "question"` as `run` reads it: the file is the tool's material, the
    question its request. They went as one message: the word counter answered "no text to measure"
    (its hint: pass a file with --input, which was done) and the table tool read the data's "apple"
    and "price" as the question's filter and column ("1.2 (sum of price where fruit == apple)")."""
    Path("notes.txt").write_text("Bees make honey. They live in hives and dance.\n")
    Path("data.csv").write_text("fruit,price,qty\napple,1.20,10\npear,0.80,5\nplum,2.50,4\n")
    asked = {
        ("text-statistics", "notes.txt", "How many words?"): "9 words",
        ("table-query", "data.csv", "What is the total qty?"): "19 (sum of qty)",
        ("table-query", "data.csv", "How many rows have price over 1?"): "2 rows where price > 1",
        ("read-file", "notes.txt", "read it"): "Bees make honey. They live in hives and dance.",
    }
    for (model, file, question), answer in asked.items():
        result = run("ask", "--no-daemon", "-q", "-m", model, "--input", file, question)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == answer, (model, question, result.stdout)


@pytest.mark.usefixtures("agentnet_home")
def test_ask_notes_the_files_its_question_names_and_was_not_given() -> None:
    """`ask` sends only what it is given (to a remote model too), so it does not read a file its question
    names; but SmolLM2, given the name alone, made up who owned the budget "according to notes.txt" and
    what missing.txt held, with no word on stderr. Now a note says which files went unread and how to
    send them, which are not here, and that a name to save under is not written."""
    Path("notes.txt").write_text("The budget is owned by Alice.\n")
    notes = {
        "Who owns the budget according to notes.txt?": "the question names notes.txt, which ask does not read: "
        "pass it with -i notes.txt",
        "Summarize missing.txt": "the task names missing.txt, but there is no such file in",
        "Write a haiku about rain and save it as rain.txt": "the task asks for rain.txt as output, but agentnet "
        'writes no files: the answer is printed (keep it with `agentnet ask -q "..." > rain.txt`)',
    }
    for question, note in notes.items():
        result = run("ask", "--no-daemon", "--max-tokens", "4", question)
        assert result.returncode == 0, result.stderr
        assert f"note: {note}" in " ".join(result.stderr.split()), (question, result.stderr)
    given = run("ask", "--no-daemon", "--max-tokens", "4", "-i", "notes.txt", "Who owns the budget per notes.txt?")
    assert given.returncode == 0 and "note:" not in given.stderr, given.stderr
