"""Robustness of totals, ranks and ratings to the level-1 weights (DOMAIN §8).

Every check recomputes the answer by brute force: rescoring with ``model.score(Scenario(...,
mode="renormalise"))`` or with the leaf points scaled group by group (which also works for the
negative weights the unbounded closed form may propose), scanning weight grids and sampling
random weightings. None of it calls the formulas under test.
"""

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from perfeval_core.analysis.robustness import (
    band_distance,
    break_even,
    dirichlet_concentration,
    level1_rates,
    monte_carlo,
    rank_swaps,
    rating_break_even,
    robust_pairs,
    same_depth_pairs,
)
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.cli import main
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.rating import competition_rank

from .conftest import SAMPLES

HOHHOT = str(SAMPLES / "hohhot_2023_evaluation.xlsx")

TREE = [  # code, name, parent, level, points
    ("A", "决策", None, 1, 15.0), ("A1", "立项", "A", 2, 6.0), ("A2", "目标", "A", 2, 9.0),
    ("B", "过程", None, 1, 25.0), ("B1", "资金", "B", 2, 15.0), ("B2", "管理", "B", 2, 10.0),
    ("C", "产出", None, 1, 30.0), ("C1", "数量", "C", 2, 30.0),
    ("D", "效益", None, 1, 30.0), ("D1", "社会效益", "D", 2, 20.0), ("D2", "满意度", "D", 2, 10.0),
]
N_LEAVES = 7
CODES = ["A", "B", "C", "D"]


def indicators() -> pd.DataFrame:
    return pd.DataFrame([{"code": c, "name": n, "parent": p, "level": lv, "points": pts, "kind": "定性",
                          "target": np.nan, "unit": "", "explanation": "", "criteria": "",
                          "src_sheet": "指标体系", "src_row": i + 2, "src_col": 3}
                         for i, (c, n, p, lv, pts) in enumerate(TREE)])


def synthetic(rates: np.ndarray, depth: list[int] | None = None) -> ScoringModel:
    names = [f"单位{i}" for i in range(rates.shape[0])]
    return ScoringModel.from_rates(indicators(), names, rates, unit_depth=None if depth is None else np.array(depth))


@pytest.fixture(scope="module")
def model(hohhot):
    return ScoringModel(hohhot.evaluation)


# ---- brute force ---------------------------------------------------------------------------

def leaf_totals(model: ScoringModel, level1: np.ndarray) -> np.ndarray:
    """Totals (units × k) for k level-1 weight vectors (k × J): every leaf's official points
    scaled by its group's new ÷ official points. Works for any (also negative) weights."""
    tree = model.tree
    level1 = np.atleast_2d(level1)
    group_of_leaf = tree.membership[:, tree.level1].argmax(axis=1)
    official = tree.points[tree.level1]
    leaf = tree.points[tree.leaves][:, None] * (level1 / official).T[group_of_leaf]
    return model.rates @ leaf


def rescore(model: ScoringModel, weights: dict[str, float]):
    return model.score(Scenario(weights=weights, mode="renormalise"))


def one_group_grid(model: ScoringModel, j: int, grid: np.ndarray) -> np.ndarray:
    """Level-1 weight vectors with group j at each grid value and the others rescaled."""
    w = model.tree.points[model.tree.level1]
    others = np.delete(np.arange(len(w)), j)
    out = np.empty((len(grid), len(w)))
    out[:, j] = grid
    out[:, others] = (100 - grid)[:, None] * (w[others] / w[others].sum())[None, :]
    return out


def rounded_keys(totals: np.ndarray) -> np.ndarray:
    return np.round(totals, 2)


# ---- level-1 view --------------------------------------------------------------------------

@pytest.mark.parametrize("weights", [None, {"效益": 40}, {"A": 20, "B": 20, "C": 30, "D": 30},
                                     {"决策": 5, "产出": 50}, [10, 20, 30, 40], {"D": 0}])
def test_level1_total_is_the_renormalised_score(model, weights):
    r, w = level1_rates(model, weights)
    mapping = dict(zip(CODES, weights)) if isinstance(weights, list) else (weights or {})
    result = rescore(model, mapping)
    assert w == pytest.approx(result.node_points[model.tree.level1])
    assert w.sum() == pytest.approx(100.0)
    assert r @ w == pytest.approx(result.total, abs=1e-9)
    assert r * w == pytest.approx(result.level1, abs=1e-9)
    # the rates do not depend on the level-1 weights (children keep their proportions)
    assert r == pytest.approx(level1_rates(model)[0], abs=1e-12)


