"""Metadata read from the seed documents themselves, and overrides."""

from __future__ import annotations

import pytest
from conftest import seed

from assistant.clean import clean
from assistant.metadata import normalize_date, parse_metadata


def meta_of(prefix: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    return parse_metadata(clean(seed(prefix).read_text(encoding="utf-8")), overrides)


def test_002_work_plan_fields() -> None:
    m = meta_of("002")
    assert m["title"] == "2021年全市科技工作要点"
    assert m["issuer"] == "咸宁市科学技术局"
    assert m["date"] == "2021-03-04"
    assert m["doc_number"] == "咸科技发〔2021〕1号"
    assert m["index_no"] == "011336941/2021-09705"
    assert m["doc_type"] == "工作要点"
    assert m["year"] == "2021"
    assert m["region"] == "咸宁"
    assert m["places"].split(",") == ["咸宁", "湖北"]


def test_003_district_work_plan() -> None:
    m = meta_of("003")
    assert m["title"] == "2023年下陆区科技创新工作要点"
    assert m["region"] == "下陆"
    assert m["places"].split(",") == ["下陆", "黄石", "湖北"]
    assert m["doc_type"] == "工作要点"
    assert m["year"] == "2023"


def test_004_daye_news() -> None:
    m = meta_of("004")
    assert m["region"] == "大冶"
    assert m["doc_type"] == "新闻"
    assert "大冶" in m["title"]
    # Furniture lines ("服务粉丝", "当前位置") must not become the title.
    assert "服务粉丝" not in m["title"] and "当前位置" not in m["title"]


def test_001_progress_report() -> None:
    m = meta_of("001")
    assert m["doc_type"] == "进展报告"
    assert m["year"] == "2024"
    assert m["issuer"] == "咸宁市科学技术局"
    # Written (signature) date wins over the later publication date.
    assert m["date"] == "2024-10-12"
    assert m["published"] == "2025-02-21"
    assert m["title"].startswith("市科技局关于2024年")


def test_000_news_page() -> None:
    m = meta_of("000")
    assert m["doc_type"] == "新闻"
    assert m["region"] == "咸宁"
    assert m["year"] == "2021"


def test_all_values_are_strings() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        m = meta_of(prefix)
        assert all(isinstance(v, str) for v in m.values()), prefix


def test_overrides_win() -> None:
    m = meta_of("002", {"title": "自定义标题", "date": "2020-05-06", "issuer": "黄石市科学技术局"})
    assert m["title"] == "自定义标题"
    assert m["date"] == "2020-05-06"
    assert m["issuer"] == "黄石市科学技术局"
    # The year follows an overridden date unless the year is overridden too.
    assert m["year"] == "2020"
    # Fields not overridden are still read from the document.
    assert m["doc_number"] == "咸科技发〔2021〕1号"


def test_empty_overrides_do_not_erase() -> None:
    m = meta_of("002", {"title": "", "date": "", "issuer": ""})
    assert m == meta_of("002")


def test_bulletin_metadata(bulletin: str) -> None:
    m = parse_metadata(clean(bulletin))
    assert m["title"] == "咸宁市科技局关于开展2024年科技型中小企业评价工作的通知"
    assert m["doc_type"] == "通知"
    assert m["issuer"] == "咸宁市科学技术局"
    assert m["date"] == "2024-02-20"
    assert m["year"] == "2024"
    assert m["region"] == "咸宁"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2021年03月04日", "2021-03-04"),
        ("2021-3-4", "2021-03-04"),
        ("2024年10月12日", "2024-10-12"),
        ("2024年13月01日", ""),
        ("2024年", ""),
        ("", ""),
    ],
)
def test_normalize_date(raw: str, expected: str) -> None:
    assert normalize_date(raw) == expected


def test_a_round_up_of_several_provinces_has_no_region() -> None:
    roundup = (
        "各地出台稳岗政策\n近日，各地人社部门密集出台政策。上海继续返还失业保险费，上海预计14万家单位受益。"
        "天津阶段性降低失业保险费率，天津单位费率为0.5%；山西预计为企业减负20亿元。"
    )
    assert parse_metadata(clean(roundup))["region"] == ""  # 上海 and 天津 twice each: about no one place
    one = "清河县科技工作简报\n清河县新增孵化器12家。清河县技术合同成交额3.2亿元。邻近的临西县也有进展。"
    assert parse_metadata(clean(one))["region"] == "清河"
