"""Targets vs results: standard bureau indicators extracted from documents as dated, placed, typed records.

A record is one figure of one indicator in one sentence: "2021年,实现科技成果转化70项" in a 工作要点 is
(科技成果转化项数, 70 项, 2021, 咸宁, target). Records are stored in the catalog database (table
`indicators`) next to the document they come from, and a comparison question is answered from them
with a table whose every figure cites the sentence it was read from; the completion rate is the only
number computed, and a missing target or result is stated, never guessed.

The stages, one module each:
    catalogue   Record, Indicator, the indicators (assistant/data/indicators.toml), units
    extraction  cleaned text (sentences, table rows) -> records
    storage     the `indicators` table: schema, replace / delete / query, backfill
    routing     which questions a table answers
    render      records -> a cited target / achieved table and answer
"""

from __future__ import annotations

from assistant.indicators.catalogue import (
    BY_NAME,
    ELLIPTIC,
    INDICATORS,
    KINDS,
    UNITS,
    VERSION,
    Indicator,
    Record,
    load_catalogue,
)
from assistant.indicators.extraction import (
    FIGURE,
    LEVEL,
    YEAR,
    Mention,
    compose,
    extract,
    mentions,
    number_of,
    row_records,
    strip_name,
)
from assistant.indicators.render import Rendered, render_answer, source_sentences, table
from assistant.indicators.routing import COMPARE_CUE, TARGET_ASKED, answerable, is_comparison, match_indicator
from assistant.indicators.storage import (
    COLUMNS,
    SCHEMA,
    backfill,
    delete_records,
    ensure_table,
    index_document,
    indicators_available,
    prune,
    query,
    replace_records,
)

__all__ = [
    "BY_NAME",
    "COLUMNS",
    "COMPARE_CUE",
    "ELLIPTIC",
    "FIGURE",
    "INDICATORS",
    "KINDS",
    "LEVEL",
    "SCHEMA",
    "TARGET_ASKED",
    "UNITS",
    "VERSION",
    "YEAR",
    "Indicator",
    "Mention",
    "Record",
    "Rendered",
    "answerable",
    "backfill",
    "compose",
    "delete_records",
    "ensure_table",
    "extract",
    "index_document",
    "indicators_available",
    "is_comparison",
    "load_catalogue",
    "match_indicator",
    "mentions",
    "number_of",
    "prune",
    "query",
    "render_answer",
    "replace_records",
    "row_records",
    "source_sentences",
    "strip_name",
    "table",
]
