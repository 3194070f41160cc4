"""Unit tests of the reader's stages (assistant/answer/): question analysis, values, scoring, eligibility,
composition. Questions and sentences of their own, about made-up places' bulletins."""

from __future__ import annotations

import pytest

from assistant import REFUSAL
from assistant.answer import (
    Candidate,
    analyse,
    compose,
    coverage,
    eligible,
    holds_value,
    in_scope,
    measure_match,
    periods_in,
    persons_in,
    refusal,
    split_question,
    supported,
)
from assistant.answer.values import max_items
from assistant.types import Answer, Chunk, Passage


def passage(text: str, doc: str = "d1", **meta: str) -> Passage:
    return Passage(Chunk(f"{doc}:0", doc, 0, 0, len(text), text), 1.0, {"title": "通报", **meta})


# -- question analysis ---------------------------------------------------------------------------------------------
def test_kind_of_value_asked() -> None:
    assert analyse("2025年全县新增了多少家孵化器").kind == "number"
    assert analyse("这份通知是什么时候印发的").kind == "date"
    assert analyse("园区建设由哪个处室负责").kind == "fact"  # a unit of the bureau, not a person
    assert analyse("乡村振兴科技行动的主要举措有哪些").kind == "list"
    assert analyse("通讯员是谁").kind == "person"
    assert analyse("县里八条措施中，贴息贷款最长可以延期多久").kind == "number"  # the measures are the subject
    assert analyse("县里八条措施包括哪些内容").kind == "list"
    assert analyse("县里对一线防疫工作者给予哪些补助").kind == "list"  # 工作者 is no 作者 asked
    assert analyse("这篇报道的作者是谁").kind == "person"
    assert analyse("居民如何查询隔离措施和结束时间？").kind != "date"  # a time that is the object of a how
    assert analyse("隔离措施的结束时间？").kind == "date"


def test_time_is_asked_only_where_it_is_the_thing_asked() -> None:
    assert analyse("清河县科技局从什么时间开始受理申报").kind == "date"
    assert analyse("创新券的兑付时间？").kind == "date"
    assert analyse("孵化器租金减免延长多长时间").kind == "number"  # a duration, not a day
    assert analyse("清河县第一时间建立了什么协调机制").kind != "date"
    assert analyse("为解决审批等候时间长的问题采取了什么办法").kind != "date"
    assert "时间" not in analyse("清河县科技局从什么时间开始受理申报").terms  # the asking words, like 什么时候


def test_a_time_given_by_an_event_answers_when() -> None:
    assert holds_value("date", "补贴申领期限延长至活动结束后两个月内")
    assert holds_value("date", "自即日起暂停线下受理")
    assert not holds_value("date", "会议要求各单位做好申报工作")


def test_spoken_phrases_are_not_terms() -> None:
    info = analyse("那份材料中提到的孵化器目标值是多少")
    assert "孵化器" in info.terms
    assert not any(t in ("材料", "值", "标值", "目标值") for t in info.terms)
    assert analyse("请核实一下项目批下来的资金是多少").terms == analyse("项目的资金是多少").terms


def test_measure_and_periods() -> None:
    info = analyse("今年前三季度认定了几家省级众创空间")
    assert "众创空间" in info.measure
    assert periods_in("前三季度和第二季度，以及3月份") == ("前三季度", "二季度", "3月")
    assert split_question("全县有多少家高企？新增了几家？") == ["全县有多少家高企", "新增了几家？"]


# -- values --------------------------------------------------------------------------------------------------------
def test_values_a_sentence_holds() -> None:
    assert holds_value("number", "全年新增孵化器12家。", "家|个|所")
    assert not holds_value("number", "全年新增孵化器若干。", "家|个|所")
    assert holds_value("date", "该通知于2025年3月8日印发。")
    assert persons_in("（通讯员 周明远）近日，全县召开科技大会。") == ["周明远"]
    assert max_items("重点建设材料、能源和生物三个实验室") == 3


# -- scoring -------------------------------------------------------------------------------------------------------
def test_coverage_and_measure_match() -> None:
    info = analyse("2025年清河县技术合同成交额是多少")
    right, wrong = "清河县技术合同成交额达到3.2亿元。", "清河县高新技术企业达到52家。"
    assert coverage(info, right) > coverage(info, wrong)
    counted = analyse("有几个企校联合创新中心")
    assert measure_match(counted, "建成企校联合创新中心5个") == 1.0
    assert measure_match(counted, "建成企业技术中心5个") < 0.5


# -- eligibility ---------------------------------------------------------------------------------------------------
def test_year_and_result_rules() -> None:
    info = analyse("2024年实际新增了多少家孵化器")
    meta = {"title": "通报", "year": "2024"}
    ok = info.filters.matches(meta, "")
    assert eligible(info, "2024年新增孵化器6家。", meta, ok, "number", None)
    assert not eligible(info, "2023年新增孵化器4家。", meta, ok, "number", None)  # another year stated
    assert not eligible(info, "力争2024年新增孵化器10家。", meta, ok, "number", None)  # a target, not a result
    # a forecast is not a result either
    assert not eligible(info, "2024年建成后预计新增孵化器12家。", meta, ok, "number", None)
    park = analyse("清河创新港目前已经入驻了多少家企业")
    assert not eligible(park, "清河创新港建成后预计吸引不少于120家企业入驻。", {}, {}, "number", None)
    assert eligible(park, "清河创新港已入驻企业46家。", {}, {}, "number", None)


def test_scope_rejects_another_place_and_bylines() -> None:
    info = analyse("2024年宜宾市技术合同成交额是多少")
    meta = {"region_id": "四川省/宜宾市", "date": "2024-07-01", "year": "2024"}
    text = "宜宾市技术合同成交额达到23.6亿元。鞍山市技术合同成交额达到9.1亿元。"
    assert in_scope(info, "宜宾市技术合同成交额达到23.6亿元。", text, 0, meta)
    assert not in_scope(info, "鞍山市技术合同成交额达到9.1亿元。", text, text.index("鞍山"), meta)
    byline = "本报讯（记者 王五 通讯员 李四）"
    assert not in_scope(info, byline, byline, 0, meta)


def test_scope_reads_the_time_of_the_figure_clause() -> None:
    """A figure's own clause dates it, whatever year or part of the year the sentence opens with (a clause dated as
    asked does not override the sentence's time: "以2021年的…计算,…2022年的交付量需要超过140万辆" is a projection)."""
    meta = {"region_id": "江苏省/无锡市", "date": "2025-07-20", "year": "2025"}
    text = "今年上半年,无锡外贸稳中有进;1至4月外资企业出口额812.3亿元、同比增长6.1%。"
    info = analyse("无锡2025年上半年外资企业出口额是多少")
    assert not in_scope(info, text, text, 0, meta)  # 1至4月 is not the first half
    whole = "今年上半年,无锡外资企业出口额1190.5亿元、同比增长5.8%。"
    assert in_scope(info, whole, whole, 0, meta)
    goal = "确保到2026年储能产业规模翻番,到2028年储能产业产值达到500亿元。"
    info = analyse("无锡储能产业产值2026年要达到多少")
    assert not in_scope(info, goal, goal, 0, meta)  # the figure is 2028's
    span = "三年来,累计培育省级专精特新企业316家。"
    assert not in_scope(analyse("无锡2025年培育了多少家省级专精特新企业"), span, span, 0, meta)
    now = "目前完成技术合同成交额88亿元。"  # a year and no part of it: the part is left to the sentence's check
    report = dict(meta, title="无锡市科技局2025年第三季度工作进展")
    assert in_scope(analyse("2025年三季度技术合同成交额完成了多少"), now, now, 0, report)


def test_supported_needs_the_asked_value() -> None:
    info = analyse("清河县新增了多少家孵化器")
    with_figure = Candidate(0, 0, 10, "清河县新增孵化器12家。", 1.0, 0.9, True)
    without = Candidate(0, 0, 10, "清河县大力发展孵化器。", 1.0, 0.9, False)
    assert supported(info, with_figure, "number", 0.3)
    assert not supported(info, without, "number", 0.3)
    assert not supported(info, with_figure, "number", 0.95)  # too little of the question matched


# -- composition ---------------------------------------------------------------------------------------------------
def test_compose_numbers_citations_in_order_and_verifies() -> None:
    a = passage("清河县新增孵化器12家。全县高企达到80家。", "a")
    b = passage("清河县技术合同成交额3.2亿元。", "b")
    ans = compose("q", [b, a], [(1, 0, 11, ""), (0, 0, 15, "")], "extractive")
    assert ans.answer.startswith("清河县新增孵化器12家[1]") and "3.2亿元[2]" in ans.answer
    assert [c.doc_id for c in ans.citations] == ["a", "b"] and ans.verified
    gap = compose("q", [a], [(0, 0, 11, "完成："), (-1, 0, 0, "目标：现有文件中没有找到。")], "extractive")
    assert gap.answer.endswith("目标：现有文件中没有找到。") and len(gap.citations) == 1


def test_refusal_names_related_documents_once() -> None:
    ps = [passage("x", "a"), passage("y", "a"), passage("z", "b")]
    r = refusal("q", ps, "extractive")
    assert r.refused and r.answer == REFUSAL and [d["doc_id"] for d in r.related] == ["a", "b"]


def test_place_names_are_kept_whole_and_rates_ask_for_percent() -> None:
    from assistant.answer.question import place_aware_tokens

    toks = place_aware_tokens("申报平顶山中试基地需要什么条件")
    assert "平顶" not in toks and "平顶山" in toks  # jieba's search mode alone also gives the fragment 平顶
    assert analyse("清河县鼓励银行贷款利率下浮多少").unit.split("|")[0] == "%"  # a rate, though 贷款 is money
    assert analyse("清河县新增贷款多少").unit != "%"


def test_measure_modifier_may_come_from_the_title() -> None:
    info = analyse("东湖青年科学家论坛有多少人参加")
    assert info.measure.endswith("论坛") and len(info.measure) > 2
    sentence = "本届论坛约200人参加。"
    assert measure_match(info, sentence) < 0.5
    assert measure_match(info, sentence, "第五届东湖青年科学家论坛举办") >= 0.5
    assert (
        measure_match(info, "本届会议约200人参加。", "第五届东湖青年科学家论坛举办") < 0.5
    )  # the head is still needed


def test_durations_are_asked_as_durations_not_years() -> None:
    info = analyse("清河县对受困企业的贷款贴息期限是多长")
    assert info.kind == "number"
    assert holds_value("number", "贴息期限为1年。", info.unit) and holds_value("number", "最长可延期6个月。", info.unit)
    assert holds_value("number", "可延长两年。", info.unit)
    assert not holds_value("number", "自2020年起执行。", info.unit)  # a year is not a duration
    assert analyse("缓缴社保最长可以缓多久").kind == "number"


def test_a_level_named_in_the_question_must_agree() -> None:
    info = analyse("2024年新增国家级孵化器几家")
    meta = {"title": "通报", "year": "2024"}
    ok = info.filters.matches(meta, "")
    assert not eligible(info, "2024年新增省级孵化器3家。", meta, ok, "number", None)
    assert eligible(info, "2024年新增国家级孵化器1家、省级孵化器3家。", meta, ok, "number", None)
    assert eligible(info, "2024年新增孵化器4家。", meta, ok, "number", None)  # no level stated: not a conflict


def test_an_ordinal_ranks_a_thing_and_counts_nothing() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.values import amounts_only

    assert amounts_only("成立的第3家孵化联盟") == "成立的第#家孵化联盟"
    asked_count = [passage("南屏县第3家孵化联盟于5月挂牌成立。")]
    assert ExtractiveAnswerer()("南屏县成立了多少家孵化联盟", asked_count).refused
    ranked = [passage("这是南屏县今年认定的第3家省级孵化联盟。")]
    ans = ExtractiveAnswerer()("南屏县这家孵化联盟是今年认定的第几家省级孵化联盟", ranked)
    assert not ans.refused and "第3家" in ans.answer


def test_a_question_names_its_own_counter() -> None:
    from assistant.answer import ExtractiveAnswerer

    assert analyse("南屏县今年受理了多少起知识产权纠纷").counter == "起"
    assert analyse("南屏县新增了多少家孵化器").counter == ""  # a known unit: 家 and its kin
    ps = [passage("南屏县今年共受理知识产权纠纷43起,办结41起。")]
    ans = ExtractiveAnswerer()("南屏县今年受理了多少起知识产权纠纷", ps)
    assert not ans.refused and "43起" in ans.answer


def test_a_demonstrative_subject_takes_its_antecedent_as_context() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.extractive import antecedent

    text = "南屏县青年创客联盟日前举行年会。会上发布了年度报告。该联盟于2019年由县科协发起成立,现有会员单位60家。"
    start = text.index("该联盟")
    assert antecedent(text, start, text[start:]) == "南屏县青年创客联盟日前举行年会。"
    assert antecedent(text, 0, "会上发布了年度报告。") == ""
    # a head of one character ("该旅在…", "该队在…") is the word pointed at, not that character and the next
    unit = "清河县消防救援支队某队官兵昨日赶赴灾区。现场秩序井然。该队在接到命令后,立即派出30名队员、6台车辆。"
    at = unit.index("该队")
    assert antecedent(unit, at, unit[at:]) == "清河县消防救援支队某队官兵昨日赶赴灾区。"
    ans = ExtractiveAnswerer()("南屏县青年创客联盟是哪一年发起成立的", [passage(text)])
    assert not ans.refused and "2019年" in ans.answer


def test_a_question_asking_two_things_is_read_clause_by_clause() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.parts import split_clauses

    assert split_clauses("清河县创客学院一共多少课时，学什么编程语言？") == [
        "清河县创客学院一共多少课时",
        "清河县创客学院一共学什么编程语言",
    ]
    assert split_clauses("请问，全县有多少家高企") == ["请问，全县有多少家高企"]  # one thing asked
    assert analyse("清河县创客学院一共多少课时").measure == "课时"  # the counter ending the clause is what is counted
    assert analyse("论坛办了几场分论坛").kind == "number" and analyse("论坛是谁主办的").kind == "fact"
    assert split_clauses("高企、科技型中小企业各有多少家") == ["高企、科技型中小企业各有多少家"]
    # clauses before the first asking one frame each asking clause; items of a subject do not
    assert split_clauses("清河县消防大队赶赴灾区，一共派了多少队员、多少台车辆？") == [
        "清河县消防大队赶赴灾区，一共派了多少队员",
        "清河县消防大队赶赴灾区，一共多少台车辆",
    ]
    assert split_clauses("面上基金、青年基金各批了几项，资助率多少") == ["面上基金、青年基金各批了几项，资助率多少"]
    p = passage(
        "清河县创客学院今年开班。课程共24个课时,每周两次。课程讲授Python编程语言和机器人搭建。报名截至7月1日。",
        title="清河县创客学院暑期开班",
        region="清河",
    )
    ans = ExtractiveAnswerer()("清河县创客学院一共多少课时，学什么编程语言？", [p])
    assert "24个课时" in ans.answer and "Python" in ans.answer
    # a clause the documents do not answer: the question is read whole, as before
    half = ExtractiveAnswerer()("清河县创客学院一共多少课时，学费多少元？", [p])
    assert "Python" not in half.answer


