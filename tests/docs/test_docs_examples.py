"""Every example in the docs this suite owns runs, in order, as a reader would run it.

Conventions in the markdown:
- ``<!-- file: NAME -->`` on the line before a fenced block writes the block to NAME (in the
  doc's working directory) instead of running it; later commands use the file.
- ```bash blocks: each line runs (bash, the doc's working directory, a fresh AGENTNET_HOME, the
  venv's bin first on PATH) and must exit 0, or the code after a trailing ``# exits N``. The
  README's two set-up lines are not re-run here (CI runs them from a clean clone, ``.ci/run``):
  the test checks they are the README's lines, word for word.
- ```python blocks run in order in one namespace per doc, in the same working directory.
- ```text / ```console / ```mermaid blocks are output shown to the reader, not code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
BIN = Path(sys.executable).parent
OWNED = ["quickstart.md", "concepts.md", "planning.md", "recipes.md", "cli.md", "embedding.md", "mcp.md", "a2a.md"]
_BLOCK = re.compile(r"(?:<!-- file: (?P<file>[^ ]+) -->\n)?```(?P<lang>[a-z]*)\n(?P<body>.*?)```", re.DOTALL)
_OUTPUT_LANGS = {"text", "console", "mermaid"}


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def examples(doc: str) -> list[tuple[str | None, str, str]]:
    return [(m.group("file"), m.group("lang"), m.group("body")) for m in _BLOCK.finditer((DOCS / doc).read_text())]


def run_line(line: str, cwd: Path) -> None:
    expected = 0
    marker = re.search(r"#\s*exits (\d+)\s*$", line)
    if marker:
        expected = int(marker.group(1))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1", "COLUMNS": "120"}
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", line],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == expected, (
        f"{line!r} exited {result.returncode}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("doc", OWNED)
def test_every_example_runs(doc: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = Path.cwd()  # the per-test working directory from the autouse fixture
    namespace: dict[str, object] = {"__name__": f"docs_{doc}"}
    readme = readme_commands()
    ran = 0
    for file, lang, body in examples(doc):
        if file is not None:
            target = work / file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body)
            continue
        if lang == "bash":
            for line in body.splitlines():
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                if line.startswith(("python3 -m venv", ".venv/bin/pip")):
                    assert line in readme, f"{doc}: {line!r} is not one of the README's set-up commands"
                    continue
                run_line(line, work)
                ran += 1
        elif lang == "python":
            exec(compile(body, f"{DOCS / doc}", "exec"), namespace)
            ran += 1
        else:
            assert lang in _OUTPUT_LANGS, f"{doc}: a ```{lang} block is neither runnable nor marked as a file"
    assert ran > 0, f"{doc} has no runnable example"


@pytest.mark.parametrize("doc", OWNED)
def test_doc_exists_and_links_resolve(doc: str) -> None:
    text = (DOCS / doc).read_text()
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", text):
        assert (DOCS / target).resolve().exists(), f"{doc} links to missing {target}"
