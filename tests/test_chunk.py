"""Chunking: exact offsets, token cap, heading paths, offline tiktoken."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SEED_FILES, all_chunks, doc_id_of, seed

from assistant.chunk import chunk_document
from assistant.clean import clean
from assistant.metadata import parse_metadata
from assistant.settings import ChunkSettings
from assistant.tokens import URL, count_tokens
from assistant.types import SourceDoc

DEFAULT = ChunkSettings()


def seed_doc(path) -> SourceDoc:  # type: ignore[no-untyped-def]
    text = clean(path.read_text(encoding="utf-8"))
    return SourceDoc(path.stem, path.name, text, parse_metadata(text))


def chunks_of(doc: SourceDoc, max_tokens: int = DEFAULT.max_tokens, overlap: int = DEFAULT.overlap_sentences):  # type: ignore[no-untyped-def]
    return chunk_document(doc, max_tokens, overlap, count_tokens)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("max_tokens, overlap", [(DEFAULT.max_tokens, DEFAULT.overlap_sentences), (64, 0), (64, 2)])
def test_chunk_text_is_exact_slice(path, max_tokens: int, overlap: int) -> None:  # type: ignore[no-untyped-def]
    doc = seed_doc(path)
    chunks = chunks_of(doc, max_tokens, overlap)
    assert len(chunks) >= 2
    for i, c in enumerate(chunks):
        assert c.doc_id == doc.doc_id
        assert c.ord == i
        assert 0 <= c.start < c.end <= len(doc.text)
        assert c.text == doc.text[c.start : c.end]
        assert c.text.strip() == c.text
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    # Chunks advance through the document.
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_chunks_cover_every_character(path) -> None:  # type: ignore[no-untyped-def]
    doc = seed_doc(path)
    covered = bytearray(len(doc.text))
    for c in chunks_of(doc):
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    lost = [i for i, ch in enumerate(doc.text) if not ch.isspace() and not covered[i]]
    assert not lost, doc.text[lost[0] : lost[0] + 40]


def test_chunking_is_deterministic() -> None:
    doc = seed_doc(seed("003"))
    assert chunks_of(doc) == chunks_of(doc)


def test_stored_chunks_are_slices_of_stored_text(ingested) -> None:  # type: ignore[no-untyped-def]
    texts = {d["doc_id"]: ingested.catalog.document(d["doc_id"])["text"] for d in ingested.documents()}
    chunks = all_chunks(ingested)
    assert len(chunks) == ingested.catalog.count_chunks()
    for c in chunks:
        assert c.text == texts[c.doc_id][c.start : c.end]


def test_chunks_respect_token_cap_on_seeds() -> None:
    cap = DEFAULT.max_tokens
    over = []
    for path in SEED_FILES:
        chunks = chunks_of(seed_doc(path))
        assert chunks
        over += [(path.name[:3], c.ord, count_tokens(c.text)) for c in chunks if count_tokens(c.text) > cap]
    assert over == []


def test_bulletin_chunks_follow_numbered_sections(bulletin: str) -> None:
    text = clean(bulletin)
    chunks = chunks_of(SourceDoc("b", "b", text))
    title = "咸宁市科技局关于开展2024年科技型中小企业评价工作的通知"
    for c in chunks:
        assert count_tokens(c.text) <= DEFAULT.max_tokens
    assert "".join(c.text for c in chunks).count("2400家") == 1
    [first] = [c for c in chunks if "一、评价对象" in c.text]
    assert first.heading == f"{title} › 一、评价对象"
    [second] = [c for c in chunks if "二、时间安排" in c.text]
    assert second.heading == f"{title} › 二、时间安排"
    # The signature (issuer, date) stays with the last section instead of becoming a chunk of its own.
    assert "2024年2月20日" in chunks[-1].text and "三、工作要求" in chunks[-1].text


def test_short_last_section_keeps_its_heading(bulletin: str) -> None:
    chunks = chunks_of(SourceDoc("b", "b", clean(bulletin)))
    [last] = [c for c in chunks if "三、工作要求" in c.text]
    assert last.heading == "咸宁市科技局关于开展2024年科技型中小企业评价工作的通知 › 三、工作要求"


def _sentence(n_tokens: int, seed_char: str) -> str:
    """A Chinese sentence of about n_tokens cl100k tokens, ending with 。."""
    base = f"{seed_char}市科技局推进创新平台建设"
    s = ""
    while count_tokens(s + base + "。") <= n_tokens:
        s += base
    return s + "。"


def test_overlap_never_pushes_a_chunk_over_the_cap() -> None:
    cap = 320
    s1, s2, s3 = _sentence(150, "咸"), _sentence(150, "黄"), _sentence(250, "鄂")
    assert count_tokens(s1 + s2) <= cap < count_tokens(s2 + s3)  # preconditions of the scenario
    text = "正文\n" + s1 + s2 + s3
    chunks = chunks_of(SourceDoc("o", "o", text), cap, 1)
    assert [count_tokens(c.text) for c in chunks if count_tokens(c.text) > cap] == []


@pytest.mark.parametrize("kind", ["commas", "no-punctuation"])
def test_overlong_sentence_is_split_within_cap(kind: str) -> None:
    cap = 64
    if kind == "commas":
        sentence = ",".join(f"全市高新技术企业持续推进科技创新平台建设第{i}项" for i in range(30)) + "。"
    else:
        sentence = "咸宁" * 300 + "。"
    assert count_tokens(sentence) > 5 * cap
    chunks = chunks_of(SourceDoc("l", "l", "正文\n" + sentence), cap, 0)
    assert len(chunks) > 5
    assert [count_tokens(c.text) for c in chunks if count_tokens(c.text) > cap] == []


def test_heading_path_on_seed_002(ingested) -> None:  # type: ignore[no-untyped-def]
    doc_id = doc_id_of(ingested, "002")
    chunks = [c for c in all_chunks(ingested) if c.doc_id == doc_id]
    title = "2021年全市科技工作要点"
    assert all(c.heading.startswith(title) for c in chunks)
    by_heading = {c.heading: c for c in reversed(chunks)}
    assert f"{title} › 一、实现目标考评争先进位" in by_heading
    first = by_heading[f"{title} › 一、实现目标考评争先进位"]
    assert first.text.startswith("一、实现目标考评争先进位")
    # Every numbered section 一 .. 十四 has its own heading path, in document order.
    numbered = [c.heading.split(" › ")[1] for c in chunks if " › " in c.heading]
    labels = list(dict.fromkeys(re.match(r"[一二三四五六七八九十]+、", h).group(0) for h in numbered))
    assert labels == [f"{n}、" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四".split()]
    # Each chunk lies inside the section its heading names.
    text = ingested.catalog.document(doc_id)["text"]
    starts = {m.group(1): m.start() for m in re.finditer(r"^([一二三四五六七八九十]+、)", text, flags=re.M)}
    bounds = sorted(starts.values()) + [len(text)]
    for c in chunks:
        if " › " not in c.heading:
            assert c.end <= bounds[0]
            continue
        label = re.match(r"[一二三四五六七八九十]+、", c.heading.split(" › ")[1]).group(0)
        begin = starts[label]
        end = bounds[bounds.index(begin) + 1]
        assert begin <= c.start and c.end <= end, (c.ord, label)


def test_heading_label_is_first_clause() -> None:
    text = (
        "某某工作要点\n"
        "一、实现目标考评争先进位。贯彻落实高质量发展要求,明确责任,落实措施,抓好考评工作,力争全省进位。\n"
        "二、打造区域创新发展高地。加快光谷科技创新大走廊咸宁功能区建设,筹建咸宁科创中心。"
    )
    chunks = chunks_of(SourceDoc("h", "h", text), 320, 1)
    assert [c.heading for c in chunks] == [
        "某某工作要点 › 一、实现目标考评争先进位",
        "某某工作要点 › 二、打造区域创新发展高地",
    ]


def test_tiktoken_works_offline_with_fresh_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "tiktoken-cache"
    env = dict(os.environ)
    env["TIKTOKEN_CACHE_DIR"] = str(cache)
    # Any download attempt goes to a dead proxy and fails fast.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env[var] = "http://127.0.0.1:9"
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    code = "from assistant.tokens import count_tokens; print(count_tokens('咸宁市科技局发布2024年工作要点'))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout.strip()) > 0
    assert (cache / hashlib.sha1(URL.encode()).hexdigest()).stat().st_size > 1_000_000


def test_count_tokens_in_process() -> None:
    assert count_tokens("") == 0
    assert count_tokens("咸宁") > 0
    assert count_tokens("咸宁市科技局发布2024年工作要点") > count_tokens("咸宁")
    # Special-token text is counted as plain text, not rejected.
    assert count_tokens("<|endoftext|>") > 1
