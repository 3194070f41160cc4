"""Chroma server mode (the scale-out path): the same code against a `chroma run` on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.chain import QA
from assistant.index import Library
from assistant.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        pytest.skip("chroma CLI not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_ingest_and_ask_against_a_chroma_server(chroma_url: str, tmp_path: Path, corpus_copy: Path) -> None:
    settings = Settings(
        index_dir=tmp_path / "index",
        corpus_dir=corpus_copy,
        chroma_url=chroma_url,
        embedder="hash",
        collection="server_test",
    )
    lib = Library(settings, writer=True)
    try:
        first = lib.ingest_paths(progress=False)
        assert first.added == 5 and first.chunks == lib.catalog.count_chunks() == lib.vectors.count()
        assert lib.ingest_paths(progress=False).added == 0
        ans = QA(settings, library=lib).ask("2023年下陆区技术合同交易额目标是多少")
        assert "8.47亿元" in ans.answer and ans.citations
        doc = lib.documents()[0]["doc_id"]
        assert lib.delete(doc) and lib.vectors.count() == lib.catalog.count_chunks()
    finally:
        lib.close()
    # A reader in another process sees the same store through the server.
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "2023年下陆区新增高新技术企业目标是多少家", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "ASSISTANT_INDEX_DIR": str(settings.index_dir),
            "ASSISTANT_CORPUS_DIR": str(corpus_copy),
            "ASSISTANT_CHROMA_URL": chroma_url,
            "ASSISTANT_EMBEDDER": "hash",
            "ASSISTANT_COLLECTION": "server_test",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert out.returncode == 0, out.stderr
    assert "16家" in out.stdout
    shutil.rmtree(settings.index_dir, ignore_errors=True)


@pytest.mark.slow
def test_knowledge_bases_on_a_chroma_server(chroma_url: str, tmp_path: Path, corpus_copy: Path) -> None:
    """Each KB its own collection on the server; a rename keeps it, a delete drops it there too."""
    import chromadb
    from test_kb import NANZHANG, Q_NANZHANG

    from assistant import kb

    settings = Settings(
        index_dir=tmp_path / "index",
        corpus_dir=corpus_copy,
        chroma_url=chroma_url,
        embedder="hash",
        collection="kbtest",
    )
    kb.create(settings, "south")
    lib = Library(kb.for_kb(settings, "south"), writer=True)
    try:
        lib.add_text(NANZHANG)
        collection = lib.settings.collection
    finally:
        lib.close()
    port = int(chroma_url.rsplit(":", 1)[1])
    server = chromadb.HttpClient(host="127.0.0.1", port=port)
    assert collection.startswith("kbtest-") and collection in {c.name for c in server.list_collections()}
    kb.rename(settings, "south", "nanzhang")
    lib = Library(kb.for_kb(settings, "nanzhang"))
    try:
        assert lib.settings.collection == collection and "41家" in QA(lib.settings, library=lib).ask(Q_NANZHANG).answer
    finally:
        lib.close()
    default = Library(settings, writer=True)
    try:
        assert default.vectors.count() == 0  # the default KB's collection holds none of it
    finally:
        default.close()
    kb.delete(settings, "nanzhang")
    assert collection not in {c.name for c in server.list_collections()}
