"""What-if core: slider rebalancing with locks, comparison, policy checks, URL encoding."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from perfeval_core.analysis.rules import policy_warnings
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.analysis.whatif import (
    compare,
    decode_overrides,
    effective_leaves,
    encode_overrides,
    level1_basis,
    rebalance,
    scenario_from_state,
)
from perfeval_core.model.evaluation import Bands

OFFICIAL = {"A": 15.0, "B": 25.0, "C": 30.0, "D": 30.0}


def test_moving_one_weight_rebalances_the_others_proportionally():
    out = rebalance(OFFICIAL, "D", 40, [])
    assert out["D"] == 40 and sum(out.values()) == pytest.approx(100)
    assert out["A"] / out["B"] == pytest.approx(15 / 25, rel=1e-3)
    assert out["B"] / out["C"] == pytest.approx(25 / 30, rel=1e-3)


def test_locked_weights_hold():
    out = rebalance(OFFICIAL, "D", 40, ["A"])
    assert out["A"] == 15 and out["D"] == 40 and sum(out.values()) == pytest.approx(100)
    # the moved weight cannot eat into locked ones
    out = rebalance(OFFICIAL, "D", 95, ["A", "B"])
    assert out["A"] == 15 and out["B"] == 25 and out["D"] == 60 and out["C"] == 0


def test_everything_else_locked_pins_the_moved_weight():
    assert rebalance(OFFICIAL, "D", 50, ["A", "B", "C"]) == OFFICIAL


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 50), min_size=4, max_size=4), st.sampled_from("ABCD"), st.floats(0, 100),
       st.sets(st.sampled_from("ABCD"), max_size=3))
def test_rebalance_keeps_the_total_and_locks(values, moved, value, locked):
    weights = dict(zip("ABCD", values))
    total = sum(weights.values())
    if total == 0:
        return
    weights = {k: round(v * 100 / total, 2) for k, v in weights.items()}
    weights["D"] = round(100 - weights["A"] - weights["B"] - weights["C"], 2)
    if weights["D"] < 0:
        return
    out = rebalance(weights, moved, value, locked)
    assert sum(out.values()) == pytest.approx(100, abs=1e-6)
    assert all(v >= -1e-9 for v in out.values())
    for k in locked - {moved}:
        assert out[k] == weights[k]


def test_comparison_names_rank_and_rating_changes(hohhot):
    model = ScoringModel(hohhot.evaluation)
    official = model.score()
    scenario = model.score(scenario_from_state({"A": 10, "B": 20, "C": 30, "D": 40}, {}))
    districts = [u for u, d in zip(model.unit_names, model.unit_depth) if d == 1]
    frame = compare(model, official, scenario, districts)
    assert list(frame["unit"]) and set(frame["unit"]) == set(districts)
    assert sorted(frame["scenario_rank"]) == list(range(1, len(districts) + 1))
    for row in frame.itertuples():
        assert row.scenario_total == pytest.approx(scenario.unit_total(row.unit))
        assert row.rating_changed == (row.official_rating != row.scenario_rating)


def test_weighting_benefits_more_moves_scores_as_the_engine_computes(hohhot):
    model = ScoringModel(hohhot.evaluation)
    weights = rebalance({"A": 15, "B": 25, "C": 30, "D": 30}, "D", 40, [])
    via_state = model.score(scenario_from_state(weights, {}))
    direct = model.score(Scenario(weights=weights, mode="renormalise"))
    assert via_state.total == pytest.approx(direct.total)
    leaves = effective_leaves(model, via_state)
    assert leaves["scenario"].sum() == pytest.approx(100)
    assert leaves.loc[leaves["level1"] == "效益", "scenario"].sum() == pytest.approx(40)


def test_policy_check_flags_low_output_and_benefit(hohhot):
    model = ScoringModel(hohhot.evaluation)
    ok = model.node_points(scenario_from_state({"A": 15, "B": 25, "C": 30, "D": 30}, {}))
    assert policy_warnings(hohhot.evaluation, ok) == []
    low = model.node_points(scenario_from_state({"A": 30, "B": 20, "C": 25, "D": 25}, {}))
    warnings = policy_warnings(hohhot.evaluation, low)
    assert warnings and warnings[0][0] == "output_benefit_low" and warnings[0][1]["total"] == "50"


def test_overrides_round_trip_through_the_url_text():
    overrides = {"A101": 3.5, "D103": 12.0}
    assert decode_overrides(encode_overrides(overrides)) == overrides
    assert decode_overrides("A101:x,B:-1,C:2") == {"C": 2.0}
    assert decode_overrides(None) == {}


@pytest.mark.parametrize("scenario", [
    Scenario({"D": 40}, "renormalise"),
    Scenario({"效益": 50, "决策": 5}, "renormalise", Bands.from_thresholds([85.0, 75.0, 60.0])),
    Scenario({"A": 30}, "retotal"),
])
@pytest.mark.parametrize("sample", ["hohhot", "tangshan"])
def test_adopting_a_scenario_makes_its_scores_the_official_ones(scenario, sample, request):
    from perfeval_core.analysis.whatif import adopt

    evaluation = request.getfixturevalue(sample).evaluation
    expected = ScoringModel(evaluation).score(scenario)
    adopted = adopt(evaluation, scenario)
    official = ScoringModel(adopted).score()
    assert official.total == pytest.approx(expected.total, abs=1e-9)
    assert official.ratings == expected.ratings and list(official.rank) == list(expected.rank)
    assert adopted.indicators.loc[adopted.indicators["parent"].isna(), "points"].sum() == pytest.approx(100)
    assert adopted.scores["rate"].equals(evaluation.scores["rate"])  # the evidence is untouched
    assert evaluation.indicators["points"].tolist() != adopted.indicators["points"].tolist()
    if scenario.mode == "renormalise":  # explicit points: adopting twice changes nothing more
        again = ScoringModel(adopt(adopted, scenario)).score()
        assert again.total == pytest.approx(official.total, abs=1e-9)


def _level1_and_lower(model: ScoringModel) -> tuple[list[str], list[str]]:
    tree = model.tree
    return ([tree.codes[i] for i in tree.level1],
            [tree.codes[i] for i in range(len(tree.codes)) if tree.level[i] >= 2])


@pytest.fixture(scope="module")
def hohhot_model(hohhot):
    return ScoringModel(hohhot.evaluation)


@settings(max_examples=60, deadline=None)
@given(weights=st.lists(st.floats(0, 10), min_size=4, max_size=4).filter(lambda w: sum(w) > 0.1),
       picks=st.lists(st.tuples(st.integers(0, 40), st.floats(0, 30)), max_size=3))
@example(weights=[0.0, 0.0, 0.0, 1.0], picks=[(25, 0.0)])  # 效益's only child pinned at 0: 效益 scores nothing
@example(weights=[0.0, 0.0, 1.0, 0.0], picks=[(20, 0.0)])  # a leaf of 产出 at 0: the total is scaled back to 100
def test_the_level1_basis_rescores_as_the_engine_or_declines(hohhot_model, weights, picks):
    """What the browser computes while a slider moves (basis @ weights) is the engine's total for
    every unit, whenever level1_basis offers a basis; with no lower-level weights it always does."""
    model = hohhot_model
    level1, lower = _level1_and_lower(model)
    overrides = {lower[k % len(lower)]: v for k, v in picks}
    w = np.array(weights) * 100.0 / sum(weights)
    basis = level1_basis(model, overrides)
    if not overrides:
        assert basis is not None
    if basis is None:
        return
    totals = model.score(scenario_from_state(dict(zip(level1, w)), overrides)).total
    assert np.allclose(basis @ w, totals, rtol=0, atol=1e-9)
    rows = np.array([3, 0, 7])
    assert np.allclose(level1_basis(model, overrides, rows), basis[rows], rtol=0, atol=1e-12)  # BLAS order


def test_lower_weights_pinned_in_points_decline_the_basis(hohhot_model):
    level1, lower = _level1_and_lower(hohhot_model)
    tree = hohhot_model.tree
    leaf = next(c for c in lower if tree.index[c] in set(tree.leaves))
    assert level1_basis(hohhot_model, {leaf: 3.0}) is None  # 3 points whatever its indicator weighs
