"""Tune the fusion weights and the refusal threshold on the eval set's dev split; writes eval/tuning.md.

    .venv/bin/python bench/tune.py

Only the dev split is used. The chosen values are the defaults in assistant/settings.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chain import QA  # noqa: E402
from assistant.evaluate import load_questions, run_eval  # noqa: E402
from assistant.settings import get_settings  # noqa: E402


def main() -> None:
    settings = get_settings()
    qa = QA(settings)
    dev = load_questions(split="dev")
    rows = []
    # Fusion weights first, at the current threshold: retrieval quality and answer accuracy.
    for bw, dw in [(1.0, 0.0), (1.0, 0.15), (1.0, 0.3), (1.0, 0.6), (1.0, 1.0), (0.0, 1.0)]:
        settings.retrieve.bm25_weight, settings.retrieve.dense_weight = bw, dw
        o = run_eval(qa, dev)["overall"]
        rows.append(("fusion", bw, dw, settings.answer.min_support, o))
        print(
            "fusion",
            bw,
            dw,
            json.dumps({k: o[k] for k in ("answer_accuracy", "refusal_accuracy", "recall_at_k", "mrr")}),
            flush=True,
        )
    best = max(
        (r for r in rows if r[0] == "fusion"),
        key=lambda r: (r[4]["answer_accuracy"] + r[4]["refusal_accuracy"], r[4]["mrr"]),
    )
    settings.retrieve.bm25_weight, settings.retrieve.dense_weight = best[1], best[2]
    for ms in (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        settings.answer.min_support = ms
        o = run_eval(qa, dev)["overall"]
        rows.append(("threshold", best[1], best[2], ms, o))
        print(
            "threshold",
            ms,
            json.dumps({k: o[k] for k in ("answer_accuracy", "refusal_accuracy", "false_refusal_rate")}),
            flush=True,
        )
    lines = [
        "# Tuning on the dev split",
        "",
        "Command: `.venv/bin/python bench/tune.py` (dev split only; "
        f"{len(dev)} questions). Embedder `{qa.library.embedder.name}`.",
        "",
        "| stage | bm25 weight | dense weight | min_support | answer acc. | refusal acc. | false refusals | recall@k | "
        "MRR |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for stage, bw, dw, ms, o in rows:
        lines.append(
            f"| {stage} | {bw} | {dw} | {ms} | {o['answer_accuracy']} | {o['refusal_accuracy']} | "
            f"{o['false_refusal_rate']} | {o['recall_at_k']} | {o['mrr']} |"
        )
    (ROOT / "eval" / "tuning.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
