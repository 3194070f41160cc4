"""The page's layout: `create_app` builds the gr.Blocks, one build_* function per tab, then wires the events.

Components are created in page order (Gradio numbers them so), each stored on a `Components` namespace under
the name the event wiring uses (`c.chatbot`, `c.kb_select`, ...). Gradio is imported inside the functions,
so `import assistant.ui` stays fast.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from assistant.labels import ACHIEVED, RATE, TARGET
from assistant.load import SUPPORTED
from assistant.ui.controller import TABLE_COLUMNS, AssistantUI
from assistant.ui.kbs import AcrossKBs
from assistant.ui.markup import esc

if TYPE_CHECKING:
    from assistant.index import Library
    from assistant.settings import Settings
    from assistant.ui.handlers import Page

TITLE = "政策问答助手"
SUBTITLE = "基于已收录的科技政策文件作答：每个回答都标明出处，数字逐一核对，文件里没有的不编造。"
EXAMPLES = [  # phrased for the page, not taken from the eval sets
    "咸宁离岸科创园计划引进多少家科技孵化器",
    "2021年咸宁技术合同成交额的目标和完成情况",
    "下陆区2023年科技型中小企业入库目标",
    "大冶市2022年末高新技术企业数量是多少",
    "咸宁历年高新技术企业数目标与完成对比",
]
UPLOAD_TYPES = list(SUPPORTED)  # assistant/load.py: documents, spreadsheets, scans and images
KB_INFO = "问答、新增公告和文档库都针对所选知识库；「全部」在所有知识库中提问，出处标明知识库。"
CHAT_PLACEHOLDER = (
    "<div style='text-align:center;opacity:.75'><b>有什么可以帮您？</b><br>"
    "问题请尽量写明年份、地区或指标，例如「2023年某市技术合同成交额是多少」。</div>"
)


class Components(SimpleNamespace):
    """The page's components by name, filled in by the build_* functions."""


def header_html(ui: AssistantUI, only: list[str] | None = None) -> str:
    """The page header; only=[]: without any knowledge base's figures (before the user has signed in)."""
    stats = "" if only == [] else ui.stats_html()
    return f'<div id="pa-header"><h1>{TITLE}</h1><div class="pa-sub">{esc(SUBTITLE)}</div>{stats}</div>'


def build_header(c: Components, page: Page) -> None:
    """The header, the session state and the knowledge-base picker above the tabs."""
    import gradio as gr

    ui, pool = page.ui, page.pool
    c.header = gr.HTML(header_html(ui) if page.open_page else header_html(AcrossKBs(pool), only=[]), elem_id="header")
    c.session = gr.State(AssistantUI.new_session())
    with gr.Row(equal_height=True, elem_classes="pa-kb-row"):
        c.kb_select = gr.Dropdown(
            choices=page.kb_choices() if page.open_page else [],
            label="知识库",
            elem_id="kb_select",
            value=pool.primary_name if page.open_page else None,
            scale=1,
            min_width=200,
            filterable=False,
            info=KB_INFO,
        )
        c.signed_in = gr.HTML("", elem_id="signed_in")


