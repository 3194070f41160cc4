"""Which questions the indicator tables answer: a comparison of targets and results, or an indicator over the years."""

from __future__ import annotations

import re
from typing import Any

from assistant.indicators.catalogue import KINDS
from assistant.indicators.extraction import compose, mentions
from assistant.labels import TARGET
from assistant.tables import ATTAINMENT_RATE

COMPARE_CUE = re.compile(
    r"(?:目标|计划|预期|要求|任务).{0,24}(?:实际|完成|实现|达到|达成|做到|落实)|实际|完成(?:情况|率|了?多少|得)|进度|[这近]几年|"
    r"历年|逐年|每年|各年|几年来|变化|趋势|走势|对比|比较|相比|超额|差距"
)


# A question about targets, or about how far one was reached (its rate of attainment).
TARGET_ASKED = re.compile(
    rf"{TARGET}|计划|任务|要求|预期|力争|对比|比较|相比|{ATTAINMENT_RATE}|超额|差距|进度|[这近]几年|历年|逐年|每年|各年|几年来|变化|趋势|走势"
)


def match_indicator(question: str) -> str | None:
    """The indicator a question is about (its first mention, with 新增/level), or None."""
    found = mentions(question)
    if not found:
        return None
    m = found[0]
    return compose(m.indicator, m.new, m.level)


def is_comparison(question: str) -> bool:
    """A question about targets against results, or about an indicator over the years."""
    return bool(COMPARE_CUE.search(question))


def answerable(question: str, rows: list[dict[str, Any]]) -> bool:
    """Whether a rendered table answers the question: some figure was found, and a question that asks only
    for the result ("…最终完成了多少") has one; otherwise the caller's ordinary path (or refusal) should answer."""
    if not any(row[k] for row in rows for k in KINDS):
        return False
    if TARGET_ASKED.search(question):
        return True
    return any(row["achieved"] or row["forecast"] for row in rows)
