"""The what-if page's state (perfeval_core.analysis.whatif_state) without Streamlit: moving a
weight, telling a move from a browser's late echo, locks, reset, loading a saved scenario,
normalising, and the bands a scenario carries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.analysis.whatif_state import HISTORY, WhatIfState
from perfeval_core.model.evaluation import Bands

FIVE = Bands(("A", "B", "C", "D", "E"), (90.0, 80.0, 70.0, 60.0, 0.0))


@pytest.fixture(scope="module")
def model(hohhot) -> ScoringModel:
    return ScoringModel(hohhot.evaluation)


@pytest.fixture
def state(model, hohhot) -> WhatIfState:
    return WhatIfState.start(model, hohhot.evaluation.key, hohhot.evaluation.bands)


def test_start_is_the_official_weighting(state, model):
    assert state.codes == tuple(model.tree.codes[i] for i in model.tree.level1) == ("A", "B", "C", "D")
    assert dict(state.weights) == dict(state.official) == {"A": 15.0, "B": 25.0, "C": 30.0, "D": 30.0}
    assert state.total == pytest.approx(100) and state.locked == () and not state.lower and not state.history
    assert state.problem is None and state.usable_bands == state.official_bands
    scenario = state.scenario()
    assert scenario.bands == state.official_bands and scenario.mode == "renormalise"
    assert model.score(scenario).total.tolist() == model.score().total.tolist()


def test_move_keeps_the_total_and_the_locks(state):
    locked = state.lock(["A"])
    moved = locked.move("D", 40)
    assert moved.weights["D"] == 40 and moved.weights["A"] == 15
    assert moved.total == pytest.approx(100, abs=1e-9)
    # B and C share the rest in proportion to what they had (25 : 30)
    assert moved.weights["B"] / moved.weights["C"] == pytest.approx(25 / 30, rel=1e-5)
    assert moved.history == (dict(state.weights),)
    # the locks cap the moved weight: A and B locked at 15 + 25 leave at most 60 for C
    capped = state.lock(["A", "B"]).move("C", 90)
    assert capped.weights == {"A": 15.0, "B": 25.0, "C": 60.0, "D": 0.0}
    with pytest.raises(KeyError):
        state.move("Z", 10)
    assert state.weights["D"] == 30  # operations return a new state; the old one is untouched


def test_slid_tells_a_move_from_a_late_echo(state):
    first = state.slid({"A": 15, "B": 25, "C": 30, "D": 40})
    assert first.weights["D"] == 40
    second = first.slid({**first.weights, "A": 20})
    assert second.weights["A"] == 20
    # the browser sends D's value of before the first move (30) along with the next move of A: the
    # echo is recognised from the history, and A's move is taken
    echoed = second.slid({**second.weights, "D": 30.0, "A": 25})
    assert echoed.weights["A"] == 25 and echoed.total == pytest.approx(100)
    assert echoed.weights["D"] != 30.0
    # nothing moved: the same state comes back
    assert echoed.slid(dict(echoed.weights)) is echoed
    # only an old value changed: it is a move after all (the user put the slider back)
    back = echoed.slid({**echoed.weights, "D": 30.0})
    assert back.weights["D"] == 30.0


def test_history_is_bounded(state):
    s = state
    for k in range(HISTORY + 10):
        s = s.move("A", 10 + (k % 20) * 0.5)
    assert len(s.history) == HISTORY


def test_settle_takes_the_first_rendered_sliders_once(state):
    shared = state.settle({"A": 10, "B": 30, "C": 30, "D": 30})  # a shared link's address
    assert shared.weights["A"] == 10 and shared.settled
    assert shared.settle({"A": 50}).weights["A"] == 10


def test_reset_and_lock(state):
    changed = state.lock(["B", "Z"]).move("A", 40).with_lower({"A1": 3}).with_thresholds([85, 75, 60])
    assert changed.locked == ("B",)  # unknown codes are ignored, tree order kept
    back = changed.reset()
    assert dict(back.weights) == dict(state.official) and back.locked == () and not back.lower
    assert back.bands == state.official_bands and back.history == ()


def test_lower_overrides_drop_what_cannot_be_points(state):
    s = state.with_lower({"A1": 3, "B1": float("nan"), "C1": -1, "D1": None, "D2": 0})
    assert dict(s.lower) == {"A1": 3.0, "D2": 0.0}
    assert s.scenario().weights == {**state.weights, "A1": 3.0, "D2": 0.0}


def test_adopt_a_saved_scenario_with_its_own_bands(state, model):
    loaded = state.adopt({"A": 10, "B": 20, "C": 30, "D": 40, "A1": 4}, FIVE)
    assert loaded.weights == {"A": 10.0, "B": 20.0, "C": 30.0, "D": 40.0} and dict(loaded.lower) == {"A1": 4.0}
    assert loaded.bands == FIVE and loaded.usable_bands == FIVE
    result = model.score(loaded.scenario())
    assert set(result.ratings) <= set(FIVE.labels) and result.bands == FIVE
    # a scenario saved without bands takes the official ones
    assert state.adopt({"A": 20}, None).bands == state.official_bands


def test_bands_that_cannot_rate_fall_back_to_the_official_ones(state):
    bad = state.with_thresholds([80, 90, 60])
    assert bad.problem == ("bands_order", {})
    assert bad.usable_bands == state.official_bands and bad.scenario().bands == state.official_bands
    five = state.with_bands(FIVE).with_thresholds([95, 85, 75, 65])
    assert five.bands == Bands(FIVE.labels, (95.0, 85.0, 75.0, 65.0, 0.0)) and five.problem is None


def test_normalise(state):
    drifted = state.lock(["A"]).adopt({"A": 15, "B": 10, "C": 10, "D": 20}, None)
    assert drifted.total == pytest.approx(55)
    norm = drifted.normalise()
    assert norm.total == pytest.approx(100, abs=1e-9) and norm.weights["A"] == 15
    assert norm.weights["B"] / norm.weights["D"] == pytest.approx(0.5)
    zero = state.adopt({"A": 0, "B": 0, "C": 0, "D": 0}, None).normalise()
    assert zero.weights == {"A": 25.0, "B": 25.0, "C": 25.0, "D": 25.0}
    over = state.lock(["A", "B"]).adopt({"A": 60, "B": 60, "C": 0, "D": 0}, None)
    assert over.normalise() is over  # the locks alone exceed the total: nothing to do


@settings(max_examples=150, deadline=None)
@given(moves=st.lists(st.tuples(st.sampled_from("ABCD"), st.floats(0, 100, allow_nan=False)), max_size=12),
       locked=st.sets(st.sampled_from("ABCD"), max_size=3))
def test_any_sequence_of_moves_keeps_the_locks_and_the_total(hohhot, moves, locked):
    model = ScoringModel(hohhot.evaluation)
    s = WhatIfState.start(model, "k", hohhot.evaluation.bands).lock(locked)
    for code, value in moves:
        s = s.move(code, value)
        assert s.total == pytest.approx(100, abs=1e-6)
        assert all(s.weights[c] == s.official[c] for c in s.locked)
        assert all(v >= -1e-9 for v in s.weights.values())


def test_budget_rules_and_a_methods_weights(state):
    assert state.consequence_rules == {"优": 0.1, "良": 0.0, "中": -0.1, "差": -1.0}
    mine = state.with_rules({"优": 0.05, "良": 0.0, "中": -0.2, "差": -1.5})
    assert mine.consequence_rules == {"优": 0.05, "良": 0.0, "中": -0.2, "差": -1.0}  # no cut beyond the budget
    # rules for other bands than the ones in force: the default for these bands
    assert state.with_bands(FIVE).with_rules(mine.rules).consequence_rules["E"] == -1.0
    assert mine.reset().rules is None
    loaded = state.adopt({"A": 20}, None, {"优": 0.2, "良": 0, "中": 0, "差": 0})
    assert loaded.consequence_rules["优"] == 0.2
    tried = state.lock(["A"]).with_level1({"A": 10, "B": 20, "C": 30, "D": 40, "Z": 5})
    assert tried.weights == {"A": 10.0, "B": 20.0, "C": 30.0, "D": 40.0} and tried.locked == ("A",)


def test_the_language_switch_relabels_the_bands_and_rules(state):
    english = Bands(("Excellent", "Good", "Fair", "Poor"), state.official_bands.lower)
    mine = state.with_thresholds([85, 75, 60]).with_rules({"优": 0.2, "良": 0.0, "中": -0.1, "差": -1.0})
    switched = mine.relabelled(english)
    assert switched.bands == Bands(english.labels, (85.0, 75.0, 60.0, 0.0))
    assert switched.consequence_rules == {"Excellent": 0.2, "Good": 0.0, "Fair": -0.1, "Poor": -1.0}
    assert switched.relabelled(state.official_bands).bands == mine.bands  # and back
    assert state.relabelled(state.official_bands) is state


def test_an_official_weightings_rules_are_the_start_and_the_reset():
    from perfeval_core import load_path
    from perfeval_core.analysis.scoring import ScoringModel

    from .conftest import ROOT

    ev = load_path(ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx").evaluation
    rules = {"优": 0.05, "良": 0.0, "中": -0.2, "差": -1.0}
    state = WhatIfState.start(ScoringModel(ev), "k", ev.bands, rules)
    assert state.consequence_rules == rules
    moved = state.with_rules({**rules, "中": -0.3})
    assert moved.consequence_rules["中"] == -0.3 and moved.reset().consequence_rules == rules
    english = state.relabelled(ev.bands.relabelled("en"))
    assert english.consequence_rules["Fair"] == -0.2 and english.reset().consequence_rules["Fair"] == -0.2