def test_what_is_asked_outranks_the_subject() -> None:
    from assistant.answer import ExtractiveAnswerer

    assert analyse("青藤创新论坛是谁主办的").focus == ("主办",)
    assert analyse("青藤创新论坛学员学什么编程语言").focus[-1] == "编程语言"
    p = passage(
        "第三届青藤创新论坛昨天在清河县开幕,青藤创新论坛已成为青年科技人才交流的重要平台。"
        "该论坛由清河县科技局主办,县青年联合会承办。",
        title="青藤创新论坛开幕",
    )
    rare = {"青藤": 4.0, "创新": 2.0, "论坛": 3.0}  # in a library the forum's name is rarer than 主办
    ans = ExtractiveAnswerer(idf=lambda t: rare.get(t, 1.0))("青藤创新论坛是谁主办的", [p])
    assert "科技局主办" in ans.answer and "重要平台" not in ans.answer


def test_a_sentence_naming_no_place_is_about_the_place_before_it() -> None:
    info = analyse("2020年平江县返还失业保险预计多少家单位受益")
    meta = {"title": "各地稳岗政策", "year": "2020"}
    text = "平江县继续返还失业保险费。政策实施后,预计约2万家单位受益。湘阴县预计约1万家单位受益。"
    sent = "政策实施后,预计约2万家单位受益。"
    start = text.index(sent)
    prev = "平江县继续返还失业保险费。"
    ok = info.filters.matches(meta, "")
    assert eligible(info, sent, meta, ok, "number", None, prev) and in_scope(info, sent, text, start, meta)
    assert not eligible(info, sent, meta, ok, "number", None, "")  # the place is named nowhere near
    other = "湘阴县预计约1万家单位受益。"
    assert not in_scope(info, other, text, text.index(other), meta)  # names another place itself


def ask(question: str, text: str) -> Answer:
    """The extractive reader's whole answer (text, refusal) from one passage of text."""
    from assistant.answer import ExtractiveAnswerer

    return ExtractiveAnswerer()(question, [passage(text)])


def read(question: str, text: str, title: str) -> str:
    """The extractive reader's answer from one passage of a 清河县 bulletin."""
    from assistant.answer import ExtractiveAnswerer

    return ExtractiveAnswerer()(question, [passage(text, title=title, region="清河")]).answer


def test_two_clauses_answered_by_one_sentence_quote_both_figures() -> None:
    text = (
        "清河县第一批享受稳岗补贴的企业共计73家,涉及企业职工1.2万人,预计返还资金390万元,并将于2月底前发放到位,"
        "确保政策红利及时惠及企业和职工,县人社局将持续跟踪政策落实情况并开展满意度回访调查工作。"
    )
    answer = read("清河县第一批稳岗补贴涉及多少家企业，返还多少资金？", text, "稳岗补贴发放")
    assert "73家" in answer and "390万元" in answer


def test_a_date_the_question_states_is_no_answer_to_when() -> None:
    text = (
        "清河县2025年青少年科创营开始报名,让更多学生了解人工智能,经县教育局等部门指导,"
        "将于8月7日至16日在县职业技术学院举办,每期招收学员50名,报名请联系县教育局基础教育股工作人员。"
    )
    assert "8月7日至16日" in read("清河县2025年青少年科创营什么时候办", text, "科创营报名")


def test_where_is_answered_by_a_place_the_question_does_not_name() -> None:
    from assistant.answer.scoring import place_value_in

    info = analyse("青藤医疗总部在加拿大哪个城市")
    assert info.kind == "place"
    assert not place_value_in(info, "青藤医疗加拿大青藤医疗致力于为全球提供穿戴医疗产品。")  # names only 加拿大
    assert place_value_in(info, "青藤医疗总部位于加拿大温哥华市。")
    assert place_value_in(analyse("科创营在哪里办"), "将于8月7日至16日在县职业技术学院举办。")


def test_a_follow_up_naming_another_subject_asks_the_same() -> None:
    assert split_question("本科生申请公积金贷款，额度能上浮多少？博士呢？") == [
        "本科生申请公积金贷款，额度能上浮多少",
        "博士额度能上浮多少",
    ]


def test_a_bare_day_is_a_date_quoted_with_its_wire_dateline() -> None:
    text = (
        "新华社清河6月12日电 (记者 张明) 《清河县科技成果转化十条》11日在县城发布,"
        "从资金、人才、场地等方面支持高校院所的科技成果在本地转化落地。"
    )
    answer = read("《清河县科技成果转化十条》是哪天发布的", text, "科技成果转化十条发布")
    assert "6月12日电" in answer and "11日在县城发布" in answer


def test_a_time_limit_in_days_is_no_bare_day() -> None:
    from assistant.answer.values import holds_value

    assert holds_value("date", "材料齐全的,于15日在县政务中心办理")
    assert not holds_value("date", "材料齐全的,自受理之日起15日内办结")


def test_a_later_part_is_answered_beside_the_earlier_answer() -> None:
    text = (
        "截至2025年9月末,清河县工业企业中长期贷款余额80亿元,同比增长12.5%,连续3年保持10%以上的增速;"
        "清河县科技型企业贷款余额9.6亿元,同比增长31.2%,连续3年保持30%以上的增速;"
        "清河县涉农贷款余额45亿元,同比增长8.1%,连续3年保持8%以上的增速。"
    )
    answer = read("截至2025年9月末，清河县科技型企业贷款余额是多少？同比增长多少？", text, "金融支持科技创新")
    assert "9.6亿元" in answer and "31.2%" in answer
    assert "12.5%" not in answer


def test_a_share_of_another_whole_is_no_answer() -> None:
    from assistant.answer.eligibility import share_conflict

    sent = "清河县基础研究经费支出1.2亿元,占研发经费比重为7.5%。"
    assert share_conflict("清河县基础研究经费占GDP的比重是多少", sent)
    assert not share_conflict("清河县基础研究经费占研发经费的比重是多少", sent)
    assert not share_conflict("清河县基础研究经费是多少", sent)
    assert "现有文件中没有找到" in read("清河县基础研究经费占GDP的比重是多少？", sent, "研发投入统计")


def test_a_date_of_another_event_is_no_answer_to_when() -> None:
    text = "《清河县科技项目管理办法》于2025年3月2日印发。该办法自2025年5月1日起施行,有效期五年。"
    answer = read("《清河县科技项目管理办法》什么时候起施行？", text, "科技项目管理办法")
    assert "2025年5月1日" in answer and "3月2日" not in answer
    # passages that never name the asked event leave the date sentence be (it may be said in other words)
    assert "3月2日" in read("《清河县科技项目管理办法》什么时候出台的？", text.split("。")[0] + "。", "办法")


def test_a_count_in_its_own_counter_is_not_money() -> None:
    info = analyse("《清河县科技贷款管理办法》一共分几章几条？")
    assert info.unit == "" and info.counter == "条"  # 贷款 in the title does not make it a money question
    answer = read("《清河县科技贷款管理办法》一共分几章几条？", "《办法》分为五章、三十三条。", "科技贷款管理办法")
    assert "五章" in answer
    # 一个 (the numeral 一个月's) counts nothing: the noun before the count word is the measure
    assert analyse("清河县给人才的租房补贴一个月大概多少钱").measure == "租房补贴"


def test_a_duration_in_working_days_is_a_value() -> None:
    text = "县科技局于受理申请材料之日起,5个工作日内随机抽取服务对象进行调查核实,并将结果在县政府网站公示。"
    assert "5个工作日" in read("清河县科技局受理申请后多少天内抽查核实？", text, "补助办法")


def test_a_place_opening_a_firm_name_in_a_list_is_not_the_subject() -> None:
    from assistant.scope import subject_places

    assert subject_places("4月18日,签约浙江星煜机电、华润电力、青岛纳辉等四家企业") == []
    assert [p.short for p in subject_places("赴成都、武汉、青岛等地考察")] == ["成都", "武汉", "青岛"]


def test_a_question_about_a_district_is_not_answered_for_its_city() -> None:
    from assistant.answer import ExtractiveAnswerer

    text = "市政府发布重大功能性事项名单,今年共导入30个重大功能性事项,涵盖科技创新、公共服务等领域。"
    city = [passage(text, title="重大功能性事项发布", region="上海")]
    assert "30个" in ExtractiveAnswerer()("上海今年导入的重大功能性事项有几项？", city).answer
    assert "没有找到" in ExtractiveAnswerer()("上海松江今年导入的重大功能性事项有几项？", city).answer


def test_an_aside_in_brackets_does_not_cut_the_clause_of_a_figure() -> None:
    from assistant.answer.values import FLOW

    text = "下一步,清河县科技服务平台还将实现与全县84个村(社区、园区)科技特派员服务站点的精准对接,让服务更加方便快捷。"
    assert "84个" in read(
        "清河县科技服务平台下一步要与多少个村（社区、园区）的科技特派员服务站点精准对接？", text, "科技服务"
    )
    assert not FLOW.search("围绕科技创新建立指标体系") and FLOW.search("新建孵化器3家")  # 创新建立 is no 新建


def test_a_later_clause_takes_the_subject_without_its_verb() -> None:
    from assistant.answer.parts import split_clauses

    assert split_clauses("截至2月16日清河县发了几台次返岗包车，一共运送多少人？") == [
        "截至2月16日清河县发了几台次返岗包车",
        "截至2月16日清河县一共运送多少人",
    ]


def test_a_long_sentence_is_cut_to_the_figure_in_the_asked_counter() -> None:
    text = (
        "清河县返岗包车恢复运转 原标题:清河县返岗包车恢复运转 严格落实防控措施 清河日报讯 (记者 王明)3月2日,"
        "来自县交通局消息称,截至3月2日,我县共发送返岗务工人员省际包车5台次,分别为从城关发往广东佛山、"
        "从河口发往江苏苏州、从城关发往浙江宁波,共运送返岗务工人员132人。"
    )
    answer = read("截至3月2日清河县发了几台次返岗务工人员省际包车？", text, "返岗包车")
    assert "5台次" in answer  # not only the clause of 132人: a figure in another counter counts something else


def test_a_running_total_is_no_answer_to_what_one_year_added() -> None:
    from assistant.answer.eligibility import stock_flow_conflict, vetoed
    from assistant.answer.scoring import Candidate

    total = "清河县鹰眼科技、清源医疗等4家企业的5个三类创新医疗器械产品已获批上市。"
    asked = analyse("清河县2025年新获批上市的三类创新医疗器械有几个？")
    assert stock_flow_conflict(asked, total)
    assert not stock_flow_conflict(asked, "2025年,清河县新获批三类创新医疗器械2个。")
    assert not stock_flow_conflict(analyse("清河县已获批上市的三类创新医疗器械有几个？"), total)
    # the veto holds for the learned scorer's fallback as well as for the rules
    assert vetoed(asked, Candidate(0, 0, len(total), total, 1.0, 1.0, True), "number")
    assert "没有找到" in read("清河县2025年新获批上市的三类创新医疗器械有几个？", total, "医疗器械产业")


def test_a_later_part_naming_little_is_read_after_the_earlier_answer() -> None:
    text = (
        "为进一步提升政务服务便利度,按照全县数字政府建设统一部署,清河县政务服务中心充分发挥大数据和网上政务服务能力优势,"
        "依托清河通APP,于3月8日上线了“清河码”服务,更好方便群众在节假日期间办理各类事项。"
        "全县另有12个乡镇便民服务站,依托县政务网运行。"
    )
    answer = read("清河县“清河码”哪天上线的？依托哪个APP？", text, "清河县上线清河码")
    # one quote for both parts, from the sentence that answers the first: the APP, not the 政务网 after it
    assert "3月8日" in answer and "清河通APP" in answer and answer.count("[1]") == 1
    assert "政务网" not in answer
    # the later part alone names too little to be answered from anywhere in the passages
    assert "现有文件中没有找到" in read("依托哪个网站？", text, "清河县上线清河码")


def test_ascii_terms_match_in_any_case() -> None:
    from assistant.answer.scoring import term_match

    assert term_match("app", "依托清河通APP上线") == 1.0
    assert term_match("gdp", "全县GDP增长6%") == 1.0
    assert term_match("app", "依托清河通小程序上线") == 0.0


def test_a_figure_of_the_year_before_it_is_in_time_beside_another_year() -> None:
    text = "清河县持续优化人才服务,高校毕业生留县率已从2023年的18.6%提升至2024年的21.4%。"
    for asked in ("2024年", "2023年", "24年"):
        answer = read(f"清河县{asked}高校毕业生留县率是多少？", text, "清河县人才工作")
        assert "21.4%" in answer and "18.6%" in answer
    assert "现有文件中没有找到" in read("清河县2022年高校毕业生留县率是多少？", text, "清河县人才工作")
    # a figure after a verb may be measured against the year before it: no figure of that year
    compared = "2024年,清河县技术合同成交额9.8亿元,比2023年增长12%。"
    assert "现有文件中没有找到" in read("清河县2023年技术合同成交额是多少？", compared, "清河县科技工作")


def test_a_round_magnitude_in_words_is_a_figure() -> None:
    from assistant.answer.values import holds_value

    assert holds_value("number", "清河县电子信息产业规模近千亿")
    assert holds_value("number", "总投资超百亿元")
    assert not holds_value("number", "千万不要错过申报时间")
    assert not holds_value("number", "清河县入选全国百强县")


def test_how_big_asks_an_area_only_of_land() -> None:
    assert analyse("清河县电子信息产业规模有多大").unit == ""
    assert "平方米" in analyse("清河科创园占地有多大").unit
    assert "平方米" in analyse("清河科创园面积多大").unit


def test_a_clause_may_be_answered_in_a_sibling_clause_answer_sentence() -> None:
    text = (
        "清河大学与县政府共建的绿色产业创新研究院位于清河县城东新区,主要开展新材料和节能环保技术研发。"
        "2021年成立以来,累计成果转化31项;引进培养各类人才120余名;培育孵化企业27家,新增营业收入3.15亿元。"
    )
    answer = read("清河大学绿色产业创新研究院孵化了多少家企业，新增营收多少？", text, "产学研合作")
    assert "27家" in answer and "3.15亿元" in answer


def test_a_venue_in_the_sentence_before_is_not_what_a_sentence_is_about() -> None:
    from assistant.answer import ExtractiveAnswerer

    text = "2025重大项目发布活动今天在松江广富林文化中心举办。市领导发布40个重大项目名单,覆盖五个新城。"
    p = passage(text, title="2025重大项目发布活动举办", region="上海")
    read_ = ExtractiveAnswerer()
    assert "40个" in read_("2025年上海发布了多少个重大项目？", [p]).answer
    assert "现有文件中没有找到" in read_("2025年上海松江发布了多少个重大项目？", [p]).answer


