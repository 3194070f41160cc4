"""Cleaning of scraped pages: furniture and trailing junk never reach a chunk; text is normalised."""

from __future__ import annotations

import pytest
from conftest import SEED_FILES, all_chunks, seed

from assistant.clean import canonical, clean, has_hidden_text

FURNITURE = ["设为首页", "加入收藏", "无障碍阅读", "长者版", "今天是:", "今天是：", "您现在的位置", "服务粉丝"]
# The "相关阅读 / 热门文章 / 最新文章" block at the end of seed 004 is unrelated scraped articles.
TRAILER = [
    "相关阅读",
    "热门文章",
    "最新文章",
    "晋江出台16条措施",
    "OPPO k1",
    "OPPO",
    "春运启幕",
    "从零开始如何开网店",
    "泉州晚报",
]


def test_seeds_really_contain_the_junk() -> None:
    """Guard: the raw seeds carry the strings the other tests expect to be removed."""
    raw = "".join(p.read_text(encoding="utf-8") for p in SEED_FILES)
    for s in [
        "设为首页",
        "加入收藏",
        "无障碍阅读",
        "长者版",
        "今天是:",
        "您现在的位置",
        "服务粉丝",
        "相关阅读",
        "热门文章",
        "最新文章",
        "晋江出台16条措施",
        "OPPO k1",
    ]:
        assert s in raw, s
    assert "多\n\n极联动" in seed("000").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_clean_removes_furniture_and_trailer(path) -> None:  # type: ignore[no-untyped-def]
    text = clean(path.read_text(encoding="utf-8"))
    assert len(text) > 1000
    for s in FURNITURE + TRAILER:
        assert s not in text, s


def test_no_junk_in_any_chunk_after_ingest(ingested) -> None:  # type: ignore[no-untyped-def]
    chunks = all_chunks(ingested)
    assert len(chunks) >= len(SEED_FILES)
    assert {c.doc_id for c in chunks} == {d["doc_id"] for d in ingested.documents()}
    for c in chunks:
        for s in FURNITURE + TRAILER:
            assert s not in c.text, (c.doc_id, c.ord, s)
            assert s not in c.heading, (c.doc_id, c.ord, s)
    # The stored document text (what citations quote) is clean as well.
    for d in ingested.documents():
        text = ingested.catalog.document(d["doc_id"])["text"]
        for s in FURNITURE + TRAILER:
            assert s not in text, (d["source"], s)


def test_main_text_of_004_is_kept(ingested) -> None:  # type: ignore[no-untyped-def]
    joined = "".join(c.text for c in all_chunks(ingested))
    # Body of the 大冶 article, just before and after the place where the junk starts.
    assert "大冶湖国家高新区" in joined
    assert "吴文胜" in joined
    assert "凝聚科技创新磅礴力量" in clean(seed("004").read_text(encoding="utf-8"))


def test_hard_wrap_rejoined_in_seed_000(ingested) -> None:  # type: ignore[no-untyped-def]
    text = clean(seed("000").read_text(encoding="utf-8"))
    assert "一核驱动、一带推进、多极联动" in text
    assert "多\n" not in text
    assert any("多极联动" in c.text for c in all_chunks(ingested))


def test_wrapped_line_joined_but_headings_and_meta_lines_kept() -> None:
    raw = (
        "一、总体要求\n\n我市将全面推进科技创新平台建设,加快构建一核驱动、一带推进、多\n\n"
        "极联动的发展格局。\n发布日期:2024年1月1日"
    )
    out = clean(raw)
    assert out.split("\n") == [
        "一、总体要求",
        "我市将全面推进科技创新平台建设,加快构建一核驱动、一带推进、多极联动的发展格局。",
        "发布日期:2024年1月1日",
    ]


def test_nfkc_full_width_digits_and_letters() -> None:
    out = clean("全市高新技术企业达到６２０家，ＡＢＣ公司获批ｋ１项目。")
    assert "620家" in out
    assert "ABC公司" in out
    assert "k1项目" in out
    assert not any("\uff10" <= ch <= "\uff5a" for ch in out)


def test_zero_width_characters_removed() -> None:
    raw = "高新\u200b技术\u200c企业\u200d达到\u2060620\ufeff家\u00ad。"
    assert has_hidden_text(raw)
    out = clean(raw)
    assert out == "高新技术企业达到620家。"
    assert not has_hidden_text(out)


