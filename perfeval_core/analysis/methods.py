"""Where weights could come from: equal, entropy, CRITIC and AHP weights for the level-1
indicators or for the leaves, returned as points that sum to the official total of that set
(normally 100), so they can go straight onto the what-if sliders. docs/methods.md states every
formula, default and threshold with its source.

The data-driven methods (entropy, CRITIC) read the 得分率 matrix x: the scored units of the
deepest tier × the indicators of the set, x = score ÷ points (at level 1, the level-1 matrix of
``ScoringModel.level1_rates``; at the leaves, the leaves' 得分率). AHP reads a leader's pairwise
judgements of the level-1 indicators instead. Imports ``model`` and ``analysis.scoring`` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np

from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.model.messages import Refusal
from perfeval_core.model.normalize import split_list

Method = Literal["equal", "entropy", "critic", "ahp"]
Level = Literal["1", "leaf"]
METHODS: tuple[Method, ...] = ("equal", "entropy", "critic", "ahp")
# Saaty's random consistency index by matrix size (Saaty 1980, the values 财政 practice quotes)
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}
CR_LIMIT = 0.10  # a consistency ratio above this: the judgements contradict each other
SCALE_MIN, SCALE_MAX = Fraction(1, 9), Fraction(9)
NOISE = 1e-12  # a CRITIC information amount this small is rounding, not information  # Saaty's 1–9 scale and its reciprocals


@dataclass(frozen=True)
class MethodWeights:
    """Weights a method proposes: ``weights`` code → points (summing to ``total``), in tree order."""

    method: Method
    level: Level
    weights: dict[str, float]
    total: float
    cr: float | None = None  # AHP's consistency ratio
    lambda_max: float | None = None  # AHP's principal eigenvalue
    units: int = 0  # rows of the 得分率 matrix (entropy, CRITIC)
    notes: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # message keys and params

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"method": self.method, "level": self.level, "weights": dict(self.weights)}
        if self.method == "ahp":
            out["cr"] = self.cr
        return out


def indicator_set(model: ScoringModel, level: Level) -> np.ndarray:
    """Node indices of the set: the level-1 indicators or the leaves, in tree order."""
    if level not in ("1", "leaf"):
        raise Refusal("method_level", level=str(level))
    return model.tree.level1 if level == "1" else model.tree.leaves


def rate_matrix(model: ScoringModel, level: Level) -> np.ndarray:
    """x: the scored units of the deepest tier × the set's indicators, score ÷ points."""
    rows = np.flatnonzero(model.unit_depth == model.unit_depth.max()) if len(model.unit_depth) else np.arange(0)
    if level == "1":
        r, _ = model.level1_rates()
        return np.asarray(r[rows], dtype=float)
    indicator_set(model, level)
    return np.asarray(model.rates[rows], dtype=float)


def _points(model: ScoringModel, nodes: np.ndarray, shares: np.ndarray) -> tuple[dict[str, float], float]:
    total = float(model.tree.points[nodes].sum())
    codes = [model.tree.codes[i] for i in nodes]
    return {c: float(s * total) for c, s in zip(codes, shares)}, total


def equal(model: ScoringModel, level: Level = "1") -> MethodWeights:
    nodes = indicator_set(model, level)
    weights, total = _points(model, nodes, np.full(len(nodes), 1.0 / len(nodes)))
    return MethodWeights("equal", level, weights, total)


