"""The what-if page under AppTest: sliders re-score exactly as the core does, locks hold,
reset restores, the scenario round-trips through the URL, saved scenarios load."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.analysis.whatif import rebalance, scenario_from_state
from perfeval_core.present.i18n import half_up
from perfeval_core.store.database import clear_store_cache

from .conftest import ROOT

APP = str(ROOT / "dashboard" / "app.py")
PAGE = str(ROOT / "pages" / "whatif.py")
OFFICIAL = {"A": 15.0, "B": 25.0, "C": 30.0, "D": 30.0}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PERFEVAL_DATABASE_URL", raising=False)
    clear_store_cache()
    yield tmp_path
    clear_store_cache()


def open_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def weights(at: AppTest) -> dict[str, float]:
    return {c: float(at.slider(key=f"w_{c}").value) for c in "ABCD"}


def scenario_totals(at: AppTest) -> dict[str, float]:
    frame = next(d.value for d in at.dataframe if "模拟方案·综合得分" in d.value.columns)
    return dict(zip(frame["单位"], frame["模拟方案·综合得分"]))


def test_moving_benefit_to_40_rescores_like_the_core(hohhot):
    at = open_page()
    assert weights(at) == OFFICIAL
    at.slider(key="w_D").set_value(40.0).run()
    assert not at.exception
    expected_weights = rebalance(OFFICIAL, "D", 40.0, [])
    assert weights(at) == pytest.approx(expected_weights)
    model = ScoringModel(hohhot.evaluation)
    expected = model.score(scenario_from_state(expected_weights, {}))
    for unit, total in scenario_totals(at).items():  # the grid holds what it shows: half up at 2 decimals
        assert total == float(half_up(expected.unit_total(unit), 2))
    scenario_metric = next(m for m in at.metric if "模拟方案" in m.label)
    assert scenario_metric.value == f"{expected.unit_total('呼和浩特市'):.2f}"


def test_locks_hold_and_reset_restores():
    at = open_page()
    at.button_group(key="locked").set_value(["A"]).run()
    assert at.slider(key="w_A").disabled
    at.slider(key="w_D").set_value(50.0).run()
    w = weights(at)
    assert w["A"] == 15.0 and w["D"] == 50.0 and sum(w.values()) == pytest.approx(100)
    at.button(key="reset_weights").click().run()
    assert weights(at) == OFFICIAL
    assert at.button_group(key="locked").value == []
    assert not at.slider(key="w_A").disabled


def test_the_scenario_round_trips_through_the_url():
    at = open_page()
    at.slider(key="w_D").set_value(40.0).run()
    query = {k: v for k, v in at.query_params.items()}
    assert "w_D" in query
    reopened = open_page({k: (v[0] if isinstance(v, list) else v) for k, v in query.items()})
    assert weights(reopened) == pytest.approx(weights(at))
    assert scenario_totals(reopened) == pytest.approx(scenario_totals(at))


def test_policy_check_warns_when_outputs_and_benefits_fall_below_60():
    at = open_page()
    assert any("符合" in s.value for s in at.success)
    at.slider(key="w_A").set_value(45.0).run()
    assert any("产出与效益" in w.value for w in at.warning)


def test_saved_scenario_is_listed_and_loads(data_dir):
    at = open_page()
    at.slider(key="w_D").set_value(40.0).run()
    at.text_input(key="scenario_name").input("效益 40")  # a form: fields and submit go in one run
    next(b for b in at.button if b.label == "保存方案").click().run()
    assert not at.exception
    assert any(m.value == "**效益 40**" for m in at.markdown)
    saved = weights(at)
    at.button(key="reset_weights").click().run()
    assert weights(at) == OFFICIAL
    load = next(b for b in at.button if b.key and b.key.startswith("load_"))
    load.click().run()
    assert weights(at) == pytest.approx(saved)


def live_data(at: AppTest) -> dict:
    """What the live ranking component (dashboard/live_ranking.py) was sent on the last run."""
    [element] = [e for e in at.get("bidi_component") if "live_ranking" in e.proto.id]
    return json.loads(element.proto.json)


def test_the_live_ranking_gets_the_scenario_and_a_basis_that_rescores_it(hohhot):
    at = open_page()
    at.slider(key="w_D").set_value(40.0).run()
    data = live_data(at)
    assert data["codes"] == list("ABCD") and data["sliders"] == {c: f"w_{c}" for c in "ABCD"}
    assert data["truth"] == pytest.approx(list(weights(at).values()))
    model = ScoringModel(hohhot.evaluation)
    expected = model.score(scenario_from_state(dict(zip("ABCD", data["truth"])), {}))
    for unit, total, basis in zip(data["units"], data["scenario"]["total"], data["basis"]):
        assert total == pytest.approx(expected.unit_total(unit), abs=1e-9)
        # what the browser computes from a slider's value before the server answers
        assert float(np.dot(basis, data["truth"])) == pytest.approx(total, abs=1e-9)
    # the one rating rule's bounds, in cents, and the labels: the browser keeps no copy of its own
    assert data["rule"]["threshold_cents"] == [9000, 8000, 6000] and data["rule"]["labels"] == ["优", "良", "中", "差"]
    at.button_group(key="locked").set_value(["A"]).run()
    assert live_data(at)["locked"] == ["A"]


def test_no_browser_rescoring_when_lower_weights_are_pinned_in_points(hohhot):
    tree = ScoringModel(hohhot.evaluation).tree
    leaf = tree.codes[tree.leaves[0]]
    at = open_page({"lw": f"{leaf}:3"})
    data = live_data(at)
    assert data["basis"] is None  # the server's rerun draws each move
    assert len(data["units"]) == len(data["scenario"]["total"]) >= 2


def test_a_tier_too_big_for_the_browser_gets_its_table_rows_and_biggest_movers():
    import pandas as pd

    from dashboard.live_ranking import MAX_ROWS, PREVIEW_LIMIT, ranking_data
    from perfeval_core.model.evaluation import Bands
    from perfeval_core.model.rating import competition_rank
    from perfeval_core.present.charts import SLOPE_LIMIT

    n = PREVIEW_LIMIT + 1000
    rng = np.random.default_rng(0)
    official, scenario = rng.uniform(50, 95, n), rng.uniform(50, 95, n)
    frame = pd.DataFrame({"unit": [f"社区{i}" for i in range(n)], "official_total": official,
                          "scenario_total": scenario, "official_rank": competition_rank(official),
                          "scenario_rank": competition_rank(scenario), "official_rating": "良", "scenario_rating": "良"})
    data = ranking_data(frame, np.ones((n, 4)), list("ABCD"), dict.fromkeys("ABCD", 25.0), [],
                        {c: f"w_{c}" for c in "ABCD"}, Bands(), "zh")
    assert data["basis"] is None  # the browser waits for the server on a tier this big
    sent = set(data["units"])
    best = frame.nsmallest(MAX_ROWS, "scenario_rank")["unit"]
    moved = (frame["official_rank"] - frame["scenario_rank"]).abs()
    movers = frame.loc[moved.sort_values(ascending=False, kind="stable").index[:SLOPE_LIMIT], "unit"]
    assert set(best) <= sent and set(movers.iloc[:SLOPE_LIMIT // 2]) <= sent
    assert len(sent) <= MAX_ROWS + SLOPE_LIMIT
    assert f"共 {n} 个" in data["text"]["movers"] and f"共 {n} 个" in data["text"]["rows"]


def test_a_long_tier_names_at_most_thirty_units_in_its_change_messages(tmp_path):
    """~900 communities of a synthetic workbook (bench/make_workbooks.py): the rank- and
    rating-change messages name 30 and count the rest (naming every unit of a 45,000-unit tier made
    a 1 MB paragraph and a 16 s rerun)."""
    import sys

    from dashboard import library
    from perfeval_core.present.i18n import LIST_LIMIT

    sys.path.insert(0, str(ROOT / "bench"))
    from make_workbooks import write

    path = write(1000, tmp_path / "synthetic_1000.xlsx")
    _, entry = library.add(path.read_bytes(), path.name)
    assert entry is not None
    at = open_page({"eval": entry.key[:12]})
    tiers = at.segmented_control(key="whatif_tier")
    assert tiers.options[-1] == "社区"
    tiers.set_value(len(tiers.options) - 1).run()  # depths 0.. in order: the last is the communities
    at.slider(key="w_D").set_value(60.0).run()
    assert not at.exception, [e.message for e in at.exception]
    data = live_data(at)
    moved = sum(a != b for a, b in zip(data["official"]["rank"], data["scenario"]["rank"]))
    assert len(data["units"]) > 500 and moved > LIST_LIMIT  # the case is the one meant
    [message] = [m.value for m in at.markdown if "排名变化的单位" in m.value]
    assert message.count("→") == LIST_LIMIT and f"等 {moved:,} 个单位" in message


def test_the_live_ranking_speaks_the_page_language():
    data = live_data(open_page({"lang": "en"}))
    assert data["text"]["chart"] == "Rank change (official → scenario)"
    assert data["text"]["official"] == "Official" and data["text"]["up"] == "Rank up"


# ---------------------------------------------------------------------------- decision tools

def test_methods_side_by_side_and_one_click_to_try_one(hohhot):
    from perfeval_core.analysis import methods

    at = open_page()
    frame = next(d.value for d in at.dataframe if "method" in d.value.columns)  # headers: column_config
    assert frame["method"].tolist()[:4] == ["官方权重", "等权", "熵权法", "CRITIC 法"]
    model = ScoringModel(hohhot.evaluation)
    entropy = methods.entropy(model).weights
    row = frame[frame["method"] == "熵权法"].iloc[0]
    assert [row[c] for c in "ABCD"] == [float(half_up(v, 2)) for v in entropy.values()]  # the grid: 2 decimals
    at.button(key="try_entropy").click().run()
    assert not at.exception
    assert weights(at) == pytest.approx(entropy)
    # the scores shown are the engine's under these weights
    expected = model.score(scenario_from_state(entropy, {}))
    for unit, total in scenario_totals(at).items():
        assert total == float(half_up(expected.unit_total(unit), 2))


def test_ahp_editor_shows_the_consistency_ratio_and_offers_its_weights(hohhot):
    from perfeval_core.analysis import methods

    at = open_page()
    at.select_slider(key="ahp_A_D").set_value("1/3").run()
    at.select_slider(key="ahp_B_D").set_value("1/2").run()
    assert not at.exception
    model = ScoringModel(hohhot.evaluation)
    pairs = {("A", "B"): 1, ("A", "C"): 1, ("A", "D"): 1 / 3, ("B", "C"): 1, ("B", "D"): 0.5, ("C", "D"): 1}
    expected = methods.ahp(model, pairs)
    shown = [c.value for c in at.caption if "CR =" in c.value] + [w.value for w in at.warning if "CR =" in w.value]
    assert shown and f"{expected.cr:.3f}" in shown[0]
    at.button(key="try_ahp").click().run()
    assert weights(at) == pytest.approx(expected.weights)


def test_budget_rules_move_money_and_are_saved_with_the_scenario(hohhot):
    from perfeval_core.analysis import consequences as cons
    from perfeval_core.store.database import get_store

    at = open_page()
    at.slider(key="w_D").set_value(60.0).run()
    model = ScoringModel(hohhot.evaluation)
    result = model.score(scenario_from_state(dict(weights(at)), {}))
    moved = cons.compare(model, model.score(), result, cons.DEFAULT_RULES)
    info = [i.value for i in at.info if "调动" in i.value]
    assert info and f"{moved.band_changes} 个单位评级改变" in info[0]
    at.number_input(key="rule_0").set_value(20.0).run()  # 优 +20 %
    assert not at.exception
    at.text_input(key="scenario_name").input("效益六十")  # a form: fields and submit go in one run
    next(b for b in at.button if b.label == "保存方案").click().run()
    saved = get_store().list_scenarios(hohhot.evaluation.key)[0]
    assert saved.rules == {"优": 0.2, "良": 0.0, "中": -0.1, "差": -1.0}
    at.button(key="reset_weights").click().run()
    assert at.number_input(key="rule_0").value == pytest.approx(10.0)
    at.button(key=f"load_{saved.id}").click().run()
    assert at.number_input(key="rule_0").value == pytest.approx(20.0)
    assert weights(at)["D"] == pytest.approx(60.0)


def test_switching_language_keeps_the_bands_in_the_new_language():
    at = open_page()
    at.number_input(key="band_0").set_value(85.0).run()
    at.sidebar.button_group(key="lang").set_value("en").run()
    assert not at.exception
    assert at.number_input(key="band_0").label.startswith("Excellent") and at.number_input(key="band_0").value == 85.0
    assert at.number_input(key="rule_0").label.startswith("Excellent")
    ratings = set(live_data(at)["rule"]["labels"])
    assert ratings == {"Excellent", "Good", "Fair", "Poor"}


def test_an_adopted_official_weighting_brings_its_budget_rules():
    """A scenario with its own 评价结果应用 rules made official: the what-if page starts from those
    rules, in both languages."""
    from perfeval_core.store.database import get_store

    at = open_page()
    key = at.session_state["_loaded"][at.session_state["eval_key"]][1].evaluation.key
    store = get_store()
    rules = {"优": 0.05, "良": 0.0, "中": -0.25, "差": -1.0}
    saved = store.save_scenario(key, "严格规则", {}, "renormalise", None, rules=rules)
    store.set_official(key, saved.id)
    for lang in ("zh", "en"):
        fresh = open_page({"lang": lang})
        shown = {n.label: n.value for n in fresh.number_input if n.key and n.key.startswith("rule_")}
        label = "中" if lang == "zh" else "Fair"
        assert next(v for k, v in shown.items() if label in k) == pytest.approx(-25.0), shown
