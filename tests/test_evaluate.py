"""The scorer behind the CI gate (assistant/evaluate.py): key facts, wrong place/time, violations, the summary
and the gate. Questions and answers of its own, about made-up bulletins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.evaluate import fact_in, gate, score_one, summarize, wrong_place_time
from assistant.types import Answer, Chunk, Citation, Passage


def question(**over: object) -> dict[str, object]:
    q: dict[str, object] = {
        "id": "t-1",
        "type": "number",
        "user_input": "南屏县2025年新增高新技术企业多少家",
        "reference_key_facts": [["37家", "37"]],
        "reference_sources": ["nanping.txt"],
        "wrong_facts": ["29家"],
    }
    q.update(over)
    return q


def answer(text: str, quote: str = "", refused: bool = False, verified: bool = True) -> Answer:
    passage = Passage(Chunk("d:0", "d", 0, 0, len(quote), quote), 1.0, {"source": "nanping.txt"})
    cites = (
        [] if refused else [Citation(1, "d", "nanping.txt", "南屏县通报", "2025-12-30", "南屏县科技局", quote, 0, 9)]
    )
    return Answer(text, refused, "extractive", verified, cites, [], passages=[passage])


def test_a_key_fact_is_found_by_any_variant_or_by_its_figures() -> None:
    assert fact_in(["37家", "37"], "全年新增高新技术企业37家[1]。")
    assert fact_in(["8.47亿元"], "完成技术合同成交额 8.47 亿元")  # spacing and width normalised
    assert fact_in(["2.5万人"], "培训25000人")  # the same value written another way
    assert not fact_in(["37家"], "全年新增高新技术企业29家。")
    assert not fact_in(["8.47亿元"], "完成8.4亿元")


def test_the_trap_figure_counts_as_wrong_place_or_time_only_instead_of_the_answer() -> None:
    q = question()
    assert wrong_place_time(q, "南屏县新增29家[1]。", refused=False)
    assert not wrong_place_time(q, "南屏县新增37家（上年29家）[1]。", refused=False)  # right, with context
    assert not wrong_place_time(q, "现有文件中没有找到相关信息。", refused=True)
    unanswerable = question(reference_key_facts=[], wrong_facts=["29家"])
    assert wrong_place_time(unanswerable, "新增29家[1]。", refused=False)


def test_a_row_is_correct_cited_and_flags_unsupported_figures() -> None:
    q = question()
    right = score_one(q, answer("南屏县新增37家[1]。", quote="南屏县2025年新增高新技术企业37家。"), k=5)
    assert right["correct"] and right["strict_correct"] and right["citation_hits"] == 1
    assert right["rank"] == 1 and not right["violation"] and not right["wrong_place_time"]
    invented = score_one(q, answer("南屏县新增37家，增长15%[1]。", quote="南屏县2025年新增高新技术企业37家。"), k=5)
    assert invented["violation"]  # shown as verified with a figure (15%) no cited passage holds
    refused = score_one(q, answer("现有文件中没有找到相关信息。", refused=True), k=5)
    assert not refused["correct"] and refused["refused"]


def test_summary_and_gate(tmp_path: Path) -> None:
    q_ans, q_una = question(), question(id="t-2", reference_key_facts=[], type="unanswerable")
    rows = [
        score_one(q_ans, answer("新增37家[1]。", quote="新增高新技术企业37家。"), k=5),
        score_one(q_ans, answer("现有文件中没有找到相关信息。", refused=True), k=5),
        score_one(q_una, answer("现有文件中没有找到相关信息。", refused=True), k=5),
        score_one(q_una, answer("新增29家[1]。", quote="新增高新技术企业29家。"), k=5),
    ]
    s = summarize(rows)
    assert (s["answer_accuracy"], s["refusal_accuracy"], s["false_refusal_rate"]) == (0.5, 0.5, 0.5)
    assert s["wrong_place_time"] == 1 and s["verifier_violations"] == 0
    th = tmp_path / "thresholds.json"
    th.write_text(json.dumps({"min": {"answer_accuracy": 0.5}, "max": {"wrong_place_time": 0}}))
    assert gate(s, th) == ["wrong_place_time = 1 > 0"]
    th.write_text(json.dumps({"unseen": {"min": {"refusal_accuracy": 0.6}}}))
    assert gate(s, th, "unseen") == ["refusal_accuracy = 0.5 < 0.6"]


@pytest.mark.parametrize(
    ("split", "folder", "n"),
    [("unseen", "unseen", 210)] + [(f"dev{i}", f"dev{i}", 108) for i in (2, 3, 4, 5, 6)],
)
def test_unseen_question_sets_are_grounded_in_their_documents(split: str, folder: str, n: int) -> None:
    """Every key fact of an answerable question occurs in a reference source, every trap figure in the document the
    near-miss was written for; about 30 % are near misses; no document is in both sets."""
    from assistant.evaluate import EVAL_DIR, load_questions

    docs = EVAL_DIR / folder / "docs"
    rows = load_questions(split=split)
    assert len(rows) == n and len({r["id"] for r in rows}) == n

    def text(name: str) -> str:
        return re.sub(r"\s+", "", (docs / name).read_text(encoding="utf-8"))

    for r in rows:
        for fact in r["reference_key_facts"]:
            assert any(re.sub(r"\s+", "", v) in text(s) for v in fact for s in r["reference_sources"]), r["id"]
        for w in r.get("wrong_facts", []):
            assert re.sub(r"\s+", "", w) in text(r["written_for"]), r["id"]
    unanswerable = [r for r in rows if not r["reference_key_facts"]]
    assert 0.25 <= len(unanswerable) / n <= 0.35
    assert all(r.get("near_miss") for r in unanswerable)
    for other in ("unseen", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7"):
        if other != folder:
            assert not {p.name for p in docs.iterdir()} & {p.name for p in (EVAL_DIR / other / "docs").iterdir()}
