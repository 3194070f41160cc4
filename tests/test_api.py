"""The OpenAI-compatible API: routes called in process (keys, errors, documents), then the running app through
the real `openai` client, curl, and 50 concurrent requests across two knowledge bases.

Documents and questions are this file's own (tests/test_kb.py's two made-up counties)."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from server_util import running_app
from test_kb import BAOKANG, NANZHANG, Q_BAOKANG, Q_NANZHANG

from assistant import REFUSAL, kb
from assistant.settings import Settings

LOCAL = ("127.0.0.1", 50000)


def ask_body(model: str, question: str, **extra: object) -> dict[str, object]:
    return {"model": model, "messages": [{"role": "user", "content": question}], **extra}


# -- in process -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(settings, pool, make_client) over the seeds in `default` and 南漳 in `nanzhang`."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from assistant.index import Library
    from assistant.ui import api as api_mod
    from assistant.ui.app import AssistantUI
    from assistant.ui.kbs import KBPool

    base = tmp_path_factory.mktemp("api")
    corpus = base / "corpus"
    corpus.mkdir()
    for path in sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.txt")):
        shutil.copy2(path, corpus / path.name)
    settings = Settings(index_dir=base / "index", corpus_dir=corpus, embedder="hash")
    library = Library(settings, writer=True)
    library.ingest_paths(progress=False)
    kb.create(settings, "nanzhang")
    pool = KBPool(settings, AssistantUI(settings, library))
    pool.get("nanzhang").library.add_text(NANZHANG)
    app = FastAPI()
    api_mod.install(app, pool)

    def client(host: tuple[str, int] = LOCAL, key: str = "") -> TestClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return TestClient(app, client=host, headers=headers)

    try:
        yield settings, pool, client
    finally:
        library.close()


def test_models_and_answers_per_knowledge_base(api) -> None:  # type: ignore[no-untyped-def]
    _, _, client = api
    c = client()
    models = c.get("/v1/models").json()
    assert models["object"] == "list" and [m["id"] for m in models["data"]] == ["default", "nanzhang"]
    r = c.post("/v1/chat/completions", json=ask_body("nanzhang", Q_NANZHANG))
    body = r.json()
    assert r.status_code == 200 and body["object"] == "chat.completion" and body["model"] == "nanzhang"
    assert "41家" in body["choices"][0]["message"]["content"] and body["choices"][0]["message"]["role"] == "assistant"
    assert body["refused"] is False and body["verified"] is True
    [cite] = body["citations"]
    assert {"n", "title", "date", "issuer", "source", "quote"} <= set(cite) and cite["n"] == 1
    assert (
        cite["title"] == "南漳县科技局2025年科技创新工作总结"
        and "41家" in cite["quote"]
        and cite["date"] == "2025-12-26"
    )
    other = c.post("/v1/chat/completions", json=ask_body("default", Q_NANZHANG)).json()
    assert (
        other["refused"] is True and other["choices"][0]["message"]["content"] == REFUSAL and other["citations"] == []
    )
    across = c.post("/v1/chat/completions", json=ask_body("全部", Q_NANZHANG)).json()
    assert "41家" in across["choices"][0]["message"]["content"] and across["citations"][0]["kb"] == "nanzhang"


def test_openapi_schema_describes_every_route(api) -> None:  # type: ignore[no-untyped-def]
    """/openapi.json (and so /docs) builds: every route's types resolve."""
    _, _, client = api
    r = client().get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {"/v1/models", "/v1/chat/completions", "/v1/kbs/{name}/documents", "/v1/feedback"} <= set(paths)


def test_history_in_messages_drives_the_follow_up(api) -> None:  # type: ignore[no-untyped-def]
    _, _, client = api
    first = client().post("/v1/chat/completions", json=ask_body("nanzhang", Q_NANZHANG)).json()
    messages = [
        {"role": "system", "content": "你是政策问答助手"},
        {"role": "user", "content": Q_NANZHANG},
        {"role": "assistant", "content": first["choices"][0]["message"]["content"]},
        {"role": "user", "content": [{"type": "text", "text": "2024年呢"}]},
    ]
    follow = client().post("/v1/chat/completions", json={"model": "nanzhang", "messages": messages}).json()
    assert "按上下文理解为：南漳县2024年新认定了多少家高新技术企业" in follow["note"]
    assert follow["refused"] is True  # the bulletin has no 2024 figure


