"""Ingest: idempotence, duplicates, replacement on edit, reindex, model identity, writer lock, crash recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SEED_FILES, all_chunks, doc_id_of, seed

from assistant.embed import HashEmbedder
from assistant.index import Library
from assistant.store import IndexBusy, IndexMismatch
from assistant.terms import tokenize

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def check_consistent(lib: Library) -> None:
    """Catalog, vector store and BM25 hold exactly the same chunk ids."""
    committed = lib.catalog.chunk_ids()
    assert lib.vectors.count() == lib.catalog.count_chunks() == len(committed)
    assert lib.vectors.ids() == committed
    assert len(lib.bm25) == len(committed)
    assert {lib.bm25.ids[i] for i in np.flatnonzero(lib.bm25.alive)} == committed
    assert sum(d["chunks"] for d in lib.documents()) == len(committed)


def search_ids(lib: Library, query: str, k: int = 50) -> set[str]:
    return {cid for cid, _ in lib.bm25.search(tokenize(query), k)}


def test_ingest_twice_adds_nothing(library) -> None:  # type: ignore[no-untyped-def]
    first = library.ingest_paths(progress=False)
    assert (first.added, first.skipped, first.errors) == (len(SEED_FILES), 0, [])
    assert first.chunks == library.catalog.count_chunks() > len(SEED_FILES)
    ids = library.catalog.chunk_ids()
    second = library.ingest_paths(progress=False)
    assert (second.added, second.skipped, second.chunks, second.errors) == (0, len(SEED_FILES), 0, [])
    assert library.catalog.chunk_ids() == ids
    assert len(library.documents()) == len(SEED_FILES)
    check_consistent(library)


def test_ingest_twice_across_reopen(settings) -> None:  # type: ignore[no-untyped-def]
    with_lib = Library(settings, writer=True)
    try:
        n = with_lib.ingest_paths(progress=False).chunks
    finally:
        with_lib.close()
    again = Library(settings, writer=True)
    try:
        report = again.ingest_paths(progress=False)
        assert (report.added, report.skipped) == (0, len(SEED_FILES))
        assert again.catalog.count_chunks() == n
        check_consistent(again)
    finally:
        again.close()


def test_vectors_match_catalog(ingested) -> None:  # type: ignore[no-untyped-def]
    check_consistent(ingested)
    stats = ingested.stats()
    assert stats["documents"] == len(SEED_FILES)
    assert stats["chunks"] == stats["vectors"] == ingested.catalog.count_chunks()
    # Flat chunk metadata in Chroma points back at the catalog.
    some = sorted(ingested.catalog.chunk_ids())[:5]
    got = ingested.vectors.col.get(ids=some, include=["metadatas", "documents"])
    chunks = ingested.catalog.chunks(some)
    for cid, meta, text in zip(got["ids"], got["metadatas"], got["documents"], strict=True):
        assert meta["doc_id"] == chunks[cid].doc_id
        assert (meta["start"], meta["end"]) == (chunks[cid].start, chunks[cid].end)
        assert text == chunks[cid].text


def test_delete_then_paste_raw_text(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    raw = seed("004").read_text(encoding="utf-8")
    doc_id = doc_id_of(ingested, "004")
    old_chunks = {c.chunk_id for c in all_chunks(ingested) if c.doc_id == doc_id}
    assert ingested.delete(doc_id) is True
    assert doc_id not in {d["doc_id"] for d in ingested.documents()}
    assert not (settings.corpus_dir / seed("004").name).exists()  # retired to corpus/.deleted
    assert list((settings.corpus_dir / ".deleted").iterdir())
    assert not old_chunks & ingested.vectors.ids()
    assert not old_chunks & search_ids(ingested, "大冶 科技创新 县域 创新高地")
    check_consistent(ingested)

    result = ingested.add_text(raw)
    assert result.duplicate is False
    assert result.source.startswith("paste-")
    listed = {d["doc_id"]: d for d in ingested.documents()}
    assert result.doc_id in listed
    assert listed[result.doc_id]["source"] == result.source
    assert len(listed) == len(SEED_FILES)
    assert (settings.corpus_dir / "pasted" / f"{result.source}.txt").read_text(encoding="utf-8") == raw
    assert search_ids(ingested, "大冶 县域 创新高地") & {
        c.chunk_id for c in all_chunks(ingested) if c.doc_id == result.doc_id
    }
    check_consistent(ingested)
    # Ingesting the corpus again (now with pasted/) adds nothing.
    report = ingested.ingest_paths(progress=False)
    assert (report.added, report.skipped) == (0, len(SEED_FILES))


def test_delete_unknown_doc_returns_false(ingested) -> None:  # type: ignore[no-untyped-def]
    n = ingested.catalog.count_chunks()
    assert ingested.delete("0000000000000000") is False
    assert ingested.catalog.count_chunks() == n


def test_paste_variants_are_duplicates(library, bulletin: str) -> None:  # type: ignore[no-untyped-def]
    first = library.add_text(bulletin)
    assert first.duplicate is False and first.chunks > 0
    n = library.catalog.count_chunks()
    spaced = bulletin.replace("科技型中小企业", "科技型  中小企业").replace("，", " ， ")
    wrapped = bulletin.replace("力争全年入库", "力争全年\n\n入库").replace("\n", "\r\n")
    wide = bulletin.translate(FULL_WIDTH)
    assert len({bulletin, spaced, wrapped, wide}) == 4
    for variant in (spaced, wrapped, wide, "\n\n  " + bulletin + "\n\n"):
        again = library.add_text(variant)
        assert again.duplicate is True
        assert again.doc_id == first.doc_id
        assert again.source == first.source
        assert library.catalog.count_chunks() == n
    assert len(library.documents()) == 1
    # A real change is not a duplicate.
    changed = library.add_text(bulletin.replace("2400家", "2500家"))
    assert changed.duplicate is False and changed.doc_id != first.doc_id
    assert len(library.documents()) == 2
    check_consistent(library)


def test_paste_overrides_are_stored(library, bulletin: str) -> None:  # type: ignore[no-untyped-def]
    r = library.add_text(bulletin, title="评价工作通知", date="2024-02-21", issuer="市科技局高新科")
    [doc] = library.documents()
    assert (doc["title"], doc["date"], doc["issuer"], doc["year"]) == (
        "评价工作通知",
        "2024-02-21",
        "市科技局高新科",
        "2024",
    )
    assert r.title == "评价工作通知"


def test_editing_a_file_replaces_only_that_document(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    before = {c.chunk_id: c.doc_id for c in all_chunks(ingested)}
    old_id = doc_id_of(ingested, "003")
    path = settings.corpus_dir / seed("003").name
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\n18、强化督办考核。年底前完成全部科技项目绩效评价，新增科技特派员30名。\n",
        encoding="utf-8",
    )
    report = ingested.ingest_paths(progress=False)
    assert (report.added, report.skipped, report.errors) == (1, len(SEED_FILES) - 1, [])
    new_id = doc_id_of(ingested, "003")
    assert new_id != old_id
    assert ingested.catalog.document(old_id) is None
    assert len(ingested.documents()) == len(SEED_FILES)
    after = {c.chunk_id: c.doc_id for c in all_chunks(ingested)}
    # Other documents' chunks are untouched; the old version's chunks are gone everywhere.
    assert {c for c, d in before.items() if d != old_id} == {c for c, d in after.items() if d != new_id}
    old_chunks = {c for c, d in before.items() if d == old_id}
    assert not old_chunks & set(after)
    assert not old_chunks & ingested.vectors.ids()
    assert not old_chunks & search_ids(ingested, "下陆区 科技创新 工作要点 科技特派员")
    assert any("新增科技特派员30名" in c.text for c in all_chunks(ingested) if c.doc_id == new_id)
    check_consistent(ingested)


def test_reindex_rebuilds(ingested, settings, bulletin: str) -> None:  # type: ignore[no-untyped-def]
    ingested.add_text(bulletin, title="评价工作通知")
    docs_before = {d["doc_id"]: d for d in ingested.documents()}
    chunks_before = ingested.catalog.chunk_ids()
    report = ingested.reindex(progress=False)
    assert report.errors == []
    assert report.added == len(docs_before) == len(SEED_FILES) + 1
    docs_after = {d["doc_id"]: d for d in ingested.documents()}
    assert set(docs_after) == set(docs_before)
    assert ingested.catalog.chunk_ids() == chunks_before
    # The pasted bulletin keeps its override from the sidecar.
    assert [d["title"] for d in docs_after.values() if d["source"].startswith("paste-")] == ["评价工作通知"]
    check_consistent(ingested)
    assert ingested.catalog.get_meta("embedder") == "hash"
    # The rebuilt index is what a fresh process sees.
    ingested.close()
    reopened = Library(settings, writer=False)
    try:
        assert {d["doc_id"] for d in reopened.documents()} == set(docs_before)
        assert reopened.vectors.count() == len(chunks_before)
    finally:
        reopened.close()


def test_other_embedder_raises_index_mismatch(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    n = ingested.catalog.count_chunks()
    ingested.close()
    for writer in (True, False):
        with pytest.raises(IndexMismatch) as info:
            Library(settings, embedder=HashEmbedder(dim=128), writer=writer)
        assert "assistant reindex" in str(info.value)
        assert "128" in str(info.value) and "256" in str(info.value)
    # The failed writer released the lock (else IndexBusy here) and changed nothing.
    lib = Library(settings, writer=True)
    try:
        assert lib.catalog.count_chunks() == n
        assert lib.catalog.get_meta("dim") == "256"
    finally:
        lib.close()


def test_other_embedder_name_raises_index_mismatch(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    class Renamed(HashEmbedder):
        name = "st:some-other-model"

    ingested.close()
    with pytest.raises(IndexMismatch, match="assistant reindex"):
        Library(settings, embedder=Renamed(), writer=False)


def test_second_writer_in_process_is_busy(library, settings, bulletin: str) -> None:  # type: ignore[no-untyped-def]
    library.add_text(bulletin)
    t0 = time.monotonic()
    with pytest.raises(IndexBusy) as info:
        Library(settings, writer=True)
    elapsed = time.monotonic() - t0
    assert elapsed < 5
    assert str(os.getpid()) in str(info.value)
    # Readers still work while the writer holds the lock.
    reader = Library(settings, writer=False)
    try:
        assert [d["doc_id"] for d in reader.documents()] == [d["doc_id"] for d in library.documents()]
        assert reader.catalog.count_chunks() == library.catalog.count_chunks()
        # A reader that tries to write is refused, in bounded time, without changing anything.
        t0 = time.monotonic()
        with pytest.raises(IndexBusy):
            reader.add_text(bulletin.replace("2400家", "2500家"))
        assert time.monotonic() - t0 < 5
        assert len(library.documents()) == 1
    finally:
        reader.close()
    # The writer is still the writer.
    assert library.lock.held
    library.add_text(bulletin.replace("2400家", "2600家"))
    assert len(library.documents()) == 2


CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from assistant.settings import Settings
    from assistant.index import Library
    lib = Library(Settings(index_dir=sys.argv[1], corpus_dir=sys.argv[2], embedder="hash"), writer=True)
    print("ready", flush=True)
    sys.stdin.readline()
    lib.close()
    print("closed", flush=True)
""")


