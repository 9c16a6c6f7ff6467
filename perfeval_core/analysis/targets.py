"""Targets and actuals (年度指标值 / 实际完成值) of a 自评表: how far each indicator's target was met,
with a traffic light, the printed 偏差原因 beside a missed one, and the targets that look too
easy or cannot be measured (财预〔2021〕101号 asks for targets that are neither too low nor
unmeasurable). docs/methods.md states every threshold.

A target is read as printed: an optional comparator (≥ ≤ > < = 不低于 不高于 不少于 不超过 …), a
number, an optional unit (%, 人, 天, 万元 …). ≥ (or no comparator) means more is better:
completion = actual ÷ target; ≤ means less is better: completion = target ÷ actual (1 when the
actual is 0). Imports ``model`` and ``analysis.scoring`` (for full marks year after year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.model.normalize import clean_text, normalise_label, to_halfwidth

MET = 1.0  # completion at or above: met
PARTLY = 0.8  # at or above (and below MET): partly met; below: missed
TOO_EASY = 1.2  # actual beyond the target by 20 % or more (the better way): the target looks too easy

LESS = ("≤", "<=", "不高于", "不超过", "不大于", "低于", "小于", "少于", "以内", "以下", "<", "＜")
MORE = ("≥", ">=", "不低于", "不少于", "不小于", "达到", "高于", "大于", "超过", "以上", ">", "＞")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Value:
    """A printed target or actual: its number (None when it has none), direction and whether it
    is a percentage."""

    number: float | None
    less_is_better: bool
    percent: bool
    text: str


def parse_value(value: object) -> Value:
    text = clean_text(value)
    half = to_halfwidth(text).replace("％", "%")
    less = any(word in half for word in LESS) and not any(word in half for word in ("≥", ">=", "不低于", "不少于"))
    match = _NUMBER.search(half.replace(",", ""))
    number = float(match.group()) if match else None
    percent = "%" in half
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        number = float(value)
    return Value(number, less, percent, text)


def completion(target: Value, actual: Value) -> float | None:
    """How far the actual reaches the target (1 = exactly met), or None when either has no number."""
    if target.number is None or actual.number is None:
        return None
    t, a = target.number, actual.number
    if actual.percent and not target.percent and t <= 1.0 < a:  # 95% against 0.95
        a /= 100.0
    if target.percent and not actual.percent and a <= 1.0 < t:
        a *= 100.0
    if target.less_is_better:
        if a <= 0:
            return 1.0 if t >= 0 else None
        return t / a
    if t == 0:
        return None
    return a / t


NEGATIONS = ("未", "没有", "不", "否", "无")


def qualitative_light(target: Value, actual: Value) -> str:
    """A target without a number (建立, 完成, 较好): met when the actual says it with no negation
    (已建立, 完成), missed when it negates it (未建立), unknown otherwise."""
    said, wanted = actual.text.replace(" ", ""), target.text.replace(" ", "")
    if not said or not wanted:
        return "unknown"
    if any(word in said for word in NEGATIONS):
        return "missed"
    if wanted in said or said in ("是", "已完成", "完成", "达到", "达标", "已达标", "已实现", "实现"):
        return "met"
    return "unknown"


def light(ratio: float | None) -> str:
    """met / partly / missed / unknown (no number to compare)."""
    if ratio is None or not np.isfinite(ratio):
        return "unknown"
    if ratio >= MET - 1e-9:
        return "met"
    return "partly" if ratio >= PARTLY else "missed"


def assess(ev: Evaluation) -> pd.DataFrame:
    """One row per unit and indicator with a target: unit, code, name, target, actual, completion,
    light, deviation (the printed 偏差原因), too_easy, unmeasurable."""
    columns = ["unit", "code", "name", "target", "actual", "completion", "light", "deviation", "too_easy",
               "unmeasurable"]
    goals = ev.goals
    if goals.empty:
        return pd.DataFrame(columns=columns)
    names = dict(zip(ev.indicators["code"], ev.indicators["name"]))
    rows = []
    for g in goals.itertuples():
        target_text = clean_text(g.target)
        if not target_text:
            continue
        target, actual = parse_value(g.target), parse_value(g.actual)
        ratio = completion(target, actual)
        unmeasurable = target.number is None
        status = qualitative_light(target, actual) if unmeasurable else light(ratio)
        rows.append({"unit": g.unit, "code": g.code, "name": names.get(g.code, g.code), "target": target.text,
                     "actual": actual.text, "completion": ratio, "light": status,
                     "deviation": clean_text(g.deviation), "too_easy": ratio is not None and ratio >= TOO_EASY,
                     "unmeasurable": unmeasurable})
    return pd.DataFrame(rows, columns=columns)


def counts(table: pd.DataFrame) -> dict[str, int]:
    """How many indicators are met, partly met, missed, unknown; too easy; unmeasurable."""
    out = {k: int((table["light"] == k).sum()) for k in ("met", "partly", "missed", "unknown")}
    out["too_easy"] = int(table["too_easy"].sum()) if len(table) else 0
    out["unmeasurable"] = int(table["unmeasurable"].sum()) if len(table) else 0
    return out


FULL_MARKS_YEARS = 2  # years in a row at full marks for every unit: the indicator no longer discriminates


def _full_leaves(ev: Evaluation) -> set[str]:
    """Leaf names (normalised) at full marks for every unit that has a score on them."""
    model = ScoringModel(ev)
    rates = np.asarray(model.rates, dtype=float)
    if rates.size == 0:
        return set()
    scored = np.isfinite(rates)
    full = np.where(scored, rates >= 1.0 - 1e-9, True).all(axis=0) & scored.any(axis=0)
    names = [normalise_label(model.tree.names[i]) for i in model.tree.leaves]
    return {n for n, f in zip(names, full) if f}


def full_marks_years(evaluations: list[Evaluation]) -> pd.DataFrame:
    """Indicators at full marks for every unit in each of ``FULL_MARKS_YEARS`` or more years of the
    same project (by its name): a target every unit meets every year no longer tells them apart
    (101号: targets neither too low nor unmeasurable). Columns: project, indicator, years."""
    by_project: dict[str, dict[int, list[Evaluation]]] = {}
    for ev in evaluations:
        if ev.project.year is None:
            continue
        by_project.setdefault(normalise_label(ev.project.name), {}).setdefault(int(ev.project.year), []).append(ev)
    rows = []
    for years in by_project.values():
        if len(years) < FULL_MARKS_YEARS:
            continue
        per_year: dict[int, set[str]] = {}
        for year, items in years.items():
            per_year[year] = set.intersection(*[_full_leaves(e) for e in items])
        common = set.intersection(*per_year.values())
        first = next(iter(years.values()))[0]
        leaf_names = {normalise_label(n): n for n in first.indicators["name"]}
        for name in sorted(common):
            rows.append({"project": first.project.name, "indicator": leaf_names.get(name, name),
                         "years": "、".join(str(y) for y in sorted(per_year))})
    return pd.DataFrame(rows, columns=["project", "indicator", "years"])


__all__ = ["FULL_MARKS_YEARS", "MET", "PARTLY", "TOO_EASY", "Value", "assess", "completion", "counts", "full_marks_years", "light", "parse_value",
           "qualitative_light"]
