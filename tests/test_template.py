"""Our template: the blank template and docs come from one definition; loading rules and
located messages."""

import io

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from perfeval_core import load_bytes
from perfeval_core.analysis.scoring import score
from perfeval_core.io import template_spec as spec
from perfeval_core.io.template_io import format_docs, template_bytes, write_workbook
from perfeval_core.present.summary import summary

from .conftest import ROOT, SAMPLES
from .workbook_corpus import INDICATORS, PROJECT, UNITS

SCORES = [
    ["甲区", "A101", 8, None, None, "依据不充分"], ["甲区", "A102", None, "90%", None, ""],
    ["甲区", "B101", None, None, 96.71, ""], ["甲区", "B102", None, None, 15, "超标"],
    ["甲区", "C101", "２８", None, None, ""], ["甲区", "D101", " 27 ", None, None, ""],
    ["乙区", "A101", 10, None, None, ""], ["乙区", "A102", 10, None, None, ""], ["乙区", "B101", 10, None, None, ""],
    ["乙区", "B102", 10, None, None, ""], ["乙区", "C101", 30, None, None, ""], ["乙区", "D101", 30, None, None, ""],
]
# 甲区 by hand: 8 + 0.9·10 + 0.9671·10 + (1 − (15 − 10)/10)·10 + 28 + 27
JIA_TOTAL = 8 + 9 + 9.671 + 5 + 28 + 27


def build(**changes) -> dict:
    data = {"project": PROJECT, "indicators": INDICATORS, "units": UNITS, "scores": SCORES}
    data.update(changes)
    return data


def load(data: dict, name: str = "t.xlsx"):
    buffer = io.BytesIO()
    write_workbook(buffer, data)
    return load_bytes(buffer.getvalue(), name)


def texts(result, severity="error"):
    return [i.text() for i in result.report.issues if i.severity == severity]


def test_blank_template_is_generated_from_the_definition():
    bundled = (SAMPLES / "template.xlsx").read_bytes()
    book = CalamineWorkbook.from_filelike(io.BytesIO(bundled))
    assert [s.name for s in spec.SHEETS if s.key != "score_matrix"] == book.sheet_names[1:]
    for sheet in spec.SHEETS:
        if sheet.key_value or sheet.key == "score_matrix":
            continue
        header = book.get_sheet_by_name(sheet.name).to_python()[0]
        assert header == [c.header for c in sheet.columns]
    fresh = CalamineWorkbook.from_filelike(io.BytesIO(template_bytes()))
    assert fresh.sheet_names == book.sheet_names


def test_docs_are_generated_from_the_definition():
    assert (ROOT / "docs" / "workbook-format.md").read_text(encoding="utf-8") == format_docs()


def test_minimal_workbook_scores_to_the_hand_computed_total():
    result = load(build())
    assert result.ok, texts(result)
    result_scores = score(result.evaluation)
    assert result_scores.unit_total("甲区") == pytest.approx(JIA_TOTAL)
    assert result_scores.unit_total("乙区") == pytest.approx(100)
    assert result.report.warnings == []


def test_points_not_a_number_is_located():
    bad = [row[:] for row in INDICATORS]
    bad[2][3] = "二十"
    result = load(build(indicators=bad))
    assert result.evaluation is None
    assert "指标体系!D4：分值“二十”不是数字" in texts(result)


def test_duplicate_code_unknown_parent_and_cycle():
    dup = [row[:] for row in INDICATORS] + [["A101", "重复", "A1", 1, "定性", None, "", "", ""]]
    assert any("指标体系!A16" in t and "A101" in t and "重复" in t for t in texts(load(build(indicators=dup))))
    orphan = [row[:] for row in INDICATORS] + [["E101", "孤儿", "E1", 1, "定性", None, "", "", ""]]
    assert any("指标体系!C16" in t and "E1" in t for t in texts(load(build(indicators=orphan))))
    cycle = [row[:] for row in INDICATORS]
    cycle[0][2] = "A1"  # A -> A1 -> A
    assert any("循环" in t for t in texts(load(build(indicators=cycle))))


