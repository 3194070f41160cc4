"""Draws the documents of a further tuning split (`dev2`, `dev3`, …), reproducibly, from ../shared/data.

    python eval/build_dev_split.py --split dev2 --seed 20261205 [--shared ../shared]
    python eval/build_dev_split.py --split dev3 --seed 20261206

Same genre filter as `eval/unseen/build_docs.py` (CRUD-RAG corpus parts 1 and 4 only; parts 2, 3, 5, 6 stay a
reserve), its own seed, and never a document already drawn for `eval/unseen/` or an earlier dev split (same
source line or same text). 30 CRUD news items and 6 NCPQA policy documents of `with_context_dev.jsonl` not used
before. These splits exist to tune on: more documents nobody tuned on, so that a change is judged on more than the
105 questions of `unseen-dev` before the frozen `unseen-test` measures it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parent
sys.path.insert(0, str(EVAL / "unseen"))
from build_docs import crud_candidates, draw_ncpqa, write_sources  # noqa: E402  (the unseen split's)

N_CRUD = 30
N_NCPQA = 6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev2", help="devN: written to eval/devN/")
    ap.add_argument("--seed", type=int, default=20261205, help="dev2: 20261205, dev3: 20261206")
    ap.add_argument("--shared", default=str(EVAL.parents[1] / "shared"))
    ap.add_argument(
        "--min-hits",
        type=int,
        default=5,
        help="genre terms an article must hold (5 for dev2-dev5; dev6: 3, the pool of 5 being spent)",
    )
    args = ap.parse_args()
    data = Path(args.shared) / "data"
    here = EVAL / args.split
    out = here / "docs"
    out.mkdir(parents=True, exist_ok=True)
    # the documents of eval/unseen and of every earlier dev split (dev2 for dev3, …) are never drawn again
    earlier = [EVAL / "unseen"] + [
        d for d in sorted(EVAL.glob("dev[0-9]*")) if int(d.name[3:]) < int(args.split[3:]) and d.is_dir()
    ]
    used = [json.loads(line) for d in earlier for line in (d / "sources.jsonl").read_text().splitlines()]
    used_lines = {(r["source"].rsplit("/", 1)[-1], r.get("line")) for r in used}
    used_docids = {r["docid"] for r in used if "docid" in r}
    used_text = {p.read_text(encoding="utf-8").strip()[:200] for d in earlier for p in (d / "docs").iterdir()}
    rng = random.Random(args.seed)
    cands = [
        c
        for c in crud_candidates(data / "crud_rag" / "corpus", args.min_hits)
        if (c[0], c[1]) not in used_lines and c[2][:200] not in used_text
    ]
    seen_text: set[str] = set()
    rows = []
    for part, lineno, text in rng.sample(cands, len(cands)):
        if len(rows) == N_CRUD:
            break
        if text[:200] in seen_text:  # the corpus holds duplicates ("dup"): one copy each
            continue
        seen_text.add(text[:200])
        name = f"crud_{part.replace('documents_dup_', '')}_{lineno:05d}.txt"
        (out / name).write_text(text + "\n", encoding="utf-8")
        rows.append({"file": name, "source": f"crud_rag/corpus/{part}", "line": lineno, "chars": len(text)})
    rows += draw_ncpqa(data, out, rng, N_NCPQA, frozenset(used_docids))
    write_sources(here, out, rows)
    print(f"{len(cands)} CRUD candidates not drawn before; wrote {len(rows)} documents to {out}")


if __name__ == "__main__":
    main()