def test_level1_rates_of_the_sample(model):
    r, w = level1_rates(model)
    assert w.tolist() == [15.0, 25.0, 30.0, 30.0]
    city = model.index_of("呼和浩特市")
    assert r[city, 0] == pytest.approx(11.0 / 15)
    assert ((r >= 0) & (r <= 1)).all()


# ---- break-even weights --------------------------------------------------------------------

def test_break_even_weight_really_flips_the_rating(model):
    table = break_even(model)
    assert len(table) == len(model.unit_names) * 4 * 3
    feasible = table[table["feasible"]]
    assert len(feasible) > 20
    codes = dict(zip(table["group"], table["code"]))
    checked = 0
    for row in feasible.itertuples():
        i = model.index_of(row.unit)
        slope = abs(row.rate - row.others_rate)
        eps = 0.02 / slope  # a 0.02-point move of the total: visible after rounding to 2 decimals
        side = 1.0 if row.break_even > row.weight else -1.0
        near, far = row.break_even - side * eps, row.break_even + side * eps
        if row.break_even == row.weight or eps > 2 or not (0 <= near <= 100 and 0 <= far <= 100):
            continue
        at = rescore(model, {codes[row.group]: row.break_even})
        assert at.total[i] == pytest.approx(row.threshold, abs=1e-9)
        upper = min(row.band_before, row.band_after, key=model.bands.labels.index)
        assert at.ratings[i] == upper  # lower bound inclusive: at W* the unit is in the upper band
        assert rescore(model, {codes[row.group]: near}).ratings[i] == row.band_before
        assert rescore(model, {codes[row.group]: far}).ratings[i] == row.band_after
        # direction: raising the weight past W* lifts the unit into the upper band iff 'up'
        above = rescore(model, {codes[row.group]: row.break_even + eps}).ratings[i]
        assert (above == upper) == (row.direction == "up")
        checked += 1
    assert checked > 20


def test_infeasible_break_even_is_outside_the_range(model):
    table = break_even(model)
    bad = table[~table["feasible"]]
    assert ((bad["break_even"] < 0) | (bad["break_even"] > 100) | bad["break_even"].isna()).all()


def test_rating_break_even_matches_a_weight_scan(model):
    step = 0.05
    grid = np.round(np.arange(0, 100 + step / 2, step), 10)
    summary = rating_break_even(model)
    labels = model.bands.labels
    for j, code in enumerate(CODES):
        totals = leaf_totals(model, one_group_grid(model, j, grid))  # units × grid
        assert totals[:, 300] == pytest.approx(rescore(model, {code: grid[300]}).total)
        ratings = model.bands.rate(totals)
        now = int(np.argmin(np.abs(grid - model.tree.points[model.tree.level1][j])))
        slopes = np.abs(totals[:, -1] - totals[:, 0]) / 100
        part = summary[summary["code"] == code]
        for row in part.itertuples():
            i = model.index_of(row.unit)
            assert row.rating == labels[ratings[i, now]]
            tol = step + 0.0051 / max(slopes[i], 1e-12)
            changed_up = np.flatnonzero(ratings[i, now:] != ratings[i, now])
            if row.up_weight is None:
                assert not len(changed_up), (row.unit, code)
            else:
                first = grid[now + changed_up[0]]
                assert abs(first - row.up_weight) <= tol, (row.unit, code, first, row.up_weight)
                assert labels[ratings[i, now + changed_up[0]]] == row.up_rating
            changed_down = np.flatnonzero(ratings[i, : now + 1][::-1] != ratings[i, now])
            if row.down_weight is None:
                assert not len(changed_down), (row.unit, code)
            else:
                first = grid[now - changed_down[0]]
                assert abs(first - row.down_weight) <= tol, (row.unit, code, first, row.down_weight)
                assert labels[ratings[i, now - changed_down[0]]] == row.down_rating


def test_saihan_stays_good_until_benefit_reaches_its_break_even(model):
    row = rating_break_even(model).query("unit == '赛罕区' and group == '效益'").iloc[0]
    assert row["rating"] == "良" and row["up_rating"] == "优"
    below, at = row["up_weight"] - 0.5, row["up_weight"]
    assert rescore(model, {"效益": below}).ratings[model.index_of("赛罕区")] == "良"
    assert rescore(model, {"效益": at}).ratings[model.index_of("赛罕区")] == "优"


