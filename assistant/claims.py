"""Claim-level verification: a figure is verified only by a cited sentence about the same place, time and measure.

`cite.verify` checks that every figure of an answer occurs in a cited passage. That is not enough: a passage about
沈阳辽中区 holds 1.2亿元 and 122%, and an answer about 长沙雨花区 that gives them would pass. Here each figure of each
answer sentence needs an occurrence in a cited passage whose sentence
* is about the place the question asks about and the place the answer sentence names (gazetteer hierarchy),
* states no other year or part of the year than the question and the answer sentence do,
* names the thing the answer says was measured (the words right before the figure: 技术合同成交额 is not
  技术转让合同成交额).
The same check runs on extractive, indicator-table and LLM answers (`chain.QA.ask`).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.cite import CITE, Figure, cited_keys, figure_supported, figures, split_answer
from assistant.scope import (
    FIGURE_CLAUSE,
    Scope,
    part_of_whole,
    place_conflict,
    question_scope,
    subject_places,
    time_conflict,
    time_of,
)
from assistant.tables import cell_time, is_row
from assistant.timeref import SENTENCE, resolve

# words between a measure and its figure that say nothing about what was measured (linking verbs, target/result
# markers: 成交额目标为X measures 成交额)
LINK = re.compile(
    r"(?:目标|计划|任务|实际|预计|预期|同比|累计|共计|合计|总计|全年|达到|达|为|是|约|共|计|超过|超|突破|增长|增加|提高到|提高|降至|实现|完成|新增|了|已|的|到|至|近|逾|有|\s|[,，:：])+$"
)


def measure_before(text: str, fig: Figure) -> str:
    """The CJK words right before the figure (what it measures), without linking verbs; '' when none."""
    at = text.find(fig.text)
    if at < 0:
        return ""
    head = LINK.sub("", text[max(0, at - 16) : at])
    m = re.search(r"[\u4e00-\u9fff]{2,8}$", head)
    return m.group() if m else ""


def _measure_named(measure: str, sentence: str) -> bool:
    """The measure occurs as written (after the place that opens it: 宜宾市|技术合同成交额): 技术合同成交额 is not
    named by 技术转让合同成交额, and a paraphrased measure is not taken on trust."""
    for m in subject_places(measure):
        measure = measure.replace(m.name, "").replace(m.short, "")
    measure = measure.lstrip("市区县省全我本年月日度")
    return len(measure) < 2 or measure in sentence


def check_claims(question: str, answer: str, sources: dict[int, tuple[str, dict[str, Any]]]) -> list[str]:
    """Figures of answer with no agreeing occurrence in their cited sources {n: (text, document meta)}."""
    asked = question_scope(question)
    question_figs = figures(question)
    bad: list[str] = []
    for sentence in split_answer(answer):
        keys = [k for k in cited_keys(sentence) if k in sources] or list(sources)
        body = CITE.sub("", sentence)
        # years and dates are the time of the claim, checked as such (own_time); the rest are its figures
        figs = [
            f
            for f in figures(body)
            if f.unit not in ("年", "月", "日", "号") and not figure_supported(f, question_figs)
        ]
        if not figs:
            continue
        own_places = tuple(subject_places(body))  # read as text, like the passages
        own_time = resolve(body, "", infer_year=False)
        own = Scope(own_places, own_time)
        for fig in figs:
            measure = measure_before(body, fig)
            # a quoted table row: each figure's time is its own cell's (caption year + column header)
            fig_own = own
            if is_row(body.strip()):
                fig_own = Scope(own_places, resolve(cell_time(body, fig.text), "", infer_year=False))
            if not any(_agreeing_occurrence(fig, measure, asked, fig_own, *sources[k]) for k in keys):
                bad.append(fig.text)
    return list(dict.fromkeys(bad))


def figure_clauses(sent: str, fig: Figure) -> list[str]:
    """The clauses of sent (between commas, semicolons and colons) stating fig."""
    return [m.group() for m in FIGURE_CLAUSE.finditer(sent) if figure_supported(fig, figures(m.group()))]


def _agreeing_occurrence(fig: Figure, measure: str, asked: Scope, own: Scope, text: str, meta: dict[str, Any]) -> bool:
    for m in SENTENCE.finditer(text):
        sent = m.group()
        if not figure_supported(fig, figures(sent)):
            continue
        row = is_row(sent.strip())
        when = resolve(cell_time(sent, fig.text), "", infer_year=False) if row else time_of(text, m.start(), meta)
        if place_conflict(asked, sent, meta) or (own.places and place_conflict(own, sent, meta)):
            continue
        held = figure_clauses(sent, fig)
        if held and all(part_of_whole(asked, clause) for clause in held):
            continue  # "上海全市一共…" is not verified by "浦东现有…约200家,约占上海全市1/4"
        if row:  # a quoted row labels each figure with its header's year and period; the answer says which
            if time_conflict(own, when):
                continue
        elif time_conflict(asked, when) or time_conflict(own, when):
            continue
        if not _measure_named(measure, sent):
            continue
        return True
    return False
