"""The query path: follow-up rewrite -> retrieve -> answer -> verify; plus LangChain adapters."""

from __future__ import annotations

import re
import time
from typing import Any

from assistant import indicators, lookup
from assistant.answer import (
    Answerer,
    ExtractiveAnswerer,
    analyse,
    cite_span,
    compose,
    idf_from_library,
    periods_in,
    refusal,
)
from assistant.cite import CITE, unsupported_figures
from assistant.claims import check_claims
from assistant.clean import normalize
from assistant.index import Library
from assistant.metadata import places_in
from assistant.retrieve import Retriever
from assistant.settings import Settings, get_settings
from assistant.types import Answer, Passage

SHORT_YEAR = re.compile(r"(?<![\d.\-~～至到近第多满每约前后这十几])(1[5-9]|2\d|3[0-5])(?=年)")


def normalize_question(question: str) -> str:
    """What staff type, in the documents' spelling: the documents' NFKC cleaning, "21年" -> "2021年"."""
    return SHORT_YEAR.sub(lambda m: "20" + m.group(1), normalize(question).strip())


# A follow-up's ending: a particle ("呢"), a how ("怎么样"), or the asking word after an adverb of "also / again"
# (又, 还, 也: "那大冶又是多少"), which only says the question repeats the one before.
ALSO = "[又还也]"
FOLLOWUP = re.compile(rf"^(?:那|那么|还有|再问|另外)?(.{{0,12}}?)(?:呢|的呢|怎么样|如何|{ALSO}?是多少)?[?？。]?$")


def rewrite_followup(question: str, history: list[tuple[str, str]] | None) -> str:
    """Turn a short follow-up ("那大冶呢？", "2023年呢") into a standalone question, by rule."""
    q = question.strip()
    if not history:
        return q
    prev = next((h[0] for h in reversed(history) if h[0].strip()), "")
    if not prev:
        return q
    m = FOLLOWUP.match(q)
    is_short = len(q) <= 14 and (q.startswith(("那", "那么", "还有")) or q.endswith(("呢", "呢？", "呢?")))
    if not (m and is_short):
        return q
    core = m.group(1).strip("的 ")
    new_places, new_years = places_in(core, lenient=True), re.findall(r"20\d{2}", core)
    out = prev
    if new_places:
        old = places_in(prev, lenient=True)
        if old:
            out = re.sub(
                "|".join(f"{p}(?:市|区|县)?" for p in old),
                core if len(new_places) == 1 and core.rstrip("市区县") in new_places else new_places[0],
                out,
                count=1,
            )
        else:
            out = core + out
    if new_years:
        out = re.sub(r"20\d{2}", new_years[0], out, count=1) if re.search(r"20\d{2}", out) else f"{new_years[0]}年{out}"
    if not new_places and not new_years and core:
        out = f"{prev.rstrip('？?。')}，{core}"
    return out


