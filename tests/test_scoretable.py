"""The single-sheet 评分表 loader, on fixtures built by tests/fixtures/scoretables/build.py.

Expected totals are worked out by hand from the fixture definitions in build.py, never with
the loader: points as given, else 得分率 × 分值.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from perfeval_core.io.scoretable import find_score_table, load_score_table
from perfeval_core.io.sheets import read_workbook
from perfeval_core.model.evaluation import INDICATOR_COLUMNS, SCORE_COLUMNS, UNIT_COLUMNS
from perfeval_core.model.report import ValidationReport

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "scoretables"

MERGED = {
    "project": "街道社区党组织建设项目", "year": 2023, "region": "呼和浩特市", "mode": "财政评价",
    "levels": {1: 4, 2: 8, 3: 16},
    "level1": ["决策", "过程", "产出", "效益"],
    # 赛罕区 14.5 + 21.68 + 30 + 25.4; 新城区 13 + 22 + 27 + 26; 玉泉区 13 + 20.5 + 27.5 + 15.96
    "totals": {"赛罕区": 91.58, "新城区": 88.0, "玉泉区": 76.96},
}
EXPECTED = {
    "merged_units.xls": {**MERGED, "reported": {"赛罕区": 91.58, "新城区": 88.0, "玉泉区": 76.96}},
    # openpyxl keeps no value for the 赛罕区 SUM formula in the 合计 row
    "merged_units.xlsx": {**MERGED, "reported": {"新城区": 88.0, "玉泉区": 76.96}},
    "single_unit_lo.xlsx": {
        "project": "城市社区党组织服务群众专项经费", "year": 2024, "region": "", "mode": "财政评价",
        "levels": {1: 4, 2: 8, 3: 13},
        "level1": ["决策", "过程", "产出", "效益"],
        # 5+5+4+5 + 5+5+5+3 + 10+10+10 + 15+13.5
        "totals": {"丰南区青年路街道": 95.5},
        "reported": {"丰南区青年路街道": 95.5},
    },
    "four_levels.xls": {
        "project": "社区治理项目", "year": 2023, "region": "乌兰察布市", "mode": "部门评价",
        "levels": {1: 4, 2: 6, 3: 9, 4: 7},
        "level1": ["决策", "过程", "产出", "效益"],
        # 3+1.5+5+4+3 + 9.67+2.5+2.68+8 + 10+10+6.6 + 17.92
        "totals": {"乌兰察布市": 83.87},
        "reported": {"乌兰察布市": 83.87},
    },
    "mixed_labels.xlsx": {
        "project": "社区党建工作经费", "year": 2023, "region": "", "mode": "单位自评",
        "levels": {1: 3, 2: 5, 3: 6},
        "level1": ["决策", "过程", "产出及效益"],
        # 10+9.5+14.51+15+18+27; 8+10+12+13.5+20 (满意度 not scored)
        "totals": {"赛罕区": 94.01, "新城区": 63.5},
        "reported": {"赛罕区": 94.01, "新城区": 63.5},
    },
    "prefixed_units_gbk.csv": {
        "project": "街道社区党组织建设项目", "year": 2023, "region": "呼和浩特市", "mode": "财政评价",
        "levels": {1: 4, 2: 5, 3: 6},
        "level1": ["决策", "过程", "产出", "效益"],
        # 赛罕区 9 + 0.8×10 + 9.671 + 5.365 + 1.0×30 + 26.874; 新城区 10+7+10+6+27+27;
        # 玉泉区 (0.9, 1, 0.95, 0.5) × 10 + 0.8×30 + 0.9×30
        "totals": {"赛罕区": 88.91, "新城区": 87.0, "玉泉区": 84.5},
        "reported": {"赛罕区": 88.91, "新城区": 87.0},
    },
    "rate_only_utf8bom.csv": {
        "project": "社区服务经费", "year": 2022, "region": "玉泉区", "mode": "财政评价",
        "levels": {1: 4, 2: 7, 3: 7},
        "level1": ["投入", "过程", "产出", "效果"],
        # 回民区 0.9671×10 + 0.9×10 + 10 + 10 + 0.5×20 + 0.95×20 + 0.8×20 (fractions)
        # 玉泉区 1×10 + 0.9×10 + 0.85×10 + 1×10 + 0.6×20 + 0.95×20 + 0.8958×20 (percents)
        "totals": {"回民区": 83.671, "玉泉区": 86.416},
        "reported": {},
    },
}


def load(name: str):
    data = (FIXTURES / name).read_bytes()
    raw = read_workbook(data, name)
    report = ValidationReport()
    return load_score_table(raw, report, name), report


def load_workbook_bytes(wb: Workbook, name: str = "table.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    raw = read_workbook(buffer.getvalue(), name)
    report = ValidationReport()
    return load_score_table(raw, report, name), report


def unit_totals(ev) -> dict[str, float]:
    full = dict(zip(ev.indicators["code"], ev.indicators["points"]))
    totals: dict[str, float] = {}
    for row in ev.scores.itertuples():
        points = row.points if not math.isnan(row.points) else row.rate * full[row.code]
        totals[row.unit] = totals.get(row.unit, 0.0) + points
    return totals


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def loaded(request):
    ev, report = load(request.param)
    assert ev is not None, report.lines()
    return request.param, ev, report


def test_each_fixture_loads_without_errors(loaded):
    name, ev, report = loaded
    assert report.errors == [], report.lines()
    assert ev.layout == "score_table"
    assert ev.source_name == name
    assert any(i.key == "layout_detected" for i in report.issues)


def test_per_unit_totals_match_the_hand_computed_ones(loaded):
    name, ev, _ = loaded
    expected = EXPECTED[name]["totals"]
    totals = unit_totals(ev)
    assert list(totals) == list(expected)
    for unit, total in expected.items():
        assert totals[unit] == pytest.approx(total, abs=1e-9), unit
    assert list(ev.units["name"]) == list(expected)


def test_reported_total_rows_go_to_reported_unit_totals(loaded):
    name, ev, _ = loaded
    expected = EXPECTED[name]["reported"]
    assert ev.reported_unit_totals == pytest.approx(expected)


def test_indicator_count_per_level(loaded):
    name, ev, _ = loaded
    counts = ev.indicators["level"].value_counts().sort_index().to_dict()
    assert counts == EXPECTED[name]["levels"]


def test_level_names_lose_their_points(loaded):
    name, ev, _ = loaded
    assert list(ev.level1["name"]) == EXPECTED[name]["level1"]
    for indicator in ev.indicators["name"]:
        assert not re.search(r"[(（]\s*[0-9０-９.]+\s*分?\s*[)）]", indicator), indicator
        assert not re.match(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+\.)", indicator)


def test_project_name_year_region_and_mode_come_from_the_title(loaded):
    name, ev, _ = loaded
    expected = EXPECTED[name]
    assert ev.project.name == expected["project"]
    assert ev.project.year == expected["year"]
    assert ev.project.region == expected["region"]
    assert ev.project.mode == expected["mode"]


def test_total_row_never_becomes_an_indicator(loaded):
    _, ev, _ = loaded
    assert not set(ev.indicators["name"]) & {"合计", "总分", "总计"}


def test_frames_follow_the_model_columns_and_dtypes(loaded):
    _, ev, _ = loaded
    assert list(ev.indicators.columns) == INDICATOR_COLUMNS
    assert list(ev.units.columns) == UNIT_COLUMNS
    assert list(ev.scores.columns) == SCORE_COLUMNS
    for column in ("points", "target"):
        assert ev.indicators[column].dtype == float
    for column in ("points", "rate", "actual"):
        assert ev.scores[column].dtype == float
    assert ev.indicators["code"].is_unique
    codes = set(ev.indicators["code"])
    assert set(ev.indicators["parent"].dropna()) <= codes
    assert set(ev.scores["code"]) <= set(ev.leaves["code"])
    assert not ev.scores.duplicated(["unit", "code"]).any()
    # parents carry the sum of their leaves
    for row in ev.indicators.itertuples():
        children = ev.indicators[ev.indicators["parent"] == row.code]
        if len(children):
            assert row.points == pytest.approx(children["points"].sum())
    assert ev.level1["points"].sum() == pytest.approx(100.0)


def test_fixtures_named_as_libreoffice_output_really_are():
    for name in ("merged_units.xls", "four_levels.xls"):
        assert (FIXTURES / name).read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    with zipfile.ZipFile(FIXTURES / "single_unit_lo.xlsx") as z:
        assert b"LibreOffice" in z.read("docProps/app.xml")


def test_header_row_is_found_below_the_title_rows():
    raw = read_workbook((FIXTURES / "merged_units.xls").read_bytes(), "merged_units.xls")
    found = find_score_table(raw)
    assert found is not None
    sheet, row = found
    assert sheet.name == "评分表"
    assert row == 2  # Excel row 3; the unit names share it, 得分 / 扣分原因 are on row 4


def test_generated_codes_follow_the_level_pattern():
    ev, _ = load("merged_units.xls")
    ind = ev.indicators.set_index("name")
    assert ind.at["决策", "code"] == "A"
    assert ind.at["项目立项", "code"] == "A1"
    assert ind.at["立项依据充分性", "code"] == "A101"
    assert ind.at["立项依据充分性", "parent"] == "A1"
    assert ind.at["服务对象满意度", "code"] == "D103"
    assert ind.at["决策", "parent"] is None


def test_code_column_gives_the_leaves_codes_in_a_four_level_tree():
    ev, _ = load("four_levels.xls")
    leaves = ev.leaves
    assert list(leaves["code"]) == [f"D{k:02d}" for k in range(1, 14)]
    ind = ev.indicators.set_index("code")
    assert ind.at["D01", "name"] == "政策依据"
    assert ind.at["D01", "level"] == 4
    assert ind.at["D01", "parent"] == "A101"
    assert ind.at["A101", "name"] == "立项依据充分性"
    assert ind.at["A101", "points"] == 5.0
    # a level-3 leaf beside level-4 ones
    assert ind.at["D03", "name"] == "立项程序规范性"
    assert ind.at["D03", "level"] == 3
    assert ind.at["B102", "name"] == "预算执行率"
    assert ind.at["D07", "parent"] == "B102"


def test_sources_locate_the_points_and_score_cells():
    ev, _ = load("merged_units.xls")
    leaf = ev.indicators.set_index("name").loc["预算执行率"]  # the hidden row 12
    assert (leaf["src_sheet"], leaf["src_row"], leaf["src_col"]) == ("评分表", 12, 3)
    parent = ev.indicators.set_index("name").loc["资金管理"]
    assert parent["src_row"] == 11  # its first child's row
    score = ev.scores.set_index(["unit", "code"]).loc[("赛罕区", "B102")]
    assert score["points"] == 2.68
    assert (score["src_row"], score["src_col"]) == (12, 5)
    assert ev.scores.set_index(["unit", "code"]).loc[("新城区", "B102"), "src_col"] == 7


def test_rate_without_points_keeps_the_rate_and_points_to_the_rate_cell():
    ev, _ = load("prefixed_units_gbk.csv")
    scores = ev.scores.set_index(["unit", "code"])
    row = scores.loc[("赛罕区", "A201")]
    assert math.isnan(row["points"])
    assert row["rate"] == pytest.approx(0.8)
    assert (row["src_row"], row["src_col"]) == (4, 6)
    assert scores.loc[("赛罕区", "C101"), "rate"] == pytest.approx(1.0)  # "１００％"
    assert scores.loc[("新城区", "C101"), "points"] == 27.0  # "２７"
    assert scores.loc[("新城区", "C101"), "reason"] == "部分未完成"


def test_rate_columns_in_percent_or_fraction():
    ev, _ = load("rate_only_utf8bom.csv")
    scores = ev.scores.set_index(["unit", "code"])
    assert scores.loc[("回民区", "A101"), "rate"] == pytest.approx(0.9671)  # "96.71%"
    assert scores.loc[("回民区", "B201"), "rate"] == pytest.approx(1.0)  # 1 in a fraction column
    assert scores.loc[("回民区", "C201"), "rate"] == pytest.approx(0.95)  # "９５％"
    assert scores.loc[("玉泉区", "D101"), "rate"] == pytest.approx(0.8958)  # 89.58 in a percent column
    assert scores["points"].isna().all()
    assert scores.loc[("回民区", "A101"), "reason"] == "依据不足"
    assert ev.project.evaluator == "内蒙古腾冠管理咨询有限公司"


def test_unit_name_comes_from_the_title_block_or_region_or_default():
    ev, report = load("single_unit_lo.xlsx")
    assert list(ev.units["name"]) == ["丰南区青年路街道"]
    assert not any(i.key == "scoretable_default_unit" for i in report.issues)
    ev, report = load("four_levels.xls")
    assert list(ev.units["name"]) == ["乌兰察布市"]
    assert any(i.key == "scoretable_default_unit" for i in report.issues)
    ev, _ = load("bad_points.xlsx")
    assert list(ev.units["name"]) == ["评价对象"]


def test_declared_level_points_are_checked_against_the_children():
    for name in ("merged_units.xls", "merged_units.xlsx"):
        _, report = load(name)
        warnings = [i.text() for i in report.warnings if i.key == "scoretable_level_points"]
        assert warnings == ["评分表!B17：“产出质量”标注 10 分，但下级指标分值合计 15"]


def test_sections_enumerators_and_text_numbers():
    ev, _ = load("mixed_labels.xlsx")
    ind = ev.indicators.set_index("name")
    assert ind.at["项目立项", "parent"] == ind.at["决策", "code"]
    assert ind.at["立项程序规范性", "parent"] == ind.at["项目立项", "code"]
    assert ind.at["实际完成率", "points"] == 20.0  # "２０"
    assert ind.at["满意度", "points"] == 30.0  # " 30 "
    assert ind.at["立项依据充分性", "criteria"] == "依据充分得满分"
    assert "管理制度健全性" in ind.index  # a hidden row


def test_formulas_with_cached_values_are_read():
    ev, report = load("single_unit_lo.xlsx")
    scores = ev.scores.set_index("code")
    assert scores.at["A201", "points"] == pytest.approx(4.0)  # =C7*G7 with 得分率 0.8
    assert scores.at["A201", "rate"] == pytest.approx(0.8)
    assert scores.at["A201", "reason"] == "部分未完成"
    assert not [i for i in report.issues if i.key == "formula_no_value"]


def test_non_numeric_points_give_a_located_error():
    ev, report = load("bad_points.xlsx")
    assert [i.text() for i in report.errors] == ["评分表!D12：分值“二十”不是数字"]
    assert report.errors[0].key == "not_a_number"


def test_formula_without_cached_value_is_a_located_error():
    _, report = load("formula_no_cache.xlsx")
    errors = report.errors
    assert [e.key for e in errors] == ["formula_no_value"]
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("评分表", 5, 4)
    assert "D5*0.9" in errors[0].text()


def test_formula_without_value_in_the_total_row_only_warns():
    ev, report = load("merged_units.xlsx")
    assert report.errors == []
    warning = next(i for i in report.warnings if i.key == "formula_no_value")
    assert (warning.row, warning.column) == (21, 5)


# ------------------------------------------------------------------ small tables built here


def _table(rows: list[list[object]], title: str = "2023年测试项目评分表") -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "评分表"
    ws.append([title])
    for row in rows:
        ws.append(row)
    return wb


def test_negative_and_missing_points_are_located_errors():
    ev, report = load_workbook_bytes(_table([
        ["一级指标", "二级指标", "分值", "得分"],
        ["决策", "立项", -5, 1],
        ["决策", "目标", None, 2],
        ["过程", "管理", "—", 3],
    ]))
    assert [i.text() for i in report.errors] == [
        "评分表!C3：分值不能为负数（-5）",
        "评分表!C4：分值不能为空",
        "评分表!C5：分值不能为空",
    ]
    assert ev is not None and ev.indicators["level"].max() == 2


def test_blank_rows_and_column_numbering_rows_are_skipped():
    ev, report = load_workbook_bytes(_table([
        [],
        ["一级指标", "三级指标", "分值", "得分"],
        ["1", "2", "3", "4"],
        ["决策（10分）", "立项依据", 10, 9],
        [None, None, None, None],
        ["效益（90分）", "满意度", 90, 80],
        ["合计", None, 100, 89],
    ]))
    assert report.errors == []
    assert list(ev.indicators["name"]) == ["决策", "立项依据", "效益", "满意度"]
    assert unit_totals(ev) == {"评价对象": 89.0}
    assert ev.reported_unit_totals == {"评价对象": 89.0}


def test_score_label_spanning_unit_names_below_it():
    wb = _table([
        ["一级指标", "二级指标", "分值", "得分", None],
        [None, None, None, "赛罕区", "新城区"],
        ["决策（40分）", "立项", 40, 30, 40],
        ["效益（60分）", "满意度", 60, 50, 45],
    ], title="2023年呼和浩特市测试项目评分表")
    ws = wb.active
    for col in "ABC":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    ev, report = load_workbook_bytes(wb)
    assert report.errors == []
    assert unit_totals(ev) == {"赛罕区": 80.0, "新城区": 85.0}


def test_shared_reason_column_serves_every_unit():
    ev, _ = load_workbook_bytes(_table([
        ["一级指标", "二级指标", "分值", "赛罕区得分", "新城区得分", "扣分原因"],
        ["决策", "立项", 40, 30, 40, "资料不全"],
        ["效益", "满意度", 60, 50, 45, ""],
    ]))
    scores = ev.scores.set_index(["unit", "code"])
    assert scores.loc[("赛罕区", "A1"), "reason"] == "资料不全"
    assert scores.loc[("新城区", "A1"), "reason"] == "资料不全"


def test_a_sheet_without_a_score_header_is_not_a_score_table():
    wb = _table([["项目名称", "预算"], ["社区项目", 100]])
    buffer = io.BytesIO()
    wb.save(buffer)
    raw = read_workbook(buffer.getvalue(), "other.xlsx")
    assert find_score_table(raw) is None
    report = ValidationReport()
    assert load_score_table(raw, report, "other.xlsx") is None
    assert [i.key for i in report.errors] == ["header_missing"]


def test_points_column_per_level_states_the_parents_points():
    ev, report = load_workbook_bytes(_table([
        ["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "得分"],
        ["决策", 20, "立项", 20, "依据", 10, 9],
        ["决策", 20, "立项", 20, "程序", 10, 8],
        ["效益", 80, "满意度", 70, "满意度", 80, 70],
    ]))
    assert report.errors == []
    ind = ev.indicators.set_index("code")
    assert list(ind["points"]) == [20.0, 20.0, 10.0, 10.0, 80.0, 80.0, 80.0]
    assert [i.text() for i in report.warnings if i.key == "scoretable_level_points"] == [
        "评分表!D5：“满意度”标注 70 分，但下级指标分值合计 80"]
    assert unit_totals(ev) == {"评价对象": 87.0}


def test_header_repeated_inside_the_table_is_not_an_indicator():
    ev, report = load_workbook_bytes(_table([
        ["评价方式：部门评价"],
        ["一级指标", "二级指标", "分值", "得分"],
        ["决策", "立项", 40, 30],
        ["一级指标", "二级指标", "分值", "得分"],
        ["效益", "满意度", 60, 50],
    ]))
    assert report.errors == []
    assert list(ev.indicators["name"]) == ["决策", "立项", "效益", "满意度"]
    assert ev.project.mode == "部门评价"