def test_a_year_compared_with_is_not_the_year_asked() -> None:
    from assistant.retrieve import parse_filters
    from assistant.timeref import question_time

    assert parse_filters("清河县2024年技术合同成交额比2023年增长了多少").years == ("2024",)
    assert parse_filters("清河县引进大学生人数比2023年增长了多少").years == ()
    assert question_time("清河县2024年成交额比2023年增长了多少", "2025-01-01").year == 2024


def test_the_part_of_the_year_named_first_is_the_sentence_s_own() -> None:
    from assistant.timeref import resolve

    assert resolve("今年上半年,全县生产总值同比增长6.1%,高于一季度1.2个百分点", "2025-07-20").months == (1, 6)
    assert resolve("1至9月全县完成投资", "2025-10-20").months == (1, 9)
    assert resolve("2025年度上半年", "").months == (1, 6)  # 年度 only when no part of the year is named


def test_gazetteer_knows_prefectures_by_their_short_name_and_no_catch_all() -> None:
    from assistant.gazetteer import gazetteer

    g = gazetteer()
    assert [m.places[0].uid for m in g.mentions("恩施州科技局")] == ["湖北省/恩施土家族苗族自治州"]
    assert not g.mentions("国外部分要走访17个国家", lenient=True)


def test_what_unit_a_count_asks() -> None:
    assert analyse("清河县每年设多少人才发展专项资金？").unit != "人|名|位"
    assert analyse("清河县引进了多少人才？").unit == "人|名|位"
    assert analyse("清河县高企营业收入同比增长多少？").unit == "%"


def test_a_counter_the_question_names_needs_a_figure_in_it() -> None:
    text = "清河县建立起一套人才评价机制,今年新增人才公寓300套,发放补贴520万元。"
    assert "300套" in read("清河县今年新增了多少套人才公寓？", text, "清河县人才工作")
    only_article = "清河县建立起一套人才评价机制,发放补贴520万元。"  # 一套 is an article, 520万元 another counter
    assert "现有文件中没有找到" in read("清河县今年新增了多少套人才公寓？", only_article, "清河县人才工作")


def test_two_measures_asked_each_are_read_one_by_one() -> None:
    from assistant.answer.parts import split_clauses

    assert split_clauses("2025年上半年清河县生产总值和一般公共预算收入同比各增长多少？") == [
        "2025年上半年清河县生产总值同比增长多少",
        "2025年上半年清河一般公共预算收入同比增长多少",
    ]
    text = (
        "今年上半年,清河县经济运行稳中向好,生产总值同比增长6.1%,高于一季度1.2个百分点;"
        "一般公共预算收入同比增长9.3%,居民人均可支配收入同比增长5.2%。"
    )
    answer = read("2025年上半年清河县生产总值和一般公共预算收入同比各增长多少？", text, "清河县上半年经济运行")
    assert "6.1%" in answer and "9.3%" in answer


def test_how_many_times_asks_a_multiple() -> None:
    info = analyse("清河县植保无人机的喷药效率是人工的几倍？")
    assert info.kind == "number" and info.unit == "倍"


def test_another_thing_of_the_asked_kind_is_no_answer() -> None:
    from assistant.answer.eligibility import contrast_term

    question = "清河县支持县师范大学开展成果转化试点，累计实现技术交易多少？"
    info = analyse(question)
    sent = "其中,支持县理工大学开展成果转化试点改革,累计实现技术交易3.2亿元。"
    assert contrast_term(info, sent) == "理工大学"
    assert not contrast_term(info, sent.replace("理工大学", "师范大学"))
    assert not contrast_term(info, sent, context="县师范大学成果转化")  # the asked one named by its context
    assert "现有文件中没有找到" in read(question, sent, "成果转化")
    assert "3.2亿元" in read(question.replace("师范", "理工"), sent, "成果转化")


def test_a_later_part_naming_nothing_of_its_own_asks_about_the_earlier_subject() -> None:
    text = (
        "目前,清河县生物医药产业规模320亿元,位居全市第二。"
        "全县去年新认定高新技术企业41家。"
        "力争到2027年,实现生物医药产业规模突破600亿元。"
    )
    answer = read("清河县生物医药产业规模目前多少？到2027年的目标是多少？", text, "清河县生物医药产业")
    assert "320亿元" in answer and "600亿元" in answer


def test_an_enumeration_of_items_with_a_counter_and_its_noun() -> None:
    from assistant.answer.values import ordinal_items_in

    assert ordinal_items_in("一类是评估企业的研发能力,第二类是评估企业的成长潜力。") == (2, "类")
    assert ordinal_items_in("第一道关口是入县检测;第二道关口是网格排查。") == (2, "道关口")
    assert ordinal_items_in("一是加强排查。二是集中隔离。")[0] == 2
    assert ordinal_items_in("这一项目是全县重点。") == (0, "")
    assert analyse("清河县科技积分的12项指标分成哪两类？").kind == "list"
    announced = (
        "清河县科技积分制围绕创新建立指标体系,一共12项核心指标,分两类。"
        "县科技局局长 周明远:一类是评估企业的研发能力,第二类是评估企业的成长潜力。"
    )
    answer = read("清河县科技积分制的12项核心指标分成哪两类？", announced, "清河县科技积分制")
    assert "研发能力" in answer and "成长潜力" in answer


def test_items_in_the_answer_sentence_are_followed_by_the_rest_of_that_enumeration_only() -> None:
    text = (
        "目前清河县设立三道关口全力防范输入,第一道关口是在高速路口对来县人员检测体温;第二道关口是社区网格化管理。"
        "全县共排查5.2万人次;第三道关口是医院发热门诊,全县共设立12个发热门诊。"
        "县里还新增三项措施。一是完成全部排查;二是确诊病例集中收治;三是密切接触者集中观察;四是加快核酸检测。"
    )
    answer = read("清河县防范输入设立的三道关口分别是什么？", text, "清河县疫情防控")
    assert "检测体温" in answer and "网格化" in answer and "发热门诊" in answer
    assert "核酸检测" not in answer  # the 四是 of the next enumeration is not a fourth 关口


def test_another_edition_of_the_asked_thing_is_no_answer() -> None:
    from assistant.answer.eligibility import edition_conflict

    assert edition_conflict("第一期清河论坛是什么主题？", "这一期论坛以科技创新为主题。", "第二期清河论坛举行")
    assert not edition_conflict("第二期清河论坛是什么主题？", "这一期论坛以科技创新为主题。", "第二期清河论坛举行")
    assert not edition_conflict("第一期清河论坛是什么主题？", "第二批项目签约。", "")  # another kind of edition
    text = "第二期清河论坛今天举行。这一期论坛以“科技支撑乡村振兴”为主题,吸引200余名专家参加。"
    assert "乡村振兴" in read("第二期清河论坛是什么主题？", text, "第二期清河论坛举行")
    assert "现有文件中没有找到" in read("第一期清河论坛是什么主题？", text, "第二期清河论坛举行")


def test_a_running_total_up_to_a_day_does_not_answer_a_whole_month() -> None:
    from assistant.answer.eligibility import partial_period

    text = "截至2月16日,清河县通过包车共运送返岗务工人员760人。"
    assert partial_period("清河县2月全月包车共运送返岗务工人员多少人？", text)
    assert not partial_period("截至2月16日清河县包车共运送返岗务工人员多少人？", text)
    assert not partial_period("清河县全年共运送多少人？", "截至12月31日,全县共运送2.1万人。")
    assert "现有文件中没有找到" in read("清河县2月全月包车共运送返岗务工人员多少人？", text, "清河县包车")
    assert "760人" in read("截至2月16日清河县包车共运送返岗务工人员多少人？", text, "清河县包车")


def test_which_city_with_a_modifier_asks_a_place_and_keeps_its_clause() -> None:
    assert analyse("西部哪个老工业城市把城市更新和海绵城市建设协同推进？").kind == "place"
    assert analyse("哪个市场主体获得了奖励？").kind != "place"  # 市场 is no 市
    text = (
        "多地积极探索城市更新路径,其中西部老工业城市四川省攀枝花市则将城市更新与海绵城市建设协同推进,"
        "依托钢铁产业优势,出台海绵产业发展规划,推广优质海绵企业,解决了弄弄坪等老工业片区的治理难题。"
    )
    answer = read("西部哪个老工业城市把城市更新和海绵城市建设协同推进，解决了弄弄坪片区治理难题？", text, "城市更新")
    assert "攀枝花" in answer


def test_a_query_ending_with_a_noun_of_quantity_asks_a_figure() -> None:
    assert analyse("2024年清河县新能源汽车交付量").kind == "number"
    assert analyse("清河县2024年人口出生率？").kind == "number"
    assert analyse("清河县2024年全年营收").kind == "number"
    assert analyse("清河县科技特派员制度").kind == "fact"  # no quantity named
    text = "2024年,清河县新能源汽车产业加快发展,全年交付量达到3.2万辆,同比增长18%。"
    assert "3.2万辆" in read("2024年清河县新能源汽车交付量", text, "清河县新能源汽车")


def test_a_query_naming_a_quantity_counts_that_noun() -> None:
    # the noun that ends the query is the measure: a sentence about another quantity does not answer it
    assert analyse("2024年清河县新能源汽车交付量").measure.endswith("交付")
    assert analyse("清河县2024年人口出生率").unit.startswith("%")  # a rate is answered by a percentage or ‰
    text = "2024年,清河县新能源汽车产业加快发展,全年产量达到3.2万辆,新建充电桩1200个。"
    assert read("2024年清河县新能源汽车交付量", text, "清河县新能源汽车") == REFUSAL
    births = "2024年清河县出生人口4120人,人口出生率为6.85‰,比上年下降0.3个千分点。"
    assert "6.85‰" in read("清河县2024年人口出生率", births, "清河县人口")
    assert read("清河县2024年人口出生率", "2024年清河县出生人口4120人,死亡人口3980人。", "清河县人口") == REFUSAL


def test_a_who_question_is_answered_by_a_name_beside_the_asked_role() -> None:
    # no title word beside the name ("局长李明"): jieba's tagger finds it, next to the role the question asks about
    text = "清河县科技馆新馆于5月开馆。新馆展陈设计由知名策展人、总设计师韩寒担任,共设六个展区。"
    assert "韩寒" in read("清河县科技馆新馆的总设计师是谁", text, "清河县科技馆")
    other = "清河县科技馆新馆于5月开馆。韩寒等市民代表参观了新馆,共设六个展区。"
    assert read("清河县科技馆新馆的总设计师是谁", other, "清河县科技馆") == REFUSAL


def test_a_figure_is_dated_by_the_year_stated_before_it() -> None:
    text = "据清河县2024年统计年鉴,2023年清河县技术合同成交额为8.6亿元,居全市第三。"
    assert read("2024年清河县技术合同成交额是多少", text, "清河县科技统计") == REFUSAL
    grown = "2024年,清河县技术合同成交额达到9.8亿元,比2023年增长14%。"
    assert "9.8亿元" in read("2024年清河县技术合同成交额是多少", grown, "清河县科技统计")
    since = "2024年,清河县自2019年以来累计登记技术合同成交额31.5亿元。"
    assert "31.5亿元" in read("2024年清河县累计技术合同成交额是多少", since, "清河县科技统计")


def test_a_question_in_the_text_states_nothing() -> None:
    text = "清河县科技馆新馆开馆。新馆一年能接待30万名参观者吗？馆方没有公布。"
    assert read("清河县科技馆新馆一年接待多少参观者", text, "清河县科技馆") == REFUSAL


def test_a_whole_year_is_not_answered_by_a_quarter_or_an_amount_by_a_share() -> None:
    quarter = "清河县智能装备公司第四季度营收为2.4亿元,同比增长12%。"
    assert read("2024年清河县智能装备公司全年营收", quarter, "清河县智能装备公司2024年") == REFUSAL
    share = "2024年,清河县智能装备公司在省内市场的销量已占其全部销量的近34%。"
    assert read("2024年清河县智能装备公司销量", share, "清河县智能装备公司") == REFUSAL
    rate = "2024年,清河县智能装备公司销量同比增长34%。"
    assert "34%" in read("2024年清河县智能装备公司销量增长了多少", rate, "清河县智能装备公司")


def test_a_short_question_needs_more_of_its_words_covered() -> None:
    from assistant.answer import Candidate, ExtractiveAnswerer
    from assistant.answer.question import content_words

    words = content_words(analyse("伊丽莎白二世去世时间"))
    assert "伊丽莎白" in words and "丽莎" not in words  # a term inside a longer one is no word of its own
    reader = ExtractiveAnswerer()
    sent = "清河县科技局组织专家评审,共有18家企业通过认定。"
    c = Candidate(0, 0, len(sent), sent, 0.7, 0.7, True)  # 70 % of the question's weight covered
    short = analyse("清河县认定企业数量")  # three words or fewer: one missed is an entity missed
    long = analyse("清河县科技局今年组织专家评审后认定的企业一共有多少家")
    assert len(content_words(short)) <= 3 < len(content_words(long))
    assert not reader.supported(short, c, "number")
    assert reader.supported(long, c, "number")


def test_a_place_opening_an_institution_s_name_is_not_the_place_asked() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.retrieve import parse_filters

    assert parse_filters("西安大学青禾团队的灌溉机器人节水多少？").places == ()  # the university, not the city
    assert parse_filters("西安交通大学在宝鸡建了什么").places == ("宝鸡",)
    assert parse_filters("2025年西安新增多少家高企").places == ("西安",)
    text = "青禾团队自主研发的灌溉机器人已交由陕西和甘肃2省的9个合作社使用,节水率达到40%。"
    answer = ExtractiveAnswerer()(
        "西安大学青禾团队的灌溉机器人节水率是多少？", [passage(text, title="助力乡村")]
    ).answer
    assert "40%" in answer


def test_a_figure_in_the_asked_counter_is_an_amount_beside_percentages() -> None:
    from assistant.answer.eligibility import ratio_for_amount

    text = "截至3月1日,清河县已有326户规模以上工业企业恢复开工,复工率达到61.5%,达到往年同期水平的70.2%。"
    assert not ratio_for_amount(analyse("清河县有多少户规模以上工业企业恢复开工？"), text)
    assert ratio_for_amount(analyse("清河县规模以上工业企业营收多少？"), "复工率达到61.5%,达到往年同期水平的70.2%。")
    assert "326户" in read("清河县有多少户规模以上工业企业恢复开工？", text, "复工复产")


def test_same_day_takes_the_date_of_the_sentence_before() -> None:
    text = (
        "清河县:公交实名制让防控可追溯 3月5日,清河县汽车站的工作人员为乘客测量体温。\n"
        "当日,清河县公共交通工具正式启用乘客出行实名登记系统。"
    )
    answer = read("清河县何时启用乘客出行实名登记系统？", text, "公交实名制")
    assert "3月5日" in answer and "正式启用" in answer


