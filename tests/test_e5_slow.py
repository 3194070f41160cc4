"""The real default embedder (packaged multilingual-e5-small) over the seed corpus; slow (~30 s on 2 cores)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SEED_FILES, doc_id_of

from assistant.index import Library
from assistant.settings import Settings
from assistant.store import IndexMismatch


@pytest.mark.slow
def test_ingest_corpus_with_e5_small(tmp_path, corpus_copy) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy)
    assert settings.embedder == "e5-small"
    lib = Library(settings, writer=True)
    try:
        assert (lib.embedder.name, lib.embedder.dim) == ("e5-small", 384)
        report = lib.ingest_paths(progress=False)
        assert (report.added, report.skipped, report.errors) == (len(SEED_FILES), 0, [])
        n = lib.catalog.count_chunks()
        assert n == report.chunks == lib.vectors.count()
        assert lib.vectors.ids() == lib.catalog.chunk_ids()
        assert (lib.catalog.get_meta("embedder"), lib.catalog.get_meta("dim")) == ("e5-small", "384")
        vecs = np.asarray(lib.vectors.col.get(limit=5, include=["embeddings"])["embeddings"])
        assert vecs.shape == (5, 384)
        assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
        # Dense retrieval finds the right document for clearly worded questions.
        checks = {
            "下陆区2023年科技创新工作的总体思路是什么": "003",
            "大冶市如何打造全国县域创新高地": "004",
            "2024年三季度高新技术企业倍增工程进展": "001",
        }
        for question, prefix in checks.items():
            hits = lib.vectors.query(lib.embedder.embed_query(question), 3)
            docs = {c.doc_id for c in lib.catalog.chunks([cid for cid, _ in hits]).values()}
            assert doc_id_of(lib, prefix) in docs, question
        # Re-ingest is a no-op.
        again = lib.ingest_paths(progress=False)
        assert (again.added, again.skipped) == (0, len(SEED_FILES))
    finally:
        lib.close()
    # An index built with e5-small cannot be opened with another embedder.
    with pytest.raises(IndexMismatch, match="assistant reindex"):
        Library(Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy, embedder="hash"), writer=False)
