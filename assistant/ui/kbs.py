"""The knowledge bases one running app serves: one AssistantUI per knowledge base, opened on first use.

The app's own knowledge base (ASSISTANT_KB, normally `default`) is opened as writer at start; the others
are opened as readers and take their writer lock on their first write, as a CLI next to the app would.
Every handler of the page and of the /v1 API gets its knowledge base from here, so a question asked of
one knowledge base only ever reads that knowledge base's catalog, BM25, vectors and indicator records.
`AcrossKBs` is the page's 全部 (one question asked of several); `manage_kb` is its 知识库管理.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant import kb
from assistant.cite import SENTENCE_CLOSE
from assistant.labels import DOCUMENTS
from assistant.ui.controller import AssistantUI
from assistant.ui.markup import esc, result_html

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.types import Answer

CITE = re.compile(r"\[(\d{1,2})\]")
ONE_KB = "请先在上方选择一个具体的知识库（「全部」只用于提问）。"


class KBPool:
    """name -> AssistantUI, thread-safe; knowledge bases created, renamed or deleted elsewhere are noticed."""

    def __init__(self, settings: Settings, primary: AssistantUI) -> None:
        self.settings = kb.for_kb(settings)
        self.primary = primary
        self.primary_name = primary.library.kb
        self._uis: dict[str, AssistantUI] = {}
        self._lock = threading.Lock()
        from assistant import users
        from assistant.history import History

        self.users = users.shared(self.settings)  # accounts and roles (the page's login and the API's)
        self.history = History(self.settings)  # conversations, the query log, feedback

    def names(self) -> list[str]:
        return kb.names(self.settings)

    def get(self, name: str) -> AssistantUI:
        """The AssistantUI of knowledge base `name`; kb.UnknownKB when there is none (any more)."""
        name = kb.check_name(name)
        if name == self.primary_name:
            return self.primary
        with self._lock:
            if not kb.exists(self.settings, name):
                stale = self._uis.pop(name, None)
                if stale is not None:
                    self._close(stale)
                kb.require(self.settings, name)
            ui = self._uis.get(name)
            if ui is None:
                from assistant.index import Library

                library = Library(kb.for_kb(self.settings, name), embedder=self.primary.library.embedder)
                ui = self._uis[name] = AssistantUI(library.settings, library)
                ui.pool = self  # type: ignore[attr-defined]
            return ui

    @staticmethod
    def _close(ui: AssistantUI) -> None:
        with ui.lock.write():  # no question or write of it is running
            ui.library.close()

    def _forget(self, name: str) -> None:
        with self._lock:
            ui = self._uis.pop(name, None)
        if ui is not None:
            self._close(ui)

    # ---- create / rename / delete (page and API) ----
    def create(self, name: str) -> dict[str, Any]:
        return kb.create(self.settings, name)

    def rename(self, old: str, new: str) -> dict[str, Any]:
        if kb.check_name(old) == self.primary_name:
            raise kb.KBError(
                f"「{old}」是本服务打开的知识库，不能在运行中重命名 (the app's own knowledge base cannot be "
                "renamed while it runs)"
            )
        self._forget(old)  # releases its writer lock
        return kb.rename(self.settings, old, new)

    def delete(self, name: str) -> dict[str, Any]:
        if kb.check_name(name) == self.primary_name:
            raise kb.KBError(
                f"「{name}」是本服务打开的知识库，不能在运行中删除 (the app's own knowledge base cannot be "
                "deleted while it runs)"
            )
        self._forget(name)
        return kb.delete(self.settings, name)

    # ---- one question across several knowledge bases ----
    def ask_all(
        self, question: str, history: list[tuple[str, str]] | None = None, names: list[str] | None = None
    ) -> Answer:
        """Ask every knowledge base (or those named); the answers that are not refusals, each headed by its
        knowledge base, with citations renumbered and naming their knowledge base."""
        names = self.names() if names is None else names
        if not names:
            raise kb.KBError("no knowledge base to ask")
        asked = [(name, self.get(name).ask(question, history)) for name in names]
        return combine(asked)


def _renumber(text: str, offset: int) -> str:
    return CITE.sub(lambda m: f"[{int(m.group(1)) + offset}]", text) if offset else text


def combine(asked: list[tuple[str, Answer]]) -> Answer:
    """One Answer from several knowledge bases' answers to the same question."""
    from dataclasses import replace

    from assistant.types import Answer

    answered = [(name, a) for name, a in asked if not a.refused]
    if not answered:
        first = asked[0][1]
        related = [dict(r, kb=name) for name, a in asked for r in a.related][:5]
        return Answer(
            first.answer,
            True,
            first.backend,
            True,
            [],
            [],
            related,
            first.note,
            first.question,
            [p for _, a in asked for p in a.passages],
        )
    if len(answered) == 1:
        name, a = answered[0]
        a.citations = [replace(c, kb=name) for c in a.citations]
        return a
    parts, citations, offset = [], [], 0
    for name, a in answered:
        parts.append(f"【{name}】{_renumber(a.answer, offset)}")
        citations += [replace(c, n=c.n + offset, kb=name) for c in a.citations]
        offset += max([c.n for c in a.citations] or [0])
    first = answered[0][1]
    return Answer(
        "\n".join(parts),
        False,
        first.backend,
        all(a.verified for _, a in answered),
        citations,
        [u for _, a in answered for u in a.unverified],
        [],
        " ".join(a.note for _, a in answered if a.note),
        first.question,
        [p for _, a in answered for p in a.passages],
        [c for _, a in answered for c in a.computed],
    )


