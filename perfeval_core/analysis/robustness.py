"""How robust are the totals, ranks and ratings to the level-1 weights? (DOMAIN §8)

Longer than 600 lines because its four analyses (break-even weights, rank swaps, the distance to
a band, Monte Carlo draws) share the level-1 notation and helpers at its top and are read
together; each is one section below.

Notation: unit i, level-1 group j (决策/过程/产出/效益) with points w_j (Σ_j w_j = W_tot, the
official total, normally 100) and score rate r_ij = the unit's subtotal on group j ÷ w_j. A
unit's total is linear in the weights::

    S_i(w) = Σ_j w_j r_ij

Changing a group's weight rescales the indicators inside it proportionally, so r_ij does not
depend on w. This is exactly what ``Scenario(weights=..., mode="renormalise")`` scores for
level-1 overrides: a level-1 weight that is not given absorbs the difference in proportion to
its points, so the weights always add up to W_tot.

Ratings follow the official rule: the total as printed (half up to the cent, ``model.rating``),
lower bound inclusive. Ranks are competition ranks (1, 2, 2, 4) of the printed totals among units
of the same depth (``competition_rank``). A threshold value T (90, 80, 60) is used as it is:
where this module says a total "reaches T" the total equals T exactly, so its rounded total is
T and it is rated in the band whose lower bound T is.

Everything here is numpy/pandas/scipy on a units × J matrix; nothing imports Streamlit.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from perfeval_core.analysis.rules import band_problem
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.messages import Refusal
from perfeval_core.model.rating import NUDGE, competition_rank, threshold_cents

Weights = Mapping[str, float] | Sequence[float] | np.ndarray
Bounds = Mapping[str, tuple[float, float]] | Sequence[tuple[float, float]]
Method = Literal["uniform", "dirichlet"]

__all__ = ["MonteCarloResult", "band_distance", "box_vertices", "break_even", "dirichlet_concentration",
           "level1_rates", "monte_carlo", "rank_swaps", "rating_break_even", "robust_pairs", "robustness_json",
           "same_depth_pairs", "scenario_of"]


# --------------------------------------------------------------------------------------------
# level-1 view of a model

def _level1_overrides(model: ScoringModel, weights: Weights | None) -> dict[str, float]:
    if weights is None:
        return {}
    if isinstance(weights, Mapping):
        return {str(k): float(v) for k, v in weights.items()}
    values = np.asarray(weights, dtype=float).ravel()
    level1 = model.tree.level1
    if len(values) != len(level1):
        raise Refusal("level1_count", expected=len(level1), given=len(values))
    return {model.tree.codes[n]: float(v) for n, v in zip(level1, values)}


def scenario_of(model: ScoringModel, weights: Weights | None) -> Scenario:
    """The ``renormalise`` scenario that scores ``weights`` (a mapping code-or-name -> points,
    or the J level-1 points in tree order)."""
    return Scenario(weights=_level1_overrides(model, weights), mode="renormalise")


def level1_rates(model: ScoringModel, weights: Weights | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Level-1 score rates and weights: ``(r, w)`` with r units × J and w of length J.

    w_j = the level-1 points under ``Scenario(weights, mode="renormalise")`` (official when
    None; Σ w = the official total). r_ij = Σ_{leaves l under j} 得分率_il × p_l ÷ Σ_l p_l with
    p_l the leaf points under that scenario (the official leaf points when group j has no
    points), i.e. the unit's subtotal on j ÷ w_j. Then S_i(w) = Σ_j w_j r_ij is the scenario's
    total, and it stays so when any level-1 weight is changed (the children keep their
    proportions).
    """
    return model.level1_rates(scenario_of(model, weights))


def _groups(model: ScoringModel) -> tuple[list[str], list[str]]:
    tree = model.tree
    return [tree.names[n] for n in tree.level1], [tree.codes[n] for n in tree.level1]


def _bands(model: ScoringModel, bands: Bands | None) -> Bands:
    bands = bands or model.bands
    problem = band_problem(bands)
    if problem:
        raise Refusal(problem[0], **problem[1])
    return bands


def _others_mean(r: np.ndarray, w: np.ndarray) -> np.ndarray:
    """m_ij = Σ_{k≠j} w_k r_ik ÷ Σ_{k≠j} w_k (NaN when the other groups have no points)."""
    off = w[:, None] * (1.0 - np.eye(len(w)))  # off[k, j] = w_k for k ≠ j
    with np.errstate(divide="ignore", invalid="ignore"):
        return (r @ off) / off.sum(axis=0)[None, :]


def _level1_index(model: ScoringModel, group: str) -> int:
    node = model.tree.resolve(group)
    hits = np.flatnonzero(model.tree.level1 == node)
    if not len(hits):
        raise Refusal("not_level1", group=group)
    return int(hits[0])


def _label(bands: Bands, index: int) -> str | None:
    return bands.labels[index] if 0 <= index < len(bands.labels) else None


# --------------------------------------------------------------------------------------------
# 1. break-even weights: one group moved, the others rescaled proportionally

def _break_even_arrays(model: ScoringModel, bands: Bands, weights: Weights | None) -> dict[str, np.ndarray]:
    r, w = level1_rates(model, weights)
    total = float(w.sum())
    score = r @ w
    m = _others_mean(r, w)
    diff = r - m  # slope of S_i(W) in W
    thresholds = np.asarray(bands.thresholds, dtype=float)
    with np.errstate(all="ignore"):
        wstar = (thresholds[None, None, :] - total * m[:, :, None]) / diff[:, :, None]
    ok = np.isfinite(wstar) & (diff[:, :, None] != 0)
    tol = 1e-9 * max(total, 1.0)
    feasible = ok & (wstar >= -tol) & (wstar <= total + tol)
    wstar = np.where(ok, np.where(feasible, np.clip(wstar, 0.0, total), wstar), np.nan)
    cur = w[None, :, None]
    # is the total at or above T on the current weight's side of W*?
    above_now = ((wstar < cur) & (diff[:, :, None] > 0)) | ((wstar > cur) & (diff[:, :, None] < 0)) | (wstar == cur)
    t = np.arange(len(thresholds))[None, None, :]
    before = np.where(above_now, t, t + 1)
    after = np.where(above_now, t + 1, t)
    return {"r": r, "w": w, "total": np.array(total), "score": score, "m": m, "diff": diff,
            "thresholds": thresholds, "wstar": wstar, "feasible": feasible, "before": before, "after": after}