def test_more_than_four_levels_is_refused():
    deep = [row[:] for row in INDICATORS]
    deep[2] = ["A101", "立项依据充分性", "A1", None, "", None, "", "", ""]
    deep += [["A10101", "四级", "A101", None, "", None, "", "", ""], ["A1010101", "五级", "A10101", 10, "定性", None, "", "", ""]]
    scores = [s[:] for s in SCORES]
    scores[0][1] = "A1010101"
    scores[6][1] = "A1010101"
    result = load(build(indicators=deep, scores=scores))
    assert any("超过 4 级" in t for t in texts(result))
    four = deep[:-1]
    four[-1] = ["A10101", "四级", "A101", 10, "定性", None, "", "", ""]
    scores[0][1] = scores[6][1] = "A10101"
    assert load(build(indicators=four, scores=scores)).ok


def test_units_duplicates_cycles_and_unknown_units():
    dup = UNITS + [["甲区", "测试市", "区", "否", ""]]
    assert any("评价单位!A5" in t and "甲区" in t for t in texts(load(build(units=dup))))
    cycle = [["测试市", "乙区", "市", "否", ""], ["甲区", "测试市", "区", "是", ""], ["乙区", "测试市", "区", "否", ""]]
    assert any("循环" in t for t in texts(load(build(units=cycle))))
    scores = SCORES + [["丙区", "A101", 1, None, None, ""]]
    assert any("评分!A14" in t and "丙区" in t for t in texts(load(build(scores=scores))))


def test_score_above_points_warns_and_caps():
    scores = [s[:] for s in SCORES]
    scores[6][2] = 12
    result = load(build(scores=scores))
    assert result.ok
    assert any("评分!C8" in t and "超过分值" in t for t in texts(result, "warning"))
    assert score(result.evaluation).unit_total("乙区") == pytest.approx(100)


def test_points_not_summing_to_100_and_policy_warnings():
    light = [row[:] for row in INDICATORS]
    light[10][3] = 10  # 产出 30 -> 10: total 80, 产出+效益 = 40
    result = load(build(indicators=light))
    assert result.ok
    warnings = texts(result, "warning")
    assert any("一级指标分值合计为 80" in t for t in warnings)
    assert any("产出与效益" in t and "40" in t for t in warnings)


def test_self_evaluation_weights_are_checked():
    project = [row[:] for row in PROJECT]
    project[3] = ["评价方式", "单位自评"]
    result = load(build(project=project))
    assert any("单位自评" in t for t in texts(result, "warning"))


def test_missing_sheet_and_missing_required_column():
    buffer = io.BytesIO()
    write_workbook(buffer, build(), include_optional=False)
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    del wb["评价单位"]
    out = io.BytesIO()
    wb.save(out)
    result = load_bytes(out.getvalue(), "t.xlsx")
    assert "缺少必需的工作表“评价单位”" in [i.text() for i in result.report.errors]
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    wb["指标体系"]["D1"] = "备注"
    out = io.BytesIO()
    wb.save(out)
    result = load_bytes(out.getvalue(), "t.xlsx")
    assert any(t.startswith("指标体系：找不到表头") and "分值" in t for t in texts(result))


def test_formula_without_cached_value_is_a_located_error():
    buffer = io.BytesIO()
    write_workbook(buffer, build())
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    wb["评分"]["C8"] = "=5+5"  # openpyxl writes no cached value
    out = io.BytesIO()
    wb.save(out)
    result = load_bytes(out.getvalue(), "t.xlsx")
    assert any(t.startswith("评分!C8：公式") for t in texts(result))


