"""Plain-data views of an evaluation for the CLI (JSON) and the dashboard."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from perfeval_core.analysis import budget as budget_mod
from perfeval_core.analysis import survey as survey_mod
from perfeval_core.analysis.scoring import IndicatorTree, Scenario, ScoreResult, ScoringModel, model_of, project_unit
from perfeval_core.model.evaluation import (
    ARRIVAL_RATE_DEFINITIONS,
    EXECUTION_RATE_DEFINITIONS,
    SATISFACTION_RULES,
    Bands,
    Evaluation,
)
from perfeval_core.present.i18n import half_up


def _num(x: Any, digits: int = 6) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else float(half_up(f, digits))  # 72.735 → 72.74, as reports round


def _amounts(row: pd.Series) -> dict[str, float | None]:
    return {
        "budget": _num(row["budget"], 4),
        "arrived": _num(row["arrived"], 4),
        "spent": _num(row["spent"], 4),
        "arrival_rate": _num(row["arrival_rate"]),
        "execution_rate": _num(row["execution_rate"]),
    }


def summary(source: Evaluation | ScoringModel) -> dict[str, Any]:
    model, ev = model_of(source)
    p = ev.project
    result = model.score()
    unit = project_unit(ev)
    total = result.unit_total(unit) if unit else None
    out: dict[str, Any] = {
        "project": p.name,
        "year": p.year,
        "region": p.region,
        "evaluator": p.evaluator,
        "mode": p.mode,
        "layout": ev.layout,
        "illustrative": p.illustrative,
        "total_score": _num(total, 2),
        "rating": ev.bands.label(total) if total is not None else None,
        "score_unit": unit,
        "reported_total_score": _num(p.reported_total, 2),
        "reported_rating": p.reported_rating,
        "bands": ev.bands.to_dict(),
        "definitions": {
            "arrival_rate": ARRIVAL_RATE_DEFINITIONS[p.arrival_rate_definition],
            "execution_rate": EXECUTION_RATE_DEFINITIONS[p.execution_rate_definition],
            "satisfaction": SATISFACTION_RULES[p.satisfaction_rule],
        },
    }
    if not ev.budget.empty:
        totals = budget_mod.totals(ev)
        budgeted, used = budget_mod.funded_units(ev)
        out["budget"] = {
            "unit": "万元",
            **_amounts(totals),
            "by_level": [{"level": level, **_amounts(row)} for level, row in budget_mod.by_level(ev).iterrows()],
        }
        out["arrival_rate"] = _num(totals["arrival_rate"])
        out["execution_rate"] = _num(totals["execution_rate"])
        out["units_budgeted"] = len(budgeted)
        out["units_used_funds"] = len(used)
        out["units_not_used"] = budget_mod.not_used(budgeted, used)
    else:
        out["budget"] = None
        out["arrival_rate"] = out["execution_rate"] = None
        out["units_budgeted"] = out["units_used_funds"] = None
        out["units_not_used"] = []
    out["projects"] = _projects(ev)
    out["project_count"] = int(sum(c["count"] for c in out["projects"] if c["in_scope"])) if out["projects"] else None
    out["project_count_out_of_scope"] = int(sum(c["count"] for c in out["projects"] if not c["in_scope"]))
    out["satisfaction"], out["participation"] = _survey(ev)
    visited = ev.units[ev.units["field_visited"].astype(bool)]
    out["field_visits"] = {
        "units": visited["name"].tolist(),
        "note": p.field_visit_note,
    }
    if len(visited):
        # the report counts areas (the shallowest visited tier) and the budget of the most
        # detailed visited units (streets/towns), each once
        visited_set = set(visited["name"])
        parent = dict(zip(ev.units["name"], ev.units["parent"]))
        shallow = int(visited["depth"].min())
        tier = ev.units[ev.units["depth"] == shallow]
        out["field_visits"]["areas"] = int((visited["depth"] == shallow).sum())
        out["field_visits"]["area_share"] = _num(out["field_visits"]["areas"] / len(tier))
        # the visited units that are no visited unit's ancestor: one walk up from each visited
        # unit (testing every pair was quadratic: a million walks for 1,000 visited units)
        above = _ancestors(visited_set, parent)
        deepest = [u for u in visited_set if u not in above]
        out["field_visits"]["detailed_units"] = len(deepest)
        if not ev.budget.empty:
            table = budget_mod.by_unit(ev)
            grand = float(budget_mod.totals(ev)["budget"])
            out["field_visits"]["budget_share"] = _num(table.loc[deepest, "budget"].sum() / grand) if grand else None
    out["scored_units"] = len(model.unit_names)
    out["findings"] = int(len(ev.findings))
    out["weakest"] = weakest(out)
    return out


# What a rate is held against when the weakest figure is flagged: the budget's own promise for
# 到位率 and 执行率 (every yuan received, every yuan spent), and for 满意度 the 90 % that
# published indicator frameworks most often set as its 年度指标值.
TARGETS: dict[str, float] = {"arrival_rate": 1.0, "execution_rate": 1.0, "satisfaction": 0.9}


def weakest(d: dict[str, Any]) -> dict[str, Any] | None:
    """The figure of ``summary`` furthest below its target (TARGETS), measured as a share of the
    target: ``{"key", "value", "target", "gap"}`` (gap = target − value), or None when every
    known figure meets its target."""
    satisfaction = d.get("satisfaction") or {}
    values = {"arrival_rate": d.get("arrival_rate"), "execution_rate": d.get("execution_rate"),
              "satisfaction": satisfaction.get("overall") if isinstance(satisfaction, dict) else None}
    short = [(v / TARGETS[k], k, v) for k, v in values.items() if v is not None and v < TARGETS[k] - 1e-9]
    if not short:
        return None
    _, key, value = min(short)
    return {"key": key, "value": value, "target": TARGETS[key], "gap": _num(TARGETS[key] - value)}


def _ancestors(units: set[str], parent: dict[str, Any]) -> set[str]:
    """Every unit above any of ``units`` in the unit tree (each walk stops where an earlier one
    has been; a cycle cannot loop: the loader refuses cyclic trees, and a seen node stops it)."""
    seen: set[str] = set()
    for unit in units:
        node = parent.get(unit)
        while node is not None and not (isinstance(node, float) and math.isnan(node)) and node not in seen:
            seen.add(node)
            node = parent.get(node)
    return seen


def _projects(ev: Evaluation) -> list[dict[str, Any]]:
    if ev.projects.empty:
        return []
    df = ev.projects.copy()
    df["amount"] = pd.to_numeric(df["amount"], errors="coerce")
    rows = []
    for category, part in df.groupby("category", sort=False):
        rows.append({
            "category": category,
            "count": int(part["count"].sum()),
            "amount": _num(part["amount"].sum(min_count=1), 4),
            "in_scope": bool(part["in_scope"].astype(bool).all()),
        })
    # allowed categories first, each group in workbook order
    return sorted(rows, key=lambda r: not r["in_scope"])


def _survey(ev: Evaluation) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if ev.survey.empty:
        return None, None
    overall = survey_mod.overall(ev)
    ages = survey_mod.by(ev, "age_group")
    units = survey_mod.by(ev, "unit")
    sat = {
        "overall": _num(overall["satisfaction"]),
        "respondents": int(overall["respondents"]),
        "by_age_group": {str(k): _num(v) for k, v in ages["satisfaction"].items()},
        "by_unit": {str(k): _num(v) for k, v in units["satisfaction"].items()},
    }
    has_freq = ev.survey["frequent"].notna().any()
    part = {
        "overall": _num(overall["participation"]),
        "by_age_group": {str(k): _num(v) for k, v in ages["participation"].items()},
        "by_unit": {str(k): _num(v) for k, v in units["participation"].items()},
    } if has_freq else None
    return sat, part


def score_json(source: Evaluation | ScoringModel, scenario: Scenario | None = None,
               bands: Bands | None = None) -> dict[str, Any]:
    model, ev = model_of(source)
    result: ScoreResult = model.score(scenario, bands)
    tree = model.tree
    leaf_codes = [tree.codes[i] for i in tree.leaves]
    leaf_points = result.leaf_points()
    level1_names = [tree.names[i] for i in tree.level1]
    units = []
    for k, name in enumerate(model.unit_names):
        parent = model.unit_parent[k]
        units.append({
            "unit": name,
            "parent": None if parent is None or (isinstance(parent, float) and math.isnan(parent)) else parent,
            "depth": int(model.unit_depth[k]),
            "total": _num(result.total[k], 4),
            "rank": int(result.rank[k]),
            "rating": result.ratings[k],
            "level1": {n: _num(result.level1[k, j], 4) for j, n in enumerate(level1_names)},
            "leaves": {c: _num(leaf_points[k, j], 4) for j, c in enumerate(leaf_codes)},
        })
    unit = project_unit(ev)
    total = result.unit_total(unit) if unit else None
    return {
        "project": ev.project.name,
        "year": ev.project.year,
        "scenario": {
            "weights": scenario.weights if scenario else {},
            "mode": scenario.mode if scenario else "retotal",
        },
        "bands": result.bands.to_dict(),
        "weights": indicator_entries(tree, result.node_points),
        "total_score": _num(total, 2),
        "rating": result.bands.label(total) if total is not None else None,
        "units": units,
    }


def indicator_entries(tree: IndicatorTree, node_points: np.ndarray | None = None) -> list[dict[str, Any]]:
    """The indicator tree as ``score --json`` lists it under "weights" and ``indicators --json``
    under "indicators": code, name, level, parent, official points and the points in force."""
    points = tree.points if node_points is None else node_points
    return [
        {"code": tree.codes[i], "name": tree.names[i], "level": int(tree.level[i]),
         "parent": tree.codes[tree.parent[i]] if tree.parent[i] >= 0 else None,
         "official": _num(tree.points[i], 4), "points": _num(points[i], 4)}
        for i in range(len(tree.codes))
    ]


def indicators_json(ev: Evaluation) -> dict[str, Any]:
    """What ``indicators --json`` prints: the tree as read, for scored and blank forms alike,
    with where each indicator was read and the texts a 自评表 prints per leaf."""
    tree = IndicatorTree(ev.indicators)
    leaves = set(ev.leaves["code"])
    goals = ev.goals.drop_duplicates("code").set_index("code") if not ev.goals.empty else None
    details = []
    for row in ev.indicators.itertuples(index=False):
        entry: dict[str, Any] = {"code": row.code, "leaf": row.code in leaves,
                                 "sheet": row.src_sheet or None, "row": int(row.src_row) or None}
        if goals is not None and row.code in goals.index:
            entry["target"] = goals.at[row.code, "target"] or None
        details.append(entry)
    return {
        "project": ev.project.name, "year": ev.project.year, "layout": ev.layout, "scored": ev.scored,
        "total_points": _num(tree.total, 4), "leaves": len(leaves),
        "indicators": indicator_entries(tree), "details": details,
    }


def as_jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): as_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [as_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return _num(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    return obj
