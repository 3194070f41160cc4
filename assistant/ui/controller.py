"""The page logic: `AssistantUI`, one per knowledge base, plain Python with no Gradio import.

Each handler returns plain values (HTML strings, rows, dicts), so tests call them directly;
`layout.py` lays out the components and `handlers.py` wires their events to these methods.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.labels import DOCUMENTS, INDICATOR_COLUMNS
from assistant.ui.lock import RWLock
from assistant.ui.markup import esc, result_html
from assistant.ui.render import (
    NO_INDICATORS,
    NOT_FOUND,
    backend_label,
    indicator_view_html,
    is_table_answer,
    render_answer,
    render_error,
    render_partial,
    render_pending,
    render_question,
)

if TYPE_CHECKING:
    from assistant.index import Library
    from assistant.settings import Settings
    from assistant.types import Answer, Citation

DEFAULT_INDICATORS = ("高新技术企业数", "科技型中小企业入库数", "技术合同成交额", "科技成果转化项数")
TABLE_COLUMNS = ["标题", "发文单位", "日期", "类型", "地区", "段落数", "来源", "doc_id", "⚠"]
MAX_HISTORY = 8
STREAM_DELAY_S = 0.06
DATE_INPUT = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Progress = Callable[..., Any] | None


def _tick(progress: Progress, value: float, desc: str) -> None:
    if progress is not None:
        try:
            progress(value, desc=desc)
        except Exception:  # noqa: BLE001 - a progress bar must never break indexing
            pass


# -- the page logic -----------------------------------------------------------------------------
class AssistantUI:
    """Handlers behind the page; each returns plain values (HTML strings, rows, dicts)."""

    def __init__(self, settings: Settings, library: Library) -> None:
        from assistant.chain import QA

        self.settings = settings
        self.library = library
        self.lock = RWLock()
        self.qa = QA(settings, library=library)

    # ---- 问答 ----
    @staticmethod
    def new_session() -> dict[str, list]:
        return {"messages": [], "history": []}

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        with self.lock.read():
            return self.qa.ask(question, history=history or None)

    def respond(
        self,
        message: str,
        session: dict[str, Any] | None,
        record: Callable[..., tuple[str, str | None]] | None = None,
    ) -> Iterator[tuple[list[dict[str, str]], dict[str, Any], str]]:
        """Stream an answer: (chat messages, session, textbox value) after each step.

        record(question, answer, elapsed_s, html, conversation) -> (answer id, conversation id) saves the answer
        (the page: in the user's conversation); the session keeps both, the answer id per chat message index."""
        session = session or self.new_session()
        messages = list(session.get("messages", []))
        history = list(session.get("history", []))
        extra = {k: v for k, v in session.items() if k not in ("messages", "history")}

        def state() -> dict[str, Any]:
            return {**extra, "messages": messages, "history": history}

        question = (message or "").strip()
        if not question:
            yield messages, state(), ""
            return
        messages.append({"role": "user", "content": render_question(question)})
        yield messages + [{"role": "assistant", "content": render_pending()}], state(), ""
        t0 = time.perf_counter()
        try:
            ans = self.ask(question, history[-MAX_HISTORY:])
        except Exception as exc:  # noqa: BLE001 - shown in the chat, logged on the console
            print(f"error answering {question!r}: {exc!r}", file=sys.stderr)
            messages.append({"role": "assistant", "content": render_error(str(exc) or exc.__class__.__name__)})
            yield messages, state(), ""
            return
        elapsed = time.perf_counter() - t0
        if not ans.refused and not is_table_answer(ans):  # a table appears whole
            from assistant.cite import split_answer

            shown: list[str] = []
            for sentence in split_answer(ans.answer)[:-1]:
                shown.append(sentence)
                yield messages + [{"role": "assistant", "content": render_partial(ans, shown)}], state(), ""
                time.sleep(STREAM_DELAY_S)
        html_answer = render_answer(ans, elapsed)
        messages.append({"role": "assistant", "content": html_answer})
        history = (history + [(question, ans.answer)])[-MAX_HISTORY:]
        if record is not None:
            try:
                answer_id, conversation = record(question, ans, elapsed, html_answer, extra.get("conversation"))
                extra["conversation"] = conversation
                extra["ids"] = {**extra.get("ids", {}), str(len(messages) - 1): answer_id}
                extra["last"] = answer_id
            except Exception as exc:  # noqa: BLE001 - the answer is shown even when saving it failed
                print(f"error saving the answer to {question!r}: {exc!r}", file=sys.stderr)
        yield messages, state(), ""

    # ---- 指标 ----
    def indicator_pairs(self) -> list[tuple[str, str]]:
        """(indicator, place) pairs that have records, from the catalog."""

        with self.lock.read():
            return self.library.indicators_available()

    def indicator_options(
        self, place: str | None = None, indicator: str | None = None
    ) -> tuple[list[str], str, list[str], str]:
        """(places, place, indicators of that place, indicator).

        The current choice where it still exists, else a default.
        """
        pairs = self.indicator_pairs()
        counts: dict[str, int] = {}
        for _, pl in pairs:
            counts[pl] = counts.get(pl, 0) + 1
        places = sorted(counts, key=lambda p: (-counts[p], p))
        if not places:
            return [], "", [], ""
        place = place if place in counts else places[0]
        names = [ind for ind, pl in pairs if pl == place]
        if indicator not in names:
            indicator = next((n for n in DEFAULT_INDICATORS if n in names), names[0])
        return places, place, names, indicator

    def indicator_data(
        self, place: str, indicator: str
    ) -> tuple[str, list[list[str]], list[dict[str, Any]], list[Citation]]:
        """(markdown-style header, cells with [n] markers, plain rows, citations) for one indicator in one place."""
        from assistant import indicators
        from assistant.answer import cite_span

        with self.lock.read():
            records = self.library.indicator_records(indicator, place)
            rows = indicators.table(records, indicator, place)
            numbers: dict[tuple[str, int, int], int] = {}

            def cite(entry: dict[str, Any]) -> str:
                marks = "".join(
                    f"[{numbers.setdefault((s['doc_id'], s['start'], s['end']), len(numbers) + 1)}]"
                    for s in entry["sources"]
                )
                return str(entry["text"]) + marks

            def show(cell: dict[str, Any] | None, label: str = "") -> str:
                if not cell:
                    return ""
                return "；".join([label + cite(cell)] + [f"另有{label}{cite(o)}" for o in cell["others"]])

            cells, plain = [], []
            for row in rows:
                target = show(row["target"]) or NOT_FOUND
                done = "；".join(x for x in (show(row["achieved"]), show(row["forecast"], "预计")) if x) or NOT_FOUND
                rate = (
                    (row["rate"] + ("（按预计数）" if row["rate_basis"] == "forecast" else "")) if row["rate"] else "—"
                )
                cells.append([f"{row['year']}年" if row["year"] else "年份未注明", target, done, rate])
                plain.append(
                    {
                        "year": row["year"],
                        "place": row["place"],
                        "indicator": row["indicator"],
                        **{k: (row[k] or {}).get("text", "") for k in ("target", "achieved", "forecast")},
                        "rate": row["rate"] or "",
                    }
                )
            quotes = indicators.source_sentences(rows)
            metas = self.library.catalog.doc_meta(d for d, _, _ in numbers)
            citations = []
            for (doc_id, start, end), n in sorted(numbers.items(), key=lambda kv: kv[1]):
                m = metas.get(doc_id, {})
                citations.append(cite_span(n, doc_id, m, quotes.get((doc_id, start, end), ""), start, end))
        return list(INDICATOR_COLUMNS), cells, plain, citations

    def indicator_record(self, place: str, indicator: str) -> dict[str, Any]:
        """The 指标 tab's table as an answer record (question, markdown table, rows, citations) for export."""
        header, cells, plain, citations = self.indicator_data(place, indicator)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in cells]
        return {
            "id": f"{place}-{indicator}",
            "question": f"{place} · {indicator}",
            "answer": "\n".join(lines),
            "table": plain,
            "citations": [c.to_dict() for c in citations],
        }

    def indicator_view(self, place: str | None, indicator: str | None) -> str:
        """The 指标 tab: the table, the chart and the cited sentences (title · date · sentence) as one HTML block."""
        if not place or not indicator:
            return result_html("info", NO_INDICATORS)
        try:
            header, cells, plain, citations = self.indicator_data(place, indicator)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged on the console
            print(f"error reading indicators {place!r}/{indicator!r}: {exc!r}", file=sys.stderr)
            return result_html("err", f"读取指标数据失败：{esc(exc) or esc(exc.__class__.__name__)}")
        if not cells:
            return result_html("info", f"没有找到{esc(place)}「{esc(indicator)}」的数据。")
        return indicator_view_html(place, indicator, header, cells, plain, citations)

    # ---- 新增公告 ----
    @staticmethod
    def prefill(
        text: str, title: str, date: str, issuer: str, auto: dict[str, str] | None
    ) -> tuple[str, str, str, dict[str, str]]:
        """Title/date/issuer read from the pasted text's own header, for fields the user left empty.

        A field still holding the value this function filled in last time counts as empty, so the
        suggestion follows the text until the user types over it.
        """
        from assistant.clean import clean
        from assistant.metadata import parse_metadata

        auto = dict(auto or {})
        current = {"title": title or "", "date": date or "", "issuer": issuer or ""}
        found = {"title": "", "date": "", "issuer": ""}
        if text and text.strip():
            sample = text if len(text) <= 20000 else text[:20000]
            try:
                meta = parse_metadata(clean(sample))
                found = {k: (meta.get(k) or "").strip()[:120] for k in found}
            except Exception:  # noqa: BLE001 - a suggestion only
                pass
        out = {}
        for key in ("title", "date", "issuer"):
            value = current[key].strip()
            if not value or value == auto.get(key, ""):
                out[key] = found[key]
                auto[key] = found[key]
            else:
                out[key] = current[key]
        return out["title"], out["date"], out["issuer"], auto

    @staticmethod
    def _check_date(date: str) -> tuple[str, str]:
        """(normalized date, error message)."""
        from assistant.metadata import normalize_date

        date = (date or "").strip()
        if not date:
            return "", ""
        norm = normalize_date(date)
        if not norm or not DATE_INPUT.match(norm):
            return "", f"发布日期「{esc(date)}」格式不对，请写成 YYYY-MM-DD（例如 2024-02-20），或留空自动识别。"
        return norm, ""

    def _added_message(self, result: Any, what: str) -> tuple[str, bool]:
        """(HTML message, added) for an AddResult."""
        title = esc(result.title or result.source or result.doc_id)
        if result.duplicate:
            msg = result_html(
                "dup",
                f"这份{what}与已收录的文件重复：《{title}》"
                f"（doc_id <code>{esc(result.doc_id)}</code>），没有重复索引。",
            )
            return msg, False
        msg = (
            f"✓ 已索引 {result.chunks} 个段落：《{title}》<br>"
            f'<span class="pa-small">doc_id <code>{esc(result.doc_id)}</code> · 来源 {esc(result.source)} · '
            "现在就可以在「问答」中提问。</span>"
        )
        body = result_html("ok", msg)
        if result.suspicious:
            body += result_html(
                "warn",
                f"⚠ 疑似包含指令注入或隐藏文字：{esc(result.suspicious)}。该文件只作为资料被引用，"
                "其中的文字不会被当作指令执行；请在「文档库」中核对，必要时删除。",
            )
        return body, True

    def add_paste(
        self, text: str, title: str = "", date: str = "", issuer: str = "", progress: Progress = None
    ) -> tuple[str, bool]:
        """Index a pasted bulletin; returns (HTML message, added)."""
        from assistant.load import LoadError

        if not text or not text.strip():
            return result_html("err", "请先在上面粘贴公告正文。"), False
        norm_date, err = self._check_date(date)
        if err:
            return result_html("err", err), False
        _tick(progress, 0.1, "检查内容…")
        try:
            with self.lock.write():
                _tick(progress, 0.3, "切分段落并计算向量…")
                result = self.library.add_text(text, title or "", norm_date, issuer or "")
        except LoadError as exc:
            return result_html("err", f"无法索引：{esc(exc)}"), False
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged on the console
            print(f"error indexing a paste: {exc!r}", file=sys.stderr)
            return result_html("err", f"索引失败：{esc(exc) or esc(exc.__class__.__name__)}"), False
        _tick(progress, 1.0, "完成")
        return self._added_message(result, "公告")

    def add_file(
        self, path: str | None, title: str = "", date: str = "", issuer: str = "", progress: Progress = None
    ) -> tuple[str, bool]:
        """Index an uploaded file (its content is checked by magic bytes); returns (HTML message, added)."""
        from assistant.load import LoadError

        if not path:
            return result_html("err", "请先选择要上传的文件（PDF / DOCX / TXT / MD / HTML）。"), False
        norm_date, err = self._check_date(date)
        if err:
            return result_html("err", err), False
        p = Path(path)
        limit = self.settings.load.max_file_mb
        try:
            if p.stat().st_size > limit * 1024 * 1024:
                return result_html("err", f"文件超过 {limit:.0f} MB 上限 (file too large)"), False
            data = p.read_bytes()
        except OSError as exc:
            return result_html("err", f"读取上传的文件失败：{esc(exc)}"), False
        _tick(progress, 0.1, "识别文件类型并提取文字…")

        def on_page(done: int, total: int) -> None:  # a scan or long PDF, page by page (OCR), then the chunks
            desc = "切分段落并计算向量…" if done >= total else f"识别第 {done + 1}/{total} 页…"
            _tick(progress, 0.1 + 0.3 * done / max(1, total), desc)

        try:
            with self.lock.write():
                result = self.library.add_upload(data, p.name, title or "", norm_date, issuer or "", on_page=on_page)
        except LoadError as exc:
            return result_html("err", f"无法索引《{esc(p.name)}》：{esc(exc)}"), False
        except Exception as exc:  # noqa: BLE001
            print(f"error indexing upload {p.name!r}: {exc!r}", file=sys.stderr)
            return result_html("err", f"索引失败：{esc(exc) or esc(exc.__class__.__name__)}"), False
        _tick(progress, 1.0, "完成")
        return self._added_message(result, "文件")

    # ---- 文档库 ----
    def rows(self, query: str = "") -> list[list[Any]]:
        q = (query or "").strip().lower()
        out = []
        for d in self.library.documents():
            row = [
                d.get("title", ""),
                d.get("issuer", ""),
                d.get("date", ""),
                d.get("doc_type", ""),
                d.get("region", ""),
                int(d.get("chunks", 0) or 0),
                d.get("source", ""),
                d.get("doc_id", ""),
                f"⚠ {d['suspicious']}" if d.get("suspicious") else "",
            ]
            if q and not any(q in str(v).lower() for v in row):
                continue
            out.append(row)
        out.sort(key=lambda r: (r[2] or "0000", r[0]), reverse=True)
        return out

    def table(self, query: str = "") -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows(query), columns=TABLE_COLUMNS)

    def stats(self) -> dict[str, Any]:
        docs = self.library.documents()
        return {
            "documents": len(docs),
            "chunks": sum(int(d.get("chunks", 0) or 0) for d in docs),
            "embedder": self.library.embedder.name,
            "suspicious": sum(1 for d in docs if d.get("suspicious")),
        }

    def stats_html(self) -> str:
        s = self.stats()
        flag = f'<span class="pa-stat pa-stat-warn">⚠ {s["suspicious"]} 份待核对</span>' if s["suspicious"] else ""
        answerer = backend_label(getattr(self.qa.answerer, "name", "extractive"))
        if self.qa.backend_error:
            flag += (
                f'<span class="pa-stat pa-stat-warn" title="{esc(self.qa.backend_error)}">'
                "⚠ 大模型未启用，使用抽取式回答</span>"
            )
        kb_name = getattr(self, "kb_label", "") or getattr(self.library, "kb", "default")
        return (
            f'<div class="pa-stats"><span class="pa-stat">知识库 <b>{esc(kb_name)}</b></span>'
            f'<span class="pa-stat"><b>{s["documents"]}</b> {DOCUMENTS}</span>'
            f'<span class="pa-stat"><b>{s["chunks"]}</b> 个段落</span>'
            f'<span class="pa-stat">嵌入模型 <code>{esc(s["embedder"])}</code></span>'
            f'<span class="pa-stat">回答方式 {esc(answerer)}</span>{flag}</div>'
        )

    def delete(self, doc_id: str, confirm: bool) -> tuple[str, bool]:
        """Delete a document after confirmation; returns (HTML message, deleted)."""
        doc_id = (doc_id or "").strip()
        if not doc_id:
            return result_html("err", "请填写要删除的 doc_id（点击表格中的一行可自动填入）。"), False
        if not confirm:
            return result_html("info", f"请勾选「确认删除」后再点击删除（doc_id <code>{esc(doc_id)}</code>）。"), False
        doc = next((d for d in self.library.documents() if d.get("doc_id") == doc_id), None)
        if doc is None:
            return result_html("err", f"没有找到 doc_id 为 <code>{esc(doc_id)}</code> 的文件。"), False
        with self.lock.write():
            ok = self.library.delete(doc_id)
        if not ok:
            return result_html("err", f"没有找到 doc_id 为 <code>{esc(doc_id)}</code> 的文件。"), False
        title = esc(doc.get("title") or doc.get("source"))
        return result_html(
            "ok",
            f"已删除《{title}》（doc_id <code>{esc(doc_id)}</code>）。原文件已移到 corpus/.deleted/，需要时可以恢复。",
        ), True

    def reindex(self, progress: Progress = None) -> str:
        """Rebuild the whole index from the corpus dir; returns an HTML message."""
        from assistant.chain import QA

        _tick(progress, 0.0, "重建索引…")
        t0 = time.perf_counter()
        try:
            with self.lock.write():
                report = self.library.reindex(progress=progress is not None)
                # The extractive answerer caches the library's BM25 for term weights; reindex replaces it.
                self.qa = QA(self.settings, library=self.library)
        except Exception as exc:  # noqa: BLE001
            print(f"error reindexing: {exc!r}", file=sys.stderr)
            return result_html("err", f"重建索引失败：{esc(exc)}")
        took = time.perf_counter() - t0
        msg = f"✓ 索引已重建：{report.added} {DOCUMENTS}，{report.chunks} 个段落，用时 {took:.1f} 秒。"
        out = result_html("ok", msg)
        if report.errors:
            items = "".join(f"<li>{esc(e)}</li>" for e in report.errors[:20])
            out += result_html("warn", f"⚠ 以下文件未能索引：<ul>{items}</ul>")
        return out
