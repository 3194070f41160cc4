"""Saved conversations, the query log and feedback, in one SQLite file beside the catalog (index/history.sqlite3).

Every answer the page or the API gives is one row of `answers` (the query log): who asked, which knowledge base,
which reader, how long it took, refused / verified, the answer with its citations. A page answer also belongs to
a conversation of its user. Feedback (👍 / 👎 with an optional correction) is kept per answer; the corrected 👎
cases export as regression questions in the format of eval/questions.jsonl (`type: "reported"`).

Every read is scoped by user: a conversation or an answer of another user is "not found", never shown.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.types import Answer

FILE = "history.sqlite3"
MAX_CORRECTION = 2000
MAX_TITLE = 60
TITLE_CHARS = 40

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, user TEXT NOT NULL, kb TEXT NOT NULL, title TEXT NOT NULL,
  created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_user ON conversations(user, updated_at);
CREATE TABLE IF NOT EXISTS answers (
  id TEXT PRIMARY KEY, conversation TEXT REFERENCES conversations(id) ON DELETE SET NULL,
  user TEXT NOT NULL, kb TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, body TEXT NOT NULL,
  html TEXT NOT NULL DEFAULT '', backend TEXT NOT NULL, latency_s REAL NOT NULL, refused INTEGER NOT NULL,
  verified INTEGER NOT NULL, channel TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_conversation ON answers(conversation, created_at);
CREATE INDEX IF NOT EXISTS answers_time ON answers(created_at);
CREATE TABLE IF NOT EXISTS feedback (
  answer TEXT PRIMARY KEY REFERENCES answers(id) ON DELETE CASCADE, user TEXT NOT NULL, rating INTEGER NOT NULL,
  correction TEXT NOT NULL DEFAULT '', document TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL
);
"""


class HistoryError(ValueError):
    """A bad request about history or feedback (the message says what is wrong)."""


class NotFound(HistoryError):
    """No such conversation or answer for this user."""


def _path(settings: Settings) -> Path:
    from assistant import kb

    return kb.root(settings) / FILE


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


def title_of(question: str) -> str:
    q = " ".join((question or "").split())
    return q if len(q) <= TITLE_CHARS else q[: TITLE_CHARS - 1] + "…"


