"""The gazetteer, document and sentence time, news furniture and the scope check, on documents of their own."""

from __future__ import annotations

from assistant.clean import clean
from assistant.gazetteer import gazetteer, short_name
from assistant.metadata import is_furniture_line, parse_metadata
from assistant.scope import place_conflict, question_scope, time_conflict, time_of
from assistant.timeref import document_date, question_time, resolve, sentence_times


def uids(text: str, lenient: bool = False) -> list[str]:
    return [p.uid for m in gazetteer().mentions(text, lenient) for p in m.places]


def test_gazetteer_hierarchy_and_short_forms() -> None:
    g = gazetteer()
    assert (
        short_name("辽中区") == "辽中"
        and short_name("黔南布依族苗族自治州") == "黔南"
        and short_name("内蒙古自治区") == "内蒙古"
    )
    assert uids("沈阳辽中区的企业") == ["辽宁省/沈阳市", "辽宁省/沈阳市/辽中区"]
    liaozhong = g.places["辽宁省/沈阳市/辽中区"]
    assert [p.name for p in g.lineage(liaozhong)] == ["辽中区", "沈阳市", "辽宁省"]
    assert g.relation(liaozhong, g.places["辽宁省"]) == "inside"
    assert g.relation(liaozhong, g.places["湖南省/长沙市/雨花区"]) == "disjoint"


def test_common_words_are_not_places_but_full_names_are() -> None:
    assert uids("坚持和平发展，大同小异，推进创新平台建设") == []
    assert uids("荆门市东宝区") == ["湖北省/荆门市", "湖北省/荆门市/东宝区"]
    assert uids("东宝2024年新认定多少家企业", lenient=True) == ["湖北省/荆门市/东宝区"]  # a question is about places
    # a city's short form that jieba also reads as a common word is a place before a unit inside it
    assert uids("保定莲池区新增几家企业", lenient=True) == ["河北省/保定市", "河北省/保定市/莲池区"]
    assert uids("开封式创新平台建设", lenient=True) == []
    # a county's two-character full name inside a longer word names nothing ("建成县级…": not 甘肃 成县)
    assert uids("建成县级农产品电商服务中心,和县级部门对接", lenient=True) == []
    assert uids("甘肃成县新增企业12家,和县新增8家") == ["甘肃省", "甘肃省/陇南市/成县", "安徽省/马鞍山市/和县"]


def test_a_shared_name_is_resolved_by_the_other_places_named() -> None:
    assert uids("北京市朝阳区") == ["北京市", "北京市/朝阳区"]
    assert uids("辽宁朝阳") == ["辽宁省", "辽宁省/朝阳市"]
    # two 鼓楼区 lie in 江苏 (南京's and 徐州's): the one in the city the text also names is meant
    assert uids("江苏省南京市召开会议，鼓楼区作交流发言") == ["江苏省", "江苏省/南京市", "江苏省/南京市/鼓楼区"]
    # a city's 市 that opens the name of one of its districts is the district's: 济南市中区, not 济南市 and a 中区
    assert uids("济南市中区新增企业12家") == ["山东省/济南市", "山东省/济南市/市中区"]
    assert uids("青岛市南区和市北区") == ["山东省/青岛市", "山东省/青岛市/市南区", "山东省/青岛市/市北区"]
    assert uids("武汉市中心城区") == ["湖北省/武汉市"]


def test_document_date_from_datelines_fields_and_signatures() -> None:
    assert document_date("2024-03-08 09:15:02，正文：今年一季度…") == "2024-03-08"
    assert document_date("[ 2022-11-30 16：40 ] ，正文：…") == "2022-11-30"
    assert document_date("25-06-02 08:00，正文：…") == "2025-06-02"
    assert document_date("标题\n发布时间：2021年5月6日\n正文") == "2021-05-06"
    assert document_date("通知正文。\n某某县科学技术局\n2020年9月1日") == "2020-09-01"
    assert document_date("没有日期的公告，2019-13-45 不是日期") == ""


def test_relative_time_resolves_against_the_document_date() -> None:
    r = resolve("今年上半年，技术合同成交额达到9.1亿元", "2024-07-20")
    assert (r.year, r.months, r.how) == (2024, (1, 6), "relative")
    r = resolve("去年一季度新增企业12家", "2024-07-20")
    assert (r.year, r.months) == (2023, (1, 3))
    assert resolve("1至9月完成投资", "2022-10-10").months == (1, 9)
    assert resolve("前三季度", "2022-10-10").months == (1, 9)
    assert resolve("截至6月底累计", "2022-10-10").months == (1, 6)
    assert resolve("下一步，将加快建设", "2022-10-10").plan
    assert (question_time("2023年上半年").year, question_time("2023年上半年").months) == (2023, (1, 6))
    assert question_time("一季度完成了多少").year is None  # a question's part of the year guesses no year