def test_unit_rounded_up_onto_a_threshold_loses_it_at_once():
    # unit 0 totals 79.996: printed 80.00, rated 良; any small move that lowers it costs the band
    rates = np.array([[0.9] * N_LEAVES, [0.5] * N_LEAVES])
    rates[0, :] = [1.0, 1.0, 0.7, 0.7, 0.7998, 0.7, 0.7]
    m = synthetic(rates)
    total = m.score().total[0]
    rates[0, 4] += (79.996 - total) / 30.0
    m = synthetic(rates)
    assert m.score().total[0] == pytest.approx(79.996) and m.score().ratings[0] == "良"
    rows = rating_break_even(m).query("unit == '单位0'")
    for row in rows.itertuples():
        j = CODES.index(row.code)
        for weight, rating in ((row.up_weight, row.up_rating), (row.down_weight, row.down_rating)):
            if weight is None:
                continue
            past = weight + (0.01 if weight > row.weight else -0.01)
            if 0 <= past <= 100:
                assert m.bands.label(float(leaf_totals(m, one_group_grid(m, j, np.array([past])))[0, 0])) == rating
    # the group that lifts the unit is the one whose move down costs the band right away
    c_row = rows[rows["code"] == "C"].iloc[0]
    assert c_row["down_weight"] is not None and 29.9 < c_row["down_weight"] < 30.0
    assert c_row["down_rating"] == "中"


# ---- rank swaps ----------------------------------------------------------------------------

def test_rank_swaps_really_swap(model):
    for code in CODES:
        swaps = rank_swaps(model, code)
        assert (swaps["swap_weight"].between(0, 100)).all()
        for row in swaps.itertuples():
            a, b = model.index_of(row.unit_a), model.index_of(row.unit_b)
            assert model.unit_depth[a] == model.unit_depth[b] == row.depth
            at = rescore(model, {code: row.swap_weight}).total
            assert at[a] == pytest.approx(at[b], abs=1e-9)
            assert at[a] == pytest.approx(row.score_at_swap, abs=1e-9)
            ends = leaf_totals(model, one_group_grid(model, CODES.index(code), np.array([0.0, 100.0])))
            slope = abs((ends[a, 1] - ends[a, 0]) - (ends[b, 1] - ends[b, 0])) / 100
            eps = 0.03 / slope
            side = 1.0 if row.swap_weight >= row.weight else -1.0
            near, far = row.swap_weight - side * eps, row.swap_weight + side * eps
            if eps > 3 or not (0 <= near <= 100 and 0 <= far <= 100):
                continue
            before, after = rescore(model, {code: near}), rescore(model, {code: far})
            assert rounded_keys(before.total[a]) > rounded_keys(before.total[b])
            assert before.rank[a] < before.rank[b]
            assert rounded_keys(after.total[b]) > rounded_keys(after.total[a])
            assert after.rank[b] < after.rank[a]


def test_rank_swaps_are_complete_on_a_grid(model):
    grid = np.linspace(0, 100, 2001)
    for j, code in enumerate(CODES):
        totals = leaf_totals(model, one_group_grid(model, j, grid))
        swaps = rank_swaps(model, code)
        found = {frozenset((r.unit_a, r.unit_b)): r.swap_weight for r in swaps.itertuples()}
        depth = model.unit_depth
        for a, b in itertools.combinations(range(len(model.unit_names)), 2):
            if depth[a] != depth[b]:
                continue
            sign = np.sign(totals[a] - totals[b])
            changes = np.flatnonzero(sign[1:] * sign[:-1] < 0)
            key = frozenset((model.unit_names[a], model.unit_names[b]))
            if len(changes):
                assert key in found
                assert grid[changes[0]] <= found[key] <= grid[changes[0] + 1]
            elif key in found:  # a touch at the very ends of the range, or no crossing at all
                assert found[key] <= grid[1] or found[key] >= grid[-2]


def test_rank_swaps_all_groups_and_depth_filter(model):
    every = rank_swaps(model)
    assert set(every["code"]) <= set(CODES)
    assert len(every) == sum(len(rank_swaps(model, c)) for c in CODES)
    streets = rank_swaps(model, "效益", depth=2)
    assert (streets["depth"] == 2).all()
    assert len(streets) == (rank_swaps(model, "效益")["depth"] == 2).sum()
    with pytest.raises(ValueError):
        rank_swaps(model, "A1")  # not a level-1 group


# ---- distance to the next band -------------------------------------------------------------

