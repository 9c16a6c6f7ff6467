"""The head of a 项目支出绩效自评表: the info block and the budget block above the indicators.

A 自评表 (财政部 10号 annex 3 and each province's variant) prints, above its indicator header:
项目名称 / 主管部门 / 实施单位 as label | value cells, then a budget block
(项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分, or 年初预算 |
调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分) with a 年度资金总额 row and 其中 rows by source.
The block's 分值/得分 are one indicator, 预算执行率, scored once even where 其中 rows repeat them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from perfeval_core.io.labels import indicator_label
from perfeval_core.io.sheets import Sheet, cell
from perfeval_core.model.evaluation import figure
from perfeval_core.model.normalize import clean_text, is_blank, normalise_label, parse_number
from perfeval_core.model.report import ValidationReport

BUDGET_LEAF_NAME = "预算执行率"

_INFO_KEYS = {
    "项目名称": "project", "项目名": "project", "预算项目名称": "project", "项目(政策)名称": "project",
    "主管部门": "department", "主管部门及代码": "department", "主管单位": "department", "部门名称": "department",
    "部门(单位)名称": "department", "预算部门": "department", "一级预算单位": "department",
    "实施单位": "implementer", "项目实施单位": "implementer", "实施单位(盖章)": "implementer", "项目单位": "implementer",
    "执行单位": "implementer", "预算单位": "unit", "单位名称": "unit",
}
_KINDS = (
    ("plan", re.compile(r"^年初(预算|预算数|批复数|预算安排数?)$")),
    ("budget", re.compile(r"^(全年预算数?|调整后预算数?|全年预算安排|预算数|全年预算数合计|批复预算数?)$")),
    ("executed", re.compile(r"^(全年执行数?|预算执行数|执行数|全年实际执行数|实际执行数|实际支出数?|全年实际支出|支出数)$")),
    ("points", re.compile(r"^(分值|权重|分值权重|满分)$")),
    ("rate", re.compile(r"^(预算)?执行率$")),
    ("score", re.compile(r"^(得分|自评分|评分|自评得分)$")),
)
_TOTAL_ROW = re.compile(r"^(年度资金总额|资金总额|项目资金总额|年度资金合计|合计|总额|总计|年度资金|资金合计|小计)")
_STOP_ROW = re.compile(r"^(年度总体目标|年度目标|总体目标|绩效目标|绩效指标|预期目标|实际完成情况)")


@dataclass
class BudgetLine:
    label: str  # 年度资金总额, 本年财政拨款, 上年结转资金, 其他资金 …
    row: int  # index in sheet.rows
    plan: float = math.nan
    budget: float = math.nan
    executed: float = math.nan
    is_total: bool = False

    @property
    def has_amounts(self) -> bool:
        return any(not math.isnan(v) and v != 0 for v in (self.plan, self.budget, self.executed))


@dataclass
class BudgetBlock:
    header_row: int
    columns: dict[str, int]
    lines: list[BudgetLine] = field(default_factory=list)
    points: float | None = None
    score: float | None = None
    rate: float | None = None  # 执行率 as printed, as a fraction
    scored_row: int | None = None  # the row the 分值/得分 were read from
    adjusted: bool = False  # the budget column is 调整后预算数
    scale: float = 1.0  # 1/10000 when the block is in 元


@dataclass
class FormHead:
    info: dict[str, str] = field(default_factory=dict)  # 'project' / 'department' / 'implementer' -> value
    budget: BudgetBlock | None = None


def _kind(value: object) -> str | None:
    label = re.sub(r"\([^)]*\)", "", normalise_label(value))
    for kind, pattern in _KINDS:
        if pattern.match(label):
            return kind
    return None


def strip_code(text: str) -> str:
    """'219001-池州市贵池区棠溪镇人民政府' -> '池州市贵池区棠溪镇人民政府': the budget code systems print."""
    return re.sub(r"^\[?(\d{3,}|[0-9A-Z]{8,})\]?\s*[-－—_\s]\s*(?=[\u4e00-\u9fff])(?!年)", "", text).strip()


def read_form_head(sheet: Sheet, top: int, report: ValidationReport) -> FormHead:
    head = FormHead()
    for i in range(min(top, len(sheet.rows))):
        _read_info(sheet.rows[i], head.info)
    head.budget = _read_budget(sheet, top, report)
    unit = head.info.pop("unit", "")
    if unit and not head.info.get("implementer"):
        head.info["implementer"] = unit  # 单位名称 / 预算单位: the unit when no 实施单位 is named
    return head


def _read_info(row: list[object], info: dict[str, str]) -> None:
    texts = [(j, clean_text(v)) for j, v in enumerate(row) if not is_blank(v)]
    for k, (_, text) in enumerate(texts):
        key, _, inline = re.sub(r"\s+", "", text).partition("：") if "：" in text else text.partition(":")
        field_name = _INFO_KEYS.get(normalise_label(key))
        if field_name is None or field_name in info:
            continue
        value = inline.strip() if inline.strip() else ""
        if not value and k + 1 < len(texts):
            candidate = texts[k + 1][1]
            if _INFO_KEYS.get(normalise_label(candidate.split("：")[0].split(":")[0])) is None:
                value = candidate
        if value:
            info[field_name] = strip_code(value)


def _read_budget(sheet: Sheet, top: int, report: ValidationReport) -> BudgetBlock | None:
    rows = sheet.rows
    for i in range(min(top, len(rows))):
        columns: dict[str, int] = {}
        for j, v in enumerate(rows[i]):
            kind = _kind(v) if not is_blank(v) else None
            if kind is not None and kind not in columns:
                columns[kind] = j
        if "executed" in columns and ("budget" in columns or "plan" in columns):
            return _budget_lines(sheet, i, top, columns, report)
    return None


def _budget_lines(sheet: Sheet, header: int, top: int, columns: dict[str, int],
                  report: ValidationReport) -> BudgetBlock:
    rows = sheet.rows
    block = BudgetBlock(header, columns)
    block.adjusted = "调整" in normalise_label(cell(rows, header, columns.get("budget", -1)))
    first_value = min(columns.values())
    head_text = "".join(clean_text(v) for v in rows[header][:first_value])
    if re.search(r"[(（]元[)）]", head_text) and "万元" not in head_text:
        block.scale = 1e-4
        report.info("selfeval_budget_yuan", sheet.name, sheet.excel_row(header))

    def number(i: int, kind: str) -> float:
        j = columns.get(kind)
        if j is None:
            return math.nan
        value, percent = parse_number(cell(rows, i, j))
        if value is None:
            return math.nan
        if kind == "rate" and not percent and value > 1.5:
            value /= 100.0
        return value

    for i in range(header + 1, min(top, len(rows))):
        labels = [clean_text(v) for v in rows[i][:first_value] if not is_blank(v)]
        label = labels[-1] if labels else ""
        plain = re.sub(r"\s+", "", label)
        if _STOP_ROW.match(plain):
            break
        amounts = {k: number(i, k) for k in ("plan", "budget", "executed")}
        if not label and all(math.isnan(v) for v in amounts.values()):
            break
        name = re.sub(r"^其中\s*[:：]?", "", plain) or "合计"
        line = BudgetLine(name, i, amounts["plan"], amounts["budget"], amounts["executed"],
                          is_total=bool(_TOTAL_ROW.match(plain)) or not block.lines and not plain.startswith("其中"))
        block.lines.append(line)
        if block.points is None:
            points = number(i, "points")
            if not math.isnan(points):
                block.points = points
                block.scored_row = i
                score = number(i, "score")
                block.score = None if math.isnan(score) else score
                rate = number(i, "rate")
                block.rate = None if math.isnan(rate) else rate
    if block.points is None and "points" not in columns:
        # 预算执行情况(万元)(20分) | 预算数 | 执行数 | 执行率 | 得分(20分*执行率): the points in the label
        label_points = indicator_label(head_text).points
        row = next((line.row for line in block.lines if not math.isnan(number(line.row, "score"))), None)
        if label_points is not None and row is not None:
            block.points, block.scored_row = label_points, row
            block.score = number(row, "score")
            block.columns["points"] = first_value - 1 if first_value else 0
            rate = number(row, "rate")
            block.rate = None if math.isnan(rate) else rate
    return block


def budget_rows(block: BudgetBlock, unit: str, sheet: Sheet, report: ValidationReport) -> list[dict[str, object]]:
    """BUDGET_COLUMNS rows: one per source (其中 rows), or the total row when no source has amounts.
    A total that contradicts its sources is reported with both figures."""
    total = next((line for line in block.lines if line.is_total), None)
    sources = [line for line in block.lines if not line.is_total and line.has_amounts]
    scale = block.scale
    if total is not None and sources:
        for attr, label in (("budget", "全年预算数"), ("executed", "全年执行数")):
            printed = getattr(total, attr)
            added = sum(getattr(s, attr) for s in sources if not math.isnan(getattr(s, attr)))
            if not math.isnan(printed) and abs(printed - added) > 0.005 + 1e-9:
                report.warning("selfeval_budget_sum", sheet.name, sheet.excel_row(total.row),
                               block.columns.get(attr), label=total.label, column=label,
                               total=figure(printed), parts=figure(added))
    lines = sources or ([total] if total is not None and total.has_amounts else [])
    out = []
    for line in lines:
        budget = line.budget if not math.isnan(line.budget) else line.plan
        out.append({"unit": unit, "level": line.label, "category": "",
                    "budget": budget * scale, "plan": line.plan * scale,
                    "adjusted_budget": budget * scale, "arrived": math.nan,
                    "spent": line.executed * scale})
    return out