def test_a_sentence_that_only_announces_its_content_is_quoted_with_what_follows() -> None:
    text = "清河县税务局推出三项便民举措。\n（三）纳税人涉税问题咨询方式\n拨打12366纳税服务热线,或登录电子税务局留言。"
    answer = read("清河县纳税人如何咨询涉税问题？", text, "便民举措")
    assert "12366" in answer
    long = "清河县纳税人咨询涉税问题可以通过电子税务局的在线咨询栏目提交,税务人员将在两个工作日内答复。另附办税指南。"
    assert "另附" not in read("清河县纳税人如何咨询涉税问题？", long, "便民举措")  # a whole answer stays as it is


def test_a_list_heading_without_items_is_quoted_with_what_follows() -> None:
    text = "清河县出台稳岗措施。\n（二）企业稳岗的支持措施\n返还失业保险费,发放以工代训补贴和一次性吸纳就业补贴。"
    answer = read("清河县企业稳岗的支持措施有哪些？", text, "稳岗")
    assert "以工代训" in answer


def test_an_answer_opening_a_section_is_quoted_with_the_section_body() -> None:
    text = (
        "清河县商务局关于做好对外工程疫情防控的通知 各有关企业: 一、加强项目现场管理 企业应建立应急预案。"
        "二、做好外派人员健康报告工作 组织做好外派人员日报工作,坚持“零报告”制度。出现症状的,第一时间报告当地医疗机构。"
        "报告由企业负责人签字。三、评估履约风险 企业要梳理在建项目。"
    )
    answer = read("清河县如何做好外派人员健康报告工作？", text, "对外工程疫情防控")
    assert "零报告" in answer and "负责人签字" in answer  # the whole section, not its first sentence or two
    assert "评估履约风险" not in answer  # and not the next one


def test_a_section_ends_at_its_next_heading_or_an_outer_one() -> None:
    from assistant.answer.extractive import numeral, section_end

    text = "（二）加强产销对接。一是搞好营销。建立协调机制。二是搭建平台。解决销路难题。三、其他事项 另行通知。"
    assert text[: section_end(text, 0)] == text[: text.index("三、")]
    numbered = "9.做好消毒。每日两次。10.做好登记。进出登记。"
    assert numbered[: section_end(numbered, 0)] == "9.做好消毒。每日两次。"
    assert section_end("做好消毒。", 0) is None  # no heading opens there
    assert (numeral("十二"), numeral("二十"), numeral("二十一"), numeral("7")) == (12, 20, 21, 7)


def test_a_when_question_asks_about_its_event_not_its_time_word() -> None:
    from assistant.answer.eligibility import focus_elsewhere

    info = analyse("清河县什么时间开始实行网上查询服务？")
    assert "时间" not in info.focus and "实行" in info.focus
    sent = "经研究决定:2020年2月3日起暂停现场查询服务,改为网上查询。"
    c = Candidate(0, 0, len(sent), sent, 1.0, 1.0, True)
    other = passage("清河县政务大厅自即日起实行预约办理。", doc="d2")
    assert not focus_elsewhere(info, "date", c, [passage(sent), other])  # another document's 实行 is its own
    same = passage(sent + "新办法自3月1日起实行。")
    assert focus_elsewhere(info, "date", c, [same])  # this document dates 实行 elsewhere: 2月3日 is another event


def test_a_phone_number_or_address_asked_is_a_value_of_its_own() -> None:
    assert analyse("清河县政务服务热线是多少？").kind == "contact"
    assert analyse("清河县居民如何电话举报违规聚集？").kind == "contact"
    assert analyse("清河县电子税务局网址是多少？").kind == "contact"
    assert analyse("什么时候开通了热线").kind == "date"  # the day it opened is asked
    assert analyse("专线电话为哪些车辆提供帮助").kind != "contact"  # the vehicles are asked
    assert holds_value("contact", "举报电话:0523-86222616、12345。")
    assert holds_value("contact", "可拨打12366纳税服务热线,或登录https://etax.qinghe.gov.cn办理。")
    assert not holds_value("contact", "全县技术合同成交额15912960元,同比增长12.5%。")  # figures, not numbers to call
    text = (
        "清河县疫情防控指挥部发布通告。若有关于政务服务的任何事项,可拨打县审批服务热线(86512345)咨询。"
        "县政务服务中心已开通线上办理渠道,办理事项共计312项。"
    )
    answer = read("清河县审批服务热线是多少？", text, "疫情防控通告")
    assert "86512345" in answer


def test_a_noun_of_quantity_before_de_is_not_what_is_counted() -> None:
    assert analyse("清河县预拨多少额度的医保基金？").measure == "医保基金"
    text = "清河县医保局召开发布会。目前,县医保部门已预拨医保基金6900万元,保障定点医院救治。"
    assert "6900万元" in read("清河县预拨多少额度的医保基金？", text, "医保")


def test_a_how_answer_goes_on_with_the_sentences_that_continue_it() -> None:
    text = (
        "清河县市场监管局加强疫情期间市场监管。对正常营业的食品经营店及药店,督促严格落实戴口罩、测体温、场所消杀等"
        "防控要求,对不符合防控要求的一律责令关停。"
        "同时,每天组织执法人员进行市场巡查,发现问题立即整改。县局还将开展满意度回访。"
    )
    answer = read("清河县如何强化食品经营店及药店的疫情防控监管？", text, "市场监管")
    assert "每天组织执法人员进行市场巡查" in answer  # "同时,…" goes on with the answer
    assert "满意度回访" not in answer  # a sentence that starts something else does not


def test_written_question_words_are_not_terms() -> None:
    assert "有何" not in analyse("清河县对坚持在岗的员工有何补助？").terms
    assert "何种" not in analyse("清河县采用何种方式发放补贴？").terms
    text = "清河县出台稳岗措施。对坚持在生产一线工作的职工,给予每人每天100元的生活补助,补助期限为30天。"
    assert "100元" in read("清河县对坚持在生产一线工作的职工有何补助？", text, "稳岗")


def test_the_verb_asking_for_measures_is_not_a_term() -> None:
    assert "采取" not in analyse("清河县交通运输局采取了哪些措施？").terms
    assert "出台" not in analyse("清河县在延期缴纳税费方面出台了什么政策？").terms
    assert "出台" in analyse("清河县什么时候出台的稳岗文件").terms  # a verb not asking for measures stays


def test_a_headline_and_lead_are_quoted_with_the_content_that_follows() -> None:
    from assistant.answer.extractive import with_what_follows

    title = "清河县:加强疫情医疗废物管理"
    head = f"{title} 2月13日,清河县疫情防控工作领导小组办公室下发紧急通知,对加强疫情医疗废物管理提出要求。"
    text = head + "处置单位要增加收集频次、专车专线运输,确保24小时内规范转运。"
    info = analyse("清河县如何加强疫情医疗废物管理？")
    ((pi, a, b, _),) = with_what_follows(info, [passage(text, title=title)], [(0, 0, len(head), "")])
    assert "24小时内" in text[a:b]  # the headline and lead say what the item is about; the content follows
    body = "处置单位要增加收集频次、专车专线运输,确保医疗废物24小时内规范转运,县生态环境局每日督查处置情况。"
    other = passage(body + "县卫健委同步开展院感防控培训。", title=title)
    assert with_what_follows(info, [other], [(0, 0, len(body), "")]) == [(0, 0, len(body), "")]  # a whole one stays


def test_a_how_answer_goes_on_with_the_next_sentence_about_what_is_asked() -> None:
    from assistant.answer.extractive import with_continuation

    info = analyse("清河县对住宅小区如何管理？")
    first = "县指挥部决定自即日起在全县范围内所有住宅小区实行封闭管理。"
    text = first + "对确诊患者所在楼栋单元严格进行封控管理。县医保局发布门诊报销新规。"
    ((_, a, b, _),) = with_continuation(info, [passage(text)], [(0, 0, len(first), "")])
    assert "楼栋单元" in text[a:b] and "门诊报销" not in text[a:b]  # the next sentence on 管理 goes on with it


def test_the_next_item_number_starts_a_sentence_and_is_not_a_closing_parenthesis() -> None:
    from assistant.answer.values import SENTENCE

    text = "采取以下措施:(1)设立隔离点。(2)关闭集市。(3)暂停聚餐。记者到场。(县融媒体中心 李四)"
    assert SENTENCE.findall(text) == [
        "采取以下措施:(1)设立隔离点。",
        "(2)关闭集市。",
        "(3)暂停聚餐。",
        "记者到场。(县融媒体中心 李四)",  # a parenthesis after the end that is no item number stays with it
    ]


def test_a_list_opened_in_the_answer_is_quoted_with_its_next_items() -> None:
    from assistant.answer.extractive import next_item

    text = (
        "清河县疫情防控指挥部要求各乡镇采取以下措施:(1)设立村口检查点。(2)关闭农村集市,暂停庙会等聚集活动。"
        "(3)暂停农村聚餐。另据了解,县医院已增设发热门诊。"
    )
    answer = read("清河县要求各乡镇采取哪些措施？", text, "疫情防控")
    assert "关闭农村集市" in answer and "暂停农村聚餐" in answer
    assert "发热门诊" not in answer  # the list ends at its last item
    assert next_item("主要包括:(1)设立检查点。", "(2)关闭集市。")
    assert not next_item("主要包括:(1)设立检查点。", "(3)关闭集市。")  # not the next number
    assert not next_item("主要包括:(1)设立检查点。", "2.关闭集市。")  # another numbering style
    assert not next_item("四是减轻企业负担。提出5项举措。", "五是加强综合保障。")  # items that are headings


def test_a_quoted_sentence_keeps_its_closing_quote_and_takes_one_citation() -> None:
    from assistant.answer.compose import compose
    from assistant.cite import split_answer
    from assistant.ui.kbs import stream_pieces

    text = "清河县税务局局长表示:“申报期限延长至2月24日,仍有困难的可申请延期。”该局同时开通了线上咨询。"
    quote_end = text.index("”") + 1
    answer = compose("申报期限延长到哪天？", [passage(text)], [(0, text.index("“"), quote_end, "")], "extractive")
    assert answer.answer == "“申报期限延长至2月24日,仍有困难的可申请延期。”[1]"  # not "…延期[1]。”[1]。"
    two = "“延长至2月24日。”[1]他说。[1]"
    assert split_answer(two) == ["“延长至2月24日。”[1]", "他说。[1]"]
    assert list(stream_pieces(two)) == ["“延长至2月24日。”[1]", "他说。[1]"]


def test_a_figure_of_a_sibling_kind_is_no_answer() -> None:
    from assistant.answer.eligibility import sibling_modifier

    question = "清河县上半年外贸出口总额同比增长了多少？"
    info = analyse(question)
    sent = "为推动通关提速,清河县上半年外贸进口总额同比增长12.5%。"
    assert sibling_modifier(info, sent) == "进口"  # 进口总额 stands where 出口总额 is asked
    assert "现有文件中没有找到" in read(question, sent, "外贸")
    assert "12.5%" in read(question.replace("出口", "进口"), sent, "外贸")
    both = "清河县上半年外贸出口总额同比增长8.1%,外贸进口总额同比增长12.5%。"
    assert not sibling_modifier(info, both)  # the asked pair is named too
    assert "8.1%" in read(question, both, "外贸")
    verb = "清河县促进文旅消费券发放金额同比增长12.5%。"  # a verb before a head noun is no sibling modifier
    assert not sibling_modifier(analyse("清河县促进文旅的消费券发放金额同比增长多少？"), verb)
    # the asked pair with 的 between is named: "出口的总额" beside "进口总额" is no conflict
    with_de = "清河县上半年外贸出口的总额为8.1亿元,外贸进口总额为12.5亿元。"
    assert not sibling_modifier(analyse("清河县上半年外贸出口总额是多少？"), with_de)
    assert "8.1亿元" in read("清河县上半年外贸出口总额是多少？", with_de, "外贸")


def test_how_many_days_asks_a_count_whatever_office_the_question_names() -> None:
    question = "清河县要求企业复工前提前几天向县应急管理部门报备？"
    assert analyse(question).kind == "number"  # not "fact" for the 部门 it names
    assert analyse("近几年来清河县如何推进科技创新？").kind != "number"  # "近几年" asks no count
    text = "清河县要求企业提前部署复工安全工作,向县应急管理部门报备复工方案。企业应在复工前3天向县应急管理部门报备。"
    answer = read(question, text.split("。")[0] + "。", "复工")
    assert "现有文件中没有找到" in answer  # a sentence without a count of days does not answer
    assert "3天" in read(question, text, "复工")


def test_a_figure_about_this_forum_counts_the_sentence_naming_the_forum() -> None:
    from assistant.answer.scoring import value_clause_cover

    question = "第三届清河青年创新论坛大约有多少人参加？"
    sent = "该论坛由县科协主办,来自全县高校、企业、科研院所等的青年科技人才约150人参加。"
    text = "昨天,第三届清河青年创新论坛在县城举办。" + sent
    info = analyse(question)
    named = "昨天,第三届清河青年创新论坛在县城举办。"
    assert value_clause_cover(info, sent, named) > value_clause_cover(info, sent)
    assert "150人" in read(question, text, "青年创新论坛")
    other = "昨天,清河县科技成果展在县城举办。该展会由县科协主办,来自全县高校、企业等的青年科技人才约150人参加。"
    assert "150人" not in read(question, other, "科技成果展")  # "该展会" is another event


def test_a_figure_is_about_what_the_short_sentence_heading_it_names() -> None:
    from assistant.answer.extractive import inline_heading

    question = "清河县受疫情影响的农户小额信贷可以延期多久？"
    text = (
        "清河县出台支持农户八条措施。实行小额信贷延期还款。对受疫情影响不能按期还款的农户,延长还款期限,"
        "延期时间不超过6个月。"
    )
    assert inline_heading("实行小额信贷延期还款。")
    assert not inline_heading("对受疫情影响不能按期还款的农户,延长还款期限。")  # a clause of its own: no heading
    assert not inline_heading("新增贷款3亿元。")  # a figure: no heading
    assert "6个月" in read(question, text, "八条措施")
    other = text.replace("实行小额信贷延期还款。", "实行创业担保贷款延期还款。")
    assert "6个月" not in read(question, other, "八条措施")  # heading another loan