def test_a_sentence_inherits_the_time_of_its_paragraph() -> None:
    text = "今年上半年，临川市技术合同成交额达到9.1亿元。其中，技术开发合同4.2亿元。\n2022年全年成交额15亿元。"
    times = [ref for _, _, ref in sentence_times(text, "2024-07-20")]
    assert [(t.year, t.months, t.how) for t in times] == [
        (2024, (1, 6), "relative"),
        (2024, (1, 6), "inherited"),
        (2022, (1, 12), "explicit"),
    ]


NEWS = (
    "2024-07-20 10:02:33，正文：原标题：宜宾上半年技术合同成交额增长三成 本报讯（记者 张三 通讯员 李四）今年上半年，"
    "宜宾市技术合同成交额达到23.6亿元，同比增长31%。宜宾市科技局表示，下一步将继续推进成果转化。（完）"
)


def test_news_furniture_becomes_metadata_and_is_never_an_answer_sentence() -> None:
    text = clean(NEWS)
    lines = text.split("\n")
    assert lines[0] == "2024-07-20 10:02:33" and lines[1].startswith("原标题") and is_furniture_line(lines[2])
    meta = parse_metadata(text)
    assert meta["title"] == "宜宾上半年技术合同成交额增长三成"
    assert meta["date"] == "2024-07-20" and meta["year"] == "2024"
    assert meta["region_id"] == "四川省/宜宾市" and "张三" in meta["author"]
    assert not is_furniture_line(
        "本报讯（记者 张三）今年上半年，宜宾市技术合同成交额达到23.6亿元，同比增长31%，增速居全省第一。"
    )


def test_scope_refuses_another_place_or_time() -> None:
    meta = parse_metadata(clean(NEWS))
    text = clean(NEWS)
    start = text.index("今年上半年")
    sent = text[start : text.index("。", start) + 1]
    right = question_scope("2024年上半年宜宾市技术合同成交额是多少")
    assert not place_conflict(right, sent, meta) and not time_conflict(right, time_of(text, start, meta))
    assert place_conflict(question_scope("2024年上半年鞍山市技术合同成交额是多少"), sent, meta)
    assert time_conflict(question_scope("2023年上半年宜宾市技术合同成交额是多少"), time_of(text, start, meta))
    assert time_conflict(question_scope("2024年一季度宜宾市技术合同成交额是多少"), time_of(text, start, meta))
    # a place inside an organisation's name is not what the sentence is about
    assert not place_conflict(right, "宜宾市与成都理工大学签约共建实验室。", meta)


def test_a_bulletin_without_date_or_place_is_not_filtered_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.chain import QA
    from assistant.index import Library
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder="hash")
    lib = Library(settings, writer=True)
    try:
        lib.add_text("关于科技特派员工作的简报\n全年共选派科技特派员118名，服务企业260家。")
        meta = lib.documents()[0]
        assert meta["date"] == "" and meta["region"] == ""
        ans = QA(settings, library=lib).ask("2025年共选派了多少名科技特派员")
        assert not ans.refused and "118名" in ans.answer
    finally:
        lib.close()


def test_the_scorer_ships_and_matches_the_code() -> None:
    from assistant.answer import analyse
    from assistant.scorer import FEATURES, features, load_scorer

    scorer = load_scorer()
    assert scorer is not None and 0.3 <= scorer.threshold <= 0.99
    assert scorer.report["train_questions"] > 300 and scorer.report["held_out_questions"] > 50
    info = analyse("全年选派了多少名科技特派员")
    x = features(info, "全年共选派科技特派员118名，服务企业260家。", 0.9, 0.9, False)
    y = features(info, "会议强调要提高认识。", 0.1, 0.1, False)
    assert len(x) == len(FEATURES) and scorer.prob(x) > scorer.prob(y)


def test_a_passage_naming_the_asked_place_matches_when_its_document_has_none() -> None:
    from assistant.retrieve import QueryFilters

    f = QueryFilters(places=("浙江",))
    # a national roundup (no place found for the document) whose passage names the province
    assert f.matches({"places": "", "region": ""}, "浙江省上线新型肺炎公共服务与管理平台。") == {"place": True}
    assert f.matches({"places": "", "region": ""}, "各地加强疫情防控。") == {}  # unknown, not another place
    assert f.matches({"places": "南京,江苏", "region": "南京"}, "江苏出台政策。") == {"place": False}
    assert f.matches({"places": "杭州,浙江", "region": "杭州"}, "全省出台政策。") == {"place": True}