def _start_writer_child(settings) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.index_dir), str(settings.corpus_dir)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = child.stdout.readline()  # type: ignore[union-attr]
    if line.strip() != "ready":
        child.kill()
        pytest.fail(f"writer child did not start: {line!r} {child.stderr.read()[-2000:]}")  # type: ignore[union-attr]
    return child


def test_second_writer_across_processes_is_busy(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    n = ingested.catalog.count_chunks()
    docs = sorted(d["doc_id"] for d in ingested.documents())
    ingested.close()
    child = _start_writer_child(settings)
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexBusy) as info:
            Library(settings, writer=True)
        assert time.monotonic() - t0 < 5
        assert f"pid {child.pid}" in str(info.value)
        # Readers work while another process writes.
        reader = Library(settings, writer=False)
        try:
            assert sorted(d["doc_id"] for d in reader.documents()) == docs
            assert reader.catalog.count_chunks() == n == reader.vectors.count()
            hits = reader.bm25.search(tokenize("下陆区 高新技术企业"), 5)
            assert hits and reader.catalog.chunks([hits[0][0]])
        finally:
            reader.close()
        # A clean close by the other writer frees the index.
        child.stdin.write("\n")  # type: ignore[union-attr]
        child.stdin.flush()  # type: ignore[union-attr]
        assert child.stdout.readline().strip() == "closed"  # type: ignore[union-attr]
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lib = Library(settings, writer=True)  # IndexBusy if the lock were still held
    try:
        assert lib.catalog.count_chunks() == n
    finally:
        lib.close()


