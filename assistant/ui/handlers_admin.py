"""反馈 / 统计 and 知识库管理 events, what a user may see once signed in, and the page's small JSON API.

Imported by `create_app` only, once Gradio is needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant import users as users_mod
from assistant.ui.admin import feedback_html
from assistant.ui.admin import stats_html as admin_stats_html
from assistant.ui.handlers import INDEXING, typed
from assistant.ui.kbs import manage_kb
from assistant.ui.markup import esc, result_html
from assistant.users import Forbidden

if TYPE_CHECKING:
    from assistant.ui.handlers import Page
    from assistant.ui.handlers_docs import Refresh
    from assistant.ui.layout import Components

Handler = Callable[..., Any]


# -- the admin tabs -----------------------------------------------------------------------------
def admin_views(page: Page) -> tuple[Handler, Handler]:
    """(反馈, 统计): every 👍/👎 with its correction; the usage figures. Admins only."""
    who, history = page.who, page.history

    def feedback_view(request: Any = None) -> str:
        try:
            who(request).require_admin()
        except Forbidden as exc:
            return result_html("err", esc(exc))
        return feedback_html(history.feedback_rows())

    def stats_view(request: Any = None) -> str:
        try:
            who(request).require_admin()
        except Forbidden as exc:
            return result_html("err", esc(exc))
        return admin_stats_html(history.stats())

    return typed(feedback_view, request=gr.Request), typed(stats_view, request=gr.Request)


def wire_admin_tabs(c: Components, page: Page) -> None:
    """Opening a tab or its 刷新 shows it afresh."""
    feedback_view, stats_view = admin_views(page)
    for trigger in (c.fb_tab.select, c.fb_refresh.click):
        trigger(feedback_view, outputs=c.fb_view, show_progress="hidden")
    for trigger in (c.stats_tab.select, c.stats_refresh.click):
        trigger(stats_view, outputs=c.stats_view_html, show_progress="hidden")


# -- on load --------------------------------------------------------------------------------------
def load_handler(page: Page, conversations: Handler) -> Handler:
    who, pool = page.who, page.pool

    def on_load(current: str | None, state: dict[str, Any], request: Any = None) -> tuple[Any, ...]:
        """What this user may see: their knowledge bases, tabs and conversations."""
        me = who(request)
        choices = page.kb_choices(me)
        # only where it must change: a 知识库管理 action may already have created and selected another one
        if current in choices:
            kbs = gr.skip() if choices == page.kb_choices() else gr.update(choices=choices)
        else:
            kbs = gr.update(choices=choices, value=choices[0] if choices else None)
        editor = any(me.can(n, "editor") for n in pool.names())
        return (
            kbs,
            gr.update(visible=editor),
            gr.update(visible=editor),
            gr.update(visible=me.is_admin),
            gr.update(visible=me.is_admin),
            gr.update(visible=me.is_admin),
            conversations(state, request),
            f'<div class="pa-help">已登录：{esc(me.name)}</div>' if me.name != users_mod.LOCAL else "",
        )

    return typed(on_load, request=gr.Request)


def wire_load(demo: Any, c: Components, page: Page, conversations: Handler, refresh: Refresh) -> None:
    """On load, and whenever another knowledge base is selected, show what this user may see of it."""
    demo.load(
        load_handler(page, conversations),
        inputs=[c.kb_select, c.session],
        outputs=[c.kb_select, c.add_tab, c.write_zone, c.kb_admin, c.fb_tab, c.stats_tab, c.conv_list, c.signed_in],
        show_progress="hidden",
        queue=False,
    ).then(refresh.refreshed, inputs=refresh.inputs, outputs=refresh.outputs, show_progress="hidden")
    c.kb_select.change(refresh.refreshed, inputs=refresh.inputs, outputs=refresh.outputs, show_progress="hidden")


# -- 知识库管理 -------------------------------------------------------------------------------------
def on_manage(page: Page, action: str) -> Handler:
    """Create, rename or delete a knowledge base (admins), then select the one it leaves selected."""

    def run(current: str, name: str, confirm: bool, request: Any = None) -> tuple[Any, ...]:
        me = page.who(request)
        try:
            me.require_admin()
        except Forbidden as exc:
            return result_html("err", esc(exc)), gr.skip(), False
        msg, selected = manage_kb(page.pool, action, current, name, confirm)
        return msg, gr.update(choices=page.kb_choices(me), value=selected), False

    return typed(run, request=gr.Request)


def wire_kb_admin(c: Components, page: Page) -> None:
    for button, action in ((c.kb_create, "create"), (c.kb_rename, "rename"), (c.kb_delete, "delete")):
        button.click(
            on_manage(page, action),
            inputs=[c.kb_select, c.kb_name, c.kb_delete_confirm],
            outputs=[c.kb_result, c.kb_select, c.kb_delete_confirm],
            **INDEXING,
        )


# -- a small JSON API for scripts and load tests (same code paths and roles as the page) -----------
def api_handlers(page: Page) -> tuple[Handler, Handler, Handler]:
    """(ask, paste, documents) on the app's own knowledge base."""
    who, ui, pool, history = page.who, page.ui, page.pool, page.history

    def api_ask(question: str, request: Any = None) -> dict:
        """Answer a question: the `assistant ask --json` contract."""
        me = who(request)
        me.require(pool.primary_name)
        t0 = time.perf_counter()
        ans = ui.ask(question)
        out = ans.to_dict()
        out["answer_id"] = history.record(
            me.name, pool.primary_name, question, ans, time.perf_counter() - t0, channel="api"
        )
        return out

    def api_paste(text: str, title: str = "", date: str = "", issuer: str = "", request: Any = None) -> dict:
        """Index a pasted bulletin: {doc_id, chunks, duplicate} or {error}."""
        from assistant.load import LoadError

        try:
            who(request).require(pool.primary_name, "editor")
        except Forbidden as exc:
            return {"error": str(exc), "code": 403}
        try:
            with ui.lock.write():
                return ui.library.add_text(text, title, date, issuer).to_dict()
        except LoadError as exc:
            return {"error": str(exc)}

    def api_documents(request: Any = None) -> list:
        """The indexed documents (as `assistant list --json`)."""
        if not who(request).can(pool.primary_name):
            raise gr.Error(f"没有权限查看知识库「{pool.primary_name}」")
        with ui.lock.read():
            return ui.library.documents()

    typed(api_ask, question=str, request=gr.Request, **{"return": dict})
    typed(api_paste, text=str, title=str, date=str, issuer=str, request=gr.Request, **{"return": dict})
    typed(api_documents, request=gr.Request, **{"return": list})
    return api_ask, api_paste, api_documents


def wire_api(page: Page) -> None:
    api_ask, api_paste, api_documents = api_handlers(page)
    gr.api(api_ask, api_name="ask")
    gr.api(api_paste, api_name="paste", **INDEXING)
    gr.api(api_documents, api_name="documents")
