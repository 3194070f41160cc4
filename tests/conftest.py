"""Shared fixtures: a throw-away index over a tmp copy of the seed corpus, with the hash embedder."""

from __future__ import annotations

import os

# Offline defaults, set before anything imports chromadb / huggingface / gradio.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from assistant.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "corpus"
SEED_FILES = sorted(SEED_DIR.glob("*.txt"))

BULLETIN = """咸宁市科技局关于开展2024年科技型中小企业评价工作的通知
发文单位：咸宁市科学技术局
各县（市、区）科技局，市直有关单位：
为做好2024年全市科技型中小企业评价工作，现将有关事项通知如下。
一、评价对象
全市符合条件的科技型中小企业，力争全年入库企业达到2400家，高新技术企业达到620家。
二、时间安排
评价工作自2024年3月1日开始，至2024年10月31日结束，请各单位按时组织企业填报。
三、工作要求
各地要加强政策宣传，做好企业辅导，确保评价数据真实准确。
咸宁市科学技术局
2024年2月20日"""


def seed(prefix: str) -> Path:
    """The seed file whose name starts with prefix ("000" .. "004")."""
    [path] = [p for p in SEED_FILES if p.name.startswith(prefix)]
    return path


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    target.mkdir()
    for path in SEED_FILES:
        shutil.copy2(path, target / path.name)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy, embedder="hash")


@pytest.fixture
def library(settings: Settings) -> Iterator:
    from assistant.index import Library

    lib = Library(settings, writer=True)
    try:
        yield lib
    finally:
        lib.close()


@pytest.fixture
def ingested(library):  # type: ignore[no-untyped-def]
    """The library with the five seed documents ingested."""
    report = library.ingest_paths(progress=False)
    assert report.errors == []
    assert report.added == len(SEED_FILES)
    return library


@pytest.fixture
def bulletin() -> str:
    """A tiny Chinese bulletin (notice with issuer, headings, signature date)."""
    return BULLETIN


def all_chunks(lib) -> list:  # type: ignore[no-untyped-def]
    """Every committed chunk of the library, ordered by document and ordinal."""
    chunks = lib.catalog.chunks(sorted(lib.catalog.chunk_ids()))
    return sorted(chunks.values(), key=lambda c: (c.doc_id, c.ord))


def doc_id_of(lib, prefix: str) -> str:  # type: ignore[no-untyped-def]
    """doc_id of the ingested seed whose file name starts with prefix."""
    [doc] = [d for d in lib.documents() if Path(d["source"]).name.startswith(prefix)]
    return doc["doc_id"]
