"""Ingest orchestration: load -> clean -> chunk -> embed -> store, idempotent and crash-consistent.

Write order for one document: vectors are upserted into Chroma first, then the document and all its
chunks commit to the catalog in one SQLite transaction. The catalog is the record of committed work:
on opening as writer, vectors the catalog does not know (a killed ingest, a half-finished delete) are
removed and chunks whose vectors are missing are re-embedded, so the store always converges to it.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from assistant import indicators, kb, ocr
from assistant.archive import export_archive, import_archive  # backup and restore, importable from here as before
from assistant.bm25 import BM25
from assistant.chunk import chunk_document
from assistant.clean import canonical, clean, has_hidden_text
from assistant.corpus import PASTE_DIR, UPLOAD_DIR, expand, retire_file, sidecar, source_of
from assistant.embed import Embedder, get_embedder
from assistant.ingest_report import AddResult, IngestReport, ProgressBars, read_note
from assistant.injection import INJECTION
from assistant.load import Loaded, LoadError, check_text, load_document, load_path
from assistant.metadata import parse_metadata
from assistant.settings import Settings, get_settings
from assistant.store import Catalog, IndexMismatch, VectorStore, WriterLock
from assistant.terms import tokenize
from assistant.tokens import count_tokens
from assistant.types import Chunk, SourceDoc


def suspicious_reason(raw: str) -> str:
    """Why a document looks like it tries to instruct the model ('' when it does not)."""
    reasons = []
    m = INJECTION.search(raw)
    if m:
        reasons.append(f"含疑似指令注入文字「{m.group(0)}」")
    if has_hidden_text(raw):
        reasons.append("含零宽/隐藏字符")
    return "；".join(reasons)


def _flat(meta: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Chroma accepts only scalar metadata values."""
    return {k: v if isinstance(v, (int, float, bool)) else str(v) for k, v in meta.items() if v is not None}


