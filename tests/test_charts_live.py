"""Charts that move with the sliders are sent as a spec compiled once per shape plus data
(``charts.spec_without_data``): the spec must not depend on the data, and spec + data must draw
exactly what the Altair chart draws."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.analysis.whatif import compare, effective_leaves
from perfeval_core.present import charts
from perfeval_core.present.export_images import register_fonts

SCENARIOS = [None, Scenario({"D": 40}, "renormalise"), Scenario({"A": 5, "D": 60}, "renormalise")]


@pytest.fixture(scope="module")
def model(hohhot) -> ScoringModel:
    return ScoringModel(hohhot.evaluation)


@pytest.fixture(scope="module")
def communities(hohhot) -> ScoringModel:
    """402 units scored on the sample's indicators (the sample scores its districts only)."""
    ev = hohhot.evaluation
    n_leaves = int((~ev.indicators["code"].isin(ev.indicators["parent"].dropna())).sum())
    rates = np.random.default_rng(7).uniform(0.5, 1.0, (402, n_leaves))
    return ScoringModel.from_rates(ev.indicators, [f"社区{i:03d}" for i in range(402)], rates)


def _cases(model: ScoringModel, lang: str, big: ScoringModel | None = None):
    """The districts (every unit drawn) and, given ``big``, 402 communities (the biggest movers)."""
    for scenario, m in ((s, m) for s in SCENARIOS for m in (model, big) if m is not None):
        official, result = m.score(), m.score(scenario)
        tier = [u for u, d in zip(m.unit_names, m.unit_depth) if d == (1 if m is model else 0)]
        comparison = compare(m, official, result, tier)
        leaves = effective_leaves(model, result)
        yield ("slope", charts.rank_slope_chart, charts.rank_slope_data(comparison, lang),
               (*charts.rank_slope_shape(comparison), lang), charts.rank_slope(comparison, lang))
        yield ("bars", charts.weight_bars_chart, charts.weight_bars_data(leaves, lang),
               (tuple(leaves["code"] + " " + leaves["name"]), lang), charts.weight_bars(leaves, lang))


def _no_data_anywhere(spec: object) -> bool:
    if isinstance(spec, dict):
        return "data" not in spec and "datasets" not in spec and all(_no_data_anywhere(v) for v in spec.values())
    if isinstance(spec, list):
        return all(_no_data_anywhere(v) for v in spec)
    return True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_spec_depends_on_the_shape_only(model, communities, lang):
    specs: dict[str, set[str]] = {}
    for name, build, data, shape, _ in _cases(model, lang, communities):
        spec = charts.spec_without_data(build(data, *shape))
        assert _no_data_anywhere(spec), name
        key = f"{name} {shape[:-1] if name == 'slope' else len(shape[0])}"
        specs.setdefault(key, set()).add(json.dumps(spec, sort_keys=True, ensure_ascii=False))
    # one spec per chart and shape, whatever the scenario: districts and communities are two shapes
    assert sorted(len(s) for s in specs.values()) == [1, 1, 1] and len(specs) == 3, specs.keys()


def test_spec_plus_data_draws_what_the_altair_chart_draws(model, communities):
    register_fonts()
    seen = 0
    for name, build, data, shape, full in _cases(model, "zh", communities):
        spec = charts.spec_without_data(build(data, *shape))
        # what Streamlit's st.vega_lite_chart(data, spec) hands to Vega: the data as the main source
        live = {**spec, "data": {"values": data.to_dict(orient="records")}}
        assert vlc.vegalite_to_svg(live) == vlc.vegalite_to_svg(full.to_dict()), name
        seen += 1
    assert seen == 4 * len(SCENARIOS)


def test_rank_axis_spans_the_largest_tier():
    frame = pd.DataFrame({"unit": list("abcde"), "depth": [0, 1, 1, 1, 2], "official_rank": [1, 1, 2, 2, 1],
                          "scenario_rank": [1, 2, 1, 3, 1], "official_total": [80.0] * 5,
                          "scenario_total": [81.0] * 5, "official_rating": ["良"] * 5, "scenario_rating": ["良"] * 5})
    assert charts.rank_extent(frame) == 3
    assert charts.rank_extent(frame.drop(columns="depth")) == 5
    spec = charts.rank_slope(frame).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [3.5, 0.5]


def test_a_long_ranking_shows_its_biggest_movers(model, communities):
    result = communities.score(Scenario({"A": 5, "D": 60}, "renormalise"))
    comparison = compare(communities, communities.score(), result)
    assert len(comparison) == 402 > charts.SLOPE_LIMIT
    long = charts.rank_slope_data(comparison, "zh")
    shown = long["unit"].unique().tolist()
    assert len(shown) == charts.SLOPE_LIMIT
    moved = (comparison["official_rank"] - comparison["scenario_rank"]).abs()
    by_unit = dict(zip(comparison["unit"], moved))
    # no unit left out moved more than one drawn
    assert min(by_unit[u] for u in shown) >= max(m for u, m in by_unit.items() if u not in shown)
    assert max(by_unit[u] for u in shown) > 0
    for side in ("官方权重", "模拟方案"):
        part = long[long["side"] == side]
        assert sorted(part["pos"]) == list(range(1, charts.SLOPE_LIMIT + 1))
        ranks = dict(zip(comparison["unit"], comparison["official_rank" if side == "官方权重" else "scenario_rank"]))
        assert all(label == f"{ranks[u]}. {u}" for u, label in zip(part["unit"], part["label"]))
        assert part.sort_values("pos")["rank"].is_monotonic_increasing  # placed in rank order
    assert charts.rank_slope_shape(comparison) == (charts.SLOPE_LIMIT, 402)
    title = charts.rank_slope(comparison).to_dict()["title"]["text"]
    assert "排名变化最大的 40 个单位（共 402 个）" in title
    small = compare(model, model.score(), model.score(Scenario({"A": 5, "D": 60}, "renormalise")),
                    [u for u, d in zip(model.unit_names, model.unit_depth) if d == 1])
    assert "共" not in charts.rank_slope(small).to_dict()["title"]["text"]