def test_a_figure_in_a_clause_about_other_places_is_not_the_asked_places() -> None:
    from assistant.answer.eligibility import value_place_conflict
    from assistant.answer.question import analyse

    q = analyse("2023年总部在上海的数字化服务能力突出企业有几家？")
    other = "表现突出的企业有76家分布在北京市、上海市、广东省,其中53家企业总部位于北京。"
    assert value_place_conflict(q, other)  # 76家 names three places together, 53家 another one
    own = "表现突出的企业中,总部位于上海的有12家。"
    assert not value_place_conflict(q, own)
    framed = "上海市浦东新区2023年新增总部企业12家。"  # a district inside the asked city agrees
    assert not value_place_conflict(q, framed)
    assert not value_place_conflict(q, "表现突出的企业共76家。")  # no place in the figure's clause: not decided here


def test_a_clause_opening_with_the_whole_unit_is_about_that_unit() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.types import Chunk, Passage

    meta = {"title": "复工复产取得阶段性成效", "region": "九江", "region_id": "江西省/九江市", "places": "九江,江西"}
    sent = "目前,全省在建省大中型项目复工率达91.2%,其中交通项目复工率达88.4%。"
    # a 九江 wire item's "全省…" is about 江西, not 九江
    assert place_conflict(question_scope("九江市在建项目复工率是多少"), sent, meta)
    assert not place_conflict(question_scope("江西省在建项目复工率是多少"), sent, meta)
    # ranking within the unit is not about all of it
    assert not place_conflict(question_scope("九江市高企数量是多少"), "九江市高企数量位居全省前列,达到512家。", meta)
    p = Passage(Chunk("c0", "d0", 0, 0, len(sent), sent), 1.0, meta)
    assert "91.2%" in ExtractiveAnswerer()("江西省在建省大中型项目复工率达到了多少？", [p]).answer


def test_a_question_asking_a_whole_unit_is_not_answered_by_a_part() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.answer.eligibility import figures_of_part
    from assistant.answer.question import analyse
    from assistant.types import Chunk, Passage

    q = analyse("杭州全市一共有多少家数字安防企业？")
    assert [p.name for p in q.scope.places] == ["杭州市"] and [p.name for p in q.scope.whole] == ["杭州市"]
    assert figures_of_part(q, "滨江区现有数字安防企业约150家,约占杭州全市三成。")  # a district's
    assert figures_of_part(q, "钱塘新区现有数字安防企业62家。")  # a zone named by the city
    assert figures_of_part(q, "区统计局共认定全区数字安防企业95家,增幅居全市第一。")  # 全区 inside 全市
    assert not figures_of_part(q, "全市现有数字安防企业510家,其中滨江区150家。")  # 510家 is the whole's
    # a rank or share within the unit asks no whole; the place asked alone (no 全市) accepts its districts
    assert not analyse("滁州哪两项指标拿了全省第一？").scope.whole
    assert not analyse("杭州有多少家数字安防企业？").scope.whole
    meta = {"title": "杭州数字安防产业发展报告", "region": "杭州", "region_id": "浙江省/杭州市", "places": "杭州,浙江"}
    part = "滨江区现有数字安防企业约150家,约占杭州全市三成。"
    whole = "全市现有数字安防企业510家,规模居全省首位。"
    ask = ExtractiveAnswerer()
    p = Passage(Chunk("c0", "d0", 0, 0, len(part), part), 1.0, meta)
    assert ask("杭州全市一共有多少家数字安防企业？", [p]).refused
    assert "150家" in ask("杭州滨江区有多少家数字安防企业？", [p]).answer
    both = Passage(Chunk("c1", "d0", 0, 0, len(part + whole), part + whole), 1.0, meta)
    assert "510家" in ask("杭州全市一共有多少家数字安防企业？", [both]).answer


def test_a_place_issuing_a_cited_document_is_not_what_the_sentence_is_about() -> None:
    from assistant.scope import sentence_places

    cited = "按照宜宾市《关于加强社区防控工作的通告》要求,翠屏区拟于2月14日起实施封闭式管理。"
    assert [p.name for p in sentence_places(cited, {})] == ["翠屏区"]
    cited_by_office = "根据宜宾市人民政府办公室印发的《实施方案》,翠屏区拟于2月14日起实施封闭式管理。"
    assert [p.name for p in sentence_places(cited_by_office, {})] == ["翠屏区"]
    assert [p.name for p in sentence_places("宜宾市将于2月14日起实施封闭式管理。", {})] == ["宜宾市"]