def build_qa_tab(c: Components) -> None:
    """问答: the conversation list, the chat, example questions, feedback and export."""
    import gradio as gr

    with gr.Tab("问答", id="qa", elem_id="tab_qa"), gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=220, elem_id="conv_panel"):
            c.conv_new = gr.Button("＋ 新对话", variant="secondary", size="sm", elem_id="conv_new")
            c.conv_list = gr.Radio(
                choices=[], value=None, label="历史对话", elem_id="conv_list", elem_classes="pa-conv-list"
            )
            with gr.Accordion("重命名 / 删除", open=False, elem_id="conv_manage"):
                c.conv_title = gr.Textbox(label="新标题", elem_id="conv_title", max_lines=1)
                with gr.Row():
                    c.conv_rename = gr.Button("重命名", size="sm", elem_id="conv_rename")
                    c.conv_delete = gr.Button("删除对话", size="sm", variant="stop", elem_id="conv_delete")
            c.conv_result = gr.HTML("", elem_id="conv_result")
        with gr.Column(scale=4):
            c.chatbot = gr.Chatbot(
                elem_id="chatbot",
                show_label=False,
                height=540,
                layout="bubble",
                sanitize_html=True,
                allow_tags=False,
                render_markdown=True,
                latex_delimiters=[],
                feedback_options=("Like", "Dislike"),
                buttons=[],
                autoscroll=True,
                placeholder=CHAT_PLACEHOLDER,
            )
            with gr.Row(equal_height=True):
                c.question = gr.Textbox(
                    elem_id="question",
                    show_label=False,
                    placeholder="输入问题，回车发送……",
                    lines=1,
                    max_lines=4,
                    scale=8,
                    autofocus=True,
                    container=False,
                )
                c.send = gr.Button("发送", variant="primary", elem_id="send", scale=1, min_width=90)
                c.clear = gr.Button("新对话", variant="secondary", elem_id="clear", scale=1, min_width=90)
            gr.HTML('<div class="pa-examples-label">示例问题</div>')
            with gr.Row(elem_classes="pa-examples"):
                c.example_buttons = [
                    gr.Button(q, size="sm", variant="secondary", elem_id=f"example_{i}") for i, q in enumerate(EXAMPLES)
                ]
            c.feedback_result = gr.HTML("", elem_id="feedback_result")  # outside: seen after a 👍/👎
            with gr.Accordion(
                "反馈与导出（针对最近一条回答，或最近点 👍/👎 的回答）", open=False, elem_id="feedback_panel"
            ):
                with gr.Row(equal_height=True):
                    c.correction = gr.Textbox(
                        label="更正（可选）",
                        elem_id="correction",
                        scale=4,
                        max_lines=4,
                        placeholder="正确答案是……（写明数字）",
                    )
                    c.correction_doc = gr.Textbox(
                        label="正确的文件（可选）",
                        elem_id="correction_doc",
                        scale=2,
                        max_lines=1,
                        placeholder="文件名或标题",
                    )
                with gr.Row():
                    c.correction_submit = gr.Button("👎 提交更正", variant="secondary", elem_id="correction_submit")
                    c.export_docx = gr.Button("导出 Word", variant="secondary", elem_id="export_docx")
                    c.export_xlsx = gr.Button("导出 Excel", variant="secondary", elem_id="export_xlsx")
                c.export_file = gr.File(label="下载", elem_id="export_file", interactive=False, visible=True)


def build_indicators_tab(c: Components, page: Page) -> None:
    """指标: one indicator of one place, year by year, with its sources."""
    import gradio as gr

    with gr.Tab("指标", id="indicators", elem_id="tab_indicators") as c.ind_tab:
        gr.HTML(
            '<div class="pa-help">按地区和指标查看历年目标与实际完成情况：表中每个数字都标明出处，'
            f"{RATE}由系统按「{ACHIEVED}÷{TARGET}」计算，文件中没有的数字显示为「未找到」。</div>"
        )
        places, place0, names, name0 = page.ui.indicator_options() if page.open_page else ([], "", [], "")
        with gr.Row(equal_height=True):
            c.ind_place = gr.Dropdown(
                choices=places,
                value=place0 or None,
                label="地区",
                elem_id="ind_place",
                scale=1,
                min_width=140,
                filterable=False,
            )
            c.ind_name = gr.Dropdown(
                choices=names, value=name0 or None, label="指标", elem_id="ind_name", scale=3, min_width=240
            )
        c.ind_view = gr.HTML(page.ui.indicator_view(place0, name0) if page.open_page else "", elem_id="ind_view")
        with gr.Row():
            c.ind_docx = gr.Button("导出 Word", variant="secondary", size="sm", elem_id="ind_docx")
            c.ind_xlsx = gr.Button("导出 Excel（含图表）", variant="secondary", size="sm", elem_id="ind_xlsx")
        c.ind_file = gr.File(label="下载", elem_id="ind_file", interactive=False)