def test_closed_form_distance_lands_on_the_threshold(model):
    table = band_distance(model)
    w = model.tree.points[model.tree.level1]
    codes = dict(zip([model.tree.names[n] for n in model.tree.level1], CODES))
    checked = 0
    for row in table.itertuples():
        i = model.index_of(row.unit)
        for side in ("up", "down"):
            delta = getattr(row, f"{side}_delta")
            if delta is None:
                assert getattr(row, f"{side}_rating") is None or getattr(row, f"{side}_distance") is None
                continue
            d = np.array(list(delta.values()))
            target = getattr(row, f"{side}_threshold")
            assert d.sum() == pytest.approx(0, abs=1e-9)
            assert np.linalg.norm(d) == pytest.approx(getattr(row, f"{side}_distance"))
            assert leaf_totals(model, w + d)[i, 0] == pytest.approx(target, abs=1e-9)
            if getattr(row, f"{side}_within_bounds"):
                new = rescore(model, {codes[g]: w_j + x for (g, x), w_j in zip(delta.items(), w)})
                assert new.total[i] == pytest.approx(target, abs=1e-9)
                if side == "up":
                    assert new.ratings[i] == row.up_rating
                else:
                    assert new.ratings[i] == row.rating  # still holds its band on its lower bound
                    beyond = 1 + 0.01 / abs(target - row.total)  # 0.01 points past T: visible when printed
                    further = rescore(model, {codes[g]: w_j + beyond * x for (g, x), w_j in zip(delta.items(), w)})
                    assert further.ratings[i] == row.down_rating
            checked += 1
    assert checked >= len(model.unit_names)


def test_no_smaller_change_reaches_the_threshold(model):
    table = band_distance(model)
    w = model.tree.points[model.tree.level1]
    rng = np.random.default_rng(7)
    u = rng.normal(size=(20_000, 4))
    u -= u.mean(axis=1, keepdims=True)
    u /= np.linalg.norm(u, axis=1, keepdims=True)  # random unit directions with Σ = 0
    base = leaf_totals(model, w)[:, 0]
    slope = leaf_totals(model, w + u) - base[:, None]  # total change per unit step, units × directions
    for row in table.itertuples():
        i = model.index_of(row.unit)
        for side in ("up", "down"):
            dist = getattr(row, f"{side}_distance")
            if dist is None:
                continue
            gap = getattr(row, f"{side}_threshold") - base[i]
            with np.errstate(divide="ignore"):
                needed = gap / slope[i]
            assert needed[needed > 0].min() >= dist * (1 - 1e-9)
            # random changes strictly shorter than the distance never cross T
            lengths = rng.uniform(0, dist, size=len(u)) * (1 - 1e-9)
            reached = base[i] + lengths * slope[i]
            assert (np.sign(getattr(row, f"{side}_threshold") - reached) == np.sign(gap)).all()


BOUNDS = {"决策": (5.0, 25.0), "过程": (15.0, 35.0), "产出": (20.0, 45.0), "效益": (20.0, 45.0)}


def test_linear_program_respects_bounds_and_lands_on_the_threshold(model):
    table = band_distance(model, bounds=BOUNDS)
    closed = band_distance(model)
    lo = np.array([b[0] for b in BOUNDS.values()])
    hi = np.array([b[1] for b in BOUNDS.values()])
    w = model.tree.points[model.tree.level1]
    assert (table["norm"] == "L1").all()
    rng = np.random.default_rng(3)
    solved = 0
    for row, free in zip(table.itertuples(), closed.itertuples()):
        i = model.index_of(row.unit)
        r_i = leaf_totals(model, np.eye(4) * 100)[i] / 100  # level-1 rates, by brute force
        for side in ("up", "down"):
            delta = getattr(row, f"{side}_delta")
            if delta is None:
                continue
            target = getattr(row, f"{side}_threshold")
            x = w + np.array(list(delta.values()))
            assert ((x >= lo - 1e-7) & (x <= hi + 1e-7)).all()
            assert x.sum() == pytest.approx(100.0, abs=1e-7)
            new = rescore(model, dict(zip(CODES, x)))
            assert new.total[i] == pytest.approx(target, abs=1e-6)
            if side == "up":
                assert new.ratings[i] == row.up_rating
            dist = getattr(row, f"{side}_distance")
            assert dist == pytest.approx(np.abs(x - w).sum())
            assert dist >= getattr(free, f"{side}_distance") - 1e-7  # ‖Δ‖₁ ≥ min ‖Δ‖₂
            # random feasible weightings that reach T are never cheaper in Σ|Δw|
            a = np.vstack([r_i, np.ones(4)])
            pts = rng.uniform(lo, hi, size=(4000, 4))
            resid = np.array([target, 100.0])[None, :] - pts @ a.T
            pts += resid @ np.linalg.pinv(a).T  # project onto r·x = T, Σx = 100
            ok = np.all((pts >= lo) & (pts <= hi), axis=1)
            if ok.any():
                assert np.abs(pts[ok] - w).sum(axis=1).min() >= dist - 1e-6
            solved += 1
    assert solved > 15


