"""The README's run command as a user types it: `make run` in the repository root, the installed `assistant serve`
(what it starts) and `python -m assistant serve` from outside the repository, each with its own index and port;
one question through the page's HTTP API must come back answered and cited."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from server_util import running_app

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def ask_over_http(url: str, question: str) -> dict:
    """Gradio's documented HTTP API: POST /gradio_api/call/ask, then read the event stream."""
    with httpx.Client(base_url=url, timeout=120) as client:
        r = client.post("/gradio_api/call/ask", json={"data": [question]})
        r.raise_for_status()
        event_id = r.json()["event_id"]
        body = client.get(f"/gradio_api/call/ask/{event_id}").text
    lines = body.splitlines()
    data = [
        line[len("data: ") :]
        for i, line in enumerate(lines)
        if line.startswith("data: ") and i > 0 and lines[i - 1].strip() == "event: complete"
    ]
    assert data, body[:500]
    return json.loads(data[-1])[0]


@pytest.mark.parametrize("launcher", ["make", "console", "module"])
def test_serve_as_the_readme_runs_it(tmp_path: Path, launcher: str) -> None:
    """`make run` typed in the repository root, and the installed command it starts run from elsewhere."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    with running_app(tmp_path, launcher=launcher, cwd=None if launcher == "make" else elsewhere) as (url, _, log):
        assert "政策问答助手" in httpx.get(url, timeout=30).text
        ans = ask_over_http(url, "大冶市2022年末高新技术企业数量是多少")
        assert not ans["refused"] and "243" in ans["answer"], ans["answer"]
        assert "[1]" in ans["answer"] and any("243" in c["quote"] for c in ans["citations"])
        assert "索引" in log.read_text(encoding="utf-8")