def build_add_tab(c: Components, page: Page) -> None:
    """新增公告: paste a bulletin or upload a file.

    With a login, the tabs a user may not use start hidden and on_load shows the allowed ones (Gradio 6
    shows a hidden tab on update but does not hide a shown one).
    """
    import gradio as gr

    with gr.Tab("新增公告", id="add", elem_id="tab_add", visible=page.open_page) as c.add_tab:
        gr.HTML(
            '<div class="pa-help">粘贴一篇公告或通知的全文，或上传文件（PDF / DOCX / TXT / MD / HTML），'
            f"单个文件不超过 {page.settings.load.max_file_mb:g} MB。索引完成后即可在「问答」中提问，无需重启。</div>"
        )
        with gr.Row():
            with gr.Column(scale=3):
                c.paste_text = gr.Textbox(
                    label="公告正文",
                    elem_id="paste_text",
                    lines=12,
                    max_lines=24,
                    placeholder="在此粘贴公告全文（含标题、发文单位、日期更好）……",
                )
                with gr.Row():
                    c.paste_title = gr.Textbox(
                        label="标题（可选）", elem_id="paste_title", scale=3, placeholder="留空则从正文识别"
                    )
                    c.paste_date = gr.Textbox(
                        label="发布日期（可选）", elem_id="paste_date", scale=1, placeholder="YYYY-MM-DD"
                    )
                    c.paste_issuer = gr.Textbox(
                        label="发文单位（可选）",
                        elem_id="paste_issuer",
                        scale=2,
                        placeholder="留空则从正文识别",
                    )
                with gr.Row():
                    c.paste_submit = gr.Button("索引这篇公告", variant="primary", elem_id="paste_submit")
                    c.paste_clear = gr.Button("清空", variant="secondary", elem_id="paste_clear")
            with gr.Column(scale=2):
                c.upload = gr.File(
                    label="上传文件",
                    elem_id="upload_file",
                    file_count="single",
                    file_types=UPLOAD_TYPES,
                    type="filepath",
                    height=180,
                )
                gr.HTML(
                    '<div class="pa-help">文件类型按内容识别，而不是按扩展名。左侧填写的标题、日期、发文单位'
                    "同样适用于上传的文件（留空则从文件中识别）。</div>"
                )
                c.upload_submit = gr.Button("索引上传的文件", variant="primary", elem_id="upload_submit")
        c.paste_result = gr.HTML("", elem_id="paste_result")
        c.auto_meta = gr.State({})