def test_a_titles_edition_is_no_time_asked() -> None:
    from assistant.retrieve import parse_filters
    from assistant.timeref import question_time

    q = "《清河县科技创新发展报告(2021年版)》里，全县高新技术企业有多少家？"
    assert question_time(q, "2026-12-06").year is None  # the edition names the report, not the year asked
    assert parse_filters(q).years == ()
    q2 = "《南屏县科技统计年鉴（2022）》中，研发投入占比从多少升到了多少？"
    assert question_time(q2, "2026-12-06").year is None and parse_filters(q2).years == ()
    asked = "《清河县科技创新发展报告(2021年版)》里，2020年全县高新技术企业有多少家？"
    assert question_time(asked, "2026-12-06").year == 2020 and parse_filters(asked).years == ("2020",)


def test_a_county_short_form_of_another_province_is_the_weakest_reading_of_a_word() -> None:
    from assistant.scope import sentence_places

    zhengzhou = {"region_id": "河南省/郑州市", "region": "郑州"}
    sent = "毕业3年以内来郑就业的青年人才,在郑首次购买新建商品住房的,给予购房契税补贴。"
    assert [p.name for p in sentence_places(sent, zhengzhou)] == ["郑州市"]  # 新建 (newly built), not 南昌 新建区
    assert not place_conflict(question_scope("郑州青年人才购房契税补贴要求毕业几年以内"), sent, zhengzhou)
    nanchang = {"region_id": "江西省/南昌市", "region": "南昌"}
    assert "新建区" in [p.name for p in sentence_places("新建区新增高新技术企业12家。", nanchang)]


def test_the_report_period_is_what_a_periodic_reports_bulletin_means_by_reporting_period() -> None:
    from assistant.scope import sentence_months

    text = (
        "2025-08-20 18:30，正文：8月20日，清河新材料股份有限公司发布2025年半年度报告。"
        "报告期内，公司实现营业收入12.5亿元，同比增长8.2%。公司表示，下半年将扩大产能。"
    )
    meta = parse_metadata(clean(text))
    assert meta["report"] == "2025:1-6" and meta["date"] == "2025-08-20"
    body = clean(text)
    at = body.index("报告期内")
    assert time_of(body, at, meta).months == (1, 6) and time_of(body, at, meta).year == 2025
    assert sentence_months("报告期内，公司实现营业收入12.5亿元。", meta) == (1, 6)
    assert sentence_months("公司一季度实现营业收入5.1亿元。", meta) == (1, 3)  # (its own period first)
    annual = parse_metadata(clean("2025-03-20，正文：清河新材料发布2024年年报。报告期内营收20亿元。"))
    assert annual["report"] == "2024:1-12"
    for other in ("清河县2025年工作报告显示…", "2025年第三季度报告", "2025年报道"):  # (none, or ambiguous)
        assert parse_metadata(clean(f"2025-10-20，正文：{other}。"))["report"] == ""


def test_a_place_name_as_frequent_as_a_common_word_is_no_place_in_a_question() -> None:
    # 港口区 (防城港) and 和平区 exist, but "港口" and "和平" are words jieba counts thousands of times
    assert uids("那批货是从哪个港口发出的？", lenient=True) == []
    assert uids("和平利用外层空间的会议在哪开的？", lenient=True) == []
    assert uids("防城港市港口区新增几家企业", lenient=True) == [
        "广西壮族自治区/防城港市",
        "广西壮族自治区/防城港市/港口区",
    ]
    assert uids("雨花2023年技术合同成交额多少", lenient=True) == ["湖南省/长沙市/雨花区"]  # (a rare word: a place)


def test_an_undated_plan_of_several_years_is_dated_by_its_first_year() -> None:
    text = "清河县人力资源服务业2024—2026年行动计划印发。\n通讯员 王明 7月29日,清河县人才大讲堂在县委党校举办。"
    assert parse_metadata(text)["year"] == "2024"


def test_a_month_naming_when_a_meeting_was_held_is_no_period_a_count_is_asked_over() -> None:
    from assistant.answer.question import analyse

    for q in ("2025年7月在清河开的科技论坛，线下来了多少人？", "2025年8月清河县那个产学研对接会有几个部门参加？"):
        info = analyse(q)
        assert info.periods == () and info.scope.time.year == 2025 and info.scope.time.months is None, q
    assert analyse("2025年7月清河县新增多少家企业？").periods == ("7月",)  # (a month counted over)


def test_the_month_of_a_meeting_is_no_term_to_match() -> None:
    from assistant.answer.question import analyse

    assert "7" not in analyse("2025年7月在清河开的科技论坛，线下来了多少人？").terms
