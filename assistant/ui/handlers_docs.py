"""指标, 新增公告 and 文档库 events: the indicator picker, pasting and uploading, searching, deleting, reindexing.

After a write (or a change of knowledge base) `Refresh` re-renders what depends on the documents: the table,
the library's figures, the header and the 指标 tab. Imported by `create_app` only, once Gradio is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.ui.controller import TABLE_COLUMNS
from assistant.ui.handlers import INDEXING, typed
from assistant.ui.kbs import AcrossKBs
from assistant.ui.layout import header_html
from assistant.ui.markup import result_html

if TYPE_CHECKING:
    from assistant.ui.handlers import Page
    from assistant.ui.layout import Components

Handler = Callable[..., Any]
QUEUED = "⏳ 已提交，正在排队等待索引（同一时间只处理一个索引任务）……"


# -- what a write or another knowledge base changes ---------------------------------------------
def indicator_updates_handler(page: Page) -> Handler:
    """The 指标 tab's places, indicators and view for the selected knowledge base (全部: the app's own)."""
    who, pool = page.who, page.pool

    def indicator_updates(
        place: str | None, name: str | None, kb_name: str | None = None, request: Any = None
    ) -> tuple[Any, ...]:
        target = page.reader(kb_name, request)
        if isinstance(target, AcrossKBs):
            target = page.pick(None) if who(request).can(pool.primary_name) else None
        if target is None:
            return gr.update(choices=[], value=None), gr.update(choices=[], value=None), ""
        places, place, names, name = target.indicator_options(place, name)
        return (
            gr.update(choices=places, value=place or None),
            gr.update(choices=names, value=name or None),
            target.indicator_view(place, name),
        )

    return typed(indicator_updates, request=gr.Request)


def table_handler(page: Page) -> Handler:
    """The documents matching a search (全部: every allowed knowledge base's, the source numbered by it)."""
    pool = page.pool

    def table(query: str, kb_name: str | None, request: Any = None) -> Any:
        target = page.reader(kb_name, request)
        if not isinstance(target, AcrossKBs):
            return target.table(query)
        import pandas as pd

        source = TABLE_COLUMNS.index("来源")
        rows = [
            [*r[:source], f"[{n}] {r[source]}", *r[source + 1 :]]
            for n in target.only or []
            for r in pool.get(n).rows(query)
        ]
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    return typed(table, request=gr.Request)


def refreshed_handler(page: Page, table: Handler, indicator_updates: Handler) -> Handler:
    def refreshed(
        query: str,
        place: str | None = None,
        name: str | None = None,
        kb_name: str | None = None,
        request: Any = None,
    ) -> tuple[Any, ...]:
        target = page.reader(kb_name, request)
        return (
            table(query, kb_name, request),
            target.stats_html(),
            header_html(target),
            *indicator_updates(place, name, kb_name, request),
        )

    return typed(refreshed, request=gr.Request)


class Refresh:
    """The handlers and components of a refresh: inputs (search, place, indicator, KB) -> six outputs."""

    def __init__(self, c: Components, page: Page) -> None:
        self.indicator_updates = indicator_updates_handler(page)
        self.table = table_handler(page)
        self.refreshed = refreshed_handler(page, self.table, self.indicator_updates)
        self.outputs = [c.doc_table, c.library_stats, c.header, c.ind_place, c.ind_name, c.ind_view]
        self.inputs = [c.doc_search, c.ind_place, c.ind_name, c.kb_select]

    def after_write(
        self, query: str, place: str | None, name: str | None, kb_name: str | None, request: Any
    ) -> tuple[Any, ...]:
        """refreshed(), or nothing changed where the user may not read kb_name (after a refused write)."""
        try:
            return self.refreshed(query, place, name, kb_name, request)
        except gr.Error:
            return (gr.skip(),) * 6


# -- 指标 ---------------------------------------------------------------------------------------
def indicator_place_handler(refresh: Refresh) -> Handler:
    def on_indicator_place(place: str | None, kb_name: str | None, request: Any = None) -> tuple[Any, ...]:
        return refresh.indicator_updates(place, None, kb_name, request)[1:]

    return typed(on_indicator_place, request=gr.Request)


def indicator_name_handler(refresh: Refresh) -> Handler:
    def on_indicator_name(place: str | None, name: str | None, kb_name: str | None, request: Any = None) -> str:
        return refresh.indicator_updates(place, name, kb_name, request)[2]

    return typed(on_indicator_name, request=gr.Request)


def indicator_exporter(page: Page, fmt: str) -> Handler:
    """The 指标 tab's table as a .docx or .xlsx file (the .xlsx with a chart)."""

    def export_table(place: str | None, name: str | None, kb_name: str | None, request: Any = None) -> Any:
        import tempfile

        from assistant import export_docs

        target = page.reader(kb_name, request)
        if isinstance(target, AcrossKBs):
            if not page.who(request).can(page.pool.primary_name):
                raise gr.Error("请先选择一个具体的知识库。")
            target = page.pick(None)
        if not place or not name:
            raise gr.Error("请先选择地区和指标。")
        record = target.indicator_record(place, name)
        return str(export_docs.export(record, fmt, Path(tempfile.mkdtemp(prefix="pa-export-"))))

    return typed(export_table, request=gr.Request)


def wire_indicators(c: Components, page: Page, refresh: Refresh) -> None:
    """Pick a place, then an indicator; export the table; opening the tab refreshes it."""
    c.ind_place.input(
        indicator_place_handler(refresh),
        inputs=[c.ind_place, c.kb_select],
        outputs=[c.ind_name, c.ind_view],
        show_progress="hidden",
    )
    c.ind_name.input(
        indicator_name_handler(refresh),
        inputs=[c.ind_place, c.ind_name, c.kb_select],
        outputs=c.ind_view,
        show_progress="hidden",
    )
    for button, fmt in ((c.ind_docx, "docx"), (c.ind_xlsx, "xlsx")):
        button.click(indicator_exporter(page, fmt), inputs=[c.ind_place, c.ind_name, c.kb_select], outputs=c.ind_file)
    c.ind_tab.select(
        refresh.indicator_updates,
        inputs=[c.ind_place, c.ind_name, c.kb_select],
        outputs=[c.ind_place, c.ind_name, c.ind_view],
        show_progress="hidden",
    )


# -- 新增公告 -------------------------------------------------------------------------------------
def wire_prefill(c: Components, page: Page) -> None:
    """Title, date and issuer suggested from the pasted text, as it is typed."""
    ui = page.ui

    def on_prefill(text: str, title: str, date: str, issuer: str, auto: dict[str, str]) -> tuple[Any, ...]:
        return ui.prefill(text, title, date, issuer, auto)

    c.paste_text.change(
        on_prefill,
        inputs=[c.paste_text, c.paste_title, c.paste_date, c.paste_issuer, c.auto_meta],
        outputs=[c.paste_title, c.paste_date, c.paste_issuer, c.auto_meta],
        trigger_mode="always_last",
        show_progress="hidden",
        queue=False,
    )


def paste_handler(page: Page, refresh: Refresh) -> Handler:
    def on_paste(
        text: str,
        title: str,
        date: str,
        issuer: str,
        query: str,
        place: str | None,
        name: str | None,
        kb_name: str | None,
        request: Any = None,
        progress: Any = gr.Progress(),
    ) -> tuple[Any, ...]:  # noqa: B008 - Gradio's idiom
        target, why = page.writer_ui(kb_name, request)
        msg, added = target.add_paste(text, title, date, issuer, progress=progress) if target else (why, False)
        fields = ("", "", "", "", {}) if added else (gr.skip(),) * 5
        return (msg, *fields, *refresh.after_write(query, place, name, kb_name, request))

    return typed(on_paste, request=gr.Request)


def upload_handler(page: Page, refresh: Refresh) -> Handler:
    def on_upload(
        path: str | None,
        title: str,
        date: str,
        issuer: str,
        query: str,
        place: str | None,
        name: str | None,
        kb_name: str | None,
        request: Any = None,
        progress: Any = gr.Progress(),
    ) -> tuple[Any, ...]:  # noqa: B008
        target, why = page.writer_ui(kb_name, request)
        msg, added = target.add_file(path, title, date, issuer, progress=progress) if target else (why, False)
        return (msg, None if added else gr.skip(), *refresh.after_write(query, place, name, kb_name, request))

    return typed(on_upload, request=gr.Request)


def wire_add(c: Components, page: Page, refresh: Refresh) -> None:
    """Index the pasted text or the uploaded file (queued: one indexing job at a time), or clear the form."""
    queued = result_html("info", QUEUED)
    fields = [c.paste_title, c.paste_date, c.paste_issuer]
    c.paste_submit.click(lambda: queued, outputs=c.paste_result, queue=False).then(
        paste_handler(page, refresh),
        inputs=[c.paste_text, *fields, *refresh.inputs],
        outputs=[c.paste_result, c.paste_text, *fields, c.auto_meta, *refresh.outputs],
        **INDEXING,
    )
    c.upload_submit.click(lambda: queued, outputs=c.paste_result, queue=False).then(
        upload_handler(page, refresh),
        inputs=[c.upload, *fields, *refresh.inputs],
        outputs=[c.paste_result, c.upload, *refresh.outputs],
        **INDEXING,
    )
    c.paste_clear.click(
        lambda: ("", "", "", "", {}, ""),
        outputs=[c.paste_text, *fields, c.auto_meta, c.paste_result],
        queue=False,
    )


# -- 文档库 ---------------------------------------------------------------------------------------
def on_select(evt: gr.SelectData) -> tuple[Any, ...]:  # a click on a row fills in its doc_id for deleting
    row = evt.row_value or []
    doc_id = str(row[TABLE_COLUMNS.index("doc_id")]) if len(row) == len(TABLE_COLUMNS) else gr.skip()
    return doc_id, False


on_select.__annotations__["evt"] = gr.SelectData  # the class itself, as the page always gave Gradio


def delete_handler(page: Page, refresh: Refresh) -> Handler:
    def on_delete(
        doc_id: str,
        confirm: bool,
        query: str,
        place: str | None,
        name: str | None,
        kb_name: str | None,
        request: Any = None,
    ) -> tuple[Any, ...]:
        target, why = page.writer_ui(kb_name, request)
        msg, deleted = target.delete(doc_id, confirm) if target else (why, False)
        return (msg, "" if deleted else gr.skip(), False, *refresh.after_write(query, place, name, kb_name, request))

    return typed(on_delete, request=gr.Request)


def reindex_handler(page: Page, refresh: Refresh) -> Handler:
    def on_reindex(
        query: str,
        place: str | None,
        name: str | None,
        kb_name: str | None,
        request: Any = None,
        progress: Any = gr.Progress(track_tqdm=True),
    ) -> tuple[Any, ...]:  # noqa: B008
        target, why = page.writer_ui(kb_name, request)
        return (
            target.reindex(progress=progress) if target else why,
            *refresh.after_write(query, place, name, kb_name, request),
        )

    return typed(on_reindex, request=gr.Request)


def wire_library(c: Components, page: Page, refresh: Refresh) -> None:
    """Search, refresh, pick a row, delete it, reindex."""
    c.doc_search.change(
        refresh.table,
        inputs=[c.doc_search, c.kb_select],
        outputs=c.doc_table,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    c.refresh.click(refresh.refreshed, inputs=refresh.inputs, outputs=refresh.outputs)
    c.doc_table.select(on_select, outputs=[c.delete_id, c.delete_confirm], show_progress="hidden")
    c.delete_button.click(
        delete_handler(page, refresh),
        inputs=[c.delete_id, c.delete_confirm, *refresh.inputs],
        outputs=[c.library_result, c.delete_id, c.delete_confirm, *refresh.outputs],
        **INDEXING,
    )
    c.reindex_button.click(
        lambda: result_html("info", "⏳ 正在重建索引，请稍候……"), outputs=c.library_result, queue=False
    ).then(
        reindex_handler(page, refresh), inputs=refresh.inputs, outputs=[c.library_result, *refresh.outputs], **INDEXING
    )
