"""Targets and actuals (perfeval_core.analysis.targets): the printed forms a 自评表 uses, completion
both ways, the traffic light's thresholds, targets that look too easy or cannot be measured."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfeval_core.analysis import targets
from perfeval_core.io.loader import load_bytes

from .form_builders import self_evaluation


@pytest.mark.parametrize("text,number,less,percent", [
    ("≥95%", 95, False, True), ("≥ 100人", 100, False, False), ("≤3天", 3, True, False), ("不超过 5 万元", 5, True, False),
    ("不低于90%", 90, False, True), ("１００％", 100, False, True), ("建立", None, False, False), (0.95, 0.95, False, False),
    ("1,200户", 1200, False, False), ("<2小时", 2, True, False),
])
def test_printed_values(text, number, less, percent):
    v = targets.parse_value(text)
    assert (v.number, v.less_is_better, v.percent) == (number, less, percent)


def test_completion_both_ways_and_mixed_percent_forms():
    p = targets.parse_value
    assert targets.completion(p("≥100人"), p("90人")) == pytest.approx(0.9)
    assert targets.completion(p("≤3天"), p("4天")) == pytest.approx(0.75)
    assert targets.completion(p("≤3天"), p("0天")) == 1.0
    assert targets.completion(p("≥95%"), p(0.98)) == pytest.approx(98 / 95)  # a rate stored as a fraction
    assert targets.completion(p("0.95"), p("98%")) == pytest.approx(0.98 / 0.95)
    assert targets.completion(p("建立"), p("已建立")) is None


@given(st.floats(0, 3, allow_nan=False))
def test_the_light_follows_its_thresholds(ratio):
    expected = "met" if ratio >= targets.MET else ("partly" if ratio >= targets.PARTLY else "missed")
    assert targets.light(ratio) == expected


@pytest.mark.parametrize("target,actual,status", [("建立", "已建立", "met"), ("建立", "未建立", "missed"),
                                                   ("较好", "完成", "met"), ("较好", "一般", "unknown")])
def test_qualitative_targets(target, actual, status):
    assert targets.qualitative_light(targets.parse_value(target), targets.parse_value(actual)) == status


def test_a_self_evaluation_form():
    ev = load_bytes(self_evaluation(), "自评表.xlsx").evaluation
    table = targets.assess(ev).set_index("name")
    assert table.at["培训人数", "light"] == "partly" and table.at["培训人数", "deviation"] == "部分未达标"
    assert table.at["培训场次", "too_easy"]  # 6 against ≥5: 20 % beyond
    assert table.at["长效机制建立", "unmeasurable"] and table.at["长效机制建立", "light"] == "met"
    counts = targets.counts(table.reset_index())
    assert counts == {"met": 5, "partly": 2, "missed": 0, "unknown": 0, "too_easy": 1, "unmeasurable": 1}


def test_the_deck_has_a_targets_slide_for_a_self_evaluation():
    from perfeval_core.present.export_pptx import deck
    from perfeval_core.present.slides import views

    ev = load_bytes(self_evaluation(), "自评表.xlsx").evaluation
    view = next(v for v in views(ev, None, "zh") if v.key == "targets")
    assert view.message.startswith("7 项指标目标中，5 项达成、2 项部分达成、0 项未达成；1 项目标偏低，1 项无法衡量")
    assert view.table.iloc[0]["完成情况"] == "部分达成"  # the gaps first
    assert any("101号" in b for b in view.bullets)
    text = "\n".join(shape.text_frame.text for slide in deck(ev, None, "en").slides
                     for shape in slide.shapes if shape.has_text_frame)
    assert "Of 7 targets, 5 met" in text


def _year(year: int, tree=None) -> object:
    from .form_builders import SelfEvaluation

    form = SelfEvaluation(year=year) if tree is None else SelfEvaluation(year=year, tree=tree)
    return load_bytes(self_evaluation(form), f"{year}.xlsx").evaluation


def test_full_marks_year_after_year():
    """An indicator every unit scores full marks on in two or more years of the same project is
    listed; one year short of full marks, or one year alone, is not."""
    from .form_builders import DEFAULT_TREE

    full_every_year = {leaf for _, _, groups in DEFAULT_TREE for _, leaves in groups
                       for leaf, points, score, _, _ in leaves if score == points}
    assert full_every_year  # the form has some
    one = targets.full_marks_years([_year(2023)])
    assert one.empty
    both = targets.full_marks_years([_year(2023), _year(2024)])
    assert set(both["indicator"]) == full_every_year and set(both["years"]) == {"2023、2024"}
    dropped = sorted(full_every_year)[0]
    lower = [(n, p, [(g, [(leaf, lp, (s - 1 if leaf == dropped else s), tg, ac) for leaf, lp, s, tg, ac in leaves])
                     for g, leaves in groups]) for n, p, groups in DEFAULT_TREE]
    three = targets.full_marks_years([_year(2023), _year(2024), _year(2025, lower)])
    assert set(three["indicator"]) == full_every_year - {dropped}
    assert set(three["years"]) == {"2023、2024、2025"}


def test_the_templates_target_and_actual_columns():
    """Our template's 目标值 (指标体系) and 实际值 / 扣分原因 (评分): a 反向 indicator's target is
    read as '≤', rows without an actual or a reason are not targets."""
    import numpy as np
    import pandas as pd

    from perfeval_core.io.template import _goals

    indicators = pd.DataFrame({"code": ["A1", "A2", "A3"], "kind": ["正向", "反向", "正向"],
                               "target": [95.0, 3.0, np.nan], "unit": ["%", "天", None]})
    scores = pd.DataFrame({"unit": ["甲", "甲", "乙", "甲"], "code": ["A1", "A2", "A2", "A3"],
                           "actual": [99.0, 4.5, np.nan, 1.0], "reason": ["", "审批延误", None, "x"],
                           "src_sheet": "评分", "src_row": [2, 3, 4, 5], "src_col": 4})
    goals = _goals(indicators, scores)
    assert goals[["unit", "code", "target", "actual", "deviation"]].values.tolist() == [
        ["甲", "A1", "≥95%", "99%", ""], ["甲", "A2", "≤3天", "4.5天", "审批延误"]]

    light = [targets.light(targets.completion(targets.parse_value(t), targets.parse_value(a)))
             for t, a in zip(goals["target"], goals["actual"])]
    assert light == ["met", "missed"]  # 3 ÷ 4.5 = 67 %
