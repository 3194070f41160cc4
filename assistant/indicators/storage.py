"""Indicator records in the catalog database: the `indicators` table next to `documents`, written in the
document's own transaction, read by indicator and place."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from assistant.indicators.catalogue import Record
from assistant.indicators.extraction import extract

COLUMNS = ("doc_id", "indicator", "value", "unit", "raw", "year", "place", "kind", "start", "end", "sentence", "phrase")
SCHEMA = [
    """CREATE TABLE IF NOT EXISTS indicators (
      doc_id TEXT NOT NULL, indicator TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, raw TEXT NOT NULL,
      year TEXT NOT NULL, place TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
      sentence TEXT NOT NULL, phrase TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS indicators_doc ON indicators(doc_id)",
    "CREATE INDEX IF NOT EXISTS indicators_name ON indicators(indicator, place, year)",
]
_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in COLUMNS) + " FROM indicators"


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction when there is one (so a document and its records commit together)."""
    if db.in_transaction:
        yield
        return
    with db:
        db.execute("BEGIN IMMEDIATE")
        yield


def ensure_table(db: sqlite3.Connection) -> None:
    # Statement by statement: executescript() would commit a transaction the caller has open.
    for statement in SCHEMA:
        db.execute(statement)


def replace_records(db: sqlite3.Connection, doc_id: str, records: Iterable[Record]) -> int:
    """Replace the records of doc_id, atomically; returns how many were written."""
    rows = [tuple(getattr(r, c) for c in COLUMNS) for r in records]
    if any(r[0] != doc_id for r in rows):
        raise ValueError("every record must belong to doc_id")
    with _transaction(db):
        ensure_table(db)
        db.execute("DELETE FROM indicators WHERE doc_id=?", (doc_id,))
        db.executemany(
            "INSERT INTO indicators("
            + ", ".join(f'"{c}"' for c in COLUMNS)
            + ") VALUES("
            + ",".join("?" * len(COLUMNS))
            + ")",
            rows,
        )
    return len(rows)


def delete_records(db: sqlite3.Connection, doc_id: str) -> int:
    with _transaction(db):
        ensure_table(db)
        return db.execute("DELETE FROM indicators WHERE doc_id=?", (doc_id,)).rowcount


def query(db: sqlite3.Connection, indicator: str | None = None, place: str | None = None) -> list[Record]:
    ensure_table(db)
    where, args = [], []
    if indicator:
        where.append("indicator=?")
        args.append(indicator)
    if place:
        where.append("place=?")
        args.append(place)
    sql = (
        _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY indicator, place, year, doc_id, start"
    )
    return [Record(*row) for row in db.execute(sql, args)]


def indicators_available(db: sqlite3.Connection) -> list[tuple[str, str]]:
    ensure_table(db)
    return [
        (r[0], r[1]) for r in db.execute("SELECT DISTINCT indicator, place FROM indicators ORDER BY indicator, place")
    ]


def index_document(db: sqlite3.Connection, doc_id: str, text: str, meta: dict[str, Any]) -> int:
    """Extract and store the records of one cleaned document (what Library.index_document calls)."""
    return replace_records(db, doc_id, extract(doc_id, text, meta))


def backfill(db: sqlite3.Connection, only_missing: bool = True) -> int:
    """Extract records for the catalog's documents (an index built before this table existed)."""
    ensure_table(db)
    done = {r[0] for r in db.execute("SELECT DISTINCT doc_id FROM indicators")} if only_missing else set()
    n = 0
    for doc_id, text, meta in db.execute("SELECT doc_id, text, meta FROM documents").fetchall():
        if doc_id not in done:
            n += index_document(db, doc_id, text, json.loads(meta))
    return n


def prune(db: sqlite3.Connection) -> int:
    """Drop records whose document is no longer in the catalog (a crash between the two writes)."""
    with _transaction(db):
        ensure_table(db)
        return db.execute("DELETE FROM indicators WHERE doc_id NOT IN (SELECT doc_id FROM documents)").rowcount