def test_stream_is_the_same_text_sentence_by_sentence(api) -> None:  # type: ignore[no-untyped-def]
    _, _, client = api
    plain = client().post("/v1/chat/completions", json=ask_body("default", "大冶2022年高新技术企业有多少家？")).json()
    with client().stream(
        "POST", "/v1/chat/completions", json=ask_body("default", "大冶2022年高新技术企业有多少家？", stream=True)
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [ln for ln in r.iter_lines() if ln]
    assert lines[-1] == "data: [DONE]" and all(ln.startswith("data: ") for ln in lines)
    chunks = [json.loads(ln[6:]) for ln in lines[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == plain["choices"][0]["message"]["content"] and "243" in text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"] == plain["citations"]


def test_bad_requests_get_openai_style_errors(api) -> None:  # type: ignore[no-untyped-def]
    _, _, client = api
    c = client()
    r = c.post("/v1/chat/completions", json=ask_body("nope", "x"))
    assert (
        r.status_code == 404
        and r.json()["error"]["code"] == "model_not_found"
        and "nope" in r.json()["error"]["message"]
    )
    for body in (
        {"messages": [{"role": "user", "content": "x"}]},
        {"model": "default"},
        {"model": "default", "messages": [{"role": "assistant", "content": "x"}]},
    ):
        r = c.post("/v1/chat/completions", json=body)
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    assert c.post("/v1/chat/completions", content=b"{not json").status_code == 400
    assert c.get("/v1/kbs/nope/documents").status_code == 404
    assert c.post("/v1/kbs/nanzhang/documents", json={"text": "   "}).status_code == 400
    r = c.post("/v1/kbs/nanzhang/documents", json={"text": BAOKANG, "date": "next week"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "date"
    assert c.post("/v1/kbs/nanzhang/documents", files={"file": ("x.pdf", b"\x00\x01 not a pdf")}).status_code == 400
    assert [d["title"] for d in c.get("/v1/kbs/nanzhang/documents").json()["data"]] == [
        "南漳县科技局2025年科技创新工作总结"
    ]


def test_documents_per_knowledge_base(api) -> None:  # type: ignore[no-untyped-def]
    _, _, client = api
    c = client()
    assert c.post("/v1/kbs", json={"name": "baokang"}).status_code == 201
    assert c.post("/v1/kbs", json={"name": "baokang"}).status_code == 409
    added = c.post("/v1/kbs/baokang/documents", json={"text": BAOKANG, "title": "保康县2025年工作总结"})
    assert added.status_code == 201 and added.json()["chunks"] >= 1
    assert c.post("/v1/kbs/baokang/documents", json={"text": BAOKANG}).json()["duplicate"] is True
    upload = c.post(
        "/v1/kbs/baokang/documents",
        files={"file": ("note.txt", "保康县2026年计划新建众创空间3家。".encode())},
        data={"title": "保康县众创空间计划", "date": "2026-01-05"},
    )
    assert upload.status_code == 201 and upload.json()["source"] == "uploads/note.txt"
    docs = c.get("/v1/kbs/baokang/documents").json()["data"]
    assert {d["title"] for d in docs} == {"保康县2025年工作总结", "保康县众创空间计划"}
    assert (
        "29家"
        in c.post("/v1/chat/completions", json=ask_body("baokang", Q_BAOKANG)).json()["choices"][0]["message"][
            "content"
        ]
    )
    assert c.post("/v1/chat/completions", json=ask_body("nanzhang", Q_BAOKANG)).json()["refused"]
    gone = c.delete(f"/v1/kbs/baokang/documents/{added.json()['doc_id']}")
    assert gone.status_code == 200 and gone.json()["deleted"]
    assert c.delete(f"/v1/kbs/baokang/documents/{added.json()['doc_id']}").status_code == 404
    assert c.post("/v1/chat/completions", json=ask_body("baokang", Q_BAOKANG)).json()["refused"]
    assert [m["id"] for m in c.get("/v1/models").json()["data"]] == ["default", "baokang", "nanzhang"]


def test_keys_401_403_and_loopback_only_without_keys(api) -> None:  # type: ignore[no-untyped-def]
    from assistant import apikeys

    settings, _, client = api
    assert client(("10.1.2.3", 4000)).get("/v1/models").status_code == 401  # no keys: this machine only
    reader, reader_rec = apikeys.create(settings, ["nanzhang"], read_only=True)
    writer, writer_rec = apikeys.create(settings, ["*"])
    try:
        r = client().get("/v1/models")
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"  # keys exist: loopback too
        assert client(key="pa-wrong").get("/v1/models").status_code == 401
        assert client(key="pa-wrong").post("/v1/chat/completions", content=b"{bad").status_code == 401
        assert client().post("/v1/chat/completions", json=ask_body("nope", "x")).status_code == 401
        assert client(key=reader).post("/v1/chat/completions", json=ask_body("nanzhang", Q_NANZHANG)).status_code == 200
        assert [m["id"] for m in client(key=reader).get("/v1/models").json()["data"]] == ["nanzhang"]
        across = client(key=reader).post("/v1/chat/completions", json=ask_body("all", "大冶2022年高新技术企业有多少家"))
        assert across.status_code == 200 and across.json()["refused"]  # 全部 means every KB the key may use
        r = client(key=reader).post("/v1/chat/completions", json=ask_body("default", Q_NANZHANG))
        assert r.status_code == 403 and r.json()["error"]["type"] == "permission_error"
        assert client(key=reader).get("/v1/kbs/default/documents").status_code == 403
        assert client(key=reader).post("/v1/kbs/nanzhang/documents", json={"text": BAOKANG}).status_code == 403
        assert client(key=reader).delete("/v1/kbs/nanzhang/documents/x").status_code == 403
        assert client(key=reader).post("/v1/kbs", json={"name": "x1"}).status_code == 403
        assert (
            client(("10.1.2.3", 4000), key=writer)
            .post("/v1/chat/completions", json=ask_body("default", "大冶2022年高新技术企业有多少家"))
            .status_code
            == 200
        )
        assert client(key=writer).delete("/v1/kbs/nanzhang/documents/nope").status_code == 404
    finally:
        apikeys.revoke(settings, reader_rec.id)
        apikeys.revoke(settings, writer_rec.id)
    assert client().get("/v1/models").status_code == 200  # revoked: back to loopback-only


# -- the running app --------------------------------------------------------------------------------
def _cli(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(url, env) of `assistant serve` with the seeds in `default`, 南漳 in `nanzhang`, 保康 in `baokang`."""
    tmp = tmp_path_factory.mktemp("live")
    env = dict(os.environ, ASSISTANT_INDEX_DIR=str(tmp / "index"), ASSISTANT_EMBEDDER="hash", HF_HUB_OFFLINE="1")
    env.pop("ASSISTANT_KB", None)
    for name, text in (("nanzhang", NANZHANG), ("baokang", BAOKANG)):
        _cli(["kb", "create", name], env)
        _cli(["--kb", name, "add", "-"], env, stdin=text)
    with running_app(tmp) as (url, _, log):
        yield url, env, log


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_openai_client_against_the_running_app(live) -> None:  # type: ignore[no-untyped-def]
    openai = pytest.importorskip("openai")
    url, _, _ = live
    client = openai.OpenAI(base_url=f"{url}/v1", api_key="not-needed-on-127.0.0.1", max_retries=0)
    assert {m.id for m in client.models.list()} == {"default", "nanzhang", "baokang"}
    resp = client.chat.completions.create(
        model="default", messages=[{"role": "user", "content": "大冶2022年高新技术企业有多少家？"}]
    )
    text = resp.choices[0].message.content
    assert "243" in text and "[1]" in text
    extra = resp.model_extra or {}
    assert (
        extra["verified"] is True and extra["refused"] is False and any("243" in c["quote"] for c in extra["citations"])
    )
    stream = client.chat.completions.create(
        model="default", stream=True, messages=[{"role": "user", "content": "大冶2022年高新技术企业有多少家？"}]
    )
    assert "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices) == text
    south = client.chat.completions.create(model="nanzhang", messages=[{"role": "user", "content": Q_NANZHANG}])
    assert "41家" in south.choices[0].message.content
    assert south.model_extra["citations"][0]["title"] == "南漳县科技局2025年科技创新工作总结"
    refused = client.chat.completions.create(model="default", messages=[{"role": "user", "content": Q_NANZHANG}])
    assert refused.choices[0].message.content == REFUSAL and refused.model_extra["refused"] is True
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_curl_against_the_running_app(live) -> None:  # type: ignore[no-untyped-def]
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    url, _, _ = live
    body = json.dumps(ask_body("baokang", Q_BAOKANG), ensure_ascii=False)
    out = subprocess.run(
        [
            curl,
            "-sS",
            "--fail-with-body",
            f"{url}/v1/chat/completions",
            "-H",
            "Content-Type: application/json",
            "-d",
            body,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr + out.stdout
    answer = json.loads(out.stdout)
    assert "29家" in answer["choices"][0]["message"]["content"] and answer["citations"][0]["source"].startswith(
        "paste-"
    )
    streamed = subprocess.run(
        [
            curl,
            "-sSN",
            f"{url}/v1/chat/completions",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(ask_body("baokang", Q_BAOKANG, stream=True), ensure_ascii=False),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert streamed.stdout.rstrip().endswith("data: [DONE]")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_fifty_concurrent_requests_across_two_knowledge_bases(live) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = live
    jobs = [("nanzhang", Q_NANZHANG, "41家", "29家"), ("baokang", Q_BAOKANG, "29家", "41家")] * 25
    titles = {"nanzhang": "南漳县科技局2025年科技创新工作总结", "baokang": "保康县科技局2025年科技创新工作总结"}

    def one(job: tuple[str, str, str, str]) -> tuple[str, dict]:
        model, question, _, _ = job
        r = httpx.post(f"{url}/v1/chat/completions", json=ask_body(model, question), timeout=120)
        r.raise_for_status()
        return model, r.json()

    with cf.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(one, jobs))
    assert len(results) == 50
    for (model, _, own, other), (got_model, body) in zip(jobs, results, strict=True):
        text = body["choices"][0]["message"]["content"]
        assert got_model == model == body["model"] and own in text and other not in text
        assert {c["title"] for c in body["citations"]} == {titles[model]}


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_keys_on_the_running_app(live) -> None:  # type: ignore[no-untyped-def]
    url, env, _ = live
    made = json.loads(_cli(["apikey", "create", "--kb", "nanzhang"], env))
    try:
        with httpx.Client(base_url=url, timeout=60) as c:
            assert c.get("/v1/models").status_code == 401
            auth = {"Authorization": f"Bearer {made['key']}"}
            assert c.post("/v1/chat/completions", json=ask_body("baokang", Q_BAOKANG), headers=auth).status_code == 403
            ok = c.post("/v1/chat/completions", json=ask_body("nanzhang", Q_NANZHANG), headers=auth)
            assert ok.status_code == 200 and "41家" in ok.json()["choices"][0]["message"]["content"]
    finally:
        _cli(["apikey", "revoke", made["id"]], env)


def test_page_selector_handlers(api) -> None:  # type: ignore[no-untyped-def]
    from assistant.ui import app

    _, pool, _ = api
    msg, selected = app.manage_kb(pool, "create", "default", "临时库")
    assert "已新建" in msg and selected == "临时库" and "临时库" in pool.names()
    assert "不合法" in app.manage_kb(pool, "create", "default", "a/b")[0]
    assert "已存在" in app.manage_kb(pool, "create", "default", "临时库")[0]
    msg, selected = app.manage_kb(pool, "rename", "临时库", "temp")
    assert selected == "temp" and "临时库" not in pool.names() and "temp" in pool.names()
    assert "全部" in app.manage_kb(pool, "rename", "全部", "x")[0]
    assert "勾选" in app.manage_kb(pool, "delete", "temp", "")[0] and "temp" in pool.names()
    msg, selected = app.manage_kb(pool, "delete", "temp", "", True)
    assert "已删除" in msg and selected == "default" and "temp" not in pool.names()
    assert "不能" in app.manage_kb(pool, "delete", "default", "", True)[0]
    # 全部 on the page: the answer of the KB that has it, its citation naming the KB
    *_, (messages, _, _) = list(app.AcrossKBs(pool).respond(Q_NANZHANG, None))
    assert "41家" in messages[-1]["content"] and 'class="pa-badge pa-kb"' in messages[-1]["content"]
    assert ">nanzhang</span>" in messages[-1]["content"]
    assert (
        "知识库 <b>全部</b>" in app.AcrossKBs(pool).stats_html()
        and "知识库 <b>nanzhang</b>" in pool.get("nanzhang").stats_html()
    )
    total = sum(pool.get(n).stats()["documents"] for n in pool.names())
    assert app.AcrossKBs(pool).stats()["documents"] == total
