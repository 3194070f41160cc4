"""BM25 over jieba tokens: a sparse term matrix kept in memory, updated in place, cached on disk.

The catalog (SQLite) is the record of the tokens; `bm25.npz` is a cache of the matrix stamped with
the catalog's generation, so opening a large index loads a few arrays instead of re-tokenizing.
Adding or deleting a document touches only its own rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

K1 = 1.5
B = 0.75


class BM25:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.vocab: dict[str, int] = {}
        self.tf = sparse.csc_matrix((0, 0), dtype=np.float32)
        self.alive = np.zeros(0, bool)
        self.lengths = np.zeros(0, np.float32)
        self.generation = -1
        self._row: dict[str, int] = {}

    def __len__(self) -> int:
        return int(self.alive.sum())

    def add(self, items: list[tuple[str, tuple[str, ...]]]) -> None:
        """Append rows (chunk id, tokens); ids already present are skipped."""
        items = [(cid, toks) for cid, toks in items if cid not in self._row or not self.alive[self._row[cid]]]
        if not items:
            return
        rows, cols, vals = [], [], []
        for i, (_, toks) in enumerate(items):
            counts: dict[int, int] = {}
            for t in toks:
                j = self.vocab.setdefault(t, len(self.vocab))
                counts[j] = counts.get(j, 0) + 1
            rows.extend([i] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        n_old = len(self.ids)
        new = sparse.csc_matrix((vals, (rows, cols)), shape=(len(items), len(self.vocab)), dtype=np.float32)
        old = self.tf
        old.resize((n_old, len(self.vocab)))
        self.tf = sparse.vstack([old, new], format="csc")
        for k, (cid, _) in enumerate(items):
            self._row[cid] = n_old + k
            self.ids.append(cid)
        self.alive = np.concatenate([self.alive, np.ones(len(items), bool)])
        self.lengths = np.concatenate([self.lengths, np.array([len(t) for _, t in items], np.float32)])

    def remove(self, chunk_ids: list[str]) -> None:
        for cid in chunk_ids:
            row = self._row.pop(cid, None)
            if row is not None:
                self.alive[row] = False

    def document_frequency(self, term: str) -> int:
        """How many rows hold term: the stored rows, so chunks removed since the last load still count (search's
        own IDF counts live rows only)."""
        j = self.vocab.get(term)
        return 0 if j is None else int(self.tf.indptr[j + 1] - self.tf.indptr[j])

    def term_counts(self, term: str) -> tuple[int, int]:
        """(document frequency of term, live rows): what an IDF over the chunks needs."""
        return self.document_frequency(term), len(self)

    def search(self, query_tokens: tuple[str, ...] | list[str], k: int) -> list[tuple[str, float]]:
        """Top k (chunk id, score)."""
        n = len(self)
        if not n:
            return []
        avgdl = float(self.lengths[self.alive].mean()) or 1.0
        scores = np.zeros(len(self.ids), np.float32)
        norm = K1 * (1 - B + B * self.lengths / avgdl)
        for t in set(query_tokens):
            j = self.vocab.get(t)
            if j is None:
                continue
            col = self.tf.getcol(j)
            rows, tfs = col.indices, col.data
            live = self.alive[rows]
            rows, tfs = rows[live], tfs[live]
            if not len(rows):
                continue
            idf = np.log(1 + (n - len(rows) + 0.5) / (len(rows) + 0.5))
            scores[rows] += idf * tfs * (K1 + 1) / (tfs + norm[rows])
        scores[~self.alive] = 0
        top = np.argsort(-scores, kind="stable")[:k]  # ties keep insertion order, the same after save/load
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, path: Path, generation: int) -> None:
        """Write the live rows to path (atomically), stamped with the catalog generation."""
        keep = np.flatnonzero(self.alive)
        tf = self.tf[keep] if len(keep) != len(self.ids) else self.tf
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(
            tmp,
            data=tf.data,
            indices=tf.indices,
            indptr=tf.indptr,
            shape=np.array(tf.shape),
            lengths=self.lengths[keep],
            generation=np.array(generation),
            ids=np.array(json.dumps([self.ids[i] for i in keep])),
            vocab=np.array(json.dumps(self.vocab, ensure_ascii=False)),
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> BM25 | None:
        try:
            z = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        self = cls()
        self.tf = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        self.ids = json.loads(str(z["ids"]))
        self.vocab = json.loads(str(z["vocab"]))
        self.lengths = z["lengths"].astype(np.float32)
        self.alive = np.ones(len(self.ids), bool)
        self._row = {cid: i for i, cid in enumerate(self.ids)}
        self.generation = int(z["generation"])
        return self
