#!/usr/bin/env python3
"""Sanity checks for eval/questions.jsonl (stdlib only).

Usage: python3 eval/validate.py [questions.jsonl] [seeds_dir]
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
QFILE = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "questions.jsonl"
SEEDS = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/work/shared/seeds")

FIELDS = {"id", "user_input", "reference", "reference_key_facts", "reference_sources", "type", "split"}
TYPES = {"fact", "number", "list", "date", "entity", "target_vs_achieved", "disambiguation", "unanswerable", "reported"}


def squash(s):
    return re.sub(r"\s+", "", s)


def read_rows(errors):
    """The question file's rows; a line that does not parse is an error."""
    rows = []
    for n, line in enumerate(QFILE.read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: bad JSON ({e})")
    return rows


def check_row(r, docs, errors):
    """The problems of one question: its fields, id, type, split, and each key fact against its sources."""
    rid = r.get("id")
    if set(r) != FIELDS:
        errors.append(f"{rid}: fields {sorted(set(r) ^ FIELDS)}")
        return
    if not re.fullmatch(r"[a-z]\d{3}", rid):
        errors.append(f"{rid}: bad id")
    if r["type"] not in TYPES:
        errors.append(f"{rid}: bad type {r['type']}")
    if r["split"] not in ("dev", "test", "reported") and not r["split"].startswith("blind"):
        errors.append(f"{rid}: bad split")
    kf, srcs = r["reference_key_facts"], r["reference_sources"]
    if r["type"] == "unanswerable":
        if kf or srcs:
            errors.append(f"{rid}: unanswerable with facts/sources")
        return
    if not kf or not srcs:
        errors.append(f"{rid}: answerable without facts/sources")
        return
    check_facts(rid, kf, srcs, docs, errors)


def check_facts(rid, kf, srcs, docs, errors):
    """Every source is a seed document and every key fact has a variant that occurs literally in one of them."""
    for s in srcs:
        if s not in docs:
            errors.append(f"{rid}: unknown source {s}")
    texts = [docs.get(s, "") for s in srcs]
    for fact in kf:
        if not isinstance(fact, list) or not fact or not all(isinstance(v, str) and v for v in fact):
            errors.append(f"{rid}: malformed fact {fact!r}")
            continue
        if not any(squash(v) in t for v in fact for t in texts):
            errors.append(f"{rid}: no variant of {fact} found in {srcs}")


def print_counts(rows):
    n = len(rows)
    types = Counter(r.get("type") for r in rows)
    splits = Counter(r.get("split") for r in rows)
    per_type = Counter((r.get("type"), r.get("split")) for r in rows)
    print(f"questions: {n}")
    for t in sorted(types):
        print(f"  {t:20s} {types[t]:4d}  (dev {per_type[(t, 'dev')]}, test {per_type[(t, 'test')]})")
    print(f"splits: {dict(splits)}")
    print(f"unanswerable: {types['unanswerable']}/{n} = {100 * types['unanswerable'] / max(n, 1):.1f}%")


def main():
    docs = {p.name: squash(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    errors = []
    rows = read_rows(errors)
    ids = [r.get("id") for r in rows]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    if dup:
        errors.append(f"duplicate ids: {dup}")
    for r in rows:
        check_row(r, docs, errors)
    print_counts(rows)
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("OK: all lines parse, ids unique, every key fact has a literal variant in its sources")


if __name__ == "__main__":
    main()
