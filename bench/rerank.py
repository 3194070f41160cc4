"""Reranking fused passages by their best sentence: NCPQA document recall, per weight.

    python bench/rerank.py            # writes bench/rerank.md

The NCPQA index is the one `assistant eval --dataset ncpqa` builds under bench/_work (built here when missing). For
each weight w and pool size k, the retriever's first k fused candidates are reordered by score x exp(w x coverage of
the question by the candidate's best sentence, read under its document's title) (`assistant/retrieve.py`,
`Retriever.by_best_sentence`); w = 0 turns it off, w = 2 (pool 20) is the default. NCPQA's questions are public
training data (the competition's train file), so choosing w on them is tuning, not a held-out figure.
"""

from __future__ import annotations

import time
from pathlib import Path

from assistant.benchmarks import ncpqa_data, ncpqa_library, same_text_sources
from assistant.retrieve import Retriever

OUT = Path(__file__).resolve().parent / "rerank.md"
GRID = [(0.0, 20), (1.0, 20), (2.0, 6), (2.0, 20), (3.0, 20)]


def main() -> None:
    docs, questions = ncpqa_data()
    same_text = same_text_sources(docs)
    lib = ncpqa_library(docs)
    rows = []
    for weight, pool in GRID:
        settings = lib.settings.model_copy(deep=True)
        settings.retrieve.sentence_weight, settings.retrieve.rerank_k = weight, pool
        retriever = Retriever(lib, settings)
        r1 = r5 = 0
        t0 = time.perf_counter()
        for q in questions:
            ranked = list(dict.fromkeys(p.meta.get("source") for p in retriever(q["question"], 20)))
            gold = same_text[docs[q["docid"]]]
            rank = next((i + 1 for i, s in enumerate(ranked) if s in gold), None)
            r1 += rank == 1
            r5 += bool(rank and rank <= 5)
        ms = 1000 * (time.perf_counter() - t0) / len(questions)
        n = len(questions)
        rows.append(f"| {weight:g} | {pool} | {r1 / n:.4f} | {r5 / n:.4f} | {ms:.0f} |")
        print(rows[-1], flush=True)
    lib.close()
    OUT.write_text(
        "\n".join(
            [
                "# Reranking by the best sentence (NCPQA document recall)",
                "",
                "Reproduce: `python bench/rerank.py`. Each of the "
                f"{len(questions)} NCPQA questions is asked of the {len(docs)} policy documents; the gold document's "
                "rank among the first 20 distinct documents. weight 0 is the default retriever.",
                "",
                "| weight | pool | recall@1 | recall@5 | ms per query |",
                "|---|---|---|---|---|",
                *rows,
                "",
                "What the weight does to the answers (NCPQA, the dev splits, blind and unseen-test), and why weight 2 "
                "is the default: eval/benchmarks.md, eleventh session.",
                "",
            ]
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
