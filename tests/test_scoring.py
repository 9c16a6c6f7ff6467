"""The scoring engine: effective weights in both modes, totals, ranks, ratings, invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from perfeval_core.analysis.rules import band_problem
from perfeval_core.analysis.scoring import IndicatorTree, Scenario, ScoringModel, rate_from_actual
from perfeval_core.model.evaluation import Bands, Evaluation, ProjectInfo
from perfeval_core.model.rating import competition_rank

TREE = [  # code, name, parent, level, points
    ("A", "决策", None, 1, 20.0), ("A1", "项目立项", "A", 2, 8.0), ("A101", "立项依据", "A1", 3, 4.0),
    ("A102", "立项程序", "A1", 3, 4.0), ("A2", "绩效目标", "A", 2, 12.0), ("A201", "目标合理", "A2", 3, 12.0),
    ("B", "过程", None, 1, 20.0), ("B1", "资金管理", "B", 2, 20.0), ("B101", "到位率", "B1", 3, 10.0),
    ("B102", "执行率", "B1", 3, 10.0),
    ("C", "产出", None, 1, 30.0), ("C1", "数量", "C", 2, 30.0), ("C101", "完成率", "C1", 3, 30.0),
    ("D", "效益", None, 1, 30.0), ("D1", "项目效益", "D", 2, 30.0), ("D101", "社会效益", "D1", 3, 20.0),
    ("D102", "满意度", "D1", 3, 10.0),
]
LEAVES = ["A101", "A102", "A201", "B101", "B102", "C101", "D101", "D102"]


def indicators() -> pd.DataFrame:
    return pd.DataFrame([{"code": c, "name": n, "parent": p, "level": lv, "points": pts, "kind": "定性",
                          "target": np.nan, "unit": "", "explanation": "", "criteria": "",
                          "src_sheet": "指标体系", "src_row": i + 2, "src_col": 3}
                         for i, (c, n, p, lv, pts) in enumerate(TREE)])


def evaluation(rates: np.ndarray, units: list[str] | None = None, depth: list[int] | None = None) -> Evaluation:
    units = units or [f"单位{i}" for i in range(rates.shape[0])]
    depth = depth or [1] * len(units)
    unit_frame = pd.DataFrame({"name": units, "parent": [None] * len(units), "tier": "区", "depth": depth,
                               "field_visited": False, "note": ""})
    rows = []
    points = dict((c, p) for c, _, _, _, p in TREE)
    for i, u in enumerate(units):
        for j, code in enumerate(LEAVES):
            rows.append({"unit": u, "code": code, "points": rates[i, j] * points[code], "rate": rates[i, j],
                         "actual": np.nan, "reason": "", "src_sheet": "评分", "src_row": 2, "src_col": 2})
    return Evaluation(ProjectInfo(name="测试"), indicators(), unit_frame, pd.DataFrame(rows))


def test_official_points_and_totals_sum_leaves():
    rates = np.array([[1, 1, 1, 1, 1, 1, 1, 1], [0.5, 1, 0.5, 1, 0.5, 1, 0.5, 1]], dtype=float)
    result = ScoringModel(evaluation(rates)).score()
    assert result.total[0] == pytest.approx(100.0)
    assert result.total[1] == pytest.approx(2 + 4 + 6 + 10 + 5 + 30 + 10 + 10)
    assert result.level1[1].tolist() == pytest.approx([12.0, 15.0, 30.0, 20.0])


def test_rescaling_level1_keeps_children_proportions():
    tree = IndicatorTree(indicators())
    pts = tree.effective_points({tree.index["A"]: 40.0}, "renormalise")
    assert pts[tree.index["A"]] == pytest.approx(40.0)
    assert pts[tree.index["A1"]] / pts[tree.index["A2"]] == pytest.approx(8 / 12)
    assert pts[tree.index["A101"]] == pytest.approx(40 * 4 / 20)
    # siblings absorb the change in proportion: B 20, C 30, D 30 share 60
    assert pts[tree.index["B"]] == pytest.approx(60 * 20 / 80)
    assert pts[tree.level1].sum() == pytest.approx(100.0)


def test_retotal_mode_changes_parent_then_scales_to_100():
    tree = IndicatorTree(indicators())
    pts = tree.effective_points({tree.index["D102"]: 20.0}, "retotal")
    # D1 becomes 20 + 20 = 40, so level 1 is 20/20/30/40 = 110, scaled back to 100
    assert pts[tree.index["D"]] == pytest.approx(40 * 100 / 110)
    assert pts[tree.index["D102"]] == pytest.approx(pts[tree.index["D101"]])
    assert pts[tree.level1].sum() == pytest.approx(100.0)


def test_renormalise_leaf_keeps_parent():
    tree = IndicatorTree(indicators())
    pts = tree.effective_points({tree.index["D102"]: 20.0}, "renormalise")
    assert pts[tree.index["D"]] == pytest.approx(30.0)
    assert pts[tree.index["D102"]] == pytest.approx(20.0)
    assert pts[tree.index["D101"]] == pytest.approx(10.0)
    assert pts[tree.index["A"]] == pytest.approx(20.0)


def test_full_level1_override_is_the_same_in_both_modes():
    tree = IndicatorTree(indicators())
    w = {tree.index[k]: v for k, v in {"A": 10, "B": 20, "C": 30, "D": 40}.items()}
    assert tree.effective_points(w, "retotal") == pytest.approx(tree.effective_points(w, "renormalise"))


def test_weights_by_name_or_code_at_any_level():
    rates = np.random.default_rng(1).uniform(0, 1, (5, len(LEAVES)))
    model = ScoringModel(evaluation(rates))
    by_name = model.score(Scenario({"决策": 30, "过程": 20, "产出": 20, "效益": 30}))
    by_code = model.score(Scenario({"A": 30, "B": 20, "C": 20, "D": 30}))
    assert by_name.total == pytest.approx(by_code.total)
    assert model.score(Scenario({"满意度": 5})).node_points[model.tree.index["D102"]] > 0
    with pytest.raises(KeyError):
        model.score(Scenario({"不存在": 5}))


def test_all_weights_zero_is_refused():
    rates = np.ones((2, len(LEAVES)))
    with pytest.raises(ValueError):
        ScoringModel(evaluation(rates)).score(Scenario({"A": 0, "B": 0, "C": 0, "D": 0}))


def test_ties_share_the_best_rank_competition_style():
    rates = np.array([[1.0] * 8, [0.5] * 8, [0.5] * 8, [0.2] * 8])
    result = ScoringModel(evaluation(rates)).score()
    assert result.rank.tolist() == [1, 2, 2, 4]


def test_ranks_are_within_the_same_depth():
    rates = np.array([[0.9] * 8, [0.8] * 8, [0.7] * 8, [0.6] * 8])
    result = ScoringModel(evaluation(rates, depth=[0, 1, 1, 2])).score()
    assert result.rank.tolist() == [1, 1, 2, 1]


@pytest.mark.parametrize("score,label", [(90, "优"), (89.99, "良"), (89.995, "优"), (80, "良"), (79.99, "中"),
                                         (60, "中"), (59.99, "差"), (0, "差"), (100, "优")])
def test_default_bands_lower_bound_inclusive(score, label):
    assert Bands().label(score) == label


def test_custom_bands():
    bands = Bands.from_thresholds([85, 70, 50])
    assert [bands.label(s) for s in (85, 84.9, 69.9, 49)] == ["优", "良", "中", "差"]
    assert band_problem(Bands(("A", "B"), (50.0, 60.0))) == ("bands_order", {})


@pytest.mark.parametrize("kind,actual,target,rate", [
    ("正向", 96.71, 100, 0.9671), ("正向", 120, 100, 1.0), ("正向", 0, 100, 0.0),
    ("反向", 80, 100, 1.0), ("反向", 100, 100, 1.0), ("反向", 150, 100, 0.5), ("反向", 200, 100, 0.0),
    ("反向", 300, 100, 0.0), ("定性", 1, 1, np.nan),
])
def test_rate_from_actual_follows_the_positive_and_reverse_rules(kind, actual, target, rate):
    got = rate_from_actual(np.array([kind], dtype=object), np.array([actual]), np.array([target]))[0]
    if np.isnan(rate):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(rate)


rates_strategy = arrays(np.float64, st.tuples(st.integers(1, 12), st.just(len(LEAVES))),
                        elements=st.floats(0, 1, allow_nan=False))
weights_strategy = st.lists(st.floats(0.5, 60, allow_nan=False), min_size=4, max_size=4)


@settings(max_examples=60, deadline=None)
@given(rates_strategy, weights_strategy)
def test_total_is_the_sum_of_leaf_points(rates, weights):
    model = ScoringModel(evaluation(rates))
    result = model.score(Scenario(dict(zip("ABCD", weights))))
    assert result.total == pytest.approx(result.leaf_points().sum(axis=1))
    assert result.total == pytest.approx(result.level1.sum(axis=1))
    assert result.node_points[model.tree.level1].sum() == pytest.approx(100.0)


@settings(max_examples=60, deadline=None)
@given(rates_strategy, weights_strategy, st.floats(0.1, 10))
def test_scaling_all_weights_leaves_ranks_unchanged(rates, weights, factor):
    model = ScoringModel(evaluation(rates))
    a = model.score(Scenario(dict(zip("ABCD", weights))))
    b = model.score(Scenario({k: w * factor for k, w in zip("ABCD", weights)}))
    assert a.total == pytest.approx(b.total)
    assert a.rank.tolist() == b.rank.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=50))
def test_rating_is_monotone_in_score(scores):
    bands = Bands()
    order = np.argsort(scores)
    idx = bands.rate(np.array(scores))[order]
    assert all(a >= b for a, b in zip(idx[:-1], idx[1:]))  # higher score, better (smaller) band index


def test_rescoring_a_million_units_is_a_matrix_product():
    rng = np.random.default_rng(0)
    rates = rng.uniform(0, 1, (1000, len(LEAVES)))
    model = ScoringModel(evaluation(rates))
    result = model.score(Scenario({"效益": 40}))
    expected = rates @ result.node_points[model.tree.leaves]
    assert result.total == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([80.0, 85.5, 90.0, 72.25, 60.0]), st.integers(0, 2)), min_size=1, max_size=40))
def test_competition_rank_matches_brute_force(pairs):
    from perfeval_core.model.rating import competition_rank

    totals = np.array([t for t, _ in pairs])
    groups = np.array([g for _, g in pairs])
    expected = [1 + sum(1 for t2, g2 in pairs if g2 == g and t2 > t) for t, g in pairs]
    assert competition_rank(totals, groups).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.integers(0, 3)), min_size=1, max_size=300),
       st.sampled_from([1, 100, 10_000]))
def test_counting_rank_equals_the_sorting_rank(pairs, grain):
    """Totals on a coarse grid force ties; both algorithms must agree exactly, groups included."""
    from perfeval_core.model.rating import _rank_by_sort, cents

    total = np.array([round(v * grain) / grain for v, _ in pairs])
    groups = np.array([g for _, g in pairs])
    assert competition_rank(total, groups).tolist() == _rank_by_sort(cents(total), groups).tolist()
    assert competition_rank(total).tolist() == _rank_by_sort(cents(total), None).tolist()


def test_rank_falls_back_to_sorting_for_nan_and_wide_ranges():
    total = np.array([1e9, 5.0, np.nan, 5.0, -3.0])
    assert competition_rank(total).tolist()[:2] == [1, 2] and competition_rank(total)[3] == 2


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.just(len(LEAVES))), elements=st.floats(0, 1)),
       st.lists(st.floats(0.5, 40), min_size=4, max_size=4))
def test_level1_subtotals_by_leaf_blocks_equal_the_dense_product(rates, level1):
    """The model keeps 得分率 column-major and sums each level-1 indicator over its own block of
    leaves; a row-major matrix (or leaves of different level-1 indicators interleaved) takes the
    dense units × leaves by leaves × level-1 product: both give the same subtotals, which add up
    to the totals."""
    scenario = Scenario(dict(zip("ABCD", level1)), "renormalise")
    model = ScoringModel(evaluation(rates))
    assert model.rates.flags.f_contiguous and model.tree.level1_slices is not None
    blocks = model.score(scenario)
    dense = ScoringModel.from_rates(indicators(), model.unit_names, np.ascontiguousarray(model.rates)).score(scenario)
    assert rates.shape[0] == 1 or not dense.model.rates.flags.f_contiguous  # one row is both
    np.testing.assert_allclose(blocks.level1, dense.level1, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(blocks.level1.sum(axis=1), blocks.total, rtol=1e-12, atol=1e-9)


def test_interleaved_level1_leaves_take_the_dense_product():
    # B's leaf listed between A's: no contiguous block per level-1 indicator
    order = ["A", "B", "A1", "B1", "A101", "B101", "A102", "C", "C1", "C101", "D", "D1", "D101", "D102",
             "A2", "A201", "B102"]
    frame = indicators().set_index("code").loc[order].reset_index()
    tree = IndicatorTree(frame)
    assert tree.level1_slices is None
    rates = np.asfortranarray(np.random.default_rng(1).uniform(0, 1, (5, len(tree.leaves))))
    result = ScoringModel.from_rates(frame, [f"u{i}" for i in range(5)], rates).score()
    np.testing.assert_allclose(result.level1.sum(axis=1), result.total, rtol=1e-12)
    by_hand = np.array([[sum(rates[u, j] * tree.points[leaf] for j, leaf in enumerate(tree.leaves)
                             if tree.membership[j, node]) for node in tree.level1] for u in range(5)])
    np.testing.assert_allclose(result.level1, by_hand, rtol=1e-12)


@pytest.mark.parametrize("tiny", [5e-324, 1e-310, 1e-13])
def test_a_vanishing_weight_is_a_zero_weight_not_an_overflow(hohhot, tiny):
    """A weight of a few denormal points used to be divided into its children's points (inf, then
    NaN totals); below scoring.NEGLIGIBLE it is no weight at all."""
    import warnings

    from perfeval_core.analysis.whatif import scenario_from_state

    model = ScoringModel(hohhot.evaluation)
    tree = model.tree
    level1 = [tree.codes[i] for i in tree.level1]
    group = tree.children[tree.level1[1]]  # all of 过程's indicators, under its 50 points
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lower_weights in ({}, {tree.codes[group[0]]: tiny}, {tree.codes[g]: tiny for g in group}):
            result = model.score(scenario_from_state(dict(zip(level1, [tiny, 50.0, 50.0, 0.0])), lower_weights))
            assert np.isfinite(result.total).all()
            zero = model.score(scenario_from_state(dict(zip(level1, [0.0, 50.0, 50.0, 0.0])), lower_weights))
            assert result.total == pytest.approx(zero.total, abs=1e-9)