class History:
    """Conversations, answers and feedback; each call opens a short connection (safe across threads)."""

    def __init__(self, settings: Settings) -> None:
        self.path = _path(settings)

    def _db(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        return db

    def _run(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        db = self._db()
        try:
            with db:
                return db.execute(sql, args).fetchall()
        finally:
            db.close()

    # ---- the query log ----
    def record(
        self,
        user: str,
        kb: str,
        question: str,
        ans: Answer,
        latency_s: float,
        *,
        conversation: str | None = None,
        html: str = "",
        channel: str = "page",
    ) -> str:
        """Log one answer (and add it to `conversation`, created when None and channel is the page); its id."""
        answer_id = new_id("ans")
        now = time.time()
        db = self._db()
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                if channel == "page":
                    if (
                        conversation is None
                        or not db.execute(
                            "SELECT 1 FROM conversations WHERE id=? AND user=?", (conversation, user)
                        ).fetchone()
                    ):
                        conversation = new_id("conv")
                        db.execute(
                            "INSERT INTO conversations(id, user, kb, title, created_at, updated_at) "
                            "VALUES(?,?,?,?,?,?)",
                            (conversation, user, kb, title_of(question), now, now),
                        )
                    else:
                        db.execute("UPDATE conversations SET updated_at=?, kb=? WHERE id=?", (now, kb, conversation))
                else:
                    conversation = None
                db.execute(
                    "INSERT INTO answers(id, conversation, user, kb, question, answer, body, html, backend, latency_s, "
                    "refused, verified, channel, created_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        answer_id,
                        conversation,
                        user,
                        kb,
                        question,
                        ans.answer,
                        json.dumps(ans.to_dict(), ensure_ascii=False),
                        html,
                        ans.backend,
                        float(latency_s),
                        int(ans.refused),
                        int(ans.verified),
                        channel,
                        now,
                    ),
                )
        finally:
            db.close()
        return answer_id

    def conversation_of(self, answer_id: str) -> str | None:
        rows = self._run("SELECT conversation FROM answers WHERE id=?", (answer_id,))
        return rows[0][0] if rows else None

    def answer(self, answer_id: str, user: str | None = None) -> dict[str, Any]:
        """One logged answer (of `user`; None: any user, for admins); NotFound otherwise."""
        rows = self._run(
            "SELECT id, user, kb, question, body, created_at, conversation FROM answers WHERE id=?",
            (str(answer_id or ""),),
        )
        if not rows or (user is not None and rows[0][1] != user):
            raise NotFound(f"没有编号为「{answer_id}」的回答 (no answer {answer_id!r})")
        r = rows[0]
        return {
            "id": r[0],
            "user": r[1],
            "kb": r[2],
            "question": r[3],
            **json.loads(r[4]),
            "created_at": r[5],
            "conversation": r[6],
        }

    # ---- conversations ----
    def conversations(self, user: str) -> list[dict[str, Any]]:
        """The user's conversations, newest first."""
        rows = self._run(
            "SELECT id, kb, title, created_at, updated_at FROM conversations WHERE user=? ORDER BY updated_at DESC",
            (user,),
        )
        return [{"id": r[0], "kb": r[1], "title": r[2], "created_at": r[3], "updated_at": r[4]} for r in rows]

    def turns(self, user: str, conversation: str) -> list[dict[str, Any]]:
        """The answers of one of the user's conversations, oldest first; NotFound when it is not theirs."""
        self._own(user, conversation)
        rows = self._run(
            "SELECT id, question, answer, html, kb FROM answers WHERE conversation=? ORDER BY created_at",
            (conversation,),
        )
        return [{"id": r[0], "question": r[1], "answer": r[2], "html": r[3], "kb": r[4]} for r in rows]

    def _own(self, user: str, conversation: str) -> None:
        if not self._run("SELECT 1 FROM conversations WHERE id=? AND user=?", (conversation, user)):
            raise NotFound(f"没有这个对话 (no conversation {conversation!r})")

    def rename(self, user: str, conversation: str, title: str) -> str:
        title = " ".join((title or "").split())
        if not title:
            raise HistoryError("请填写新的对话标题 (the title is empty)")
        if len(title) > MAX_TITLE:
            raise HistoryError(f"标题不能超过 {MAX_TITLE} 个字符 (title longer than {MAX_TITLE} characters)")
        self._own(user, conversation)
        self._run("UPDATE conversations SET title=? WHERE id=? AND user=?", (title, conversation, user))
        return title

    def delete(self, user: str, conversation: str) -> None:
        """Delete one of the user's conversations (its answers stay in the query log, without text)."""
        self._own(user, conversation)
        db = self._db()
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.execute("UPDATE answers SET html='' WHERE conversation=?", (conversation,))
                db.execute("DELETE FROM conversations WHERE id=? AND user=?", (conversation, user))
        finally:
            db.close()

    # ---- feedback ----
    def feedback(
        self,
        user: str | None,
        answer_id: str,
        rating: Any,
        correction: str = "",
        document: str = "",
        *,
        admin: bool = False,
    ) -> dict[str, Any]:
        """Record 👍 (rating 1 / "up") or 👎 (-1 / "down") on an answer of `user` (admin: any answer)."""
        if isinstance(rating, bool):
            rating = 1 if rating else -1
        rating = {"up": 1, "down": -1, "like": 1, "dislike": -1, 1: 1, -1: -1}.get(rating)
        if rating is None:
            raise HistoryError('rating must be "up" or "down" (1 or -1)')
        correction, document = (correction or "").strip(), (document or "").strip()
        if len(correction) > MAX_CORRECTION:
            raise HistoryError(
                f"更正内容不能超过 {MAX_CORRECTION} 个字符 (correction longer than {MAX_CORRECTION} "
                "characters); nothing was saved"
            )
        if len(document) > 300:
            raise HistoryError("document longer than 300 characters; nothing was saved")
        row = self.answer(answer_id, None if admin else user)
        self._run(
            "INSERT INTO feedback(answer, user, rating, correction, document, created_at) VALUES(?,?,?,?,?,?) "
            "ON CONFLICT(answer) DO UPDATE SET rating=excluded.rating, correction=excluded.correction, "
            "document=excluded.document, user=excluded.user, created_at=excluded.created_at",
            (row["id"], user or row["user"], rating, correction, document, time.time()),
        )
        return {
            "answer_id": row["id"],
            "rating": "up" if rating > 0 else "down",
            "correction": correction,
            "document": document,
        }

    def feedback_rows(self) -> list[dict[str, Any]]:
        """Every feedback with its question, answer and citations, newest first (the admin 反馈 tab)."""
        rows = self._run(
            "SELECT f.answer, f.user, f.rating, f.correction, f.document, f.created_at, a.question, "
            "a.body, a.kb FROM feedback f JOIN answers a ON a.id = f.answer ORDER BY f.created_at DESC"
        )
        out = []
        for r in rows:
            body = json.loads(r[7])
            out.append(
                {
                    "answer_id": r[0],
                    "user": r[1],
                    "rating": "up" if r[2] > 0 else "down",
                    "correction": r[3],
                    "document": r[4],
                    "created_at": r[5],
                    "question": r[6],
                    "answer": body.get("answer", ""),
                    "citations": body.get("citations", []),
                    "refused": body.get("refused", False),
                    "kb": r[8],
                }
            )
        return out

    def reported_cases(self) -> list[dict[str, Any]]:
        """The corrected 👎 answers whose correction holds a figure, as eval questions (eval/questions.jsonl's
        fields, `type: "reported"`, the figures of the correction as key facts)."""
        from assistant.cite import figures

        out: list[dict[str, Any]] = []
        for f in sorted(
            (f for f in self.feedback_rows() if f["rating"] == "down" and f["correction"]),
            key=lambda f: f["created_at"],
        ):
            facts = [[fig.text.strip()] for fig in figures(f["correction"]) if fig.text.strip()]
            facts = [v for j, v in enumerate(facts) if v not in facts[:j]]
            if not facts:  # a correction without a figure cannot be scored as a key fact
                continue
            sources = (
                [f["document"]]
                if f["document"]
                else list(dict.fromkeys(c["source"] for c in f["citations"] if c.get("source")))
            )
            out.append(
                {
                    "id": f"r{len(out) + 1:03d}",
                    "user_input": f["question"],
                    "reference": f["correction"],
                    "reference_key_facts": facts,
                    "reference_sources": sources,
                    "type": "reported",
                    "split": "reported",
                }
            )
        return out

    # ---- statistics ----
    def log(self, since: float = 0.0) -> list[dict[str, Any]]:
        rows = self._run(
            "SELECT a.id, a.user, a.kb, a.question, a.backend, a.latency_s, a.refused, a.verified, "
            "a.channel, a.created_at, f.rating FROM answers a LEFT JOIN feedback f ON f.answer = a.id "
            "WHERE a.created_at >= ? ORDER BY a.created_at",
            (since,),
        )
        keys = (
            "id",
            "user",
            "kb",
            "question",
            "reader",
            "latency_s",
            "refused",
            "verified",
            "channel",
            "created_at",
            "feedback",
        )
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def stats(self, since: float = 0.0, top: int = 10) -> dict[str, Any]:
        """Questions per day, refusal rate, median / p95 latency, most-asked and most-refused questions."""
        rows = self.log(since)
        lat = sorted(r["latency_s"] for r in rows)
        per_day = Counter(time.strftime("%Y-%m-%d", time.localtime(r["created_at"])) for r in rows)
        asked = Counter(" ".join(r["question"].split()) for r in rows)
        refused = Counter(" ".join(r["question"].split()) for r in rows if r["refused"])
        fb = Counter(r["feedback"] for r in rows if r["feedback"] is not None)
        n = len(rows)
        return {
            "questions": n,
            "refusal_rate": round(sum(r["refused"] for r in rows) / n, 4) if n else 0.0,
            "verified_rate": round(
                sum(r["verified"] for r in rows if not r["refused"]) / max(1, sum(not r["refused"] for r in rows)), 4
            )
            if n
            else 0.0,
            "latency_p50_s": round(statistics.median(lat), 4) if lat else 0.0,
            "latency_p95_s": round(lat[int(0.95 * (len(lat) - 1))], 4) if lat else 0.0,
            "per_day": dict(sorted(per_day.items())),
            "by_kb": dict(Counter(r["kb"] for r in rows).most_common()),
            "by_reader": dict(Counter(r["reader"] for r in rows).most_common()),
            "feedback": {"up": fb.get(1, 0), "down": fb.get(-1, 0)},
            "most_asked": [{"question": q, "count": c} for q, c in asked.most_common(top)],
            "most_refused": [{"question": q, "count": c} for q, c in refused.most_common(top)],
        }
