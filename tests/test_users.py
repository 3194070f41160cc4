"""Accounts and roles: scrypt hashes, the login's rate limit, roles enforced in the page's handlers and on /v1,
and the `assistant user` commands. The bulletins are this file's own (two made-up districts)."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant import kb
from assistant.settings import Settings
from assistant.users import ROLES, Forbidden, Identity, UserError, Users

ROOT = Path(__file__).resolve().parent.parent

LINHU = """临湖区科技局2025年工作总结
发文单位：临湖区科学技术局
2025年，临湖区新认定高新技术企业37家，技术合同成交额达到6.4亿元。
临湖区科学技术局
2025年12月18日"""

SHIQIAO = """石桥区科技局2025年工作总结
发文单位：石桥区科学技术局
2025年，石桥区新认定高新技术企业23家，建成众创空间5个。
石桥区科学技术局
2025年12月22日"""

Q_LINHU = "临湖区2025年新认定了多少家高新技术企业"


def basic(name: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def test_passwords_are_salted_scrypt_hashes_and_roles_are_per_kb(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder="hash")
    kb.create(settings, "linhu")
    users = Users(settings)
    users.add("wang", "correct horse", "editor", ["linhu"])
    users.add("li", "correct horse", "viewer")
    rows = sqlite3.connect(users.path).execute("SELECT name, salt, hash FROM users ORDER BY name").fetchall()
    assert len(rows) == 2 and rows[0][1] != rows[1][1] and rows[0][2] != rows[1][2]  # salted: same password differs
    assert all(b"correct horse" not in bytes(r[2]) for r in rows)
    assert users.verify("wang", "correct horse", "10.0.0.1") and not users.verify("wang", "correct hors", "10.0.0.1")
    wang, li = users.identity("wang"), users.identity("li")
    assert wang.can("linhu", "editor") and not wang.can("default") and wang.kbs(["default", "linhu"]) == ["linhu"]
    assert li.can("default") and li.can("linhu") and not li.can("linhu", "editor") and not li.is_admin
    with pytest.raises(Forbidden, match="editor"):
        li.require("linhu", "editor")
    for bad in (
        lambda: users.add("wang", "another pass"),
        lambda: users.add("zhao", "short"),
        lambda: users.add("bad name!", "long enough"),
        lambda: users.add("zhao", "long enough", "owner"),
        lambda: users.add("zhao", "long enough", "viewer", ["nowhere"]),
        lambda: users.passwd("nobody", "12345678"),
    ):
        with pytest.raises((UserError, kb.KBError)):
            bad()
    assert [u["name"] for u in users.list()] == ["li", "wang"]  # nothing partial written by the failures
    kb.rename(settings, "linhu", "linhu2")  # roles follow a rename and a deletion
    assert users.identity("wang").can("linhu2", "editor")
    kb.delete(settings, "linhu2")
    assert users.identity("wang").roles == {}
    assert users.remove("li") and not users.remove("li")


def test_wrong_password_is_rate_limited_per_user_and_address_with_one_message(tmp_path: Path) -> None:
    settings = Settings(
        index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder="hash", auth="boss:boss-pass-1"
    )
    users = Users(settings)
    users.add("zhou", "zhou-pass-1")
    for _ in range(5):
        assert not users.verify("zhou", "wrong", "10.0.0.9")
    assert users.locked("zhou", "10.0.0.9") > 0
    assert not users.verify("zhou", "zhou-pass-1", "10.0.0.9")  # locked: even the right password fails
    assert users.verify("zhou", "zhou-pass-1", "10.0.0.8")  # another address is not locked out
    assert not users.verify("nobody", "zhou-pass-1", "10.0.0.8")  # an unknown name answers the same way
    assert users.verify("boss", "boss-pass-1", "10.0.0.8") and users.identity("boss").is_admin  # ASSISTANT_AUTH
    assert Identity("x", {"*": "viewer"}).role("any") == "viewer" and set(ROLES) == {"viewer", "editor", "admin"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """(demo, pool, client): the page and /v1 over `default` (empty) and `linhu`, with an admin, an editor of
    linhu and a viewer."""
    from fastapi.testclient import TestClient

    from assistant.index import Library
    from assistant.ui import app as app_mod

    base = tmp_path_factory.mktemp("users")
    (base / "corpus").mkdir()
    settings = Settings(index_dir=base / "index", corpus_dir=base / "corpus", embedder="hash")
    kb.create(settings, "linhu")
    users = Users(settings)
    users.add("admin1", "admin-pass-1", "admin")
    users.add("editor1", "editor-pass-1", "editor", ["linhu"])
    users.add("viewer1", "viewer-pass-1", "viewer")
    library = Library(settings, writer=True)
    demo = app_mod.create_app(settings, library)
    pool = demo.pool
    pool.get("linhu").library.add_text(LINHU)
    server = app_mod.server_app(pool)
    try:
        yield demo, pool, TestClient(server, client=("127.0.0.1", 50001))
    finally:
        library.close()


def handler(demo, name: str):  # type: ignore[no-untyped-def]
    fns = {f.fn for f in demo.fns.values() if f.name == name}  # one handler may serve several events
    assert len(fns) == 1, (name, fns)
    return fns.pop()


def as_user(name: str | None) -> SimpleNamespace:
    return SimpleNamespace(username=name)


def count(pool, name: str) -> int:  # type: ignore[no-untyped-def]
    return len(pool.get(name).library.documents())


def test_a_viewer_calling_the_write_handlers_directly_changes_nothing(served) -> None:  # type: ignore[no-untyped-def]
    demo, pool, _ = served
    before = count(pool, "linhu")
    on_paste, on_delete = handler(demo, "on_paste"), handler(demo, "on_delete")
    out = on_paste(SHIQIAO, "", "", "", "", None, None, "linhu", as_user("viewer1"), None)
    assert "没有权限" in out[0] and count(pool, "linhu") == before
    doc_id = pool.get("linhu").library.documents()[0]["doc_id"]
    out = on_delete(doc_id, True, "", None, None, "linhu", as_user("viewer1"))
    assert "没有权限" in out[0] and count(pool, "linhu") == before
    out = handler(demo, "on_reindex")("", None, None, "linhu", as_user("viewer1"), None)
    assert "没有权限" in out[0]
    # an editor of linhu may write there, not in default
    out = on_paste(SHIQIAO, "", "", "", "", None, None, "default", as_user("editor1"), None)
    assert "没有权限" in out[0] and count(pool, "default") == 0
    out = on_paste(SHIQIAO, "", "", "", "", None, None, "linhu", as_user("editor1"), None)
    assert "已索引" in out[0] and count(pool, "linhu") == before + 1
    # knowledge-base management is for admins
    manage = [f.fn for f in demo.fns.values() if f.name == "run" and len(f.inputs) == 3]
    assert manage
    msg, _, _ = manage[0]("linhu", "xinku", False, as_user("editor1"))
    assert "没有权限" in msg and not kb.exists(pool.settings, "xinku")
    api_paste = handler(demo, "api_paste")
    assert api_paste(SHIQIAO + "\n补充", request=as_user("viewer1"))["code"] == 403


def test_a_user_sees_only_their_knowledge_bases_and_tabs(served) -> None:  # type: ignore[no-untyped-def]
    demo, pool, _ = served
    on_load = handler(demo, "on_load")
    kbs, add_tab, write_zone, kb_admin, fb_tab, stats_tab, *_ = on_load(None, {}, as_user("editor1"))
    assert kbs["choices"] == [("linhu", "linhu"), ("全部", "全部")] or kbs["choices"] == ["linhu", "全部"]
    assert add_tab["visible"] is True and fb_tab["visible"] is False and stats_tab["visible"] is False
    kbs, add_tab, *_rest = on_load(None, {}, as_user("viewer1"))
    assert add_tab["visible"] is False
    kbs, add_tab, write_zone, kb_admin, fb_tab, *_ = on_load(None, {}, as_user("admin1"))
    assert kb_admin["visible"] is True and fb_tab["visible"] is True
    # the editor of linhu cannot read default's library through the table handler
    import gradio as gr

    with pytest.raises(gr.Error):
        handler(demo, "table")("", "default", as_user("editor1"))
    # and asking 全部 only asks linhu
    respond = handler(demo, "respond")
    *_, (messages, state, _) = list(respond(Q_LINHU, {}, "全部", as_user("editor1")))
    assert "37家" in messages[-1]["content"]
    *_, (messages, _, _) = list(respond(Q_LINHU, {}, "default", as_user("editor1")))
    assert "没有权限" in messages[-1]["content"]


def test_api_enforces_roles_for_signed_in_users(served) -> None:  # type: ignore[no-untyped-def]
    _, pool, client = served
    before = count(pool, "linhu")
    viewer = basic("viewer1", "viewer-pass-1")
    r = client.post("/v1/kbs/linhu/documents", json={"text": SHIQIAO + "\n追加"}, headers=viewer)
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied" and count(pool, "linhu") == before
    doc_id = pool.get("linhu").library.documents()[0]["doc_id"]
    r = client.delete(f"/v1/kbs/linhu/documents/{doc_id}", headers=basic("viewer1", "viewer-pass-1"))
    assert r.status_code == 403 and count(pool, "linhu") == before
    assert client.get("/v1/models").status_code == 401  # accounts exist: no anonymous access, even from here
    assert client.get("/v1/models", headers=basic("viewer1", "nope")).status_code == 401
    models = client.get("/v1/models", headers=basic("editor1", "editor-pass-1")).json()
    assert [m["id"] for m in models["data"]] == ["linhu"]
    r = client.post(
        "/v1/chat/completions",
        headers=basic("editor1", "editor-pass-1"),
        json={"model": "default", "messages": [{"role": "user", "content": Q_LINHU}]},
    )
    assert r.status_code == 403
    r = client.post("/v1/kbs", json={"name": "xinku2"}, headers=basic("editor1", "editor-pass-1"))
    assert r.status_code == 403 and not kb.exists(pool.settings, "xinku2")
    r = client.post(
        "/v1/kbs/linhu/documents",
        json={"text": "石桥区2026年计划新建众创空间8个。"},
        headers=basic("editor1", "editor-pass-1"),
    )
    assert r.status_code == 201 and count(pool, "linhu") == before + 1


def test_api_sign_in_is_rate_limited(served) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from assistant.ui import app as app_mod

    _, pool, _ = served
    client = TestClient(app_mod.server_app(pool), client=("10.9.9.9", 40000))
    codes = [client.get("/v1/models", headers=basic("admin1", f"guess-{i}")).status_code for i in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    assert client.get("/v1/models", headers=basic("admin1", "admin-pass-1")).status_code == 429  # still locked


def cli(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_user_commands(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        ASSISTANT_INDEX_DIR=str(tmp_path / "index"),
        ASSISTANT_CORPUS_DIR=str(tmp_path / "c"),
        ASSISTANT_EMBEDDER="hash",
        PYTHONPATH=str(ROOT),
    )
    (tmp_path / "c").mkdir()
    assert cli(["kb", "create", "linhu"], env).returncode == 0
    out = cli(["user", "add", "wang", "--role", "editor", "--kb", "linhu", "--password-stdin"], env, "wang-pass-1\n")
    assert out.returncode == 0 and '"linhu": "editor"' in out.stdout, out.stderr
    out = cli(["user", "add", "wang", "--password-stdin"], env, "wang-pass-2\n")
    assert out.returncode == 2 and "exists" in out.stderr
    out = cli(["user", "add", "zhao", "--kb", "nowhere", "--password-stdin"], env, "zhao-pass-1\n")
    assert out.returncode == 2 and "nowhere" in out.stderr
    assert cli(["user", "passwd", "wang", "--password-stdin"], env, "wang-pass-9\n").returncode == 0
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "c", embedder="hash")
    assert Users(settings).verify("wang", "wang-pass-9", "x") and not Users(settings).verify("wang", "wang-pass-1", "y")
    listed = cli(["user", "list"], env).stdout
    assert "wang" in listed and "linhu:editor" in listed and "zhao" not in listed and "pass" not in listed
    assert cli(["user", "remove", "wang"], env).returncode == 0
    assert cli(["user", "remove", "wang"], env).returncode == 1


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_page_login_is_rate_limited_with_one_message(tmp_path: Path) -> None:
    """The running app: five wrong passwords lock (name, address); then even the right one is refused, with the
    same answer as a wrong name; the other account still signs in, and a viewer's /gradio_api paste is refused."""
    import httpx
    from server_util import running_app

    users = Users(Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder="hash"))
    users.add("viewer1", "viewer-pass-1", "viewer")
    users.add("viewer2", "viewer-pass-2", "viewer")
    with running_app(tmp_path) as (url, _, _), httpx.Client(base_url=url, timeout=30) as client:
        answers = [client.post("/login", data={"username": "viewer1", "password": f"wrong-{i}"}) for i in range(5)]
        assert {(r.status_code, r.text) for r in answers} == {(answers[0].status_code, answers[0].text)}
        locked = client.post("/login", data={"username": "viewer1", "password": "viewer-pass-1"})
        unknown = client.post("/login", data={"username": "nobody", "password": "viewer-pass-1"})
        assert locked.status_code == unknown.status_code == answers[0].status_code == 400
        assert locked.text == unknown.text == answers[0].text
        ok = client.post("/login", data={"username": "viewer2", "password": "viewer-pass-2"})
        assert ok.status_code == 200
        r = client.post("/gradio_api/call/paste", json={"data": [SHIQIAO, "", "", ""]})
        assert r.status_code == 200
        event = r.json()["event_id"]
        body = client.get(f"/gradio_api/call/paste/{event}").text
        [result] = json.loads(body.split("data:", 1)[1])
        assert result["code"] == 403 and "没有权限" in result["error"], body
        r = client.post("/v1/kbs/default/documents", json={"text": SHIQIAO})
        assert r.status_code == 403
