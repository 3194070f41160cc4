"""The page's events: `Page` holds what every handler shares, `wire` connects the components to handlers.

The handlers themselves are in handlers_chat.py (问答: chat, conversations, 👍/👎, export), handlers_docs.py
(指标, 新增公告, 文档库, 知识库管理) and handlers_admin.py (反馈 / 统计, what a user sees on load, the JSON
API). Each handler is a plain function named for what it does (Gradio names its API endpoint after it) and
checks the signed-in user's roles itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.ui.controller import AssistantUI
from assistant.ui.kbs import ONE_KB, AcrossKBs
from assistant.ui.markup import esc, result_html

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.ui.kbs import KBPool
    from assistant.ui.layout import Components
    from assistant.users import Identity

INDEXING = {"concurrency_limit": 1, "concurrency_id": "indexing"}  # one indexing job at a time, queued


def typed(fn: Callable[..., Any], **hints: Any) -> Callable[..., Any]:
    """Give Gradio the real classes of a handler's special arguments (gr.Request, gr.LikeData): annotations
    here are strings naming a lazily imported module, which Gradio cannot resolve."""
    fn.__annotations__ = hints
    return fn


class Page:
    """One page's app-wide pieces: its own AssistantUI, the knowledge bases, accounts and history."""

    def __init__(self, settings: Settings, ui: AssistantUI, pool: KBPool) -> None:
        self.settings = settings
        self.ui = ui
        self.pool = pool
        self.users, self.history = pool.users, pool.history
        self.open_page = not self.users.login_required  # with a login, nothing of a knowledge base before it

    def who(self, request: Any) -> Identity:
        """The signed-in user of a request (no login configured: the local admin)."""
        return self.users.identity(getattr(request, "username", None) if request is not None else None)

    def kb_choices(self, me: Identity | None = None) -> list[str]:
        from assistant.kb import ALL

        names = self.pool.names() if me is None else me.kbs(self.pool.names())
        return [*names, ALL] if names else []

    def pick(self, name: str | None) -> AssistantUI:
        """The selected knowledge base's handlers (全部 or a vanished one: the app's own, for showing)."""
        from assistant.kb import ALL, KBError

        try:
            return self.ui if not name or name == ALL else self.pool.get(name)
        except KBError:
            return self.ui

    def across(self, me: Identity) -> AcrossKBs:
        """全部 for this user: the knowledge bases they may ask."""
        mine = AcrossKBs(self.pool)
        mine.only = me.kbs(self.pool.names())
        return mine

    def chat_ui(self, name: str | None, me: Identity) -> AssistantUI:
        """The knowledge base (or 全部: those the user may ask) a question goes to; Forbidden otherwise."""
        from assistant.kb import ALL
        from assistant.users import Forbidden

        if name == ALL:
            mine = self.across(me)
            if not mine.only:
                raise Forbidden(f"没有权限：用户「{me.name}」没有可提问的知识库 (no knowledge base to ask)")
            return mine
        name = name or self.pool.primary_name
        me.require(name)
        return self.pool.get(name)

    def reader(self, kb_name: str | None, request: Any) -> AssistantUI:
        """The selected knowledge base's handlers for showing; gr.Error when the user may not read it."""
        import gradio as gr

        from assistant.kb import ALL

        me = self.who(request)
        if kb_name == ALL:
            return self.across(me)
        name = kb_name or self.pool.primary_name
        if not me.can(name):
            raise gr.Error(f"没有权限查看知识库「{name}」(no access to knowledge base {name!r})")
        return self.pick(name)

    def writer_ui(self, kb_name: str | None, request: Any = None) -> tuple[AssistantUI | None, str]:
        """(the knowledge base a write goes to, '') or (None, why not): 全部, a vanished one, or no editor role."""
        from assistant.kb import ALL, KBError
        from assistant.users import Forbidden

        if kb_name == ALL:
            return None, result_html("err", ONE_KB)
        name = kb_name or self.pool.primary_name
        try:
            self.who(request).require(name, "editor")
            return self.pool.get(name), ""
        except Forbidden as exc:
            return None, result_html("err", esc(exc))
        except KBError as exc:
            return None, result_html("err", esc(exc))


def wire(demo: Any, c: Components, page: Page) -> None:
    """Every event of the page, in the order Gradio registers them (it numbers the endpoints so)."""
    from assistant.ui import handlers_admin, handlers_chat, handlers_docs

    conversations = handlers_chat.conversations_handler(page)
    handlers_chat.wire_chat(c, page, conversations)
    handlers_chat.wire_conversations(c, page, conversations)
    handlers_chat.wire_feedback(c, page)
    handlers_admin.wire_admin_tabs(c, page)
    handlers_docs.wire_prefill(c, page)
    refresh = handlers_docs.Refresh(c, page)
    handlers_docs.wire_indicators(c, page, refresh)
    handlers_docs.wire_add(c, page, refresh)
    handlers_docs.wire_library(c, page, refresh)
    handlers_admin.wire_load(demo, c, page, conversations, refresh)
    handlers_admin.wire_kb_admin(c, page)
    handlers_admin.wire_api(page)