def test_writer_lock_released_when_writer_process_dies(library, settings) -> None:  # type: ignore[no-untyped-def]
    library.close()
    child = _start_writer_child(settings)
    try:
        # The child holds the lock (its pid is in the lock file) ...
        assert (Path(settings.index_dir) / "lock").read_text().strip() == str(child.pid)
        # ... and dies without closing anything.
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lib = Library(settings, writer=True)  # IndexBusy if the dead process still held the lock
    try:
        assert lib.lock.held
    finally:
        lib.close()


def test_crash_orphans_and_missing_vectors_are_reconciled(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    n = ingested.catalog.count_chunks()
    committed = ingested.catalog.chunk_ids()
    # A killed ingest: vectors upserted, catalog transaction never committed.
    orphans = [f"orphan{i:04d}" for i in range(7)]
    vecs = HashEmbedder().embed_documents([f"孤儿向量{i}号" for i in range(7)])
    ingested.vectors.add(orphans, vecs, [{"doc_id": "gone"}] * 7, ["x"] * 7)
    # A half-finished delete the other way round: vectors of committed chunks lost.
    lost = sorted(committed)[:3]
    original = ingested.vectors.col.get(ids=lost, include=["embeddings"])
    original = dict(zip(original["ids"], np.asarray(original["embeddings"]), strict=True))
    ingested.vectors.delete(lost)
    assert ingested.vectors.count() == n + 7 - 3
    ingested.close()

    lib = Library(settings, writer=True)
    try:
        assert lib.vectors.count() == lib.catalog.count_chunks() == n
        ids = lib.vectors.ids()
        assert not set(orphans) & ids
        assert set(lost) <= ids
        assert ids == committed
        # Re-embedded vectors are the same as the original ones (deterministic embedder, same text).
        got = lib.vectors.col.get(ids=lost, include=["embeddings", "metadatas"])
        chunks = lib.catalog.chunks(lost)
        for cid, meta, vec in zip(got["ids"], got["metadatas"], np.asarray(got["embeddings"]), strict=True):
            assert meta["doc_id"] == chunks[cid].doc_id
            assert np.allclose(vec, original[cid], atol=1e-5)
        again = lib.reconcile()
        assert again["orphans_removed"] == 0 and again["reembedded"] == 0
    finally:
        lib.close()


def test_reader_refresh_sees_new_documents(library, settings, bulletin: str) -> None:  # type: ignore[no-untyped-def]
    reader = Library(settings, writer=False)
    try:
        assert len(reader.bm25) == 0
        result = library.add_text(bulletin)
        reader.refresh()
        assert len(reader.bm25) == result.chunks > 0
        hits = reader.bm25.search(tokenize("科技型中小企业 评价"), 3)
        assert hits and reader.catalog.chunks([hits[0][0]])[hits[0][0]].doc_id == result.doc_id
    finally:
        reader.close()


def test_bm25_cache_reused_on_reopen(ingested, settings) -> None:  # type: ignore[no-untyped-def]
    query = tokenize("2021年 全市 科技工作 要点 文号")
    top = ingested.bm25.search(query, 5)
    cache = Path(settings.index_dir) / "bm25.npz"
    assert cache.exists()
    ingested.close()
    reader = Library(settings, writer=False)
    try:
        assert reader.bm25.generation == reader.catalog.generation
        assert reader.bm25.search(query, 5) == top
    finally:
        reader.close()
