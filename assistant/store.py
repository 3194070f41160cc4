"""Persistence: the SQLite catalog (record of committed work), the Chroma vector store, the writer lock."""

from __future__ import annotations

import fcntl
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.types import Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, canon TEXT NOT NULL UNIQUE, meta TEXT NOT NULL,
  text TEXT NOT NULL, n_chunks INTEGER NOT NULL, suspicious TEXT NOT NULL DEFAULT '', added_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
  ord INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, heading TEXT NOT NULL,
  text TEXT NOT NULL, tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
"""

# Every committed write counts up the catalog's generation: readers reload BM25 and vectors when it moved.
BUMP_GENERATION = (
    "INSERT INTO meta(key, value) VALUES('generation', '1')"
    " ON CONFLICT(key) DO UPDATE SET value=CAST(value AS INTEGER)+1"
)


class IndexBusy(RuntimeError):
    """Another process holds the index for writing."""


class IndexMismatch(RuntimeError):
    """The index was built with another embedding model."""


class WriterLock:
    """An exclusive flock on index/lock, holding the writer's pid; released when the process dies."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "lock"
        self._fd: int | None = None

    def acquire(self, wait_s: float = 2.0) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                    os.close(fd)
                    raise IndexBusy(
                        f"index is in use: {self.path.parent} is held by another writer (pid {holder}). "
                        "Stop that app or CLI ingest, or use a different ASSISTANT_INDEX_DIR."
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


class Catalog:
    """Documents and chunks as committed; a document and all its chunks commit in one transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def get_meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation", "0"))

    def commit_document(
        self,
        doc_id: str,
        source: str,
        canon: str,
        meta: dict[str, str],
        text: str,
        chunks: list[Chunk],
        tokens: list[tuple[str, ...]],
        suspicious: str = "",
        replaces: Iterable[str] = (),
        also: Callable[[sqlite3.Connection], object] | None = None,
    ) -> None:
        """Insert a document and its chunks, removing the documents it replaces, atomically.

        `also` runs inside the same transaction (the indicator records of the document).
        """
        # imported here: the extractor behind it costs ~0.5 s of imports, which opening a catalog does not need
        from assistant.indicators.storage import delete_records

        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for old in replaces:
                self.db.execute("DELETE FROM documents WHERE doc_id=?", (old,))
                delete_records(self.db, old)
            self.db.execute(
                "INSERT INTO documents(doc_id, source, canon, meta, text, n_chunks, suspicious, added_at)"
                " VALUES(?,?,?,?,?,?,?,?)",
                (
                    doc_id,
                    source,
                    canon,
                    json.dumps(meta, ensure_ascii=False),
                    text,
                    len(chunks),
                    suspicious,
                    time.time(),
                ),
            )
            self.db.executemany(
                'INSERT INTO chunks(chunk_id, doc_id, ord, start, "end", heading, text, tokens)'
                " VALUES(?,?,?,?,?,?,?,?)",
                [
                    (c.chunk_id, c.doc_id, c.ord, c.start, c.end, c.heading, c.text, " ".join(t))
                    for c, t in zip(chunks, tokens, strict=True)
                ],
            )
            if also is not None:
                also(self.db)
            self.db.execute(BUMP_GENERATION)

    def delete_document(self, doc_id: str) -> list[str]:
        """Delete a document and its chunks; returns the chunk ids removed."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            ids = [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
            self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            from assistant.indicators.storage import delete_records

            delete_records(self.db, doc_id)
            self.db.execute(BUMP_GENERATION)
        return ids

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT doc_id, source, meta, text, n_chunks, suspicious, canon FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        if not row:
            return None
        return {
            "doc_id": row[0],
            "source": row[1],
            "meta": json.loads(row[2]),
            "text": row[3],
            "chunks": row[4],
            "suspicious": row[5],
            "canon": row[6],
        }

    def find_by_canon(self, canon: str) -> str | None:
        row = self.db.execute("SELECT doc_id FROM documents WHERE canon=?", (canon,)).fetchone()
        return row[0] if row else None

    def docs_by_source(self, source: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT doc_id FROM documents WHERE source=?", (source,))]

    def documents(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT doc_id, source, meta, n_chunks, suspicious, added_at FROM documents ORDER BY source"
        )
        return [
            {"doc_id": r[0], "source": r[1], **json.loads(r[2]), "chunks": r[3], "suspicious": r[4], "added_at": r[5]}
            for r in rows
        ]

    def docs_headed_by(self, title: str, head: int = 300) -> list[str]:
        """The documents whose text opens with title within its first `head` characters, spaces ignored (a notice
        that repeats its full title, "商务部办公厅 财政部办公厅关于…的紧急通知", under a shortened catalog title)."""
        opening = "replace(replace(substr(text, 1, ?), ' ', ''), '　', '')"
        query = f"SELECT doc_id FROM documents WHERE instr({opening}, ?) > 0"
        return [r[0] for r in self.db.execute(query, (head, re.sub(r"\s", "", title)))]

    def chunks(self, ids: list[str]) -> dict[str, Chunk]:
        out: dict[str, Chunk] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = 'SELECT chunk_id, doc_id, ord, start, "end", text, heading FROM chunks WHERE chunk_id IN ({})'.format(
                ",".join("?" * len(part))
            )
            for r in self.db.execute(q, part):
                out[r[0]] = Chunk(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
        return out

    def text_after(self, doc_id: str, end: int, n: int) -> str:
        """Up to n characters of a document's text from offset end on ("" past its end or for no such document)."""
        query = "SELECT substr(text, ?, ?) FROM documents WHERE doc_id=?"
        row = self.db.execute(query, (end + 1, n, doc_id)).fetchone()
        return row[0] if row and row[0] else ""

    def all_chunk_tokens(self) -> list[tuple[str, tuple[str, ...]]]:
        return [
            (r[0], tuple(r[1].split(" ")) if r[1] else ())
            for r in self.db.execute("SELECT chunk_id, tokens FROM chunks ORDER BY rowid")
        ]

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks")}

    def count_chunks(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def doc_meta(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(set(doc_ids))
        if not ids:
            return {}
        q = "SELECT doc_id, source, meta, suspicious FROM documents WHERE doc_id IN ({})".format(
            ",".join("?" * len(ids))
        )
        return {
            r[0]: {"doc_id": r[0], "source": r[1], **json.loads(r[2]), "suspicious": r[3]}
            for r in self.db.execute(q, ids)
        }

    def backup(self, path: Path) -> None:
        """A consistent copy of the catalog at path (SQLite's online backup: safe while another thread writes)."""
        dst = sqlite3.connect(path)
        try:
            self.db.backup(dst)
        finally:
            dst.close()

    def close(self) -> None:
        self.db.close()


# How many candidates Chroma's HNSW search explores. At its default (100) for the 40 neighbours retrieval fetches, the
# search is approximate enough that two processes reading the same index could return different neighbours (one
# NCPQA question in four runs lost its 33rd, and the fused ranking's sixth passage changed): the same question got
# two answers. 400 returned the same 40 in every run tried, at no measurable cost (a query of the 3,307-vector
# NCPQA index: p50 0.8 ms at either breadth).
SEARCH_EF = 400


class VectorStore:
    """A Chroma collection, local (PersistentClient) or remote (HttpClient); we always pass embeddings."""

    def __init__(self, directory: Path, collection: str, url: str = "") -> None:
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        self.directory, self.name, self.url = directory, collection, url
        self._open()

    def _open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.url:
            from urllib.parse import urlparse

            u = urlparse(self.url)
            self.client = chromadb.HttpClient(
                host=u.hostname or "127.0.0.1", port=u.port or 8000, ssl=u.scheme == "https", settings=chroma_settings
            )
        else:
            self.client = chromadb.PersistentClient(path=str(self.directory / "chroma"), settings=chroma_settings)
        self.col = self._collection()

    def _collection(self) -> Any:
        """The collection, its search breadth at least SEARCH_EF (a collection made before is widened once)."""
        col = self.client.get_or_create_collection(
            self.name, embedding_function=None, configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}}
        )
        hnsw = (col.configuration_json or {}).get("hnsw") or {}  # (the parsed .configuration warns on every read)
        if hnsw.get("ef_search", SEARCH_EF) < SEARCH_EF:
            try:
                col.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
            except Exception:  # a store this process may not change keeps its breadth; search still works
                pass
        return col

    def reopen(self) -> None:
        """Drop this process's cached view of a local store and read it again from disk.

        Chroma keeps one in-memory HNSW index per path and process; another process's writes (a CLI
        `assistant add` next to a running app, a crashed writer) do not reach it, and reading ids it has
        not seen fails with "Error finding id". A reader reopens after every committed generation change.
        """
        if self.url:
            return
        self.close()
        self._open()

    def close(self) -> None:
        close = getattr(self.client, "close", None)
        if close is not None:
            close()

    def add(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]], documents: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self.col.upsert(
                ids=ids[i : i + 1000],
                embeddings=vectors[i : i + 1000].tolist(),
                metadatas=metadatas[i : i + 1000],
                documents=documents[i : i + 1000],
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self.col.delete(ids=ids[i : i + 1000])

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self.col.get(include=[], limit=5000, offset=offset)["ids"]
            out.update(got)
            if len(got) < 5000:
                return out
            offset += len(got)

    def count(self) -> int:
        return int(self.col.count())

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        n = self.count()
        if not n:
            return []
        try:
            res = self.col.query(query_embeddings=[vector.tolist()], n_results=min(k, n), include=["distances"])
        except Exception as err:  # a stale in-process view after another process wrote: read again, once
            if self.url or "Internal" not in type(err).__name__ + str(err):
                raise
            self.reopen()
            res = self.col.query(
                query_embeddings=[vector.tolist()], n_results=min(k, self.count()), include=["distances"]
            )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def reset(self) -> None:
        self.client.delete_collection(self.name)
        self.col = self._collection()