def test_a_section_going_on_past_its_chunk_is_quoted_from_the_document_text() -> None:
    from assistant.answer import ExtractiveAnswerer

    doc = (
        "清河县人民政府关于支持中小企业的若干措施 各乡镇人民政府: 一、加强金融支持 鼓励银行降低贷款利率。"
        "二、减轻社保负担 对受影响的企业,社会保险费征收期延长至6月底。"
        "对旅游、住宿、餐饮等困难行业企业,失业保险费返还比例提高到60%。三、其他 本措施自发布之日起施行。"
    )
    cut = doc.index("对旅游")  # the chunk ends inside section 二
    chunk = Chunk("d1:0", "d1", 0, 0, cut, doc[:cut])
    p = Passage(chunk, 1.0, {"title": "支持中小企业的若干措施", "region": "清河"})
    question = "清河县如何减轻企业社保负担？"

    def following(c: Chunk, n: int) -> str:
        return doc[c.end : c.end + n]

    alone = ExtractiveAnswerer()(question, [p])
    assert "征收期延长至6月底" in alone.answer and "60%" not in alone.answer  # the chunk alone: half a section
    answer = ExtractiveAnswerer(following=following)(question, [p])
    assert "60%" in answer.answer and "本措施" not in answer.answer  # the whole section, not the next one
    assert answer.verified and "60%" in answer.citations[0].quote  # the quote is the widened passage
    assert answer.citations[0].end == doc.index("三、")


def test_a_quote_that_stays_in_its_chunk_cites_the_chunk_as_it_is() -> None:
    from assistant.answer import ExtractiveAnswerer

    text = (
        "清河县科技局推出创新券。"
        "创新券用于购买检验检测、研发设计和技术转移服务,每家企业每年最高5万元,由县科技局按季度兑付。"
    )
    p = Passage(Chunk("d1:0", "d1", 0, 0, len(text), text), 1.0, {"title": "创新券", "region": "清河"})
    answer = ExtractiveAnswerer(following=lambda c, n: "另附申报表格式。")("清河县创新券用于购买什么服务？", [p])
    assert "检验检测" in answer.answer and "另附" not in answer.answer
    assert answer.citations[0].quote == text


def test_the_library_gives_the_text_after_a_chunk(library) -> None:  # type: ignore[no-untyped-def]
    text = "清河县科技局通报。" + "".join(f"第{i}项工作按期完成,经费已拨付到位。" for i in range(1, 400))
    library.index_document(text, "qinghe.txt")
    [doc] = [d for d in library.documents() if d["source"] == "qinghe.txt"]
    full = library.catalog.document(doc["doc_id"])["text"]
    first = min(
        (c for c in library.catalog.chunks(list(library.catalog.chunk_ids())).values() if c.doc_id == doc["doc_id"]),
        key=lambda c: c.ord,
    )
    assert library.text_after(first, 30) == full[first.end : first.end + 30]
    last_end = len(full)
    assert library.catalog.text_after(doc["doc_id"], last_end, 30) == ""


def test_a_sentence_that_restates_the_question_is_quoted_with_what_follows() -> None:
    text = (
        "清河县发布稳企十条。在“十条”中,我县税务部门合理调整了个体工商户纳税定额。"
        "即对受影响的个体工商户,月核定经营额超过10万元的统一调整至10万元以下。"
    )
    assert analyse("清河县税务部门如何调整个体工商户纳税定额？").kind == "fact"  # how, not a figure
    answer = read("清河县税务部门如何调整个体工商户纳税定额？", text, "稳企十条")
    assert "10万元以下" in answer


POINTING_BACK = [
    (  # "这是…": the sentence before says what it is
        "清河县招商动态。2月20日,清河县与5家软件企业举行“云签约”,入驻县数字产业园。"
        "这是该县在疫情防控期间推行“不见面招商”后的第二次签约活动。",
        "清河县推行“不见面招商”后的第二次签约活动是什么？",
        "5家软件企业",
    ),
    (  # "该项措施是…": the sentence before states the measure
        "清河县出台稳企措施。对受影响较大的小微企业,经认定给予其2月至4月地方经济贡献的全额补贴。"
        "该项措施是县里针对受影响巨大的小微企业专门制定的“兜底条款”,将为这些企业缓解资金压力。",
        "清河县如何补贴受影响巨大的小微企业？",
        "全额补贴",
    ),
]


@pytest.mark.parametrize(("text", "question", "content"), POINTING_BACK)
def test_a_sentence_pointing_back_is_quoted_with_the_sentence_before(text: str, question: str, content: str) -> None:
    assert content in read(question, text, "动态")


def test_a_short_answer_is_not_followed_by_the_next_sections_heading() -> None:
    text = "一、建设科技园区 支持清河县经济开发区创建省级高新区。二、推进新型研发机构建设 新建研发机构3家。"
    answer = read("清河县支持哪些地方创建省级高新区？", text, "工作要点")
    assert "经济开发区" in answer and "新型研发机构" not in answer  # not its heading's peer
    text = "一、建设科技园区。支持清河县经济开发区创建省级高新区。二、推进新型研发机构建设 新建研发机构3家。"
    answer = read("清河县支持哪些地方创建省级高新区？", text, "工作要点")
    assert "经济开发区" in answer and "新型研发机构" not in answer  # nor the next heading after a short answer


def test_a_heading_after_a_note_on_the_same_line_opens_the_answer_section() -> None:
    from assistant.answer.extractive import with_section

    text = (
        "清河县支持中小企业若干措施 一、加强金融支持 1.降低融资成本。银行贷款利率下浮10%。"
        "(责任单位:县财政局、县金融办) 二、援企稳岗 3.落实稳岗返还政策。"
        "对不裁员的参保企业,返还上年度失业保险费的50%。返还资金3个工作日内到账。4.开展网上招聘。每周举办一场。"
    )
    a = text.index("(责任单位")
    ((_, start, end, _),) = with_section([passage(text)], [(0, a, text.index("对不裁员"), "")])
    quoted = text[start:end]
    assert quoted.startswith("3.落实稳岗返还政策") and "3个工作日" in quoted  # the section body
    assert "网上招聘" not in quoted  # and not the next item


def test_an_answer_after_its_heading_line_is_quoted_with_its_section() -> None:
    from assistant.answer.extractive import inline_opening

    text = (
        "(责任单位:县人社局) (五)缓缴社会保险费。对暂时困难的企业,社会保险费征收期延长至3月底。"
        "对住宿餐饮企业,征收期延长至6月底。(六)其他事项。另行通知。"
    )
    a = text.index("对暂时")
    assert text[inline_opening(text, a, text.index("对住宿")) :].startswith("(五)缓缴社会保险费")
    answer = read("清河县对暂时困难的企业缓缴社会保险费有何政策？", text, "稳企措施")
    assert "3月底" in answer and "6月底" in answer and "另行通知" not in answer
    assert inline_opening("县里召开会议,部署春耕。要求各乡镇做好农资储备。", 12, 24) is None  # no heading: none


def test_a_documents_header_is_not_its_content() -> None:
    from assistant.answer.values import header_end

    header = "清河县科技局关于做好创新券兑付工作的通知 清科发〔2025〕12号 各乡镇人民政府、县直有关单位:"
    text = header + "为支持企业研发,现就创新券兑付通知如下。创新券按季度兑付,每家企业每年最高5万元。"
    answer = read("清河县科技局如何做好创新券兑付工作？", text, "关于做好创新券兑付工作的通知")
    assert "按季度兑付" in answer and "清科发" not in answer  # the content, not the title and number
    assert header_end(header + "为支持企业研发,现通知如下") == len(header)  # what follows the addressees
    assert header_end(header) == len(header)  # a header alone is all header
    assert header_end("按照《关于创新券的通知》(清科发〔2025〕12号)执行。") is None  # a number cited is no header


def test_a_web_address_is_not_cut_at_its_colon() -> None:
    from assistant.answer.values import CLAUSE, mask_quoted

    text = "企业需登录县政务服务网(https://zwfw.qinghe.gov.cn/login)在线填报,材料齐全的当日办结"
    clauses = [m.group() for m in CLAUSE.finditer(mask_quoted(text))]
    assert len(clauses) == 2 and clauses[0].startswith("企业需登录") and "login" in clauses[0]


def test_a_long_note_before_a_heading_is_furniture() -> None:
    from assistant.answer.extractive import inline_opening

    note = (
        "(清河县青少年发展基金会成立于1994年,是为青少年群体提供帮助、服务青少年健康成长的慈善机构和社会公益组织,"
        "也是县团委针对疫情防控募捐工作的官方平台,接受社会各界的爱心捐赠并定期公示)"
    )
    text = note + " (二)捐赠方式 1.扫码捐款。2.银行转账。(三)发票开具 另行通知。"
    assert len(note) > 80 and text[inline_opening(text, 0, text.index("1.扫码")) :].startswith("(二)捐赠方式")


def test_a_how_answer_is_quoted_as_a_whole_sentence() -> None:
    text = (
        "清河县科技局要求,各乡镇科技站要立足当前春耕备耕生产的实际情况和广大农户对新品种的迫切需求,"
        "将特派员服务与农技推广有机结合,"
        "与农产品质量安全监管有机结合,与产业扶贫项目有机结合,上下联动,共同做好农民技术培训工作。"
    )
    assert len(text) > 90
    answer = read("清河县科技局要求各乡镇科技站应该如何做？", text, "通知")
    assert "立足当前春耕" in answer and "共同做好农民技术培训工作" in answer  # not cut to its best clauses


def test_a_subject_clause_reaches_the_value_of_the_asked_measure() -> None:
    """The clause naming the subject holds no figure: the quote reaches the clause stating the asked measure's
    value, not only the nearest figure of another measure."""
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.scoring import Candidate

    text = (
        "作为清河县高端装备产业园示范性启动项目,“清河产投·智造谷”位于清河县城东街道,是清河县“基金+基地+产业+智库”"
        "投融资模式创新的实践样板,总体规划面积约300亩,总投资约25亿元。"
    )
    a, b = ExtractiveAnswerer().trim(
        analyse("智造谷（清河产投·智造谷）总投资多少？"), Candidate(0, 0, len(text), text, 1.0, 1.0, True), "number"
    )
    assert "25亿元" in text[a:b]


# -- compound questions: a part the documents do not answer is said plainly -----------------------------------------
def test_a_compound_questions_unanswered_part_is_said_plainly() -> None:
    from assistant.answer import ExtractiveAnswerer

    ex = ExtractiveAnswerer()
    text = "清河县科技成果展于6月举办。清河展区直播观看量达到35万人次,吸引多家企业参与。"
    got = ex("清河县科技成果展上，清河展区面积有多大？直播观看量是多少？", [passage(text)])
    assert not got.refused and "35万人次" in got.answer
    assert "第一问" in got.answer and "现有文件中没有找到" in got.answer  # the floor area: nothing quoted holds one
    assert "第二问" not in got.answer


def test_a_part_answered_by_the_sentence_quoted_for_another_is_no_gap() -> None:
    from assistant.answer import ExtractiveAnswerer

    ex = ExtractiveAnswerer()
    text = "清河县招才引智活动开展以来,全县72家用人单位提供就业岗位379个,吸引1610名学生参加。"
    got = ex("清河县招才引智活动有多少家用人单位参加？提供了多少个岗位？", [passage(text)])
    assert not got.refused and "72家" in got.answer and "379个" in got.answer
    assert "没有找到" not in got.answer


# -- what a 多少 + counter question counts ---------------------------------------------------------------------------
def test_a_figure_counting_the_asked_noun_in_another_counter_is_the_answer() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.question import counted_noun

    assert counted_noun("每年给多少个青年人才公寓名额") == "青年"
    assert counted_noun("多少家具有示范作用的企业") == ""  # a verb follows: what is counted is further on
    assert counted_noun("有几家是示范企业") == ""
    info = analyse("清河县每年给多少个青年人才公寓名额？")
    assert holds_value("number", "每年拿出300套青年人才公寓名额", info.unit)  # 套, not 个: the same thing counted
    assert not holds_value("number", "每年拿出300套人才公寓", info.unit)  # another thing, in another counter
    ex = ExtractiveAnswerer()
    text = "清河县出台人才新政,每年拿出300套青年人才公寓名额,吸引高校毕业生来清河工作。"
    got = ex("清河县人才新政里，每年给多少个青年人才公寓名额？", [passage(text)])
    assert not got.refused and "300套" in got.answer


def test_a_later_part_naming_its_own_year_asks_that_year_of_the_earlier_subject() -> None:
    text = (
        "据统计,2022年清河县光伏产业营业收入约80亿元,同比增长12%。"
        "根据规划,力争全县光伏产业营业收入到2025年达到200亿元以上。"
    )
    got = ask("清河县光伏产业2022年营收是多少？到2025年目标是多少？", text)
    assert not got.refused and "80亿元" in got.answer and "200亿元" in got.answer


def test_an_enumeration_is_quoted_from_its_first_item_to_the_clause_closing_it() -> None:
    text = (
        "据了解,清河县地处平原腹地,科研资源丰富,目前拥有清河农科院、清河水产研究所等6个省级科研院所,"
        "清河林业站、清河种子站等4个县级科研院所,以及一批工程研究中心、技术创新中心和省级、市级重点实验室。"
    )
    got = ask("清河县有多少个省级科研院所和县级科研院所？", text)
    assert not got.refused
    assert "目前拥有清河农科院、清河水产研究所等6个省级科研院所" in got.answer  # not cut after the first item
    assert "清河林业站、清河种子站等4个县级科研院所" in got.answer  # the bare item before it does not stop the quote
    assert "工程研究中心" not in got.answer


def test_a_short_answer_opening_with_an_enumeration_is_still_read_on() -> None:
    from assistant.answer import ExtractiveAnswerer

    ex = ExtractiveAnswerer()
    text = (
        "据县金融办负责人介绍,全县银行业机构1月以来累计提供信贷支持超过16亿元,其中清河农商行2月1日至3日,"
        "向东关、西关、南关、北关、城关、柳林、桃园、杏花等八个乡镇及县建工集团投放应急贷款3亿元,"
        "专项用于防护用品生产及医院的建筑施工等。"
    )
    got = ex("清河农商行向八个乡镇及县建工集团投放的3亿元应急贷款用于哪方面？", [passage(text)])
    assert not got.refused and "东关、西关" in got.answer and "专项用于防护用品生产" in got.answer


# -- a date question asks the day of one event ----------------------------------------------------------------------
def test_the_event_named_before_a_date_cue_is_the_event_asked() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.eligibility import asked_events

    assert asked_events(analyse("清河大桥通车时间")) == ("通车",)  # no asking word: the word before 时间 says it
    assert asked_events(analyse("清河大桥什么时候通车？")) == ()  # an asking word points at it: info.focus
    ex = ExtractiveAnswerer()
    text = "他曾是2005年卡洛斯三世婚礼的官方摄影师。卡洛斯三世加冕一事备受关注。"
    assert ex("卡洛斯三世加冕时间", [passage(text)]).refused  # the text names 加冕, but not beside a date
    text += "卡洛斯三世于2023年5月6日加冕,仪式在大教堂举行。"
    got = ex("卡洛斯三世加冕时间", [passage(text)])
    assert not got.refused and "2023年5月6日" in got.answer and "2005年" not in got.answer


