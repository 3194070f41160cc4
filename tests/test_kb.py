"""Knowledge bases: one KB's documents never reach another's answers; create / rename / delete; `--kb` on the CLI.

The two bulletins are this file's own (two made-up counties reporting the same indicator)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import REFUSAL, kb
from assistant.settings import Settings

NANZHANG = """南漳县科技局2025年科技创新工作总结
发文单位：南漳县科学技术局
2025年，南漳县新认定高新技术企业41家，技术合同成交额达到8.6亿元。
全县新建省级科技企业孵化器2家。
南漳县科学技术局
2025年12月26日"""

BAOKANG = """保康县科技局2025年科技创新工作总结
发文单位：保康县科学技术局
2025年，保康县新认定高新技术企业29家，技术合同成交额达到5.3亿元。
全县新建市级工程技术研究中心6个。
保康县科学技术局
2025年12月29日"""

Q_NANZHANG = "南漳县2025年新认定了多少家高新技术企业"
Q_BAOKANG = "保康县2025年新认定了多少家高新技术企业"


@pytest.fixture
def two_kbs(ingested, settings: Settings):  # type: ignore[no-untyped-def]
    """The seeds in `default`, 南漳 in `nanzhang`, 保康 in `baokang`: {name: QA}."""
    from assistant.chain import QA
    from assistant.index import Library

    qas = {"default": QA(settings, ingested)}
    libs = []
    for name, text in (("nanzhang", NANZHANG), ("baokang", BAOKANG)):
        kb.create(settings, name)
        lib = Library(kb.for_kb(settings, name), embedder=ingested.embedder, writer=True)
        libs.append(lib)
        assert not lib.add_text(text).duplicate
        qas[name] = QA(lib.settings, lib)
    try:
        yield qas
    finally:
        for lib in libs:
            lib.close()


def test_each_question_is_answered_only_in_its_own_knowledge_base(two_kbs: dict, settings: Settings) -> None:
    south = two_kbs["nanzhang"].ask(Q_NANZHANG)
    assert not south.refused and "41家" in south.answer and south.verified
    assert [c.title for c in south.citations] == ["南漳县科技局2025年科技创新工作总结"]
    assert two_kbs["default"].ask(Q_NANZHANG).answer == REFUSAL
    assert two_kbs["baokang"].ask(Q_NANZHANG).answer == REFUSAL
    north = two_kbs["baokang"].ask(Q_BAOKANG)
    assert "29家" in north.answer and "41家" not in north.answer
    # the seeds stay in default only
    assert "243" in two_kbs["default"].ask("大冶2022年高新技术企业有多少家").answer
    assert two_kbs["nanzhang"].ask("大冶2022年高新技术企业有多少家").answer == REFUSAL
    # catalogs, collections and directories are separate
    assert {d["title"] for d in two_kbs["nanzhang"].library.documents()} == {"南漳县科技局2025年科技创新工作总结"}
    cols = {name: qa.library.settings.collection for name, qa in two_kbs.items()}
    assert len(set(cols.values())) == 3 and cols["default"] == settings.collection
    assert two_kbs["nanzhang"].library.dir == Path(settings.index_dir) / "kbs" / "nanzhang"
    assert (two_kbs["nanzhang"].library.dir / "corpus" / "pasted").is_dir()  # what reindex rebuilds it from


def test_names_are_checked_and_nothing_is_created_for_a_bad_or_unknown_name(settings: Settings) -> None:
    for bad in ("", "a/b", "../x", ".hidden", "a b", "x" * 49, "-x"):
        with pytest.raises(kb.KBError):
            kb.create(settings, bad)
    for reserved in ("default", "all", "全部"):
        with pytest.raises(kb.KBError, match="reserved|保留"):
            kb.create(settings, reserved)
    from assistant.index import Library

    with pytest.raises(kb.UnknownKB, match="kb create nope"):
        Library(kb.for_kb(settings, "nope"))
    assert not (Path(settings.index_dir) / "kbs" / "nope").exists()
    assert kb.names(settings) == ["default"]
    kb.create(settings, "科技局")
    with pytest.raises(kb.KBError, match="exists"):
        kb.create(settings, "科技局")
    assert kb.names(settings) == ["default", "科技局"]


def test_rename_and_delete_keep_or_drop_the_whole_knowledge_base(settings: Settings) -> None:
    from assistant import apikeys
    from assistant.chain import QA
    from assistant.index import Library

    kb.create(settings, "south")
    lib = Library(kb.for_kb(settings, "south"), writer=True)
    lib.add_text(NANZHANG)
    lib.close()
    _, key = apikeys.create(settings, ["south"])
    assert kb.rename(settings, "south", "nanzhang") == {"name": "nanzhang", "renamed_from": "south"}
    assert kb.names(settings) == ["default", "nanzhang"]
    assert [k.kbs for k in apikeys.load(settings)] == [["nanzhang"]]  # the key follows the rename
    lib = Library(kb.for_kb(settings, "nanzhang"))
    assert "41家" in QA(lib.settings, lib).ask(Q_NANZHANG).answer  # vectors kept (same collection id)
    lib.close()
    with pytest.raises(kb.KBError):
        kb.rename(settings, "default", "x")
    with pytest.raises(kb.KBError):
        kb.rename(settings, "nanzhang", "all")
    with pytest.raises(kb.UnknownKB):
        kb.rename(settings, "south", "x")
    with pytest.raises(kb.KBError):
        kb.delete(settings, "default")
    assert kb.delete(settings, "nanzhang") == {"deleted": "nanzhang", "documents": 1}
    assert kb.names(settings) == ["default"]
    assert list((Path(settings.index_dir) / "kbs").iterdir()) == []
    assert [k.kbs for k in apikeys.load(settings)] == [[]]  # a key for a deleted KB grants nothing
    kb.create(settings, "nanzhang")  # the name is free again, and the new one is empty
    lib = Library(kb.for_kb(settings, "nanzhang"))
    assert lib.documents() == [] and lib.vectors.count() == 0
    lib.close()
    assert key.id


def test_api_keys_store_only_a_hash(settings: Settings) -> None:
    from assistant import apikeys

    kb.create(settings, "south")
    token, record = apikeys.create(settings, ["south"], read_only=True)
    stored = (Path(settings.index_dir) / "apikeys.json").read_text(encoding="utf-8")
    assert token.startswith("pa-") and len(token) > 40 and token not in stored and record.sha256 in stored
    ring = apikeys.KeyRing(settings)
    assert ring.find(token) == record and ring.find(token + "x") is None
    assert record.allows("south") and not record.allows("default") and record.read_only
    with pytest.raises(kb.UnknownKB):
        apikeys.create(settings, ["nope"])
    with pytest.raises(kb.KBError):
        apikeys.create(settings, [])
    assert apikeys.revoke(settings, record.id) and ring.find(token) is None and not apikeys.revoke(settings, record.id)


# -- the command line ---------------------------------------------------------------------------
def cli(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.mark.timeout(600)
def test_kb_option_on_the_command_line(tmp_path: Path, corpus_copy: Path) -> None:
    env = dict(
        os.environ,
        ASSISTANT_INDEX_DIR=str(tmp_path / "index"),
        ASSISTANT_CORPUS_DIR=str(corpus_copy),
        ASSISTANT_EMBEDDER="hash",
        HF_HUB_OFFLINE="1",
    )
    env.pop("ASSISTANT_KB", None)
    assert cli(["ingest", "--json"], env).returncode == 0
    made = cli(["kb", "create", "nanzhang"], env)
    assert made.returncode == 0 and json.loads(made.stdout)["name"] == "nanzhang"
    added = cli(["--kb", "nanzhang", "add", "-"], env, stdin=NANZHANG)
    assert added.returncode == 0 and not json.loads(added.stdout)["duplicate"]
    (tmp_path / "baokang.txt").write_text(BAOKANG, encoding="utf-8")
    auto = cli(["ingest", "--kb", "baokang", str(tmp_path / "baokang.txt"), "--json"], env)  # created on first add
    assert auto.returncode == 0 and json.loads(auto.stdout)["added"] == 1 and "created knowledge base" in auto.stderr

    refused = json.loads(cli(["ask", Q_NANZHANG, "--json"], env).stdout)
    assert refused["refused"] and refused["answer"] == REFUSAL
    answered = json.loads(cli(["--kb", "nanzhang", "ask", Q_NANZHANG, "--json"], env).stdout)
    assert not answered["refused"] and "41家" in answered["answer"]
    assert [c["title"] for c in answered["citations"]] == ["南漳县科技局2025年科技创新工作总结"]
    by_env = json.loads(cli(["ask", Q_NANZHANG, "--json"], dict(env, ASSISTANT_KB="baokang")).stdout)
    assert by_env["refused"]
    listed = json.loads(cli(["list", "--json", "--kb", "baokang"], env).stdout)
    assert [d["title"] for d in listed] == ["保康县科技局2025年科技创新工作总结"]

    for args in (
        ["--kb", "nope", "ask", "x"],
        ["--kb", "a/b", "list"],
        ["kb", "create", "default"],
        ["kb", "delete", "default"],
        ["kb", "rename", "nope", "x"],
    ):
        proc = cli(args, env)
        assert proc.returncode == 2 and proc.stderr.startswith("error:"), (args, proc.stderr)
    assert not (tmp_path / "index" / "kbs" / "nope").exists()

    assert cli(["kb", "rename", "baokang", "north"], env).returncode == 0
    rows = json.loads(cli(["kb", "list", "--json"], env).stdout)
    assert [(r["name"], r["documents"]) for r in rows] == [("default", 5), ("nanzhang", 1), ("north", 1)]
    assert json.loads(cli(["kb", "delete", "north"], env).stdout) == {"deleted": "north", "documents": 1}
    assert [r["name"] for r in json.loads(cli(["kb", "list", "--json"], env).stdout)] == ["default", "nanzhang"]

    key = cli(["apikey", "create", "--kb", "nanzhang", "--read-only"], env)
    made_key = json.loads(key.stdout)
    assert key.returncode == 0 and made_key["key"].startswith("pa-") and made_key["kbs"] == ["nanzhang"]
    listed_keys = json.loads(cli(["apikey", "list"], env).stdout)
    assert [k["id"] for k in listed_keys] == [made_key["id"]] and "key" not in listed_keys[0]
    assert cli(["apikey", "revoke", made_key["id"]], env).returncode == 0
    assert json.loads(cli(["apikey", "list"], env).stdout) == []


def test_export_from_one_knowledge_base_and_import_into_a_new_one(
    two_kbs: dict, settings: Settings, tmp_path: Path
) -> None:
    from assistant.chain import QA
    from assistant.index import Library, export_archive, import_archive

    archive = tmp_path / "nanzhang.tar.gz"
    assert export_archive(two_kbs["nanzhang"].library, archive) == {"documents": 1, "chunks": 1}
    kb.create(settings, "copy")
    import_archive(kb.for_kb(settings, "copy"), archive, embedder=two_kbs["default"].library.embedder)
    lib = Library(kb.for_kb(settings, "copy"), embedder=two_kbs["default"].library.embedder)
    try:
        assert "41家" in QA(lib.settings, lib).ask(Q_NANZHANG).answer
    finally:
        lib.close()
    assert len(two_kbs["default"].library.documents()) == 5  # default untouched
    with pytest.raises(kb.UnknownKB):
        import_archive(kb.for_kb(settings, "nope"), archive)
