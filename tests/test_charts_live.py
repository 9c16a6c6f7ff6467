"""Charts that move with the sliders are sent as a spec compiled once per shape plus data
(``charts.spec_without_data``): the spec must not depend on the data, and spec + data must draw
exactly what the Altair chart draws."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import vl_convert as vlc

from perfeval_core import charts
from perfeval_core.export_images import register_fonts
from perfeval_core.scoring import Scenario, ScoringModel
from perfeval_core.whatif import compare, effective_leaves

SCENARIOS = [None, Scenario({"D": 40}, "renormalise"), Scenario({"A": 5, "D": 60}, "renormalise")]


@pytest.fixture(scope="module")
def model(hohhot) -> ScoringModel:
    return ScoringModel(hohhot.evaluation)


def _cases(model: ScoringModel, lang: str):
    official = model.score()
    districts = [u for u, d in zip(model.unit_names, model.unit_depth) if d == 1]
    for scenario in SCENARIOS:
        result = model.score(scenario)
        comparison = compare(model, official, result, districts)
        leaves = effective_leaves(model, result)
        yield ("slope", charts.rank_slope_chart, charts.rank_slope_data(comparison, lang),
               (charts.rank_extent(comparison), lang), charts.rank_slope(comparison, lang))
        yield ("bars", charts.weight_bars_chart, charts.weight_bars_data(leaves, lang),
               (tuple(leaves["code"] + " " + leaves["name"]), lang), charts.weight_bars(leaves, lang))


def _no_data_anywhere(spec: object) -> bool:
    if isinstance(spec, dict):
        return "data" not in spec and "datasets" not in spec and all(_no_data_anywhere(v) for v in spec.values())
    if isinstance(spec, list):
        return all(_no_data_anywhere(v) for v in spec)
    return True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_spec_depends_on_the_shape_only(model, lang):
    specs: dict[str, set[str]] = {}
    for name, build, data, shape, _ in _cases(model, lang):
        spec = charts.spec_without_data(build(data, *shape))
        assert _no_data_anywhere(spec), name
        specs.setdefault(name, set()).add(json.dumps(spec, sort_keys=True, ensure_ascii=False))
    assert {name: len(s) for name, s in specs.items()} == {"slope": 1, "bars": 1}


def test_spec_plus_data_draws_what_the_altair_chart_draws(model):
    register_fonts()
    seen = 0
    for name, build, data, shape, full in _cases(model, "zh"):
        spec = charts.spec_without_data(build(data, *shape))
        # what Streamlit's st.vega_lite_chart(data, spec) hands to Vega: the data as the main source
        live = {**spec, "data": {"values": data.to_dict(orient="records")}}
        assert vlc.vegalite_to_svg(live) == vlc.vegalite_to_svg(full.to_dict()), name
        seen += 1
    assert seen == 2 * len(SCENARIOS)


def test_rank_axis_spans_the_largest_tier():
    frame = pd.DataFrame({"unit": list("abcde"), "depth": [0, 1, 1, 1, 2], "official_rank": [1, 1, 2, 2, 1],
                          "scenario_rank": [1, 2, 1, 3, 1], "official_total": [80.0] * 5,
                          "scenario_total": [81.0] * 5, "official_rating": ["良"] * 5, "scenario_rating": ["良"] * 5})
    assert charts.rank_extent(frame) == 3
    assert charts.rank_extent(frame.drop(columns="depth")) == 5
    spec = charts.rank_slope(frame).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [3.5, 0.5]