def test_linear_program_reports_unreachable_as_none(model):
    w = model.tree.points[model.tree.level1]
    tight = [(x - 0.1, x + 0.1) for x in w]
    table = band_distance(model, bounds=tight)
    # with every weight within ±0.1 a total moves by at most Σ|Δw| × max|r_j − r_k| / 2 ≤ 0.4
    for row in table.itertuples():
        for side in ("up", "down"):
            target = getattr(row, f"{side}_threshold")
            if target is not None and abs(target - row.total) > 0.4:
                assert getattr(row, f"{side}_distance") is None
                assert getattr(row, f"{side}_delta") is None


def test_band_distance_ends_of_the_scale(model):
    table = band_distance(model)
    top = table[table["rating"] == "优"]
    assert len(top) and top["up_rating"].isna().all() and top["up_distance"].isna().all()
    assert (table[table["rating"] == "良"]["up_threshold"] == 90).all()
    assert (table[table["rating"] == "良"]["down_threshold"] == 80).all()


# ---- Monte Carlo ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["uniform", "dirichlet"])
def test_zero_spread_reproduces_official_ranks_and_bands(model, method):
    result = monte_carlo(model, draws=300, spread=0.0, method=method)
    official = model.score()
    t = result.table
    for col in ("rank_p5", "rank_median", "rank_p95", "official_rank"):
        assert t[col].tolist() == official.rank.tolist()
    assert t["official_rating"].tolist() == official.ratings
    assert (t["p_official_rating"] == 1.0).all()
    assert np.allclose(result.weights, official.node_points[model.tree.level1])


def test_zero_spread_reproduces_ties_exactly():
    rng = np.random.default_rng(5)
    rates = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], size=(60, N_LEAVES))  # many tied totals
    depth = rng.integers(0, 3, 60).tolist()
    m = synthetic(rates, depth)
    result = monte_carlo(m, draws=50, spread=0.0, keep_draws=True)
    official = m.score()
    assert len(set(np.round(official.total, 2))) < 60
    assert (result.ranks == official.rank[None, :]).all()
    assert (result.band_index == official.band_index[None, :]).all()


def test_monte_carlo_equals_rescoring_every_draw():
    rng = np.random.default_rng(11)
    rates = rng.uniform(0.3, 1.0, size=(40, N_LEAVES))
    depth = [0] * 3 + [1] * 12 + [2] * 25
    m = synthetic(rates, depth)
    for method in ("uniform", "dirichlet"):
        result = monte_carlo(m, draws=150, spread=0.3, method=method, seed=2, keep_draws=True)
        assert result.weights.sum(axis=1) == pytest.approx(np.full(150, 100.0))
        for d in range(150):
            again = rescore(m, dict(zip(CODES, result.weights[d])))
            assert result.ranks[d].tolist() == again.rank.tolist()
            assert result.band_index[d].tolist() == again.band_index.tolist()
        ranks = result.ranks
        t = result.table
        for col, q in (("rank_p5", 5), ("rank_median", 50), ("rank_p95", 95)):
            assert t[col].tolist() == np.percentile(ranks, q, axis=0, method="inverted_cdf").astype(int).tolist()
        assert t["rank_mean"].to_numpy() == pytest.approx(ranks.mean(axis=0))
        for b, label in enumerate(m.bands.labels):
            assert t[f"p_{label}"].to_numpy() == pytest.approx((result.band_index == b).mean(axis=0))
        for i in range(40):
            counts = np.bincount(ranks[:, i] - 1, minlength=result.rank_acceptability.shape[1]) / 150
            assert result.rank_acceptability[i] == pytest.approx(counts)


def test_uniform_draws_stay_in_the_box(model):
    w = model.tree.points[model.tree.level1]
    result = monte_carlo(model, draws=2000, spread=0.2, seed=4)
    ratio = result.weights / w
    # factors in [0.8, 1.2] before the rescaling to 100: ratios between factors stay within 1.2 / 0.8
    assert (ratio.max(axis=1) / ratio.min(axis=1) <= 1.2 / 0.8 + 1e-12).all()
    assert (result.weights.std(axis=0) > 0.5).all()