def test_ideographic_and_nbsp_spaces_normalised() -> None:
    out = clean("发布\u3000日期:\xa02024年1月1日")
    assert "\u3000" not in out and "\xa0" not in out
    assert "2024年1月1日" in out


def test_canonical_ignores_whitespace_and_width() -> None:
    a = canonical("全市高新技术企业达到620家。\n力争入库2400家。")
    b = canonical("全市高新技术  企业达到６２０家。\n\n\n力争\n入库 2400 家。")
    assert a == b
    assert canonical("全市高新技术企业达到621家。") != canonical("全市高新技术企业达到620家。")


def test_body_sentence_starting_with_jintianshi_is_kept() -> None:
    line = "今天是全国科技工作者日,市科技局举行座谈会,表彰优秀科技工作者代表。"
    assert line in clean("科技快讯\n" + line)


def test_a_photo_credit_heading_a_news_item_is_furniture() -> None:
    from assistant.metadata import parse_metadata

    text = clean(
        "2025-05-06 10:00，正文：活动现场 清河日报记者 王小明 图5月6日，清河县第二届科技活动周在县科技馆开幕。"
        "活动为期一周，设置科普展览、专家讲座和青少年科技创新成果展示等内容，吸引全县师生和市民参加。"
    )
    assert text.split("\n")[1] == "活动现场 清河日报记者 王小明 图"
    title = parse_metadata(text)["title"]
    assert title.startswith("清河县第二届科技活动周") and "记者" not in title


def test_a_portal_head_of_title_date_and_source_goes_on_lines_of_its_own() -> None:
    from assistant.clean import clean
    from assistant.metadata import is_furniture_line

    raw = "清河县科技局发布《科技项目管理办法》 2025年3月2日    来源：清河县科技局\t为规范科技项目管理,制定本办法。"
    lines = clean(raw).split("\n")
    assert lines[:3] == ["清河县科技局发布《科技项目管理办法》", "2025年3月2日", "来源:清河县科技局"]
    assert is_furniture_line(lines[1]) and is_furniture_line(lines[2])  # metadata, never an answer on its own
    assert not is_furniture_line("2025年3月2日召开科技工作会议")


@pytest.mark.parametrize(
    ("raw", "head", "date"),
    [
        # a dateline that lost its year: on a line of its own, and no year guessed
        ("05-06 10:00，正文：", ["05-06 10:00"], ""),
        ("2025/05/06 ，正文：", ["2025/05/06"], "2025-05-06"),
        # the source runs into the wire lead ("转自：新华社新华社…电")
        (
            "2025-05-06，正文：转自：新华社新华社清河5月6日电（记者 王小明）",
            ["2025-05-06", "转自:新华社"],
            "2025-05-06",
        ),
        # a column tag before the outlet's lead
        ("2025-05-06，正文：【科技快讯】清河日报讯(记者 王小明) ", ["2025-05-06", "【科技快讯】"], "2025-05-06"),
        # a channel's name ends at 频道 even when the text follows without a break
        ("来源：清河网－科技频道", ["来源:清河网-科技频道"], ""),
        # the source, a bar and a dateline in words with its time
        (
            "来源：清河日报  |  2025年05月06日 13:55:06，正文：   本报讯 （记者 王小明）",
            ["来源:清河日报", "2025年05月06日 13:55:06", "本报讯 (记者 王小明)"],
            "2025-05-06",
        ),
    ],
)
def test_news_heads_of_every_form_are_metadata(raw: str, head: list[str], date: str) -> None:
    from assistant.metadata import is_furniture_line, parse_metadata

    body = "清河县第二届科技活动周5月6日在县科技馆开幕,活动为期一周,吸引全县师生和市民参加。"
    text = clean(raw + body)
    lines = text.split("\n")
    assert lines[: len(head)] == head
    assert all(is_furniture_line(line) for line in head)
    meta = parse_metadata(text)
    assert meta["title"].startswith("清河县第二届科技活动周") and meta["date"] == date


