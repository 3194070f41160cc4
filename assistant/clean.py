"""Cleaning of scraped pages: page furniture, unrelated trailing articles, broken lines, NFKC."""

from __future__ import annotations

import re
import unicodedata

# Lines that are page furniture wherever they occur (navigation, accessibility toggles, share bars).
FURNITURE = re.compile(
    r"^(?:[•·\-*\s]*)(?:设为首页|加入收藏|无障碍(?:阅读|浏览)?|长者版|今天是[:：].*|今天是\s*\d{4}年[^。]*|您现在的位置.*|当前位置[:：].*"
    r"|服务粉丝|我们一直在努力|打印本页|关闭窗口|分享到[:：].*|【?字体[:：].*|扫一扫[^。]*|返回顶部|上一篇[:：].*|下一篇[:：].*)$"
)
# A heading that starts the trailing blocks of unrelated articles: everything from it on is dropped.
TRAILER = re.compile(r"^(?:[•·\s]*)(?:相关阅读|相关文章|相关新闻|热门文章|热门推荐|最新文章|推荐阅读|猜你喜欢)\s*$")
# Characters that hide text or split words invisibly.
INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\u00ad]")
HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[、.]|\(\d+\)|[■●◆▲])")
META_START = re.compile(r"^(?:索引号|主题分类|名称|有效性|文号|发文|发布|成文|来源|日期|记者|编辑|通讯员|责任编辑)")
SIGNATURE = re.compile(
    r"\s*(?:20\d{2}年\d{1,2}月\d{1,2}日|[\u4e00-\u9fff()（）]{2,24}(?:局|委员会|委|厅|政府|办公室|中心|院))\s*"
)
TERMINAL = "。!?;:」』”\"'》)…"
MIN_WRAPPED_LINE = 30
"""A line at least this long that ends without punctuation was wrapped, not a heading."""


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width letters, digits and most punctuation), unified line ends."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = INVISIBLE.sub("", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    return text


def has_hidden_text(raw: str) -> bool:
    """True when the raw text carries zero-width or direction-control characters."""
    return bool(INVISIBLE.search(raw))


def _strip_trailer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if TRAILER.match(line.strip()) and i > 0:
            return lines[:i]
    return lines