def test_probabilities_sum_to_one_and_seed_reproduces(model):
    a = monte_carlo(model, draws=3000, spread=0.25, seed=9)
    b = monte_carlo(model, draws=3000, spread=0.25, seed=9)
    c = monte_carlo(model, draws=3000, spread=0.25, seed=10)
    assert a.band_probabilities.sum(axis=1) == pytest.approx(np.ones(len(model.unit_names)))
    assert a.rank_acceptability.sum(axis=1) == pytest.approx(np.ones(len(model.unit_names)))
    pd.testing.assert_frame_equal(a.table, b.table)
    assert np.array_equal(a.weights, b.weights)
    assert not np.array_equal(a.weights, c.weights)
    t = a.table
    assert ((t["rank_p5"] <= t["rank_median"]) & (t["rank_median"] <= t["rank_p95"])).all()
    sizes = pd.Series(model.unit_depth).map(pd.Series(model.unit_depth).value_counts())
    assert (t["rank_p95"] <= sizes).all()
    # 玉泉区 (79.55, 中) is close to 80: some weightings rate it 良
    yq = t.set_index("unit").loc["玉泉区"]
    assert 0 < yq["p_良"] < 1 and yq["p_良"] + yq["p_中"] == pytest.approx(1)


def test_dirichlet_concentration_and_mean(model):
    assert dirichlet_concentration(0.2, 4) == pytest.approx(3 * 3 / 0.04 - 1)
    result = monte_carlo(model, draws=20_000, spread=0.2, method="dirichlet", seed=1)
    w = model.tree.points[model.tree.level1]
    assert result.concentration == pytest.approx(224.0)
    assert result.weights.mean(axis=0) == pytest.approx(w, abs=0.1)
    p = w / 100
    assert result.weights.std(axis=0) == pytest.approx(100 * np.sqrt(p * (1 - p) / 225), rel=0.05)
    fixed = monte_carlo(model, draws=2000, method="dirichlet", concentration=50.0, seed=1)
    assert fixed.concentration == 50.0
    assert fixed.weights.std(axis=0) == pytest.approx(100 * np.sqrt(p * (1 - p) / 51), rel=0.08)


def test_monte_carlo_with_reference_weights_and_bands(model):
    weights = {"决策": 20, "过程": 20, "产出": 30, "效益": 30}
    bands = Bands.from_thresholds([85, 75, 60])
    result = monte_carlo(model, bands, draws=200, spread=0.0, weights=weights)
    ref = model.score(Scenario(weights, mode="renormalise"), bands)
    assert result.table["official_rank"].tolist() == ref.rank.tolist()
    assert result.table["official_rating"].tolist() == ref.ratings
    assert result.table["rank_median"].tolist() == ref.rank.tolist()


def test_bad_monte_carlo_arguments(model):
    with pytest.raises(ValueError):
        monte_carlo(model, draws=10, spread=1.5)
    with pytest.raises(ValueError):
        monte_carlo(model, draws=10, method="normal")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        monte_carlo(model, draws=0)


# ---- robust pairs --------------------------------------------------------------------------

def admissible(w: np.ndarray, spread: float, n: int, rng: np.random.Generator) -> np.ndarray:
    v = w * rng.uniform(1 - spread, 1 + spread, size=(n, len(w)))
    corners = np.array(list(itertools.product([1 - spread, 1 + spread], repeat=len(w)))) * w
    v = np.vstack([v, corners])
    return v * (100 / v.sum(axis=1))[:, None]