def build_library_tab(c: Components, page: Page) -> None:
    """文档库: the documents, deleting one, reindexing, and 知识库管理."""
    import gradio as gr

    with gr.Tab("文档库", id="library", elem_id="tab_library"):
        c.library_stats = gr.HTML(page.ui.stats_html() if page.open_page else "", elem_id="library_stats")
        with gr.Row(equal_height=True):
            c.doc_search = gr.Textbox(
                elem_id="doc_search",
                show_label=False,
                placeholder="搜索标题、发文单位、日期、来源或 doc_id……",
                scale=6,
                container=False,
            )
            c.refresh = gr.Button("刷新", variant="secondary", elem_id="refresh", scale=1, min_width=80)
        c.doc_table = gr.Dataframe(
            value=page.ui.table() if page.open_page else None,
            headers=TABLE_COLUMNS,
            datatype=["str", "str", "str", "str", "str", "number", "str", "str", "str"],
            elem_id="doc_table",
            interactive=False,
            wrap=True,
            max_height=420,
            show_label=False,
            column_widths=["26%", "13%", "9%", "7%", "6%", "6%", "15%", "12%", "6%"],
        )
        gr.HTML(
            '<div class="pa-help">点击表格中的一行，可把它的 doc_id 填入下方删除框；删除后原文件移到 '
            "corpus/.deleted/，需要时可以恢复。</div>"
        )
        with gr.Column(elem_id="write_zone", visible=page.open_page) as c.write_zone:
            with gr.Row(equal_height=True, elem_classes="pa-danger-zone"):
                c.delete_id = gr.Textbox(
                    label="要删除的 doc_id", elem_id="delete_id", scale=4, placeholder="例如 7cf1635943a20e30"
                )
                with gr.Column(scale=2, min_width=220):
                    c.delete_confirm = gr.Checkbox(
                        label="确认删除", value=False, elem_id="delete_confirm", container=False
                    )
                    c.delete_button = gr.Button("删除文件", variant="stop", elem_id="delete_button")
            with gr.Row():
                c.reindex_button = gr.Button("重建索引", variant="secondary", elem_id="reindex_button")
            gr.HTML(
                '<div class="pa-help">重建索引会按 corpus/ 目录中的文件重新切分、计算向量，期间暂停问答；'
                "更换嵌入模型或怀疑索引损坏时使用。</div>"
            )
        c.library_result = gr.HTML("", elem_id="library_result")
        with gr.Accordion("知识库管理", open=False, elem_id="kb_admin", visible=page.open_page) as c.kb_admin:
            with gr.Row(equal_height=True):
                c.kb_name = gr.Textbox(
                    label="知识库名称",
                    elem_id="kb_name",
                    scale=3,
                    placeholder="字母、数字、汉字、- 或 _，例如 huangshi、黄石科技局",
                )
                c.kb_create = gr.Button("新建知识库", variant="secondary", elem_id="kb_create", scale=1)
                c.kb_rename = gr.Button("把所选知识库重命名为此名称", variant="secondary", elem_id="kb_rename", scale=2)
            with gr.Row(equal_height=True, elem_classes="pa-danger-zone"):
                c.kb_delete_confirm = gr.Checkbox(
                    label="确认删除所选知识库及其全部文件",
                    value=False,
                    elem_id="kb_delete_confirm",
                    container=False,
                )
                c.kb_delete = gr.Button("删除所选知识库", variant="stop", elem_id="kb_delete")
            c.kb_result = gr.HTML("", elem_id="kb_result")


def build_admin_tabs(c: Components, page: Page) -> None:
    """反馈 / 统计: for admins."""
    import gradio as gr

    with gr.Tab("反馈", id="feedback", elem_id="tab_feedback", visible=page.open_page) as c.fb_tab:
        c.fb_refresh = gr.Button("刷新", variant="secondary", size="sm", elem_id="fb_refresh")
        c.fb_view = gr.HTML("", elem_id="fb_view")
    with gr.Tab("统计", id="stats", elem_id="tab_stats", visible=page.open_page) as c.stats_tab:
        c.stats_refresh = gr.Button("刷新", variant="secondary", size="sm", elem_id="stats_refresh")
        c.stats_view_html = gr.HTML("", elem_id="stats_view")


def create_app(settings: Settings | None = None, library: Library | None = None) -> Any:
    """The page as a gr.Blocks (queued); `.assistant` is its AssistantUI. Launch with launch_kwargs()."""
    import gradio as gr

    from assistant.index import Library as _Library
    from assistant.settings import get_settings
    from assistant.ui.handlers import Page, wire
    from assistant.ui.kbs import KBPool

    settings = settings or get_settings()
    library = library or _Library(settings, writer=True)
    ui = AssistantUI(settings, library)
    pool = KBPool(settings, ui)
    page = Page(settings, ui, pool)
    c = Components()
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        build_header(c, page)
        with gr.Tabs(elem_id="tabs"):
            build_qa_tab(c)
            build_indicators_tab(c, page)
            build_add_tab(c, page)
            build_library_tab(c, page)
            build_admin_tabs(c, page)
        wire(demo, c, page)

    demo.queue(default_concurrency_limit=4)
    demo.assistant = ui  # type: ignore[attr-defined]
    demo.pool = pool  # type: ignore[attr-defined]
    return demo
