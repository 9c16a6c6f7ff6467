"""The evaluation model: one object carries a workbook's content through scoring and display.

Tables are pandas DataFrames with English column names (the Chinese ones live in the
template definition). Everything is plain data, so an ``Evaluation`` can be cached, hashed
by its source bytes and shared between sessions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfeval_core.model.normalize import split_assignment, split_list
from perfeval_core.model.rating import band_index

EVALUATION_MODES = ("单位自评", "部门评价", "财政评价")
INDICATOR_TYPES = ("正向", "反向", "定性")
# 资金到位率 = 到位 ÷ 预算 (财预〔2020〕10号 annex) or ÷ 计划投入 (older / provincial variant)
ARRIVAL_RATE_DEFINITIONS = {"budget": "到位资金÷预算资金", "plan": "到位资金÷计划投入资金"}
# 预算执行率 = 支出 ÷ 到位 (10号 annex) or 执行数 ÷ 调整后预算数 (自评表)
EXECUTION_RATE_DEFINITIONS = {"arrived": "实际支出÷实际到位", "adjusted_budget": "执行数÷调整后预算数"}
# 满意度 = 满意 ÷ 有效样本, or (满意 + 基本满意) ÷ 有效样本
SATISFACTION_RULES = {"satisfied": "满意÷有效样本", "satisfied_or_basic": "(满意+基本满意)÷有效样本"}

# real indicator systems have tens to a few hundred indicators; scoring keeps a leaves × indicators
# matrix, so a sheet of 100,000 rows read as indicators would take gigabytes: readers stop here
MAX_INDICATORS = 2000

# src_* columns locate the value in the workbook for messages: sheet name, 1-based Excel row,
# 0-based column (the 分值 column for indicators, the score cell for scores)
SOURCE_COLUMNS = ["src_sheet", "src_row", "src_col"]
INDICATOR_COLUMNS = ["code", "name", "parent", "level", "points", "kind", "target",
                     "unit", "explanation", "criteria", *SOURCE_COLUMNS]
UNIT_COLUMNS = ["name", "parent", "tier", "depth", "field_visited", "note"]
# As loaded: points / rate / actual as given (NaN when not given). After
# ``checks.resolve_scores``: rate is final in [0, 1] and points = rate × the leaf's points.
SCORE_COLUMNS = ["unit", "code", "points", "rate", "actual", "reason", *SOURCE_COLUMNS]
BUDGET_COLUMNS = ["unit", "level", "category", "budget", "plan", "adjusted_budget", "arrived", "spent"]
PROJECT_COLUMNS = ["unit", "category", "count", "amount", "in_scope"]
SURVEY_COLUMNS = ["unit", "age_group", "respondents", "satisfied", "basically_satisfied",
                  "not_very_satisfied", "dissatisfied", "frequent"]
FINDING_COLUMNS = ["problem", "category", "unit", "status", "note"]
# per unit and leaf, as a 自评表 prints them: 年度指标值, 实际完成值, 偏差原因分析及改进措施 (text as printed)
GOAL_COLUMNS = ["unit", "code", "target", "actual", "deviation", *SOURCE_COLUMNS]


DEFAULT_BAND_LABELS = ("优", "良", "中", "差")
ENGLISH_BAND_LABELS = ("Excellent", "Good", "Fair", "Poor")


@dataclass(frozen=True)
class Bands:
    """Rating bands as (label, inclusive lower bound), best first. A score below every bound
    gets the last label."""

    labels: tuple[str, ...] = DEFAULT_BAND_LABELS
    lower: tuple[float, ...] = (90.0, 80.0, 60.0, 0.0)

    @classmethod
    def from_thresholds(cls, thresholds: list[float] | tuple[float, ...],
                        labels: tuple[str, ...] | None = None) -> Bands:
        """``[90, 80, 60]`` -> 优≥90, 良≥80, 中≥60, 差 below."""
        thresholds = [float(t) for t in thresholds]
        if labels is None:
            labels = DEFAULT_BAND_LABELS[: len(thresholds) + 1]
            if len(labels) < len(thresholds) + 1:
                raise ValueError("more than three thresholds need explicit labels")
        return cls(tuple(labels), tuple(thresholds) + (0.0,))

    @classmethod
    def parse(cls, text: str, current: Bands | None = None) -> Bands:
        """``优=90,良=80,中=60,差=0`` (labels with their lower bounds, best first; any number of
        bands) or ``90,80,60`` (thresholds only: ``current``'s labels when the count fits, else the
        default ones). ValueError("bands_format") when it is neither; the rules a band set must
        keep are checked by ``analysis.rules.band_problem``."""
        parts = split_list(text)
        try:
            pairs = [pair for pair in map(split_assignment, parts) if pair is not None]
            if parts and len(pairs) == len(parts):
                labels = tuple(label for label, _ in pairs)
                lower = tuple(float(value) for _, value in pairs)
                if not all(math.isfinite(v) for v in lower):
                    raise ValueError
                return cls(labels, lower)
            thresholds = [float(p) for p in parts]
            if not parts or not all(math.isfinite(v) for v in thresholds):
                raise ValueError
            return (current or cls()).with_thresholds(thresholds)
        except ValueError:
            raise ValueError("bands_format") from None

    def with_thresholds(self, thresholds: list[float] | tuple[float, ...]) -> Bands:
        """These bands' labels with other thresholds (a scenario's): the workbook's own labels stay
        when the number of bands is the same, else the default labels."""
        if len(thresholds) + 1 == len(self.labels):
            return Bands.from_thresholds(thresholds, self.labels)
        return Bands.from_thresholds(thresholds)

    def relabelled(self, lang: str) -> Bands:
        """The default labels (优/良/中/差) as the UI's language says them; other labels as written."""
        if lang == "en" and self.labels == DEFAULT_BAND_LABELS[: len(self.labels)]:
            return Bands(ENGLISH_BAND_LABELS[: len(self.labels)], self.lower)
        return self

    @property
    def thresholds(self) -> tuple[float, ...]:
        """The lower bounds that separate bands (the last band's bound is not a threshold)."""
        return self.lower[:-1]

    def rate(self, scores: np.ndarray) -> np.ndarray:
        """Band index per score (0 = best); -1 where the score is NaN. Scores are compared as
        reports print them (``rating.cents``), so 89.995 is rated as the 90.00 it is shown as."""
        return band_index(scores, self.thresholds)

    def label(self, score: float) -> str | None:
        i = int(self.rate(np.array([score]))[0])
        return None if i < 0 else self.labels[i]

    def to_dict(self) -> dict[str, float]:
        return dict(zip(self.labels, self.lower))


