"""Targets vs results: indicator extraction, storage, tables and cited answers."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import SEED_FILES

from assistant import indicators as ind
from assistant.clean import clean
from assistant.indicators import Record, extract, is_comparison, match_indicator, render_answer, table
from assistant.metadata import parse_metadata

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "indicators_gold.jsonl"
QUESTIONS = ROOT / "eval" / "indicator_questions.jsonl"
NEWS = {"doc_type": "新闻", "region": "咸宁", "year": "2022"}
PLAN = {"doc_type": "工作要点", "region": "下陆", "year": "2023"}
REPORT = {"doc_type": "进展报告", "region": "咸宁", "year": "2024"}


def one(text: str, meta: dict[str, str] = NEWS) -> Record:
    [rec] = extract("d", text, meta)
    return rec


def seed_records() -> list[Record]:
    out = []
    for path in SEED_FILES:
        text = clean(path.read_text(encoding="utf-8"))
        out += extract(path.name, text, parse_metadata(text))
    return out


# -- extraction on small strings ---------------------------------------------------------------
def test_money_is_normalized_to_yi_yuan() -> None:
    r = one("全年技术合同成交额达到3500万元。")
    assert (r.indicator, r.value, r.unit, r.raw) == ("技术合同成交额", 0.35, "亿元", "3500万元")
    r = one("企业享受研发费加计扣除10.05亿元。")
    assert (r.indicator, r.value, r.unit, r.raw) == ("研发费用加计扣除", 10.05, "亿元", "10.05亿元")


def test_percent_and_counts() -> None:
    r = one("高新技术产业增加值占GDP比重达到17%。")
    assert (r.indicator, r.value, r.unit) == ("高新技术产业增加值占GDP比重", 17.0, "%")
    r = one("高新技术增加值占GDP比重15.7%。")
    assert r.indicator == "高新技术产业增加值占GDP比重" and r.value == 15.7
    r = one("目前,大冶人才总量达7.2万人。")
    assert (r.value, r.unit, r.raw) == (72000.0, "人", "7.2万人")
    r = one("全市选派各级科技特派员274人。")
    assert (r.indicator, r.value, r.unit) == ("科技特派员人数", 274.0, "人")


def test_share_is_not_the_value_and_value_is_not_the_share() -> None:
    recs = extract("d", "高新技术产业增加值达到86.3亿元,占GDP比重为21.5%。", NEWS)
    assert {(r.indicator, r.value) for r in recs} == {
        ("高新技术产业增加值", 86.3),
        ("高新技术产业增加值占GDP比重", 21.5),
    }


def test_incompatible_units_and_non_indicator_figures_are_skipped() -> None:
    assert extract("d", "减免56家高企所得税1.78亿元。", NEWS) == []
    assert extract("d", "引进8所高校科研团队开展成果转化,转化金额近2000万元。", NEWS) == []
    assert extract("d", "建成成果转化中试研究基地2家。", NEWS) == []
    assert extract("d", "力争入库的科技型中小企业比例达到50%。", NEWS) == []
    # A density and an application count are not the number of 高企.
    assert extract("d", "每万家企业法人中高新技术企业数56家、科技型中小企业入库数65家。", NEWS) == []
    assert extract("d", "目前已申报高新技术企业270家。", NEWS) == []
    # A range over several years is not one year's figure.
    assert extract("d", "计划用3-5年时间,引进或成立科技孵化器5-8家。", NEWS) == []


def test_new_and_level_make_their_own_indicators() -> None:
    assert one("新增高新技术企业16家。", PLAN).indicator == "新增高新技术企业数"
    assert one("新认定国家高新技术企业46家。").indicator == "新增高新技术企业数"
    recs = extract("d", "2021年,建成省级“星创天地”5家、市级“星创天地”7家。", PLAN)
    assert [(r.indicator, r.value) for r in recs] == [("省级星创天地数", 5.0), ("市级星创天地数", 7.0)]
    recs = extract("d", "目前,全市现有创新平台中,国家级5家、省级64家、黄石市级90家。", NEWS)
    assert [(r.indicator, r.value) for r in recs] == [
        ("国家级创新平台数", 5.0),
        ("省级创新平台数", 64.0),
        ("市级创新平台数", 90.0),
    ]
    assert one("力争2023年申报备案3家省级创新平台。", PLAN).indicator == "省级创新平台数"
    assert one("创星科技企业孵化器3家获批省级科技企业孵化器。").indicator == "省级孵化器数"


def test_kind_detection() -> None:
    assert one("技术合同成交额达到55亿元。", PLAN).kind == "target"  # a plan states targets
    assert one("完成技术合同成交额达61亿元。").kind == "achieved"
    assert one("预计高新技术企业达330家。").kind == "forecast"
    assert one("力争全年高新技术企业达到500家。").kind == "target"
    assert one("计划到2025年,全市高新技术企业突破800家。").kind == "target"  # cue in the opening clause
    assert one("全年争取国家、省级无偿科技经费2000万元以上。").kind == "target"  # "以上" after the figure
    # The cue only reaches its own clause: 预计 330家 does not make 15.7% a forecast.
    recs = extract("d", "入库科技型中小企业407家,预计高新技术企业达330家,高新技术增加值占GDP比重15.7%。", NEWS)
    assert [r.kind for r in recs] == ["achieved", "forecast", "achieved"]
    text = "一、完成科技成果转化120项。(第18条)\n一是目前完成成果转化95项。"
    assert [(r.value, r.kind) for r in extract("d", text, REPORT)] == [(120.0, "target"), (95.0, "achieved")]


def test_year_and_place() -> None:
    assert one("2021年,全市高新技术企业达到300家。", {**NEWS, "year": "2022"}).year == "2021"
    assert one("全市高新技术企业达到300家。").year == "2022"  # the document's year
    r = one("发布《关于征集2024年项目的通知》,高新技术企业达到300家。")
    assert r.year == "2022"  # a year inside a title is not the figure's year
    assert one("2022年,大冶市高新技术企业达到243家。").place == "大冶"
    assert one("新增湖北省科创“新物种”企业4家。", {**NEWS, "region": "大冶"}).place == "大冶"
    # An institution's place name (建行咸宁分行) is not the subject; a parent of the region neither.
    assert one("与建行咸宁分行签约,新增授信8.34亿元。", {**NEWS, "region": "下陆"}).place == "下陆"
    assert one("引导企业入驻黄石离岸科创园,技术合同交易额达8.47亿元。", PLAN).place == "下陆"


def test_offsets_point_at_the_sentence() -> None:
    text = "标题\n2021年,实现科技成果转化70项,完成科技成果登记80项。\n技术合同成交额达到55亿元。"
    recs = extract("d", text, {**PLAN, "region": "咸宁", "year": "2021"})
    assert len(recs) == 3
    for r in recs:
        assert text[r.start : r.end] == r.sentence and r.phrase in r.sentence and r.raw in r.phrase


# -- storage ------------------------------------------------------------------------------------
def _records() -> list[Record]:
    return extract("a", "2021年,实现科技成果转化70项,技术合同成交额达到55亿元。", {**PLAN, "region": "咸宁"}) + extract(
        "b", "2021年,转化科技成果97项。", {**NEWS, "region": "咸宁", "year": "2021"}
    )


@pytest.mark.parametrize("autocommit", [True, False])
def test_sqlite_round_trip(tmp_path: Path, autocommit: bool) -> None:
    db = sqlite3.connect(tmp_path / "c.sqlite3", isolation_level=None if autocommit else "")
    db.execute("PRAGMA journal_mode=WAL")
    recs = _records()
    assert ind.replace_records(db, "a", [r for r in recs if r.doc_id == "a"]) == 2
    assert ind.replace_records(db, "b", [r for r in recs if r.doc_id == "b"]) == 1
    assert ind.query(db) == sorted(recs, key=lambda r: (r.indicator, r.place, r.year, r.doc_id, r.start))
    got = ind.query(db, indicator="科技成果转化项数", place="咸宁")
    assert [(r.doc_id, r.value, r.kind) for r in got] == [("a", 70.0, "target"), ("b", 97.0, "achieved")]
    assert ind.indicators_available(db) == [("技术合同成交额", "咸宁"), ("科技成果转化项数", "咸宁")]
    # Replacing does not append.
    ind.replace_records(db, "a", [r for r in recs if r.doc_id == "a"][:1])
    assert len(ind.query(db)) == 2
    assert ind.delete_records(db, "a") == 1
    assert [r.doc_id for r in ind.query(db)] == ["b"]
    assert ind.query(db, place="大冶") == []
    with pytest.raises(ValueError):
        ind.replace_records(db, "x", recs)
    db.close()
    other = sqlite3.connect(tmp_path / "c.sqlite3")  # committed, visible to another connection
    assert [r.doc_id for r in ind.query(other)] == ["b"]
    other.close()


def test_records_join_the_callers_transaction(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "c.sqlite3", isolation_level=None)
    ind.ensure_table(db)
    db.execute("BEGIN IMMEDIATE")
    ind.replace_records(db, "a", [r for r in _records() if r.doc_id == "a"])
    assert db.in_transaction  # not committed behind the caller's back
    db.execute("ROLLBACK")
    assert ind.query(db) == []


def test_catalog_backfill_and_delete(tmp_path: Path) -> None:
    from assistant.store import Catalog

    cat = Catalog(tmp_path / "catalog.sqlite3")
    path = [p for p in SEED_FILES if p.name.startswith("002")][0]
    text = clean(path.read_text(encoding="utf-8"))
    cat.commit_document("doc2", path.name, "canon", parse_metadata(text), text, [], [])
    assert ind.backfill(cat.db) > 10
    assert ind.backfill(cat.db) == 0  # only documents without records
    assert {r.doc_id for r in ind.query(cat.db)} == {"doc2"}
    cat.delete_document("doc2")  # removes the document's records in the same transaction
    assert ind.query(cat.db) == [] and ind.delete_records(cat.db, "doc2") == 0
    # Records left behind by a crash between two writes are pruned.
    cat.commit_document("doc3", path.name, "canon3", parse_metadata(text), text, [], [])
    assert ind.backfill(cat.db) > 10
    cat.db.execute("DELETE FROM documents WHERE doc_id='doc3'")
    assert ind.prune(cat.db) > 10 and ind.query(cat.db) == []
    cat.close()


# -- the seeds against the hand-checked gold -----------------------------------------------------
def _key(source: str, r: dict | Record) -> tuple:
    g = r if isinstance(r, dict) else r.__dict__
    return (source, g["indicator"], round(float(g["value"]), 6), g["unit"], g["year"], g["place"], g["kind"])


def test_seed_extraction_precision_recall() -> None:
    gold = {_key(g["source"], g) for g in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())}
    got = {_key(r.doc_id, r) for r in seed_records()}
    tp = gold & got
    precision, recall = len(tp) / len(got), len(tp) / len(gold)
    print(
        f"\n[indicators] seeds: {len(got)} extracted, {len(gold)} gold, precision {precision:.3f}, recall {recall:.3f}"
    )
    for k in sorted(gold - got):
        print("  missed  ", k)
    for k in sorted(got - gold):
        print("  spurious", k)
    assert precision >= 0.8 and recall >= 0.8


# Sentences written in bureau style but not taken from the seeds. Set 1 was written before the first run
# and then used to fix general phrasing gaps (first measured P 0.80 / R 0.60); set 2 was written after
# those fixes and not tuned on (measured P 0.80 / R 0.67): it is the honest estimate off the seeds.
A, T, F = "achieved", "target", "forecast"
P1 = {"doc_type": "工作要点", "region": "嘉鱼", "year": "2024"}
HELD_1 = [
    (
        "2022年,全市新增高新技术企业85家,高新技术企业总数达到425家。",
        NEWS,
        [("新增高新技术企业数", 85, "2022", "咸宁", A), ("高新技术企业数", 425, "2022", "咸宁", A)],
    ),
    ("全年技术合同成交额完成102.5亿元,同比增长68%。", NEWS, [("技术合同成交额", 102.5, "2022", "咸宁", A)]),
    (
        "赤壁市高新技术产业增加值达到86.3亿元,占GDP比重为21.5%。",
        NEWS,
        [("高新技术产业增加值", 86.3, "2022", "赤壁", A), ("高新技术产业增加值占GDP比重", 21.5, "2022", "赤壁", A)],
    ),
    ("预计全年研发费用加计扣除额将达到15亿元。", NEWS, [("研发费用加计扣除", 15, "2022", "咸宁", F)]),
    ("力争2023年科技成果转化项目达到150项。", NEWS, [("科技成果转化项数", 150, "2023", "咸宁", T)]),
    (
        "全市共有省级以上众创空间12家、孵化器8家。",
        NEWS,
        [("省级以上众创空间数", 12, "2022", "咸宁", A), ("省级以上孵化器数", 8, "2022", "咸宁", A)],
    ),
    ("选派科技特派员312名,实现乡镇全覆盖。", NEWS, [("科技特派员人数", 312, "2022", "咸宁", A)]),
    ("科技型中小企业评价入库1205家,较上年增加300家。", NEWS, [("科技型中小企业入库数", 1205, "2022", "咸宁", A)]),
    ("全社会研发投入强度达到2.1%。", NEWS, [("R&D投入强度", 2.1, "2022", "咸宁", A)]),
    ("获得省科学技术奖励9项,其中一等奖2项。", NEWS, [("省级科技奖励数", 9, "2022", "咸宁", A)]),
    (
        "高新技术企业净增20家,技术合同登记额突破30亿元。",
        P1,
        [("新增高新技术企业数", 20, "2024", "嘉鱼", T), ("技术合同成交额", 30, "2024", "嘉鱼", T)],
    ),
    ("全年争取上级科技项目资金5600万元。", NEWS, [("争取上级科技经费", 0.56, "2022", "咸宁", A)]),
    ("新认定国家高新技术企业46家。", NEWS, [("新增高新技术企业数", 46, "2022", "咸宁", A)]),
    ("市级农业科技示范基地达到35个。", NEWS, [("市级农业科技示范基地数", 35, "2022", "咸宁", A)]),
    ("通城县高新技术企业达到58家,比上年增加12家。", NEWS, [("高新技术企业数", 58, "2022", "通城", A)]),
    ("计划到2025年,全市高新技术企业突破800家。", NEWS, [("高新技术企业数", 800, "2025", "咸宁", T)]),
]
N2 = {"doc_type": "新闻", "region": "黄冈", "year": "2023"}
P2 = {"doc_type": "规划", "region": "孝感", "year": "2025"}
R2 = {"doc_type": "进展报告", "region": "宜昌", "year": "2023"}
HELD_2 = [
    (
        "2023年,全市高新技术企业数量突破1000家,科技型中小企业入库2350家。",
        N2,
        [("高新技术企业数", 1000, "2023", "黄冈", A), ("科技型中小企业入库数", 2350, "2023", "黄冈", A)],
    ),
    ("全市技术合同交易额达到156.8亿元,较上年增长35%。", N2, [("技术合同成交额", 156.8, "2023", "黄冈", A)]),
    (
        "麻城市新增省级众创空间3家、省级星创天地2家。",
        N2,
        [("新增省级众创空间数", 3, "2023", "麻城", A), ("新增省级星创天地数", 2, "2023", "麻城", A)],
    ),
    ("企业享受研发费用加计扣除减免税额3.2亿元。", N2, []),
    ("预计全年高新技术产业增加值增长15%以上。", N2, []),
    ("全年共选派省、市、县三级科技特派员1200余人。", N2, [("科技特派员人数", 1200, "2023", "黄冈", A)]),
    (
        "截至目前,全市拥有各类创新平台320个,其中国家级12个。",
        N2,
        [("创新平台数", 320, "2023", "黄冈", A), ("国家级创新平台数", 12, "2023", "黄冈", A)],
    ),
    (
        "到2025年,全市高新技术企业达到1500家,研发投入强度达到2.5%以上。",
        P2,
        [("高新技术企业数", 1500, "2025", "孝感", T), ("R&D投入强度", 2.5, "2025", "孝感", T)],
    ),
    ("每万人口发明专利拥有量达到5件。", P2, []),
    ("一、全年完成技术合同登记额80亿元。", R2, [("技术合同成交额", 80, "2023", "宜昌", T)]),
    ("截至9月底,已完成技术合同登记额62.3亿元,占年度目标的77.9%。", R2, [("技术合同成交额", 62.3, "2023", "宜昌", A)]),
    ("高新技术企业申报数量达到260家。", N2, []),
    ("武汉理工大学与黄冈签约,转化科技成果15项。", N2, [("科技成果转化项数", 15, "2023", "黄冈", A)]),
    ("全市技术合同成交额同比增长20%。", N2, []),
    (
        "新增高企156家,总数达到612家。",
        N2,
        [("新增高新技术企业数", 156, "2023", "黄冈", A), ("高新技术企业数", 612, "2023", "黄冈", A)],
    ),
    ("全市科技型中小企业达到1800家。", N2, [("科技型中小企业入库数", 1800, "2023", "黄冈", A)]),
    ("争取中央和省级科技资金1.5亿元。", N2, [("争取上级科技经费", 1.5, "2023", "黄冈", A)]),
    ("浠水县新认定高新技术企业28家。", N2, [("新增高新技术企业数", 28, "2023", "浠水", A)]),
]


@pytest.mark.parametrize(
    ("name", "cases", "floor_p", "floor_r"),
    [("set 1 (tuned)", HELD_1, 0.9, 0.9), ("set 2 (unseen)", HELD_2, 0.75, 0.6)],
)
def test_heldout_sentences(name: str, cases: list, floor_p: float, floor_r: float) -> None:
    gold, got = set(), set()
    for i, (text, meta, expected) in enumerate(cases):
        gold |= {(i, e[0], round(float(e[1]), 6), *e[2:]) for e in expected}
        got |= {(i, r.indicator, round(r.value, 6), r.year, r.place, r.kind) for r in extract(f"h{i}", text, meta)}
    tp = len(gold & got)
    precision, recall = tp / max(1, len(got)), tp / len(gold)
    print(
        f"\n[indicators] held-out {name}: precision {precision:.3f}, recall {recall:.3f} ({len(got)} extracted, "
        f"{len(gold)} expected)"
    )
    for k in sorted(gold - got):
        print("  missed  ", k)
    for k in sorted(got - gold):
        print("  spurious", k)
    assert precision >= floor_p and recall >= floor_r  # regression floors, below what was measured


# -- questions, tables, answers -------------------------------------------------------------------
def test_match_indicator_and_is_comparison() -> None:
    assert match_indicator("2021年咸宁科技成果转化目标是多少，实际完成了多少") == "科技成果转化项数"
    assert match_indicator("咸宁高新技术企业数量这几年怎么变化") == "高新技术企业数"
    assert match_indicator("高企有多少家") == "高新技术企业数"
    assert match_indicator("下陆区新增高新技术企业目标") == "新增高新技术企业数"
    assert match_indicator("2021年高新技术产业增加值占GDP比重的目标实现了没有") == "高新技术产业增加值占GDP比重"
    assert match_indicator("2024年技术合同登记成交额的目标") == "技术合同成交额"
    assert match_indicator("2021年市级星创天地计划建几家") == "市级星创天地数"
    assert match_indicator("R&D投入强度是多少") == "R&D投入强度"
    assert match_indicator("离岸科创园选址在哪里") is None
    for q in (
        "2021年咸宁科技成果转化目标是多少，实际完成了多少",
        "咸宁高新技术企业数量这几年怎么变化",
        "历年技术合同成交额",
        "高企数量的变化趋势",
        "目标和实际对比",
        "2024年成果转化进度怎么样",
        "2021年技术合同成交额的目标是多少?完成了吗?",
    ):
        assert is_comparison(q), q
    for q in (
        "2021年全市企业一共享受了多少研发费用加计扣除?",
        "离岸科创园选址在哪里",
        "2021年高新技术企业目标是多少家",
    ):
        assert not is_comparison(q), q


def test_table_computes_rate_and_states_missing_cells() -> None:
    recs = seed_records()
    rows = table(recs, "科技成果转化项数", "咸宁")
    assert [r["year"] for r in rows] == ["2021", "2024"]
    r2021, r2024 = rows
    assert r2021["target"]["value"] == 70 and r2021["achieved"]["value"] == 97 and r2021["rate"] == "138.6%"
    assert r2024["target"]["value"] == 120 and r2024["achieved"]["value"] == 95 and r2024["rate"] == "79.2%"
    assert r2021["forecast"] is None
    src = r2021["target"]["sources"][0]
    assert src["doc_id"].startswith("002") and "70项" in src["sentence"]
    [row] = table(recs, "技术合同成交额", "下陆", years=["2023"])
    assert row["target"]["raw"] == "8.47亿元" and len(row["target"]["sources"]) == 2
    assert row["achieved"] is None and row["rate"] is None
    [row] = table(recs, "技术合同成交额", "下陆", years=["2030"])
    assert row["target"] is None and row["achieved"] is None


def test_render_answer_cites_every_figure() -> None:
    recs = seed_records()
    texts = {p.name: clean(p.read_text(encoding="utf-8")) for p in SEED_FILES}
    text, rows, sources = render_answer("2021年咸宁科技成果转化目标是多少，实际完成了多少", recs)
    print("\n" + text)
    assert "| 2021年 | 70项[1] | 97项[2] | 138.6% |" in text
    assert "已完成目标" in text and len(rows) == 1
    assert [s[0][:3] for s in sources] == ["002", "000"]
    for n, (doc_id, start, end) in enumerate(sources, 1):
        sentence = texts[doc_id][start:end]
        # every figure cited [n] is written in sentence n
        for fig in re.findall(r"([^|；\s]+?)((?:\[\d+\])+)", text):
            if f"[{n}]" in fig[1]:
                assert fig[0].replace("预计", "").replace("另有", "") in sentence
    for row in rows:  # every cell's phrase is written in each sentence it cites
        for kind in ("target", "achieved", "forecast"):
            for entry in [row[kind], *row[kind]["others"]] if row[kind] else []:
                for s in entry["sources"]:
                    assert entry["text"] in texts[s["doc_id"]][s["start"] : s["end"]]
                    assert (s["doc_id"], s["start"], s["end"]) in sources
    assert set(ind.source_sentences(rows)) == set(sources)
    text, rows, sources = render_answer("2023年下陆区技术合同交易额目标是多少，实际完成了多少", recs)
    print(text)
    assert "8.47亿元[1][2]" in text and "实际完成：现有文件中未找到" in text and "| 未找到 |" in text
    assert rows[0]["achieved"] is None
    text, rows, _ = render_answer("咸宁高新技术企业数量这几年怎么变化", recs)
    print(text)
    assert [r["year"] for r in rows] == ["2021", "2024"]
    assert (
        "超过340家" in text
        and "预计330家" in text
        and "620家" in text
        and "2024年咸宁实际完成：现有文件中未找到" in text
    )
    text, rows, sources = render_answer("2025年咸宁高新技术企业目标和实际完成情况", recs)
    assert "| 2025年 | 未找到 | 未找到 | — |" in text and sources == []
    text, rows, _ = render_answer("离岸科创园的目标和实际", recs)
    assert rows == [] and "没有识别" in text


def test_indicator_question_set() -> None:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 20
    assert [r["id"] for r in rows] == [f"i{i:03d}" for i in range(1, len(rows) + 1)]
    assert all(r["type"] == "indicator" and r["split"] == ("dev" if i % 2 == 0 else "test") for i, r in enumerate(rows))
    assert all(
        set(r) == {"id", "user_input", "reference", "reference_key_facts", "reference_sources", "type", "split"}
        for r in rows
    )
    recs = seed_records()
    passed = []
    for r in rows:
        assert is_comparison(r["user_input"]) and match_indicator(r["user_input"]), r["id"]
        text, table_rows, sources = render_answer(r["user_input"], recs)
        assert ind.answerable(r["user_input"], table_rows), r["id"]
        flat = re.sub(r"\s+", "", text)
        ok = all(any(v in flat for v in fact) for fact in r["reference_key_facts"])
        ok = ok and {s[0] for s in sources} <= set(r["reference_sources"])
        passed.append(ok)
        if not ok:
            print("  failed", r["id"], r["user_input"])
    print(
        f"\n[indicators] question set: {sum(passed)}/{len(passed)} answers hold every key fact, cite only reference "
        f"sources"
    )
    assert sum(passed) / len(passed) >= 0.9


def test_answerable_leaves_result_only_questions_without_results_to_the_refusal() -> None:
    recs = seed_records()
    for q in ("下陆区2023年技术合同交易额最终完成了多少?", "2023年下陆区科技型中小企业实际入库了多少家?"):
        assert is_comparison(q)
        assert not ind.answerable(q, render_answer(q, recs).rows), q
    for q in (
        "2023年下陆区技术合同交易额目标是多少，实际完成了多少？",
        "截至2024年三季度,咸宁技术合同成交额完成了多少?",
    ):
        assert ind.answerable(q, render_answer(q, recs).rows), q
    assert not ind.answerable(
        "2025年咸宁高新技术企业目标和实际", render_answer("2025年咸宁高新技术企业目标和实际", recs).rows
    )


def test_routing_on_the_main_question_set() -> None:
    """Questions of eval/questions.jsonl the indicator path would take: key facts kept, none unanswerable."""
    recs = seed_records()
    taken = []
    for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        u = q["user_input"]
        if not (is_comparison(u) and match_indicator(u)):
            continue
        text, rows, _ = render_answer(u, recs)
        if not ind.answerable(u, rows):
            continue
        flat = re.sub(r"\s+", "", text)
        ok = q["type"] != "unanswerable" and all(any(v in flat for v in fact) for fact in q["reference_key_facts"])
        taken.append((q["id"], ok))
    print(
        f"\n[indicators] main question set: {len(taken)} routed to tables, {sum(ok for _, ok in taken)} keep every key "
        f"fact"
    )
    assert taken and all(ok for _, ok in taken), [i for i, ok in taken if not ok]


def test_relative_years_are_resolved_and_part_years_are_not_records() -> None:
    dated = {"doc_type": "新闻", "region": "咸宁", "year": "2024", "date": "2024-03-02"}
    assert one("去年,全市高新技术企业达到310家。", dated).year == "2023"  # 去年 against the bulletin's date
    assert one("全市高新技术企业达到330家。", dated).year == "2024"
    assert (
        extract("d", "今年上半年,全市技术合同成交额达到23.6亿元。", dated) == []
    )  # half a year is not the year's figure


def test_a_rate_of_attainment_is_read_in_any_of_its_wordings() -> None:
    """Questions and table headers name how far a target was reached in several wordings; the table's own column
    label is only written, never the one word matched."""
    from assistant.indicators.routing import TARGET_ASKED
    from assistant.tables import RATE_HEAD

    for question in ("清河县技术合同成交额的达成率是多少", "清河县孵化器建设完成比例多少", "清河县实现率怎么样"):
        assert TARGET_ASKED.search(question), question
    for head in ("完成率", "实现率（%）", "达成比例", "完成程度"):
        assert RATE_HEAD.search(head), head
    assert not RATE_HEAD.search("完成值")
