"""Saved conversations, feedback, the query log and export: one user's history never reaches another; a 👎 with a
correction becomes a regression question that eval/validate.py accepts and `assistant eval --questions` scores.

The bulletins and questions are this file's own (the made-up districts of tests/test_users.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_users import LINHU, Q_LINHU, SHIQIAO, basic, handler

from assistant.history import History, HistoryError, NotFound
from assistant.settings import Settings
from assistant.users import Users

ROOT = Path(__file__).resolve().parent.parent
Q_SHIQIAO_FOLLOW = "那石桥区呢？"


def as_user(name: str) -> SimpleNamespace:
    return SimpleNamespace(username=name)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(demo, client, settings): both bulletins in `default`; an admin and two viewers."""
    from fastapi.testclient import TestClient

    from assistant.index import Library
    from assistant.ui import app as app_mod

    base = tmp_path_factory.mktemp("history")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "linhu_2025.txt").write_text(LINHU, encoding="utf-8")
    (corpus / "shiqiao_2025.txt").write_text(SHIQIAO, encoding="utf-8")
    settings = Settings(index_dir=base / "index", corpus_dir=corpus, embedder="hash")
    users = Users(settings)
    users.add("admin1", "admin-pass-1", "admin")
    users.add("li", "li-pass-123", "viewer")
    users.add("wang", "wang-pass-123", "viewer")
    library = Library(settings, writer=True)
    assert library.ingest_paths(progress=False).added == 2
    demo = app_mod.create_app(settings, library)
    try:
        yield demo, TestClient(app_mod.server_app(demo.pool), client=("127.0.0.1", 50002)), settings
    finally:
        library.close()


def ask(
    demo,
    question: str,
    state: dict,
    user: str,  # type: ignore[no-untyped-def]
    kb: str = "default",
) -> tuple[list, dict]:
    *_, (messages, state, _) = list(handler(demo, "respond")(question, state, kb, as_user(user)))
    return messages, state


def test_conversations_saved_per_user_reopened_continued_renamed_deleted(page) -> None:  # type: ignore[no-untyped-def]
    demo, _, _ = page
    messages, state = ask(demo, Q_LINHU, {}, "li")
    assert "37家" in messages[-1]["content"] and state["conversation"] and state["ids"] == {"1": state["last"]}
    listed = handler(demo, "conversations")(state, as_user("li"))
    assert [label.split(" · ", 1)[1] for label, _ in listed["choices"]] == [Q_LINHU]
    assert listed["value"] == state["conversation"]
    assert handler(demo, "conversations")({}, as_user("wang"))["choices"] == []  # nothing of li's for wang
    conv = state["conversation"]
    reopen = handler(demo, "open_conversation")
    _, _, _, err = reopen(conv, as_user("wang"))
    assert "没有这个对话" in err
    # reload the page: a fresh session; reopening restores the messages and the turns for the follow-up rewrite
    restored, state2, kb_value, _ = reopen(conv, as_user("li"))
    assert [m["role"] for m in restored] == ["user", "assistant"] and "37家" in restored[1]["content"]
    assert state2["history"][0][0] == Q_LINHU and kb_value == "default"
    messages, state3 = ask(demo, Q_SHIQIAO_FOLLOW, state2, "li")
    # the follow-up was read with the stored turn (the rewrite names it); a fresh session has no such context
    assert "按上下文理解为：临湖区2025年新认定了多少家高新技术企业" in messages[-1]["content"]
    fresh, _ = ask(demo, Q_SHIQIAO_FOLLOW, {}, "li")
    assert "按上下文理解为" not in fresh[-1]["content"]
    assert state3["conversation"] == conv and len(History(demo.pool.settings).turns("li", conv)) == 2
    assert len(handler(demo, "conversations")({}, as_user("li"))["choices"]) == 2  # the fresh question: a new one
    rename, delete = handler(demo, "rename_conversation"), handler(demo, "delete_conversation")
    assert "没有这个对话" in rename(conv, "wang's title", {}, as_user("wang"))[0]
    assert "不能超过" in rename(conv, "长" * 61, {}, as_user("li"))[0]
    msg, listed = rename(conv, "临湖与石桥", state3, as_user("li"))
    assert "已重命名" in msg and any(label.endswith("临湖与石桥") for label, _ in listed["choices"])
    assert "没有这个对话" in delete(conv, {}, as_user("wang"))[0]
    msg, listed, chat, fresh = delete(conv, state3, as_user("li"))
    assert "已删除" in msg and conv not in [v for _, v in listed["choices"]] and chat == []
    assert "conversation" not in fresh


