"""The rules an evaluation is held to, as pure decisions: the weight rules of 财预〔2020〕10号
(DOMAIN §3), the rules a set of rating bands must keep, and a table's consistency with its own
printed 合计/总分 and rating. Each returns message keys with parameters (``model.messages``); the
loader's checks (``io.checks``) attach them to a report with their cells, the what-if page shows
them beside the sliders. Imports ``model`` and the scoring engine only: neither what-if nor
validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfeval_core.analysis.scoring import ScoreResult, project_unit
from perfeval_core.model.evaluation import Bands, Evaluation
from perfeval_core.model.normalize import normalise_label
from perfeval_core.model.rating import cents, rounded

Finding = tuple[str, dict[str, str]]  # a message key and its parameters

TOLERANCE = 0.005  # half a printed cent of a point
CONTRADICTION = 0.5  # points: a printed total further than this from its own rows is an error
RATING_SYNONYMS = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差", "合格": "中", "不合格": "差"}


# --------------------------------------------------------------------------------------------
# rating bands

def band_problem(bands: Bands) -> Finding | None:
    """Why these bands cannot rate (a message key and its parameters), or None: at least two
    bands, one lower bound per label, distinct non-empty labels, bounds within 0–100 and
    strictly decreasing (best first)."""
    if len(bands.labels) != len(bands.lower) or len(bands.labels) < 2:
        return "bands_order", {}
    if any(not str(label).strip() for label in bands.labels) or len(set(bands.labels)) != len(bands.labels):
        return "bands_labels", {}
    for v in bands.lower:
        if not (0.0 <= v <= 100.0):
            return "bands_range", {"value": f"{v:g}"}
    if any(a <= b for a, b in zip(bands.lower[:-1], bands.lower[1:])):
        return "bands_order", {}
    return None


def policy_warnings(ev: Evaluation, points: np.ndarray) -> list[Finding]:
    """The weight rules of DOMAIN §3 under the given node points, as (message key, params)."""
    ind = ev.indicators.reset_index(drop=True)
    names = [normalise_label(n) for n in ind["name"]]
    level1 = ind.index[ind["level"] == 1]
    out: list[tuple[str, dict[str, str]]] = []
    mode = ev.project.mode
    if mode in ("部门评价", "财政评价"):
        weight = sum(points[i] for i in level1 if any(k in names[i] for k in ("产出", "效益", "效果")))
        if weight < 60 - 1e-9 and any("产出" in names[i] for i in level1):
            out.append(("output_benefit_low", {"mode": mode, "total": f"{weight:g}"}))
    elif mode == "单位自评":
        expected = {"预算执行率": ("执行率", 10.0), "产出": ("产出", 50.0), "效益": ("效益", 30.0),
                    "满意度": ("满意度", 10.0)}
        found = {}
        for label, (needle, _) in expected.items():
            hits = [i for i in range(len(ind)) if needle in names[i]]
            if hits:
                found[label] = float(points[min(hits, key=lambda i: ind.at[i, "level"])])
        sat = [i for i in range(len(ind)) if "满意度" in names[i]]
        benefit = [i for i in range(len(ind)) if "效益" in names[i]]
        if sat and benefit:
            s = min(sat, key=lambda i: ind.at[i, "level"])
            b = min(benefit, key=lambda i: ind.at[i, "level"])
            if _is_descendant(ind, s, b):
                found["效益"] -= found["满意度"]
        if any(abs(found.get(k, -1) - v) > 1e-6 for k, (_, v) in expected.items()):
            text = "、".join(f"{k} {found[k]:g}" for k in expected if k in found) or "—"
            out.append(("self_eval_weights", {"found": text}))
    return out


def _is_descendant(ind: pd.DataFrame, node: int, ancestor: int) -> bool:
    parent_of = dict(zip(ind["code"], ind["parent"]))
    code = parent_of.get(ind.at[node, "code"])
    target = ind.at[ancestor, "code"]
    while code is not None and code == code:  # NaN-safe
        if code == target:
            return True
        code = parent_of.get(code)
    return False



# --------------------------------------------------------------------------------------------
# a table against its own printed totals

def _printed(x: float) -> str:
    """A total as the table prints it (half up to the cent, the one rule of ``model.rating``)."""
    return f"{float(rounded(x)):.2f}"


@dataclass(frozen=True)
class TotalCheck:
    """A printed total (or rating) that disagrees with the one computed from the table's rows."""

    key: str  # the message key: score_total_contradiction, total_mismatch, rating_mismatch
    unit: str
    params: dict[str, str]
    error: bool  # the table contradicts itself (further than CONTRADICTION), not just rounding
    per_unit: bool  # a unit's own 合计/总分 row (located by ``Evaluation.reported_total_cells``)


def total_checks(ev: Evaluation, result: ScoreResult) -> list[TotalCheck]:
    """Reported totals and rating against the computed ones under the official weights. A score
    table's own 合计/总分 row more than CONTRADICTION away from its rows is an error; closer than
    that but not to the cent, a warning."""
    out: list[TotalCheck] = []
    for unit_name, reported in ev.reported_unit_totals.items():
        computed = result.unit_total(unit_name)
        if computed is None:
            continue
        # compared as printed, to the cent (rating.cents): 18.10 against 17.60 is 0.50 apart, not
        # the 0.5000000000000014 of their binary difference
        apart = abs(int(cents(computed)) - int(cents(reported)))
        if apart > round(CONTRADICTION * 100):
            out.append(TotalCheck("score_total_contradiction", unit_name, {
                "what": f"“{unit_name}”", "reported": _printed(reported), "computed": _printed(computed),
                "difference": f"{apart / 100:.2f}"}, True, True))
        elif apart > 0:
            out.append(TotalCheck("total_mismatch", unit_name, {
                "what": f"“{unit_name}”合计行", "reported": _printed(reported), "computed": _printed(computed)},
                False, True))
    unit = project_unit(ev)
    computed_total = None if unit is None else result.unit_total(unit)
    if unit is None or computed_total is None:
        return out
    reported_total = ev.project.reported_total
    if reported_total is not None and unit not in ev.reported_unit_totals \
            and abs(computed_total - reported_total) > TOLERANCE:
        out.append(TotalCheck("total_mismatch", unit, {"what": unit, "reported": _printed(reported_total),
                                                       "computed": _printed(computed_total)}, False, False))
    if ev.project.reported_rating:
        reported_label = RATING_SYNONYMS.get(ev.project.reported_rating, ev.project.reported_rating)
        label = ev.bands.label(computed_total)
        if label is not None and reported_label in ev.bands.labels and reported_label != label:
            out.append(TotalCheck("rating_mismatch", unit, {"reported": ev.project.reported_rating, "computed": label,
                                                            "score": _printed(computed_total)}, False, False))
    return out
