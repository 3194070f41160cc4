"""How often the reader's vetoes rule out a gold answer sentence, on public data nobody here wrote.

    python bench/vetoes.py [--shared ../shared]     # writes bench/vetoes.md

A veto refuses a sentence whatever scores it (assistant.answer.eligibility): it is only worth having if it almost
never refuses the sentence that holds the answer. For every public question a veto looks at (CMRC2018 dev + trial,
NCPQA with_context train + dev), the sentence of its context holding the gold answer span is checked: a veto that
fires on it is a false refusal. Each veto is checked as the reader applies it (the question kind it runs for).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer.eligibility import (  # noqa: E402
    COUNT_WORD,
    FORECAST,
    organisations,
    other_counted_thing,
    other_organisation,
)
from assistant.answer.question import analyse  # noqa: E402
from assistant.answer.values import SENTENCE  # noqa: E402


def public_rows(shared: Path) -> list[tuple[str, str, str]]:
    """(source, question, the sentence of its context that holds the gold answer)."""
    rows = []
    for name in ("cmrc2018_dev.json", "cmrc2018_trial.json"):
        data = json.loads((shared / "data" / "cmrc2018" / name).read_text(encoding="utf-8"))
        for art in data["data"]:
            for para in art["paragraphs"]:
                for qa in para["qas"]:
                    rows.append(("CMRC2018", qa["question"], para["context"], qa["answers"][0]["answer_start"]))
    for name in ("with_context_train.jsonl", "with_context_dev.jsonl"):
        for line in (shared / "data" / "ncpqa_gov_policy" / name).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows.append(("NCPQA", r["question"], r["context"], r["answer"]["span"][0]))
    out = []
    for source, question, context, start in rows:
        sent = next((m.group() for m in SENTENCE.finditer(context) if m.start() <= start < m.end()), "")
        if sent:
            out.append((source, question, sent))
    return out


# name -> (does the veto look at this question, does it rule out this sentence)
VETOES: dict[str, tuple[Callable[[str], bool], Callable[[str, str], bool]]] = {
    "other_counted_thing (a figure counting another thing)": (
        lambda q: bool(COUNT_WORD.search(q)) and analyse(q).kind == "number",
        lambda q, s: bool(other_counted_thing(q, s)),
    ),
    "other_organisation (another school, firm, institute's figure)": (
        lambda q: bool(organisations(q)) and analyse(q).kind == "number",
        lambda q, s: bool(other_organisation(q, s)),
    ),
    "forecast for a result (预计/建成后 when 已经/实际 is asked)": (
        lambda q: analyse(q).wants_achieved,
        lambda q, s: bool(FORECAST.search(s)),
    ),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "vetoes.md"))
    args = ap.parse_args()
    rows = public_rows(Path(args.shared))
    lines = [
        "# Vetoes on public data: how often each rules out the gold answer sentence",
        "",
        "Reproduce: `python bench/vetoes.py`. Data: CMRC2018 dev + trial and NCPQA with_context train + dev "
        f"({len(rows)} questions whose gold span lies in one sentence of its context). A veto fires on the sentence "
        "holding the gold answer = a false refusal.",
        "",
        "| veto | questions it looks at | gold sentences ruled out | examples |",
        "|---|---|---|---|",
    ]
    for name, (applies, fires) in VETOES.items():
        seen = [(src, q, s) for src, q, s in rows if applies(q)]
        bad = [(src, q, s) for src, q, s in seen if fires(q, s)]
        examples = "; ".join(f"{src}: {q} / {s[:40]}" for src, q, s in bad[:3]) or "none"
        lines.append(f"| {name} | {len(seen)} | {len(bad)} | {examples} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