def test_a_later_part_naming_only_what_it_asks_is_asked_of_the_earlier_subject() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.parts import names_only_what_it_asks, owner

    info = analyse("总建筑面积多大")
    assert names_only_what_it_asks(info.terms, info.focus)
    assert owner("清河科创中心总投资多少", analyse("清河科创中心总投资多少").focus) == "清河科创中心"
    ex = ExtractiveAnswerer()
    opening = passage("7月28日,总投资约19亿元的清河科创中心正式开工,与之相邻的清河数字港二期项目也同时开工。", "d1")
    centre = Passage(
        Chunk(
            "d1:1", "d1", 1, 900, 960, "清河科创中心由县城投集团打造,项目建设总用地面积约148亩,总建筑面积约35万平方米。"
        ),
        1.0,
        {"title": "通报"},
    )
    other = passage("其中一期占地约100亩,总建筑面积约14.6万平方米,重点发展高附加值的生物制品制造。", "d2")
    got = ex("清河科创中心总投资多少？总建筑面积多大？", [opening, other, centre])
    assert "19亿元" in got.answer and "35万平方米" in got.answer and "14.6万" not in got.answer


def test_a_figures_clause_is_about_the_topic_the_clauses_before_it_open() -> None:
    from assistant.answer.scoring import value_clause_cover

    info = analyse("清河县科技下乡活动国外部分要走访多少个国家？")
    sent = "其中,国内部分由县科协完成,聚焦3条线路;国外部分,县科协与省外办联合进行,走访亚非欧的17个国家。"
    assert value_clause_cover(info, sent) >= 0.25  # 国外部分 opens the clauses that end in the figure
    apart = "国外部分已经结束;县科协与省外办联合进行,走访亚非欧的17个国家。"
    assert value_clause_cover(info, apart) < value_clause_cover(info, sent)  # not across a semicolon


def test_an_undated_passage_naming_only_other_years_does_not_answer_for_the_asked_one() -> None:
    from assistant.answer import ExtractiveAnswerer

    ex = ExtractiveAnswerer()
    text = "2021年清河县完成技术改造投资8.2亿元。清河县技术合同成交额达到12.5亿元,同比增长18%。"
    undated = Passage(Chunk("d1:0", "d1", 0, 0, len(text), text), 1.0, {"title": "清河县科技工作简报"})
    assert ex("2023年清河县技术合同成交额是多少", [undated]).refused  # it is about 2021, or at least not 2023
    assert "12.5亿元" in ex("2021年清河县技术合同成交额是多少", [undated]).answer
    plain = "清河县技术合同成交额达到12.5亿元,同比增长18%。"
    none = Passage(Chunk("d2:0", "d2", 0, 0, len(plain), plain), 1.0, {"title": "清河县科技工作简报"})
    assert "12.5亿元" in ex("2023年清河县技术合同成交额是多少", [none]).answer  # no year named: unknown, kept
    named = Passage(undated.chunk, 1.0, {"title": "清河县2023年科技工作简报"})
    assert "12.5亿元" in ex("2023年清河县技术合同成交额是多少", [named]).answer  # its title names the year
    dated = Passage(undated.chunk, 1.0, {"title": "清河县科技工作简报", "year": "2023"})
    assert "12.5亿元" in ex("2023年清河县技术合同成交额是多少", [dated]).answer  # its document's date decides


def test_a_passage_naming_no_place_is_not_filtered_on_the_asked_place() -> None:
    from assistant.answer import ExtractiveAnswerer

    ex = ExtractiveAnswerer()
    text = "本市职工基本医疗保险单位缴费比例降低0.5个百分点,预计为企业减负约12.3亿元。"
    unplaced = Passage(Chunk("d1:0", "d1", 0, 0, len(text), text), 1.0, {"title": "医保费率暂时下调"})
    got = ex("宁波市职工基本医疗保险单位缴费比例降低多少", [unplaced])
    assert "0.5个百分点" in got.answer  # nothing says which city: unknown, not another place
    other = "舟山市职工基本医疗保险单位缴费比例降低0.5个百分点。" + text
    named = Passage(Chunk("d2:0", "d2", 0, 0, len(other), other), 1.0, {"title": "医保费率暂时下调"})
    assert ex("宁波市职工基本医疗保险单位缴费比例降低多少", [named]).refused  # its text names another city
    country = "全国职工基本医疗保险单位缴费比例降低0.5个百分点。"
    national = Passage(Chunk("d3:0", "d3", 0, 0, len(country), country), 1.0, {"title": "医保费率暂时下调"})
    assert ex("宁波市职工基本医疗保险单位缴费比例降低多少", [national]).refused  # the country's figure


def test_which_country_is_answered_only_by_a_sentence_naming_one() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.values import countries_in

    assert countries_in("老挝、柬埔寨和阿拉伯联合酋长国的代表参会") == {"老挝", "柬埔寨", "阿拉伯联合酋长国"}
    assert countries_in("“中国农业科技周”在全球联动举办") == set()  # a quoted name is no country named
    ex = ExtractiveAnswerer()
    none = passage("清河县农业科技交流周由县科技局主办,共有12个代表团参加交流活动,签约项目8个。")
    assert ex("哪些国家参加了清河县农业科技交流周", [none]).refused
    some = passage("清河县农业科技交流周由县科技局主办,老挝、柬埔寨和泰国的代表团参加交流活动,签约项目8个。")
    assert "老挝" in ex("哪些国家参加了清河县农业科技交流周", [some]).answer


def test_a_figure_counting_another_thing_does_not_answer() -> None:
    from assistant.answer.eligibility import other_counted_thing

    text = "清河县报告确诊病例12例,全县386例密切接触者正在接受医学观察。"
    assert "12例" in read("清河县确诊病例有多少例？", text, "疫情通报")
    bulletin = "清河县新冠肺炎疫情通报:全县386例密切接触者正在接受医学观察,2名确诊病例治愈出院。"
    assert ask("清河县确诊新冠肺炎病例有多少例？", bulletin).refused
    members = "清河产业联盟成员包括链上企业和科研院所,联合了18家高能级科研院所。"
    assert ask("清河产业联盟的成员里有几家是链上企业？", members).refused
    # what the figure counts shares a word with the question, or the question counts only a kind (单位, 方面)
    assert not other_counted_thing("清河有几家链上企业？", "清河有链上企业及自主认定企业为核心的300家重点企业。")
    assert not other_counted_thing("清河产业联盟由多少家单位组建？", "联合了18家高能级科研院所共同组建。")
    assert not other_counted_thing("通知提出了几个要求？", "通知提出了4个方面的要求。")
    assert not other_counted_thing("清河站有几个出入口？", "清河站有6个出口。")  # two of its characters asked
    # a figure with nothing named after it, or the label of the next figure, is no conflict
    assert not other_counted_thing("清河新增了几家小巨人企业？", "新增小巨人企业2家、瞪羚企业3家。")
    assert not other_counted_thing("清河立了几项市级项目？", "立项市级项目34项资金805万元。")
    assert not other_counted_thing("失联飞机上有多少人？", "机上11人全部遇难。")  # 人 counts people itself


def test_another_organisations_figure_does_not_answer() -> None:
    from assistant.answer.eligibility import other_organisation

    text = "清河县技能大赛落幕,此次比赛中,邢台职业技术学院学子荣获一等奖4项、二等奖5项。"
    assert ask("河北工业大学在清河县技能大赛上获得了几项一等奖？", text).refused
    assert "4项" in ask("邢台职业技术学院在清河县技能大赛上获得了几项一等奖？", text).answer
    # the same school by a longer name, a phrase that names no organisation, another kind of organisation
    assert not other_organisation("邢台市育才中学有多少名学生？", "邢台市育才高级中学有学生1200名。")
    assert not other_organisation("目前邢台市的定点医院有多少个？", "邢台市已将定点医院从5个扩增到9个。")
    assert not other_organisation("河北工业大学有多少项专利？", "邢台银行为河北工业大学提供贷款3亿元。")


def test_a_part_is_read_again_in_the_document_the_other_part_was_answered_from() -> None:
    text = (
        "今天,清河县重点项目——清河药谷(一期)顺利竣工。自2021年3月园区开工至今日竣工,政企合作攻坚克难、全力推进。"
        "在政策支持下,一期工程采取边建设、边招商的策略,园区尚在建设时,出租率已达85%。"
    )
    answer = ask("清河药谷产业园区一期是什么时候开工的？还在建设时出租率就到了多少？", text)
    assert "85%" in answer.answer and "2021年3月" in answer.answer and "没有找到" not in answer.answer
    # asked alone, the park's start names too little of the question: the part is not guessed
    assert ask("清河药谷产业园区一期是什么时候开工的？", text).refused


def test_a_place_that_only_opens_the_name_a_passage_gives_is_no_place_there() -> None:
    from assistant.answer.question import analyse, places_named_only_as_name

    # 金牛 is 成都市金牛区 to the gazetteer; here it opens the name of a forum held in 北京
    text = "北京3月5日电 2023年金牛财经论坛在北京举行,上海、深圳等地的企业应邀参加。论坛上,12家企业代表作了发言。"
    question = "2023年金牛财经论坛上有多少家企业代表发言？"
    assert "12家" in ask(question, text).answer
    assert places_named_only_as_name(analyse(question), text)
    # a passage that names the district or its city elsewhere reads it as the place; so does a question naming
    # the district in full, or a name the passage does not give word for word
    assert not places_named_only_as_name(analyse(question), text + "成都市金牛区也派员参加。")
    assert not places_named_only_as_name(analyse("2023年金牛区财经论坛上有多少家企业代表发言？"), text)
    assert not places_named_only_as_name(analyse("金牛科技园有多少家企业入驻？"), text)
    assert ask("金牛科技园有多少家企业入驻？", "北京讯 2023年,北京科技园入驻企业12家。").refused


def test_a_run_of_targets_is_read_with_the_sentence_that_sets_its_year() -> None:
    from assistant.answer.extractive import frame_sentence

    text = (
        "清河县近日印发数字乡村建设方案。方案提出,到2026年底,全县数字乡村建设取得明显成效,基础设施基本完善。"
        "建成县级农产品电商公共服务中心,培育一批电商示范村。农村电商走在全省前列,年交易额突破5亿元。"
    )
    assert "5亿元" in read("清河县数字乡村建设方案提出，到2026年底农村电商年交易额要突破多少？", text, "通报")
    last = text.index("农村电商走在")
    prev = "建成县级农产品电商公共服务中心,培育一批电商示范村。"
    frame = frame_sentence(text, last, "农村电商走在全省前列,年交易额突破5亿元。", prev)
    assert frame.startswith("方案提出,到2026年底")
    # a sentence stating its own year, or right after one that does, is read as it is
    assert frame_sentence(text, last, "2025年农村电商年交易额突破4亿元。", prev) == ""
    assert frame_sentence(text, last, "农村电商年交易额突破5亿元。", "2025年建成电商中心。") == ""


def test_a_sentence_is_read_with_the_next_one_when_that_one_points_back_at_it() -> None:
    from assistant.answer.extractive import follower

    text = (
        "以“科技赋能乡村”为主题的清河乡村振兴科技论坛12日上午在清河县会展中心举办。"
        "本次论坛是第三届冀南农业科技博览会5场专题活动之一,包括主旨报告和成果发布两个环节。"
    )
    answer = read("第三届冀南农业科技博览会的专题活动——清河乡村振兴科技论坛是在哪个场馆举办的？", text, "通报")
    assert "会展中心" in answer
    first = text.split("。")[0] + "。"
    assert follower(text, len(first), first).startswith("本次论坛")
    # a next sentence pointing back at something this one does not name says nothing of it
    assert follower(text, len(first), "清河县会展中心位于县城东部。") == ""


def test_an_answer_in_a_question_and_answer_text_is_read_with_its_question() -> None:
    from assistant.answer.extractive import asked_before

    text = (
        "3、企业未按规定报送研发费用加计扣除资料的,会有什么后果？ 《清河县科技项目管理办法》第二十条规定,"
        "对逾期不报或者报送虚假资料的,取消当年申报资格并处以2000元以上1万元以下的罚款。 4、创新券如何兑付？"
    )
    answer = read("清河县科技知识问答里，企业未按规定报送研发费用资料的，罚款标准是多少？", text, "通报")
    assert "2000元以上1万元以下" in answer
    at = text.index("《清河县")
    assert asked_before(text, at).startswith("3、企业未按规定报送")
    assert asked_before(text, 2) == ""  # nothing asked before the text's first sentence


def test_a_standard_asked_is_the_amount_of_what_it_names() -> None:
    # "补贴标准是多少" counts the 补贴 (public policy questions ask amounts so); 标准 is not a thing to find
    assert analyse("清河县人才公寓租金补贴标准是多少？").measure == "租金补贴"


def test_a_documents_signature_dates_its_issue_not_the_dates_it_sets() -> None:
    text = (
        "各乡镇科技办要按照本通知要求扎实做好各项工作,兑付申请延期至3月31日。"
        "如有问题请及时与县科技局联系。 清河县科学技术局创新发展股 2025年3月18日"
    )
    title = "清河县科技局部署做好创新券兑付工作"
    answer = read("清河县科技局创新发展股关于做好创新券兑付工作的通知是哪天印发的？", text, title)
    assert "2025年3月18日" in answer
    # a date the notice sets is not the date it was signed
    assert "2025年3月18日" not in read("清河县创新券兑付申请延期到哪天？", text, title)


def test_a_documents_number_is_no_day_it_was_issued() -> None:
    from assistant.answer.scoring import asked_value_in

    header = "清河县科学技术局关于做好创新券兑付工作的通知 清科发〔2025〕6号 各乡镇科技办:"
    assert not asked_value_in(analyse("清河县创新券兑付工作的通知是哪天发的？"), "date", header)
    assert asked_value_in(analyse("清河县创新券兑付工作的通知文号是多少？"), "date", header)


def test_a_later_part_asks_about_the_earlier_parts_subject_not_what_it_asked() -> None:
    text = (
        "清河县科学技术局关于做好创新券兑付工作的通知 清科发〔2025〕6号 各乡镇科技办:现将有关事项通知如下。"
        "一、兑付范围为2025年度申领的创新券。 清河县科学技术局 2025年3月18日"
    )
    answer = read("清河县科技局那份创新券兑付工作的通知，文号是多少？哪天发的？", text, "清河县科技局通知")
    assert "清科发〔2025〕6号" in answer and "2025年3月18日" in answer


def test_a_counted_role_asks_a_number_and_an_events_month_is_no_period() -> None:
    from assistant.timeref import question_time

    assert analyse("清河县座谈会上有几家企业负责人作了发言？").kind == "number"
    assert analyse("清河县座谈会上是哪位负责人讲话？").kind == "person"
    assert analyse("清河县科技局负责人是谁？").kind == "person"
    # "7月底召开的座谈会": the meeting's day; "7月份新增": the month a figure is counted over
    assert analyse("2025年7月底召开的清河县企业座谈会上有几家企业发言？").periods == ()
    assert analyse("清河县2025年7月份新增多少家企业？").periods == ("7月",)
    asked = question_time("2025年7月底召开的清河县企业座谈会上有几家企业发言？")
    assert asked.year == 2025 and asked.months is None
    assert question_time("清河县2025年7月新增多少家企业？").months == (7, 7)


