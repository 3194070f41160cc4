"""End to end in Chromium: sign in as a viewer, ask, reload, the conversation is still listed and reopens; the
paste tab is not offered and a direct API paste with the viewer's login is refused; a 👎 with a correction shows
in the admin's 反馈 tab and the 统计 tab counts the questions. Screenshots: conversations.png, feedback.png,
stats.png (copied to docs/ for the README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_util import running_app
from test_browser import CHROMIUM, SHOTS, ask, field, last_answer
from test_users import LINHU, Q_LINHU

from assistant.settings import Settings
from assistant.users import Users

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(420),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"),
]


def sign_in(page, url: str, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/")
    page.locator("input[type=password]").wait_for()
    page.locator("input:not([type=password])").first.fill(name)
    page.locator("input[type=password]").fill(password)
    page.locator("input[type=password]").press("Enter")
    page.locator("#chatbot").wait_for()


def test_viewer_history_feedback_and_admin_tabs(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=30_000)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "linhu_2025.txt").write_text(LINHU, encoding="utf-8")
    users = Users(Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder="hash"))
    users.add("viewer1", "viewer-pass-1", "viewer")
    users.add("admin1", "admin-pass-1", "admin")
    with running_app(tmp_path) as (url, _, _), sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            viewer = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page = viewer.new_page()
            page.set_default_timeout(60_000)
            sign_in(page, url, "viewer1", "viewer-pass-1")
            expect(page.get_by_role("tab", name="新增公告")).to_have_count(0)  # paste is not offered
            expect(page.get_by_role("tab", name="反馈")).to_have_count(0)
            ask(page, Q_LINHU)
            expect(last_answer(page).locator(".pa-text")).to_contain_text("37家", timeout=60_000)
            expect(page.locator("#conv_list")).to_contain_text(Q_LINHU)

            # a direct API paste with the viewer's own login cookie: refused, nothing added
            before = len(page.request.get(url + "/v1/kbs/default/documents").json()["data"])
            r = page.request.post(url + "/v1/kbs/default/documents", data={"text": "临湖区2026年计划新建孵化器9家。"})
            assert r.status == 403, r.text()
            r = page.request.get(url + "/v1/kbs/default/documents")
            assert r.status == 200 and len(r.json()["data"]) == before

            # 👎 with a correction
            page.locator("#chatbot").get_by_label("踩").last.click()
            expect(page.locator("#feedback_result")).to_contain_text("已记录 👎")
            page.locator("#feedback_panel").get_by_text("反馈与导出").first.click()
            field(page, "correction").fill("正确答案是新认定高新技术企业38家")
            page.locator("#correction_submit").click()
            expect(page.locator("#feedback_result")).to_contain_text("已提交更正")

            page.reload()
            page.locator("#chatbot").wait_for()
            expect(page.locator("#conv_list")).to_contain_text(Q_LINHU)  # still there after a reload
            page.locator("#conv_list").get_by_text(Q_LINHU).click()
            expect(last_answer(page).locator(".pa-text")).to_contain_text("37家")
            page.screenshot(path=str(SHOTS / "conversations.png"), full_page=True)

            admin = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page = admin.new_page()
            page.set_default_timeout(60_000)
            sign_in(page, url, "admin1", "admin-pass-1")
            page.get_by_role("tab", name="反馈").click()
            expect(page.locator("#fb_view")).to_contain_text("正确答案是新认定高新技术企业38家")
            expect(page.locator("#fb_view")).to_contain_text("viewer1")
            page.screenshot(path=str(SHOTS / "feedback.png"), full_page=True)
            page.get_by_role("tab", name="统计").click()
            expect(page.locator("#stats_view")).to_contain_text("拒答率")
            expect(page.locator("#stats_view svg").first).to_be_visible()
            page.screenshot(path=str(SHOTS / "stats.png"), full_page=True)
        finally:
            browser.close()
