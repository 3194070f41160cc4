"""Compare the packaged embedders on the eval set's dev split; writes bench/embedders.md.

    .venv/bin/python bench/embedders.py

For each embedder: ingest time of the seed corpus, dense-only recall@1/@5 and MRR of the gold
document, and the hybrid pipeline's answer/refusal accuracy.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chain import QA  # noqa: E402
from assistant.evaluate import load_questions, run_eval  # noqa: E402
from assistant.index import Library  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def dense_recall(qa: QA, questions: list[dict]) -> dict[str, float]:
    r1 = r5 = rr = 0.0
    n = 0
    for q in questions:
        gold = set(q["reference_sources"])
        if not gold:
            continue
        n += 1
        hits = qa.library.vectors.query(qa.library.embedder.embed_query(q["user_input"]), 30)
        chunks = qa.library.catalog.chunks([h[0] for h in hits])
        metas = qa.library.catalog.doc_meta(c.doc_id for c in chunks.values())
        docs = list(dict.fromkeys(metas[chunks[h[0]].doc_id]["source"] for h in hits if h[0] in chunks))
        rank = next((i + 1 for i, d in enumerate(docs) if d in gold), None)
        r1 += rank == 1
        r5 += bool(rank and rank <= 5)
        rr += 1 / rank if rank else 0
    return {"recall@1": round(r1 / n, 3), "recall@5": round(r5 / n, 3), "mrr": round(rr / n, 3)}


def main() -> None:
    dev = load_questions(split="dev")
    lines = [
        "# Embedder comparison (dev split)",
        "",
        "Command: `.venv/bin/python bench/embedders.py`. Dense-only ranks the five seed "
        "documents by their best chunk; hybrid is the full pipeline (BM25 + dense, tuned weights).",
        "",
        "| embedder | dim | ingest s (79 chunks) | dense recall@1 | dense recall@5 | dense MRR | hybrid answer acc. | "
        "hybrid refusal acc. |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("e5-small", "use-multilingual", "hash"):
        settings = Settings(index_dir=ROOT / "bench" / "_work" / f"emb-{name}", embedder=name)
        t0 = time.time()
        lib = Library(settings, writer=True)
        lib.reindex(progress=False)
        ingest_s = time.time() - t0
        qa = QA(settings, library=lib)
        d = dense_recall(qa, dev)
        o = run_eval(qa, dev)["overall"]
        lines.append(
            f"| {name} | {lib.embedder.dim} | {ingest_s:.1f} | {d['recall@1']} | {d['recall@5']} | {d['mrr']} | "
            f"{o['answer_accuracy']} | {o['refusal_accuracy']} |"
        )
        print(lines[-1], flush=True)
        lib.close()
    (ROOT / "bench" / "embedders.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
