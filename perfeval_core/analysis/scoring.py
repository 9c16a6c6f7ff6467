"""The scoring engine: (evaluation, weights, bands) -> points, subtotals, totals, ranks, ratings.

Everything per unit is a matrix product: R (units × leaves, 得分率) times W (leaves × k), where
the columns of W are the effective leaf points and their level-1 masks. Changing weights only
rebuilds W (a few dozen numbers); R is built once per evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from perfeval_core.model.evaluation import Bands, Evaluation, contains, positions
from perfeval_core.model.messages import Refusal, UnknownKey
from perfeval_core.model.normalize import normalise_label, split_assignment, split_list
from perfeval_core.model.rating import competition_rank

LeafMode = Literal["retotal", "renormalise"]


def rate_from_actual(kind: np.ndarray, actual: np.ndarray, target: np.ndarray) -> np.ndarray:
    """得分率 from an actual value and its target (DOMAIN §4).

    正向: actual ≥ target → 1, else actual ÷ target.
    反向: actual ≤ target → 1; target < actual < 2·target → 1 − (actual − target) ÷ target; ≥ 2·target → 0.
    Anything else → NaN.
    """
    kind = np.asarray(kind, dtype=object)
    actual = np.asarray(actual, dtype=float)
    target = np.asarray(target, dtype=float)
    out = np.full(actual.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = kind == "正向"
        out = np.where(pos, np.where(actual >= target, 1.0, np.where(target > 0, actual / target, 0.0)), out)
        neg = kind == "反向"
        reverse = np.where(actual <= target, 1.0,
                           np.where(actual >= 2 * target, 0.0,
                                    np.where(target > 0, 1.0 - (actual - target) / target, 0.0)))
        out = np.where(neg, reverse, out)
    return np.clip(out, 0.0, 1.0)


class IndicatorTree:
    """Indicator hierarchy as index arrays, built once per evaluation."""

    def __init__(self, indicators: pd.DataFrame):
        self.codes: list[str] = indicators["code"].tolist()
        self.names: list[str] = indicators["name"].tolist()
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.parent = np.array([self.index.get(p, -1) if p is not None else -1
                                for p in indicators["parent"]], dtype=np.int64)
        self.level = indicators["level"].to_numpy(dtype=np.int64)
        self.points = indicators["points"].to_numpy(dtype=float)
        self.children: list[list[int]] = [[] for _ in self.codes]
        for i, p in enumerate(self.parent):
            if p >= 0:
                self.children[p].append(i)
        self.leaves = np.array([i for i in range(len(self.codes)) if not self.children[i]], dtype=np.int64)
        self.level1 = np.array([i for i in range(len(self.codes)) if self.parent[i] < 0], dtype=np.int64)
        # order with parents before children
        self.top_down = sorted(range(len(self.codes)), key=lambda i: self.level[i])
        # membership[l, n] = leaf l lies under node n (a node contains itself)
        self.membership = np.zeros((len(self.leaves), len(self.codes)), dtype=float)
        for li, leaf in enumerate(self.leaves):
            node = int(leaf)
            while node >= 0:
                self.membership[li, node] = 1.0
                node = int(self.parent[node])
        self.total = float(self.points[self.level1].sum())
        # leaf_level1[l]: the position in ``level1`` of leaf l's level-1 indicator
        self.leaf_level1 = (self.membership[:, self.level1].argmax(axis=1) if len(self.leaves) and len(self.level1)
                            else np.zeros(0, dtype=np.int64))
        # each level-1 indicator's leaves as one slice of the leaves, when they are contiguous
        # (the tree's own order makes them so): its subtotal is then a product with that slice
        group = self.leaf_level1
        self.level1_slices: list[slice] | None = None
        if len(group) and np.all(np.diff(group) >= 0) and set(group.tolist()) == set(range(len(self.level1))):
            edges = np.searchsorted(group, np.arange(len(self.level1) + 1))
            self.level1_slices = [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]

    def resolve(self, key: str) -> int:
        """Node index from a code or a name (names must be unambiguous)."""
        if key in self.index:
            return self.index[key]
        norm = normalise_label(key)
        for i, c in enumerate(self.codes):
            if normalise_label(c) == norm:
                return i
        hits = [i for i, n in enumerate(self.names) if normalise_label(n) == norm]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UnknownKey("indicator_ambiguous", key=key, codes=", ".join(self.codes[i] for i in hits))
        raise UnknownKey("indicator_unknown", key=key)

    def effective_points(self, overrides: Mapping[int, float], mode: LeafMode = "retotal") -> np.ndarray:
        """Every node's points after overriding some nodes' points.

        A changed node's children are always rescaled proportionally to fill it. What happens
        above the change depends on ``mode``:
        - ``retotal``: the parent becomes the sum of its children (so the parent's weight
          changes), and at the end every point is scaled so the level-1 total is the official
          total (weights are relative);
        - ``renormalise``: the parent keeps its points; the changed node's siblings that were
          not themselves changed absorb the difference, in proportion to their official points.
        """
        official = self.points
        if not overrides:
            return official.copy()
        for node, value in overrides.items():
            if not np.isfinite(value) or value < 0:
                raise Refusal("weight_negative", code=self.codes[node])
        pinned = np.zeros(len(official), dtype=bool)
        for node in overrides:
            pinned[node] = True
        if mode == "retotal":
            desired = official.copy()
            # a node "holds a change" when it or a descendant was overridden
            holds = pinned.copy()
            for i in sorted(range(len(official)), key=lambda i: -self.level[i]):
                if pinned[i]:
                    desired[i] = overrides[i]
                elif any(holds[c] for c in self.children[i]):
                    desired[i] = sum(desired[c] for c in self.children[i])
                    holds[i] = True
            final = desired.copy()
            self._fill(final, self.level1, None, desired, holds, official)
            for i in self.top_down:
                if self.children[i]:
                    self._fill(final, self.children[i], final[i], desired, holds, official)
            total = final[self.level1].sum()
            if total <= 0:
                raise Refusal("weights_all_zero")
            return final * (self.total / total)
        final = official.copy()
        self._fill(final, self.level1, self.total, {i: overrides[i] for i in overrides}, pinned, official)
        for i in self.top_down:
            if self.children[i]:
                self._fill(final, self.children[i], final[i], overrides, pinned, official)
        if final[self.level1].sum() <= 0:
            raise Refusal("weights_all_zero")
        return final

    @staticmethod
    def _fill(final: np.ndarray, group: list[int] | np.ndarray, target: float | None,
              desired: Mapping[int, float] | np.ndarray, fixed: np.ndarray, official: np.ndarray) -> None:
        """Set ``final`` for the nodes of ``group`` so they add up to ``target``."""
        group = [int(g) for g in group]
        want = {g: float(desired[g]) if fixed[g] else float(official[g]) for g in group}
        if target is None:  # level 1 in retotal mode: nothing to fit
            for g in group:
                final[g] = want[g]
            return
        current = sum(want.values())
        if abs(current - target) < 1e-12:
            for g in group:
                final[g] = want[g]
            return
        free = [g for g in group if not fixed[g]]
        pinned_sum = sum(want[g] for g in group if fixed[g])
        free_sum = sum(want[g] for g in free)
        # points below NEGLIGIBLE count as none: dividing by a subnormal weight overflows to inf
        if free and free_sum > NEGLIGIBLE and pinned_sum <= target:
            scale = (target - pinned_sum) / free_sum
            for g in group:
                final[g] = want[g] * scale if g in free else want[g]
        else:
            scale = target / current if current > NEGLIGIBLE else 0.0
            for g in group:
                final[g] = want[g] * scale


NEGLIGIBLE = 1e-12  # points: a weight this small is a zero weight (a billionth of a cent of score)
@dataclass(frozen=True)
class Scenario:
    """A what-if: small plain data that can be saved, put in a URL and replayed."""

    weights: dict[str, float] = field(default_factory=dict)  # indicator code or name -> points
    mode: LeafMode = "retotal"
    bands: Bands | None = None  # its rating bands, labels and lower bounds (None: the evaluation's)
    rules: dict[str, float] | None = None  # 评价结果应用: band label → budget change (None: the default)

    def __post_init__(self) -> None:
        if self.bands is not None and not isinstance(self.bands, Bands):
            # bare thresholds would lose the labels (the bug of keeping only thresholds)
            raise TypeError("Scenario.bands takes Bands (labels and lower bounds), e.g. Bands.from_thresholds(...)")

    @classmethod
    def parse_weights(cls, text: str) -> dict[str, float]:
        """'决策=20,过程=20' (also '决策:20；过程：20') -> {'决策': 20.0, '过程': 20.0}."""
        out: dict[str, float] = {}
        for part in split_list(text):
            pair = split_assignment(part)
            if pair is None:
                raise Refusal("weight_format", part=part)
            key, value = pair
            try:
                out[key] = float(value)
            except ValueError:
                raise Refusal("weight_not_number", part=part) from None
        return out


class ScoringModel:
    """An evaluation prepared for fast repeated scoring."""

    def __init__(self, evaluation: Evaluation):
        # vectorised throughout: per-unit lookups cost seconds at 200,000 units
        units = evaluation.units
        s = evaluation.scores
        scored = contains(units["name"], s["unit"].unique())
        unit_names = units["name"].to_numpy(dtype=object)[scored].tolist()
        parent = units["parent"].to_numpy(dtype=object)[scored]
        unit_parent = [None if p is None or p != p else p for p in parent.tolist()]  # NaN -> None
        tree = IndicatorTree(evaluation.indicators)
        rows = positions(s["unit"], unit_names)
        cols = positions(s["code"], [tree.codes[leaf] for leaf in tree.leaves])
        ok = (rows >= 0) & (cols >= 0)
        rates = np.zeros((len(unit_names), len(tree.leaves)), order="F")  # column-major: see ScoreResult.level1
        rates[rows[ok], cols[ok]] = s["rate"].to_numpy(dtype=float)[ok]
        self._setup(tree, unit_names, unit_parent, units["depth"].to_numpy()[scored].astype(np.int64),
                    np.nan_to_num(rates), evaluation.bands)
        self.evaluation: Evaluation | None = evaluation

    @classmethod
    def from_rates(cls, indicators: pd.DataFrame, unit_names: list[str], rates: np.ndarray,
                   unit_parent: list[object] | None = None, unit_depth: np.ndarray | None = None,
                   bands: Bands | None = None) -> ScoringModel:
        """A model straight from a units × leaves matrix of 得分率 (leaves in tree order)."""
        model = cls.__new__(cls)
        n = len(unit_names)
        model._setup(IndicatorTree(indicators), list(unit_names), list(unit_parent or [None] * n),
                     np.zeros(n, dtype=np.int64) if unit_depth is None else np.asarray(unit_depth, dtype=np.int64),
                     np.asarray(rates, dtype=float), bands or Bands())
        model.evaluation = None
        return model

    def _setup(self, tree: IndicatorTree, unit_names: list[str], unit_parent: list[object],
               unit_depth: np.ndarray, rates: np.ndarray, bands: Bands) -> None:
        self.tree = tree
        self.unit_names = unit_names
        self.unit_parent = unit_parent
        self.unit_depth = unit_depth
        self.rates = rates
        self.bands = bands

    def leaf_points(self, scenario: Scenario | None = None) -> np.ndarray:
        return self.node_points(scenario)[self.tree.leaves]

    def node_points(self, scenario: Scenario | None = None) -> np.ndarray:
        if scenario is None or not scenario.weights:
            return self.tree.points.copy()
        overrides = {self.tree.resolve(k): float(v) for k, v in scenario.weights.items()}
        return self.tree.effective_points(overrides, scenario.mode)

    def score(self, scenario: Scenario | None = None, bands: Bands | None = None) -> ScoreResult:
        scenario = scenario or Scenario()
        bands = bands or scenario.bands or self.bands
        nodes = self.node_points(scenario)
        # the totals are one matrix-vector product (what moves with a slider); the level-1
        # subtotals are computed when something asks for them (ScoreResult.level1)
        return ScoreResult(self, nodes, bands, self.rates @ nodes[self.tree.leaves])

    def level1_points(self, leaf_w: np.ndarray) -> np.ndarray:
        """Units × level-1 indicators: each unit's points on 决策, 过程, … when the leaves carry
        the points ``leaf_w`` (in leaf order)."""
        blocks = self._level1_blocks(leaf_w)
        if blocks is not None:
            return blocks.T
        # a Fortran-ordered right-hand side takes OpenBLAS's fast path (20 ms instead of 75 ms at 1M × 40)
        weights = np.asfortranarray(leaf_w[:, None] * self.tree.membership[:, self.tree.level1])
        return np.asarray(self.rates @ weights)

    def level1_rates(self, scenario: Scenario | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The level-1 matrix: ``(r, w)`` with r units × level-1 indicators and w their points
        under ``scenario``, such that a unit's total is ``r @ w`` — and stays so when the level-1
        weights change while each leaf keeps its share of its indicator (renormalise mode without
        pinned lower weights). r_ij = Σ_{leaves l under j} 得分率_il × p_l ÷ Σ_l p_l with p_l the
        leaf points under the scenario (the official leaf points when indicator j is weighted 0;
        0 when it is weighted but its leaves are all pinned at 0 points). The
        one place this matrix is built: robustness analyses it, the what-if page's browser
        rescoring multiplies it (``whatif.level1_basis``)."""
        tree = self.tree
        nodes = self.node_points(scenario)
        top = tree.leaf_level1
        leaf_now = nodes[tree.leaves]
        leaf_official = tree.points[tree.leaves]
        member = tree.membership[:, tree.level1]  # leaves × J, one 1 per row
        group_now = (leaf_now @ member)[top]
        group_official = (leaf_official @ member)[top]
        weight = nodes[tree.level1][top]  # each leaf's level-1 points
        with np.errstate(divide="ignore", invalid="ignore"):
            # a group weighted 0 keeps its official shares (what a unit would score if it rose);
            # a weighted group whose leaves are all pinned at 0 scores nothing at any weight
            empty = np.where(weight > 0, 0.0, leaf_official / group_official)
            share = np.where(group_now > 0, leaf_now / group_now, empty)
        share = np.nan_to_num(share, nan=0.0, posinf=0.0, neginf=0.0)
        return self.level1_points(share), nodes[tree.level1].astype(float)

    def _level1_blocks(self, leaf_w: np.ndarray) -> np.ndarray | None:
        """Level-1 indicators × units: each indicator's points, one matrix-vector product over its
        own contiguous block of leaves of the column-major 得分率 (the model builds them so; ~1x
        the cost of the totals in all, where the dense units × leaves by leaves × level-1
        product costs ~2.5x); None when the layout does not allow it."""
        slices, rates = self.tree.level1_slices, self.rates
        if slices is None or not rates.flags.f_contiguous:
            return None
        out = np.empty((len(slices), rates.shape[0]))
        for k, block in enumerate(slices):
            np.matmul(leaf_w[block], rates[:, block].T, out=out[k])
        return out

    def index_of(self, unit: str) -> int | None:
        if not hasattr(self, "_index"):
            self._index = {u: i for i, u in enumerate(self.unit_names)}
        return self._index.get(unit)


