"""问答 events: asking (send, Enter, an example), the conversation list, 👍/👎 with corrections, export.

Imported by `create_app` only, once Gradio is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.history import HistoryError
from assistant.kb import ALL, KBError
from assistant.ui.admin import conversation_choices
from assistant.ui.controller import MAX_HISTORY, AssistantUI
from assistant.ui.handlers import typed
from assistant.ui.layout import EXAMPLES
from assistant.ui.markup import esc, result_html
from assistant.ui.render import render_error, render_question
from assistant.users import Forbidden

if TYPE_CHECKING:
    from assistant.types import Answer
    from assistant.ui.handlers import Page
    from assistant.ui.layout import Components

Handler = Callable[..., Any]


# -- asking -------------------------------------------------------------------------------------
def respond_handler(page: Page) -> Handler:
    """Stream the answer of the selected knowledge base, saving it in the user's conversation."""
    who, history, pool = page.who, page.history, page.pool

    def respond(
        message: str, state: dict[str, Any], kb_name: str | None = None, request: Any = None
    ) -> Iterator[tuple[Any, ...]]:
        try:
            me = who(request)
            target = page.chat_ui(kb_name, me)
        except (KBError, Forbidden) as exc:
            messages = list((state or {}).get("messages", []))
            yield messages + [{"role": "assistant", "content": render_error(str(exc))}], state, message
            return

        def record(
            q: str, ans: Answer, elapsed: float, html_answer: str, conversation: str | None
        ) -> tuple[str, str | None]:
            answer_id = history.record(
                me.name, kb_name or pool.primary_name, q, ans, elapsed, conversation=conversation, html=html_answer
            )
            return answer_id, history.conversation_of(answer_id)

        yield from target.respond(message, state, record)

    return typed(respond, request=gr.Request)


def example_handler(respond: Handler, text: str) -> Handler:
    """Ask one of the example questions."""

    def ask_example(
        state: dict[str, Any], kb_name: str | None, request: Any = None, _q: str = text
    ) -> Iterator[tuple[Any, ...]]:
        yield from respond(_q, state, kb_name, request)

    return typed(ask_example, request=gr.Request)


def conversations_handler(page: Page) -> Handler:
    """The user's conversations for the list, the current one selected."""
    who, history = page.who, page.history

    def conversations(state: dict[str, Any] | None, request: Any = None) -> Any:
        rows = history.conversations(who(request).name)
        current = (state or {}).get("conversation")
        choices = conversation_choices(rows)
        return gr.update(choices=choices, value=current if any(c[1] == current for c in choices) else None)

    return typed(conversations, request=gr.Request)


def wire_chat(c: Components, page: Page, conversations: Handler) -> None:
    """Send, Enter and each example ask (then the list shows the conversation); 新对话 starts afresh."""
    respond = respond_handler(page)
    list_io = {"inputs": [c.session], "outputs": c.conv_list, "show_progress": "hidden", "queue": False}
    asks: list[tuple[Any, Handler, list[Any]]] = [
        (c.send.click, respond, [c.question, c.session, c.kb_select]),
        (c.question.submit, respond, [c.question, c.session, c.kb_select]),
    ]
    asks += [
        (button.click, example_handler(respond, text), [c.session, c.kb_select])
        for button, text in zip(c.example_buttons, EXAMPLES, strict=True)
    ]
    for trigger, fn, inputs in asks:
        trigger(fn, inputs=inputs, outputs=[c.chatbot, c.session, c.question], show_progress="hidden").then(
            conversations, **list_io
        )
    for button in (c.clear, c.conv_new):
        button.click(
            lambda: ([], AssistantUI.new_session(), "", gr.update(value=None)),
            outputs=[c.chatbot, c.session, c.question, c.conv_list],
            queue=False,
        )
    c.chatbot.clear(lambda: (AssistantUI.new_session(), ""), outputs=[c.session, c.question], queue=False)


# -- the conversation list ----------------------------------------------------------------------
def open_conversation_handler(page: Page) -> Handler:
    who, history = page.who, page.history

    def open_conversation(conv_id: str | None, request: Any = None) -> tuple[Any, ...]:
        """Reopen one of the user's conversations: its messages, and its turns for the follow-up rewrite."""
        me = who(request)
        if not conv_id:
            return gr.skip(), gr.skip(), gr.skip(), ""
        try:
            turns = history.turns(me.name, conv_id)
        except HistoryError as exc:
            return gr.skip(), gr.skip(), gr.skip(), result_html("err", esc(exc))
        messages: list[dict[str, str]] = []
        ids: dict[str, str] = {}
        for t in turns:
            messages.append({"role": "user", "content": render_question(t["question"])})
            messages.append({"role": "assistant", "content": t["html"] or render_error("（原回答未保存）")})
            ids[str(len(messages) - 1)] = t["id"]
        state = {
            "messages": messages,
            "history": [(t["question"], t["answer"]) for t in turns][-MAX_HISTORY:],
            "conversation": conv_id,
            "ids": ids,
            "last": turns[-1]["id"] if turns else None,
        }
        kb_last = turns[-1]["kb"] if turns else None
        kb_value = kb_last if kb_last and (kb_last == ALL or me.can(kb_last)) else gr.skip()
        return messages, state, kb_value, ""

    return typed(open_conversation, request=gr.Request)


def rename_conversation_handler(page: Page, conversations: Handler) -> Handler:
    who, history = page.who, page.history

    def rename_conversation(
        conv_id: str | None, title: str, state: dict[str, Any], request: Any = None
    ) -> tuple[Any, ...]:
        if not conv_id:
            return result_html("err", "请先在列表中选择一个对话。"), gr.skip()
        try:
            history.rename(who(request).name, conv_id, title)
        except HistoryError as exc:
            return result_html("err", esc(exc)), gr.skip()
        return result_html("ok", "✓ 已重命名。"), conversations({"conversation": conv_id}, request)

    return typed(rename_conversation, request=gr.Request)