def _collapse_spaces(line: str) -> str:
    # "文       号" -> "文号": runs of spaces between CJK characters are layout, not content.
    line = re.sub(r"(?<=[\u4e00-\u9fff])[ \t]{3,}(?=[\u4e00-\u9fff])", "", line.strip())
    line = re.sub(r"[ \t]*([:])[ \t]*", r"\1", line)
    return re.sub(r"[ \t]{2,}", " ", line)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Re-join a paragraph split by a hard wrap ("多\\n\\n极联动")."""
    out: list[str] = []
    pending_join = False
    for line in lines:
        if not line:
            continue
        if (
            pending_join
            and out
            and re.match(r"[\u4e00-\u9fff0-9\"“《(]", line)
            and not META_START.match(line)
            and not SIGNATURE.fullmatch(line)
        ):
            out[-1] += line
        else:
            out.append(line)
        last = out[-1]
        pending_join = (
            last[-1] not in TERMINAL
            and not HEADING_START.match(last)
            and (len(last) >= MIN_WRAPPED_LINE or "," in last)
        )
    return out


# News furniture that arrives inline (a whole article on one line): each piece goes on a line of its own, so that it
# is read as metadata and never quoted as part of a body sentence.
NEWS_DATELINE = re.compile(
    r"^\s*(?:(?P<pre>[^\n，,]{0,40}?)\s)?\[?\s*(?P<date>(?:(?:(?:19|20)?\d{2}[-/])?\d{1,2}[-/]\d{1,2}|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
    r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)\s*\]?\s*[，,]?\s*正文[:：]\s*"
)
_WIRE = (
    r"(?:本报|[\u4e00-\u9fff]{1,8}?(?:日报|晚报|网|社|电视台|客户端|APP))"
    r"[\u4e00-\u9fff]{0,8}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯)"
)
# A portal's head on one line: the title, the date, then 来源 ("…发布《…办法》 2018年1月24日 来源：中国银监会").
NEWS_TITLE_DATE = re.compile(r"^\s*([^\n\s][^\n]{3,80}?)\s+((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*(?=来源[:：])")
NEWS_NO_DATE = re.compile(r"^\s*[，,]?\s*正文[:：]\s*")
NEWS_ORIGINAL_TITLE = re.compile(rf"^(原标题[:：]\s*[^\n]{{4,80}}?)(?:\s+|(?=(?:近日|日前|来源[:：]|{_WIRE})))")
# A photo credit that heads the text: its caption, the photographer ("澎湃新闻记者 朱奕奕 图", "记者 张三 摄").
NEWS_PHOTO = re.compile(
    r"^((?:[^\s,，。:：]{1,20}\s+)?[\u4e00-\u9fff]{0,8}记者\s*[\u4e00-\u9fff]{2,4}?\s*(?:图|摄))\s*"
)
# "来源：X", "转自：新华社": the source may run into the wire lead ("转自:新华社新华社贵阳8月3日电") or the text
# ("来源：人民网－辽宁频道为全面推进…": a channel's name ends at 频道)
# A column tag that heads the text ("【热点追踪】", "【大河财立方消息】").
NEWS_TAG = re.compile(r"^(【[^】\n]{2,12}】)\s*")
NEWS_SOURCE = re.compile(
    r"^((?:来源|转自|转载自)[:：]\s*(?:(?P<src>[^\s，。,]{2,12}?)(?=(?P=src))|[^\s，。,]{2,20}?(?:频道|客户端)|[^\s，。,]{2,30}))\s*"
)
# "本报讯（记者 … 通讯员 …）", "人民网柏林7月28日电 （记者刘仲华、张慧中）", "中新网天津8月18日电 (周亚强)"
NEWS_LEAD = re.compile(rf"^({_WIRE}\s*(?:[(（][^()（）\n]{{1,60}}[)）])?)\s*")
NEWS_TAIL = re.compile(
    r"\s*((?:[(（\[【]\s*)?(?:责任编辑|编辑|校对|审核|来源)[:：]\s*[^\s。()（）]{0,30}\s*[)）\]】]?"
    r"|[(（](?:完|记者[^()（）\n]{1,30}|[^()（）\n]{0,20}记者[^()（）\n]{1,30})[)）]|返回搜狐,?查看更多|分享让更多人看到)\s*$"
)


def separate_news_furniture(text: str) -> str:
    """Put a dateline, 原标题, 来源, the news lead with its byline and trailing 编辑 lines on lines of their own."""
    head: list[str] = []
    m = NEWS_DATELINE.match(text)
    titled = NEWS_TITLE_DATE.match(text)
    if m:
        # "来源：江西日报 | 2023年08月16日 13:55:06，正文：": the source before the dateline is metadata too
        source = NEWS_SOURCE.match((m.group("pre") or "").strip(" |｜"))
        head += [source.group(1).strip()] if source else []
        head.append(m.group("date").strip())
        text = text[m.end() :]
    elif titled:
        head += [titled.group(1).strip(), titled.group(2)]
        text = text[titled.end() :]
    else:
        text = NEWS_NO_DATE.sub("", text, count=1)
    found = True
    while found:  # the pieces come in any order (来源 before or after 原标题)
        found = False
        for pattern in (NEWS_TAG, NEWS_SOURCE, NEWS_ORIGINAL_TITLE, NEWS_LEAD, NEWS_PHOTO):
            m = pattern.match(text)
            if m and len(m.group(1)) < len(text):
                head.append(m.group(1).strip())
                text = text[m.end() :]
                found = True
    tail: list[str] = []
    lines = text.rstrip().split("\n")
    last = lines[-1]
    while True:
        m = NEWS_TAIL.search(last)
        if not m or m.start() == 0:
            break
        if m.group(1).strip("()（）:： 责任编辑"):
            tail.insert(0, m.group(1).strip())
        last = last[: m.start()]
    lines[-1] = last
    return "\n".join([*head, *lines, *tail])


def clean(text: str) -> str:
    """Clean a scraped or pasted document; the result is what chunks and citations quote."""
    text = normalize(text)
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if not FURNITURE.match(ln)]
    lines = _strip_trailer(lines)
    lines = [_collapse_spaces(ln) for ln in lines]
    lines = _join_wrapped(lines)
    return separate_news_furniture("\n".join(lines).strip())


def canonical(text: str) -> str:
    """The form used for duplicate detection: cleaned, all whitespace removed, lower-case."""
    return re.sub(r"\s+", "", clean(text)).lower()
