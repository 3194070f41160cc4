"""Scope: the place and time a question asks about and a sentence states, and whether they agree.

Shared by the answerer (a sentence about another place, year or part of the year is not eligible) and the
verifier (a figure is verified only by a sentence whose scope agrees with the answer's question).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.gazetteer import Place, gazetteer
from assistant.timeref import TimeRef, agrees, question_time, resolve, sentence_times

# A place inside the name of an organisation (武汉理工大学, 建行咸宁分行) says where the organisation is, not what
# the sentence is about.
ORGANISATION_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:大学|学院|银行|分行|支行|公司|集团|研究院|研究所|医院|协会|商会|高校|报|网|电视台)")


@dataclass(frozen=True)
class Scope:
    places: tuple[Place, ...]
    time: TimeRef


def question_scope(question: str, today: str | None = None) -> Scope:
    places = tuple(subject_places(question, lenient=True))
    return Scope(places, question_time(question, today or dt.date.today().isoformat()))


def subject_places(text: str, lenient: bool = False) -> list[Place]:
    """The resolved places text names as what it is about (not inside an organisation's name)."""
    out: list[Place] = []
    for m in gazetteer().mentions(text, lenient):
        if len(m.places) != 1 or ORGANISATION_AFTER.match(text[m.end : m.end + 8]):
            continue
        if m.places[0] not in out:
            out.append(m.places[0])
    return out


def doc_place(meta: dict[str, Any]) -> Place | None:
    uid = str(meta.get("region_id", ""))
    return gazetteer().places.get(uid) if uid else None


@lru_cache(maxsize=4096)
def _times(text: str, date: str) -> tuple[tuple[int, int, TimeRef], ...]:
    return tuple(sentence_times(text, date))


def time_of(passage_text: str, start: int, meta: dict[str, Any]) -> TimeRef:
    """The time of the sentence at `start` of a passage: its own, inherited in its paragraph, or the document's;
    a part of the year the document's title names ("第三季度进展报告") when the sentence names none."""
    date = str(meta.get("date", ""))
    ref = next((r for a, b, r in _times(passage_text, date) if a <= start < b), TimeRef())
    if ref.year is None and str(meta.get("year", "")).isdigit():
        ref = TimeRef(int(str(meta["year"])), ref.months, "document", ref.plan)
    if ref.months is None:
        title = resolve(str(meta.get("title", "")), date)
        if title.months:
            ref = TimeRef(ref.year, title.months, ref.how or "document", ref.plan)
    return ref


def place_conflict(asked: Scope, sentence: str, meta: dict[str, Any]) -> bool:
    """The sentence is about places that all lie outside every place the question asks about (a sentence
    naming none is about its document's place)."""
    if not asked.places:
        return False
    g = gazetteer()
    stated = subject_places(sentence)
    if not stated:
        home = doc_place(meta)
        stated = [home] if home else []
    # the deepest places asked ("黄石下陆区" asks about 下陆区); a sentence about any of them agrees
    deepest = [q for q in asked.places if not any(o.uid != q.uid and g.contains(q, o) for o in asked.places)]
    return bool(stated) and not any(g.agrees([q], stated) for q in deepest)


def time_conflict(asked: Scope, stated: TimeRef) -> bool:
    return not agrees(asked.time, stated)