def test_a_photo_credit_before_a_dateline_is_not_read_as_words_of_the_sentence() -> None:
    text = (
        "主办方供图新华网邢台5月8日电 5月7日,2025清河羊绒产业创新大会在清河县开幕。"
        "据悉,本次大会由河北省工业和信息化厅、邢台市人民政府联合主办,会期2天。"
    )
    answer = read("2025清河羊绒产业创新大会是哪些单位主办的？", text, "通报")
    assert "河北省工业和信息化厅" in answer and "主办方供图" not in answer


def test_a_sentence_naming_as_many_items_as_asked_outranks_one_full_of_figures() -> None:
    text = (
        "集训营现场今年,县科协、县教育局首次举办清河青少年科创集训营,旨在发挥我县学校、企业、科研机构在科学普及和"
        "提高青少年科学素质方面的作用,活动共选拔来自8个乡镇的90名营员和9名带队老师参加。"
        "8月2日,清河青少年科创集训营在清河实验中学、清河职业技术学院分别开营。"
    )
    answer = read("清河青少年科创集训营在哪两所学校开营？", text, "清河青少年科创集训营开营")
    assert "清河实验中学" in answer and "清河职业技术学院" in answer
    assert "90名营员" not in answer


def test_the_modal_de_before_a_verb_of_reaching_is_no_part_of_the_measure() -> None:
    info = analyse("申报清河县创新平台，仪器原值得达到多少？")
    assert "原值" in info.terms and "值得" not in info.terms
    assert "值得" in analyse("清河县有哪些做法值得推广").terms  # 值得 (worth) itself stays a word


def test_a_month_dating_a_meeting_at_which_something_was_said_is_no_period() -> None:
    from assistant.timeref import question_time

    asked = "清河县县长2025年7月在县人大常委会会议上讲，全县为科技企业推出了多少项举措？"
    assert analyse(asked).periods == ()
    assert question_time(asked).year == 2025 and question_time(asked).months is None
    assert question_time("清河县2025年7月在全县新增多少家企业？").months == (7, 7)  # no meeting: the month counts


def test_an_abbreviation_matches_the_words_it_takes_its_characters_from() -> None:
    from assistant.answer.scoring import abbreviates, term_match

    assert abbreviates("人社", "县人力资源和社会保障局于受理之日起5个工作日内核实")
    assert abbreviates("发改委", "清河县发展和改革委员会印发通知")
    assert not abbreviates("抽查", "随机抽取服务对象进行调查核实")  # 查 opens no word there
    assert term_match("县人社", "县人力资源和社会保障局于受理之日起5个工作日内核实") == 1.0
    text = "四、市人力资源和社会保障部门于受理申请材料之日起,5个工作日内随机抽取服务对象进行调查核实。"
    assert "5个工作日" in read("市人社部门受理后多少天内核实？", text, "清河市一次性就业补助")


def test_a_planned_figure_is_not_answered_by_a_figure_said_to_be_reached() -> None:
    text = "县科技局局长表示,目前,清河县在京津冀已经建成了5个科技合作基地,正积极拓展与雄安新区的合作。"
    answer = read("清河县计划在京津冀一共建多少个科技合作基地？", text, "清河县科技合作")
    assert "5个" not in answer
    planned = "县科技局局长表示,清河县计划到2027年在京津冀建成8个科技合作基地。"
    assert "8个" in read("清河县计划在京津冀一共建多少个科技合作基地？", planned, "清河县科技合作")


def test_the_clauses_quoted_are_checked_for_another_thing_not_only_the_whole_sentence() -> None:
    text = (
        "此次发布的“六条举措”包括:一是五年内投入10亿元支持动漫产业;二是重点奖励构建产业链条,特别是对新引进的"
        "总部企业给予最高300万元一次性奖励;三是每年拿出50名人才落户指标吸引动漫人才;四是为企业每年培养800名"
        "产业专业人才;五是建立工作专班,在知识产权保护、动漫企业上市、核心资质申请等环节提供全方位服务。"
    )
    answer = read("清河县六条举措对动漫企业上市给多少奖励？", text, "清河县发布促进动漫产业六条举措")
    assert "300万元" not in answer
    asked_for = "此次发布的“六条举措”包括:一是五年内投入10亿元支持动漫产业;二是对上市的动漫企业给予最高300万元奖励。"
    assert "300万元" in read("清河县六条举措对动漫企业上市给多少奖励？", asked_for, "清河县发布促进动漫产业六条举措")


def test_a_figure_right_after_the_year_a_change_runs_to_is_that_years() -> None:
    from assistant.answer.eligibility import year_of_value

    text = "清河县研发经费投入由2018年3.2亿元提高到2022年6.5亿元,占地区生产总值比重由1.1%提高到2.3%。"
    assert year_of_value(2022, text) and year_of_value(2018, text) and not year_of_value(2020, text)
    assert not year_of_value(2022, "截至2022年6月末,余额达3亿元")  # a month of the year, no figure of it
    assert "6.5亿元" in read("清河县2022年研发经费投入是多少？", text, "研发投入")
    assert "现有文件中没有找到" in read("清河县2020年研发经费投入是多少？", text, "研发投入")


def test_a_part_of_the_year_named_another_way_is_the_one_asked() -> None:
    from assistant.timeref import resolve

    assert resolve("前6个月,研发经费12亿元", "2023-07-20").months == (1, 6)
    assert resolve("前两个月完成投资", "2023-03-20").months == (1, 2)
    text = "清河县科技局局长表示:前6个月,全县规上企业研发经费12.6亿元,同比增长20.5%。"
    assert "12.6亿元" in read("清河县2023年1-6月规上企业研发经费是多少？", text, "研发经费")
    assert "现有文件中没有找到" in read("清河县2023年1-9月规上企业研发经费是多少？", text, "研发经费")


def test_which_days_asks_a_date_not_a_count() -> None:
    assert analyse("清河县首届科技节是哪几天举办的？").kind == "date"
    assert analyse("清河县科技节要办几天？").kind == "number"
    text = "记者从县政府新闻办获悉,清河县首届科技节定于2023年8月5日至9日举办,届时将有院士专家莅临。"
    assert "8月5日至9日" in read("清河县首届科技节是哪几天举办的？", text, "科技节")


def test_a_figure_of_another_class_or_of_the_whole_class_is_no_answer() -> None:
    from assistant.answer.eligibility import class_unstated, edition_conflict

    text = "今年上半年,清河县新批准第二类医疗器械注册证16张,同比增长9.6%。"
    assert edition_conflict("清河县上半年新批准多少张第三类医疗器械注册证？", text)
    assert "现有文件中没有找到" in read("清河县上半年新批准多少张第三类医疗器械注册证？", text, "医疗器械")
    assert "16张" in read("清河县上半年新批准多少张第二类医疗器械注册证？", text, "医疗器械")
    whole = "截至6月末,清河县企业发行科创票据的余额达26亿元。"
    asked = "截至6月末，清河县混合型科创票据的余额是多少？"
    assert class_unstated(analyse(asked), whole) == "混合型"  # the whole class's figure, not the asked kind's
    assert "现有文件中没有找到" in read(asked, whole, "科创票据")
    assert "26亿元" in read("截至6月末，清河县科创票据的余额是多少？", whole, "科创票据")
    assert not class_unstated(analyse(asked), "清河县企业发行混合型科创票据的余额达3亿元。")


def test_a_part_of_the_year_asked_beside_the_whole_is_answered_by_that_parts_figure() -> None:
    from assistant.answer.eligibility import partial_period

    part = "数据显示,1至7月份,清河县汽车出口2.3万辆,同比增长67.9%。"
    assert partial_period("清河县2023年全年汽车出口多少辆？", part)  # the whole year asked: no answer
    assert not partial_period("清河县2023年全年预期多少？1到7月份实际已经出口了多少辆？", part)
    text = "清河县汽车行业协会预计,2023年全年汽车出口将超过4万辆。" + part
    answer = read("清河县2023年全年汽车出口预计多少辆？1到7月份实际已经出口了多少辆？", text, "汽车出口")
    assert "4万辆" in answer and "2.3万辆" in answer


def test_a_length_asked_is_measured_by_a_sentence_stating_one() -> None:
    text = "清河县首届青少年科技创新大赛总决赛19日开幕。据介绍,本届大赛总决赛将持续三天,共设4个赛道。"
    assert "三天" in read("清河县首届青少年科技创新大赛总决赛比赛持续几天？", text, "大赛")
    assert "现有文件中没有找到" in read(
        "清河县首届青少年科技创新大赛总决赛比赛持续几天？", text.split("据介绍")[0], "大赛"
    )


def test_a_question_asking_from_and_to_prefers_the_sentence_giving_both_ends() -> None:
    text = (
        "由县科协主办的2023年清河县科技馆联合行动“未来科学节”主题科普活动将于28日在县科技馆启动。"
        "科学节活动为期三天(7月28日至30日),主题活动丰富多样。"
    )
    answer = read("2023年清河县科技馆联合行动“未来科学节”是几号到几号？", text, "科学节")
    assert "7月28日至30日" in answer and "将于28日" not in answer
    assert "将于28日" in read("2023年清河县科技馆联合行动“未来科学节”是哪天启动的？", text, "科学节")


def test_that_person_asked_by_name_is_a_person() -> None:
    assert analyse("清河县那位接受采访的无人机操作手叫什么名字？").kind == "name"
    assert analyse("这位院士叫什么名字").kind == "name"
    assert analyse("清河县科技节叫什么名字").kind == "title"
    assert analyse("该园区位于哪里").kind != "person"  # (该位于 is no person)


def test_a_figure_counting_the_asked_thing_together_with_others_is_no_answer() -> None:
    from assistant.answer.eligibility import union_counted

    camp = analyse("清河中学科学营分营有多少名营员？")
    assert union_counted(camp, "来自全县5个乡镇的营员及带队教师等80余人参加开营仪式。") == "带队"
    assert not union_counted(camp, "来自全县5个乡镇的营员80余人参加开营仪式。")
    assert not union_counted(camp, "营员和带队教师分别为80人和12人。")  # one by one
    hired = analyse("清河集团从县农科院引进了多少名高层次人才？")
    assert union_counted(hired, "清河集团累计引进省农业大学、县农科院等院校的高层次人才30余名。") == "农业大学"
    # a pair the question joins too, and 与 ("with"), join nothing counted
    assert not union_counted(analyse("全县新增减税降费及退税缓费多少亿元"), "全县新增减税降费及退税缓费12亿元。")
    assert not union_counted(analyse("清河县和几所高校签了协议"), "清河县与省农业大学等3所高校签订合作协议。")
    text = "清河中学科学营分营开营仪式昨日举行,来自全县5个乡镇的营员及带队教师等80余人参加。"
    assert "现有文件中没有找到" in read("清河中学科学营分营有多少名营员？", text, "科学营")
    assert "120名营员" in read(
        "清河中学科学营分营有多少名营员？", text + "清河中学科学营分营共招收120名营员。", "科学营"
    )


def test_a_figure_per_head_counts_nothing_for_a_stock_or_flow_question() -> None:
    from assistant.answer.eligibility import stock_flow_conflict

    asked = analyse("清河县2023年1-5月新建了多少个5G基站？")
    running = "截至今年5月,清河县共累计建设5G基站1.6万个,每万人拥有5G基站数23.9个,位列全省第一。"
    assert stock_flow_conflict(asked, running)  # a running total, and a figure per head, are no year's additions
    assert not stock_flow_conflict(asked, "今年1-5月,清河县新建5G基站1200个,每万人拥有5G基站数23.9个。")
    # a question asking per head is answered by one
    assert not stock_flow_conflict(analyse("清河县2023年每万人新建了多少个5G基站？"), running)


def test_a_verb_and_a_noun_naming_two_kinds_of_one_compound_head_conflict() -> None:
    from assistant.answer.eligibility import sibling_modifier

    asked = analyse("2022年清河县应用研究经费支出多少亿元")
    assert sibling_modifier(asked, "2022年,清河县基础研究经费支出为1.9亿元,比上年增长7.4%。") == "基础"
    assert not sibling_modifier(asked, "2022年,清河县应用研究经费支出为0.8亿元。")
    # a verb before a verb phrase, or before a one-word head, names no kind
    rent = analyse("清河县20家产业园区共计减免租金补贴金额达到多少？")
    assert not sibling_modifier(rent, "已有20家产业园区为园区企业减免租金,补贴金额超过2500万。")
    assert not sibling_modifier(analyse("清河县新增企业多少家"), "清河县培育企业120家。")


def test_a_count_asked_by_its_noun_alone_needs_a_figure_counting_that_thing() -> None:
    from assistant.answer.eligibility import other_counted_thing

    q = "清河县冬运会参赛运动员数量"
    assert other_counted_thing(q, "清河县数名议员提出议案,一个原因是场馆尚未完工。") == "原因"
    assert not other_counted_thing(q, "清河县冬运会共有312名运动员参赛。")
    assert not other_counted_thing(q, "清河县冬运会参赛运动员312名。")  # (nothing named after the figure)
    assert "现有文件中没有找到" in read(q, "清河县冬运会筹备工作进展顺利,一个原因是运动员积极参与。", "冬运会")


def test_the_holder_of_a_role_asked_needs_a_sentence_naming_one() -> None:
    from assistant.answer.eligibility import ROLE_ASKED, names_something_new

    q = "2023年清河县乒乓球公开赛男单冠军"
    assert ROLE_ASKED.search(q) and ROLE_ASKED.search("清河县乒乓球公开赛男单冠军是谁？")
    assert not ROLE_ASKED.search("清河县有几家制造业单项冠军企业")  # (a kind of firm, no holder asked)
    assert not names_something_new(q, "上届清河县乒乓球公开赛男单冠军未能参加本届比赛。")
    assert names_something_new(q, "2023年清河县乒乓球公开赛男单冠军由王建国获得。")
    assert "现有文件中没有找到" in read(q, "上届清河县乒乓球公开赛男单冠军未能参加本届比赛。", "公开赛")


def test_a_thing_named_by_a_measures_figure_is_not_another_of_its_kind() -> None:
    from assistant.answer.eligibility import named_by_another_figure

    q = "清河县运动会男子500米速度滑冰金牌得主"
    assert named_by_another_figure(q, "清河县运动会上她又增加了女子1500米金牌。")  # (1500米 is not 500米)
    assert not named_by_another_figure(q, "男子500米速度滑冰金牌由王建国获得,他也参加了1500米比赛。")
    assert not named_by_another_figure(q, "清河县运动会共设金牌40枚。")  # no figure of that measure stated
    other = "清河县运动会女子1500米速度滑冰冠军由刘晓梅获得。"
    assert "现有文件中没有找到" in read("清河县运动会男子500米速度滑冰冠军是谁", other, "运动会")
    assert "刘晓梅" in read("清河县运动会女子1500米速度滑冰冠军是谁", other, "运动会")


