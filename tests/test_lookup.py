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


NOTICE = (
    "清河县科学技术局 清河县财政局关于做好2025年度科技创新券兑付工作的补充通知 "
    "清河县科学技术局 清河县财政局关于做好2025年度科技创新券兑付工作的补充通知 各乡镇、县直有关单位: "
    "为做好科技创新券兑付工作,现将有关事项补充通知如下。一、兑付范围为2025年度申领的创新券。"
    "二、企业须在规定时间内提交兑付申请。联系人:张明 电话:0319-1234567 "
    "清河县科学技术局　清河县财政局 2025年3月18日"
)


def test_a_notice_named_by_its_full_title_answers_with_the_date_it_was_signed(library, settings) -> None:  # type: ignore[no-untyped-def]
    from assistant.chain import QA
    from assistant.lookup import signature_span

    library.index_document(NOTICE, "notice.txt")
    assert library.documents()[0]["title"] != "关于做好2025年度科技创新券兑付工作的补充通知"  # a shortened title
    answer = QA(settings, library=library).ask(
        "清河县科技局、财政局《关于做好2025年度科技创新券兑付工作的补充通知》是哪天发的？"
    )
    assert "2025年3月18日" in answer.answer and not answer.refused
    a, b = signature_span(NOTICE) or (0, 0)
    assert NOTICE[a:b] == "清河县科学技术局　清河县财政局 2025年3月18日"
    assert signature_span("各单位要按时报送。2025年3月18日前完成兑付工作,逾期不予受理。") is None
