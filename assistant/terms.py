"""Chinese word segmentation (jieba) for BM25 and for matching question terms to sentences."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

# Domain words jieba's general dictionary splits apart.
DOMAIN_WORDS = [
    "高新技术企业",
    "科技型中小企业",
    "高新技术产业",
    "技术合同",
    "成交额",
    "交易额",
    "离岸科创园",
    "科创园",
    "孵化器",
    "众创空间",
    "星创天地",
    "科技特派员",
    "研发投入",
    "新型研发机构",
    "产业技术研究院",
    "科技成果转化",
    "成果转化",
    "增加值",
    "揭榜挂帅",
    "倍增工程",
    "独角兽",
    "瞪羚企业",
    "光谷科创大走廊",
    "企校联合创新中心",
    "研发费用加计扣除",
    "创新平台",
    "科技创新",
    "下陆区",
    "专项债券",
    "科技局",
    "局长",
    "科经局",
    "科技大会",
    "行动方案",
    "营业收入",
    "估值",
]
STOPWORDS = set(
    "的 了 和 与 及 是 在 有 为 对 将 把 被 等 以 于 从 到 由 或 并 也 都 而 之 其 这 那 个 中 上 下 "
    "吗 呢 吧 啊 么 什么 多少 几 哪些 哪个 哪 哪里 怎么 怎样 如何 是否 谁 请问 请 一下 情况 方面 "
    "关于 根据 按照 进行 开展 工作 我们 我市 全市 今年 目前 主要 有关 相关 具体 "
    "分别 一共 共 总共 这篇 这个 该 那个 文件 文中 里面".split()
)
# Abbreviations and variants bureau documents use for one indicator (each group is one concept).
SYNONYM_GROUPS = [
    ("高新技术企业", "高企"),
    ("科技型中小企业", "科技型企业", "科小"),
    ("技术合同成交额", "技术合同交易额", "技术合同登记成交总额"),
    ("科技成果转化", "成果转化"),
    ("研究与实验发展", "研发", "r&d"),
    ("孵化器", "孵化平台"),
    ("营业收入", "销售收入", "营收"),
    ("入驻", "进驻"),
    ("增速", "增长", "增幅"),
    ("研发费用加计扣除", "研发费加计扣除"),
    ("研发费用", "研发费"),
    ("规划", "计划"),
    ("成交额", "交易额"),
    ("生产总值", "gdp"),  # (gross domestic product, as statistics bulletins write it and its English abbreviation)
]
SYNONYMS = {w: [o for o in group if o != w] for group in SYNONYM_GROUPS for w in group}
_lock = threading.Lock()
_ready = False


def word_counts() -> dict[str, int]:
    """How often jieba's dictionary (with the domain words) counts each word; absent for a word it only guesses."""
    jieba = _jieba()
    jieba.dt.check_initialized()
    return jieba.dt.FREQ  # type: ignore[no-any-return]


def _jieba():  # type: ignore[no-untyped-def]
    global _ready
    import jieba

    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            for word in DOMAIN_WORDS:
                jieba.add_word(word, freq=50000)
            _ready = True
    return jieba


TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff%.]+")


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[str, ...]:
    """Search-mode jieba tokens of text, lower-cased, without punctuation and stopwords."""
    jieba = _jieba()
    out = []
    for tok in jieba.cut_for_search(text.lower()):
        tok = tok.strip()
        if tok and TOKEN_OK.fullmatch(tok) and tok not in STOPWORDS:
            out.append(tok)
    return tuple(out)


def key_terms(question: str) -> list[str]:
    """Distinct content terms of a question, longest first, with sub-words of longer terms dropped."""
    toks = sorted(set(tokenize(question)), key=len, reverse=True)
    kept: list[str] = []
    for t in toks:
        if len(t) == 1 and not t.isdigit():
            continue
        if not any(t in k for k in kept):
            kept.append(t)
    return kept
