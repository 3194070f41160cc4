"""Document metadata read from the document itself: title, 发文单位, dates, 文号, 索引号, region, type, year."""

from __future__ import annotations

import re
from collections import Counter

# Places of Hubei that appear in bureau documents; the value is the place's parent, for filters.
PLACES: dict[str, str] = {
    "湖北": "", "武汉": "湖北", "黄石": "湖北", "咸宁": "湖北", "鄂州": "湖北", "黄冈": "湖北",
    "孝感": "湖北", "荆州": "湖北", "宜昌": "湖北", "襄阳": "湖北", "十堰": "湖北", "随州": "湖北",
    "荆门": "湖北", "恩施": "湖北", "仙桃": "湖北", "潜江": "湖北", "天门": "湖北",
    "下陆": "黄石", "西塞山": "黄石", "黄石港": "黄石", "铁山": "黄石", "阳新": "黄石", "大冶": "黄石",
    "咸安": "咸宁", "嘉鱼": "咸宁", "赤壁": "咸宁", "通城": "咸宁", "崇阳": "咸宁", "通山": "咸宁",
}
PLACE_RE = re.compile("(" + "|".join(sorted(PLACES, key=len, reverse=True)) + r")(?:市|区|县)?")
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


def places_in(text: str) -> list[str]:
    """Place names mentioned in text, most frequent first (without 市/区/县)."""
    counts = Counter(m.group(1) for m in PLACE_RE.finditer(text))
    return [p for p, _ in counts.most_common()]


def place_with_parents(place: str) -> list[str]:
    out = [place]
    while PLACES.get(out[-1]):
        out.append(PLACES[out[-1]])
    return out


def _title(text: str) -> str:
    named = _field(text, "名称")
    if named:
        return named
    for line in text.split("\n")[:6]:
        line = line.strip()
        if 4 <= len(line) <= 60 and not re.match(r"^(索引号|主题分类|日期|来源|●|记者)", line):
            return line
    return text.strip().split("\n")[0][:40]


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


def parse_metadata(text: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Flat metadata (every value a string) for a cleaned document; overrides win where non-empty."""
    head = text[:1500]
    title = _title(text)
    issuer = _field(head, "发文单位") or _field(head, "发布机构") or _signature_issuer(text)
    if not issuer:
        src = _field(head, "来源") or _field(text[-800:], "来源")
        issuer = src.split("收集")[0].strip() if src else ""
    published = normalize_date(_field(head, "发布日期") or _field(head, "日期"))
    written = normalize_date(_field(head, "发文日期") or _field(head, "成文日期")) or _signature_date(text)
    date = written or published
    number = _field(head, "文号")
    m = re.search(r"[\u4e00-\u9fff]{1,8}[〔\[(]\d{4}[〕\])]\d+号", number or head)
    number = m.group(0) if m else ""
    index_no = _field(head, "索引号").split(" ")[0]
    title_places = places_in(title)
    body_places = places_in(text[:4000])
    # The most specific place the title names, else the place the body names most often.
    region = max(title_places, key=lambda p: len(place_with_parents(p))) if title_places else ""
    region = region or (body_places or [""])[0]
    years = re.findall(r"(20\d{2})年", title)
    if not years:
        counted = Counter(re.findall(r"(20\d{2})年", text[:3000]))
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
        "places": ",".join(place_with_parents(region)) if region else "",
        "doc_type": doc_type(title, text),
        "year": year,
    }
    for key, value in (overrides or {}).items():
        if value:
            meta[key] = value
            if key == "date" and not (overrides or {}).get("year"):
                meta["year"] = value[:4]
    return meta