def entropy_shares(x: np.ndarray) -> np.ndarray:
    """Entropy weights (shares summing to 1) of the columns of x (n ≥ 2 rows): p = x ÷ column
    sum, e = −Σ p ln p ÷ ln n (0 ln 0 = 0), w ∝ 1 − e; a column summing to 0 gets 0."""
    n = x.shape[0]
    sums = x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(sums > 0, x / np.where(sums > 0, sums, 1.0), 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / math.log(n)
    d = np.where(sums > 0, 1.0 - e, 0.0)
    d = np.clip(d, 0.0, None)  # 1 − e is ≥ 0 up to rounding
    return d / d.sum() if d.sum() > 0 else np.zeros_like(d)


def critic_shares(x: np.ndarray) -> np.ndarray:
    """CRITIC weights (shares summing to 1): z = min–max normalised columns (a constant column
    gets 0), C_j = s_j Σ_k (1 − r_jk) over the non-constant columns, s_j the sample standard
    deviation (ddof = 1) of z_j, r the Pearson correlation; w ∝ C."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    varying = hi - lo > 1e-12
    out = np.zeros(x.shape[1])
    if varying.sum() < 1:
        return out
    z = (x[:, varying] - lo[varying]) / (hi[varying] - lo[varying])
    s = z.std(axis=0, ddof=1)
    r = np.corrcoef(z, rowvar=False) if z.shape[1] > 1 else np.ones((1, 1))
    c = s * (1.0 - np.atleast_2d(r)).sum(axis=1)
    out[varying] = np.where(np.abs(c) > NOISE, c, 0.0)  # perfectly correlated columns: 0, not rounding noise
    return out / out.sum() if out.sum() > 0 else np.zeros_like(out)


def _data_method(model: ScoringModel, level: Level, method: Method) -> MethodWeights:
    nodes = indicator_set(model, level)
    x = rate_matrix(model, level)
    if x.shape[0] < 2:
        raise Refusal("method_needs_units", method=method, units=str(x.shape[0]))
    shares = entropy_shares(x) if method == "entropy" else critic_shares(x)
    if shares.sum() <= 0:
        raise Refusal("method_no_spread", method=method)
    weights, total = _points(model, nodes, shares)
    return MethodWeights(method, level, weights, total, units=int(x.shape[0]))


def entropy(model: ScoringModel, level: Level = "1") -> MethodWeights:
    return _data_method(model, level, "entropy")


def critic(model: ScoringModel, level: Level = "1") -> MethodWeights:
    return _data_method(model, level, "critic")


# ---------------------------------------------------------------------------------------- AHP

def parse_judgement(text: str) -> Fraction:
    """'3', '1/2', '0.5', '５' → a value on Saaty's scale (1/9 … 9)."""
    cleaned = text.strip().translate(str.maketrans("０１２３４５６７８９／．", "0123456789/."))
    try:
        value = Fraction(cleaned).limit_denominator(81)
    except (ValueError, ZeroDivisionError):
        raise Refusal("ahp_value", value=text.strip()) from None
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise Refusal("ahp_value", value=text.strip())
    return value


def parse_pairs(text: str) -> list[tuple[str, str, Fraction]]:
    """``A:B=3,A:C=1/2`` (also ``A:B=3；A:C=1/2``) → [(A, B, 3), (A, C, 1/2)]: how much more
    important the first is than the second."""
    out = []
    for part in split_list(text):
        if "=" not in part or (":" not in part.split("=", 1)[0] and "：" not in part.split("=", 1)[0]):
            raise Refusal("ahp_pair_format", part=part)
        left, value = part.split("=", 1)
        a, b = left.replace("：", ":").split(":", 1)
        out.append((a.strip(), b.strip(), parse_judgement(value)))
    return out


def judgement_matrix(model: ScoringModel, pairs: list[tuple[str, str, Fraction]] | Mapping[tuple[str, str], float]
                     ) -> np.ndarray:
    """The reciprocal pairwise matrix of the level-1 indicators (codes or names); a pair given
    twice must agree, every pair must be given (its reciprocal is filled in)."""
    tree = model.tree
    level1 = [int(i) for i in tree.level1]
    where = {node: k for k, node in enumerate(level1)}
    n = len(level1)
    a = np.eye(n)
    given = np.eye(n, dtype=bool)
    items = pairs.items() if isinstance(pairs, Mapping) else (((x, y), v) for x, y, v in pairs)
    for (x, y), value in items:
        i, j = (where.get(tree.resolve(name), -1) for name in (x, y))
        if i < 0 or j < 0:
            raise Refusal("not_level1", group=x if i < 0 else y)
        v = float(value)
        if i == j:
            if abs(v - 1.0) > 1e-9:
                raise Refusal("ahp_self", code=tree.codes[level1[i]])
            continue
        if given[i, j] and abs(a[i, j] - v) > 1e-9:
            raise Refusal("ahp_twice", a=tree.codes[level1[i]], b=tree.codes[level1[j]])
        a[i, j], a[j, i] = v, 1.0 / v
        given[i, j] = given[j, i] = True
    missing = [(tree.codes[level1[i]], tree.codes[level1[j]]) for i in range(n) for j in range(i + 1, n)
               if not given[i, j]]
    if missing:
        raise Refusal("ahp_missing", pairs="、".join(f"{x}:{y}" for x, y in missing))
    return a


def principal(a: np.ndarray) -> tuple[np.ndarray, float]:
    """The principal eigenvector (shares summing to 1) and eigenvalue λmax of a positive matrix."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    v = np.abs(vectors[:, k].real)
    return v / v.sum(), float(values[k].real)


def consistency_ratio(lambda_max: float, n: int) -> float:
    """CR = ((λmax − n) ÷ (n − 1)) ÷ RI(n); 0 for n ≤ 2 (always consistent)."""
    if n <= 2:
        return 0.0
    if n not in RANDOM_INDEX:
        raise Refusal("ahp_size", n=str(n))
    return max(0.0, (lambda_max - n) / (n - 1)) / RANDOM_INDEX[n]


def ahp(model: ScoringModel, pairs: str | list[tuple[str, str, Fraction]] | Mapping[tuple[str, str], float],
        level: Level = "1") -> MethodWeights:
    if level != "1":
        raise Refusal("ahp_level")
    nodes = indicator_set(model, level)
    if len(nodes) > max(RANDOM_INDEX):
        raise Refusal("ahp_size", n=str(len(nodes)))
    a = judgement_matrix(model, parse_pairs(pairs) if isinstance(pairs, str) else pairs)
    shares, lambda_max = principal(a)
    cr = consistency_ratio(lambda_max, len(nodes))
    weights, total = _points(model, nodes, shares)
    notes = [("ahp_inconsistent", {"cr": f"{cr:.3f}", "limit": f"{CR_LIMIT:.2f}"})] if cr > CR_LIMIT else []
    return MethodWeights("ahp", level, weights, total, cr=cr, lambda_max=lambda_max, notes=notes)


def weights_by(model: ScoringModel, method: str, level: str = "1", pairs: str | None = None) -> MethodWeights:
    """One method by name (what the CLI and the page call)."""
    if level not in ("1", "leaf"):
        raise Refusal("method_level", level=level)
    lvl: Level = "1" if level == "1" else "leaf"
    if method == "equal":
        return equal(model, lvl)
    if method == "entropy":
        return entropy(model, lvl)
    if method == "critic":
        return critic(model, lvl)
    if method == "ahp":
        if not pairs:
            raise Refusal("ahp_no_pairs")
        return ahp(model, pairs, lvl)
    raise Refusal("method_unknown", method=method)


@dataclass(frozen=True)
class Candidate:
    """One weighting beside the official one: its level-1 points (None when the method cannot
    weight this table, with the reason), and what it changes for the units of one tier."""

    method: str  # "official" or a Method
    weights: dict[str, float] | None
    refusal: Refusal | None = None
    rank_changes: int = 0
    rating_changes: int = 0
    warnings: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # 10号 weight rules
    cr: float | None = None


def side_by_side(model: ScoringModel, depth: int, pairs: str | Mapping[tuple[str, str], float] | None = None,
                 lower: Mapping[str, float] | None = None) -> list[Candidate]:
    """The official weighting and each method's level-1 weights (AHP when ``pairs`` are given),
    each scored with the same lower-level points: how many units of tier ``depth`` change rank
    and band, and which 10号 weight rules it breaks."""
    from perfeval_core.analysis.rules import policy_warnings
    from perfeval_core.analysis.whatif import scenario_from_state

    ev = model.evaluation
    official = model.score()
    rows = np.flatnonzero(model.unit_depth == depth)
    out: list[Candidate] = []
    tree = model.tree
    proposals: list[tuple[str, MethodWeights | Refusal]] = [
        ("official", MethodWeights("equal", "1", {tree.codes[i]: float(tree.points[i]) for i in tree.level1},
                                   float(tree.total)))]
    for name in ("equal", "entropy", "critic", "ahp"):
        if name == "ahp" and not pairs:
            continue
        try:
            proposals.append((name, weights_by(model, name, "1") if name != "ahp" else ahp(model, pairs or "")))
        except Refusal as refusal:
            proposals.append((name, refusal))
    for name, proposal in proposals:
        if isinstance(proposal, Refusal):
            out.append(Candidate(name, None, proposal))
            continue
        result = model.score(scenario_from_state(proposal.weights, lower or {}))
        ranks = int((result.rank[rows] != official.rank[rows]).sum())
        ratings = int(sum(result.ratings[i] != official.ratings[i] for i in rows))
        warnings = policy_warnings(ev, result.node_points) if ev is not None else []
        out.append(Candidate(name, dict(proposal.weights), None, ranks, ratings, warnings, proposal.cr))
    return out