def break_even(model: ScoringModel, bands: Bands | None = None, weights: Weights | None = None) -> pd.DataFrame:
    """Where a unit's rating changes when one level-1 weight moves and the others are rescaled.

    With group j at W points and the other groups sharing W_tot − W in their current
    proportions, the unit's total is the line::

        S_i(W) = W·r_ij + (W_tot − W)·m_ij,   m_ij = Σ_{k≠j} w_k r_ik ÷ Σ_{k≠j} w_k

    so it equals a threshold T at::

        W* = (T − W_tot·m_ij) ÷ (r_ij − m_ij)

    (W_tot = 100 normally). At W* the total is exactly T (rated in the upper band: lower bounds
    are inclusive; the printed, rounded total already shows T up to 0.005 ÷ |r_ij − m_ij| points
    of weight earlier).

    One row per (unit, level-1 group, threshold), in model, tree and threshold order. Columns:
    ``unit, depth, group`` (name), ``code, threshold`` (T), ``weight`` (current w_j),
    ``total`` (current S_i), ``rate`` (r_ij), ``others_rate`` (m_ij), ``break_even`` (W*,
    NaN when r_ij = m_ij), ``change`` (W* − w_j), ``feasible`` (0 ≤ W* ≤ W_tot and
    r_ij ≠ m_ij), ``direction`` ('up' when raising the weight past W* lifts the unit into the
    better band, i.e. r_ij > m_ij; else 'down'), ``band_before`` / ``band_after`` (the band on
    the current weight's side of W* and on the other side: the two bands T separates).
    """
    bands = _bands(model, bands)
    a = _break_even_arrays(model, bands, weights)
    n, j = a["r"].shape
    k = len(a["thresholds"])
    names, codes = _groups(model)
    unit = np.repeat(np.arange(n), j * k)
    grp = np.tile(np.repeat(np.arange(j), k), n)
    thr = np.tile(np.arange(k), n * j)
    labels = np.asarray(bands.labels, dtype=object)
    wstar = a["wstar"].ravel()
    return pd.DataFrame({
        "unit": np.asarray(model.unit_names, dtype=object)[unit],
        "depth": model.unit_depth[unit],
        "group": np.asarray(names, dtype=object)[grp],
        "code": np.asarray(codes, dtype=object)[grp],
        "threshold": a["thresholds"][thr],
        "weight": a["w"][grp],
        "total": a["score"][unit],
        "rate": a["r"][unit, grp],
        "others_rate": a["m"][unit, grp],
        "break_even": wstar,
        "change": wstar - a["w"][grp],
        "feasible": a["feasible"].ravel(),
        "direction": np.where(a["diff"][unit, grp] > 0, "up", "down"),
        "band_before": labels[a["before"].ravel()],
        "band_after": labels[a["after"].ravel()],
    })


def rating_break_even(model: ScoringModel, bands: Bands | None = None,
                      weights: Weights | None = None) -> pd.DataFrame:
    """Per unit and level-1 group: how far the weight can move before the rating changes.

    From the break-even weights W* of ``break_even``: ``up_weight`` is the nearest feasible W*
    above the current weight at which the rating changes (the rating holds while the weight
    stays below it), ``down_weight`` the nearest one below; None when the rating is the same
    over the whole range up to W_tot (resp. down to 0). ``up_rating`` / ``down_rating`` is the
    rating just past that weight. This reads "赛罕区 stays 良 until 效益 reaches 41.3". Where
    the total rises onto T the new rating holds from W* on; where it falls onto T the unit
    still holds its rating at W* and loses it just past W*, once the printed total drops below
    T (S_i < T − 0.005): when that does not happen before the end of the range (W = 0 or
    W_tot) the crossing is no change.

    The current ``rating`` is the official one (rounded total). A unit whose total is rounded up
    onto a threshold (T − 0.005 ≤ S_i < T) loses that band as soon as its total falls below
    T − 0.005; on that side the weight where S_i(W) = T − 0.005 is reported instead of a W*.

    Columns: ``unit, depth, group, code, weight, total, rating, up_weight, up_rating,
    down_weight, down_rating``.
    """
    bands = _bands(model, bands)
    a = _break_even_arrays(model, bands, weights)
    r, w, diff, wstar, feas = a["r"], a["w"], a["diff"], a["wstar"], a["feasible"]
    n, j = r.shape
    total = float(a["total"])
    score = a["score"]
    band_now = bands.rate(score)  # official: rounded total
    cur = w[None, :, None]
    d3 = diff[:, :, None]
    # where the total falls onto T the printed rating only changes past W* (once the total is
    # below T − 0.005): a real change only if the end of the range is rated below T
    t_idx = np.arange(len(a["thresholds"]))[None, None, :]
    with np.errstate(invalid="ignore"):
        end_up = bands.rate(total * r)[:, :, None]  # group j at W_tot: S = W_tot·r_ij
        end_down = bands.rate(total * np.nan_to_num(a["m"]))[:, :, None]  # group j at 0: S = W_tot·m_ij
    up_ok = feas & ((wstar > cur) | ((wstar == cur) & (d3 < 0))) & ~((d3 < 0) & (end_up <= t_idx))
    down_ok = feas & ((wstar < cur) | ((wstar == cur) & (d3 > 0))) & ~((d3 > 0) & (end_down <= t_idx))
    # a crossing only changes the rating when the band past it differs from the current one
    changes = a["after"] != band_now[:, None, None]
    up_ok &= changes
    down_ok &= changes
    up_w = np.where(up_ok, wstar, np.inf)
    down_w = np.where(down_ok, wstar, -np.inf)
    up_k = up_w.argmin(axis=2)
    down_k = down_w.argmax(axis=2)
    up_val = np.take_along_axis(up_w, up_k[:, :, None], axis=2)[:, :, 0]
    down_val = np.take_along_axis(down_w, down_k[:, :, None], axis=2)[:, :, 0]
    up_band = np.take_along_axis(a["after"], up_k[:, :, None], axis=2)[:, :, 0]
    down_band = np.take_along_axis(a["after"], down_k[:, :, None], axis=2)[:, :, 0]

    # rounded up onto its band's lower bound: the band is lost at S = T − 0.005
    thresholds = a["thresholds"]
    k = len(thresholds)
    lower = np.where(band_now < k, thresholds[np.minimum(band_now, k - 1)], -np.inf)
    edge = score < lower  # only possible within 0.005 below T
    if edge.any():
        m = a["m"]
        with np.errstate(all="ignore"):
            w_edge = (lower[:, None] - 0.005 - total * m) / diff
        in_range = np.isfinite(w_edge) & (w_edge >= 0) & (w_edge <= total) & edge[:, None]
        # S falls with W when diff < 0: the loss is above the current weight, else below
        falls_up = in_range & (diff < 0) & (w_edge >= w[None, :])
        falls_down = in_range & (diff > 0) & (w_edge <= w[None, :])
        closer_up = falls_up & (w_edge <= up_val)
        closer_down = falls_down & (w_edge >= down_val)
        up_val = np.where(closer_up, w_edge, up_val)
        up_band = np.where(closer_up, band_now[:, None] + 1, up_band)
        down_val = np.where(closer_down, w_edge, down_val)
        down_band = np.where(closer_down, band_now[:, None] + 1, down_band)

    names, codes = _groups(model)
    unit = np.repeat(np.arange(n), j)
    grp = np.tile(np.arange(j), n)

    def weights_or_none(values: np.ndarray) -> list[float | None]:
        return [float(v) if np.isfinite(v) else None for v in values.ravel()]

    def labels_or_none(values: np.ndarray, idx: np.ndarray) -> list[str | None]:
        return [_label(bands, int(b)) if np.isfinite(v) else None for v, b in zip(values.ravel(), idx.ravel())]

    return pd.DataFrame({
        "unit": np.asarray(model.unit_names, dtype=object)[unit],
        "depth": model.unit_depth[unit],
        "group": np.asarray(names, dtype=object)[grp],
        "code": np.asarray(codes, dtype=object)[grp],
        "weight": w[grp],
        "total": score[unit],
        "rating": [_label(bands, int(b)) for b in band_now[unit]],
        "up_weight": pd.Series(weights_or_none(up_val), dtype=object),
        "up_rating": pd.Series(labels_or_none(up_val, up_band), dtype=object),
        "down_weight": pd.Series(weights_or_none(down_val), dtype=object),
        "down_rating": pd.Series(labels_or_none(down_val, down_band), dtype=object),
    })


