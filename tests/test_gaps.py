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
