"""Tables the dashboard pages and exports show, computed from an evaluation (no UI here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfeval_core.analysis import budget as budget_mod
from perfeval_core.analysis import survey as survey_mod
from perfeval_core.analysis.scoring import ScoreResult, ScoringModel, model_of, project_unit
from perfeval_core.model.evaluation import Evaluation, contains


def ancestor_at_depth(ev: Evaluation, depth: int) -> dict[str, str]:
    """unit -> its ancestor at ``depth`` (itself when at that depth); shallower units map to nothing."""
    parent = dict(zip(ev.units["name"], ev.units["parent"]))
    level = dict(zip(ev.units["name"], ev.units["depth"]))
    out: dict[str, str] = {}
    for unit in ev.units["name"]:
        node = unit
        while node is not None and level.get(node, -1) > depth:
            node = parent.get(node)
        if node is not None and level.get(node) == depth:
            out[unit] = node
    return out


def main_depth(ev: Evaluation) -> int:
    """The tier compared side by side: districts under a city root (1), or the roots (0)."""
    roots = ev.units[ev.units["parent"].isna()]
    return 1 if len(roots) == 1 and (ev.units["depth"] >= 1).any() else 0


def tier_names(ev: Evaluation) -> dict[int, str]:
    """Each depth's tier name (市, 区, 街道, …) as the first unit of that depth gives it ('' when none)."""
    first = ev.units.drop_duplicates("depth")
    return {int(d): str(n) for d, n in zip(first["depth"], first["tier"].fillna(""))}


def children(ev: Evaluation, unit: str | None) -> list[str]:
    if unit is None:
        return ev.units[ev.units["depth"] == main_depth(ev)]["name"].tolist()
    return ev.units[ev.units["parent"] == unit]["name"].tolist()


def descendants(ev: Evaluation, unit: str) -> list[str]:
    """Every unit below ``unit`` (children, their children, ...), in unit order."""
    parent = ev.units["parent"]
    inside = {unit}
    while True:
        more = set(ev.units.loc[parent.isin(inside), "name"]) - inside
        if not more:
            break
        inside |= more
    inside.discard(unit)
    return [u for u in ev.units["name"].tolist() if u in inside]


def unit_scores(ev: Evaluation, result: ScoreResult) -> pd.DataFrame:
    """One row per scored unit with its rating, rank, level-1 points and unit attributes."""
    table = result.table()
    info = ev.units.set_index("name")
    table["tier"] = table["unit"].map(info["tier"])
    table["field_visited"] = table["unit"].map(info["field_visited"]).fillna(False).astype(bool)
    table["band_index"] = result.band_index
    return table


def scores_of(ev: Evaluation, result: ScoreResult, units: list[str]) -> pd.DataFrame:
    """The scored ones among ``units``, best first."""
    table = unit_scores(ev, result)
    table = table[contains(table["unit"], units)].copy()
    # rank among the units shown (a street's rank within its district)
    from perfeval_core.model.rating import competition_rank

    table["rank"] = competition_rank(table["total"].to_numpy()) if len(table) else []
    return table.sort_values(["total", "unit"], ascending=[False, True]).reset_index(drop=True)


def level1_long(ev: Evaluation, result: ScoreResult, units: list[str]) -> pd.DataFrame:
    tree = result.model.tree
    names = [tree.names[i] for i in tree.level1]
    table = unit_scores(ev, result)
    table = table[contains(table["unit"], units)]
    long = table.melt(id_vars=["unit", "total"], value_vars=names, var_name="indicator", value_name="points")
    long["order"] = long["indicator"].map({n: k for k, n in enumerate(names)})
    long["max_points"] = long["indicator"].map(dict(zip(names, result.node_points[tree.level1])))
    long["rate"] = long["points"] / long["max_points"]
    return long