# --------------------------------------------------------------------------------------------
# 2. rank swaps along one weight

def _depth_groups(model: ScoringModel, depth: int | None, limit: int | None = None) -> list[tuple[int, np.ndarray]]:
    """(depth, unit positions) per depth; with ``limit``, only groups of at most that many units."""
    depths = np.asarray(model.unit_depth)
    values = np.unique(depths) if depth is None else np.array([depth])
    groups = [(int(d), np.flatnonzero(depths == d)) for d in values if np.any(depths == d)]
    return groups if limit is None else [(d, idx) for d, idx in groups if len(idx) <= limit]


def pairs_skipped(model: ScoringModel, depth: int | None = None) -> list[tuple[int, int]]:
    """(depth, size) of the depth groups too large for the pairwise analyses (``PAIR_LIMIT``):
    45,000 communities make a billion pairs."""
    return [(d, len(idx)) for d, idx in _depth_groups(model, depth) if len(idx) > PAIR_LIMIT]


def same_depth_pairs(model: ScoringModel, depth: int | None = None) -> int:
    """Number of unordered pairs of units of the same depth (the pairs that are ranked), in the
    groups the pairwise analyses cover (at most ``PAIR_LIMIT`` units)."""
    return sum(len(idx) * (len(idx) - 1) // 2 for _, idx in _depth_groups(model, depth, PAIR_LIMIT))


def rank_swaps(model: ScoringModel, group: str | None = None, weights: Weights | None = None,
               depth: int | None = None) -> pd.DataFrame:
    """Weights of one level-1 group at which two units of the same depth swap order.

    Along the line of ``break_even`` (group j at W, the others rescaled proportionally) each
    total is S_i(W) = W_tot·m_ij + W·(r_ij − m_ij), so units i and k tie at::

        W = W_tot·(m_kj − m_ij) ÷ ((r_ij − m_ij) − (r_kj − m_kj))

    and swap order there when 0 ≤ W ≤ W_tot (Triantaphyllou & Sánchez 1997). Parallel lines
    (equal slopes) never swap. ``group`` is a level-1 code or name (None: every group).

    Depth groups of more than ``PAIR_LIMIT`` units are left out (``pairs_skipped``).
    One row per swap, sorted by depth, group and distance from the current weight. Columns:
    ``depth, group, code, unit_a`` (ahead at the current weights; the first of the two in model
    order when tied), ``unit_b, total_a, total_b`` (current totals), ``weight`` (current w_j),
    ``swap_weight`` (W), ``change`` (W − w_j), ``score_at_swap`` (the common total at W).
    Past W (moving away from the current weight) unit_b is ahead.
    """
    r, w = level1_rates(model, weights)
    total = float(w.sum())
    score = r @ w
    m = _others_mean(r, w)
    names, codes = _groups(model)
    cols = range(len(w)) if group is None else [_level1_index(model, group)]
    frames = []
    unit_names = np.asarray(model.unit_names, dtype=object)
    for j in cols:
        slope = r[:, j] - m[:, j]
        level = total * m[:, j]
        for d, idx in _depth_groups(model, depth, PAIR_LIMIT):  # larger groups: pairs_skipped()
            if len(idx) < 2:
                continue
            a_pos, b_pos = np.triu_indices(len(idx), 1)
            i, k = idx[a_pos], idx[b_pos]
            ds = slope[i] - slope[k]
            with np.errstate(all="ignore"):
                at = (level[k] - level[i]) / ds
            keep = np.isfinite(at) & (ds != 0) & (at >= 0) & (at <= total)
            i, k, at = i[keep], k[keep], at[keep]
            flip = score[k] > score[i]
            first = np.where(flip, k, i)
            second = np.where(flip, i, k)
            frames.append(pd.DataFrame({
                "depth": d, "group": names[j], "code": codes[j],
                "unit_a": unit_names[first], "unit_b": unit_names[second],
                "total_a": score[first], "total_b": score[second],
                "weight": w[j], "swap_weight": at, "change": at - w[j],
                "score_at_swap": level[first] + at * slope[first],
            }))
    columns = ["depth", "group", "code", "unit_a", "unit_b", "total_a", "total_b", "weight",
               "swap_weight", "change", "score_at_swap"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    out["_distance"] = out["change"].abs()
    return (out.sort_values(["depth", "code", "_distance", "unit_a", "unit_b"], kind="stable")
            .drop(columns="_distance").reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# 3. distance to the neighbouring bands: all weights moving at once

def _bounds_arrays(model: ScoringModel, bounds: Bounds, total: float) -> tuple[np.ndarray, np.ndarray]:
    j = len(model.tree.level1)
    lo = np.zeros(j)
    hi = np.full(j, total)
    if isinstance(bounds, Mapping):
        for key, (a, b) in bounds.items():
            g = _level1_index(model, key)
            lo[g], hi[g] = float(a), float(b)
    else:
        pairs = list(bounds)
        if len(pairs) != j:
            raise Refusal("bounds_count", expected=j, given=len(pairs))
        for g, (a, b) in enumerate(pairs):
            lo[g], hi[g] = float(a), float(b)
    if np.any(~np.isfinite(lo)) or np.any(~np.isfinite(hi)) or np.any(lo > hi):
        raise Refusal("bounds_invalid")
    return lo, hi


def _lp_move(r_i: np.ndarray, w: np.ndarray, target: float, lo: np.ndarray, hi: np.ndarray,
             total: float) -> np.ndarray | None:
    """min Σ|Δw_j| s.t. r_i·(w + Δw) = T, ΣΔw = 0, lo ≤ w + Δw ≤ hi (None when infeasible).

    Variables x = w + Δw and t ≥ |x − w|: min Σt, x − t ≤ w, −x − t ≤ −w."""
    from scipy.optimize import linprog  # imported here: scipy.optimize is slow to import

    j = len(w)
    eye = np.eye(j)
    c = np.r_[np.zeros(j), np.ones(j)]
    a_ub = np.block([[eye, -eye], [-eye, -eye]])
    b_ub = np.r_[w, -w]
    a_eq = np.vstack([np.r_[r_i, np.zeros(j)], np.r_[np.ones(j), np.zeros(j)]])
    b_eq = np.array([target, total])
    bounds = [(float(a), float(b)) for a, b in zip(lo, hi)] + [(0.0, None)] * j
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0 or res.x is None:
        return None
    x = np.clip(res.x[:j], lo, hi)
    return np.asarray(x - w, dtype=float)


def band_distance(model: ScoringModel, bands: Bands | None = None, weights: Weights | None = None,
                  bounds: Bounds | None = None) -> pd.DataFrame:
    """Per unit: the smallest change of all level-1 weights at once that puts its total on the
    threshold of the next band up and of the next band down (Σ w stays W_tot).

    The target T is the threshold value itself: up, T = the lower bound of the next better band
    (at T the rounded total is T, so the unit is rated in that band: lower bounds are
    inclusive); down, T = the lower bound of the current band (the unit still holds its band at
    T and loses it for any further step: T is the infimum). A unit printed in a band only
    because its total rounds up (T − 0.005 ≤ S_i < T) gets the tiny step onto T as its down
    move.

    Without ``bounds`` (closed form, Euclidean): minimise ‖Δw‖₂ s.t. r_i·Δw = T − S_i and
    ΣΔw = 0. With c_i = r_i − mean(r_i) (r_i projected on Σ = 0) the solution is
    Δw = (T − S_i)·c_i ÷ ‖c_i‖², so ‖Δw‖₂ = |T − S_i| ÷ ‖c_i‖, in the direction
    sign(T − S_i)·c_i ÷ ‖c_i‖. It ignores that weights must stay in [0, W_tot]:
    ``*_within_bounds`` says whether w + Δw does. None when ‖c_i‖ = 0 (equal rates on every
    group: no reweighting moves the total).

    With ``bounds`` (per-group (lo, hi) points, by code or name or as J pairs in tree order;
    groups not given get (0, W_tot)): ``scipy.optimize.linprog`` solves
    min Σ_j |Δw_j| s.t. Σ_j (w_j + Δw_j) r_ij = T, ΣΔw = 0, lo ≤ w + Δw ≤ hi. None when no
    weighting within the bounds reaches T.

    Columns: ``unit, depth, total, rating, norm`` ('L2' closed form, 'L1' linear program),
    then for side in (up, down): ``{side}_rating`` (the band it would enter; None at the end of
    the scale), ``{side}_threshold`` (T), ``{side}_distance`` (‖Δw‖₂ or Σ|Δw|; None when
    unreachable), ``{side}_delta`` (dict group name -> Δw, or None) and
    ``{side}_within_bounds``.
    """
    bands = _bands(model, bands)
    r, w = level1_rates(model, weights)
    total = float(w.sum())
    score = r @ w
    band_now = bands.rate(score)
    thresholds = np.asarray(bands.thresholds, dtype=float)
    k = len(thresholds)
    names, _ = _groups(model)
    n, j = r.shape
    c = r - r.mean(axis=1, keepdims=True)
    cnorm2 = (c * c).sum(axis=1)
    if bounds is not None:
        lo, hi = _bounds_arrays(model, bounds, total)
    rows: dict[str, list[Any]] = {key: [] for key in (
        "up_rating", "up_threshold", "up_distance", "up_delta", "up_within_bounds",
        "down_rating", "down_threshold", "down_distance", "down_delta", "down_within_bounds")}
    # targets: up -> lower bound of band b−1 (threshold index b−1), down -> of band b (index b)
    up_idx = band_now - 1
    down_idx = band_now
    for side, idx in (("up", up_idx), ("down", down_idx)):
        valid = (idx >= 0) & (idx < k)
        target = np.where(valid, thresholds[np.clip(idx, 0, k - 1)], np.nan)
        if bounds is None:
            with np.errstate(all="ignore"):
                delta = ((target - score) / cnorm2)[:, None] * c
                dist = np.abs(target - score) / np.sqrt(cnorm2)
            reachable = valid & (cnorm2 > 1e-18)  # equal rates (up to rounding noise): no move
            inside = np.all((w + delta >= -1e-9) & (w + delta <= total + 1e-9), axis=1)
            deltas: list[np.ndarray | None] = [delta[i] if reachable[i] else None for i in range(n)]
            dists: list[float | None] = [float(dist[i]) if reachable[i] else None for i in range(n)]
            within: list[bool | None] = [bool(inside[i]) if reachable[i] else None for i in range(n)]
        else:
            deltas, dists, within = [], [], []
            for i in range(n):
                move = _lp_move(r[i], w, float(target[i]), lo, hi, total) if valid[i] else None
                deltas.append(move)
                dists.append(None if move is None else float(np.abs(move).sum()))
                within.append(None if move is None else True)
        entered = idx if side == "up" else idx + 1  # the band past the threshold
        rows[f"{side}_rating"] += [_label(bands, int(b)) if v else None for b, v in zip(entered, valid)]
        rows[f"{side}_threshold"] += [float(t) if v else None for t, v in zip(target, valid)]
        rows[f"{side}_distance"] += dists
        rows[f"{side}_delta"] += [None if d is None else {g: float(x) for g, x in zip(names, d)} for d in deltas]
        rows[f"{side}_within_bounds"] += within
    out = pd.DataFrame({
        "unit": model.unit_names,
        "depth": model.unit_depth,
        "total": score,
        "rating": [_label(bands, int(b)) for b in band_now],
        "norm": "L2" if bounds is None else "L1",
    })
    for key, values in rows.items():
        out[key] = pd.Series(values, dtype=object)
    return out


# --------------------------------------------------------------------------------------------
# 4. Monte Carlo over the weights

def dirichlet_concentration(spread: float, groups: int) -> float:
    """Concentration κ of Dirichlet(α = w ÷ W_tot × κ) that matches ``spread``.

    A Dirichlet share p has coefficient of variation √((1 − p) ÷ (p (κ + 1))); the uniform
    factor U(1 − s, 1 + s) has s ÷ √3. Equal at the average share p = 1/J gives
    κ = 3 (J − 1) ÷ s² − 1 (at least 1). s = 0.2, J = 4: κ = 224.
    """
    if spread <= 0:
        return math.inf
    return max(3.0 * (groups - 1) / spread**2 - 1.0, 1.0)


@dataclass
class MonteCarloResult:
    """Ranks and ratings over ``draws`` random weightings around the reference weights.

    ``table``: one row per unit: ``unit, depth, official_total, official_rank,
    official_rating`` (under the reference weights: the official ones unless ``weights`` was
    given), ``rank_p5, rank_median, rank_p95`` (inverted-CDF percentiles, i.e. ranks that
    occurred; numpy ``method="inverted_cdf"``), ``rank_mean``, ``p_official_rating`` and one
    column ``p_<label>`` per band (probability of that rating).
    ``band_probabilities``: units × bands. ``rank_acceptability``: units × n_max, entry
    [i, r−1] = P(rank of i = r) (SMAA rank acceptability; n_max = the largest depth group;
    zero past the unit's group size); None when it would exceed ``ACCEPTABILITY_CELLS``.
    Rank statistics are computed for depth groups of at most ``RANK_LIMIT`` units (the rank
    counts of a group of m units take m² integers: 45,000 communities would need 16 GB); the
    units of a larger group get NaN rank statistics (their ratings are still counted) and
    are listed in ``ranks_skipped`` as (depth, size). ``weights``: the drawn level-1 points,
    draws × J. ``ranks`` / ``band_index`` (draws × units) only with ``keep_draws=True``.
    """

    table: pd.DataFrame
    band_probabilities: np.ndarray
    rank_acceptability: np.ndarray | None
    weights: np.ndarray
    groups: list[str]
    labels: tuple[str, ...]
    draws: int
    spread: float
    method: str
    seed: int | None
    concentration: float | None
    ranks: np.ndarray | None = field(default=None, repr=False)
    band_index: np.ndarray | None = field(default=None, repr=False)
    ranks_skipped: list[tuple[int, int]] = field(default_factory=list)


RANK_LIMIT = 2_000  # units in a depth group for Monte Carlo rank statistics (m² counts: 32 MB)
ACCEPTABILITY_CELLS = 20_000_000  # units × n_max floats kept in MonteCarloResult.rank_acceptability
PAIR_LIMIT = 1_000  # units in a depth group for the pairwise analyses (rank swaps, robust pairs)


def _draw_weights(w: np.ndarray, draws: int, spread: float, method: str, rng: np.random.Generator,
                  concentration: float | None) -> tuple[np.ndarray, float | None]:
    """draws × J level-1 points (each row sums to Σw) and the concentration used."""
    total_row = (w[None, :] * np.ones((1, len(w)))).sum(axis=1)  # the same reduction as below
    positive = w > 0
    if method == "uniform":
        if not 0 <= spread < 1:
            raise Refusal("spread_range")
        factor = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, len(w)))
        v = w[None, :] * factor
        return v * (total_row / v.sum(axis=1))[:, None], None
    if method == "dirichlet":
        if spread < 0:
            raise Refusal("spread_negative")
        kappa = concentration if concentration is not None else dirichlet_concentration(spread, int(positive.sum()))
        if not kappa > 0:
            raise Refusal("concentration_positive")
        out = np.repeat(w[None, :], draws, axis=0)
        if math.isinf(kappa) or positive.sum() < 2:
            return out, kappa
        alpha = w[positive] / w[positive].sum() * kappa
        out[:, positive] = rng.dirichlet(alpha, size=draws) * total_row[0]
        return out, kappa
    raise Refusal("sampling_method", method=method)


_ROUNDER = 6755399441055744.0  # 1.5 × 2^52: an integer plus it keeps the integer in the low 32 bits


def _competition_ranks(keys: np.ndarray, key_bound: int,
                       keep: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Competition ranks (1 = highest key) along each row of ``keys`` (draws × m integers,
    |key| < ``key_bound``): the (rank − 1) × m + column code of every (draw, unit), for a
    bincount, and with ``keep`` the ranks themselves (draws × m).

    An argsort without argsort: each key is packed with its column into one integer,
    −key × 2^b + column, and the rows are sorted by value (numpy's SIMD sort, several times
    faster than an argsort); the column comes back as the low b bits and −key as the rest.
    Tied keys share the first slot of their run (a running maximum).
    """
    m = keys.shape[1]
    bits = max(1, (m - 1).bit_length())
    packed_type = np.int64 if (key_bound + 1) << bits >= 2**31 else np.int32
    rank_type = np.int64 if m * m >= 2**31 else np.int32
    packed = np.multiply(keys, packed_type(-(1 << bits)), dtype=packed_type)
    packed |= np.arange(m, dtype=packed_type)
    packed.sort(axis=1)
    slot_key = packed >> packed_type(bits)  # −key at each sorted slot, ascending
    packed &= packed_type((1 << bits) - 1)  # now: the unit's column at each sorted slot
    # (competition rank − 1) × m at each slot: a new key starts at its slot, ties keep the first
    bins = np.empty(packed.shape, dtype=rank_type)
    bins[:, 0] = 0
    np.multiply(slot_key[:, 1:] != slot_key[:, :-1], np.arange(m, m * m, m, dtype=rank_type), out=bins[:, 1:])
    np.maximum.accumulate(bins, axis=1, out=bins)
    ranks = None
    if keep:
        ranks = np.empty(packed.shape, dtype=np.int32)
        np.put_along_axis(ranks, packed.astype(np.intp), bins // m + 1, axis=1)
    # rank-major codes: the ranks along a sorted row only grow, so a bincount visits them in order
    bins += packed.astype(rank_type, copy=False)
    return bins.ravel(), ranks


class _RankCounter:
    """(unit, rank) counts of one depth group of m units, m × m. Codes are collected and
    counted in batches of at least m² so that the m × m bincount output stays a small part of
    the work however large the group."""

    def __init__(self, rank_counts: np.ndarray):
        self.counts = rank_counts  # m × ≥ m view, updated in place
        self.m = rank_counts.shape[0]
        self.pending: list[np.ndarray] = []
        self.size = 0

    def add(self, codes: np.ndarray) -> None:
        self.pending.append(codes)
        self.size += len(codes)
        if self.size >= max(self.m * self.m, 1 << 16):
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        codes = self.pending[0] if len(self.pending) == 1 else np.concatenate(self.pending)
        m = self.m
        self.counts[:, :m] += np.bincount(codes, minlength=m * m).reshape(m, m).T
        self.pending, self.size = [], 0


def monte_carlo(model: ScoringModel, bands: Bands | None = None, draws: int = 10_000, spread: float = 0.2,
                method: Method = "uniform", seed: int | None = 0, weights: Weights | None = None,
                concentration: float | None = None, keep_draws: bool = False,
                chunk_elements: int = 1 << 19) -> MonteCarloResult:
    """Rank intervals and rating probabilities under random level-1 weights.

    Draws (``seed`` makes them reproducible):
    - ``uniform``: w'_j = w_j × U(1 − spread, 1 + spread) independently, then rescaled so
      Σ w' = W_tot (0 ≤ spread < 1);
    - ``dirichlet``: w' = Dirichlet(α = w ÷ W_tot × κ) × W_tot, mean w; κ = ``concentration``,
      or derived from ``spread`` by ``dirichlet_concentration`` (κ = 3 (J − 1) ÷ s² − 1).
    Groups with no points keep none. Zero spread (and no explicit concentration) draws the
    reference weights exactly.

    Totals of all draws are one matrix product: S = S⁰ + (W' − w) Rᵀ, draws × units, where S⁰
    are the reference totals as ``model.score`` computes them (so zero spread reproduces the
    official ranks and ratings bit for bit); it runs as ``np.einsum`` rather than ``@``,
    because for J ≈ 4 OpenBLAS's threads cost more than they bring on a small machine. Each total becomes the integer key
    of its printed cents (``rating.cents``), which orders and ties exactly like
    ``competition_rank`` and rates exactly like ``Bands.rate``. Ranks: per depth group, the
    keys of each draw are sorted along the unit axis (packed with the unit's column into one
    integer, so a plain SIMD sort does the work of an argsort), ties get the best rank
    (1, 2, 2, 4), then one bincount of the (unit, rank) pairs. No Python loop runs over draws:
    they are processed in chunks of about ``chunk_elements`` totals to bound memory. The rank
    counts take units × (largest depth group) integers.
    """
    bands = _bands(model, bands)
    if draws < 1:
        raise Refusal("draws_positive")
    r, w = level1_rates(model, weights)
    base = model.score(scenario_of(model, weights), bands).total
    rng = np.random.default_rng(seed)
    drawn, kappa = _draw_weights(w, draws, spread, method, rng, concentration)
    official_rank = competition_rank(base, model.unit_depth)
    official_band = bands.rate(base)

    n = len(base)
    # units sorted by depth, so that each depth group is a contiguous block of columns
    perm = np.argsort(model.unit_depth, kind="stable")
    sorted_depth = np.asarray(model.unit_depth)[perm]
    cuts = np.flatnonzero(np.r_[True, sorted_depth[1:] != sorted_depth[:-1], True])
    blocks = [(int(lo), int(hi)) for lo, hi in zip(cuts[:-1], cuts[1:])]
    counted = [(lo, hi) for lo, hi in blocks if hi - lo <= RANK_LIMIT]
    skipped = [(int(sorted_depth[lo]), hi - lo) for lo, hi in blocks if hi - lo > RANK_LIMIT]
    n_max = max((hi - lo for lo, hi in counted), default=0)
    # (unit, rank) counts per counted depth group, m × m each, in depth-sorted unit order
    counters = {(lo, hi): _RankCounter(np.zeros((hi - lo, hi - lo), dtype=np.int64)) for lo, hi in counted}
    key_thr = threshold_cents(bands.thresholds)
    meets = np.zeros((len(key_thr), n), dtype=np.int64)  # draws with key ≥ K_t, per threshold
    ranks_all = np.empty((draws, n), dtype=np.int32) if keep_draws else None
    bands_all = np.empty((draws, n), dtype=np.int8) if keep_draws else None

    # one product gives 100 S + ½ + nudge, whose floor is the printed cents of ``rating.cents``
    # (totals are never negative): [W' − w, 1] @ [100 Rᵀ; 100 S⁰ + ½ + nudge] (exact at zero spread)
    j = len(w)
    coef = np.empty((j + 1, n))
    coef[:j] = r[perm].T * 100.0
    coef[j] = base[perm] * 100.0
    coef[j] += 0.5 + NUDGE
    lhs = np.empty((draws, j + 1))
    lhs[:, :j] = drawn - w[None, :]
    lhs[:, j] = 1.0
    # |key| ≤ 100 × Σw' × max r (w' ≥ 0), plus slack for rounding
    key_bound = math.ceil(100.0 * float(w.sum()) * max(float(np.abs(r).max(initial=0.0)), 1.0)) + 2
    # adding 1.5 × 2^52 to an integer-valued float leaves the integer in its low 32 bits
    fast = key_bound < 2**30 and sys.byteorder == "little"
    step = max(1, chunk_elements // max(n, 1))
    for start in range(0, draws, step):
        # the matrix product, as einsum: numpy's own loop, no BLAS threads (for a product this
        # thin, OpenBLAS's threads cost more than they bring and keep the other core spinning)
        totals = np.einsum("dj,ju->du", lhs[start:start + step], coef)
        np.floor(totals, out=totals)
        if fast:
            totals += _ROUNDER
            keys = totals.view(np.int32)[:, ::2]  # the cents as int32 (a view, no copy)
        else:
            keys = totals.astype(np.int64)
        for t, kt in enumerate(key_thr):
            meets[t] += np.count_nonzero(keys >= kt, axis=0)
        if bands_all is not None:
            bands_all[start:start + step] = len(key_thr) - sum((keys >= kt).astype(np.int8) for kt in key_thr)
        for lo, hi in blocks:
            counter = counters.get((lo, hi))
            if counter is None and ranks_all is None:
                continue  # a group too large for rank statistics: its ratings are counted above
            codes, ranks = _competition_ranks(keys[:, lo:hi], key_bound, keep=keep_draws)
            if counter is not None:
                counter.add(codes)
            if ranks_all is not None and ranks is not None:
                ranks_all[start:start + step, lo:hi] = ranks
    for counter in counters.values():
        counter.flush()
    # rank statistics per counted group (depth-sorted order), NaN for the others
    quant_sorted = {name: np.full(n, np.nan) for name in ("rank_p5", "rank_median", "rank_p95", "rank_mean")}
    for (lo, hi), counter in counters.items():
        counts = counter.counts
        cum = np.cumsum(counts, axis=1)
        for name, q in (("rank_p5", 0.05), ("rank_median", 0.5), ("rank_p95", 0.95)):
            need = max(math.ceil(draws * q), 1)
            quant_sorted[name][lo:hi] = np.argmax(cum >= need, axis=1) + 1
        quant_sorted["rank_mean"][lo:hi] = (counts * np.arange(1, hi - lo + 1)).sum(axis=1) / draws
    acceptability = None
    if n * max(n_max, 1) <= ACCEPTABILITY_CELLS:
        acceptability = np.zeros((n, max(n_max, 1)))
        for (lo, hi), counter in counters.items():
            acceptability[lo:hi, : hi - lo] = counter.counts / draws
    # back to model order
    unsort = np.empty_like(perm)
    unsort[perm] = np.arange(n)
    if acceptability is not None:
        acceptability = acceptability[unsort]
    quant = {name: values[unsort] for name, values in quant_sorted.items()}
    meets = meets[:, unsort]
    if ranks_all is not None and bands_all is not None:
        ranks_all = ranks_all[:, unsort]
        bands_all = bands_all[:, unsort]

    # draws with band ≤ t = meets[t]; the draws in each band are the differences
    at_most = np.vstack([np.zeros((1, n), dtype=np.int64), meets, np.full((1, n), draws)])
    band_prob = np.diff(at_most, axis=0).T / draws  # units × bands
    rank_mean = quant.pop("rank_mean")
    if not skipped:  # every group counted: ranks are whole numbers
        quant = {name: values.astype(np.int64) for name, values in quant.items()}

    table = pd.DataFrame({
        "unit": model.unit_names,
        "depth": model.unit_depth,
        "official_total": base,
        "official_rank": official_rank,
        "official_rating": [_label(bands, int(b)) for b in official_band],
        **quant,
        "rank_mean": rank_mean,
        "p_official_rating": band_prob[np.arange(n), official_band],
    })
    for b, label in enumerate(bands.labels):
        table[f"p_{label}"] = band_prob[:, b]
    names, _ = _groups(model)
    return MonteCarloResult(table=table, band_probabilities=band_prob, rank_acceptability=acceptability,
                            weights=drawn, groups=names, labels=tuple(bands.labels), draws=draws,
                            spread=float(spread), method=method, seed=seed,
                            concentration=None if kappa is None or math.isinf(kappa) else float(kappa),
                            ranks=ranks_all, band_index=bands_all, ranks_skipped=skipped)


# --------------------------------------------------------------------------------------------
# 5. robust pairs

def box_vertices(w: np.ndarray, spread: float) -> np.ndarray:
    """The 2^J' corners w_j (1 ± spread) of the weight box (J' = groups with points; the
    others stay 0), each rescaled to Σ = Σw: 2^J' × J."""
    if not 0 <= spread < 1:
        raise Refusal("spread_range")
    positive = np.flatnonzero(w > 0)
    signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * len(positive), indexing="ij")).reshape(len(positive), -1).T
    v = np.repeat(w[None, :], len(signs), axis=0)
    v[:, positive] = w[positive] * (1.0 + spread * signs)
    return v * (w.sum() / v.sum(axis=1))[:, None]


