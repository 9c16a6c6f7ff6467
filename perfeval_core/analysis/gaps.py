"""Self-evaluation against evaluation: where a 单位自评 and a 部门评价 or 财政评价 of the same project
and year are both loaded, the gap per level-1 indicator (self − evaluation) and in total, the list
a finance bureau uses to pick projects for 重点评价 (a unit that scores itself far above what the
evaluators found). Level-1 indicators are matched by name, with the 指标 suffix and brackets
ignored (产出指标 = 产出); an indicator one side lacks is listed with the other side only. An evaluation that states the
unit's 自评 total (the template's 自评得分) with no 自评表 loaded gives the gap in total.
Imports ``model`` and ``analysis.scoring`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfeval_core.analysis.scoring import ScoringModel, project_unit
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.model.normalize import normalise_label

SELF = "单位自评"
OTHERS = ("部门评价", "财政评价")


def _key(name: str) -> str:
    text = normalise_label(name)
    text = re.sub(r"\(.*?\)", "", text)
    text = re.sub(r"[\d.]+分?$", "", text)
    return text.removesuffix("指标").removesuffix("类")


def project_key(ev: Evaluation) -> tuple[str, int | None]:
    return normalise_label(ev.project.name), ev.project.year


def pairs(evaluations: Iterable[Evaluation]) -> list[tuple[Evaluation, Evaluation]]:
    """(self-evaluation, evaluation) of the same project and year, among those given."""
    items = list(evaluations)
    selves = [e for e in items if e.project.mode == SELF]
    out = []
    for s in selves:
        for other in items:
            if other is not s and other.project.mode in OTHERS and project_key(other) == project_key(s):
                out.append((s, other))
    return out


def level1_points(ev: Evaluation) -> tuple[list[str], dict[str, float], float | None]:
    """The project's level-1 names, its points on each, and its total."""
    model = ScoringModel(ev)
    unit = project_unit(ev)
    i = model.index_of(unit) if unit is not None else None
    names = [model.tree.names[n] for n in model.tree.level1]
    if i is None:
        return names, {}, None
    result = model.score()
    return names, {n: float(v) for n, v in zip(names, result.level1[i])}, float(result.total[i])


@dataclass(frozen=True)
class Gap:
    project: str
    year: int | None
    mode: str  # the evaluation's mode (部门评价 / 财政评价)
    table: pd.DataFrame  # indicator, self, evaluation, gap
    self_total: float | None
    evaluation_total: float | None

    @property
    def total_gap(self) -> float | None:
        if self.self_total is None or self.evaluation_total is None:
            return None
        return self.self_total - self.evaluation_total

    def to_json(self) -> dict[str, object]:
        def number(v: object) -> float | None:
            x = float(v) if v is not None else float("nan")  # type: ignore[arg-type]
            return x if np.isfinite(x) else None

        return {"project": self.project, "year": self.year, "mode": self.mode,
                "self_total": number(self.self_total), "evaluation_total": number(self.evaluation_total),
                "total_gap": number(self.total_gap),
                "indicators": [{"indicator": r.indicator, "self": number(r.self), "evaluation": number(r.evaluation),
                                "gap": number(r.gap)} for r in self.table.itertuples(index=False)]}


def gap(self_ev: Evaluation, other: Evaluation) -> Gap:
    s_names, s_points, s_total = level1_points(self_ev)
    o_names, o_points, o_total = level1_points(other)
    by_key = {_key(n): n for n in o_names}
    rows, used = [], set()
    for n in s_names:
        match = by_key.get(_key(n))
        used.add(match)
        a = s_points.get(n, np.nan)
        b = o_points.get(match, np.nan) if match else np.nan
        rows.append({"indicator": n if match in (None, n) else f"{n} / {match}", "self": a, "evaluation": b,
                     "gap": a - b})
    for n in o_names:
        if n not in used:
            rows.append({"indicator": n, "self": np.nan, "evaluation": o_points.get(n, np.nan), "gap": np.nan})
    table = pd.DataFrame(rows, columns=["indicator", "self", "evaluation", "gap"])
    return Gap(self_ev.project.name, self_ev.project.year, other.project.mode, table, s_total, o_total)


def stated(ev: Evaluation) -> Gap:
    """A 部门/财政评价 that states the unit's 自评 total (项目信息 ▸ 自评得分) with no 自评表 loaded:
    the gap in total only."""
    _names, _points, total = level1_points(ev)
    return Gap(ev.project.name, ev.project.year, ev.project.mode,
               pd.DataFrame(columns=["indicator", "self", "evaluation", "gap"]), ev.project.self_total, total)


def gap_list(evaluations: Iterable[Evaluation]) -> list[Gap]:
    """Every pair's gap, the largest self-over-evaluation gap first (candidates for 重点评价); an
    evaluation that states a 自评 total and has no loaded self-evaluation gives its total gap."""
    items = list(evaluations)
    found = pairs(items)
    paired = {id(b) for _, b in found}
    gaps = [gap(a, b) for a, b in found]
    gaps += [stated(e) for e in items if e.project.mode in OTHERS and e.project.self_total is not None
             and id(e) not in paired]
    return sorted(gaps, key=lambda g: -(g.total_gap if g.total_gap is not None else -np.inf))
