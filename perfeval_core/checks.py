"""Checks shared by both layouts, run on the assembled Evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import Evaluation
from .normalize import normalise_label
from .report import ValidationReport
from .scoring import project_unit, rate_from_actual, score

TOLERANCE = 0.005  # half a printed cent of a point
RATING_SYNONYMS = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差", "合格": "中", "不合格": "差"}


def _row(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)  # type: ignore[call-overload]


def resolve_scores(ev: Evaluation, report: ValidationReport) -> None:
    """Turn the given points / rates / actual values into final rates in [0, 1]."""
    s = ev.scores
    if s.empty:
        return
    leaf = ev.indicators.set_index("code")
    leaf_points = s["code"].map(leaf["points"]).to_numpy(dtype=float)
    points = s["points"].to_numpy(dtype=float)
    rate = s["rate"].to_numpy(dtype=float)
    actual = s["actual"].to_numpy(dtype=float)
    kinds = s["code"].map(leaf["kind"]).to_numpy(dtype=object)
    targets = s["code"].map(leaf["target"]).to_numpy(dtype=float)
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
                       unit=r["unit"], code=r["code"], points=f"{points[k]:g}", rate=f"{rate[k]:.2%}")
    above = final > 1.0 + 1e-9
    for k in np.flatnonzero(above):
        r = s.iloc[k]
        shown = points[k] if not np.isnan(points[k]) else final[k] * leaf_points[k]
        report.warning("score_above_points", r["src_sheet"], _row(r["src_row"]), _row(r["src_col"]),
                       name=leaf.at[r["code"], "name"], score=f"{shown:g}", points=f"{leaf_points[k]:g}")
    final = np.clip(final, 0.0, 1.0)
    s = s.copy()
    s["rate"] = final
    s["points"] = final * leaf_points
    ev.scores = s


def check_evaluation(ev: Evaluation, report: ValidationReport) -> None:
    """Structure and policy checks that warn (or stop when nothing can be scored)."""
    ind = ev.indicators
    level1 = ind[ind["level"] == 1]
    total = float(level1["points"].sum())
    if total <= 0:
        report.error("all_points_zero", _first(ind, "src_sheet"))
        return
    if abs(total - 100.0) > 1e-6:
        report.warning("points_sum_total", _first(ind, "src_sheet"), total=f"{total:g}")
    _policy(ev, report)
    if ev.scores.empty:
        report.error("no_scores")
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
    ind = ev.indicators
    sheet = _first(ind, "src_sheet")
    level1 = ind[ind["level"] == 1]
    names = [normalise_label(n) for n in level1["name"]]
    mode = ev.project.mode
    if mode in ("部门评价", "财政评价"):
        # 2013 frame names: 效果 for 效益
        weight = sum(p for n, p in zip(names, level1["points"]) if ("产出" in n or "效益" in n or "效果" in n))
        if weight < 60 - 1e-9 and any("产出" in n for n in names):
            report.warning("output_benefit_low", sheet, mode=mode, total=f"{weight:g}")
    elif mode == "单位自评":
        found = {}
        for label, needle in (("预算执行率", "执行率"), ("产出", "产出"), ("效益", "效益"), ("满意度", "满意度")):
            hit = ind[[needle in normalise_label(n) for n in ind["name"]]]
            if not hit.empty:
                found[label] = float(hit.sort_values("level")["points"].iloc[0])
        if "效益" in found and "满意度" in found:
            sat = ind[[("满意度" in normalise_label(n)) for n in ind["name"]]].sort_values("level").iloc[0]
            benefit = ind[[("效益" in normalise_label(n)) for n in ind["name"]]].sort_values("level").iloc[0]
            if _is_descendant(ind, sat["code"], benefit["code"]):
                found["效益"] -= found["满意度"]
        expected = {"预算执行率": 10.0, "产出": 50.0, "效益": 30.0, "满意度": 10.0}
        if any(abs(found.get(k, -1) - v) > 1e-6 for k, v in expected.items()):
            text = "、".join(f"{k} {found[k]:g}" for k in expected if k in found) or "无法识别"
            report.warning("self_eval_weights", sheet, found=text)


def _is_descendant(ind: pd.DataFrame, code: str, ancestor: str) -> bool:
    parent = dict(zip(ind["code"], ind["parent"]))
    node = parent.get(code)
    while node is not None:
        if node == ancestor:
            return True
        node = parent.get(node)
    return False


def cross_check(ev: Evaluation, report: ValidationReport) -> None:
    """Reported totals and rating against the computed ones (warnings)."""
    result = score(ev)
    for unit_name, reported in ev.reported_unit_totals.items():
        computed = result.unit_total(unit_name)
        if computed is not None and abs(computed - reported) > TOLERANCE:
            report.warning("total_mismatch", None, what=f"“{unit_name}”合计行", reported=f"{reported:.2f}",
                           computed=f"{computed:.2f}")
    unit = project_unit(ev)
    if unit is None:
        return
    computed = result.unit_total(unit)
    if computed is None:
        return
    if ev.project.reported_total is not None and abs(computed - ev.project.reported_total) > TOLERANCE:
        report.warning("total_mismatch", None, what=unit, reported=f"{ev.project.reported_total:.2f}",
                       computed=f"{computed:.2f}")
    if ev.project.reported_rating:
        reported_label = RATING_SYNONYMS.get(ev.project.reported_rating, ev.project.reported_rating)
        label = ev.bands.label(computed)
        if label is not None and reported_label != label:
            report.warning("rating_mismatch", None, reported=ev.project.reported_rating, computed=label,
                           score=f"{computed:.2f}")
