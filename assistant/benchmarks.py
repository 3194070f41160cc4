"""Public benchmarks on data nobody here wrote: NCPQA (policy QA) and RGB (negative rejection).

    assistant eval --dataset ncpqa [--limit N]     # index 599 policy docs, ask the 1,262 questions
    assistant eval --dataset rgb [--limit N]       # refuse when every passage is a negative

Data is read from ../shared/data (ASSISTANT_DATA_DIR overrides); results go to eval/benchmarks.md.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.evaluate import EVAL_DIR, norm
from assistant.settings import ROOT, Settings

DATA = Path(os.environ.get("ASSISTANT_DATA_DIR", ROOT.parent / "shared" / "data"))
WORK = ROOT / "bench" / "_work"


def _section(name: str, body: list[str]) -> None:
    """Replace (or append) one '## name' section of eval/benchmarks.md."""
    path = EVAL_DIR / "benchmarks.md"
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "# Public benchmarks\n\nMeasured on this 2-core machine with the offline default "
        "(e5-small + BM25, extractive answerer).\n"
    )
    block = f"## {name}\n\n" + "\n".join(body) + "\n"
    pattern = re.compile(rf"## {re.escape(name)}\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(block.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def ncpqa_data() -> tuple[dict[str, str], list[dict[str, str]]]:
    folder = DATA / "ncpqa_gov_policy"
    docs: dict[str, str] = {}
    for name in ("with_context_train.jsonl", "with_context_dev.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                docs[row["docid"]] = row["context"]
    with (folder / "NCPPolicies_train_20200301.csv").open(encoding="utf-8") as fh:
        qs = [r for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if r["docid"] in docs]
    return docs, qs


def same_text_sources(docs: dict[str, str]) -> dict[str, set[str]]:
    """Some docids carry the same text; the library keeps one copy, so any of them is the gold source."""
    by_text: dict[str, set[str]] = {}
    for docid, text in docs.items():
        by_text.setdefault(text, set()).add(docid)
    return by_text


def ncpqa_library(docs: dict[str, str], settings: Settings | None = None) -> Any:
    """The NCPQA index under bench/_work (built once, reused while the embedder is the same)."""
    from assistant.index import Library

    settings = settings or Settings(index_dir=WORK / "ncpqa-index", corpus_dir=WORK / "ncpqa-empty")
    Path(settings.corpus_dir).mkdir(parents=True, exist_ok=True)
    lib = Library(settings, writer=True)
    have = {d["source"] for d in lib.documents()}
    todo = [(k, v) for k, v in docs.items() if k not in have]
    t0 = time.time()
    for i, (docid, text) in enumerate(todo):
        try:
            lib.index_document(text, docid)
        except ValueError:
            pass
        if i % 100 == 99:
            print(f"  indexed {i + 1}/{len(todo)} docs, {time.time() - t0:.0f} s", flush=True)
    lib.save()
    return lib


def run_ncpqa(limit: int = 0) -> dict[str, Any]:
    from assistant.chain import QA
    from assistant.cite import figure_supported, figures

    docs, qs = ncpqa_data()
    if limit:
        qs = qs[:limit]
    by_text = same_text_sources(docs)
    t0 = time.time()
    lib = ncpqa_library(docs)
    build_s = time.time() - t0
    qa = QA(lib.settings, library=lib)
    r1 = r5 = 0
    rr = 0.0
    span = figs_ok = refused = 0
    lat = []
    for q in qs:
        t = time.perf_counter()
        ans = qa.ask(q["question"])
        lat.append(time.perf_counter() - t)
        ranked = list(dict.fromkeys(p.meta.get("source") for p in qa.retriever(q["question"], 20)))
        gold_ids = by_text[docs[q["docid"]]]
        rank = next((i + 1 for i, s in enumerate(ranked) if s in gold_ids), None)
        r1 += rank == 1
        r5 += bool(rank and rank <= 5)
        rr += 1 / rank if rank else 0.0
        gold = norm(q["answer"].strip())
        span += bool(gold) and gold in norm(ans.answer)
        gf = figures(q["answer"])
        figs_ok += bool(gf) and not ans.refused and all(figure_supported(f, figures(ans.answer)) for f in gf)
        refused += ans.refused
    n = len(qs)
    with_figs = sum(1 for q in qs if figures(q["answer"]))
    res = {
        "questions": n,
        "documents": len(docs),
        "chunks": lib.catalog.count_chunks(),
        "doc_recall@1": round(r1 / n, 4),
        "doc_recall@5": round(r5 / n, 4),
        "mrr@20": round(rr / n, 4),
        "answer_contains_gold_span": round(span / n, 4),
        "questions_with_figures": with_figs,
        "figures_all_present": round(figs_ok / max(1, with_figs), 4),
        "refused": round(refused / n, 4),
        "ask_p50_s": round(statistics.median(lat), 4),
        "ask_p95_s": round(sorted(lat)[int(0.95 * (n - 1))], 4),
        "index_build_s": round(build_s, 1),
    }
    lib.close()
    _section(
        "NCPQA government-policy QA",
        [
            f"Command: `assistant eval --dataset ncpqa`{' --limit ' + str(limit) if limit else ''}. "
            f"The {res['documents']} policy documents ({res['chunks']} chunks) indexed into `bench/_work/ncpqa-index`; "
            f"the {n} CSV questions whose document is present.",
            "",
            "| metric | value |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in res.items()],
            "",
            "`answer_contains_gold_span`: the whole gold span (often several sentences, ~58 chars) occurs in the short "
            "extractive answer; "
            "`figures_all_present`: among questions whose gold answer has figures, the answer states all of them.",
        ],
    )
    return res


def _parse(v: Any) -> Any:
    return ast.literal_eval(v) if isinstance(v, str) and v[:1] in "[{" else v


def run_rgb(limit: int = 0) -> dict[str, Any]:
    from assistant.answer import ExtractiveAnswerer, idf_from_library
    from assistant.bm25 import BM25
    from assistant.terms import tokenize
    from assistant.types import Chunk, Passage

    rows = [
        json.loads(line)
        for line in (DATA / "rgb_zh" / "zh_refine.json").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if limit:
        rows = rows[:limit]
    bm = BM25()
    seen: set[str] = set()
    for r in rows:
        for p in _parse(r["positive"]) + _parse(r["negative"]):
            if p not in seen:
                seen.add(p)
                bm.add([(str(len(seen)), tokenize(p))])
    answerer = ExtractiveAnswerer(Settings().answer, idf_from_library(bm))

    def passages(texts: list[str]) -> list[Passage]:
        return [
            Passage(Chunk(f"c{i}", f"d{i}", 0, 0, len(t), t), 1.0 / (i + 1), {"title": "", "source": f"rgb-{i}"})
            for i, t in enumerate(texts)
        ]

    neg_refused = pos_correct = pos_refused = 0
    for r in rows:
        negs, pos = _parse(r["negative"])[:5], _parse(r["positive"])[:5]
        if answerer(r["query"], passages(negs)).refused:
            neg_refused += 1
        ans = answerer(r["query"], passages(pos))
        pos_refused += ans.refused
        parts = _parse(r["answer"])
        ok = all(
            any(norm(str(a)).lower() in norm(ans.answer).lower() for a in (p if isinstance(p, list) else [p]))
            for p in parts
        )
        pos_correct += ok and not ans.refused
    n = len(rows)
    res = {
        "questions": n,
        "negative_rejection_rate": round(neg_refused / n, 4),
        "positive_answer_accuracy": round(pos_correct / n, 4),
        "positive_false_refusals": round(pos_refused / n, 4),
    }
    _section(
        "RGB Chinese: negative rejection",
        [
            f"Command: `assistant eval --dataset rgb`{' --limit ' + str(limit) if limit else ''}. "
            "`zh_refine.json`: for each question the answerer gets 5 passages that are all negatives "
            "(noise rate 1.0; it must refuse), then 5 positives (noise 0; RGB's substring check on the answer).",
            "",
            "| metric | value |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in res.items()],
        ],
    )
    return res


def run_benchmark(name: str, limit: int = 0, write: bool = True) -> int:
    global _section
    if not write:  # a CI slice: print, leave eval/benchmarks.md as committed
        _section = lambda name, body: None  # noqa: E731
    res = run_ncpqa(limit) if name == "ncpqa" else run_rgb(limit)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    return 0