@dataclass
class ScoreResult:
    model: ScoringModel
    node_points: np.ndarray  # effective points of every indicator node
    bands: Bands
    total: np.ndarray  # per scored unit

    @cached_property
    def level1(self) -> np.ndarray:
        """Units × level-1 indicators: each unit's points on 决策, 过程, …"""
        return self.model.level1_points(self.node_points[self.model.tree.leaves])

    @cached_property
    def rank(self) -> np.ndarray:
        """Rank among scored units of the same depth (districts among districts, ...).

        1 = best. Totals are compared as printed (2 decimals); tied units share the best rank
        and the next rank is skipped (1, 2, 2, 4: "competition ranking").
        """
        return competition_rank(self.total, self.model.unit_depth)

    @cached_property
    def band_index(self) -> np.ndarray:
        return self.bands.rate(self.total)

    @cached_property
    def ratings(self) -> list[str]:  # cached: callers index it per unit (a list rebuilt per unit was quadratic)
        return [self.bands.labels[i] if i >= 0 else "" for i in self.band_index]

    def leaf_points(self, unit_index: int | slice | np.ndarray = slice(None)) -> np.ndarray:
        return self.model.rates[unit_index] * self.node_points[self.model.tree.leaves]

    def subtotals(self, node_codes: list[str] | None = None) -> pd.DataFrame:
        """Points of every unit on the given nodes (all nodes by default)."""
        tree = self.model.tree
        nodes = [tree.index[c] for c in node_codes] if node_codes else list(range(len(tree.codes)))
        w = self.node_points[tree.leaves][:, None] * tree.membership[:, nodes]
        return pd.DataFrame(self.model.rates @ w, index=self.model.unit_names,
                            columns=[tree.codes[n] for n in nodes])

    def table(self) -> pd.DataFrame:
        """One row per scored unit: unit, parent, depth, total, rank, rating, level-1 points."""
        tree = self.model.tree
        df = pd.DataFrame({
            "unit": self.model.unit_names,
            "parent": self.model.unit_parent,
            "depth": self.model.unit_depth,
            "total": self.total,
            "rank": self.rank,
            "rating": self.ratings,
        })
        for k, node in enumerate(tree.level1):
            df[tree.names[node]] = self.level1[:, k]
        return df

    def unit_total(self, unit: str) -> float | None:
        i = self.model.index_of(unit)
        return None if i is None else float(self.total[i])