def test_robust_pairs_hold_under_random_weightings(model):
    spread = 0.2
    pairs = robust_pairs(model, spread)
    w = model.tree.points[model.tree.level1]
    weightings = admissible(w, spread, 2000, np.random.default_rng(0))
    totals = leaf_totals(model, weightings)  # units × 2016
    ranks = np.column_stack([competition_rank(totals[:, k], model.unit_depth) for k in range(totals.shape[1])])
    robust = set()
    for row in pairs.itertuples():
        a, b = model.index_of(row.winner), model.index_of(row.loser)
        robust.add((a, b))
        assert model.unit_depth[a] == model.unit_depth[b]
        assert (totals[a] > totals[b]).all()
        assert (ranks[a] <= ranks[b]).all()
        assert (totals[a] - totals[b]).min() >= row.min_margin - 1e-9
    for k in range(0, totals.shape[1], 400):  # a few through the scoring engine itself
        result = rescore(model, dict(zip(CODES, weightings[k])))
        assert all(result.rank[a] <= result.rank[b] for a, b in robust)
    # every other pair of the same depth is reversed (or tied) at some corner of the box
    corners = weightings[-16:]
    corner_totals = leaf_totals(model, corners)
    for a, b in itertools.combinations(range(len(model.unit_names)), 2):
        if model.unit_depth[a] != model.unit_depth[b] or (a, b) in robust or (b, a) in robust:
            continue
        diff = corner_totals[a] - corner_totals[b]
        assert diff.min() <= 1e-12 and diff.max() >= -1e-12
    assert same_depth_pairs(model) == 15 + 105
    assert len(pairs) <= same_depth_pairs(model)


def test_robust_pairs_shrink_as_the_box_grows(model):
    counts = [len(robust_pairs(model, s)) for s in (0.0, 0.1, 0.3, 0.6, 0.9)]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 120  # no ties in the sample: at zero spread every pair is robust
    assert (robust_pairs(model, 0.2, depth=1)["depth"] == 1).all()


# ---- random small models -------------------------------------------------------------------

rates_strategy = arrays(np.float64, st.tuples(st.integers(2, 8), st.just(N_LEAVES)),
                        elements=st.floats(0, 1, allow_nan=False))
weights_strategy = st.lists(st.floats(1, 60, allow_nan=False), min_size=4, max_size=4)


@settings(max_examples=40, deadline=None)
@given(rates_strategy, weights_strategy, st.integers(0, 2**16))
def test_random_models(rates, weights, seed):
    rng = np.random.default_rng(seed)
    depth = rng.integers(0, 2, rates.shape[0]).tolist()
    m = synthetic(rates, depth)
    ref = dict(zip(CODES, weights))
    result = rescore(m, ref)
    w = result.node_points[m.tree.level1]
    r, w2 = level1_rates(m, ref)
    assert w2 == pytest.approx(w) and r @ w2 == pytest.approx(result.total, abs=1e-9)

    # break-even: the total is exactly T at every feasible W*
    table = break_even(m, weights=ref)
    for row in table[table["feasible"]].itertuples():
        j = CODES.index(row.code)
        others = np.delete(np.arange(4), j)
        vec = np.empty(4)
        vec[j] = row.break_even
        vec[others] = (100 - row.break_even) * w[others] / w[others].sum()
        assert leaf_totals(m, vec)[m.index_of(row.unit), 0] == pytest.approx(row.threshold, abs=1e-7)

    # closed-form distance lands on T
    dist = band_distance(m, weights=ref)
    for row in dist.itertuples():
        for side in ("up", "down"):
            delta = getattr(row, f"{side}_delta")
            if delta is not None:
                d = np.array(list(delta.values()))
                total = leaf_totals(m, w + d)[m.index_of(row.unit), 0]
                # nearly equal rates need huge moves: the float error grows with their size
                assert total == pytest.approx(getattr(row, f"{side}_threshold"), abs=1e-9 * max(100, np.abs(d).sum()))

    # robust pairs = the pairs no corner of the box reverses
    spread = 0.25
    pairs = {(p.winner, p.loser) for p in robust_pairs(m, spread, weights=ref).itertuples()}
    corners = np.array(list(itertools.product([1 - spread, 1 + spread], repeat=4))) * w
    corners *= (100 / corners.sum(axis=1))[:, None]
    ct = leaf_totals(m, corners)
    names = m.unit_names
    expected = {(names[a], names[b]) for a in range(len(names)) for b in range(len(names))
                if a != b and depth[a] == depth[b] and (ct[a] - ct[b]).min() > 1e-9}
    # pairs with a margin within float noise of zero are left out of the comparison
    close = {(names[a], names[b]) for a in range(len(names)) for b in range(len(names))
             if a != b and abs((ct[a] - ct[b]).min()) <= 1e-9}
    assert pairs - close == expected - close

    # zero spread reproduces the reference ranks and ratings
    mc = monte_carlo(m, draws=20, spread=0.0, weights=ref, keep_draws=True)
    assert (mc.ranks == result.rank[None, :]).all() and (mc.band_index == result.band_index[None, :]).all()


# ---- command line --------------------------------------------------------------------------

