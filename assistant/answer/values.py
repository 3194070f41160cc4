"""What a sentence holds: figures with units, dates, people's names, bylines, proper names, enumerations."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.clean import _WIRE
from assistant.metadata import places_in

UNITS = r"(?:%|亿元|万元|元|亿|万|家|项|个|人|名|件|次|趟|所|条|批|倍|场|期|平方米|平方公里|公顷|㎡|亩|吨|位|座)"


# A round magnitude in words ("产业规模近千亿", "超百亿元", "上千万元"); after a word of approximation or with a unit,
# never alone ("千万不要").
ROUND_MAGNITUDE = (
    r"(?:(?:近|超|超过|上|逾|数|约|达|突破|破)[一二三四五六七八九两]?[十百千]+[万亿]"
    r"|[一二三四五六七八九两]?[十百千]+[万亿](?:元|美元|人|吨|平方米))"
)
VALUE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:余|多)?" + UNITS + r"|[一二三四五六七八九十两]+(?:个|家|项|所|批|人|名)|" + ROUND_MAGNITUDE
)


# News writes the day alone ("29日在湖南长沙发布") and gives the month in its wire dateline ("中新社长沙7月29日电");
# "30日内" is a time limit, not a day.
BARE_DAY = re.compile(r"(?<![\d月])(?:[1-9]|[12]\d|3[01])日(?!内|以内|之内|起|电)")
# A document's number or index number ("国卫办医函〔2020〕146号", "011336941/2025-05835"): a date value only when
# the question asks for one (scoring.asked_value_in).
FILED_NUMBER = re.compile(r"〔\d{4}〕\d+号|\d{9}/\d{4}-\d+")
DATE_VALUE = re.compile(
    r"20\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}|\d{1,2}月(?:\d{1,2}日|上旬|中旬|下旬|底|初)|"
    + FILED_NUMBER.pattern
    + r"|20\d{2}年|"
    + BARE_DAY.pattern
)
# A time given by an event instead of a day ("延长至疫情解除后两个月内", "自即日起", "至活动结束为止"): the answer to
# "什么时候" when the text names no day.
EVENT_TIME = re.compile(r"(?:结束|解除|期满|终止)(?:后|後|之日|为止)|即日起")
# the cleaner's wire lead ("中新社长沙7月29日电"), when it carries the month
WIRE_DATELINE = re.compile(_WIRE.replace(r"(?:\d{1,2}月\d{1,2}日)?", r"\d{1,2}月\d{1,2}日"))


# A person is a title with a name that starts with a common surname ("局长吴文胜", "通讯员 向美琳");
# "由区委书记任组长" names nobody.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安"
    "齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳"
    "管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟"
    "邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)


TITLES = (
    r"局长|副局长|书记|主任|记者|通讯员|组长|副组长|编辑|县长|市长|区长|厅长|处长|科长|院长|董事长|总经理"
    r"|馆长|校长|所长|站长|会长|行长|部长|主席|秘书长|理事长"  # (heads of other institutions: "副馆长陶侃")
)
# Academic titles, read only before the name ("院士尹伟伦"): after one, "工程院院士" holds no name "程院".
ACADEMIC_TITLES = r"院士|教授|研究员"


PERSON_VALUE = re.compile(
    rf"(?:{TITLES}|{ACADEMIC_TITLES})[、,:：]?\s*([{SURNAMES}][\u4e00-\u9fff]{{1,2}})"
    rf"|([{SURNAMES}][\u4e00-\u9fff]{{1,2}})(?:同志|(?:{TITLES}))"
)


NOT_A_NAME = re.compile(r"[长书记任员委区市县局省组副主的是在为和等要将对]")


BYLINE_ROLES = r"记者|通讯员|编辑|作者|摄影|撰稿"


BYLINE = re.compile(rf"^[●■◆\s]*(?:本报讯)?[(（]?\s*(?:[\u4e00-\u9fff]{{0,6}}(?:{BYLINE_ROLES}))")


# An official document's number ("人社厅函〔2020〕24号"). Standing bare in a sentence, not cited in brackets
# ("…的通知》(人社部函〔2020〕11号)"), it belongs to the document's header: title, number, addressees.
DOC_NUMBER = re.compile(r"([(（]?)[\u4e00-\u9fff]{1,10}[〔\[［]20\d\d[〕\]］]\s*\d+\s*号([)）]?)")
COLON = re.compile(r"[:：]")


def header_end(sentence: str) -> int | None:
    """Where the content starts in a sentence that holds an official document's number standing bare (its header:
    title, number, addressees "各省、自治区…:"): after the addressees' colon, or len(sentence) when no content
    follows; None when the sentence is no header. A how/what question is not answered by the header itself."""
    bare = [m for m in DOC_NUMBER.finditer(sentence) if not m.group(1) and not m.group(2)]
    if not bare:
        return None
    colon = COLON.search(sentence, bare[-1].end())
    return colon.end() if colon and len(sentence) - colon.end() >= 10 else len(sentence)


# A proper name in the text: quoted, a 《title》, or an organisation with its own name ("…有限公司").
PROPER_NAME = re.compile(
    r"“[^”]{2,30}”|《[^》]{2,60}》|[\u4e00-\u9fff]{2,16}(?:有限公司|股份公司|集团|大学|学院|研究所)"
)


# The kinds of question answered by a value the sentence must hold (a figure, a date, a name, a place, a phone
# number or address).
VALUE_KINDS = ("number", "date", "person", "name", "title", "place", "contact")
# A way to reach an office: a phone number with or without its area code ("0523-86195536", "86512345"), a mobile
# ("13401016724"), a service number ("12366", "95518", "400-810-5678"), a web or mail address. A run of digits
# followed by a unit or a decimal point is a figure, not a number to call.
CONTACT_VALUE = re.compile(
    r"(?<![\d.])(?:(?:0\d{2,3}\s?[-—–－]{1,2}\s?)?\d{7,8}|1[3-9]\d{9}|12\d{3}|9[56]\d{3,4}|400[-－]?\d{3}[-－]?\d{4})"
    r"(?![\d.%‰万亿元人家个项次台吨])|https?://[\w./?=&%#:-]+|www\.[\w./-]+|[\w.-]+@[\w-]+(?:\.[\w-]+)+"
)
ROLE = re.compile(r"(?:市|区|县|镇|乡|省)(?:委书记|长)|(?:局|部|厅|处|科|室|办|中心)(?:长|主任)|书记|局长|主任|负责人")


# Words that start with a surname character but name nobody ("总书记关于…", "局长全面…").
NOT_A_NAME_START = {
    "关于",
    "全面",
    "全市",
    "全区",
    "全省",
    "全国",
    "全力",
    "高新",
    "高质",
    "高度",
    "高层",
    "成功",
    "成立",
    "成果",
    "时间",
    "明确",
    "应用",
    "文件",
    "安排",
    "安全",
    "解决",
    "党组",
    "党委",
    "金融",
    "方面",
    "方案",
    "向上",
    "于是",
    "万元",
    "钱的",
    "强调",
    "严格",
    "宁夏",
    "华中",
    "江苏",
    "武汉",
    "黄石",
    "咸宁",
    "大冶",
    "通过",
    "要求",
    "指出",
}


def persons_in(text: str) -> list[str]:
    return [
        name
        for m in PERSON_VALUE.finditer(text)
        for name in m.groups()
        if name and not NOT_A_NAME.search(name[1:]) and name[:2] not in NOT_A_NAME_START
    ]


ACHIEVED_WORDS = re.compile(r"完成|实现|已|目前|达到|建成|成功|获批|入库|累计|同比|突破|新增授信|立项")


TARGET_WORDS = re.compile(r"力争|目标|计划|确保|要|不低于|不少于|以上|突破|争取|支持|推动|鼓励|加快|推进")


# A sentence, with a parenthesis that follows its end ("…。(新华社)"), but not the next item's number ("…。(2)采取").
ITEM_NUMBER_AHEAD = r"(?!\(\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*\))"
SENTENCE = re.compile(rf"[^。!?！？\n]+[。!?！？]*[”’\"」』)]*(?:{ITEM_NUMBER_AHEAD}\([^()\n]{{1,24}}\))?")


CLAUSE = re.compile(r"[^,;:、，；：]+[,;:，；：]?")
# A bare item of an enumeration ("天津华北地质勘查总院" before "、"): short, no figure, no clause break.
ENUMERATION_ITEM = r"[^、,，;；:：\d]{1,20}"


def unit_value(unit: str) -> str:
    """The pattern of a figure in one of the units of the regex unit ("54家", "约200人", "两个")."""
    return rf"\d+(?:\.\d+)?\s*(?:余|多)?(?:万|亿|千)?(?:{unit})|[一二三四五六七八九十两]+(?:{unit})"


def holds_value(kind: str, text: str, unit: str = "") -> bool:
    if kind == "number":
        if unit:
            return bool(re.search(unit_value(unit), text))
        return bool(VALUE.search(text))
    if kind == "date":
        return bool(DATE_VALUE.search(text) or EVENT_TIME.search(text))
    if kind == "name":
        return bool(persons_in(text))
    if kind == "title":
        return bool(PROPER_NAME.search(text))
    if kind == "person":  # "由谁担任组长": a name, or the office that holds the role ("区委书记")
        return bool(persons_in(text) or ROLE.search(text))
    if kind == "place":
        return bool(places_in(text)) or "在" in text
    if kind == "contact":
        return bool(CONTACT_VALUE.search(text))
    return True


NAMED_ONE_AND_ETC = re.compile(r"等\s*(?:\d+|[一二两三四五六七八九十]+)\s*[所家个项名位条批类]")


@lru_cache(maxsize=1)
def country_names() -> re.Pattern[str]:
    """The names of the world's countries and territories in Chinese, from the Unicode CLDR data babel ships
    (“韩国”, “印度尼西亚”, “阿拉伯联合酋长国”), longest first; regions such as “欧洲” (numeric codes) left out."""
    from babel import Locale

    names = {re.sub(r"[（(].*", "", v) for k, v in Locale("zh").territories.items() if k.isalpha()}
    return re.compile("|".join(sorted((re.escape(n) for n in names if len(n) >= 2), key=len, reverse=True)))


def countries_in(text: str) -> set[str]:
    """The countries text names outside quotations ("“海外中国旅游文化周”" names no country)."""
    return set(country_names().findall(re.sub(r"“[^”]{0,80}”|《[^》]{0,80}》", "", text)))


def mask_quoted(text: str) -> str:
    """text with the separators inside “…”, short brackets ("84个县(市、区)") and web addresses ("https://…")
    replaced (same length), so clauses never cut a quotation, an aside or an address."""
    return re.sub(
        r"“[^”]{0,80}”|[(（][^()（）]{0,20}[)）]|https?://[\x21-\x7e]+",
        lambda m: re.sub(r"[,;:、，；：]", "_", m.group()),
        text,
    )


ORDINAL = re.compile(r"第\s*[\d一二三四五六七八九十百千两]+")
ORDINAL_ASKED = re.compile(r"第几|第多少|排(?:第|名)")


def amounts_only(text: str) -> str:
    """text with its ordinals masked (same length): "第2家产业集群党委" ranks a thing, it counts nothing, so it is not
    a figure for "多少家" (it is the answer to "第几个", which keeps them)."""
    return ORDINAL.sub(lambda m: "第" + "#" * (len(m.group()) - 1), text)


FLOW = re.compile(r"(?<![创更革])新(?:增|建|认定|引进|获批|培育|组建|设立)|增加")  # not 创新建立


COUNTED_SET = re.compile(r"\d+\s*[家个所项名位]\S{0,8}(?:都是|分别是|是哪|有哪|叫什么|名单|列(?:一下|出))")


def max_items(text: str) -> int:
    """The longest enumeration in text ("A、B和C" -> 3)."""
    return max((len(re.split(r"、|和|及|与", m.group())) for m in re.finditer(r"[^,;:。，；：]+", text)), default=0)


# The items of an enumeration: "一是…", and with a counter and its noun ("一类是…第二类是…", "第一道防线是…").
# Every item of one enumeration has the form its first has (form: the words between the numeral and 是).
NUMERALS = "一二三四五六七八九十"
ANY_FORM = r"(?:[类道项个条种批点][\u4e00-\u9fff]{0,3}?)?"


@lru_cache(maxsize=256)
def ordinal_item(n: int, form: str | None = None) -> re.Pattern[str]:
    """The n-th item (0: the first) of an enumeration of the given form (None: any form)."""
    f = ANY_FORM if form is None else re.escape(form)
    return re.compile(rf"(?:第)?{NUMERALS[n]}({f})是[^。！？!?\n]{{2,80}}[。！？!?]?")


def ordinal_items_in(text: str, start: int = 0) -> tuple[int, str]:
    """How many items of an enumeration ("一是…二是…", "第一道防线是…第二道防线是…") text holds in order from start,
    and their form; (0, "") when fewer than two."""
    m = ordinal_item(0).search(text, start)
    if not m:
        return 0, ""
    n, at, form = 1, m.start() + 1, m.group(1)
    while n < len(NUMERALS):
        m = ordinal_item(n, form).search(text, at)
        if not m:
            break
        n, at = n + 1, m.start() + 1
    return (n, form) if n >= 2 else (0, "")


def ordinal_count(text: str) -> int:
    return ordinal_items_in(text)[0]
