"""The form families evaluators publish: 自评表 variants, code lists, points in names, blank
forms, Word tables, portfolios. Each test builds the family's variants, not one example."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval_core.analysis.scoring import score
from perfeval_core.cli import main
from perfeval_core.io.labels import footer_kind, indicator_label
from perfeval_core.io.loader import load_bytes, load_path
from perfeval_core.io.template_io import prefilled_bytes

from .form_builders import (
    DEFAULT_TREE,
    SelfEvaluation,
    bundle,
    code_list,
    docx_table,
    self_evaluation,
    self_evaluation_rows,
    xlsx,
)


@pytest.mark.parametrize(("text", "code", "name", "points"), [
    ("决策（15分）", "", "决策", 15), ("A决策15分", "A", "决策", 15), ("A1项目立项5分", "A1", "项目立项", 5),
    ("A101立项依据充分性", "A101", "立项依据充分性", None), ("产 出 指 标 (50分)", "", "产出指标", 50),
    ("相关性(5分)", "", "相关性", 5), ("(25分)", "", "", 25), ("绩效指标（90分）", "", "绩效指标", 90),
    ("一、决策(15)", "", "决策", 15), ("A级景区数量", "", "A级景区数量", None), ("指标1:培训人数", "", "培训人数", None),
    ("【产出】（40分）", "", "【产出】", 40), ("B 过程 25 分", "B", "过程", 25), ("1.1立项依据", "1.1", "立项依据", None),
])
def test_indicator_labels_give_code_name_and_points(text, code, name, points):
    label = indicator_label(text)
    assert (label.code, label.name, label.points) == (code, name, points)


@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet="产出指标决策（）()【】[]分0123456789.ABC :：、一二其中…", max_size=30))
def test_any_cell_text_gives_a_label_and_never_raises(text):
    label = indicator_label(text)
    assert label.points is None or label.points >= 0
    footer_kind(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="产出指标决策过程效益数量质量满意度", min_size=1, max_size=8), st.integers(0, 100),
       st.sampled_from(["{n}({p}分)", "{n}（{p}分）", "{n}{p}分", "{n}【{p}分】", "{n} ({p})", "A1{n}{p}分"]))
def test_points_written_into_a_name_come_back_out(name, points, form):
    label = indicator_label(form.format(n=name, p=points))
    assert (label.name, label.points) == (name, points)


@pytest.mark.parametrize(("text", "kind"), [("总分", "total"), ("总 分", "total"), ("合计", "total"),
                                            ("评价结论", "conclusion"), ("存在问题", "problems"),
                                            ("改进措施", "measures"), ("项目负责人：张三", "signature"),
                                            ("注：1.", "note"), ("建议采纳率", None), ("问题整改率", None)])
def test_footer_rows_are_told_from_indicators(text, kind):
    assert footer_kind(text) == kind


def load(data: bytes, name: str = "form.xlsx"):
    result = load_bytes(data, name)
    assert not any("Traceback" in line for line in result.report.lines())
    return result


VARIANTS = [dict(variant=v, level1_style=s, layout=lay, block_label=b)
            for v in ("national", "sichuan") for s in ("bracket", "spaced", "plain", "points_only")
            for lay in ("merged", "blank_below", "repeated") for b in ("绩效指标", "绩效指标(90分)", "")]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: "-".join(str(v) or "none" for v in o.values()))
def test_every_self_evaluation_variant_reads_to_its_total(options):
    form = SelfEvaluation(**options)
    result = load(self_evaluation(form))
    assert result.ok and result.evaluation is not None, result.report.lines()
    ev = result.evaluation
    assert result.report.layout == "self_evaluation" and ev.layout == "self_evaluation"
    r = score(ev)
    assert r.total[0] == pytest.approx(form.expected_total())
    assert ev.level1["name"].tolist() == ["预算执行率", "产出指标", "效益指标", "满意度指标"]
    assert ev.level1["points"].tolist() == [10, 50, 30, 10]
    # one 预算执行率 leaf, counted once though the 其中 row repeats its 分值
    assert (ev.indicators["name"] == "预算执行率").sum() == 1
    assert len(ev.leaves) == 1 + 7  # placeholders (……, 生态效益指标 without 三级) and 其中 rows are not indicators
    p = ev.project
    assert (p.name, p.department, p.implementer, p.year, p.mode) == (
        form.project, form.department, form.implementer, form.year, "单位自评")
    assert p.conclusion == "项目总体完成年度目标" and p.problems == "部分培训人数未达目标" and p.measures == "加强宣传动员"
    assert ev.budget["budget"].sum() == pytest.approx(120) and ev.budget["spent"].sum() == pytest.approx(114)
    goals = ev.goals.set_index("code")
    leaf = ev.indicators.loc[ev.indicators["name"] == "培训人数", "code"].iloc[0]
    assert goals.at[leaf, "target"].startswith("≥100人") and "其中：线上培训" in goals.at[leaf, "target"]
    assert goals.at[leaf, "actual"].startswith("90人") and goals.at[leaf, "deviation"] == "部分未达标"
    assert not [i for i in result.report.warnings if i.key != "policy_self_evaluation"], result.report.lines()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 20), st.floats(0, 1)), min_size=7, max_size=7),
       st.sampled_from(["merged", "blank_below", "repeated"]), st.sampled_from(["bracket", "spaced", "plain"]))
def test_any_points_and_scores_read_back_exactly(values, layout, style):
    leaves = iter(values)
    tree = []
    for name, _, groups in DEFAULT_TREE:
        new_groups = []
        for group, group_leaves in groups:
            new_groups.append((group, [(leaf, p, round(p * f, 2), t, a) for (leaf, _, _, t, a), (p, f)
                                       in zip(group_leaves, leaves)]))
        tree.append((name, sum(p for _, gl in new_groups for _, p, *_ in gl), new_groups))
    form = SelfEvaluation(tree=tree, layout=layout, level1_style=style)
    result = load(self_evaluation(form))
    assert result.ok, result.report.lines()
    assert score(result.evaluation).total[0] == pytest.approx(form.expected_total())


def test_a_total_that_contradicts_the_rows_is_an_error_naming_both_figures():
    form = SelfEvaluation()
    true = round(form.expected_total(), 2)
    result = load(self_evaluation(dataclasses.replace(form, total=true + 1)))
    assert result.evaluation is None
    error = next(i for i in result.report.errors if i.key == "score_total_contradiction")
    assert f"{true:.2f}" in error.text() and f"{true + 1:.2f}" in error.text()
    near = load(self_evaluation(dataclasses.replace(form, total=true + 0.3)))
    assert near.ok and any(i.key == "total_mismatch" for i in near.report.warnings)


def test_points_that_contradict_the_printed_total_are_reported_with_both_figures():
    result = load(self_evaluation(SelfEvaluation(total_points=105)))
    warning = next(i for i in result.report.warnings if i.key == "points_total_mismatch")
    assert "分值合计 100，总分行为 105" in warning.text()
    assert warning.row is not None and warning.column is not None


def test_a_form_cut_off_in_the_indicators_loads_what_it_has_and_says_the_points_are_short():
    rows, merges = self_evaluation_rows(SelfEvaluation(footer=False))
    cut = rows[:20]
    result = load(xlsx(cut, [m for m in merges if m[2] < 20]))
    assert result.ok, result.report.lines()
    assert any(i.key == "points_sum_total" for i in result.report.warnings)


def test_a_blank_form_is_an_indicator_system_validate_passes_score_refuses(tmp_path, capsys):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(self_evaluation(SelfEvaluation(blank=True)))
    result = load_path(path)
    assert result.ok and result.blank and result.evaluation is None
    assert any(i.key == "form_unscored" for i in result.report.warnings)
    assert len(result.indicator_system.leaves) == 8
    assert main(["validate", str(path)]) == 0
    assert main(["score", str(path)]) == 1
    assert "空白表" in capsys.readouterr().err
    assert main(["indicators", "--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scored"] is False and data["leaves"] == 8 and data["total_points"] == 100


def test_a_blank_forms_prefilled_template_scores_once_filled():
    blank = load(self_evaluation(SelfEvaluation(blank=True))).indicator_system
    wb = openpyxl.load_workbook(io.BytesIO(prefilled_bytes(blank)))
    wb["项目信息"]["B3"] = 2023
    leaves = blank.leaves.set_index("code")["points"]
    for row in wb["评分"].iter_rows(min_row=2):
        row[2].value = float(leaves[row[1].value])  # full marks on every leaf
    out = io.BytesIO()
    wb.save(out)
    filled = load(out.getvalue(), "filled.xlsx")
    assert filled.ok, filled.report.lines()
    assert score(filled.evaluation).total[0] == pytest.approx(100)
    assert filled.evaluation.indicators["code"].tolist() == blank.indicators["code"].tolist()


def test_indicators_json_lists_the_same_entries_as_score_json_weights(tmp_path, capsys):
    path = tmp_path / "form.xlsx"
    path.write_bytes(self_evaluation())
    assert main(["indicators", "--json", str(path)]) == 0
    tree = json.loads(capsys.readouterr().out)
    assert main(["score", "--json", str(path)]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert tree["indicators"] == scored["weights"]
    assert {"code", "name", "level", "parent", "points"} <= set(tree["indicators"][0])


def test_a_word_form_reads_like_the_sheet():
    rows, merges = self_evaluation_rows(SelfEvaluation())
    from_word = load(docx_table(rows[2:], [(r0 - 2, c0, r1 - 2, c1) for r0, c0, r1, c1 in merges if r0 >= 2],
                                title="2023年度项目支出绩效自评表"), "form.docx")
    from_sheet = load(self_evaluation())
    assert from_word.ok, from_word.report.lines()
    assert score(from_word.evaluation).total[0] == pytest.approx(score(from_sheet.evaluation).total[0])
    assert from_word.evaluation.indicators["name"].tolist() == from_sheet.evaluation.indicators["name"].tolist()
    assert from_word.evaluation.project.year == 2023


HENAN_LIKE = [
    ("附表1：决策指标得分情况表", [("A1项目立项", 5, 3), ("A101立项依据", 2, 2), ("A102立项程序", 3, 1),
                                  ("A2绩效目标", 10, 8), ("A201目标合理性", 10, 8)], (15, 11)),
    ("附表2：过程类指标得分情况表", [("B1资金管理", 25, 20), ("B101预算执行率", 25, 20)], (25, 20)),
    ("附表3：产出指标得分情况表", [("C1产出数量", 60, 50), ("C101完成率", 30, 25), ("C102覆盖率", 30, 25)], (60, 50)),
]


def test_stacked_code_lists_read_as_one_evaluation_with_level1_names_from_titles():
    result = load(code_list(HENAN_LIKE))
    assert result.ok, result.report.lines()
    ev = result.evaluation
    assert result.report.layout == "code_list"
    assert ev.level1["name"].tolist() == ["决策", "过程", "产出"]
    assert ev.level1["points"].tolist() == [15, 25, 60]
    assert score(ev).total[0] == pytest.approx(81)  # subtotal rows are not counted again
    assert ev.leaves["code"].tolist() == ["A101", "A102", "A201", "B101", "C101", "C102"]
    assert not result.report.warnings


def test_a_code_list_subtotal_that_contradicts_its_children_is_an_error():
    tables = [(t, list(lines), total) for t, lines, total in HENAN_LIKE]
    tables[0][1][0] = ("A1项目立项", 5, 4)  # 2 + 1 = 3 below it
    result = load(code_list(tables))
    error = next(i for i in result.report.errors if i.key == "codelist_subtotal_score")
    assert "4" in error.text() and "3" in error.text() and error.row is not None
    tables = [(t, list(lines), total) for t, lines, total in HENAN_LIKE]
    tables[2] = (tables[2][0], tables[2][1], (60, 52))  # the table's 合计 against its rows
    assert any(i.key == "codelist_subtotal_score" for i in load(code_list(tables)).report.errors)


def test_a_code_list_with_level1_rows_and_a_code_column():
    rows = [["指标代码", "指标名称", "分值", "得分"], ["A", "决策", 40, 30], ["A1", "立项", 40, 30],
            ["A101", "依据", 20, 10], ["A102", "程序", 20, 20], ["B", "效益", 60, 50], ["B1", "社会效益", 60, 50],
            ["B101", "知晓率", 60, 50], ["合计", "", 100, 80]]
    result = load(xlsx(rows))
    assert result.ok and result.report.layout == "code_list", result.report.lines()
    assert result.evaluation.level1["name"].tolist() == ["决策", "效益"]
    assert score(result.evaluation).total[0] == pytest.approx(80)


def test_points_in_names_are_taken_when_there_is_no_points_column_and_checked_when_there_is():
    rows = [["一级指标", "二级指标", "三级指标", "得分"], ["决策(20分)", "立项(20分)", "相关性(10分)", 8],
            ["", "", "明确性(10分)", 10], ["效益(80分)", "社会效益(80分)", "知晓率(80分)", 70]]
    result = load(xlsx(rows))
    assert result.ok, result.report.lines()
    assert result.evaluation.indicators["name"].tolist() == ["决策", "立项", "相关性", "明确性", "效益", "社会效益", "知晓率"]
    assert score(result.evaluation).total[0] == pytest.approx(88)
    rows = [["一级指标", "二级指标", "三级指标", "分值", "得分"], ["决策", "立项", "相关性(10分)", 12, 8],
            ["", "", "明确性", 8, 8], ["效益", "社会效益", "知晓率", 80, 70]]
    warned = load(xlsx(rows))
    warning = next(i for i in warned.report.warnings if i.key == "name_points_mismatch")
    assert "10" in warning.text() and "12" in warning.text()


def _projects():
    a = SelfEvaluation(project="甲项目", department="民政局")
    b = SelfEvaluation(project="乙项目", department="民政局", budget_score=7)
    c = SelfEvaluation(project="丙项目", department="教育局", tree=[
        (n, p, [(g, [(leaf, lp, lp, t, ac) for leaf, lp, _, t, ac in ls]) for g, ls in groups])
        for n, p, groups in DEFAULT_TREE])
    return [a, b, c]


def test_a_zip_of_forms_is_one_portfolio_by_department_and_bad_files_are_named():
    forms = _projects()
    files = [(f"{f.project}.xlsx", self_evaluation(f)) for f in forms]
    files.append(("空白.xlsx", self_evaluation(SelfEvaluation(blank=True))))
    files.append(("坏文件.xlsx", b"not a workbook"))
    result = load(bundle(files), "批量.zip")
    assert result.ok, result.report.lines()
    ev = result.evaluation
    assert ev.layout == "portfolio" and result.report.layout == "portfolio"
    skipped = [i.params["file"] for i in result.report.warnings if i.key == "portfolio_file_skipped"]
    assert sorted(skipped) == ["坏文件.xlsx", "空白.xlsx"]
    r = score(ev)
    totals = dict(zip(r.model.unit_names, r.total))
    for form in forms:
        assert totals[form.project] == pytest.approx(form.expected_total())
    units = ev.units.set_index("name")
    assert units.at["甲项目", "parent"] == "民政局" and units.at["丙项目", "parent"] == "教育局"
    assert totals["民政局"] == pytest.approx((forms[0].expected_total() + forms[1].expected_total()) / 2)
    assert ev.budget["budget"].sum() == pytest.approx(360)
    assert ev.projects["count"].sum() == 3


def test_a_folder_of_forms_scores_from_the_command_line(tmp_path, capsys):
    for form in _projects():
        (tmp_path / f"{form.project}.xlsx").write_bytes(self_evaluation(form))
    (tmp_path / "说明.txt").write_text("not a form")
    assert main(["score", "--json", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    names = {u["unit"] for u in data["units"]}
    assert {"甲项目", "乙项目", "丙项目", "民政局", "教育局", "全部项目"} <= names
    assert main(["score", str(tmp_path / "missing")]) == 1


def test_a_portfolio_project_with_other_level1_points_is_named_with_both_totals():
    forms = _projects()
    tree = [(n, p, [(g, [(leaf, lp, ls, t, a) for leaf, lp, ls, t, a in leaves]) for g, leaves in groups])
            for n, p, groups in DEFAULT_TREE]
    output = tree[0]
    first_group = output[2][0]
    # 产出 weighs 40 here: its first leaf is worth 10, not 20, and scored 5
    tree[0] = (output[0], 40, [(first_group[0], [("培训人数", 10, 5, "≥100人", "60人"), first_group[1][1]]),
                               *output[2][1:]])
    tree[1] = (tree[1][0], 40, [(tree[1][2][0][0], [("群众知晓率", 25, 24, "≥90%", "93%")]), tree[1][2][1]])
    odd = SelfEvaluation(project="丁项目", tree=tree)
    files = [(f"{f.project}.xlsx", self_evaluation(f)) for f in forms] + [("丁.xlsx", self_evaluation(odd))]
    result = load(bundle(files), "批量.zip")
    assert result.ok, result.report.lines()
    warning = next(i for i in result.report.warnings if i.key == "portfolio_points_differ")
    assert warning.params["project"] == "丁项目"
    assert warning.params["total"] == f"{odd.expected_total():.2f}"
    assert warning.params["rescaled"] == f"{score(result.evaluation).unit_total('丁项目'):.2f}"


def test_a_table_that_lists_budget_execution_among_its_indicators_counts_it_once():
    tree = [(n, p, [(g, list(ls)) for g, ls in groups]) for n, p, groups in DEFAULT_TREE]
    name, points, groups = tree[0]
    groups[-1] = (groups[-1][0], [("预算执行率", 10, 10, "100%", "100%")])
    form = SelfEvaluation(tree=tree)
    form = dataclasses.replace(form, total_points=100, total=form.leaves_score())  # the table's own 100 points
    result = load(self_evaluation(form))
    assert result.ok, result.report.lines()
    assert (result.evaluation.indicators["name"] == "预算执行率").sum() == 1
    assert score(result.evaluation).total[0] == pytest.approx(form.leaves_score())
    assert any(i.key == "budget_listed_in_table" for i in result.report.issues)


def test_hostile_word_files_are_refused_with_a_message():
    entity = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
              '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", entity)
    result = load(out.getvalue(), "bomb.docx")
    assert not result.ok and result.report.errors[0].key == "xml_entities"
    assert not load(docx_table([["一级指标"] + [""] * 3], []), "empty.docx").ok  # a table with no indicators
    span = docx_table([["a", "b"]], []).replace(b"<w:tcPr></w:tcPr>", b'<w:tcPr><w:gridSpan w:val="99999999"/></w:tcPr>')
    assert not load(span, "span.docx").ok  # spans are capped; nothing to read, and said so


def test_a_zip_of_forms_bounds_each_member_and_keeps_the_rest():
    good = [(f"{p}.xlsx", self_evaluation(SelfEvaluation(project=p))) for p in ("甲", "乙")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in good:
            z.writestr(name, data)
        z.writestr("炸弹.xlsx", b"\0" * (60 * 1024 * 1024))  # compresses a thousandfold
    result = load(out.getvalue(), "批量.zip")
    assert result.ok, result.report.lines()
    refused = [i for i in result.report.warnings if i.key == "portfolio_file_refused"]
    assert [i.params["file"] for i in refused] == ["炸弹.xlsx"]
    assert set(result.evaluation.units["name"]) >= {"甲", "乙"}


NUMBERED = [["部门整体支出绩效评价得分表"], ["指标", "分值", "得分"], ["一、投入", 20, 18], ["（一）预算配置", 10, 9],
            ["1.在职人员控制率", 5, 5], ["2.三公经费变动率", 5, 4], ["（二）目标设定", 10, 9], ["1.绩效目标合理性", 10, 9],
            ["二、产出", 80, 70], ["（一）产出数量", 80, 70], ["1.完成率", 80, 70], ["合计", 100, 88]]


def test_a_name_column_numbered_one_a_1_is_a_hierarchy_not_a_flat_list():
    result = load(xlsx(NUMBERED))
    assert result.ok, result.report.lines()
    ev = result.evaluation
    assert ev.level1["name"].tolist() == ["投入", "产出"]
    assert ev.leaves["name"].tolist() == ["在职人员控制率", "三公经费变动率", "绩效目标合理性", "完成率"]
    assert score(ev).total[0] == pytest.approx(88)  # the numbered subtotal rows are not added again
    wrong = [list(r) for r in NUMBERED]
    wrong[-1] = ["合计", 100, 90]
    error = next(i for i in load(xlsx(wrong)).report.errors if i.key == "score_total_contradiction")
    assert "88.00" in error.text() and "90.00" in error.text()


def test_a_workbook_with_one_self_evaluation_per_sheet_is_a_portfolio_of_its_sheets():
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    forms = _projects()
    for form in forms:
        rows, merges = self_evaluation_rows(form)
        ws = wb.create_sheet(form.project)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
        for r0, c0, r1, c1 in merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.create_sheet("说明").append(["本工作簿每个工作表为一个项目的自评表"])
    out = io.BytesIO()
    wb.save(out)
    result = load(out.getvalue(), "民政局自评表汇总.xlsx")
    assert result.ok and result.report.layout == "portfolio", result.report.lines()
    totals = dict(zip(score(result.evaluation).model.unit_names, score(result.evaluation).total))
    for form in forms:
        assert totals[form.project] == pytest.approx(form.expected_total())
    single = load(self_evaluation(), "one.xlsx")
    assert single.report.layout == "self_evaluation"
