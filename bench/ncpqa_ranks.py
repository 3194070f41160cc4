"""Per-question NCPQA retrieval ranks of the code on PYTHONPATH, to compare two versions of the code.

    PYTHONPATH=<worktree> python bench/ncpqa_ranks.py INDEX_PARENT OUT.jsonl

INDEX_PARENT holds `ncpqa-index/` as `assistant eval --dataset ncpqa` builds it (bench/_work by default; build one
per version of the metadata code). Each line: the question, the gold document's rank in the top 20, the top three
documents and the years/places the question's filters parse. How the 2026-12-06 fall in recall@1 was traced: the
89 questions the new code lost at rank 1 had a place filter in 79 cases (eval/benchmarks.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.benchmarks import ncpqa_data, same_text_sources
from assistant.index import Library
from assistant.retrieve import Retriever, parse_filters
from assistant.settings import Settings


def main(parent: Path, out: Path) -> None:
    settings = Settings(index_dir=parent / "ncpqa-index", corpus_dir=parent / "ncpqa-empty")
    lib = Library(settings)
    docs, questions = ncpqa_data()
    same_text = same_text_sources(docs)
    retriever = Retriever(lib, settings)
    with out.open("w", encoding="utf-8") as fh:
        for q in questions:
            ranked = list(dict.fromkeys(p.meta.get("source") for p in retriever(q["question"], 20)))
            gold = same_text[docs[q["docid"]]]
            rank = next((i + 1 for i, s in enumerate(ranked) if s in gold), None)
            f = parse_filters(q["question"])
            row = {"q": q["question"], "rank": rank, "top": ranked[:3], "years": f.years, "places": f.places}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    lib.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