DEFAULT_BANDS = Bands()


@dataclass
class ProjectInfo:
    name: str = ""
    year: int | None = None
    region: str = ""
    evaluator: str = ""
    mode: str = "部门评价"
    arrival_rate_definition: str = "budget"
    execution_rate_definition: str = "arrived"
    satisfaction_rule: str = "satisfied_or_basic"
    reported_total: float | None = None
    reported_rating: str | None = None
    self_total: float | None = None  # a 自评 total stated beside a 部门/财政评价 (no 自评表 of its own)
    illustrative: bool = False
    conclusion: str = ""
    problems: str = ""
    field_visit_note: str = ""
    department: str = ""  # 主管部门 of a 自评表
    implementer: str = ""  # 实施单位 of a 自评表
    measures: str = ""  # 改进措施 printed below a form


@dataclass
class Evaluation:
    """Everything one workbook says about one project × year."""

    project: ProjectInfo
    indicators: pd.DataFrame  # INDICATOR_COLUMNS, in workbook order
    units: pd.DataFrame  # UNIT_COLUMNS, in workbook order
    scores: pd.DataFrame  # SCORE_COLUMNS, one row per scored (unit, leaf); rate in [0, 1]
    budget: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BUDGET_COLUMNS))
    projects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROJECT_COLUMNS))
    survey: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SURVEY_COLUMNS))
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))
    goals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=GOAL_COLUMNS))
    bands: Bands = DEFAULT_BANDS
    layout: str = "template"  # "template" | "score_table" | "self_evaluation" | "code_list" | "portfolio"
    source_name: str = ""
    source_sha256: str = ""
    # rows the score table printed as 合计/总分, per unit, for cross-checks
    reported_unit_totals: dict[str, float] = field(default_factory=dict)
    # where each of those totals is printed: (sheet, 1-based row, 0-based column), for messages
    reported_total_cells: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # the 分值 a score table's 合计/总分 row prints (100 when it agrees with the leaves)
    reported_points_total: float | None = None

    @property
    def scored(self) -> bool:
        """False for a blank form: an indicator system with no 得分 anywhere."""
        return not self.scores.empty

    @property
    def key(self) -> str:
        return self.source_sha256[:12] or self.project.name

    @property
    def title(self) -> str:
        year = f"{self.project.year}年 " if self.project.year else ""
        return f"{year}{self.project.name}".strip() or self.source_name

    @property
    def leaves(self) -> pd.DataFrame:
        parents = set(self.indicators["parent"].dropna())
        return self.indicators[~self.indicators["code"].isin(parents)]

    @property
    def level1(self) -> pd.DataFrame:
        return self.indicators[self.indicators["level"] == 1]

    @property
    def scored_units(self) -> list[str]:
        present = set(self.scores["unit"])
        return [u for u in self.units["name"] if u in present]


def figure(value: float) -> str:
    """A number as messages print it: up to 6 decimals without trailing zeros (100, 2.5, 100000024),
    never the exponent form ``:g`` falls into beyond six digits (1e+08 for 100000024)."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        return str(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def positions(values: pd.Series | pd.Index, keys: object) -> np.ndarray:
    """Position of each value among ``keys`` (-1 when absent or missing). Factorizes first, so
    each distinct value is hashed once: two million Arrow strings naming 40 indicators take
    milliseconds, where ``Series.map`` or a lookup per row takes seconds."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = pd.Index(keys).get_indexer(uniques) if len(uniques) else np.empty(0, dtype=np.int64)
    out = np.full(len(codes), -1, dtype=np.int64)
    ok = codes >= 0
    out[ok] = found[codes[ok]]
    return out


def contains(values: pd.Series | pd.Index, keys: object) -> np.ndarray:
    """``values.isin(keys)`` without pandas' per-key Arrow scalars (seconds for 50,000 keys)."""
    key_list = list(keys) if isinstance(keys, (set, frozenset)) else keys
    return positions(values, key_list) >= 0

