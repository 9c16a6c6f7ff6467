"""评价结果应用: what a rating costs. A rule per band (default from practice: 优 +10 %, 良 0,
中 −10 %, 差 −100 %) applied to each unit's budget: change = budget × rule(rating), next
budget = budget + change. Units: the scored units of the deepest tier (their budgets do not
overlap, so the changes add up); a unit's budget is its 预算 summed over itself and the units
below it. ``compare`` says what a what-if weighting moves against the official one. Imports
``model`` and ``analysis`` only.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfeval_core.analysis import budget as budget_mod
from perfeval_core.analysis.scoring import Scenario, ScoreResult, ScoringModel
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.messages import Refusal
from perfeval_core.model.normalize import split_assignment, split_list

DEFAULT_RULES = {"优": 0.10, "良": 0.0, "中": -0.10, "差": -1.0}


def default_rules(bands: Bands) -> dict[str, float]:
    """The practice default for the default labels; for other labels the same by position
    (best +10 %, then 0, then −10 % … and the worst −100 %)."""
    if set(bands.labels) == set(DEFAULT_RULES):
        return {label: DEFAULT_RULES[label] for label in bands.labels}
    n = len(bands.labels)
    out = {}
    for k, label in enumerate(bands.labels):
        out[label] = 0.10 if k == 0 else (-1.0 if k == n - 1 else (0.0 if k == 1 else -0.10))
    return out


def parse_rules(text: str, bands: Bands) -> dict[str, float]:
    """``优=+10%,良=0%,中=-10%,差=-100%`` (or 0.1 / -0.1 as fractions) → label → fraction; every
    band must be given once, and a cut cannot exceed the whole budget."""
    out: dict[str, float] = {}
    for part in split_list(text):
        pair = split_assignment(part)
        if pair is None:
            raise Refusal("rule_format", part=part)
        label, value = pair
        raw = value.replace("％", "%").replace("＋", "+").replace("－", "-").replace("−", "-")
        try:
            number = float(raw.rstrip("%")) / (100.0 if raw.endswith("%") else 1.0)
        except ValueError:
            raise Refusal("rule_format", part=part) from None
        if not math.isfinite(number) or number < -1.0:
            raise Refusal("rule_range", part=part)
        if label not in bands.labels:
            raise Refusal("rule_label", label=label, labels="、".join(bands.labels))
        out[label] = number
    missing = [label for label in bands.labels if label not in out]
    if missing:
        raise Refusal("rule_missing", labels="、".join(missing))
    return {label: out[label] for label in bands.labels}


def format_rules(rules: Mapping[str, float]) -> str:
    """The rule set as ``parse_rules`` reads it back: ``优=+10%,良=+0%,…``."""
    return ",".join(f"{label}={value * 100:+g}%" if value else f"{label}=0%" for label, value in rules.items())


@dataclass(frozen=True)
class Consequences:
    """Per unit: budget, rating, change, next budget; and the total change."""

    table: pd.DataFrame  # unit, budget, rating, change, next_budget
    total_change: float

    def to_json(self) -> dict[str, object]:
        units = [{"unit": r.unit, "budget": _num(r.budget), "rating": r.rating or None, "change": _num(r.change),
                  "next_budget": _num(r.next_budget)} for r in self.table.itertuples()]
        return {"units": units, "total_change": _num(self.total_change)}


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def unit_rows(model: ScoringModel) -> np.ndarray:
    """The scored units of the deepest tier (row indices of the model)."""
    if not len(model.unit_depth):
        return np.arange(0)
    return np.flatnonzero(model.unit_depth == model.unit_depth.max())


_BUDGETS: weakref.WeakKeyDictionary[ScoringModel, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()


def budgets(model: ScoringModel, rows: np.ndarray) -> np.ndarray:
    """Each unit's 预算 over its subtree (NaN where the workbook gives none). The same for every
    weighting: kept with the model (a slider move at 50,000 units rolled the budgets up again)."""
    kept = _BUDGETS.get(model)
    if kept is not None and np.array_equal(kept[0], rows):
        return kept[1].copy()
    out = _budgets(model, rows)
    _BUDGETS[model] = (np.array(rows), out.copy())
    return out


def _budgets(model: ScoringModel, rows: np.ndarray) -> np.ndarray:
    ev = model.evaluation
    if ev is None or ev.budget.empty:
        return np.full(len(rows), np.nan)
    given = pd.to_numeric(ev.budget["budget"], errors="coerce").notna().groupby(ev.budget["unit"]).any()
    has = budget_mod.rollup(given.astype(float).to_frame("given"), ev.units)["given"]
    by_unit = budget_mod.by_unit(ev)
    names = [model.unit_names[i] for i in rows]
    amount = by_unit["budget"].reindex(names).to_numpy(dtype=float)
    known = has.reindex(names).to_numpy(dtype=float) > 0
    return np.where(known, amount, np.nan)


def apply(model: ScoringModel, result: ScoreResult, rules: Mapping[str, float]) -> Consequences:
    """change = budget × rules[rating] for each unit of the deepest scored tier."""
    rows = unit_rows(model)
    budget = budgets(model, rows)
    # by band index, in numpy: a list per unit cost 30 ms a slider move at 50,000 units
    labels = list(result.bands.labels)
    band = np.asarray(result.band_index)[rows]
    band = np.where(band >= 0, band, len(labels))  # an unrated unit: the "" label and no change
    ratings = np.array([*labels, ""], dtype=object)[band].tolist()
    rate = np.array([float(rules.get(label, 0.0)) for label in labels] + [0.0])[band]
    change = budget * rate
    table = pd.DataFrame({"unit": [model.unit_names[i] for i in rows], "budget": budget, "rating": ratings,
                          "change": change, "next_budget": budget + change})
    return Consequences(table, float(np.nansum(change)))


def consequences(model: ScoringModel, rules: Mapping[str, float], scenario: Scenario | None = None) -> Consequences:
    return apply(model, model.score(scenario), rules)


def rules_of(rules: Mapping[str, float] | None, bands: Bands) -> dict[str, float]:
    """``rules`` (a scenario's) when they name every one of ``bands``, else the default."""
    if rules and all(label in rules for label in bands.labels):
        return {label: float(rules[label]) for label in bands.labels}
    return default_rules(bands)


@dataclass(frozen=True)
class Moved:
    """What a what-if weighting moves against the official one, under the same rules."""

    official: Consequences
    scenario: Consequences
    table: pd.DataFrame  # unit, budget, official_rating, scenario_rating, official_change, scenario_change, moved
    moved: float  # Σ |scenario change − official change|: the money that goes elsewhere
    net: float  # Σ (scenario change − official change)
    band_changes: int  # units whose rating differs


def compare(model: ScoringModel, official: ScoreResult, scenario: ScoreResult, rules: Mapping[str, float]) -> Moved:
    a, b = apply(model, official, rules), apply(model, scenario, rules)
    diff = b.table["change"] - a.table["change"]
    table = pd.DataFrame({"unit": a.table["unit"], "budget": a.table["budget"], "official_rating": a.table["rating"],
                          "scenario_rating": b.table["rating"], "official_change": a.table["change"],
                          "scenario_change": b.table["change"], "moved": diff})
    changed = int((a.table["rating"] != b.table["rating"]).sum())
    return Moved(a, b, table, float(np.nansum(np.abs(diff))), float(np.nansum(diff)), changed)
