"""Self-evaluation against evaluation (perfeval_core.analysis.gaps): pairs of the same project and
year, the gap per level-1 indicator matched by name, the largest self-over-evaluation gap first."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from perfeval_core.analysis import gaps
from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.io.loader import load_bytes

from .form_builders import SelfEvaluation, self_evaluation


def _evaluated(ev, factor: float, mode: str = "财政评价", rename: dict[str, str] | None = None):
    """The same project and year as the evaluators scored it: every rate × ``factor``."""
    scores = ev.scores.copy()
    scores["rate"] = scores["rate"].astype(float) * factor
    if "points" in scores:
        scores["points"] = scores["points"].astype(float) * factor
    indicators = ev.indicators.copy()
    if rename:
        indicators["name"] = indicators["name"].replace(rename)
    return dataclasses.replace(ev, scores=scores, indicators=indicators,
                               project=dataclasses.replace(ev.project, mode=mode))


@pytest.fixture(scope="module")
def self_ev():
    ev = load_bytes(self_evaluation(), "自评表.xlsx").evaluation
    assert ev.project.mode == "单位自评"
    return ev


def test_the_gap_per_level1_indicator(self_ev):
    other = _evaluated(self_ev, 0.8, rename={"产出指标": "产出", "效益指标": "效益（30分）"})
    [(a, b)] = gaps.pairs([self_ev, other])
    assert a is self_ev and b is other
    g = gaps.gap(self_ev, other)
    model = ScoringModel(self_ev)
    own = model.score()
    unit = model.index_of(self_ev.units["name"].iloc[0])
    level1 = {model.tree.names[n]: float(own.level1[unit, k]) for k, n in enumerate(model.tree.level1)}
    for row in g.table.itertuples():
        name = row.indicator.split(" / ")[0]
        assert row.self == pytest.approx(level1[name])
        # the rates scaled by 0.8 scale every leaf's points, so each indicator's too
        assert row.gap == pytest.approx(0.2 * level1[name], abs=1e-9)
    assert any(" / 产出" in r for r in g.table["indicator"])  # matched though named differently
    assert g.total_gap == pytest.approx(g.self_total * 0.2, abs=1e-6) and g.mode == "财政评价"


def test_unmatched_indicators_and_the_order_of_the_list(self_ev):
    other = _evaluated(self_ev, 0.9, rename={"满意度指标": "服务对象满意度"})
    g = gaps.gap(self_ev, other)
    assert np.isnan(g.table.set_index("indicator").loc["服务对象满意度", "self"])
    another = load_bytes(self_evaluation(SelfEvaluation(project="另一项目")), "b.xlsx").evaluation
    far = _evaluated(another, 0.5)
    listed = gaps.gap_list([self_ev, other, another, far])
    totals = [x.total_gap for x in listed]
    assert len(listed) == 2 and totals == sorted(totals, reverse=True)
    assert listed[0].project == "另一项目"  # scored at half by the evaluators: the first candidate
    # another year is another project
    other_year = dataclasses.replace(other, project=dataclasses.replace(other.project, year=2099))
    assert gaps.pairs([self_ev, other_year]) == []


def _department_form(scale: float, project: str | None = None) -> tuple[bytes, dict[str, float]]:
    """The same project and year as a 部门评价 scored it: every leaf score × ``scale``; with the
    level-1 points the evaluators gave, summed here from the form's own leaves."""
    from .form_builders import DEFAULT_TREE, self_evaluation_rows, xlsx

    tree = [(name, points, [(g, [(leaf, p, round(s * scale, 2) if s is not None else None, tg, ac)
                                  for leaf, p, s, tg, ac in leaves]) for g, leaves in groups])
            for name, points, groups in DEFAULT_TREE]
    form = SelfEvaluation(tree=tree) if project is None else SelfEvaluation(tree=tree, project=project)
    rows, merges = self_evaluation_rows(form)
    rows = [[v.replace("自评", "部门评价") if isinstance(v, str) else v for v in row] for row in rows]
    level1 = {name: sum(s for _, leaves in groups for _, _, s, _, _ in leaves if s is not None)
              for name, _, groups in tree}
    return xlsx(rows, merges, title="部门评价"), level1


def test_the_cli_lists_the_gaps_of_files_on_disk(tmp_path, capsys):
    import json

    from perfeval_core.cli import main

    from .form_builders import DEFAULT_TREE

    (tmp_path / "self.xlsx").write_bytes(self_evaluation())
    department, theirs = _department_form(0.5)
    (tmp_path / "dept.xlsx").write_bytes(department)
    assert main(["gaps", str(tmp_path / "self.xlsx"), str(tmp_path / "dept.xlsx"), "--json"]) == 0
    [pair] = json.loads(capsys.readouterr().out)
    assert pair["mode"] == "部门评价"
    ours = {name: sum(s for _, leaves in groups for _, _, s, _, _ in leaves if s is not None)
            for name, _, groups in DEFAULT_TREE}
    by_name = {row["indicator"]: row for row in pair["indicators"]}
    for name in ours:
        assert by_name[name]["self"] == pytest.approx(ours[name])
        assert by_name[name]["gap"] == pytest.approx(ours[name] - theirs[name], abs=1e-9)
    assert pair["total_gap"] == pytest.approx(sum(ours.values()) - sum(theirs.values()), abs=1e-6)
    # the text form names both totals; one file alone has nothing to compare
    assert main(["--lang", "en", "gaps", str(tmp_path / "self.xlsx"), str(tmp_path / "dept.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "department evaluation" in out and f"{pair['self_total']:.2f}" in out
    assert main(["gaps", str(tmp_path / "self.xlsx")]) == 0
    assert "没有可对比的评价" in capsys.readouterr().out


def test_the_gap_workbook_lists_each_pair(self_ev):
    from python_calamine import CalamineWorkbook

    from perfeval_core.present.export_xlsx import gaps_workbook_bytes

    other = _evaluated(self_ev, 0.8)
    found = gaps.gap_list([self_ev, other])
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(gaps_workbook_bytes(found, "en")))
    assert book.sheet_names == ["Self vs evaluation"]
    rows = book.get_sheet_by_index(0).to_python()
    cells = [c for r in rows for c in r]
    assert any(isinstance(c, str) and "gap" in c for c in cells)
    total_row = next(r for r in rows if r and r[0] == "Total")
    assert total_row[3] == pytest.approx(found[0].total_gap, abs=1e-9)