class QA:
    """Everything the query path needs, loaded once per process."""

    backend_error = ""

    def __init__(
        self, settings: Settings | None = None, library: Library | None = None, answerer: Answerer | None = None
    ) -> None:
        self.settings = settings or get_settings()
        self.library = library or Library(self.settings)
        self.retriever = Retriever(self.library, self.settings)
        self.extractive = ExtractiveAnswerer(
            self.settings.answer, idf_from_library(self.library), self.library.text_after
        )
        self.answerer = answerer or self.extractive
        if answerer is None and self.settings.llm != "extractive":
            from assistant.llm import make_answerer

            try:
                self.answerer = make_answerer(self.settings.llm, self)
            except (ValueError, ImportError) as exc:
                self.backend_error = str(exc)

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        t0 = time.perf_counter()
        question = normalize_question(question)
        history = [(normalize_question(q), a) for q, a in history] if history else history
        standalone = rewrite_followup(question, history)
        if history and standalone == question.strip() and hasattr(self.answerer, "rewrite"):
            standalone = self.answerer.rewrite(question, history) or standalone
        answer = self.document_answer(standalone)
        if answer is None:
            answer = self.indicator_answer(standalone)
        if (
            answer is not None
            and answer.table
            and not any(r["target"] and r["achieved"] for r in answer.table)
            and analyse(standalone).two_part
        ):
            # The indicator records lack one side; the sentences may state it in words the extractor missed.
            prose = self.answerer(standalone, self.retriever(standalone))
            if not prose.refused and "没有找到" not in prose.answer and prose.citations:
                answer = prose
        if answer is None:
            passages = self.retriever(standalone)
            answer = self.answerer(standalone, passages)
        answer = self.check_claims(standalone, answer)
        if standalone != question.strip():
            answer.note = (answer.note + " " if answer.note else "") + f"（按上下文理解为：{standalone}）"
        answer.question = standalone
        answer.latency_s = time.perf_counter() - t0  # type: ignore[attr-defined]
        return answer

    def check_claims(self, question: str, answer: Answer) -> Answer:
        """Every figure must sit in a cited sentence about the asked place, time and measure (assistant.claims);
        an LLM answer that fails gives the extractive answer, any other is shown as unverified."""
        if answer.refused or not answer.citations:
            return answer
        metas = self.library.catalog.doc_meta({c.doc_id for c in answer.citations})
        sources = {c.n: (c.quote, metas.get(c.doc_id, {})) for c in answer.citations}
        body = answer.answer
        for derived in answer.computed:  # completion rates computed in code, labelled as such
            body = body.replace(derived, " ")
        bad = check_claims(question, body, sources)
        if not bad:
            return answer
        if answer.backend not in (self.extractive.name, "indicators") and not answer.backend.startswith("extractive"):
            fallback = self.extractive(question, answer.passages or self.retriever(question))
            fallback.backend = f"extractive (fallback from {answer.backend})"
            fallback.note = f"模型回答中的数字与问题的地点、时间或指标不符（{'、'.join(bad)}），已改用抽取式回答。"
            return fallback if fallback.refused else self.check_claims(question, fallback)
        answer.verified = False
        answer.unverified = list(dict.fromkeys([*answer.unverified, *bad]))
        answer.note = (
            answer.note + " " if answer.note else ""
        ) + f"⚠ 以下数字在引用的段落中找不到同一地点、时间和指标的出处：{'、'.join(bad)}"
        return answer

    def document_answer(self, question: str) -> Answer | None:
        """A question that names a document by 文号, 索引号 or 《title》: its header field, or its content
        (None: the question names no document)."""
        if not lookup.names_document(question):
            return None  # most questions: no catalog read
        number, doc = lookup.find_document(question, self.library.documents(), self.library.catalog.docs_headed_by)
        if not number:
            return None
        if doc is None:
            return refusal(question, [], self.extractive.name)
        ids = self.library.chunk_ids_of(doc["doc_id"])
        chunks = self.library.catalog.chunks(ids)
        meta = self.library.catalog.doc_meta([doc["doc_id"]]).get(doc["doc_id"], {})
        passages = [Passage(chunks[i], 1.0, meta) for i in ids if i in chunks]
        if not passages:
            return None
        spans = lookup.document_spans(question, passages)
        if spans:
            return compose(question, passages, [(pi, a, b, "") for pi, a, b in spans], self.extractive.name)
        rest = lookup.DOC_NUMBER.sub(" ", question)
        ranked = [p for p in self.retriever(rest) if p.chunk.doc_id == doc["doc_id"]] or passages
        return self.answerer(rest, ranked)

    def indicator_answer(self, question: str) -> Answer | None:
        """Targets vs results and trends from the indicator records, as a cited table (None: not such a question)."""
        if not (indicators.is_comparison(question) and indicators.match_indicator(question)):
            return None
        if periods_in(question):
            return None  # indicator records are per year; "一季度" is for the sentences to answer, or not

        rendered = indicators.render_answer(question, self.library.indicator_records())
        if not indicators.answerable(question, rendered.rows):
            return None
        metas = self.library.catalog.doc_meta(d for d, _, _ in rendered.sources)
        quotes = indicators.source_sentences(rendered.rows)
        citations = []
        for n, (doc_id, start, end) in enumerate(rendered.sources, 1):
            m = metas.get(doc_id, {})
            quote = (
                quotes.get((doc_id, start, end))
                or (self.library.catalog.document(doc_id) or {}).get("text", "")[start:end]
            )
            citations.append(cite_span(n, doc_id, m, quote, start, end))
        computed = [r["rate"] for r in rendered.rows if r.get("rate")]
        body = rendered.text
        for c in computed:
            body = body.replace(c, " ")
        pool = [f"{c.title} {c.date} {c.quote}" for c in citations]
        missing = unsupported_figures(CITE.sub("", body), pool, question)
        return Answer(
            rendered.text,
            False,
            "indicators",
            not missing,
            citations,
            missing,
            question=question,
            computed=computed,
            table=[_plain_row(r) for r in rendered.rows],
        )


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    def cell(c: Any) -> str:
        return c.get("text") or c.get("raw") or "" if isinstance(c, dict) else ""

    return {
        "year": row.get("year"),
        "place": row.get("place"),
        "indicator": row.get("indicator"),
        "target": cell(row.get("target")),
        "achieved": cell(row.get("achieved")),
        "forecast": cell(row.get("forecast")),
        "rate": row.get("rate") or "",
    }


def to_document(p: Passage) -> Any:
    """The one place a Passage becomes a LangChain Document (flat metadata)."""
    from langchain_core.documents import Document

    meta = {k: v for k, v in p.meta.items() if isinstance(v, (str, int, float, bool))}
    meta.update(
        {
            "chunk_id": p.chunk.chunk_id,
            "doc_id": p.chunk.doc_id,
            "start": p.chunk.start,
            "end": p.chunk.end,
            "heading": p.chunk.heading,
            "score": p.score,
        }
    )
    return Document(page_content=p.chunk.text, metadata=meta)


def hybrid_retriever(qa: QA | None = None) -> Any:
    """A LangChain BaseRetriever over the hybrid search."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.retrievers import BaseRetriever

    class HybridRetriever(BaseRetriever):
        """BM25 + dense, fused by weighted rank; returns LangChain Documents."""

        k: int = 6

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Any]:
            return [to_document(p) for p in engine.retriever(query, self.k)]

    engine = qa or QA()
    return HybridRetriever(k=engine.settings.retrieve.top_k)


def build_chain(qa: QA | None = None) -> Any:
    """An LCEL runnable: {"question": str, "history": [...]} or str -> {"answer": dict, "documents": [Document]}."""
    from langchain_core.runnables import RunnableLambda

    engine = qa or QA()

    def run(inp: Any) -> dict[str, Any]:
        question = inp if isinstance(inp, str) else inp["question"]
        history = None if isinstance(inp, str) else inp.get("history")
        ans = engine.ask(question, history)
        return {"answer": ans.to_dict(), "documents": [to_document(p) for p in ans.passages]}

    return RunnableLambda(run)
