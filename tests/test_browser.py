"""End to end: the app as a subprocess, driven by headless Chromium (playwright, sync API).

Ask a question and see a cited answer; ask for a trend and see a cited table with a chart (also in
the 指标 tab); paste a bulletin with a made-up fact and get it answered;
delete it in the library and get the refusal. Screenshots go to artifacts/screenshots/.
The app indexes with the hash embedder for speed unless BROWSER_TEST_EMBEDDER names another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server_util import running_app

from assistant import REFUSAL

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
TITLE = "咸宁市科技局关于启动“星火计划”的通知"
BULLETIN = """咸宁市科技局关于启动“星火计划”的通知
发文单位：咸宁市科学技术局
各县（市、区）科技局：
2026年咸宁市科技局启动“星火计划”，计划扶持科技型小微企业88家，安排专项资金1200万元。
请各地做好企业遴选和政策宣传工作。附件：<img src=x onerror=alert(1)>申报表。
咸宁市科学技术局
2026年3月2日"""
QUESTION = "星火计划计划扶持多少家科技型小微企业"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(420),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture
def app_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    embedder = os.environ.get("BROWSER_TEST_EMBEDDER", "hash")
    with running_app(tmp_path, ASSISTANT_EMBEDDER=embedder, ASSISTANT_HOST="127.0.0.1") as (url, proc, log):
        env = dict(
            os.environ,
            ASSISTANT_INDEX_DIR=str(tmp_path / "index"),
            ASSISTANT_CORPUS_DIR=str(tmp_path / "corpus"),
            ASSISTANT_EMBEDDER=embedder,
        )
        yield {"url": url + "/", "env": env, "log": log, "proc": proc}


def field(page, elem_id: str):  # type: ignore[no-untyped-def]
    """The text input of a gr.Textbox (a textarea, or an input for single-line boxes)."""
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    box = field(page, "question")
    box.fill(question)
    page.locator("#send").click()


# Scroll the Chatbot's own scroller so that element e starts at its top.
SCROLL_TO_TOP = """e => { let s = e.parentElement;
  while (s && !['auto', 'scroll'].includes(getComputedStyle(s).overflowY)) s = s.parentElement;
  if (s) s.scrollTop += e.getBoundingClientRect().top - s.getBoundingClientRect().top - 8; }"""


def last_answer(page):  # type: ignore[no-untyped-def]
    return page.locator("#chatbot .pa-answer").last


def test_ask_add_delete(app_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=30_000)  # the machine may be busy: the 5 s default is tight for a queued event
    timings: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(60_000)
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            t0 = time.monotonic()
            page.goto(app_server["url"])
            expect(page.locator("#pa-header h1")).to_have_text("政策问答助手")
            expect(page.locator("#question textarea")).to_be_visible()
            timings["load"] = time.monotonic() - t0

            # 1. A cited answer, with the source title, the quoted passage and highlighted figures.
            t0 = time.monotonic()
            ask(page, "咸宁离岸科创园目标是什么")
            answer = last_answer(page)
            expect(answer.locator(".pa-cite-title").first).to_contain_text("科技赋能促发展", timeout=60_000)
            expect(answer.locator(".pa-ref").first).to_be_visible()
            timings["answer"] = time.monotonic() - t0
            details = answer.locator("details").first
            details.locator("summary").click()
            expect(details.locator("mark").first).to_be_visible()
            chat_text = page.locator("#chatbot").inner_text()
            assert "<span" not in chat_text and "<div" not in chat_text and "&#" not in chat_text
            page.screenshot(path=str(SHOTS / "answer.png"), full_page=True)

            # An example question is one click; a follow-up keeps the conversation.
            page.locator("#example_1").click()
            expect(page.locator("#chatbot .pa-q")).to_have_count(2)
            expect(page.locator("#chatbot .pa-answer:not(.pa-streaming)")).to_have_count(2)
            expect(last_answer(page).locator(".pa-cites, .pa-refusal").first).to_be_visible()
            last_answer(page).scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "example.png"), full_page=True)

            # A trend question: a cited table with a computed rate, and a chart of target vs achieved.
            t0 = time.monotonic()
            ask(page, "咸宁高新技术企业数量这几年怎么变化")
            answer = page.locator("#chatbot .pa-answer.pa-indicators").last
            table = answer.locator("table.pa-ind-table")
            expect(table).to_contain_text("300家", timeout=60_000)
            expect(table).to_contain_text("完成率（系统计算）")
            expect(table.locator(".pa-ref").first).to_be_visible()
            expect(table.locator(".pa-notfound").first).to_have_text("未找到")
            chart = answer.locator(".pa-chart svg, .pa-chart img").first
            expect(chart).to_be_visible()
            assert chart.bounding_box()["height"] > 100
            timings["indicators"] = time.monotonic() - t0
            page.wait_for_timeout(500)  # let the Chatbot's autoscroll settle, then show the answer from its top
            answer.evaluate(SCROLL_TO_TOP)
            page.screenshot(path=str(SHOTS / "indicators.png"), full_page=True)

            # The 指标 tab: pick a place and an indicator, see the table, the chart and the source sentences.
            page.get_by_role("tab", name="指标").click()
            view = page.locator("#ind_view")
            expect(view.locator("table.pa-ind-table")).to_contain_text("300家")
            expect(view.locator(".pa-chart svg")).to_be_visible()
            page.locator("#ind_name input").click()
            page.get_by_role("option", name="科技成果转化项数", exact=True).click()
            expect(view.locator("table.pa-ind-table")).to_contain_text("97项")
            expect(view.locator(".pa-cite-title").first).to_contain_text("2021年全市科技工作要点")
            expect(page.get_by_role("listbox")).to_have_count(0)
            page.wait_for_timeout(300)  # the closed list fades out
            page.screenshot(path=str(SHOTS / "indicators_tab.png"), full_page=True)
            page.get_by_role("tab", name="问答").click()

            # 2. Paste a bulletin with a made-up fact; the header fields pre-fill from its text.
            t0 = time.monotonic()
            page.get_by_role("tab", name="新增公告").click()
            field(page, "paste_text").fill(BULLETIN)
            expect(field(page, "paste_date")).to_have_value("2026-03-02")
            expect(field(page, "paste_issuer")).to_have_value("咸宁市科学技术局")
            expect(field(page, "paste_title")).not_to_have_value("")
            field(page, "paste_title").fill(TITLE)
            page.locator("#paste_submit").click()
            expect(page.locator("#paste_result")).to_contain_text("已索引", timeout=90_000)
            expect(page.locator("#paste_result")).to_contain_text(TITLE)
            timings["paste"] = time.monotonic() - t0
            page.screenshot(path=str(SHOTS / "paste.png"), full_page=True)

            # 3. The new bulletin is answerable right away.
            t0 = time.monotonic()
            page.get_by_role("tab", name="问答").click()
            ask(page, QUESTION)
            answer = last_answer(page)
            expect(answer.locator(".pa-cite-title").first).to_contain_text("星火计划", timeout=60_000)
            expect(answer.locator(".pa-text")).to_contain_text("88家")
            timings["paste_answer"] = time.monotonic() - t0
            answer.locator("details").first.locator("summary").click()
            quote = answer.locator(".pa-quote").first
            expect(quote).to_contain_text("<img src=x onerror=alert(1)>")  # shown as text, never run
            expect(quote.locator("mark", has_text="88家")).to_be_visible()
            assert page.locator("#chatbot img[src=x]").count() == 0
            quote.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "paste_answer.png"), full_page=True)

            # 4. Delete it in the library: click its row, confirm, delete.
            listed = subprocess.run(
                [sys.executable, "-m", "assistant", "list", "--json"],
                cwd=ROOT,
                env=app_server["env"],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            [doc] = [d for d in json.loads(listed.stdout) if d["title"] == TITLE]
            t0 = time.monotonic()
            page.get_by_role("tab", name="文档库").click()
            expect(page.locator("#doc_table")).to_contain_text(TITLE)
            field(page, "doc_search").fill("星火")
            expect(page.locator("#doc_table")).not_to_contain_text("科技赋能促发展")
            page.locator("#doc_table [role=gridcell]", has_text="星火计划").first.click()
            expect(field(page, "delete_id")).to_have_value(doc["doc_id"])
            page.locator("#delete_button").click()
            expect(page.locator("#library_result")).to_contain_text("确认删除")
            page.locator("#delete_confirm input[type=checkbox]").check()
            page.screenshot(path=str(SHOTS / "library.png"), full_page=True)
            page.locator("#delete_button").click()
            expect(page.locator("#library_result")).to_contain_text("已删除", timeout=60_000)
            expect(page.locator("#doc_table")).not_to_contain_text(TITLE)
            timings["delete"] = time.monotonic() - t0

            # 5. The same question is now refused, with the fixed sentence.
            t0 = time.monotonic()
            page.get_by_role("tab", name="问答").click()
            ask(page, QUESTION)
            expect(last_answer(page).locator(".pa-refusal")).to_contain_text(REFUSAL, timeout=60_000)
            last_answer(page).scroll_into_view_if_needed()
            timings["refusal"] = time.monotonic() - t0
            page.screenshot(path=str(SHOTS / "refusal.png"), full_page=True)
            assert dialogs == [], f"a document's markup ran in the page: {dialogs}"
        finally:
            browser.close()
    print("timings (s):", {k: round(v, 2) for k, v in timings.items()})
