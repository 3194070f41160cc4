"""Hybrid retrieval: BM25 (jieba) and dense search each fetch wide, fused by weighted rank, few kept."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.gazetteer import gazetteer
from assistant.index import Library
from assistant.metadata import places_in
from assistant.settings import RetrieveSettings, Settings
from assistant.terms import tokenize
from assistant.timeref import editions_masked
from assistant.types import Chunk, Passage

# A place opening the name of an institution the question asks about ("成都大学智农慧眼团队", "武汉理工大学"): the
# question is about the institution, not about that city; its name stays a term to match. (Narrower than
# scope.ORGANISATION_AFTER, which also takes parks and platforms: "咸宁离岸科创园" still asks about 咸宁.)
INSTITUTION_NAMED = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:大学|学院|银行|医院|研究院|研究所|公司|集团)")


def institution_places_masked(question: str) -> str:
    """question with the places that open an institution's name blanked out (same length)."""
    out = question
    for m in gazetteer().mentions(question, lenient=True):
        if INSTITUTION_NAMED.match(question, m.end):
            out = out[: m.start] + " " * (m.end - m.start) + out[m.end :]
    return out


DOC_TYPE_CUES = {"工作要点": r"工作要点|要点", "进展报告": r"进展|工作总结", "新闻": r"新闻|报道|报讯"}


@dataclass(frozen=True)
class QueryFilters:
    """Metadata a question names explicitly: years, places, a document type."""

    years: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    doc_type: str = ""

    def matches(self, meta: dict[str, Any], text: str = "") -> dict[str, bool]:
        out: dict[str, bool] = {}
        # a field the document does not have (no date, no place found) is unknown: nothing is filtered on it
        if self.years and (meta.get("year") or text):
            # the year the document is about, or the year it was dated: a 2023 bulletin whose opening names 2022
            # ("露营基地从2022年9月开始试营业…") still speaks of its own year (each sentence's year: eligibility)
            dated = str(meta.get("date", ""))[:4]
            out["year"] = (
                meta.get("year") in self.years or dated in self.years or any(f"{y}年" in text for y in self.years)
            )
        if self.places:
            # the document's places, or the passage itself naming the place ("浙江省…平台" in a national roundup);
            # a document with no place found and a passage naming none is unknown, not another place
            doc_places = {p for p in str(meta.get("places", "")).split(",") + [str(meta.get("region", ""))] if p}
            named = any(p in doc_places or p in text for p in self.places)
            if named or doc_places:
                out["place"] = named
        if self.doc_type:
            out["doc_type"] = meta.get("doc_type") == self.doc_type
        return out


def parse_filters(question: str) -> QueryFilters:
    # a year something is compared with ("比2021年增长了多少") is not the year asked about
    # (nor a title's edition: "《科学版图(2020年版)》")
    years = tuple(dict.fromkeys(re.findall(r"(?<![比较与])(20\d{2})\s*年?", editions_masked(question))))
    # A place inside a name ("黄石(武汉)离岸科创园") is not the place the question is about when the
    # question names another ("下陆区有几家企业入驻了黄石(武汉)离岸科创园"); alone, the name's own place is.
    name = re.compile(r"([\u4e00-\u9fff]{2,4})[(（][\u4e00-\u9fff]{2,4}[)）]")
    question = institution_places_masked(question)
    outside = places_in(name.sub(" ", question), lenient=True)
    found = outside or places_in(" ".join(name.findall(question)), lenient=True) or places_in(question, lenient=True)
    places = tuple(p for p in found if p != "湖北" or len(found) == 1)
    doc_type = next((t for t, cue in DOC_TYPE_CUES.items() if re.search(cue, question)), "")
    return QueryFilters(years, places, doc_type)


@dataclass
class Retrieval:
    passages: list[Passage]
    filters: QueryFilters
    bm25: list[tuple[str, float]] = field(default_factory=list)
    dense: list[tuple[str, float]] = field(default_factory=list)


class Retriever:
    """retrieve(question) -> top passages, fused from BM25 and dense rankings."""

    def __init__(self, library: Library, settings: Settings | None = None) -> None:
        self.library = library
        self.settings = settings or library.settings
        self._idf: Callable[[str], float] | None = None

    def __call__(self, question: str, k: int | None = None) -> list[Passage]:
        return self.search(question, k).passages

    def search(self, question: str, k: int | None = None, filters: QueryFilters | None = None) -> Retrieval:
        cfg = self.settings.retrieve
        k = k or cfg.top_k
        filters = filters or parse_filters(question)
        self.library.refresh()
        bm = self.library.bm25_search(tokenize(question), cfg.fetch_k) if cfg.bm25_weight > 0 else []
        dense = (
            self.library.vectors.query(self.library.embedder.embed_query(question), cfg.fetch_k)
            if cfg.dense_weight > 0
            else []
        )
        scores = fuse([(cfg.bm25_weight, bm), (cfg.dense_weight, dense)], cfg.rrf_k)
        chunks = self.library.catalog.chunks(list(scores))
        metas = self.library.catalog.doc_meta(c.doc_id for c in chunks.values())
        ranked = rank_passages(scores, chunks, metas, filters, cfg)
        if cfg.sentence_weight > 0:
            ranked = self.by_best_sentence(question, ranked, cfg)
        return Retrieval(ranked[:k], filters, bm, dense)

    def by_best_sentence(self, question: str, ranked: list[Passage], cfg: RetrieveSettings) -> list[Passage]:
        """The first rerank_k passages reordered by fused score x exp(sentence_weight x coverage), where coverage
        is how much of the question (its terms, IDF-weighted) the passage's best sentence holds, read under its
        document's title: a chunk whose one sentence says what is asked, of the document the question names, beats
        one that mentions its words apart."""
        from assistant.answer import analyse, idf_from_library  # (here: assistant.answer imports this module)
        from assistant.answer.scoring import coverage
        from assistant.answer.values import SENTENCE

        if self._idf is None:
            self._idf = idf_from_library(self.library)
        info = analyse(question, self._idf)
        head = ranked[: cfg.rerank_k]
        for i, p in enumerate(head):
            title = p.meta.get("title") or ""
            best = max((coverage(info, f"{title} {m.group()}") for m in SENTENCE.finditer(p.text)), default=0.0)
            head[i] = Passage(p.chunk, p.score * math.exp(cfg.sentence_weight * best), p.meta)
        head.sort(key=lambda p: -p.score)
        return head + ranked[cfg.rerank_k :]


def fuse(rankings: list[tuple[float, list[tuple[str, float]]]], rrf_k: int) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: score(id) = sum of weight / (rrf_k + rank)."""
    scores: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, (cid, _) in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank + 1)
    return scores


def rank_passages(
    scores: dict[str, float],
    chunks: dict[str, Chunk],
    metas: dict[str, dict[str, Any]],
    filters: QueryFilters,
    cfg: RetrieveSettings,
) -> list[Passage]:
    """Fused candidates as Passages, boosted where they match what the question names, best first."""
    passages = []
    for cid, score in scores.items():
        chunk = chunks.get(cid)
        if chunk is None:  # removed since the ranking was computed
            continue
        meta = metas.get(chunk.doc_id, {})
        for ok in filters.matches(meta, chunk.text).values():
            score *= cfg.filter_boost if ok else 1.0 / cfg.filter_boost
        passages.append(Passage(chunk, score, meta))
    passages.sort(key=lambda p: -p.score)
    return passages
