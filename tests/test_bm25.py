"""BM25: add / remove / search / save / load."""

from __future__ import annotations

import math

import pytest
from conftest import SEED_FILES

from assistant.bm25 import BM25
from assistant.chunk import split_sentences
from assistant.clean import clean
from assistant.terms import tokenize

DOCS = {
    "a": ("高新技术企业", "达到", "620", "家", "高新技术企业"),
    "b": ("科技型中小企业", "入库", "2364", "家"),
    "c": ("技术合同", "成交额", "突破", "80", "亿元"),
    "d": ("下陆区", "高新技术企业", "新增", "16", "家", "科技型中小企业", "入库", "256", "家"),
    "e": ("孵化器", "众创空间", "省级", "备案"),
}


def build(docs: dict[str, tuple[str, ...]] = DOCS) -> BM25:
    bm = BM25()
    bm.add(list(docs.items()))
    return bm


@pytest.fixture(scope="module")
def seed_sentences() -> list[tuple[str, tuple[str, ...]]]:
    """Realistic rows: every sentence of the seed documents, jieba-tokenized."""
    rows = []
    for path in SEED_FILES:
        text = clean(path.read_text(encoding="utf-8"))
        for i, (a, b) in enumerate(split_sentences(text)):
            rows.append((f"{path.name[:3]}-{i:03d}", tokenize(text[a:b])))
    return rows


def test_search_ranks_matching_rows() -> None:
    bm = build()
    assert len(bm) == 5
    hits = bm.search(["高新技术企业"], 10)
    assert [cid for cid, _ in hits] == ["a", "d"]  # a: tf 2 in a short row
    assert hits[0][1] > hits[1][1] > 0
    assert [cid for cid, _ in bm.search(["技术合同", "成交额"], 10)] == ["c"]
    assert bm.search(["不存在的词"], 10) == []
    assert bm.search([], 10) == []


def test_scores_follow_bm25_formula() -> None:
    bm = build()
    n, df = 5, 2
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    avgdl = sum(len(t) for t in DOCS.values()) / n
    tf, dl = 2, len(DOCS["a"])
    expected = idf * tf * 2.5 / (tf + 1.5 * (1 - 0.75 + 0.75 * dl / avgdl))
    assert dict(bm.search(["高新技术企业"], 10))["a"] == pytest.approx(expected, rel=1e-5)


def test_k_limits_results(seed_sentences) -> None:  # type: ignore[no-untyped-def]
    bm = BM25()
    bm.add(seed_sentences)
    assert len(bm.search(tokenize("高新技术企业"), 3)) == 3
    assert len(bm.search(tokenize("高新技术企业"), 1000)) > 3


def test_removed_ids_never_returned() -> None:
    bm = build()
    bm.remove(["a"])
    assert len(bm) == 4
    assert [cid for cid, _ in bm.search(["高新技术企业"], 10)] == ["d"]
    assert bm.search(["620"], 10) == []  # only "a" had it
    bm.remove(["d", "no-such-id"])
    assert bm.search(["高新技术企业"], 10) == []
    assert len(bm) == 3
    assert all(cid not in {"a", "d"} for cid, _ in bm.search(["家", "入库", "孵化器", "技术合同"], 10))


def test_removed_ids_never_returned_realistic(seed_sentences) -> None:  # type: ignore[no-untyped-def]
    bm = BM25()
    bm.add(seed_sentences)
    query = tokenize("高新技术企业 科技型中小企业 入库 孵化器")
    gone = [cid for cid, _ in bm.search(query, 20)]
    assert len(gone) == 20
    bm.remove(gone)
    after = bm.search(query, 200)
    assert after and not {cid for cid, _ in after} & set(gone)


def test_remove_then_add_again() -> None:
    bm = build()
    bm.remove(["c"])
    assert bm.search(["技术合同"], 10) == []
    bm.add([("c", DOCS["c"])])
    assert len(bm) == 5
    assert [cid for cid, _ in bm.search(["技术合同"], 10)] == ["c"]
    # The id comes back once, not twice.
    assert [cid for cid, _ in bm.search(["技术合同", "成交额", "突破"], 10)] == ["c"]


def test_adding_existing_id_is_skipped() -> None:
    bm = build()
    before = bm.search(["家"], 10)
    bm.add([("a", ("完全", "不同", "的", "内容"))])
    assert len(bm) == 5
    assert bm.search(["家"], 10) == before
    assert bm.search(["完全"], 10) == []


