"""Real published tables (tests/data/real, with their sources) read to the figures their
publishers print. Each table was transcribed faithfully, quirks included; see SOURCES.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from perfeval_core.analysis.scoring import score
from perfeval_core.io.loader import load_path

from .conftest import ROOT

REAL = ROOT / "tests" / "data" / "real"
SOURCES = sorted(REAL.glob("*.source.json"))
# tables whose printed total contradicts their own rows, as published: (rows, printed)
CONTRADICTING = {"zipingbiao_shanxi_jiandanglika_2020": ("93.00", "94.00")}


def source(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def budget_leaf(ev) -> str | None:
    level1 = ev.level1
    hit = level1[(level1["name"] == "预算执行率") & ~level1["code"].isin(set(ev.indicators["parent"].dropna()))]
    return None if hit.empty else str(hit["code"].iloc[0])


def test_there_are_at_least_ten_real_tables_of_several_provinces_and_kinds():
    sources = [source(p) for p in SOURCES]
    assert len(sources) >= 10
    assert len({s["province"] for s in sources}) >= 6
    assert len({s["kind"] for s in sources}) >= 3
    for s in sources:
        assert (REAL / s["file"]).exists(), s["file"]
        assert s["url"] or s["notes"], s["file"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name.split(".")[0])
def test_real_table_reads_to_its_published_figures(path):
    s = source(path)
    stem = s["file"].rsplit(".", 1)[0]
    published = s["published"]
    result = load_path(REAL / s["file"])
    lines = result.report.lines()
    assert not any("Traceback" in line for line in lines)
    if stem in CONTRADICTING:
        rows, printed = CONTRADICTING[stem]
        error = next(i for i in result.report.errors if i.key == "score_total_contradiction")
        assert rows in error.text() and printed in error.text()
        return
    if s.get("truncated") and not published["leaves"]:
        assert not result.ok  # cut off before its first indicator: nothing to read, and said so
        return
    assert result.ok, lines
    ev = result.indicator_system
    assert ev is not None
    leaves = [c for c in ev.leaves["code"] if c != budget_leaf(ev)]
    if not s.get("truncated"):
        assert len(leaves) == published["leaves"], lines
    names = dict(zip(ev.level1["name"], ev.level1["code"]))
    for entry in published["level1"]:
        if entry["name"] not in names:
            continue
        row = ev.indicators[ev.indicators["code"] == names[entry["name"]]].iloc[0]
        if entry["points"] is not None and not s.get("truncated"):
            assert row["points"] == pytest.approx(entry["points"]), entry
    if s["blank"] or published["total"] is None:
        if not s.get("truncated"):
            assert result.blank, lines
        return
    assert not result.blank
    result_scores = score(result.evaluation)
    unit = result_scores.model.unit_names[0]
    assert f"{result_scores.unit_total(unit):.2f}" == f"{published['total']:.2f}", lines
    if published["rating"]:
        assert result_scores.ratings[0] == published["rating"]
    table = result_scores.table().iloc[0]
    for entry in published["level1"]:
        if entry["score"] is not None and entry["name"] in table:
            assert table[entry["name"]] == pytest.approx(entry["score"]), entry


@pytest.mark.parametrize("name", ["henan_zhiyejineng_2021-2024_fujian1_pingfenbiao.xlsx",
                                  "henan_zhiyejineng_2021-2024_fubiao3-3to3-6_defenqingkuang.xlsx"])
def test_both_shared_henan_tables_give_the_published_65_points(name):
    result = load_path(REAL / name)
    assert result.ok, result.report.lines()
    ev = result.evaluation
    r = score(ev)
    assert f"{r.total[0]:.2f}" == "65.00" and r.ratings[0] == "中"
    assert ev.level1["name"].tolist() == ["决策", "过程", "产出", "效益"]
    assert ev.level1["points"].tolist() == [15, 25, 25, 35]
    assert [round(v, 2) for v in r.level1[0]] == [10.40, 11.47, 19.88, 23.25]
    assert len(ev.leaves) == 28 and (ev.indicators["level"] == 2).sum() == 12
    assert ev.level1["code"].tolist() == ["A", "B", "C", "D"]
    for name_ in ev.indicators["name"]:
        assert not re.search(r"\d+(\.\d+)?分$", name_) and not re.match(r"^[A-D]\d*", name_), name_
    assert not any(i.key == "score_total_contradiction" for i in result.report.issues)


def test_the_stacked_code_list_checks_each_table_against_its_total():
    result = load_path(REAL / "henan_zhiyejineng_2021-2024_fubiao3-3to3-6_defenqingkuang.xlsx")
    assert result.report.layout == "code_list"
    assert not result.report.warnings, result.report.lines()  # every subtotal and 合计 agrees


def test_a_rating_printed_beside_the_total_is_kept_and_checked():
    result = load_path(REAL / "zipingbiao_yunnan_yingyanggaishan_2022.xlsx")
    assert result.evaluation.project.reported_rating == "优"
    assert not any(i.key == "rating_mismatch" for i in result.report.issues)


def test_a_form_whose_total_leaves_out_the_budget_line_says_so_and_matches_its_total():
    result = load_path(REAL / "zipingbiao_sichuan_shuibiaochi_2022.xlsx")
    assert any(i.key == "budget_outside_total" for i in result.report.issues)
    assert "预算执行率" not in result.evaluation.indicators["name"].tolist()
    assert not result.evaluation.budget.empty  # the budget figures are kept all the same