def test_the_place_of_a_title_cut_from_a_long_first_sentence_is_read_to_the_end_of_its_clause() -> None:
    from assistant.metadata import parse_metadata

    text = clean(
        "2025-05-06，正文：清河市政府新闻办举行“高质量发展”系列新闻发布会第二场——“加快城市更新 推动产业升级”"
        "江北区专场,介绍城市更新情况,发布会在清河市新闻中心举行。区长介绍了有关情况。"
    )
    meta = parse_metadata(text)
    assert meta["title"].endswith("…") and "江北" not in meta["title"]
    assert meta["region"] == "江北"


def test_a_title_naming_only_a_venue_gives_the_place_the_body_is_about() -> None:
    from assistant.metadata import parse_metadata

    title = "2025重大项目发布活动今天在松江广富林文化中心举办"
    body = "上海发布2025年重大项目清单,嘉定、青浦、松江、奉贤、南汇五个新城共导入项目40项。上海将持续推进新城建设。"
    assert parse_metadata(clean(f"{title}\n{body}"))["region"] == "上海"
    # a body about somewhere else does not move the item away from its venue
    other = "杭州代表团参加活动,杭州、宁波两地企业签约项目12个。杭州将加强合作。"
    assert parse_metadata(clean(f"{title}\n{other}"))["region"] == "松江"
    # a title that names a place besides its venue keeps the usual reading
    assert parse_metadata(clean(f"嘉定区科技节今天在松江广富林文化中心举办\n{body}"))["region"] != "上海"


def test_the_one_district_a_city_item_names_more_than_once_is_what_it_focuses_on() -> None:
    from assistant.answer import ExtractiveAnswerer
    from assistant.metadata import parse_metadata
    from assistant.types import Chunk, Passage

    title = "成都市政府举行新闻发布会 介绍城区科技创新进展"
    body = (
        "有媒体提问,武侯汇集了众多高校,如何推动成果转化?武侯区科技局局长回答,我们与四川大学共同打造了环川大知识经济圈,"
        "在3.1平方公里的土地上,实现近420亿元产值。全市技术合同成交额达到1200亿元。"
    )
    meta = parse_metadata(clean(f"{title}\n{body}"))
    assert meta["region"] == "成都" and meta["focus_id"].endswith("/武侯区")
    # two districts named: a round-up, no focus; one named once: in passing, no focus
    assert not parse_metadata(clean(f"{title}\n{body}锦江区同期实现产值300亿元。"))["focus_id"]
    assert not parse_metadata(clean(f"{title}\n{body.replace('武侯汇集', '城区汇集')}"))["focus_id"]

    text = clean(f"{title}\n{body}")
    read_ = ExtractiveAnswerer()
    p = Passage(Chunk("d:0", "d", 0, 0, len(text), text), 1.0, meta)
    assert "420亿元" in read_("武侯区环川大知识经济圈实现了多少产值？", [p]).answer
    # a sentence about the whole city (全市) is not about the district the item focuses on
    assert "现有文件中没有找到" in read_("武侯区技术合同成交额是多少？", [p]).answer
    assert "1200亿元" in read_("成都市技术合同成交额是多少？", [p]).answer


def test_a_venue_or_filing_city_inside_a_place_the_title_names_is_not_the_title_s_place() -> None:
    from assistant.metadata import parse_metadata

    body = "会议指出,全省将推进水利科技创新,到2028年争创5个以上省级科普教育基地。"
    assert parse_metadata(clean(f"四川省水利科技工作会议在成都召开\n{body}"))["region"] == "四川"
    wire = "中新网成都7月25日电(记者 周明远)\n25日,四川省人大常委会会议在成都举行。全省上半年实际使用外资增长12%。"
    assert parse_metadata(clean(wire))["region"] == "四川"
    # a venue in no place the title names keeps the usual reading
    assert parse_metadata(clean(f"川渝人才交流会在成都启动\n{body}"))["region"] == "成都"


def test_a_place_inside_a_quoted_name_is_not_the_title_s_place() -> None:
    from assistant.metadata import parse_metadata

    body = "会议指出,要推动电子信息产业高质量发展。与会专家围绕产业链建设建言献策。"
    title = "省委书记在成都会见出席第二期“都江堰论坛”的院士专家"
    assert parse_metadata(clean(f"{title}\n{body}"))["region"] == "成都"  # not 都江堰
    assert parse_metadata(clean(f"“都江堰论坛”举行\n{body}"))["region"] == "都江堰"  # nothing else is named