def test_a_group_named_by_its_head_count_is_not_another_group_of_its_kind() -> None:
    from assistant.answer.eligibility import named_by_another_count

    q = "清河县选派的300余名驻村干部平均年龄多大？"
    other = "省直单位驻村干部共80多名,平均年龄41岁。"
    assert named_by_another_count(q, other)  # (80多名 counts another body's 驻村干部)
    assert named_by_another_count(q, "省直单位选派的80名驻村干部平均年龄41岁。")
    assert not named_by_another_count(q, "清河县选派的300余名驻村干部平均年龄38岁。")
    assert not named_by_another_count(q, "驻村干部中有医生20名。")  # (a count of another noun)
    assert "现有文件中没有找到" in read(q, other, "驻村干部")
    assert "38岁" in read(q, "清河县选派的300余名驻村干部平均年龄38岁。", "驻村干部")


def test_a_total_does_not_answer_one_kind_of_it() -> None:
    from assistant.answer.eligibility import total_for_part
    from assistant.answer.question import analyse

    total = "清河学院获批2023年度省社会科学基金项目21项,总经费310万元。"
    kind = analyse("清河学院2023年度省社会科学基金青年项目获批经费是多少万元？")
    assert total_for_part(kind, total)  # (青年项目 is one kind of the 21; 310万元 is all of them)
    assert not total_for_part(analyse("清河学院2023年度省社会科学基金获批经费是多少万元？"), total)
    assert not total_for_part(analyse("清河学院2023年度省社会科学基金青年项目获批总经费是多少万元？"), total)
    assert not total_for_part(kind, "其中青年项目9项,经费90万元。")  # (the kind's own figure)
    assert "现有文件中没有找到" in read(kind.text, total, "社科基金立项")


def test_a_later_part_naming_its_own_place_drops_the_earlier_ones() -> None:
    from assistant.answer.parts import earlier_subject

    earlier = "星光慈善基金会支援辽宁灾后重建，给沈阳捐了多少"
    assert "沈阳" not in earlier_subject(earlier, None, own_year=False, own_place=True)
    assert "星光慈善基金会" in earlier_subject(earlier, None, own_year=False, own_place=True)
    assert "沈阳" in earlier_subject(earlier, None, own_year=False)  # (a later part naming no place asks the same)
    # each part is then read of its own place: a figure of the two together answers neither
    both = "星光慈善基金会捐赠800万元支援青岛、烟台两地灾后重建,物资已运抵灾区。"
    question = "星光慈善基金会支援灾后重建，给青岛捐了多少？给烟台捐了多少？"
    assert "现有文件中没有找到相关信息" in read(question, both, "慈善捐赠")


def test_a_unit_after_the_count_word_is_not_the_measure() -> None:
    from assistant.answer.question import analyse

    assert analyse("清河科创中心的办公面积有多少平方米？").measure.endswith("面积")
    assert analyse("清河县今年新增多少家高新技术企业").measure == "高新技术企业"


def test_a_measure_is_a_noun_not_a_piece_of_a_verb_or_numeral() -> None:
    from assistant.answer.question import analyse

    assert analyse("清河创投基金自成立以来已经投出去多少？").measure != "出去"  # (a piece of the verb 投出去)
    assert analyse("清河人才公寓的租金是多少一个月").measure == "租金"  # (一个 is the numeral 一个月's)


def test_which_few_asks_a_list_not_a_count() -> None:
    from assistant.answer.question import analyse

    assert analyse("清河县支持企业的措施里，减免了哪几项收费？").kind == "list"
    assert analyse("清河县支持企业的措施里，减免了几项收费？").kind == "number"


def test_a_transliterated_name_after_the_asked_role_holds_it() -> None:
    from assistant.answer.question import analyse
    from assistant.answer.scoring import role_holder_in

    info = analyse("哪位副总理表态支持能源部的提议？")
    assert role_holder_in(info, "俄罗斯副总理诺瓦克随后对能源部的提议表示支持。")
    assert not role_holder_in(info, "俄罗斯副总理随后对能源部的提议表示支持。")  # (no name)


def test_a_means_asked_is_not_a_documents_title() -> None:
    assert analyse("清河大桥桩基打不下去的问题，项目部是用什么办法解决的？").kind == "fact"
    assert analyse("清河县出台了什么办法支持科技企业？").kind == "title"  # (a document)
    text = "清河大桥桩基难以插打,项目部创新采用旋挖引孔辅助插打工艺,有效解决了这一问题。"
    assert "旋挖引孔" in read("清河大桥桩基打不下去的问题，项目部是用什么办法解决的？", text, "清河大桥建设")


def test_a_thing_named_by_a_code_is_not_another_of_its_series() -> None:
    from assistant.answer.eligibility import another_model

    q = "清河县P29路公交专线全程多少公里？"
    other = "清河县P30路公交专线全程18.2公里,共设20个站点。"
    assert another_model(q, other)  # (P30 is another line)
    assert not another_model(q, "清河县P29路公交专线全程13.4公里,与P30路换乘。")
    assert not another_model(q, "清河县公交专线全程13.4公里。")  # (no code: left to the other checks)
    assert "现有文件中没有找到" in read(q, other, "公交专线开通")


def test_a_month_dating_what_is_asked_holds_in_a_bulletin_of_that_month() -> None:
    from assistant.answer.eligibility import eligible

    q = "2025年7月清河县县长会见的那家机器人公司董事长叫什么名字？"
    info = analyse(q)
    said = "清河县县长今天会见了智联机器人公司董事长兼总经理方明远一行。"
    ok, july, august = {"year": True}, {"date": "2025-07-25", "region": "清河"}, {"date": "2025-08-02"}
    assert eligible(info, said, july, ok, info.kind, None)
    assert not eligible(info, said, august, ok, info.kind, None)  # another month
    assert not eligible(info, "6月,清河县县长会见了董事长方明远。", july, ok, info.kind, None)
    figure = analyse("2025年7月清河县新增多少家机器人企业？")  # (a figure may count the months before)
    assert not eligible(figure, "清河县新增机器人企业12家。", july, ok, "number", None)


def test_the_noun_after_which_names_the_kind_of_answer_not_what_is_asked_of_it() -> None:
    assert analyse("清河县科技成果交易会是哪家企业承办的？").focus == ("承办",)
    assert analyse("清河县科技成果交易会是哪家企业？").focus == ("企业",)  # (nothing else asked of it)
    text = (
        "清河县科技成果交易会7月26日开幕,来自国内外的300余名企业家参会。"
        "交易会由县人民政府主办,清河创新发展集团公司承办。"
    )
    assert "清河创新发展集团公司承办" in read("清河县科技成果交易会是哪家企业承办的？", text, "交易会开幕")


def test_a_compound_measure_is_not_its_modifier_and_head_in_two_other_measures() -> None:
    from assistant.answer.eligibility import measure_scattered

    info = analyse("清河新材料2025年上半年的营业利润是多少？")
    text = "报告期内,清河新材料实现营业收入12.5亿元,同比增长8.2%;归属于上市公司股东的净利润1.1亿元。"
    assert measure_scattered(info, text)  # (营业收入, 净利润: neither is 营业利润)
    assert not measure_scattered(info, "报告期内,清河新材料实现营业利润1.6亿元,营业收入12.5亿元。")
    assert not measure_scattered(info, "报告期内,清河新材料营业的利润为1.6亿元。")  # (the same measure, split by 的)
    assert "现有文件中没有找到" in read("清河新材料的营业利润是多少？", text, "清河新材料半年报")


def test_a_half_year_report_named_in_the_question_is_the_first_half_not_a_word_to_match() -> None:
    info = analyse("清河新材料2025年半年报营收是多少？")
    assert info.periods == ("上半年",) and info.measure == "营收" and "半年报" not in info.terms
    assert info.scope.time.months == (1, 6)
    assert analyse("清河新材料2025年半年度净利润是多少？").periods == ("上半年",)


def test_a_modal_and_a_verb_is_no_measure() -> None:
    q = "清河县公积金调整后，夫妻双方都正常缴存的最高能贷多少？"
    assert analyse(q).measure != "能贷"
    text = "清河县住房公积金新政明确,夫妻双方正常缴存住房公积金的,最高贷款额度由40万元调高至55万元。"
    assert "55万元" in read(q, text, "公积金新政")


def test_a_revised_rule_is_not_answered_by_the_version_in_force_before_it() -> None:
    from assistant.answer.eligibility import earlier_version

    q = "新修订的《清河县科技创新促进条例》从哪天开始施行？"
    before = "座谈会上,专家表示,现行《清河县科技创新促进条例》自2015年3月1日施行至今已10年。"
    assert earlier_version(q, before)
    assert not earlier_version(q, "新修订的《清河县科技创新促进条例》自2025年10月1日起施行,现行条例同时废止。")
    assert not earlier_version("《清河县科技创新促进条例》从哪天开始施行？", before)  # (no version asked)
    assert "现有文件中没有找到" in read(q, before, "条例修订座谈会")


def test_one_character_items_of_a_count_are_the_compound_the_question_names() -> None:
    q = "清河县那次科技立法调研，有几个省市的科技部门派人参加？"
    text = "来自9个省、市科技部门的业务骨干参加本次立法调研活动,对科技成果转化问题进行深入研究。"
    assert "9个省、市" in read(q, text, "科技立法调研")


def test_a_length_asked_of_a_thing_is_that_things_length_in_a_unit_of_length() -> None:
    q = "清河县城北快速路的清河特大桥有多长？"
    info = analyse(q)
    assert info.unit.startswith("公里") and info.measure.endswith("大桥")
    assert analyse("延期多长时间").unit != info.unit  # (a length of time)
    text = (
        "清河县城北快速路项目位于清河县城北片区,线路全长12.6公里,设计时速80公里。"
        "清河特大桥全长1260米,横跨清河,是全线控制性工程。"
    )
    assert "1260米" in read(q, text, "城北快速路建设")


def test_a_wire_datelines_date_is_not_the_date_asked_when_the_sentence_gives_another() -> None:
    q = "2025年清河县景区对全国医务工作者免门票，这个政策到哪天截止？"
    text = (
        "清河县景区今年对全国医务工作者免门票 新华社清河2月16日电(记者 王明)日前,记者从清河县文化和旅游局获悉,"
        "清河县所有A级旅游景区将于恢复营业后至2025年12月31日,对全国医务工作者实行免门票。"
    )
    assert "12月31日" in read(q, text, "景区免门票")


def test_a_figure_after_the_clause_naming_the_measure_is_its_figure() -> None:
    q = "清河县参与设立的那些投资基金，总规模是多少？"
    text = (
        "县财政局负责人在新闻发布会上介绍,近年来,清河县积极创新财政投入方式,已参与设立清创、清源、河畔等8支投资基金,"
        "总规模28亿元;先后对清河电子、河畔新材等重点项目进行投资,总投资超15亿元。"
    )
    assert "28亿元" in read(q, text, "清河县投资基金")


def test_a_measure_the_figure_stands_inside_is_named() -> None:
    from assistant.answer.scoring import measure_match

    q = "清河县2025年出台的人才新政，对回乡创业的博士最高奖多少？"
    text = "近年来,清河县委人才办推出包括“对回乡创业的博士给予最高30万元奖励”等内容的人才新政,助力乡村振兴。"
    info = analyse(q)
    assert measure_match(info, text) >= 0.5
    assert measure_match(info, text.replace("奖励", "补贴")) < 0.5  # (another measure: 最高补贴)
    assert "30万元" in read(q, text, "清河县人才新政")


def test_a_bulletin_speaks_of_the_year_it_is_dated_whatever_year_its_opening_names() -> None:
    from assistant.retrieve import QueryFilters

    meta = {"year": "2024", "date": "2025-08-07"}  # (its first line: "合作社从2024年9月开始试营业…")
    assert QueryFilters(("2025",), (), "").matches(meta) == {"year": True}
    assert QueryFilters(("2023",), (), "").matches(meta) == {"year": False}


def test_a_counter_opening_a_longer_word_counts_nothing() -> None:
    info = analyse("2025年上半年清河县新增了多少人民币贷款？")
    assert info.unit.startswith("亿元") and info.measure == "人民币贷款" and not info.counter
    assert analyse("清河县科技馆接待了多少人次？").unit.startswith("人")  # (a word of two keeps its counter)
    assert analyse("清河县有多少人参加培训？").unit.startswith("人")


def test_gdp_is_the_gross_product_a_bulletin_names() -> None:
    q = "清河县2024年GDP是多少？"
    text = "清河县2024年实现地区生产总值356.8亿元,同比增长6.2%,增速居全市第二。"
    assert "356.8亿元" in read(q, text, "清河县经济运行")


def test_one_months_figure_is_no_figure_of_the_half_year() -> None:
    from assistant.answer.eligibility import value_time_conflict

    info = analyse("2025年上半年清河县外贸出口总额是多少？")
    assert value_time_conflict(info, "此外,6月份清河县外贸出口18.5亿元,同比增长10.5%。", "2025-07-20")
    assert not value_time_conflict(info, "上半年清河县外贸出口95亿元,其中6月份出口18.5亿元。", "2025-07-20")
    # (a point in the month is the half-year's end: a stock)
    stock = analyse("2025年上半年清河县贷款余额是多少？")
    assert not value_time_conflict(stock, "6月末,清河县贷款余额1100亿元。", "2025-07-20")
    assert "现有文件中没有找到" in read(info.text, "此外,6月份清河县外贸出口18.5亿元,同比增长10.5%。", "外贸")


def test_an_intention_is_no_result_unless_the_intention_is_asked() -> None:
    from assistant.answer.eligibility import is_plan

    assert is_plan("清河县企业在博览会上达成意向成交金额35.2亿元。", {})
    assert not is_plan("此次招聘会达成就业意向136人。", {}, "最后达成就业意向的有多少人？")
    q = "清河县企业在博览会上最后实际成交金额是多少？"
    assert "现有文件中没有找到" in read(q, "清河县32家企业参加博览会,达成意向成交金额35.2亿元。", "博览会")


def test_the_head_of_a_museum_or_an_academician_is_a_person_named_by_title() -> None:
    from assistant.answer.values import persons_in

    assert any(n.startswith("王清") for n in persons_in("上午,清河县博物馆副馆长王清来到县实验小学暑托班。"))
    assert persons_in("论坛邀请中国工程院院士李河,以“生态农业”为主题作学术报告。") == ["李河"]
    q = "2025年暑假去清河县实验小学暑托班讲清河历史的那位老师是谁？"
    text = (
        "昨天上午,清河县博物馆副馆长王清来到县实验小学的爱心暑托班现场,以“清河千年”为主题讲述了清河历史,"
        "为参加暑托班的孩子们上了一堂生动的历史课。"
    )
    assert "王清" in read(q, text, "暑托班")