def test_feedback_in_the_page_and_the_api_reaches_the_admin_tab(page) -> None:  # type: ignore[no-untyped-def]
    demo, client, settings = page
    messages, state = ask(demo, Q_LINHU, {}, "li")
    on_like = handler(demo, "on_like")
    msg, state = on_like(state, "", "", SimpleNamespace(index=1, liked=True), as_user("li"))
    assert "👍" in msg and state["rated"] == state["last"]
    correct = handler(demo, "submit_correction")
    msg, *_ = correct(state, "错" * 2001, "", as_user("li"))
    assert "2000" in msg and History(settings).feedback_rows()[0]["rating"] == "up"  # nothing saved
    msg, box, _ = correct(state, "正确答案是新认定高新技术企业37家，另有技术合同成交额6.4亿元", "", as_user("li"))
    assert "已提交更正" in msg and box == ""
    # another user's answer id is unknown to wang, in the page and in the API
    with pytest.raises(NotFound):
        History(settings).feedback("wang", state["last"], "down")
    r = client.post(
        "/v1/feedback", json={"answer_id": state["last"], "rating": "down"}, headers=basic("wang", "wang-pass-123")
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "answer_not_found"
    r = client.post(
        "/v1/feedback", json={"answer_id": "ans-nope", "rating": "down"}, headers=basic("li", "li-pass-123")
    )
    assert r.status_code == 404
    # the API: an answer id with every completion, feedback on it
    r = client.post(
        "/v1/chat/completions",
        headers=basic("wang", "wang-pass-123"),
        json={"model": "default", "messages": [{"role": "user", "content": "石桥区2025年建成了几个众创空间"}]},
    )
    answer_id = r.json()["answer_id"]
    r = client.post(
        "/v1/feedback",
        json={"answer_id": answer_id, "rating": "down", "correction": "x" * 2001},
        headers=basic("wang", "wang-pass-123"),
    )
    assert r.status_code == 413
    r = client.post(
        "/v1/feedback", json={"answer_id": answer_id, "rating": "sideways"}, headers=basic("wang", "wang-pass-123")
    )
    assert r.status_code == 400
    r = client.post(
        "/v1/feedback",
        headers=basic("wang", "wang-pass-123"),
        json={
            "answer_id": answer_id,
            "rating": "down",
            "correction": "应为建成众创空间5个",
            "document": "shiqiao_2025.txt",
        },
    )
    assert r.status_code == 201 and r.json()["rating"] == "down"
    assert "需要管理员" in handler(demo, "feedback_view")(as_user("li"))
    view = handler(demo, "feedback_view")(as_user("admin1"))
    assert (
        "正确答案是新认定高新技术企业37家" in view
        and "应为建成众创空间5个" in view
        and "临湖区科技局2025年工作总结" in view
    )
    with pytest.raises(HistoryError):
        History(settings).feedback("li", state["last"], "down", "y" * 2001)


def cli_env(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The environment for running `python -m assistant` on the test's own index."""
    return dict(
        os.environ,
        ASSISTANT_INDEX_DIR=str(settings.index_dir),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        ASSISTANT_EMBEDDER="hash",
        PYTHONPATH=str(ROOT),
    )


def test_feedback_export_is_accepted_by_validate_and_scored_by_eval(  # type: ignore[no-untyped-def]
    page, tmp_path: Path
) -> None:
    _, _, settings = page
    env = cli_env(settings)
    out = tmp_path / "reported.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    cases = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_q = {c["user_input"]: c for c in cases}
    linhu = by_q[Q_LINHU]
    assert linhu["type"] == "reported" and linhu["reference_key_facts"] == [["37家"], ["6.4亿元"]]
    assert linhu["reference_sources"] == ["linhu_2025.txt"] and linhu["reference"].startswith("正确答案是")
    assert by_q["石桥区2025年建成了几个众创空间"]["reference_sources"] == ["shiqiao_2025.txt"]
    valid = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "validate.py"), str(out), str(settings.corpus_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert valid.returncode == 0, valid.stdout + valid.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "--questions", str(out), "--out", str(tmp_path / "report")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["by_type"]["reported"]["n"] == len(cases) == 2
    assert report["overall"]["answer_accuracy"] == 1.0, report["rows"]


def test_stats_from_the_query_log(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo, _, settings = page
    ask(demo, "临湖区2031年的登月计划是什么", {}, "wang")  # refused: not in the documents
    stats = History(settings).stats()
    assert stats["questions"] >= 4 and 0 < stats["refusal_rate"] < 1
    assert stats["most_refused"][0]["question"] == "临湖区2031年的登月计划是什么"
    assert stats["most_asked"][0]["question"] == Q_LINHU and stats["most_asked"][0]["count"] >= 2
    assert sum(stats["per_day"].values()) == stats["questions"] and stats["latency_p95_s"] >= stats["latency_p50_s"]
    assert stats["by_reader"] and stats["feedback"]["down"] >= 1
    row = History(settings).log()[0]
    assert {"user", "kb", "reader", "latency_s", "refused", "verified", "feedback"} <= set(row)
    assert "需要管理员" in handler(demo, "stats_view")(as_user("wang"))
    view = handler(demo, "stats_view")(as_user("admin1"))
    assert "拒答率" in view and "<svg" in view and "临湖区2031年的登月计划是什么" in view
    env = cli_env(settings)
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "stats", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["questions"] == stats["questions"]


def test_an_answer_exports_as_docx_and_xlsx_with_its_cited_quote(page) -> None:  # type: ignore[no-untyped-def]
    import docx
    import openpyxl

    demo, client, _ = page
    _, state = ask(demo, Q_LINHU, {}, "li")
    # 导出 Word, 导出 Excel
    fns = [f.fn for f in demo.fns.values() if f.fn.__qualname__.startswith("exporter.<locals>.")]
    paths = [fn(state, as_user("li"))[1] for fn in fns]
    assert sorted(Path(p).suffix for p in paths) == [".docx", ".xlsx"]
    [docx_path] = [p for p in paths if p.endswith(".docx")]
    [xlsx_path] = [p for p in paths if p.endswith(".xlsx")]
    text = "\n".join(p.text for p in docx.Document(docx_path).paragraphs)
    assert (
        Q_LINHU in text and "37家" in text and "新认定高新技术企业37家" in text and "临湖区科技局2025年工作总结" in text
    )
    sheet = openpyxl.load_workbook(xlsx_path)["回答"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("新认定高新技术企业37家" in c for c in cells) and Q_LINHU in cells
    assert "没有编号" in fns[0](state, as_user("wang"))[0]  # not wang's answer
    r = client.get(f"/v1/answers/{state['last']}/export?format=xlsx", headers=basic("li", "li-pass-123"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.get(f"/v1/answers/{state['last']}/export?format=docx", headers=basic("wang", "wang-pass-123"))
    assert r.status_code == 404


def test_accepted_reported_cases_join_the_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import evaluate

    case = {
        "id": "r001",
        "user_input": Q_LINHU,
        "reference": "正确答案是37家",
        "reference_key_facts": [["37家"]],
        "reference_sources": ["linhu_2025.txt"],
        "type": "reported",
        "split": "reported",
    }
    (tmp_path / "reported_questions.jsonl").write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(evaluate, "EVAL_DIR", tmp_path)
    assert evaluate.load_questions(None, "reported") == [case]
    assert evaluate.load_questions(tmp_path / "reported_questions.jsonl", "test") == [case]  # --questions FILE
    thresholds = ROOT / "eval" / "thresholds.json"
    assert evaluate.gate({"answer_accuracy": 1.0, "verifier_violations": 0}, thresholds, "reported") == []
    assert evaluate.gate({"answer_accuracy": 0.5, "verifier_violations": 0}, thresholds, "reported")


def test_an_indicator_table_exports_with_its_chart(  # type: ignore[no-untyped-def]
    ingested, settings: Settings, tmp_path: Path
) -> None:
    import docx
    import openpyxl

    from assistant import export_docs
    from assistant.ui.app import AssistantUI

    ui = AssistantUI(settings, ingested)
    places, place, _, indicator = ui.indicator_options()
    assert place and indicator
    record = ui.indicator_record(place, indicator)
    assert record["table"] and record["citations"]
    book = openpyxl.load_workbook(export_docs.export(record, "xlsx", tmp_path))
    sheet = book["指标"]
    assert [c.value for c in sheet[1]][:2] == ["年份", "目标"] and sheet.max_row == len(record["table"]) + 1
    if len(record["table"]) >= 2:
        assert sheet._charts  # the line chart of target vs achieved
    text = "\n".join(p.text for p in docx.Document(export_docs.export(record, "docx", tmp_path)).paragraphs)
    assert record["citations"][0]["quote"][:20] in text
