"""Checks shared by both layouts, run on the assembled Evaluation."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from perfeval_core.analysis.rules import policy_warnings, total_checks
from perfeval_core.analysis.scoring import rate_from_actual, score
from perfeval_core.model.evaluation import MAX_INDICATORS, Evaluation, figure, positions
from perfeval_core.model.report import ValidationReport


def _row(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)  # type: ignore[call-overload]


def resolve_scores(ev: Evaluation, report: ValidationReport) -> None:
    """Turn the given points / rates / actual values into final rates in [0, 1]."""
    s = ev.scores
    if s.empty:
        return
    leaf = ev.indicators.set_index("code")
    at = positions(s["code"], leaf.index)  # every score's code is a known leaf by now

    def per_score(column: str, dtype: type) -> np.ndarray:
        values = leaf[column].to_numpy(dtype=dtype)
        fill = np.nan if dtype is float else None
        if not len(values):
            return np.full(len(at), fill)
        return np.asarray(np.where(at >= 0, values[np.maximum(at, 0)], fill))

    leaf_points = per_score("points", float).astype(float)
    points = s["points"].to_numpy(dtype=float)
    rate = s["rate"].to_numpy(dtype=float)
    actual = s["actual"].to_numpy(dtype=float)
    kinds = per_score("kind", object)
    targets = per_score("target", float).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_points = np.where(leaf_points > 0, points / leaf_points, np.where(points > 0, np.inf, 0.0))
    use_actual = np.isnan(points) & np.isnan(rate) & ~np.isnan(actual)
    for k in np.flatnonzero(use_actual):
        r = s.iloc[k]
        name = leaf.at[r["code"], "name"]
        if kinds[k] not in ("正向", "反向"):
            report.error("leaf_needs_type", r["src_sheet"], _row(r["src_row"]), _row(r["src_col"]), name=name)
        elif np.isnan(targets[k]):
            report.error("leaf_needs_target", r["src_sheet"], _row(r["src_row"]), _row(r["src_col"]), name=name)
    from_actual = rate_from_actual(kinds, actual, targets)
    final = np.where(~np.isnan(points), from_points, np.where(~np.isnan(rate), rate, from_actual))
    both = ~np.isnan(points) & ~np.isnan(rate)
    conflict = both & (np.abs(rate * leaf_points - points) > 0.01 + 1e-9)
    for k in np.flatnonzero(conflict):
        r = s.iloc[k]
        report.warning("score_conflict", r["src_sheet"], _row(r["src_row"]), _row(r["src_col"]),
                       unit=r["unit"], code=r["code"], points=figure(points[k]), rate=f"{rate[k]:.2%}")
    above = final > 1.0 + 1e-9
    for k in np.flatnonzero(above):
        r = s.iloc[k]
        shown = points[k] if not np.isnan(points[k]) else final[k] * leaf_points[k]
        report.warning("score_above_points", r["src_sheet"], _row(r["src_row"]), _row(r["src_col"]),
                       name=leaf.at[r["code"], "name"], score=figure(shown), points=figure(leaf_points[k]))
    final = np.clip(final, 0.0, 1.0)
    s = s.copy()
    s["rate"] = final
    s["points"] = final * leaf_points
    ev.scores = s


def check_evaluation(ev: Evaluation, report: ValidationReport) -> None:
    """Structure and policy checks that warn (or stop when nothing can be scored)."""
    ind = ev.indicators
    if len(ind) > MAX_INDICATORS:
        first = ind.iloc[MAX_INDICATORS]
        report.error("too_many_indicators", _first(ind, "src_sheet"), _row(first["src_row"]), None,
                     limit=MAX_INDICATORS, first_row=_row(first["src_row"]))
        return
    level1 = ind[ind["level"] == 1]
    total = float(level1["points"].sum())
    if total <= 0:
        report.error("all_points_zero", _first(ind, "src_sheet"))
        return
    if abs(total - 100.0) > 1e-6:
        report.warning("points_sum_total", _first(ind, "src_sheet"), total=figure(total))
    _policy(ev, report)
    if ev.scores.empty:
        if ev.layout == "template":
            report.error("no_scores")
        else:  # a blank form: its indicator system loads, nothing can be scored
            report.warning("form_unscored", _first(ind, "src_sheet"), count=len(ind))
        return
    parents = set(ind["parent"].dropna())
    leaves = [c for c in ind["code"] if c not in parents]
    counts = ev.scores.groupby("unit")["code"].nunique()
    partial = counts[counts < len(leaves)]
    for unit in partial.index[:20]:
        have = set(ev.scores.loc[ev.scores["unit"] == unit, "code"])
        missing = [c for c in leaves if c not in have]
        report.warning("leaf_unscored", _first(ev.scores, "src_sheet"), unit=unit, count=len(missing),
                       codes="、".join(missing[:6]) + ("…" if len(missing) > 6 else ""))


def _first(df: pd.DataFrame, column: str) -> str | None:
    if column not in df or df.empty:
        return None
    value = df[column].iloc[0]
    return None if pd.isna(value) else str(value)


def _policy(ev: Evaluation, report: ValidationReport) -> None:
    sheet = _first(ev.indicators, "src_sheet")
    for key, params in policy_warnings(ev, ev.indicators["points"].to_numpy(dtype=float)):
        report.warning(key, sheet, None, None, **cast(dict[str, Any], params))


def cross_check(ev: Evaluation, report: ValidationReport) -> None:
    """Reported totals and rating against the computed ones (``rules.total_checks``), located at
    the printed total's cell."""
    if ev.scores.empty:
        return
    for check in total_checks(ev, score(ev)):
        if check.per_unit:
            sheet, row, col = ev.reported_total_cells.get(check.unit, (_first(ev.scores, "src_sheet"), None, None))
        else:
            sheet, row, col = None, None, None
        if check.error:
            report.error(check.key, sheet, row, col, **check.params)
        else:
            report.warning(check.key, sheet, row, col, **check.params)
