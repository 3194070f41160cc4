"""The running web app: file routes do not leak files, login guards the API, it binds 127.0.0.1,
and 30 simultaneous questions plus 3 pastes go through without errors or duplicates."""

from __future__ import annotations

import concurrent.futures as cf
import time
from pathlib import Path

import httpx
import pytest
from server_util import listening_addresses, running_app

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

PROBES = ["/etc/passwd", "../../../../etc/passwd", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"]


def test_file_routes_do_not_serve_local_files_and_bind_loopback(tmp_path: Path) -> None:
    secret = tmp_path / ".env"
    secret.write_text("ASSISTANT_LLM_API_KEY=sk-secret-123\n")
    with running_app(tmp_path) as (url, _, _):
        port = int(url.rsplit(":", 1)[1])
        assert listening_addresses(port) <= {"0100007F", "00000000000000000000000001000000"}, "must bind 127.0.0.1 only"
        targets = PROBES + [str(secret), str(tmp_path / "index" / "catalog.sqlite3"), str(Path.cwd() / "README.md")]
        served = []
        with httpx.Client(base_url=url, timeout=10) as client:
            for target in targets:
                for route in ("/gradio_api/file=", "/file=", "/gradio_api/file/", "/static/", "/assets/"):
                    r = client.get(route + target)
                    body = r.text
                    if r.status_code == 200 and (
                        "root:" in body
                        or "sk-secret" in body
                        or "SQLite format" in body
                        or "政策问答助手" in body[:200]
                    ):
                        served.append((route, target))
        print(f"\nfile-route probes: {len(targets) * 5}, served: {len(served)}")
        assert served == []


def test_auth_guards_page_api_and_upload(tmp_path: Path) -> None:
    with running_app(tmp_path, ASSISTANT_AUTH="staff:pa55word") as (url, _, _):
        with httpx.Client(base_url=url, timeout=10) as client:
            refused = 0
            for method, path in (
                ("get", "/config"),
                ("get", "/gradio_api/info"),
                ("post", "/gradio_api/upload"),
                ("post", "/gradio_api/queue/join"),
                ("post", "/gradio_api/call/ask"),
            ):
                r = client.request(
                    method.upper(),
                    path,
                    files={"files": ("a.txt", b"x")} if "upload" in path else None,
                    json=None if "upload" in path else {"data": ["x"], "fn_index": 0, "session_hash": "s"},
                )
                refused += r.status_code in (401, 403)
                assert r.status_code in (401, 403), (path, r.status_code, r.text[:200])
            login = client.post("/login", data={"username": "staff", "password": "pa55word"})
            assert login.status_code in (200, 302, 303)
            assert client.get("/config").status_code == 200
            print(f"\nunauthenticated requests refused: {refused}/5")


def test_concurrent_questions_and_pastes(tmp_path: Path) -> None:
    from gradio_client import Client

    questions = [
        "咸宁离岸科创园目标是什么",
        "2023年下陆区技术合同交易额目标是多少",
        "大冶2022年高新技术企业有多少家",
    ] * 10
    pastes = [
        f"咸宁市科技局第{i}号通知\n2026年咸宁市启动第{i}批科技项目，支持企业{10 + i}家，安排资金{100 + i}万元。"
        for i in range(3)
    ]
    with running_app(tmp_path) as (url, _, _):
        client = Client(url, verbose=False)
        serial = {q: client.predict(q, api_name="/ask")["answer"] for q in set(questions)}
        t0 = time.time()
        with cf.ThreadPoolExecutor(max_workers=33) as pool:
            asks = [pool.submit(Client(url, verbose=False).predict, q, api_name="/ask") for q in questions]
            adds = [pool.submit(Client(url, verbose=False).predict, p, api_name="/paste") for p in pastes]
            answers = [f.result(timeout=300) for f in asks]
            added = [f.result(timeout=300) for f in adds]
        elapsed = time.time() - t0
        assert all(a["answer"] == serial[q] for q, a in zip(questions, answers, strict=True))
        assert all(not r["duplicate"] and r["chunks"] >= 1 for r in added)
        docs = client.predict(api_name="/documents")
        titles = [d["title"] for d in docs]
        assert all(titles.count(f"咸宁市科技局第{i}号通知") == 1 for i in range(3))
        print(f"\nconcurrency: 30 questions + 3 pastes in {elapsed:.1f} s, errors 0, each paste indexed once")
