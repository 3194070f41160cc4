"""Draws the documents of the unseen split (issue 13), reproducibly, from ../shared/data.

    python eval/unseen/build_docs.py [--shared ../shared]

* CRUD-RAG news, corpus parts 1 and 4 only (parts 2, 3, 5, 6 are a reserve for later held-out sets):
  an article is "about local science-and-technology work" when it holds at least five occurrences of the
  genre's terms below, a figure with a unit, and a 省/市/县/区 in its first 200 characters. 34 of them are
  drawn with random.Random(SEED). Securities-market items (prospectuses, share prices) are another genre
  and are left out.
* NCPQA policy documents: 8 distinct documents of `with_context_dev.jsonl`, drawn with the same seed. The
  learned scorer (issue 14) never trains on these docids (see `excluded_docids.txt`).

The terms are the genre's vocabulary (the names of what a 科技局 works on), not words of any question.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

SEED = 20261201
N_CRUD = 34
N_NCPQA = 8
GENRE_TERMS = [
    "科技",
    "创新",
    "研发",
    "高新技术",
    "专精特新",
    "孵化",
    "技术合同",
    "科创",
    "数字经济",
    "成果转化",
    "实验室",
    "人才",
]
FIGURE = re.compile(r"\d+(\.\d+)?(亿元|万元|家|个|项|%)")
LOCAL = re.compile(r"[省市县区]")
# securities-market items (IPO prospectuses, share prices, fund reviews) are another genre
MARKET = re.compile(r"招股|股价|基金经理|申购|涨停|跌停|大盘|证券")


def crud_candidates(corpus: Path, min_hits: int = 5) -> list[tuple[str, int, str]]:
    """(part, line, text) of the genre's articles in corpus parts 1 and 4: min_hits occurrences of its terms, a
    figure with a unit, a 省/市/县/区 in the first 200 characters, no securities-market item."""
    out = []
    for part in sorted(corpus.glob("documents_dup_part_[14]_part_*")):
        for lineno, line in enumerate(part.read_text(encoding="utf-8").splitlines(), 1):
            hits = sum(line.count(t) for t in GENRE_TERMS)
            if hits >= min_hits and FIGURE.search(line) and LOCAL.search(line[:200]) and not MARKET.search(line):
                out.append((part.name, lineno, line.strip()))
    return out


def draw_ncpqa(data: Path, out: Path, rng: random.Random, n: int, skip: frozenset[str] = frozenset()) -> list[dict]:
    """n distinct NCPQA policy documents of `with_context_dev.jsonl` (not those in skip), written to out."""
    docs: dict[str, str] = {}
    for line in (data / "ncpqa_gov_policy" / "with_context_dev.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["docid"] not in skip:
            docs.setdefault(r["docid"], r["context"])
    rows = []
    for docid in rng.sample(sorted(docs), n):
        name = f"ncpqa_{docid[:12]}.txt"
        (out / name).write_text(docs[docid].strip() + "\n", encoding="utf-8")
        source = "ncpqa_gov_policy/with_context_dev.jsonl"
        rows.append({"file": name, "source": source, "docid": docid, "chars": len(docs[docid])})
    return rows


def write_sources(here: Path, out: Path, rows: list[dict]) -> None:
    """sources.jsonl (each file's source and sha1 prefix) and excluded_docids.txt (NCPQA docids a scorer must not
    train on) beside the documents."""
    for r in rows:
        r["sha1"] = hashlib.sha1((out / r["file"]).read_bytes()).hexdigest()[:12]
    (here / "sources.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (here / "excluded_docids.txt").write_text(
        "".join(r["docid"] + "\n" for r in rows if "docid" in r), encoding="utf-8"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[3] / "shared"))
    args = ap.parse_args()
    data = Path(args.shared) / "data"
    out = Path(__file__).parent / "docs"
    out.mkdir(exist_ok=True)
    rng = random.Random(SEED)
    rows = []
    cands = crud_candidates(data / "crud_rag" / "corpus")
    for part, lineno, text in rng.sample(cands, N_CRUD):
        name = f"crud_{part.replace('documents_dup_', '')}_{lineno:05d}.txt"
        (out / name).write_text(text + "\n", encoding="utf-8")
        rows.append({"file": name, "source": f"crud_rag/corpus/{part}", "line": lineno, "chars": len(text)})
    rows += draw_ncpqa(data, out, rng, N_NCPQA)
    write_sources(Path(__file__).parent, out, rows)
    print(f"{len(cands)} CRUD candidates; wrote {len(rows)} documents to {out}")


if __name__ == "__main__":
    main()
