"""The planner's similarity bars swept from x0.5 to x1.5 on both dev domains, zero-shot, no model.

Each row plans every sample of each domain with one setting changed (a ``PlannerTuning`` field, or a
module constant of ``planner.draft`` in capitals) and prints n-F1/e-F1 on all samples and on the
held-out half of bench/taskbench_split.py's split, beside the defaults measured in the same run. The
figures in the comments of planner/tuning.py and planner/draft.py come from this script. Clause
embeddings are cached for the run: every setting plans the same requests.

    .venv/bin/python bench/tuning_sweep.py [threshold,floor,RUNNER_UP_GAP ...]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# TaskBench's sample is not in the repository: shared/ lies beside the checkout (tests/directory/dirkit.py).
_BESIDE = ROOT.parent / "shared" / "bench" / "taskbench"
TASKBENCH = _BESIDE if _BESIDE.is_dir() else Path("/work/shared/bench/taskbench")
DOMAINS = {
    "office": (ROOT / "bench/data/office/tools.json", ROOT / "bench/data/office/samples.jsonl"),
    "multimedia": (TASKBENCH / "mm_tool_desc.json", TASKBENCH / "mm_sample.jsonl"),
    # Public TaskBench domains (bench/data/*/README.md): typed tools, and API tools with temporal links.
    "huggingface": (ROOT / "bench/data/huggingface/tools.json", ROOT / "bench/data/huggingface/samples.jsonl"),
    "dailylifeapis": (ROOT / "bench/data/dailylifeapis/tools.json", ROOT / "bench/data/dailylifeapis/samples.jsonl"),
}
KEYS = "threshold,min_score,margin,floor,standout,type_bonus,type_penalty,keyword_weight,scene_penalty"
FACTORS = (0.5, 0.75, 1.25, 1.5)


def _cache_embeddings() -> None:
    import numpy as np

    from agentnet.directory.embedder import MiniLMEmbedder

    plain, seen = MiniLMEmbedder.embed, {}

    def embed(self: MiniLMEmbedder, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in seen]
        if missing:
            seen.update(zip(missing, plain(self, missing), strict=True))
        return np.stack([seen[text] for text in texts]) if texts else plain(self, texts)

    MiniLMEmbedder.embed = embed  # type: ignore[method-assign]


def _row(domains: dict[str, Any], overrides: dict[str, Any]) -> str:
    from agentnet.directory.inmemory import InMemorySource
    from agentnet.evals import taskbench as tb
    from agentnet.evals.split import bucket
    from agentnet.planner.planner import Planner

    out = []
    for name, (cards, samples) in domains.items():
        planner = Planner(InMemorySource(cards), None, tb.tuning("off", overrides))
        try:
            result = tb.run(planner, samples, cards)
        finally:
            planner.close()
        test = [i for i, sample in enumerate(samples) if bucket(sample, 2) == 0]
        tools = {card.name or card.id for card in cards}
        held = tb.score_all(
            [samples[i] for i in test], [result.predictions[i] for i in test], tools, tb.tool_mode(cards)
        )["all"]
        whole = result.scores["all"]
        out.append(
            f"{name} {whole.nodes.f1:.2f}/{whole.edges.f1:.2f} (held-out {held.nodes.f1:.2f}/{held.edges.f1:.2f})"
        )
    return "  ".join(out)


def main() -> None:
    from agentnet.evals import taskbench as tb
    from agentnet.planner import draft

    _cache_embeddings()
    domains = {name: (tb.load_tools(tools), tb.read_examples(data)) for name, (tools, data) in DOMAINS.items()}
    defaults = tb.tuning("off")
    print(f"{'defaults':<28}", _row(domains, {}), flush=True)
    for key in (sys.argv[1] if len(sys.argv) > 1 else KEYS).split(","):
        constant = key.isupper()
        base = getattr(draft, key) if constant else getattr(defaults, key)
        for factor in FACTORS:
            value = round(base * factor, 4)
            if constant:
                setattr(draft, key, value)
            try:
                row = _row(domains, {} if constant else {key: value})
            finally:
                if constant:
                    setattr(draft, key, base)
            print(f"{key}={value} (x{factor})".ljust(28), row, flush=True)


if __name__ == "__main__":
    main()
