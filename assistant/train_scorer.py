"""Train the answer-sentence scorer on public data: `python -m assistant.train_scorer [--shared ../shared]`.

Data: NCPQA `with_context_train.jsonl` (policy questions, each with its whole document and the gold answer span),
less the documents the unseen eval split uses (`eval/unseen/excluded_docids.txt`). Documents are split 80/20 by a
hash of their docid: the scorer is fitted on the first part; the refusal threshold is calibrated on the second,
where each question is asked once of its own document (answerable) and once of another document (unanswerable).
Writes `assistant/data/scorer.json` (the model) and `bench/scorer.md` (data sizes and held-out figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from assistant.answer import SENTENCE, analyse, coverage, is_plan
from assistant.scorer import FEATURES, MODEL_PATH, features
from assistant.settings import ROOT
from assistant.terms import tokenize

TOP = 15  # candidates per question and document, by coverage (the answerer looks at its best dozen too)


def _sentences(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in SENTENCE.finditer(text):
        s = m.group().strip()
        if len(s) >= 4:
            a = m.start() + (len(m.group()) - len(m.group().lstrip()))
            out.append((a, a + len(s), s))
    return out


def _positive(a: int, b: int, span: tuple[int, int]) -> bool:
    s, e = span
    overlap = max(0, min(b, e) - max(a, s))
    return overlap >= 0.5 * min(b - a, e - s)


def build(rows: list[dict], docs: dict[str, str], idf, rng: random.Random) -> tuple[list, list, list]:  # type: ignore[no-untyped-def]
    """(features, labels, groups): each question with its document, and with another document (all negative)."""
    X, y, groups = [], [], []
    ids = sorted(docs)
    for qi, r in enumerate(rows):
        info = analyse(r["question"], idf)
        if not info.terms:
            continue
        other = rng.choice([d for d in ids if d != r["docid"]])
        for case, docid in (("own", r["docid"]), ("other", other)):
            text = docs[docid]
            title = text.split(" ")[0][:60]
            scored = []
            for a, b, s in _sentences(text):
                own = coverage(info, s)
                cover = max(own, own + 0.6 * (coverage(info, s + " " + title) - own))
                label = case == "own" and _positive(a, b, tuple(r["span"]))
                scored.append((cover, own, s, label))
            scored.sort(key=lambda t: -t[0])
            top = scored[:TOP]
            if not top:
                continue
            for cover, own, s, label in top:
                X.append(features(info, s, cover, own, is_plan(s, {})))
                y.append(int(label))
                groups.append((qi, case))
    return X, y, groups


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--report", default=str(ROOT / "bench" / "scorer.md"))
    args = ap.parse_args()
    t0 = time.time()
    from sklearn.linear_model import LogisticRegression

    src = Path(args.shared) / "data" / "ncpqa_gov_policy" / "with_context_train.jsonl"
    excluded = set((ROOT / "eval" / "unseen" / "excluded_docids.txt").read_text().split())
    rows, docs = [], {}
    for line in src.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["docid"] in excluded:
            continue
        docs[r["docid"]] = r["context"]
        rows.append(
            {
                "question": r["question"],
                "docid": r["docid"],
                "span": (r["answer"]["span"][0], r["answer"]["span"][1] + 1),
            }
        )
    held = {d for d in docs if int(hashlib.sha1(d.encode()).hexdigest(), 16) % 5 == 0}
    train_rows = [r for r in rows if r["docid"] not in held]
    held_rows = [r for r in rows if r["docid"] in held]
    df = Counter(t for text in docs.values() for t in set(tokenize(text)))
    n_docs = len(docs)

    def idf(term: str) -> float:
        return math.log(1 + (n_docs + 1) / (df.get(term, 0) + 0.5 if df.get(term) else 6.0))

    rng = random.Random(20261201)
    X, y, _ = build(train_rows, {d: t for d, t in docs.items() if d not in held}, idf, rng)
    Xh, yh, gh = build(held_rows, {d: t for d, t in docs.items() if d in held}, idf, rng)
    X, Xh = np.asarray(X), np.asarray(Xh)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    clf.fit((X - mean) / scale, y)
    p = clf.predict_proba((Xh - mean) / scale)[:, 1]

    # per held-out question and case: the best candidate's probability and whether it is a gold sentence
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for g, prob, label in zip(gh, p, yh, strict=True):
        if g not in best or prob > best[g][0]:
            best[g] = (float(prob), int(label))
    own = [v for (q, case), v in best.items() if case == "own"]
    other = [v for (q, case), v in best.items() if case == "other"]
    table = []
    for t in np.arange(0.30, 0.99, 0.02):
        right = sum(1 for prob, lab in own if prob >= t and lab)
        wrong = sum(1 for prob, lab in own if prob >= t and not lab) + sum(1 for prob, _ in other if prob >= t)
        table.append((float(t), right, wrong, right - 2 * wrong))
    threshold, right, wrong, _ = max(table, key=lambda r: (r[3], r[0]))
    # The LLM readers' gate: is there evidence worth showing the model? Open for a question when its best candidate
    # clears t; right = own-document questions with a gold sentence among the candidates that clear t, wrong =
    # other-document questions let through. The model's answer is verified after, so a miss costs 1, not 2.
    gold: dict[tuple[int, str], float] = {}
    for g, prob, label in zip(gh, p, yh, strict=True):
        if label:
            gold[g] = max(gold.get(g, 0.0), float(prob))
    gate_table = []
    for t in np.arange(0.30, 0.99, 0.02):
        right = sum(1 for g, prob in gold.items() if g[1] == "own" and prob >= t)
        wrong = sum(1 for prob, _ in other if prob >= t)
        gate_table.append((float(t), right, wrong, right - wrong))
    gate, gate_right, gate_wrong, _ = max(gate_table, key=lambda r: (r[3], r[0]))
    report = {
        "data": str(src.relative_to(Path(args.shared).parent))
        if src.is_relative_to(Path(args.shared).parent)
        else str(src),
        "documents": n_docs,
        "train_questions": len(train_rows),
        "held_out_questions": len(held_rows),
        "train_candidates": int(len(y)),
        "train_positive": int(sum(y)),
        "held_out_candidates": int(len(yh)),
        "threshold": round(threshold, 2),
        "held_out_answered_correct": round(right / max(1, len(own)), 3),
        "held_out_own_doc_wrong": round(
            sum(1 for prob, lab in own if prob >= threshold and not lab) / max(1, len(own)), 3
        ),
        "held_out_other_doc_answered": round(sum(1 for prob, _ in other if prob >= threshold) / max(1, len(other)), 3),
        "gate_threshold": round(gate, 2),
        "held_out_gate_open_with_gold": round(gate_right / max(1, len(own)), 3),
        "held_out_gate_open_other_doc": round(gate_wrong / max(1, len(other)), 3),
        "seconds": round(time.time() - t0, 1),
    }
    out = {
        "features": list(FEATURES),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "weights": clf.coef_[0].tolist(),
        "bias": float(clf.intercept_[0]),
        "threshold": threshold,
        "gate_threshold": gate,
        "report": report,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [
        "# Answer-sentence scorer (learned, public data only)",
        "",
        "Reproduce: `python -m assistant.train_scorer` (writes `assistant/data/scorer.json`).",
        "",
        "| | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in report.items()),
        "",
        "Weights (standardised features):",
        "",
        "| feature | weight |",
        "|---|---|",
        *(f"| {f} | {w:+.3f} |" for f, w in zip(FEATURES, clf.coef_[0], strict=True)),
        "",
        "Threshold sweep on the held-out documents (right = own-document questions whose best sentence is gold; "
        "wrong = own-document answers from a non-gold sentence plus other-document questions answered; "
        "utility = right - 2 wrong):",
        "",
        "| threshold | right | wrong | utility |",
        "|---|---|---|---|",
        *(f"| {t:.2f} | {r} | {w} | {u} |" for t, r, w, u in table[::3]),
        "",
        "LLM gate sweep (right = own-document questions with a gold sentence at or above t; wrong = other-document "
        "questions let through; utility = right - wrong):",
        "",
        "| threshold | right | wrong | utility |",
        "|---|---|---|---|",
        *(f"| {t:.2f} | {r} | {w} | {u} |" for t, r, w, u in gate_table[::3]),
    ]
    Path(args.report).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