def score(evaluation: Evaluation, scenario: Scenario | None = None, bands: Bands | None = None) -> ScoreResult:
    """Score an evaluation under a scenario (official weights when None)."""
    return ScoringModel(evaluation).score(scenario, bands)


def project_unit(evaluation: Evaluation) -> str | None:
    """The unit whose score is the project's score: the single root if it is scored,
    else the only scored unit."""
    scored = set(evaluation.scores["unit"].unique().tolist())
    units = evaluation.units
    roots = units[units["parent"].isna()]["name"].tolist()
    if len(roots) == 1 and roots[0] in scored:
        return str(roots[0])
    top = units[contains(units["name"], scored)]
    if len(top) == 1:
        return str(top["name"].iloc[0])
    if not top.empty:
        shallow = top[top["depth"] == top["depth"].min()]
        if len(shallow) == 1:
            return str(shallow["name"].iloc[0])
    return None


def model_of(source: Evaluation | ScoringModel) -> tuple[ScoringModel, Evaluation]:
    """The scoring model and the evaluation of ``source``: the model itself when the caller has
    one (the dashboard builds one per evaluation, an export passes it on to every part it
    writes), else one built from the evaluation. A model made from bare rates has no evaluation
    to present: ValueError."""
    if isinstance(source, ScoringModel):
        if source.evaluation is None:
            raise ValueError("a model built from rates has no evaluation")
        return source, source.evaluation
    return ScoringModel(source), source