def test_score_matrix_sheet_gives_the_same_totals():
    matrix = [["单位名称", "A101", "立项程序规范性", "B101", "B102", "C101", "D101"],
              ["甲区", 8, 9, 9.671, 5, 28, 27], ["乙区", 10, 10, 10, 10, 30, 30]]
    result = load(build(scores=[], score_matrix=matrix))
    assert result.ok, texts(result)
    assert score(result.evaluation).unit_total("甲区") == pytest.approx(JIA_TOTAL)


def test_bands_are_overridable_per_workbook():
    result = load(build(bands=[["优秀", 95], ["良好", 85], ["合格", 60], ["不合格", 0]]))
    assert result.ok
    assert result.evaluation.bands.label(90) == "良好"
    bad = load(build(bands=[["优", 80], ["良", 90], ["差", 0]]))
    assert any("评级标准" in t for t in texts(bad))


def test_reported_total_and_rating_cross_check():
    units = [["甲区", None, "区", "是", ""]]
    scores = SCORES[:6]
    project = PROJECT + [["报告总分", 90], ["报告评级", "优"]]
    result = load(build(units=units, scores=scores, project=project))
    warnings = texts(result, "warning")
    assert any("86.67" in t and "90.00" in t for t in warnings)
    assert any("报告评级“优”" in t for t in warnings)


def test_budget_survey_and_project_sheets_feed_the_summary():
    data = build(
        budget=[["甲区", "市", "服务群众经费", 100, None, None, "９０", "45"], ["乙区", "市", "", 50, None, None, 50, 50]],
        projects=[["甲区", "便民利民类", 3, 10, "是"], ["乙区", "零星维修", 1, 2, "否"]],
        survey=[["甲区", "60岁及以上", 100, 60, 20, 10, 10, 30], ["乙区", "35岁以下", 100, 90, 5, 5, 0, 70]],
    )
    result = load(data)
    assert result.ok, texts(result)
    d = summary(result.evaluation)
    assert d["budget"]["budget"] == 150 and d["arrival_rate"] == pytest.approx(140 / 150)
    assert d["execution_rate"] == pytest.approx(95 / 140)
    assert d["satisfaction"]["overall"] == pytest.approx(175 / 200)
    assert d["participation"]["by_age_group"]["60岁及以上"] == pytest.approx(0.3)
    assert [p["in_scope"] for p in d["projects"]] == [True, False]


def test_survey_answers_above_respondents_is_an_error():
    result = load(build(survey=[["甲区", "60岁及以上", 10, 60, 20, 10, 10, 3]]))
    assert any(t.startswith("满意度调查!") and "超过有效样本" in t for t in texts(result))


def test_text_with_control_characters_and_formula_like_strings_is_kept_as_text():
    scores = [s[:] for s in SCORES]
    scores[0][5] = "=HYPERLINK(\"http://x\")\x07"
    result = load(build(scores=scores))
    assert result.ok
    reason = result.evaluation.scores.set_index(["unit", "code"]).loc[("甲区", "A101"), "reason"]
    assert reason.startswith("=HYPERLINK")
    assert "\x07" not in reason


def test_a_stated_self_evaluation_total_is_compared_with_the_evaluation():
    """项目信息 ▸ 自评得分 beside a 财政评价: the gap list gives the gap in total (no 自评表 loaded)."""
    from perfeval_core.analysis import gaps

    units = [["甲区", None, "区", "是", ""]]
    project = [row for row in PROJECT if row[0] != "评价方式"] + [["评价方式", "财政评价"], ["自评得分", "９５"]]
    result = load(build(units=units, scores=SCORES[:6], project=project))
    assert result.ok, texts(result)
    ev = result.evaluation
    assert ev.project.self_total == 95.0
    [g] = gaps.gap_list([ev])
    assert g.table.empty and g.self_total == 95.0
    assert g.evaluation_total == pytest.approx(JIA_TOTAL) and g.total_gap == pytest.approx(95 - JIA_TOTAL)
    bad = load(build(units=units, scores=SCORES[:6], project=PROJECT + [["自评得分", "九十五"]]))
    assert any("自评得分" in t for t in texts(bad)), texts(bad)
