"""End to end in Chromium: make a knowledge base on the page, paste a bulletin into it, and ask in it, in
`default` (refused) and in 全部 (answered, the citation naming the knowledge base). Screenshot: kb.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_util import running_app
from test_browser import CHROMIUM, SHOTS, ask, field, last_answer
from test_kb import NANZHANG, Q_NANZHANG

from assistant import REFUSAL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(420),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


def choose_kb(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#kb_select input").click()
    page.get_by_role("option", name=name, exact=True).click()


def test_knowledge_base_selector(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=30_000)
    with running_app(tmp_path) as (url, _, _), sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(60_000)
            page.goto(url + "/")
            expect(page.locator("#kb_select input")).to_have_value("default")

            page.get_by_role("tab", name="文档库").click()
            page.locator("#kb_admin").get_by_text("知识库管理").click()
            field(page, "kb_name").fill("nanzhang")
            page.locator("#kb_create").click()
            expect(page.locator("#kb_result")).to_contain_text("已新建", timeout=60_000)
            expect(page.locator("#kb_select input")).to_have_value("nanzhang")
            expect(page.locator("#library_stats")).to_contain_text("0")

            page.get_by_role("tab", name="新增公告").click()
            field(page, "paste_text").fill(NANZHANG)
            page.locator("#paste_submit").click()
            expect(page.locator("#paste_result")).to_contain_text("已索引", timeout=90_000)

            page.get_by_role("tab", name="问答").click()
            ask(page, Q_NANZHANG)
            expect(last_answer(page).locator(".pa-text")).to_contain_text("41家", timeout=60_000)

            choose_kb(page, "default")
            ask(page, Q_NANZHANG)
            expect(last_answer(page).locator(".pa-refusal")).to_contain_text(REFUSAL, timeout=60_000)

            choose_kb(page, "全部")
            ask(page, Q_NANZHANG)
            answer = last_answer(page)
            expect(answer.locator(".pa-text")).to_contain_text("41家", timeout=60_000)
            expect(answer.locator(".pa-kb").first).to_have_text("nanzhang")
            answer.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "kb.png"), full_page=True)
        finally:
            browser.close()
