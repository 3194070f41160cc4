"""政策问答助手 web app (Gradio 6): cited answers, adding bulletins, and the document library.

`python app.py` or `assistant serve` opens the index as its one writer, indexes corpus/, and serves
on ASSISTANT_HOST:ASSISTANT_PORT (127.0.0.1:7860). This module starts the server; the page is made of:

- `render.py` (answers, citations, tables as HTML), `charts.py` (the indicator chart as SVG),
  `markup.py` (escaping), all plain functions;
- `controller.py`: `AssistantUI`, the page logic with no Gradio import, so tests call its handlers directly;
  `lock.py` (the readers/writer lock), `kbs.py` (one AssistantUI per knowledge base, 全部);
- `layout.py` (`create_app`: the gr.Blocks, one builder per tab), `handlers*.py` (the events), `theme.py`
  and `static/style.css` (the look); `api*.py` (the OpenAI-compatible /v1 routes), `admin.py`.

The names below are re-exported so `from assistant.ui.app import ...` keeps working.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any

from assistant.labels import DOCUMENTS

for _key, _value in (
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ.setdefault(_key, _value)

from assistant.ui.charts import figure_value, indicator_chart_svg  # noqa: E402
from assistant.ui.controller import (  # noqa: E402
    DEFAULT_INDICATORS,
    MAX_HISTORY,
    STREAM_DELAY_S,
    TABLE_COLUMNS,
    AssistantUI,
    Progress,
)
from assistant.ui.kbs import AcrossKBs, manage_kb  # noqa: E402
from assistant.ui.layout import EXAMPLES, SUBTITLE, TITLE, UPLOAD_TYPES, create_app, header_html  # noqa: E402
from assistant.ui.lock import RWLock  # noqa: E402
from assistant.ui.markup import CITE_MARK, esc, result_html  # noqa: E402
from assistant.ui.render import (  # noqa: E402
    NOT_FOUND,
    RATE_HEADER,
    backend_label,
    cell_phrases,
    highlight_quote,
    indicator_table_html,
    is_table_answer,
    render_answer,
    render_answer_text,
    render_citation,
    render_error,
    render_indicator_body,
    render_partial,
    render_pending,
    render_question,
    rows_from_table,
    split_table_answer,
)
from assistant.ui.theme import CSS, theme  # noqa: E402

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "CITE_MARK",
    "CSS",
    "DEFAULT_INDICATORS",
    "EXAMPLES",
    "MAX_HISTORY",
    "NOT_FOUND",
    "RATE_HEADER",
    "STREAM_DELAY_S",
    "SUBTITLE",
    "TABLE_COLUMNS",
    "TITLE",
    "UPLOAD_TYPES",
    "AcrossKBs",
    "AssistantUI",
    "Progress",
    "RWLock",
    "backend_label",
    "cell_phrases",
    "create_app",
    "esc",
    "figure_value",
    "header_html",
    "highlight_quote",
    "indicator_chart_svg",
    "indicator_table_html",
    "is_table_answer",
    "launch_kwargs",
    "main",
    "manage_kb",
    "render_answer",
    "render_answer_text",
    "render_citation",
    "render_error",
    "render_indicator_body",
    "render_partial",
    "render_pending",
    "render_question",
    "result_html",
    "rows_from_table",
    "server_app",
    "split_table_answer",
]


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """Arguments for Blocks.launch (Gradio 6 takes theme and css here, not in Blocks())."""
    kwargs: dict[str, Any] = {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "show_error": True,
        "max_file_size": f"{settings.load.max_file_mb:g}mb",
        "theme": theme(),
        "css": CSS,
        "footer_links": [],
        "ssr_mode": False,
        "mcp_server": False,
    }
    from assistant import users

    try:
        accounts = users.shared(settings)
    except users.UserError as exc:
        raise ValueError(str(exc)) from None
    if accounts.login_required:  # accounts (`assistant user add`) or ASSISTANT_AUTH: a login, rate-limited
        kwargs["auth"] = accounts
        kwargs["auth_message"] = f"{TITLE}：请登录"
    return kwargs


def server_app(pool: Any) -> Any:
    """The FastAPI app Gradio mounts the page on, holding the OpenAI-compatible /v1 routes first."""
    from gradio.routes import App

    from assistant.ui import api
    from assistant.users import ClientAddress

    app = App()
    app.add_middleware(ClientAddress)  # the login's rate limit counts per client address
    api.install(app, pool)
    return app


def main(ingest: bool = True) -> int:
    """Open the index as writer, index corpus/, serve the page; 2 when the index is busy."""
    from assistant.index import Library
    from assistant.load import LoadError
    from assistant.settings import get_settings
    from assistant.store import IndexBusy, IndexMismatch

    settings = get_settings()
    try:
        kwargs = launch_kwargs(settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from assistant.kb import KBError

    try:
        library = Library(settings, writer=True)
    except (IndexBusy, IndexMismatch, KBError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if ingest:
            t0 = time.perf_counter()
            try:
                report = library.ingest_paths(progress=None)
            except LoadError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            print(
                f"索引 {settings.corpus_dir}: 新增 {report.added} {DOCUMENTS}（{report.chunks} 个段落），"
                f"跳过 {report.skipped} 份已索引文件，用时 {time.perf_counter() - t0:.1f} 秒",
                flush=True,
            )
            for err in report.errors:
                print(f"  未能索引: {err}", file=sys.stderr, flush=True)
        stats = library.stats()
        print(
            f"索引共 {stats['documents']} {DOCUMENTS}、{stats['chunks']} 个段落（嵌入模型 {stats['embedder']}）",
            flush=True,
        )
        if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.auth:
            print(
                f"warning: 服务绑定在 {settings.host} 且未设置 ASSISTANT_AUTH，网络上的任何人都能访问和修改文档库。",
                file=sys.stderr,
                flush=True,
            )
        from assistant import apikeys

        if settings.host not in ("127.0.0.1", "localhost", "::1") and not apikeys.load(settings):
            print(
                "note: 未配置 API 密钥，/v1 接口只接受本机 (127.0.0.1) 的请求；"
                "用 `assistant apikey create --kb NAME` 创建密钥后即可从其他机器调用。",
                file=sys.stderr,
                flush=True,
            )
        demo = create_app(settings, library)
        print(f"{TITLE}: http://{settings.host}:{settings.port}", flush=True)
        # Blocks.launch(_app=...) serves the page on our FastAPI app, so /v1 sits beside /gradio_api.
        demo.launch(**kwargs, _app=server_app(demo.pool))
    finally:
        library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