def robust_pairs(model: ScoringModel, spread: float = 0.2, weights: Weights | None = None,
                 depth: int | None = None, chunk_pairs: int = 200_000) -> pd.DataFrame:
    """Pairs of same-depth units whose order no admissible weighting can reverse (depth groups
    of more than ``PAIR_LIMIT`` units are left out: ``pairs_skipped``).

    Admissible: v_j ∈ [w_j (1 − spread), w_j (1 + spread)], rescaled to w' = v × W_tot ÷ Σv.
    Unit i beats k robustly when S_i(w') > S_k(w') for every admissible w'. Why the 2^J box
    vertices suffice: S_i − S_k = Σ_j v_j (r_ij − r_kj) × W_tot ÷ Σv is a linear function of v
    times a positive scale, so its sign over the box is the sign of a linear function, whose
    minimum over a box (a polytope) is attained at a vertex; the same holds for the rescaled
    margin itself (a ratio of linear functions with a positive denominator is quasi-linear, so
    its minimum is also at a vertex). Since rounding is monotone, a robust winner is never
    ranked behind the loser (at worst tied on the 2-decimal totals, when ``min_margin`` <
    0.01).

    One row per robust pair, sorted by depth and official order. Columns: ``depth, winner,
    loser, winner_total, loser_total, margin`` (S_i − S_k at the reference weights),
    ``min_margin`` (the smallest S_i − S_k over the box).
    """
    r, w = level1_rates(model, weights)
    score = r @ w
    vertices = box_vertices(w, spread)  # V × J
    names = np.asarray(model.unit_names, dtype=object)
    frames = []
    for d, idx in _depth_groups(model, depth, PAIR_LIMIT):  # larger groups: pairs_skipped()
        if len(idx) < 2:
            continue
        a_pos, b_pos = np.triu_indices(len(idx), 1)
        for s in range(0, len(a_pos), chunk_pairs):
            i, k = idx[a_pos[s:s + chunk_pairs]], idx[b_pos[s:s + chunk_pairs]]
            margins = np.einsum("pj,vj->pv", r[i] - r[k], vertices)  # pairs × V (no BLAS threads)
            lo, hi = margins.min(axis=1), margins.max(axis=1)
            i_wins, k_wins = lo > 0, hi < 0
            winner = np.r_[i[i_wins], k[k_wins]]
            loser = np.r_[k[i_wins], i[k_wins]]
            frames.append(pd.DataFrame({
                "depth": d, "winner": names[winner], "loser": names[loser],
                "winner_total": score[winner], "loser_total": score[loser],
                "margin": score[winner] - score[loser], "min_margin": np.r_[lo[i_wins], -hi[k_wins]],
            }))
    columns = ["depth", "winner", "loser", "winner_total", "loser_total", "margin", "min_margin"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    return out.sort_values(["depth", "winner_total", "loser_total"], ascending=[True, False, False],
                           kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# plain data for the command line and the dashboard

def _round(x: Any, digits: int = 4) -> float | None:
    if x is None:
        return None
    f = float(x)
    return None if math.isnan(f) or math.isinf(f) else round(f, digits)


def robustness_json(model: ScoringModel, bands: Bands | None = None, weights: Weights | None = None,
                    draws: int = 10_000, spread: float = 0.2, method: Method = "uniform",
                    seed: int | None = 0, concentration: float | None = None) -> dict[str, Any]:
    """Everything the ``robustness`` command prints, as JSON-ready plain data: per unit the
    break-even weights, the distance to each neighbouring band, the Monte Carlo rank interval
    and band probabilities; and the number of robust pairs."""
    bands = _bands(model, bands)
    r, w = level1_rates(model, weights)
    names, codes = _groups(model)
    rbe = rating_break_even(model, bands, weights)
    dist = band_distance(model, bands, weights)
    mc = monte_carlo(model, bands, draws=draws, spread=spread, method=method, seed=seed, weights=weights,
                     concentration=concentration)
    # the box w_j (1 ± spread) needs spread < 1 (a Dirichlet spread may be larger)
    pairs = robust_pairs(model, spread=spread, weights=weights) if 0 <= spread < 1 else None
    j = len(names)
    units = []
    for i, name in enumerate(model.unit_names):
        parent = model.unit_parent[i]
        row = mc.table.iloc[i]
        be = {}
        for g in range(j):
            b = rbe.iloc[i * j + g]
            be[names[g]] = {"weight": _round(b["weight"]), "up": _round(b["up_weight"]), "up_rating": b["up_rating"],
                            "down": _round(b["down_weight"]), "down_rating": b["down_rating"]}
        d = dist.iloc[i]
        distance: dict[str, Any] = {}
        for side in ("up", "down"):
            if d[f"{side}_rating"] is None:
                distance[side] = None
                continue
            delta = d[f"{side}_delta"]
            distance[side] = {
                "rating": d[f"{side}_rating"], "threshold": _round(d[f"{side}_threshold"]),
                "distance": _round(d[f"{side}_distance"]),
                "delta": None if delta is None else {k: _round(v) for k, v in delta.items()},
                "within_bounds": d[f"{side}_within_bounds"],
            }
        units.append({
            "unit": name,
            "parent": None if parent is None or (isinstance(parent, float) and math.isnan(parent)) else parent,
            "depth": int(model.unit_depth[i]),
            "total": _round(row["official_total"]),
            "rank": int(row["official_rank"]),
            "rating": row["official_rating"],
            "break_even": be,
            "band_distance": distance,
            "rank_interval": None if row["rank_p5"] != row["rank_p5"] else {  # NaN: group over RANK_LIMIT
                "p5": int(row["rank_p5"]), "median": int(row["rank_median"]), "p95": int(row["rank_p95"]),
                "mean": _round(row["rank_mean"])},
            "band_probabilities": {label: _round(mc.band_probabilities[i, b], 6)
                                   for b, label in enumerate(bands.labels)},
        })
    ev = model.evaluation
    return {
        "project": ev.project.name if ev is not None else "",
        "year": ev.project.year if ev is not None else None,
        "weights": {n: _round(v) for n, v in zip(names, w)},
        "bands": bands.to_dict(),
        "monte_carlo": {"draws": draws, "spread": spread, "method": method, "seed": seed,
                        "concentration": _round(mc.concentration)},
        "robust_pairs": None if pairs is None else {"spread": spread, "count": int(len(pairs)),
                                                    "pairs": same_depth_pairs(model)},
        "units": units,
    }
