"""Retrieval: the rerank of fused passages by their best sentence (Retriever.by_best_sentence)."""

from __future__ import annotations

from assistant.retrieve import Retriever

SCATTERED = (
    "清河县创新券兑付会议。创新券兑付进度加快,可用于的额度增加。企业购买意愿增强。研发机构参会。"
    "检验检测机构参会。服务企业。"
)
ONE_SENTENCE = (
    "清河县科技局关于做好2025年度科技创新工作的通知。各乡镇、县直有关单位:现将有关事项通知如下。"
    "一、加强科技企业培育,全年新增科技型中小企业30家。二、清河县创新券可用于企业购买研发设计和检验检测服务。"
    "三、做好科技成果转化工作,组织企业参加成果对接活动。四、各单位要加强组织领导,按时报送工作进展。"
)
QUESTION = "清河县创新券可用于购买哪些研发和检验检测服务"


def test_a_passage_whose_one_sentence_holds_the_question_is_reranked_first(library, settings) -> None:  # type: ignore[no-untyped-def]
    library.index_document(SCATTERED, "meeting.txt")
    library.index_document(ONE_SENTENCE, "voucher.txt")
    plain_settings = settings.model_copy(deep=True)
    plain_settings.retrieve.sentence_weight = 0.0
    plain = Retriever(library, plain_settings)(QUESTION, 2)
    assert plain[0].meta["source"] == "meeting.txt"  # fused BM25 + dense: the words repeated apart win
    reranked = Retriever(library, settings)(QUESTION, 2)
    assert settings.retrieve.sentence_weight == 2.0  # on by default (bench/rerank.md)
    assert reranked[0].meta["source"] == "voucher.txt"
    assert {p.chunk.chunk_id for p in reranked} == {p.chunk.chunk_id for p in plain}  # the same passages, reordered


def test_the_rerank_reads_a_sentence_under_its_document_title(library, settings) -> None:  # type: ignore[no-untyped-def]
    """Two passages whose best sentences say the same: the one whose document's title names the rest of the
    question is ranked first."""
    from assistant.types import Chunk, Passage

    text = "创新券可用于企业购买检验检测服务。"
    titles = {"a": "清河县创新券管理办法", "b": "清河县人才公寓管理办法"}
    passages = [Passage(Chunk(k, k, 0, 0, len(text), text), 1.0, {"title": t}) for k, t in titles.items()]
    retriever = Retriever(library, settings)
    for asked, first in (("人才公寓", "b"), ("创新券管理办法", "a")):
        question = f"清河县{asked}规定创新券可用于购买什么服务"
        ranked = retriever.by_best_sentence(question, list(passages), settings.retrieve)
        assert ranked[0].chunk.doc_id == first


def test_the_vector_search_explores_widely_enough_to_be_the_same_in_every_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.store import SEARCH_EF, VectorStore

    store = VectorStore(tmp_path / "new", "policy")
    assert store.col.configuration_json["hnsw"]["ef_search"] == SEARCH_EF
    assert store.col.configuration_json["hnsw"]["space"] == "cosine"
    # a store made before (Chroma's default breadth, 100) is widened when opened
    old = chromadb.PersistentClient(
        path=str(tmp_path / "old" / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    old.get_or_create_collection("policy", embedding_function=None, metadata={"hnsw:space": "cosine"})
    assert old.get_collection("policy").configuration_json["hnsw"]["ef_search"] < SEARCH_EF
    reopened = VectorStore(tmp_path / "old", "policy")
    assert reopened.col.configuration_json["hnsw"]["ef_search"] == SEARCH_EF
    assert reopened.col.configuration_json["hnsw"]["space"] == "cosine"


def test_a_question_naming_a_report_asks_no_document_type() -> None:
    from assistant.retrieve import parse_filters

    # a report the question names (another country's, a government work report) says nothing of the document kind
    assert parse_filters("清河县政府工作报告提出新增多少家高企？").doc_type == ""
    assert parse_filters("某国科学报告里中国有多少个领先领域？").doc_type == ""
    assert parse_filters("清河县2025年科技成果登记目标和实际完成情况").doc_type == ""  # how it went, any document
    assert parse_filters("清河县三季度目标任务进展如何？").doc_type == "进展报告"
    assert parse_filters("清河县2024年工作要点有哪些？").doc_type == "工作要点"