def test_new_vocabulary_after_add() -> None:
    bm = build()
    bm.add([("f", ("离岸科创园", "咸宁", "武汉"))])
    assert [cid for cid, _ in bm.search(["离岸科创园"], 10)] == ["f"]
    assert [cid for cid, _ in bm.search(["高新技术企业"], 10)] == ["a", "d"]


def test_empty_index() -> None:
    bm = BM25()
    assert len(bm) == 0
    assert bm.search(["高新技术企业"], 5) == []
    bm.add([])
    assert len(bm) == 0


def test_save_load_round_trip(tmp_path, seed_sentences) -> None:  # type: ignore[no-untyped-def]
    bm = BM25()
    bm.add(seed_sentences)
    removed = [cid for cid, _ in seed_sentences[::7]]
    bm.remove(removed)
    path = tmp_path / "bm25.npz"
    bm.save(path, generation=42)
    assert path.exists() and not list(tmp_path.glob("*.tmp*"))
    loaded = BM25.load(path)
    assert loaded is not None
    assert loaded.generation == 42
    assert len(loaded) == len(bm) == len(seed_sentences) - len(removed)
    for q in ["高新技术企业", "下陆区 科技创新 工作要点", "离岸科创园 武汉", "技术合同 成交额", "大冶 县域 创新"]:
        toks = tokenize(q)
        before, after = bm.search(toks, 10), loaded.search(toks, 10)
        assert len(before) == 10, q
        assert [s for _, s in after] == pytest.approx([s for _, s in before], rel=1e-5), q
        # Same ranking; rows with tied scores may come in either order, so compare every scored row by id.
        everything_before, everything_after = dict(bm.search(toks, 10_000)), dict(loaded.search(toks, 10_000))
        assert set(everything_after) == set(everything_before), q
        assert all(everything_after[c] == pytest.approx(v, rel=1e-5) for c, v in everything_before.items()), q
        assert after[0][0] == before[0][0], q
        assert not {c for c, _ in bm.search(toks, 1000)} & set(removed)
        assert not {c for c, _ in loaded.search(toks, 1000)} & set(removed)
    # The loaded index keeps working: remove and add.
    top = loaded.search(tokenize("高新技术企业"), 1)[0][0]
    loaded.remove([top])
    assert top not in {c for c, _ in loaded.search(tokenize("高新技术企业"), 1000)}
    loaded.add([("new", ("量子通信专项", "高新技术企业"))])
    assert [c for c, _ in loaded.search(["量子通信专项"], 10)] == ["new"]
    assert "new" in {c for c, _ in loaded.search(tokenize("高新技术企业"), 1000)}


def test_save_with_nothing_removed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bm = build()
    bm.save(tmp_path / "x.npz", 3)
    loaded = BM25.load(tmp_path / "x.npz")
    assert loaded is not None and len(loaded) == 5
    assert loaded.search(["高新技术企业"], 10) == bm.search(["高新技术企业"], 10)


def test_load_of_missing_or_corrupt_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert BM25.load(tmp_path / "missing.npz") is None
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz file at all")
    assert BM25.load(bad) is None


def test_document_frequency_and_term_counts() -> None:
    bm = build()
    assert bm.document_frequency("高新技术企业") == 2  # twice in "a", once in "d": rows, not occurrences
    assert bm.document_frequency("没有的词") == 0
    assert bm.term_counts("家") == (3, 5)
    bm.remove(["a"])
    # removed rows count until the matrix is rebuilt (save/load), as the answerer's IDF always did
    assert bm.term_counts("高新技术企业") == (2, 4)


def test_idf_from_a_library_or_a_bare_bm25(ingested) -> None:  # type: ignore[no-untyped-def]
    from assistant.answer import idf_from_library

    for term in ("高新技术企业", "下陆区", "没有的词"):
        assert ingested.term_counts(term) == ingested.bm25.term_counts(term)
        assert idf_from_library(ingested)(term) == idf_from_library(ingested.bm25)(term)


def test_library_bm25_skips_deleted_document(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    from assistant.index import Library

    query = tokenize("下陆区 科技创新 工作要点")
    [doc] = [d for d in ingested.documents() if d["source"].startswith("003")]
    own = {r[0] for r in ingested.catalog.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc["doc_id"],))}
    assert own
    hits = ingested.bm25.search(query, 5)
    assert hits[0][0] in own
    assert ingested.delete(doc["doc_id"])
    after = ingested.bm25.search(query, 1000)
    assert after and not own & {cid for cid, _ in after}
    ingested.close()
    # The cache written at delete time is what the next process loads.
    reopened = Library(settings, writer=False)
    try:
        assert reopened.bm25.search(query, 1000) == after
    finally:
        reopened.close()
