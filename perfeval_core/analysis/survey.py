"""Satisfaction and participation rates from survey counts (DOMAIN §4)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfeval_core.model.evaluation import Evaluation

COUNTS = ["respondents", "satisfied", "basically_satisfied", "not_very_satisfied", "dissatisfied", "frequent"]


def _rates(frame: pd.DataFrame, rule: str) -> pd.DataFrame:
    frame = frame.copy()
    positive = frame["satisfied"] + (frame["basically_satisfied"] if rule == "satisfied_or_basic" else 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["satisfaction"] = positive / frame["respondents"].where(frame["respondents"] > 0)
        frame["participation"] = frame["frequent"] / frame["respondents"].where(frame["respondents"] > 0)
    return frame


def _counts(ev: Evaluation) -> pd.DataFrame:
    s = ev.survey.copy()
    for c in COUNTS:
        s[c] = pd.to_numeric(s[c], errors="coerce").astype(float).fillna(0.0)
    return s


def overall(ev: Evaluation) -> pd.Series:
    s = _counts(ev)
    return _rates(s[COUNTS].sum().to_frame().T, ev.project.satisfaction_rule).iloc[0]


def by(ev: Evaluation, keys: str | list[str]) -> pd.DataFrame:
    """Rates grouped by 'age_group', 'unit' or both, in workbook order."""
    s = _counts(ev)
    return _rates(s.groupby(keys, sort=False)[COUNTS].sum(), ev.project.satisfaction_rule)