def test_cli_robustness_json(capsys):
    assert main(["robustness", HOHHOT, "--draws", "800", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["weights"] == {"决策": 15, "过程": 25, "产出": 30, "效益": 30}
    assert d["monte_carlo"]["draws"] == 800 and d["robust_pairs"]["pairs"] == 120
    assert 0 < d["robust_pairs"]["count"] <= 120
    assert len(d["units"]) == 22
    saihan = next(u for u in d["units"] if u["unit"] == "赛罕区")
    assert set(saihan) >= {"unit", "parent", "depth", "total", "rank", "rating", "break_even", "band_distance",
                           "rank_interval", "band_probabilities"}
    assert set(saihan["break_even"]) == {"决策", "过程", "产出", "效益"}
    assert saihan["break_even"]["效益"]["up_rating"] == "优"
    assert saihan["band_distance"]["up"]["threshold"] == 90
    assert sum(saihan["band_probabilities"].values()) == pytest.approx(1)
    ri = saihan["rank_interval"]
    assert ri["p5"] <= ri["median"] <= ri["p95"]
    best = next(u for u in d["units"] if u["rating"] == "优")
    assert best["band_distance"]["up"] is None
    assert main(["robustness", HOHHOT, "--draws", "300", "--method", "dirichlet", "--spread", "0.1",
                 "--weights", "决策=20,过程=20,产出=30,效益=30", "--bands", "85,75,60", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["bands"] == {"优": 85, "良": 75, "中": 60, "差": 0}
    assert d["weights"]["决策"] == 20 and d["monte_carlo"]["concentration"] == pytest.approx(899)


def test_cli_robustness_text_and_bad_arguments(capsys):
    assert main(["robustness", HOHHOT, "--draws", "200"]) == 0
    out = capsys.readouterr().out
    assert "赛罕区" in out and "名次" in out
    assert main(["robustness", HOHHOT, "--spread", "1.5"]) == 2
    assert main(["robustness", HOHHOT, "--weights", "不存在=5"]) == 2
    assert "找不到指标" in capsys.readouterr().err
    assert main(["robustness", HOHHOT, "--bands", "60,80,90"]) == 2


def test_groups_too_large_keep_their_ratings_and_lose_only_rank_statistics(model, monkeypatch):
    """Rank counts take m² integers for a depth group of m units and pairs m²/2 rows: groups over
    the limits are left out of those (45,000 communities killed the server), while every unit's
    rating probabilities are still counted, identical to an unlimited run."""
    from perfeval_core.analysis import robustness

    full = monte_carlo(model, draws=300, seed=3)
    sizes = pd.Series(model.unit_depth).value_counts()
    big_depth, big_size = int(sizes.idxmax()), int(sizes.max())
    assert big_size > 2
    monkeypatch.setattr(robustness, "RANK_LIMIT", big_size - 1)
    monkeypatch.setattr(robustness, "PAIR_LIMIT", big_size - 1)
    part = monte_carlo(model, draws=300, seed=3)
    assert part.ranks_skipped == [(big_depth, big_size)]
    np.testing.assert_array_equal(part.band_probabilities, full.band_probabilities)
    big = part.table["depth"] == big_depth
    assert part.table.loc[big, ["rank_p5", "rank_median", "rank_p95", "rank_mean"]].isna().all().all()
    for col in ("rank_p5", "rank_median", "rank_p95", "rank_mean"):
        np.testing.assert_array_equal(part.table.loc[~big, col].to_numpy(dtype=float),
                                      full.table.loc[~big, col].to_numpy(dtype=float))
    assert part.rank_acceptability is not None
    assert np.allclose(part.rank_acceptability[big.to_numpy()], 0)
    assert robustness.pairs_skipped(model) == [(big_depth, big_size)]
    assert robustness.robust_pairs(model, depth=big_depth).empty
    assert robustness.rank_swaps(model, depth=big_depth).empty
    assert robustness.same_depth_pairs(model, big_depth) == 0
    data = robustness.robustness_json(model, draws=100)
    assert any(u["rank_interval"] is None for u in data["units"])
    json.dumps(data)


def test_cli_text_without_rank_intervals_for_a_tier_over_the_limit(capsys, monkeypatch):
    from perfeval_core.analysis import robustness

    monkeypatch.setattr(robustness, "RANK_LIMIT", 3)
    assert main(["robustness", HOHHOT, "--draws", "200"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "赛罕区" in line and "名次" not in line and "%" in line]
    assert lines, out[:500]  # the districts (more than 3) are listed with their rating probabilities only