def heatmap(ev: Evaluation, result: ScoreResult, units: list[str], level: int | None = None) -> pd.DataFrame:
    """Long table unit × indicator → 得分率, at a tree level (leaves when None)."""
    tree = result.model.tree
    if level is None:
        nodes = [int(i) for i in tree.leaves]
    else:
        nodes = [i for i in range(len(tree.codes)) if tree.level[i] == level]
    codes = [tree.codes[i] for i in nodes]
    sub = result.subtotals(codes)
    sub = sub.loc[[u for u in units if u in sub.index]]
    maxima = result.node_points[nodes]
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = sub.to_numpy() / maxima
    long = pd.DataFrame(rates, index=sub.index, columns=codes).reset_index(names="unit").melt(
        id_vars="unit", var_name="code", value_name="rate")
    long["indicator"] = long["code"].map(dict(zip(tree.codes, tree.names)))
    long["label"] = long["code"] + " " + long["indicator"]
    long["order"] = long["code"].map({c: k for k, c in enumerate(codes)})
    return long


def profile(ev: Evaluation, result: ScoreResult, unit: str, peers: list[str]) -> pd.DataFrame:
    """A unit's level-1 score rates against the average of its peers."""
    tree = result.model.tree
    names = [tree.names[i] for i in tree.level1]
    maxima = result.node_points[tree.level1]
    table = unit_scores(ev, result).set_index("unit")
    peers = [p for p in peers if p in table.index]
    rows = []
    for k, name in enumerate(names):
        own = table.at[unit, name] / maxima[k] if unit in table.index and maxima[k] else np.nan
        avg = table.loc[peers, name].mean() / maxima[k] if peers and maxima[k] else np.nan
        rows.append({"indicator": name, "order": k, "unit_rate": own, "average_rate": avg})
    return pd.DataFrame(rows)


def rating_distribution(result: ScoreResult, table: pd.DataFrame) -> pd.DataFrame:
    labels = list(result.bands.labels)
    counts = table["rating"].value_counts()
    return pd.DataFrame({"rating": labels, "order": range(len(labels)),
                         "count": [int(counts.get(lbl, 0)) for lbl in labels]})


def budget_by(ev: Evaluation, units: list[str]) -> pd.DataFrame:
    """Budget, received, spent and both rates for the given units (their whole subtrees)."""
    if ev.budget.empty:
        return pd.DataFrame()
    table = budget_mod.by_unit(ev)
    return table.loc[units].reset_index(names="unit")


def budget_by_level(ev: Evaluation, units: list[str]) -> pd.DataFrame:
    if ev.budget.empty:
        return pd.DataFrame()
    long = budget_mod.by_unit_and_level(ev)
    long = long[contains(long["unit"], units)].copy()
    order = {u: k for k, u in enumerate(units)}
    long["unit_order"] = long["unit"].map(order)
    levels = list(dict.fromkeys(ev.budget["level"]))
    long["level_order"] = long["level"].map({lv: k for k, lv in enumerate(levels)})
    return long.sort_values(["unit_order", "level_order"]).reset_index(drop=True)


def below(table: pd.DataFrame, column: str, target: float) -> list[str]:
    return table.loc[table[column] < target - 1e-12, "unit"].tolist()


def unused_units(ev: Evaluation) -> pd.DataFrame:
    """Lowest-tier units with a budget but no spending, with their district."""
    if ev.budget.empty:
        return pd.DataFrame(columns=["unit", "parent", "district", "budget"])
    budgeted, used = budget_mod.funded_units(ev)
    names = budget_mod.not_used(budgeted, used)
    table = budget_mod.by_unit(ev)
    district = ancestor_at_depth(ev, main_depth(ev))
    parent = dict(zip(ev.units["name"], ev.units["parent"]))
    return pd.DataFrame({"unit": names, "parent": [parent.get(u) for u in names],
                         "district": [district.get(u) for u in names],
                         "budget": [float(table.at[u, "budget"]) for u in names]})