def stream_pieces(text: str) -> Iterator[str]:
    """The answer sentence by sentence (with their [n] markers); the pieces join to exactly `text`."""
    start = 0
    for m in re.finditer(rf"{SENTENCE_CLOSE}(?:\s*\[\d{{1,2}}\])*\n*|\n+", text):
        if m.end() > start:
            yield text[start : m.end()]
            start = m.end()
    if start < len(text):
        yield text[start:]


class AcrossKBs(AssistantUI):
    """全部 on the page: one question asked of every knowledge base, each citation naming its knowledge base."""

    def __init__(self, pool: Any) -> None:  # noqa: D107 - shares the primary's settings; asks through the pool
        primary = pool.primary
        self.settings, self.library, self.lock, self.qa, self.pool = (
            primary.settings,
            primary.library,
            primary.lock,
            primary.qa,
            pool,
        )

    kb_label = "全部"
    only: list[str] | None = None  # the knowledge bases the signed-in user may ask (None: every one)

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        return self.pool.ask_all(question, history or None, self.only)

    def stats(self) -> dict[str, Any]:
        names = self.pool.names() if self.only is None else self.only
        parts = [self.pool.get(name).stats() for name in names]
        return {
            "documents": sum(p["documents"] for p in parts),
            "chunks": sum(p["chunks"] for p in parts),
            "embedder": self.library.embedder.name,
            "suspicious": sum(p["suspicious"] for p in parts),
        }


def manage_kb(pool: Any, action: str, current: str, name: str, confirm: bool = False) -> tuple[str, str]:
    """The page's 知识库管理: create / rename the current one / delete the current one; (HTML message, KB to select)."""
    from assistant import kb

    name = (name or "").strip()
    try:
        if action == "create":
            pool.create(name)
            return result_html("ok", f"✓ 已新建知识库「{esc(name)}」，现在可以在「新增公告」中向它添加文件。"), name
        if current == kb.ALL:
            return result_html("err", ONE_KB), current
        if action == "rename":
            pool.rename(current, name)
            return result_html("ok", f"✓ 知识库「{esc(current)}」已重命名为「{esc(name)}」。"), name
        if not confirm:
            return result_html("info", f"请勾选「确认删除」后再删除知识库「{esc(current)}」。"), current
        info = pool.delete(current)
        return result_html(
            "ok", f"已删除知识库「{esc(current)}」（{info['documents']} {DOCUMENTS}）。"
        ), pool.primary_name
    except (kb.KBError, OSError) as exc:
        return result_html("err", esc(exc)), current
    except Exception as exc:  # noqa: BLE001 - IndexBusy and the like, shown to the user
        return result_html("err", f"操作失败：{esc(exc)}"), current
