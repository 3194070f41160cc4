"""Finding the document a question names by its 文号."""

from __future__ import annotations

from assistant.lookup import find_document

DOCS = [
    {"doc_id": "a", "doc_number": "黄科发〔2022〕7号", "title": "关于开展科技成果转化的通知"},
    {"doc_id": "b", "doc_number": "鄂科技规〔2023〕2号", "title": "湖北省科技项目管理办法"},
]


def test_a_number_after_a_preposition_is_the_documents_own() -> None:
    for q in ("按黄科发〔2022〕7号，成果转化奖励怎么申请？", "根据鄂科技规[2023]2号，项目验收要提交什么？"):
        number, doc = find_document(q, DOCS)
        assert doc is not None and doc["doc_number"] in number, q


def test_another_number_or_issuer_is_no_match() -> None:
    assert find_document("黄科发〔2022〕8号是哪天发的", DOCS)[1] is None
    assert find_document("孝科发〔2022〕7号是哪天发的", DOCS)[1] is None
    assert find_document("按发〔2022〕7号办理", DOCS)[1] is None  # one character of an issuer names none