def categories_by(ev: Evaluation, depth: int | None = None) -> pd.DataFrame:
    """Project count and amount by category and unit rolled up to ``depth`` (main tier by default)."""
    if ev.projects.empty:
        return pd.DataFrame()
    depth = main_depth(ev) if depth is None else depth
    up = ancestor_at_depth(ev, depth)
    df = ev.projects.copy()
    df["district"] = df["unit"].map(up).fillna(df["unit"])
    df["amount"] = pd.to_numeric(df["amount"], errors="coerce").fillna(0.0)
    grouped = df.groupby(["district", "category"], sort=False).agg(
        count=("count", "sum"), amount=("amount", "sum"), in_scope=("in_scope", "all")).reset_index()
    totals = grouped.groupby("district")["count"].transform("sum")
    grouped["share"] = grouped["count"] / totals.where(totals > 0)
    categories = category_totals(ev)["category"].tolist()
    grouped["category_order"] = grouped["category"].map({c: k for k, c in enumerate(categories)})
    order = children(ev, None)
    grouped["district_order"] = grouped["district"].map({u: k for k, u in enumerate(order)})
    return grouped.sort_values(["district_order", "category_order"]).reset_index(drop=True)


def category_totals(ev: Evaluation) -> pd.DataFrame:
    if ev.projects.empty:
        return pd.DataFrame(columns=["category", "count", "amount", "in_scope", "order"])
    df = ev.projects.copy()
    df["amount"] = pd.to_numeric(df["amount"], errors="coerce")
    out = df.groupby("category", sort=False).agg(count=("count", "sum"), amount=("amount", "sum"),
                                                 in_scope=("in_scope", "all")).reset_index()
    out = out.sort_values("in_scope", ascending=False, kind="stable").reset_index(drop=True)
    out["order"] = range(len(out))
    return out


def survey_by_age(ev: Evaluation) -> pd.DataFrame:
    if ev.survey.empty:
        return pd.DataFrame()
    table = survey_mod.by(ev, "age_group").reset_index()
    table["order"] = range(len(table))
    return table


def survey_by_unit_age(ev: Evaluation) -> pd.DataFrame:
    if ev.survey.empty:
        return pd.DataFrame()
    table = survey_mod.by(ev, ["unit", "age_group"]).reset_index()
    ages = list(dict.fromkeys(ev.survey["age_group"]))
    table["age_order"] = table["age_group"].map({a: k for k, a in enumerate(ages)})
    return table


def survey_by_unit(ev: Evaluation) -> pd.DataFrame:
    if ev.survey.empty:
        return pd.DataFrame()
    return survey_mod.by(ev, "unit").reset_index()


def score_sheet(ev: Evaluation, result: ScoreResult, unit: str) -> pd.DataFrame:
    """The indicator tree with one unit's points, score, rate and reasons (parents summed)."""
    tree = result.model.tree
    sub = result.subtotals()
    own = sub.loc[unit] if unit in sub.index else pd.Series(np.nan, index=tree.codes)
    reasons = ev.scores[ev.scores["unit"] == unit].set_index("code")["reason"]
    rows = []
    for i, code in enumerate(tree.codes):
        points = float(result.node_points[i])
        value = float(own[code])
        rows.append({
            "code": code, "name": tree.names[i], "level": int(tree.level[i]), "points": points,
            "score": value, "rate": value / points if points else np.nan,
            "reason": reasons.get(code, "") if code in reasons.index else "",
            "explanation": ev.indicators["explanation"].iloc[i], "criteria": ev.indicators["criteria"].iloc[i],
        })
    return pd.DataFrame(rows)


def portfolio_row(source: Evaluation | ScoringModel) -> dict[str, object]:
    model, ev = model_of(source)
    result = model.score()
    unit = project_unit(ev)
    total = result.unit_total(unit) if unit else None
    label = ev.bands.label(total) if total is not None else None
    row: dict[str, object] = {
        "key": ev.key, "project": ev.project.name, "year": ev.project.year, "region": ev.project.region,
        "mode": ev.project.mode, "total": total, "rating": label,
        "band_index": list(ev.bands.labels).index(label) if label is not None else -1,
        "units_scored": len(model.unit_names),
    }
    if not ev.budget.empty:
        totals = budget_mod.totals(ev)
        row.update(budget=float(totals["budget"]), arrived=float(totals["arrived"]), spent=float(totals["spent"]),
                   arrival_rate=float(totals["arrival_rate"]), execution_rate=float(totals["execution_rate"]))
    return row
