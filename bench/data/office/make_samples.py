"""Writes samples.jsonl (TaskBench's format) from tasks.txt: python3 make_samples.py.

A line of tasks.txt is ``request ## node || node ...``; a node is ``tool(name=value; ...) :: step``. A
value ``<node-k>`` reads node k's output, which is a link k -> this node. One node is a ``single``
sample, nodes linked one after another a ``chain``, anything else a ``dag``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
NODE = re.compile(r"^(?P<tool>\w+)\((?P<args>.*)\)\s*::\s*(?P<step>.+)$")


def sample(number: int, line: str) -> dict[str, object]:
    request, _, rest = line.partition(" ## ")
    nodes, steps, links = [], [], []
    for index, text in enumerate(rest.split(" || ")):
        found = NODE.match(text.strip())
        if found is None:
            raise SystemExit(f"tasks.txt: cannot read node {text!r} of {request!r}")
        arguments = []
        for pair in filter(None, (p.strip() for p in found["args"].split(";"))):
            name, _, value = pair.partition("=")
            arguments.append({"name": name.strip(), "value": value.strip()})
            for ref in re.findall(r"<node-(\d+)>", value):
                links.append({"source": nodes[int(ref)]["task"], "target": found["tool"]})
        nodes.append({"task": found["tool"], "arguments": arguments})
        steps.append(f"Step {index + 1}: {found['step'].strip()}")
    chain = len(links) == len(nodes) - 1 and all(
        link["source"] == nodes[i]["task"] and link["target"] == nodes[i + 1]["task"] for i, link in enumerate(links)
    )
    kind = "single" if len(nodes) == 1 else "chain" if chain else "dag"
    return {"id": f"office-{number}", "type": kind, "n_tools": len(nodes), "instruction": request.strip(),
            "task_nodes": nodes, "task_links": links, "task_steps": steps}  # fmt: skip


def main() -> None:
    lines = [line for line in (HERE / "tasks.txt").read_text().splitlines() if line.strip() and line[0] != "#"]
    tools = {tool["id"] for tool in json.loads((HERE / "tools.json").read_text())["nodes"]}
    samples = [sample(n, line) for n, line in enumerate(lines, start=1)]
    unknown = {node["task"] for s in samples for node in s["task_nodes"]} - tools  # type: ignore[attr-defined]
    if unknown:
        raise SystemExit(f"tasks.txt names tools tools.json does not list: {sorted(unknown)}")
    (HERE / "samples.jsonl").write_text("".join(json.dumps(s) + "\n" for s in samples))
    counts = ", ".join(f"{kind} {sum(s['type'] == kind for s in samples)}" for kind in ("single", "chain", "dag"))
    print(f"{len(samples)} samples: {counts}")


if __name__ == "__main__":
    main()
