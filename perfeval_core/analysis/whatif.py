"""What-if weighting: slider rebalancing, official-vs-scenario comparison, policy checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from perfeval_core.analysis.scoring import Scenario, ScoreResult, ScoringModel, model_of
from perfeval_core.model.evaluation import Bands, Evaluation
from perfeval_core.model.rating import competition_rank

TOTAL = 100.0


def rebalance(weights: Mapping[str, float], moved: str, value: float, locked: Iterable[str] = (),
              total: float = TOTAL, digits: int = 6) -> dict[str, float]:
    """New weights after one is moved to ``value``: locked weights stay, the moved one takes
    ``value`` (capped so the locked ones still fit), the others absorb the difference in
    proportion to their current values (equally when they are all zero). The result adds up to
    ``total`` exactly after rounding to ``digits``."""
    locked = {k for k in locked if k in weights and k != moved}
    free = [k for k in weights if k != moved and k not in locked]
    locked_sum = sum(weights[k] for k in locked)
    room = max(total - locked_sum, 0.0)
    if not free:
        value = room  # nothing else can move: the moved weight is pinned by the locks
    value = float(min(max(value, 0.0), room))
    rest = room - value
    current = np.array([max(weights[k], 0.0) for k in free], dtype=float)
    shares = current / current.sum() if current.sum() > 0 else np.full(len(free), 1.0 / max(len(free), 1))
    out = dict(weights)
    out[moved] = round(value, digits)
    for k, share in zip(free, shares):
        out[k] = round(float(rest * share), digits)
    # the rounding residual goes to the largest free weight, so the total is exact
    if free:
        residual = round(total - sum(out.values()), digits)
        biggest = max(free, key=lambda k: out[k])
        out[biggest] = round(out[biggest] + residual, digits)
    return {k: float(v) for k, v in out.items()}


def level1_weights(model: ScoringModel, scenario: Scenario | None = None) -> dict[str, float]:
    """Level-1 code -> points under a scenario (official when None)."""
    points = model.node_points(scenario)
    return {model.tree.codes[i]: float(points[i]) for i in model.tree.level1}


def compare(model: ScoringModel, official: ScoreResult, scenario: ScoreResult,
            units: list[str] | None = None) -> pd.DataFrame:
    """Per unit: official and scenario total, rank and rating, and the changes. When ``units``
    is given, ranks are among those units (e.g. the districts)."""
    names = model.unit_names
    idx = np.arange(len(names)) if units is None else np.array([model.index_of(u) for u in units
                                                                if model.index_of(u) is not None], dtype=int)
    depth = model.unit_depth[idx]
    off_total, new_total = official.total[idx], scenario.total[idx]
    off_rank = competition_rank(off_total, depth)
    new_rank = competition_rank(new_total, depth)
    off_band, new_band = official.band_index[idx], scenario.band_index[idx]
    frame = pd.DataFrame({
        "unit": [names[i] for i in idx], "depth": depth,
        "official_total": off_total, "scenario_total": new_total, "delta": new_total - off_total,
        "official_rank": off_rank, "scenario_rank": new_rank, "rank_change": off_rank - new_rank,
        "official_rating": [official.bands.labels[b] if b >= 0 else "" for b in off_band],
        "scenario_rating": [scenario.bands.labels[b] if b >= 0 else "" for b in new_band],
    })
    frame["rating_changed"] = frame["official_rating"] != frame["scenario_rating"]
    return frame.sort_values(["depth", "scenario_rank", "unit"]).reset_index(drop=True)


def effective_leaves(model: ScoringModel, result: ScoreResult) -> pd.DataFrame:
    tree = model.tree
    rows = []
    for i in tree.leaves:
        parent = tree.parent[i]
        top = i
        while tree.parent[top] >= 0:
            top = tree.parent[top]
        rows.append({"code": tree.codes[i], "name": tree.names[i], "level1": tree.names[top],
                     "official": float(tree.points[i]), "scenario": float(result.node_points[i]),
                     "parent": tree.codes[parent] if parent >= 0 else None})
    frame = pd.DataFrame(rows)
    frame["delta"] = frame["scenario"] - frame["official"]
    return frame


def level1_basis(model: ScoringModel, lower: Mapping[str, float], units: np.ndarray | None = None,
                 tol: float = 1e-9) -> np.ndarray | None:
    """Units × level-1 indicators: B with ``total = B @ w`` for every level-1 weighting ``w`` (in
    the page's order, adding up to 100) under these lower-level weights, so a browser can rescore
    while a slider moves with four multiply-adds per unit. Each column is a unit's points per
    point of weight on that indicator: its 得分率 weighted by each leaf's share of the indicator.

    That holds when every leaf keeps its share of its level-1 indicator as the indicator's weight
    changes, which is so without lower-level weights; a lower-level weight pinned in points is
    not rescaled with its indicator (the leaves are then affine in the weight, with a bend where
    the pinned points no longer fit), a pinned zero that leaves an indicator short of its points
    (the engine scales the totals back to full marks by a factor that moves with the weights), or
    weights the engine refuses: then None. Leaf points are 0
    at weight 0 and piecewise linear in their own indicator's weight, so agreeing at an even
    weighting (which gives the shares), at 100 on each indicator and on one uneven weighting rules
    a bend out. ``units``: row indices."""
    tree = model.tree
    level1 = [tree.codes[i] for i in tree.level1]
    top = tree.leaf_level1
    even = np.full(len(level1), 100.0 / len(level1))
    uneven = np.arange(1, len(level1) + 1, dtype=float)
    try:
        shares = model.leaf_points(scenario_from_state(dict(zip(level1, even)), lower)) / even[top]
        probes = [uneven * 100.0 / uneven.sum(), *(np.eye(len(level1)) * 100.0)]
        for probe in probes:
            points = model.leaf_points(scenario_from_state(dict(zip(level1, probe)), lower))
            if not np.allclose(points, shares * probe[top], rtol=0, atol=tol):
                return None
        basis, _ = model.level1_rates(scenario_from_state(dict(zip(level1, even)), lower))
        # the totals too: where pinned leaves leave an indicator short of its points, the engine
        # scales the total back to the tree's full marks, by a factor that moves with the weights
        rows = slice(None) if units is None else units
        for probe in probes:
            totals = model.score(scenario_from_state(dict(zip(level1, probe)), lower)).total[rows]
            if not np.allclose(basis[rows] @ probe, totals, rtol=0, atol=max(tol, 1e-9)):
                return None
    except (KeyError, ValueError):  # e.g. a lower-level weight naming no indicator: the server says so
        return None
    return basis if units is None else basis[units]


def scenario_from_state(level1: Mapping[str, float], lower: Mapping[str, float],
                        bands: Bands | None = None, rules: Mapping[str, float] | None = None) -> Scenario:
    weights = {**{k: float(v) for k, v in level1.items()}, **{k: float(v) for k, v in lower.items()}}
    return Scenario(weights=weights, mode="renormalise", bands=bands,
                    rules=None if rules is None else {str(k): float(v) for k, v in rules.items()})


def encode_overrides(overrides: Mapping[str, float]) -> str:
    return ",".join(f"{k}:{v:g}" for k, v in overrides.items())


def decode_overrides(text: str | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in (text or "").split(","):
        if ":" in part:
            key, value = part.split(":", 1)
            try:
                number = float(value)
            except ValueError:
                continue
            if np.isfinite(number) and number >= 0:
                out[key.strip()] = number
    return out


def adopt(source: Evaluation | ScoringModel, scenario: Scenario) -> Evaluation:
    """The evaluation with a scenario's weights (and bands) made the official ones: every
    indicator's points become its effective points under the scenario, each given 得分 follows
    its 得分率, and everything downstream (scores, ranks, ratings, what-if, exports) treats them
    as the workbook's own. The 得分率 of every unit and leaf is unchanged."""
    from dataclasses import replace

    model, evaluation = model_of(source)
    points = model.node_points(scenario)
    indicators = evaluation.indicators.copy()
    by_code = dict(zip(model.tree.codes, points))
    indicators["points"] = indicators["code"].map(by_code).astype(float)
    scores = evaluation.scores.copy()
    scores["points"] = scores["rate"].astype(float) * scores["code"].map(by_code).astype(float)
    bands = scenario.bands or evaluation.bands  # as ScoringModel.score
    return replace(evaluation, indicators=indicators, scores=scores, bands=bands)