class Library:
    """The indexed document library: catalog + vectors + BM25. One writer per index directory."""

    def __init__(
        self, settings: Settings | None = None, embedder: Embedder | None = None, writer: bool = False
    ) -> None:
        self.settings = kb.for_kb(settings or get_settings())
        self.kb = kb.require(self.settings)  # UnknownKB: nothing is created for a name that does not exist
        self.dir = Path(self.settings.index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock = WriterLock(self.dir)
        if writer:
            self.lock.acquire()
        self._mutex = threading.RLock()
        try:
            self.embedder = embedder or get_embedder(
                self.settings.embedder, self.settings.embed_url, self.settings.llm_api_key
            )
            self.catalog = Catalog(self.dir / "catalog.sqlite3")
            self.vectors = VectorStore(self.dir, self.settings.collection, self.settings.chroma_url)
            self._check_model()
            if writer:
                self.reconcile()
            self.bm25 = self._load_bm25()
        except BaseException:
            if hasattr(self, "vectors"):
                self.vectors.close()
            if hasattr(self, "catalog"):
                self.catalog.close()
            self.lock.release()
            raise

    # -- model identity -------------------------------------------------------------------------
    def _check_model(self) -> None:
        name, dim = self.catalog.get_meta("embedder"), self.catalog.get_meta("dim")
        if not name:
            if self.catalog.count_chunks() == 0 and self.vectors.count() == 0:
                if self.lock.held:  # a reader never writes; the first writer records the model
                    self.catalog.set_meta("embedder", self.embedder.name)
                    self.catalog.set_meta("dim", str(self.embedder.dim))
                return
            name, dim = "unknown", "?"
        if name != self.embedder.name or dim != str(self.embedder.dim):
            raise IndexMismatch(
                f"索引是用嵌入模型 {name} (dim {dim}) 建立的，"
                f"当前设置是 {self.embedder.name} (dim {self.embedder.dim})。"
                f" The index at {self.dir} was built with {name}; run `assistant reindex` to rebuild it with "
                f"{self.embedder.name}, or set ASSISTANT_EMBEDDER={name}."
            )

    # -- consistency ----------------------------------------------------------------------------
    def reconcile(self) -> dict[str, int]:
        """Make the vector store equal the catalog: drop orphans, re-embed what is missing."""
        with self._mutex:
            committed = self.catalog.chunk_ids()
            stored = self.vectors.ids()
            orphans = sorted(stored - committed)
            missing = sorted(committed - stored)
            if orphans:
                self.vectors.delete(orphans)
            if missing:
                chunks = self.catalog.chunks(missing)
                metas = self.catalog.doc_meta(c.doc_id for c in chunks.values())
                self._store_vectors([chunks[i] for i in missing], metas)
            # Indicator records follow the documents (and are re-extracted when the extractor changes).
            indicators.prune(self.catalog.db)
            fresh = self.catalog.get_meta("indicators_version") == indicators.VERSION
            records = indicators.backfill(self.catalog.db, only_missing=fresh)
            self.catalog.set_meta("indicators_version", indicators.VERSION)
            return {"orphans_removed": len(orphans), "reembedded": len(missing), "indicator_records": records}

    def _load_bm25(self) -> BM25:
        path = self.dir / "bm25.npz"
        gen = self.catalog.generation
        cached = BM25.load(path) if path.exists() else None
        if cached is not None and cached.generation == gen and len(cached) == self.catalog.count_chunks():
            return cached
        bm = BM25()
        bm.add(self.catalog.all_chunk_tokens())
        bm.generation = gen
        if self.lock.held:
            bm.save(path, gen)
        return bm

    def refresh(self) -> None:
        """Reload BM25 if another process committed (readers call this before searching)."""
        if self.catalog.generation != self.bm25.generation and not self.lock.held:
            with self._mutex:
                self.vectors.reopen()
                self.bm25 = self._load_bm25()

    # -- writing --------------------------------------------------------------------------------
    def _require_writer(self) -> None:
        if not self.lock.held:
            self.lock.acquire()
            if not self.catalog.get_meta("embedder"):
                self.catalog.set_meta("embedder", self.embedder.name)
                self.catalog.set_meta("dim", str(self.embedder.dim))

    def _store_vectors(self, chunks: list[Chunk], metas: dict[str, dict[str, Any]]) -> None:
        batch = max(1, self.settings.embed_batch)
        for i in range(0, len(chunks), batch):
            part = chunks[i : i + batch]
            texts = [self._embed_text(c, metas.get(c.doc_id, {})) for c in part]
            vecs = self.embedder.embed_documents(texts)
            flat = []
            for c in part:
                m = metas.get(c.doc_id, {})
                flat.append(
                    _flat(
                        {
                            "doc_id": c.doc_id,
                            "source": m.get("source", ""),
                            "title": m.get("title", ""),
                            "date": m.get("date", ""),
                            "issuer": m.get("issuer", ""),
                            "region": m.get("region", ""),
                            "places": m.get("places", ""),
                            "doc_type": m.get("doc_type", ""),
                            "year": m.get("year", ""),
                            "ord": c.ord,
                            "start": c.start,
                            "end": c.end,
                            "heading": c.heading,
                            "kind": c.kind,
                            "origin": ocr.origin(m, c.start, c.end),
                        }
                    )
                )
            self.vectors.add([c.chunk_id for c in part], vecs, flat, [c.text for c in part])

    @staticmethod
    def _embed_text(c: Chunk, meta: dict[str, Any]) -> str:
        title = meta.get("title", "")
        head = c.heading if title and c.heading.startswith(title) else f"{title} {c.heading}".strip()
        return f"{head}\n{c.text}" if head else c.text

    def index_document(self, raw: str | Loaded, source: str, overrides: dict[str, str] | None = None) -> AddResult:
        """Index one document's raw text (or a loaded file) under source; a duplicate adds nothing."""
        self._require_writer()
        loaded = raw if isinstance(raw, Loaded) else Loaded(raw)
        raw = loaded.text
        check_text(raw)
        text = clean(raw)
        if not text.strip():
            raise LoadError("清理后没有正文 (nothing left after removing page furniture)")
        canon = hashlib.sha1(canonical(text).encode()).hexdigest()
        doc_id = canon[:16]
        with self._mutex:
            existing = self.catalog.find_by_canon(canon)
            if existing:
                d = self.catalog.document(existing) or {}
                return AddResult(
                    existing,
                    d.get("chunks", 0),
                    True,
                    d.get("source", ""),
                    d.get("meta", {}).get("title", ""),
                    d.get("suspicious", ""),
                )
            meta = parse_metadata(text, overrides)
            meta["source"] = source
            meta.update(loaded.meta)  # how the file was read: format, tables, OCR pages and confidence
            if any(conf is not None for _, _, conf in loaded.pages):
                spans = ocr.page_spans(text, loaded.pages)
                meta["ocr_spans"] = ocr.encode_spans(spans, self.settings.load.ocr_min_confidence)
            doc = SourceDoc(doc_id, source, text, meta)
            chunks = chunk_document(
                doc, self.settings.chunk.max_tokens, self.settings.chunk.overlap_sentences, count_tokens
            )
            tokens = [tokenize(self._embed_text(c, meta)) for c in chunks]
            self._store_vectors(chunks, {doc_id: meta})
            replaced = [d for d in self.catalog.docs_by_source(source) if d != doc_id]
            old_chunks = [cid for d in replaced for cid in self.chunk_ids_of(d)]
            reason = suspicious_reason(raw)
            self.catalog.commit_document(
                doc_id,
                source,
                canon,
                meta,
                text,
                chunks,
                tokens,
                reason,
                replaces=replaced,
                also=lambda db: indicators.index_document(db, doc_id, text, meta),
            )
            if old_chunks:
                self.vectors.delete(old_chunks)
                self.bm25.remove(old_chunks)
            self.bm25.add([(c.chunk_id, t) for c, t in zip(chunks, tokens, strict=True)])
            self.bm25.generation = self.catalog.generation
            return AddResult(doc_id, len(chunks), False, source, meta.get("title", ""), reason, read_note(meta))

    def bm25_search(self, tokens: Iterable[str], k: int) -> list[tuple[str, float]]:
        """BM25 hits for tokens, read under the library's lock (a writer may be replacing the index)."""
        with self._mutex:
            return self.bm25.search(list(tokens), k)

    def term_counts(self, term: str) -> tuple[int, int]:
        """(chunks that hold term, chunks in all) in BM25, read together under the library's lock: an IDF's inputs."""
        with self._mutex:
            return self.bm25.term_counts(term)

    def text_after(self, chunk: Chunk, n: int) -> str:
        """Up to n characters of the chunk's document that follow the chunk (what a quote may go on with)."""
        with self._mutex:
            return self.catalog.text_after(chunk.doc_id, chunk.end, n)

    def indicator_records(self, indicator: str | None = None, place: str | None = None) -> list[Any]:
        """Indicator records (assistant.indicators.Record), optionally of one indicator and place."""
        with self._mutex:
            return indicators.query(self.catalog.db, indicator, place)

    def indicators_available(self) -> list[tuple[str, str]]:
        """(indicator, place) pairs that have records."""
        with self._mutex:
            return indicators.indicators_available(self.catalog.db)

    def chunk_ids_of(self, doc_id: str) -> list[str]:
        """A document's chunk ids in reading order."""
        return [
            r[0] for r in self.catalog.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=? ORDER BY ord", (doc_id,))
        ]

    def save(self) -> None:
        """Persist the BM25 cache (after a batch of writes)."""
        with self._mutex:
            self.bm25.save(self.dir / "bm25.npz", self.catalog.generation)

    def ingest_paths(
        self,
        paths: Iterable[Path] | None = None,
        progress: bool | None = None,
        on_file: Callable[[Path, AddResult | None, str], None] | None = None,
    ) -> IngestReport:
        """Ingest files and directories (default: the corpus dir); returns what was added or skipped."""
        corpus = Path(self.settings.corpus_dir)
        files = sorted(expand(list(paths) if paths else [corpus]))
        report = IngestReport()
        bars = ProgressBars(len(files)) if (progress if progress is not None else sys.stderr.isatty()) else None
        for path in files:
            try:
                loaded = load_path(path, self.settings.load, bars.on_page(path.name) if bars else None)
                result = self.index_document(loaded, source_of(path, corpus), sidecar(path))
                report.count(path, result)
                if on_file:
                    on_file(path, result, "")
            except LoadError as exc:
                report.errors.append(f"{path.name}: {exc}")
                if on_file:
                    on_file(path, None, str(exc))
            if bars:
                bars.file_done()
        if bars:
            bars.close()
        self.save()
        return report

    def add_text(self, text: str, title: str = "", date: str = "", issuer: str = "", name: str = "") -> AddResult:
        """Index a pasted bulletin and save it under corpus/pasted/ so `reindex` rebuilds it."""
        if len(text) > self.settings.load.max_paste_chars:
            raise LoadError(f"粘贴内容超过 {self.settings.load.max_paste_chars:,} 字符上限 (paste too large)")
        check_text(text)
        canon = hashlib.sha1(canonical(text).encode()).hexdigest()
        source = name or f"paste-{canon[:12]}"
        overrides = {"title": title.strip(), "date": date.strip(), "issuer": issuer.strip()}
        result = self.index_document(text, source, overrides)
        if not result.duplicate:
            folder = Path(self.settings.corpus_dir) / PASTE_DIR
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{source}.txt"
            tmp = target.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
            target.with_suffix(".json").write_text(json.dumps(overrides, ensure_ascii=False), encoding="utf-8")
            self.save()
        return result

    def add_upload(
        self,
        data: bytes,
        filename: str,
        title: str = "",
        date: str = "",
        issuer: str = "",
        on_page: Callable[[int, int], None] | None = None,
    ) -> AddResult:
        """Index an uploaded file (checked by content) and keep a copy under corpus/uploads/.

        on_page(done, total) follows a scan or long PDF page by page (a progress bar in the app).
        """
        raw = load_document(data, filename, self.settings.load, on_page)
        safe = re.sub(r"[^\w.\-\u4e00-\u9fff]", "_", Path(filename).name)[:120] or "upload"
        source = f"{UPLOAD_DIR}/{safe}"
        overrides = {"title": title.strip(), "date": date.strip(), "issuer": issuer.strip()}
        result = self.index_document(raw, source, overrides)
        if not result.duplicate:
            folder = Path(self.settings.corpus_dir) / UPLOAD_DIR
            folder.mkdir(parents=True, exist_ok=True)
            (folder / safe).write_bytes(data)
            (folder / f"{safe}.meta.json").write_text(json.dumps(overrides, ensure_ascii=False), encoding="utf-8")
            self.save()
        return result

    def delete(self, doc_id: str) -> bool:
        """Remove a document from the index; its file moves to corpus/.deleted/ so nothing is lost."""
        self._require_writer()
        with self._mutex:
            doc = self.catalog.document(doc_id)
            if not doc:
                return False
            ids = self.catalog.delete_document(doc_id)
            self.vectors.delete(ids)
            self.bm25.remove(ids)
            self.bm25.generation = self.catalog.generation
            retire_file(Path(self.settings.corpus_dir), doc["source"])
            self.save()
            return True

    def reindex(self, progress: bool | None = None) -> IngestReport:
        """Drop everything and rebuild from the corpus dir with the configured embedder."""
        self._require_writer()
        with self._mutex:
            self.catalog.close()
            for name in ("catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "bm25.npz"):
                (self.dir / name).unlink(missing_ok=True)
            self.vectors.reset()
            self.catalog = Catalog(self.dir / "catalog.sqlite3")
            self.catalog.set_meta("embedder", self.embedder.name)
            self.catalog.set_meta("dim", str(self.embedder.dim))
            self.bm25 = BM25()
        return self.ingest_paths(None, progress)

    # -- reading --------------------------------------------------------------------------------
    def documents(self) -> list[dict[str, Any]]:
        return self.catalog.documents()

    def stats(self) -> dict[str, Any]:
        return {
            "documents": len(self.catalog.documents()),
            "chunks": self.catalog.count_chunks(),
            "vectors": self.vectors.count(),
            "embedder": self.embedder.name,
            "index_dir": str(self.dir),
            "kb": self.kb,
        }

    def close(self) -> None:
        self.vectors.close()
        self.lock.release()
        self.catalog.close()


def reset_index(settings: Settings) -> None:
    """Remove the catalog, BM25 and vectors (for a model change); `reindex` then rebuilds from corpus/."""
    settings = kb.for_kb(settings)
    kb.require(settings)
    lock = WriterLock(Path(settings.index_dir))
    lock.acquire()
    try:
        for name in ("catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "bm25.npz"):
            (Path(settings.index_dir) / name).unlink(missing_ok=True)
        store = VectorStore(Path(settings.index_dir), settings.collection, settings.chroma_url)
        store.reset()
        store.close()
    finally:
        lock.release()


__all__ = ["AddResult", "IngestReport", "Library", "export_archive", "import_archive", "read_note", "reset_index"]