def delete_conversation_handler(page: Page, conversations: Handler) -> Handler:
    who, history = page.who, page.history

    def delete_conversation(conv_id: str | None, state: dict[str, Any], request: Any = None) -> tuple[Any, ...]:
        if not conv_id:
            return result_html("err", "请先在列表中选择一个对话。"), gr.skip(), gr.skip(), gr.skip()
        try:
            history.delete(who(request).name, conv_id)
        except HistoryError as exc:
            return result_html("err", esc(exc)), gr.skip(), gr.skip(), gr.skip()
        if (state or {}).get("conversation") == conv_id:
            state = AssistantUI.new_session()
            chat: Any = []
        else:
            chat = gr.skip()
        return result_html("ok", "已删除该对话。"), conversations(state, request), chat, state

    return typed(delete_conversation, request=gr.Request)


def wire_conversations(c: Components, page: Page, conversations: Handler) -> None:
    """Open, rename and delete one of the user's conversations."""
    c.conv_list.input(
        open_conversation_handler(page),
        inputs=c.conv_list,
        outputs=[c.chatbot, c.session, c.kb_select, c.conv_result],
        show_progress="hidden",
    )
    c.conv_rename.click(
        rename_conversation_handler(page, conversations),
        inputs=[c.conv_list, c.conv_title, c.session],
        outputs=[c.conv_result, c.conv_list],
        show_progress="hidden",
    )
    c.conv_delete.click(
        delete_conversation_handler(page, conversations),
        inputs=[c.conv_list, c.session],
        outputs=[c.conv_result, c.conv_list, c.chatbot, c.session],
        show_progress="hidden",
    )


# -- feedback (👍/👎 on a message, a correction) and export of an answer ---------------------------
def target_answer(state: dict[str, Any] | None) -> str | None:
    """The answer feedback and export are about: the last one rated, else the last one given."""
    state = state or {}
    return state.get("rated") or state.get("last")


def like_handler(page: Page) -> Handler:
    who, history = page.who, page.history

    def on_like(state: dict[str, Any], text: str, doc: str, evt: Any, request: Any = None) -> tuple[Any, ...]:
        index = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else -1)
        answer_id = (state or {}).get("ids", {}).get(str(index))
        if not answer_id:
            return result_html("err", "这条消息没有可反馈的回答。"), gr.skip()
        if evt.liked in (True, "Like"):
            rating = "up"
        elif evt.liked in (False, "Dislike"):
            rating = "down"
        else:
            return gr.skip(), gr.skip()
        try:
            history.feedback(
                who(request).name,
                answer_id,
                rating,
                text if rating == "down" else "",
                doc if rating == "down" else "",
            )
        except HistoryError as exc:
            return result_html("err", esc(exc)), gr.skip()
        msg = (
            "✓ 已记录 👍，谢谢。"
            if rating == "up"
            else "✓ 已记录 👎。可在「反馈与导出」中写下正确答案，再点「提交更正」。"
        )
        return result_html("ok", msg), {**state, "rated": answer_id}

    return typed(on_like, evt=gr.LikeData, request=gr.Request)


def correction_handler(page: Page) -> Handler:
    who, history = page.who, page.history

    def submit_correction(state: dict[str, Any], text: str, doc: str, request: Any = None) -> tuple[Any, ...]:
        answer_id = target_answer(state)
        if not answer_id:
            return result_html("err", "还没有可以更正的回答：请先提问。"), gr.skip(), gr.skip()
        if not (text or "").strip() and not (doc or "").strip():
            return result_html("err", "请先写下正确答案（或正确的文件）。"), gr.skip(), gr.skip()
        try:
            history.feedback(who(request).name, answer_id, "down", text, doc)
        except HistoryError as exc:  # nothing saved; the text stays in the box
            return result_html("err", esc(exc)), gr.skip(), gr.skip()
        return result_html("ok", "✓ 已提交更正，管理员会在「反馈」中看到。"), "", ""

    return typed(submit_correction, request=gr.Request)


def exporter(page: Page, fmt: str) -> Handler:
    """The answer as a .docx or .xlsx file to download."""
    who, history = page.who, page.history

    def run(state: dict[str, Any], request: Any = None) -> tuple[Any, ...]:
        import tempfile

        from assistant import export_docs

        answer_id = target_answer(state)
        if not answer_id:
            return result_html("err", "还没有可以导出的回答：请先提问。"), None
        try:
            row = history.answer(answer_id, who(request).name)
        except HistoryError as exc:
            return result_html("err", esc(exc)), None
        path = export_docs.export(row, fmt, Path(tempfile.mkdtemp(prefix="pa-export-")))
        return result_html("ok", f"✓ 已生成 {path.name}，点击下方下载。"), str(path)

    return typed(run, request=gr.Request)


def wire_feedback(c: Components, page: Page) -> None:
    """👍/👎 on a message, a correction, and export of the answer they are about."""
    c.chatbot.like(
        like_handler(page),
        inputs=[c.session, c.correction, c.correction_doc],
        outputs=[c.feedback_result, c.session],
        show_progress="hidden",
    )
    c.correction_submit.click(
        correction_handler(page),
        inputs=[c.session, c.correction, c.correction_doc],
        outputs=[c.feedback_result, c.correction, c.correction_doc],
        show_progress="hidden",
    )
    for button, fmt in ((c.export_docx, "docx"), (c.export_xlsx, "xlsx")):
        button.click(exporter(page, fmt), inputs=c.session, outputs=[c.feedback_result, c.export_file])
