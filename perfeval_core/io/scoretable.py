"""Loading a single-sheet 评分表 (score table) or 项目支出绩效自评表 into an ``Evaluation``.

A score table lists the indicator tree in columns (一级 | 二级 | 三级 …), the points of each
leaf (分值) and, per evaluated unit, its 得分 / 得分率 / 扣分原因. Real tables put title rows
above the header, merge level names over their children (or leave them blank below the first
child, or repeat them), carry points in level names (``决策（15分）``), end with a 合计 row,
and put several units side by side, either as ``赛罕区得分`` columns or as a unit name above a
得分 / 扣分原因 pair. A 自评表 is the same table with 年度指标值 / 实际完成值 / 偏差原因 columns, a
block label down its left, placeholder and 其中 rows, footer rows, and an info and budget block
above it (``selfeval``); the label rules every form shares are in ``labels``.

Longer than 600 lines because finding the header, the level columns, the unit columns, the
footer and the 合计 row is one search over the same grid whose steps use each other's findings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from perfeval_core.io.labels import (
    Label,
    footer_kind,
    indicator_label,
    is_placeholder_name,
    is_sub_item,
    level1_name_from_children,
)
from perfeval_core.io.selfeval import BUDGET_LEAF_NAME, BudgetBlock, budget_rows, read_form_head
from perfeval_core.io.sheets import RawWorkbook, Sheet, cell
from perfeval_core.model.evaluation import (
    BUDGET_COLUMNS,
    EVALUATION_MODES,
    GOAL_COLUMNS,
    INDICATOR_COLUMNS,
    MAX_INDICATORS,
    SCORE_COLUMNS,
    UNIT_COLUMNS,
    Evaluation,
    ProjectInfo,
    figure,
)
from perfeval_core.model.normalize import clean_text, is_blank, normalise_label, parse_number
from perfeval_core.model.report import Severity, ValidationReport, column_letter

HEADER_SCAN_ROWS = 40  # title rows above the header are few; the header sits near the top
MAX_LEVELS = 4
DEFAULT_UNIT = "评价对象"
LAYOUT_LABEL = "评分表（单表）"
SELF_EVALUATION_LABEL = "项目支出绩效自评表"
TOTAL_TOLERANCE = 0.005  # half a printed cent: a printed 合计 within it agrees

_LEVEL_HEADER = re.compile(r"^([一二三四五六七八九1-9])级(指标)?(名称)?$")
_LEVEL_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NAME_HEADERS = {"指标名称", "指标", "评价指标", "绩效指标", "具体指标", "末级指标", "考核指标", "评价指标名称"}
_CODE_HEADERS = {"指标代码", "指标编码", "代码", "编码", "指标编号", "编号"}
# preferred first: when two points columns describe the same level, the better label wins
_POINTS_HEADERS = ("分值", "指标分值", "标准分值", "标准分", "满分", "满分值", "权重", "指标权重", "权重分值", "分值权重")
_EXPLANATION_HEADERS = {"指标解释", "指标说明", "指标内涵", "指标释义", "指标定义", "解释", "指标解释及说明"}
_CRITERIA = re.compile(r"^(评分|评价|计分|打分)(标准|细则|规则|方法|办法)")
_RATE = re.compile(r"^(?P<unit>.*?)得分(率|比例|比率)$")
_REASON = re.compile(
    r"^(?P<unit>.*?)(扣分原因|扣分说明|扣分理由|扣分依据|扣分情况|评分依据|评分说明|评分理由|"
    r"得分依据|得分说明|得分理由|评价意见|评分意见)"
)
_SCORE = re.compile(r"^(?P<unit>.*?)得分$")
# prefixes of 得分 that name no unit ("评价得分" is the plain score column)
_GENERIC_PREFIXES = {"", "评价", "实际", "最终", "评分", "考核", "综合", "核定", "评定", "自评", "复核", "专家", "本项",
                     "指标", "实际得分", "评价得分"}
# a 自评表's per-leaf columns: 年度指标值, 实际完成值, 偏差原因分析及改进措施
_TARGET = re.compile(r"^((年度|全年|预期|计划|年初)?(绩效)?(指标值|目标值)|年度(绩效)?目标|预期目标|目标值|指标目标值)$")
_ACTUAL = re.compile(r"^(全年)?(实际完成值|实际完成情况|实际值|实际完成|完成值|实际达成值|完成情况|实际完成数|实际执行情况)$")
_PLAIN_SCORES = {"自评分", "评分", "评价分", "考核分", "实得分", "自评得分值", "得分值"}
_DEVIATION = re.compile(r"(偏差原因|未完成原因|原因分析|偏差分析)")
# aggregate columns beside the units' own ones
_AGGREGATE_PREFIXES = {"平均", "合计", "总", "总计", "小计", "汇总"}

_SUBTOTAL_LABELS = {"小计"}
_RATINGS = {"优", "良", "中", "差", "优秀", "良好", "中等", "较差", "合格", "不合格"}
_NOTE_ROW = re.compile(r"^(备注|注[:：释\d]|说明[:：]|评分人|评价人|复核人|审核人|填表|制表|签字|评价组)")
_PLACEHOLDERS = {"-", "--", "—", "——", "/", "\\", "无", "不适用", "n/a", "na", "×", "x"}

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_KEY_VALUE = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,8})\s*[:：]")
_UNIT_KEYS = {"评价单位", "被评价单位", "评价对象", "被评价对象", "单位名称", "被评单位", "被考核单位"}
_EVALUATOR_KEYS = {"评价机构", "评价主体", "第三方机构", "评价组织单位", "实施机构"}
_YEAR_KEYS = {"年度", "评价年度", "项目年度"}
_KNOWN_KEYS = _UNIT_KEYS | _EVALUATOR_KEYS | _YEAR_KEYS | {"项目名称", "地区", "所属地区", "评价时间", "评价日期",
                                                          "填报日期", "填表日期", "评价方式", "主管部门"}
_TITLE_SUFFIXES = (
    "绩效评价指标体系及评分表", "绩效评价指标体系及评分标准", "绩效评价指标体系及评分", "绩效评价指标及评分表",
    "绩效评价指标体系", "绩效评价评分表", "绩效评价得分表", "绩效评价结果表", "绩效评价打分表", "绩效自评表",
    "绩效评价表", "指标体系及评分表", "指标体系及评分标准", "评价指标体系", "指标体系", "评分结果表",
    "评价结果表", "评分明细表", "自评指标计分表", "指标计分表", "计分表", "评分表", "得分表", "打分表", "评分结果", "自评表", "绩效评价", "绩效自评",
    "部门重点评价", "财政重点评价", "重点评价", "部门评价", "财政评价", "一览表",
)
_ATTACHMENT = re.compile(r"^(附件|附表)\s*[\d一二三四五六七八九十\-.]*\s*[:：]?\s*")
_REGION_TOKEN = re.compile(
    r"^[\u4e00-\u9fff]{2,8}?(?:自治区|省|自治州|盟|市(?!场)|州|县(?![域级城])|旗)"
)
_DISTRICT_TOKEN = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:区|县(?![域级城])|旗)")
_NOT_DISTRICT = re.compile(r"[街道社村镇乡园景校]|小区|片区|辖区|山区|牧区|林区|矿区|库区")


@dataclass
class _UnitColumns:
    name: str | None  # None: the plain 得分 / 得分率 columns of a single unit
    score: int | None = None
    rate: int | None = None
    reason: int | None = None


@dataclass
class _Header:
    row: int  # index in sheet.rows of the row with the indicator labels
    top: int  # first header row: the row of unit names when they sit above
    data_start: int
    levels: list[int]  # column of each indicator level, level 1 first
    points: int | None  # column of the leaves' 分值; None when only the names carry points
    level_points: dict[int, int]  # level (1-based) -> column declaring that level's points
    code: int | None
    explanation: int | None
    criteria: int | None
    units: list[_UnitColumns]
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (column, label) of ignored columns
    block: int | None = None  # a block label (绩效指标, 绩效指标(90分)) merged down left of the levels
    target: int | None = None  # 年度指标值
    actual: int | None = None  # 实际完成值
    deviation: int | None = None  # 偏差原因分析及改进措施


@dataclass
class _Node:
    name: str
    level: int
    parent: _Node | None
    row: int  # index in sheet.rows of the row that introduced it
    declared: tuple[float, int] | None = None  # points stated for it, and the column stating them
    points: float = math.nan
    code: str = ""
    explanation: str = ""
    criteria: str = ""
    scored_row: int | None = None  # the row whose 分值/得分 cells belong to it
    children: list[_Node] = field(default_factory=list)
    label_code: str = ""  # a code printed in front of the name (A101立项依据充分性)
    sub_rows: list[int] = field(default_factory=list)  # 其中… rows that detail this leaf


@lru_cache(maxsize=8192)  # header cells repeat across rows, sheets and files (every 自评表 has the same labels)
def _classify(value: object) -> tuple[str, object]:
    """(kind, detail) of a header cell: detail is the level for 'level', the unit prefix for
    'score' / 'rate' / 'reason' ('' when the column names no unit), else None."""
    label = normalise_label(value)
    label = re.sub(r"\([^)]*\)|\[[^\]]*\]|[:：]$", "", label)
    if not label:
        return "", None
    m = _LEVEL_HEADER.match(label)
    if m:
        digit = m.group(1)
        return "level", _LEVEL_DIGITS.get(digit) or int(digit)
    if label in _NAME_HEADERS:
        return "name", None
    if label in _CODE_HEADERS:
        return "code", None
    if label in _POINTS_HEADERS:
        return "points", _POINTS_HEADERS.index(label)
    if label in _EXPLANATION_HEADERS:
        return "explanation", None
    if _CRITERIA.match(label):
        return "criteria", None
    if label in _PLAIN_SCORES:
        return "score", ""
    if _TARGET.match(label):
        return "target", None
    if _ACTUAL.match(label):
        return "actual", None
    if _DEVIATION.search(label):
        return "deviation", None
    for kind, pattern in (("rate", _RATE), ("reason", _REASON), ("score", _SCORE)):
        m = pattern.match(label)
        if m:
            unit = m.group("unit")
            if unit in _AGGREGATE_PREFIXES:
                return "", None
            return kind, "" if unit in _GENERIC_PREFIXES else unit
    return "text", None


def _analyse_header(grid: list[list[object]], i: int, unscored: bool = False) -> _Header | None:
    """The header at row i, or None. With ``unscored``, a header with 分值 but no 得分 column
    (a blank form: an indicator system) is accepted too."""
    row = grid[i]
    kinds = {j: _classify(v) for j, v in enumerate(row) if not is_blank(v)}
    duplicates: list[tuple[int, str]] = []

    level_cols: dict[int, int] = {}
    name_cols: list[int] = []
    for j, (kind, detail) in kinds.items():
        if kind == "level" and isinstance(detail, int):
            if detail in level_cols:
                duplicates.append((j, clean_text(row[j])))
            else:
                level_cols[detail] = j
        elif kind == "name":
            name_cols.append(j)
    levels = [level_cols[k] for k in sorted(level_cols)]
    block = None
    # a name label left of the level columns (绩效指标, merged down the form) labels the block
    if levels and name_cols and name_cols[0] < levels[0]:
        block = name_cols.pop(0)
    # a name column is the deepest level when there are no level columns or it follows the last
    # one; elsewhere (具体指标 beyond the scores) it describes the indicator
    right = [j for j in name_cols if not levels or j == levels[-1] + 1]
    if right:
        levels.append(right[0])
    points_cols = [(j, d) for j, (k, d) in kinds.items() if k == "points" and isinstance(d, int)]
    # without a 分值 column, the points come from the names (相关性(5分)): level columns needed
    if not levels or (not points_cols and len(levels) < 2):
        return None

    def first(kind: str) -> int | None:
        return next((j for j, (k, _) in kinds.items() if k == kind), None)

    points, level_points = _assign_points(points_cols, levels) if points_cols else (None, {})
    structural = set(levels) | set(level_points.values()) | ({points} if points is not None else set())
    extra = {kind: first(kind) for kind in ("code", "explanation", "criteria", "target", "actual", "deviation")}
    structural |= {c for c in extra.values() if c is not None}
    if block is None and levels:  # 年度绩效目标(80分) merged down left of the levels
        block = next((j for j, (k, _) in kinds.items() if j < levels[0] and k == "text"
                      and indicator_label(row[j]).points is not None), None)
    if block is not None:
        structural.add(block)
    single_row = [(j, str(kind), str(detail)) for j, (kind, detail) in kinds.items()
                  if kind in ("score", "rate", "reason")]
    # (first header row, first data row, unit columns): unit names in a row below the labels,
    # in a row above them, or in the labels themselves
    for top, data_start, columns in (
        (i, i + 2, _units_in_two_rows(grid, i, i + 1, i, structural)),
        (i - 1, i + 1, _units_in_two_rows(grid, i - 1, i, i, structural)),
        (i, i + 1, single_row),
    ):
        units = _group_units(columns, duplicates)
        if units:
            return _Header(i, top, data_start, levels, points, level_points, extra["code"], extra["explanation"],
                           extra["criteria"], units, duplicates, block, extra["target"], extra["actual"],
                           extra["deviation"])
    if unscored and not any(kind in ("score", "rate") for kind, _ in kinds.values()):
        return _Header(i, i, i + 1, levels, points, level_points, extra["code"], extra["explanation"],
                       extra["criteria"], [], duplicates, block, extra["target"], extra["actual"], extra["deviation"])
    return None


def _assign_points(points_cols: list[tuple[int, int]], levels: list[int]) -> tuple[int, dict[int, int]]:
    """The leaves' 分值 column, and the columns that state the points of upper levels.

    With one 分值 column it holds the leaves' points. Tables that give each level its own
    分值 column put it right of that level's name, so each goes to the nearest level on its left.
    """
    if len(points_cols) == 1:
        return points_cols[0][0], {}
    by_level: dict[int, tuple[int, int]] = {}
    for col, preference in points_cols:
        left = [(c, lvl) for lvl, c in enumerate(levels, start=1) if c < col]
        level = max(left)[1] if left else len(levels)
        if level not in by_level or preference < by_level[level][1]:
            by_level[level] = (col, preference)
    deepest = max(by_level)
    return by_level[deepest][0], {lvl: c for lvl, (c, _) in by_level.items() if lvl != deepest}


def _unit_name(value: object) -> str:
    """A header cell that can name a unit: text that is neither a known label nor a number."""
    if _classify(value)[0] != "text" or parse_number(value)[0] is not None:
        return ""
    return clean_text(value)


def _units_in_two_rows(grid: list[list[object]], upper: int, lower: int, header_row: int,
                       structural: set[int]) -> list[tuple[int, str, str]]:
    """(column, kind, unit) for a header whose unit names sit in a row of their own: either
    above plain 得分 / 扣分原因 columns, or below a 得分 label that spans the units."""
    if upper < 0 or lower >= len(grid):
        return []
    other = lower if header_row == upper else upper
    for j in structural:
        # the other row is part of the header only where it is blank or repeats a merged label
        value = cell(grid, other, j)
        if not is_blank(value) and _classify(value) != _classify(cell(grid, header_row, j)):
            return []
    width = max(len(grid[upper]), len(grid[lower]))
    found: list[tuple[int, str, str]] = []
    # unit names above generic 得分 / 得分率 / 扣分原因 labels; in a CSV the name sits above
    # the first column of its group only
    unit, previous = "", -2
    for j in range(width):
        kind, detail = _classify(cell(grid, lower, j))
        if j in structural or kind not in ("score", "rate", "reason") or detail != "":
            continue
        top = cell(grid, upper, j)
        name = _unit_name(top)
        if name:
            unit = name
        elif not is_blank(top) or previous != j - 1:
            unit = ""
        previous = j
        found.append((j, kind, unit))
    if any(u for _, _, u in found):
        return found
    # a generic 得分 label above unit names, carried right across the blank cells of its span
    found, carried = [], ""
    for j in range(width):
        kind, detail = _classify(cell(grid, upper, j))
        if kind in ("score", "rate") and detail == "":
            carried = kind
        elif kind:
            carried = ""
        name = _unit_name(cell(grid, lower, j))
        if carried and name and j not in structural:
            found.append((j, carried, name))
    return found


_KIND_LABELS = {"score": "得分", "rate": "得分率", "reason": "扣分原因"}


def _group_units(columns: list[tuple[int, str, str]], duplicates: list[tuple[int, str]]) -> list[_UnitColumns]:
    """Columns grouped by unit; units without a 得分 or 得分率 column are dropped."""
    by_name: dict[str, _UnitColumns] = {}
    found_duplicates = []
    for col, kind, unit in columns:
        group = by_name.setdefault(unit, _UnitColumns(unit or None))
        if getattr(group, kind) is not None:
            found_duplicates.append((col, unit + _KIND_LABELS[kind]))
            continue
        setattr(group, kind, col)
    plain = by_name.get("")
    named = [g for g in by_name.values() if g.name is not None]
    if plain is not None and named and plain.score is None and plain.rate is None:
        # one shared 扣分原因 column beside per-unit 得分 columns
        for g in named:
            if g.reason is None:
                g.reason = plain.reason
        del by_name[""]
    units = [g for g in by_name.values() if g.score is not None or g.rate is not None]
    if units:
        duplicates.extend(found_duplicates)
    return units


def _locate(raw: RawWorkbook) -> tuple[Sheet, _Header] | None:
    """The first scored header of any sheet; else the first header of a blank form (found once
    per workbook: the loader asks before reading)."""
    return raw.found_once("score_table", _search)


def _search(raw: RawWorkbook) -> tuple[Sheet, _Header] | None:
    grids: dict[int, list[list[object]]] = {}  # filled lazily: the first sheet usually holds the table
    for unscored in (False, True):
        for k, sheet in enumerate(raw.sheets):
            grid = grids.get(k)
            if grid is None:
                grid = grids[k] = sheet.filled_merges()
            for i in range(min(len(grid), HEADER_SCAN_ROWS)):
                header = _analyse_header(grid, i, unscored)
                if header is not None and (not unscored or len(header.levels) > 1):
                    # a two-row header: 绩效指标 | 年度指标值 | 分值 … above 一级指标 | 二级指标 | 三级指标
                    below = _analyse_header(grid, i + 1, unscored) if i + 1 < len(grid) else None
                    if below is not None and len(below.levels) > len(header.levels):
                        below.top = min(below.top, header.top)
                        header = below
                    return sheet, header
    return None


def is_self_evaluation_sheet(raw: RawWorkbook) -> bool:
    """Whether the workbook's table is a 自评表: 年度指标值/实际完成值 columns or a budget block above."""
    found = _locate(raw)
    if found is None:
        return False
    sheet, header = found
    return header.target is not None or header.actual is not None or \
        read_form_head(sheet, header.top, ValidationReport()).budget is not None


def find_score_table(raw: RawWorkbook) -> tuple[Sheet, int] | None:
    """The sheet and 0-based header row index of a single-sheet 评分表, or None."""
    found = _locate(raw)
    return (found[0], found[1].row) if found else None


# ---------------------------------------------------------------------------------- title


@dataclass
class _Title:
    name: str = ""
    year: int | None = None
    region: str = ""
    unit: str = ""
    evaluator: str = ""
    mode: str = ""  # from an 评价方式 line; else guessed from the title


def _read_title(sheet: Sheet, header_row: int, filename: str) -> _Title:
    title = _Title()
    heading = ""
    texts: list[str] = []
    for i in range(min(header_row, len(sheet.rows))):
        cells = [clean_text(v) for v in sheet.rows[i] if not is_blank(v)]
        for k, text in enumerate(cells):
            pairs = _key_values(text)
            if pairs:
                for key, value in pairs:
                    if not value and k + 1 < len(cells):
                        value = cells[k + 1]
                    _apply_key_value(title, key, value)
                continue
            text = _ATTACHMENT.sub("", text)
            texts.append(text)
            if not heading and len(text) >= 4 and re.search(r"[\u4e00-\u9fff]", text):
                heading = text
    if not heading:
        stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        heading = stem if re.search(r"[\u4e00-\u9fff]", stem) else ""
    heading = re.sub(r"\s+", "", heading)
    year = _YEAR.search(heading)
    if title.year is None:
        # the heading, else a short title line such as （2022年度）, else the file name
        lines = [t for t in texts if len(t) <= 40 and not _key_values(t)]
        in_lines = next((m for m in (_YEAR.search(re.sub(r"\s+", "", t)) for t in lines) if m), None)
        in_name = year or in_lines or _YEAR.search(filename)
        title.year = int(in_name.group(1)) if in_name else None
    rest = _YEAR.sub("", heading, count=1) if year else heading
    rest = re.sub(r"[(（]\s*[)）]", "", rest).strip("《》“”\"'：:，,、 ")
    region = _region(rest)
    if region and not title.region:
        title.region = region
    if region and len(rest) > len(region):
        rest = rest[len(region):]
    title.name = title.name or _strip_suffixes(rest)
    everything = heading + "".join(texts)
    if not title.mode:
        if "自评" in everything:
            title.mode = "单位自评"
        elif re.search(r"部门.{0,6}评价", everything):
            title.mode = "部门评价"
        else:
            title.mode = "财政评价"
    return title


def _key_values(text: str) -> list[tuple[str, str]]:
    """The 'key：value' pairs of a line above the header, when it starts with a known key."""
    marks = list(_KEY_VALUE.finditer(text))
    if not marks or marks[0].start() != 0 or marks[0].group(1) not in _KNOWN_KEYS:
        return []
    pairs = []
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        pairs.append((m.group(1), text[m.end():end].strip()))
    return pairs


def _apply_key_value(title: _Title, key: str, value: str) -> None:
    if not value:
        return
    if key in _UNIT_KEYS:
        title.unit = value
    elif key in _EVALUATOR_KEYS:
        title.evaluator = value
    elif key == "项目名称":
        title.name = _strip_suffixes(value)
    elif key in _YEAR_KEYS:
        number, _ = parse_number(value.replace("年度", "").replace("年", ""))
        if number is not None and 1900 <= number <= 2100:
            title.year = int(number)
    elif key in ("地区", "所属地区"):
        title.region = value
    elif key == "评价方式" and value in EVALUATION_MODES:
        title.mode = value


_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]{1,12}[）)]\s*$")


def _strip_suffixes(text: str) -> str:
    text = _TRAILING_NOTE.sub("", text)  # "（示意数据）", "(草稿)"
    changed = True
    while changed and text:
        changed = False
        for suffix in _TITLE_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)].rstrip("及和与的、-—_ ")
                changed = True
                break
    if text.endswith("项目支出"):
        text = text[:-2]
    return "" if text in ("绩效", "项目", "评价", "项目绩效", "指标") else text


def _region(text: str) -> str:
    """The administrative area a title starts with (呼和浩特市, 呼和浩特市赛罕区), or ''."""
    m = _REGION_TOKEN.match(text)
    if m:
        region = m.group(0)
        while len(region) < 16:
            d = _DISTRICT_TOKEN.match(text[len(region):])
            if not d or _NOT_DISTRICT.search(d.group(0)):
                break
            region += d.group(0)
        return region
    d = _DISTRICT_TOKEN.match(text)
    if d and d.group(0).endswith(("区", "旗")) and not _NOT_DISTRICT.search(d.group(0)) and len(text) > len(d.group(0)):
        return d.group(0)
    return ""


# ------------------------------------------------------------------------------------ rows


def _number(sheet: Sheet, report: ValidationReport, i: int, j: int, column: str,
            severity: Severity = "error") -> tuple[float | None, bool]:
    """The number in a cell, reporting formulas without a value, text and negatives."""
    formula = sheet.formula_at(i, j)
    value = cell(sheet.rows, i, j)
    where = (sheet.name, sheet.excel_row(i), sheet.sheet_col(j))
    if formula is not None and is_blank(value):
        report.add(severity, "formula_no_value", *where, formula=formula)
        return None, False
    if is_blank(value) or clean_text(value).lower() in _PLACEHOLDERS:
        return None, False
    number, percent = parse_number(value)
    if number is None:
        report.add(severity, "not_a_number", *where, column=column, value=clean_text(value))
        return None, False
    if not math.isfinite(number):
        report.add(severity, "not_finite", *where, column=column, value=clean_text(value))
        return None, False
    if number < 0:
        report.add(severity, "negative", *where, column=column, value=clean_text(value))
        return None, False
    return number, percent


def _clean_name(text: str) -> Label:
    return indicator_label(text)


def _points_only(text: str) -> str:
    """'(50分)' for a cell that prints only points: kept as the node's name until the children
    name it (see _prune_placeholders)."""
    label = indicator_label(text)
    return re.sub(r"\s+", "", text) if not label.name and label.points is not None else ""


def _has_value(value: object) -> bool:
    """A cell that holds something other than a placeholder ('/', '-', '—', '无')."""
    return not is_blank(value) and clean_text(value).lower() not in _PLACEHOLDERS


def _is_total(texts: list[str]) -> bool:
    return any(footer_kind(t) == "total" for t in texts)


class _TableReader:
    def __init__(self, sheet: Sheet, header: _Header, report: ValidationReport):
        self.sheet = sheet
        self.header = header
        self.report = report
        self.grid = sheet.filled_merges()
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        width = max((len(r) for r in self.grid), default=0)
        for r0, c0, r1, c1 in sheet.merged:
            top, left = r0 - sheet.row0, c0 - sheet.col0
            if top < 0 or left < 0 or top >= len(self.grid) or left >= len(self.grid[top]):
                continue  # as filled_merges: a range whose first cell holds nothing fills nothing
            # clipped to the grid: a range may claim the whole sheet (A1:XFD1048576)
            for r in range(top, min(r1 - sheet.row0, len(self.grid) - 1) + 1):
                for c in range(left, min(c1 - sheet.col0, width - 1) + 1):
                    if (r, c) != (top, left):
                        self.origin[(r, c)] = (top, left)
        self.roots: list[_Node] = []
        self.totals: dict[int, float] = {}  # index in header.units -> the 合计 row's 得分
        self.total_row: int | None = None  # the row those 得分 are read from
        self.total_points: tuple[float, int] | None = None  # the 合计 row's 分值, and its row
        self.footer: dict[str, str] = {}  # 'conclusion' / 'problems' / 'measures' / 'rating' -> text
        self.nodes = 0  # indicators read so far: the reader stops above MAX_INDICATORS
        self.overflow = False
        self.value_columns = {header.points} | {
            c for u in header.units for c in (u.score, u.rate, u.reason) if c is not None}

    def level_cell(self, i: int, j: int) -> tuple[str, bool]:
        """(text, own) of an indicator cell; own is False when the text comes from a merge that
        starts above. A merge reaching in from another indicator column (a section label or
        合计 spanning the columns) counts only in its first column."""
        origin = self.origin.get((i, j))
        if origin is not None and origin[1] != j and origin[1] in self.header.levels:
            return "", False
        return clean_text(cell(self.grid, i, j)), origin is None

    def has_values(self, i: int) -> bool:
        """Whether row i has a number or text in its 分值 or any unit's 得分 / 得分率 column."""
        columns = [self.header.points] + [c for u in self.header.units for c in (u.score, u.rate)]
        return any(c is not None and _has_value(cell(self.sheet.rows, i, c)) for c in columns)

    def read(self) -> None:
        header, sheet = self.header, self.sheet
        levels = header.levels
        previous: list[_Node] = []  # the chain of nodes of the last indicator row
        last: _Node | None = None
        ended = False  # a 总分 row or footer closed the table; only footer texts follow
        for i in range(header.data_start, len(sheet.rows)):
            cells = [self.level_cell(i, j) for j in levels]
            raw_texts = [clean_text(v) for v in sheet.rows[i]]
            if not any(raw_texts) and not any(t for t, _ in cells):
                continue
            labels = [t for t, _ in cells]
            other = [t for j, t in enumerate(raw_texts) if j not in self.value_columns]
            unblocked = [t for j, t in enumerate(raw_texts) if t and j != header.block]
            first_text = unblocked[0] if unblocked else next((t for t in raw_texts if t), "")
            kind = footer_kind(first_text)
            leftmost = next((t for t in raw_texts if t), "")
            if kind is None and footer_kind(leftmost) is not None:  # a footer label in the block column
                first_text, kind = leftmost, footer_kind(leftmost)
            if _is_total(labels) or (not any(labels) and _is_total(other)) or kind == "total":
                # the first total row after the indicators is the table's own (a 其他说明 row may come first)
                if not ended or (not self.totals and self.total_points is None):
                    self.read_totals(i)
                ended = ended or bool(self.roots)
                continue
            if kind is not None and (ended or not self.has_values(i)):
                if kind in ("rating", "conclusion", "problems", "measures"):
                    self.read_footer(i, kind, first_text)
                ended = ended or bool(self.roots)
                continue
            if ended:
                continue
            if _NOTE_ROW.match(first_text) or any(re.sub(r"\s+", "", t) in _SUBTOTAL_LABELS for t in labels):
                continue
            if all(parse_number(t)[0] is not None for t in labels if t):
                continue  # a row numbering the columns (1 | 2 | 3 …) or stray numbers
            if any(_classify(t)[0] in ("level", "name") for t in labels if t):
                continue  # the header repeated inside the table
            own_texts = [text for text, own in cells if own and text]
            if not own_texts:
                if last is not None:  # more lines of the previous indicator's text
                    self.append_text(last, i)
                continue
            if last is not None and is_sub_item(own_texts[-1]):
                last.sub_rows.append(i)  # 其中…: a detail of the leaf above, not an indicator
                continue
            deepest = _clean_name(own_texts[-1])
            if (not deepest.name or is_placeholder_name(deepest.name)) and deepest.points is None \
                    and not self.has_values(i):
                continue  # ……: a row the printed form keeps for indicators not used
            chain = self.chain(i, cells, previous)
            if self.nodes > MAX_INDICATORS:
                self.report.error("too_many_indicators", sheet.name, sheet.excel_row(i), None, limit=MAX_INDICATORS,
                                  first_row=sheet.excel_row(i))
                self.overflow = True
                return
            if chain is None:
                continue
            previous = chain
            last = chain[-1]

    def read_footer(self, i: int, kind: str, label: str) -> None:
        """The text of a 评价结论 / 存在问题 / 改进措施 / 评价等级 row: after the label's colon,
        or in the cells to its right."""
        texts = [clean_text(v) for v in self.sheet.rows[i]]
        texts = [t for t in texts if t]
        start = texts.index(label) + 1 if label in texts else 1
        inline = re.split(r"[:：]", label, maxsplit=1)
        parts = ([inline[1].strip()] if len(inline) > 1 and inline[1].strip() else []) + texts[start:]
        text = "\n".join(dict.fromkeys(p for p in parts if p))
        if text:
            self.footer.setdefault(kind, text)

    def chain(self, i: int, cells: list[tuple[str, bool]], previous: list[_Node]) -> list[_Node] | None:
        deepest = max(k for k, (t, _) in enumerate(cells) if t)
        path: list[tuple[int, str]] = []  # (column position, text)
        fresh = False
        for k in range(deepest + 1):
            text, own = cells[k]
            prior = previous[len(path)] if len(path) < len(previous) else None
            if not text and not fresh and prior is not None and k < deepest:
                # blank below the first child: the parent carries on
                path.append((k, prior.name))
                continue
            if not text:
                continue
            label = _clean_name(text)
            name = label.name or _points_only(text)
            if not name:
                continue
            if prior is None or prior.name != name:
                fresh = True
            path.append((k, text))
        if len(path) > MAX_LEVELS:
            self.report.error("too_deep", self.sheet.name, self.sheet.excel_row(i),
                              code=path[-1][1], level=len(path))
            return None
        chain: list[_Node] = []
        parent: _Node | None = None
        for depth, (k, text) in enumerate(path, start=1):
            label = _clean_name(text)
            name, declared = label.name or _points_only(text), label.points
            prior = previous[depth - 1] if depth - 1 < len(previous) else None
            last_of_row = depth == len(path)
            own = cells[k][1]
            same = (prior is not None and prior.name == name and prior.parent is parent
                    and (not last_of_row or k < len(self.header.levels) - 1 or not own))
            if same and prior is not None:
                node = prior
            else:
                node = _Node(name, depth, parent, i, label_code=label.code)
                self.nodes += 1
                (parent.children if parent else self.roots).append(node)
            if declared is not None and node.declared is None:
                node.declared = (declared, self.sheet.sheet_col(self.header.levels[k]))
            level_points = self.header.level_points.get(k + 1)
            if level_points is not None and node.declared is None and node.row == i:
                value, _ = parse_number(cell(self.grid, i, level_points))
                if value is not None:
                    node.declared = (value, self.sheet.sheet_col(level_points))
            if last_of_row:
                if same and not own:
                    self.append_text(node, i)
                elif node.scored_row is None:
                    node.scored_row = i
                    node.code = self.text(i, self.header.code) or node.label_code
                    node.explanation = self.text(i, self.header.explanation)
                    node.criteria = self.text(i, self.header.criteria)
            chain.append(node)
            parent = node
        return chain

    def text(self, i: int, j: int | None) -> str:
        return "" if j is None else clean_text(cell(self.sheet.rows, i, j))

    def goal(self, node: _Node) -> dict[str, object] | None:
        """年度指标值 / 实际完成值 / 偏差原因 of a leaf as printed, its 其中 rows appended."""
        h = self.header
        if node.scored_row is None or (h.target is None and h.actual is None and h.deviation is None):
            return None
        values: dict[str, object] = {}
        for key, col in (("target", h.target), ("actual", h.actual), ("deviation", h.deviation)):
            parts: list[str] = []
            for r in [node.scored_row, *node.sub_rows]:
                text = self.text(r, col)
                if r != node.scored_row and text:
                    label = next((t for t, own in reversed([self.level_cell(r, j) for j in h.levels]) if t and own), "")
                    text = f"{label} {text}".strip()
                if text and text not in parts:
                    parts.append(text)
            values[key] = "；".join(parts)
        if not any(values.values()):
            return None
        col = h.target if h.target is not None else (h.actual if h.actual is not None else h.deviation)
        assert col is not None
        return {**values, "src_sheet": self.sheet.name, "src_row": self.sheet.excel_row(node.scored_row),
                "src_col": self.sheet.sheet_col(col)}

    def append_text(self, node: _Node, i: int) -> None:
        for attr, col in (("explanation", self.header.explanation), ("criteria", self.header.criteria)):
            extra = self.text(i, col)
            if extra and extra not in getattr(node, attr):
                setattr(node, attr, f"{getattr(node, attr)}\n{extra}".strip())

    def read_totals(self, i: int) -> None:
        if self.header.points is not None:
            value, _ = parse_number(cell(self.sheet.rows, i, self.header.points))  # checked, not required
            if value is not None and math.isfinite(value):
                self.total_points = (value, i)
        for printed in self.sheet.rows[i]:
            text = re.sub(r"\s+", "", clean_text(printed))
            if text in _RATINGS and "rating" not in self.footer:
                self.footer["rating"] = text  # 总分 | 100 | 96 | 优: the rating printed beside the total
        for k, unit in enumerate(self.header.units):
            if unit.score is not None:
                printed, _ = parse_number(cell(self.sheet.rows, i, unit.score))
                if printed is not None and math.isfinite(printed) and printed < 0:
                    value = printed  # contradicts any rows: the cross-check names both figures
                else:
                    value, _ = _number(self.sheet, self.report, i, unit.score, "得分", severity="warning")
                if value is not None:
                    self.totals[k] = value
                    self.total_row = i


def _walk(nodes: list[_Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _leaves_of(nodes: list[_Node]) -> list[_Node]:
    return [n for n in _walk(nodes) if not n.children]


def _leaves(node: _Node) -> list[_Node]:
    return [n for n in _walk([node]) if not n.children]


def _assign_codes(roots: list[_Node], report: ValidationReport, sheet: Sheet) -> None:
    """Given codes where the table has them and they are unique, else A / A1 / A101 / A10101."""
    generated: dict[int, str] = {}

    def generate(nodes: list[_Node], prefix: str) -> None:
        for n, node in enumerate(nodes, start=1):
            if node.level == 1:
                code = column_letter(n - 1)
            elif node.level == 2:
                code = f"{prefix}{n}"
            else:
                code = f"{prefix}{n:02d}"
            generated[id(node)] = code
            generate(node.children, code)

    generate(roots, "")
    nodes = list(_walk(roots))
    given = {id(n): n.code or n.label_code for n in nodes if n.code or n.label_code}
    codes = {id(n): given.get(id(n)) or generated[id(n)] for n in nodes}
    seen: dict[str, _Node] = {}
    clash = False
    for node in nodes:
        code = codes[id(node)]
        if code in seen:
            clash = True
            if id(node) in given:
                report.warning("duplicate_code", sheet.name, sheet.excel_row(node.row), code=code,
                               first=sheet.excel_row(seen[code].row))
        else:
            seen[code] = node
    for node in nodes:
        node.code = generated[id(node)] if clash else codes[id(node)]


def _fmt(value: float) -> str:
    return figure(value)


def load_score_table(raw: RawWorkbook, report: ValidationReport, filename: str = "") -> Evaluation | None:
    """Parse a 评分表 or a 自评表 into an Evaluation (layout "score_table" or "self_evaluation").
    Adds located issues to report; returns None when an error makes the table unusable. A blank
    form (points, no 得分) gives an Evaluation with no scores: an indicator system."""
    found = _locate(raw)
    if found is None:
        report.error("header_missing", columns="三级指标/指标名称、分值、得分/得分率")
        return None
    sheet, header = found
    head = read_form_head(sheet, header.top, report)
    self_evaluation = head.budget is not None or header.target is not None or header.actual is not None
    layout = "self_evaluation" if self_evaluation else "score_table"
    if report.layout is None:
        report.layout = layout
    report.info("layout_detected", sheet.name, sheet.excel_row(header.row),
                layout=SELF_EVALUATION_LABEL if self_evaluation else LAYOUT_LABEL)
    for j, label in header.duplicates:
        report.warning("column_duplicate", sheet.name, sheet.excel_row(header.row), sheet.sheet_col(j), column=label)

    title = _read_title(sheet, header.top, filename)
    if head.info.get("project"):
        title.name = _strip_suffixes(head.info["project"])
    reader = _TableReader(sheet, header, report)
    reader.read()
    if reader.overflow:
        return None
    _prune_placeholders(reader.roots, sheet, header, report)
    if not reader.roots:
        report.error("scoretable_no_indicators", sheet.name, sheet.excel_row(header.row))
        return None

    default_unit = (title.unit or head.info.get("implementer") or head.info.get("project") or title.region
                    or DEFAULT_UNIT)
    if any(u.name is None for u in header.units) and not (title.unit or head.info):
        report.info("scoretable_default_unit", sheet.name, unit=default_unit)
    unit_names = [u.name or default_unit for u in header.units]
    points_col = sheet.sheet_col(header.points) if header.points is not None else sheet.sheet_col(header.levels[-1])
    for node in _walk(reader.roots):
        if not node.children:
            _read_leaf(sheet, header, report, node)
        elif node.declared is None and node.scored_row is not None and header.points is not None:
            # a section or subtotal row of its own may state the parent's points
            value, _ = parse_number(cell(sheet.rows, node.scored_row, header.points))
            if value is not None:
                node.declared = (value, points_col)
    _split_missing_points(reader.roots, sheet, report)
    budget_leaf = _budget_leaf(head.budget, sheet)
    listed = next((leaf for leaf in _leaves_of(reader.roots) if BUDGET_LEAF_NAME in leaf.name), None)
    if budget_leaf is not None and listed is not None:
        # the table scores 预算执行率 among its indicators: the budget block's 分值 is not a second one
        report.info("budget_listed_in_table", sheet.name, sheet.excel_row(listed.row), None, name=listed.name)
        budget_leaf = None
    if budget_leaf is not None and reader.total_points is not None:
        # some variants print a 总分 of the indicators alone, the budget's points beside it
        printed = reader.total_points[0]
        table = sum(leaf.points for leaf in _leaves_of(reader.roots) if not math.isnan(leaf.points))
        if abs(printed - table) <= TOTAL_TOLERANCE < abs(printed - table - budget_leaf.points):
            report.info("budget_outside_total", sheet.name, sheet.excel_row(budget_leaf.row), budget_leaf.declared[1]
                        if budget_leaf.declared else None, printed=_fmt(printed), points=_fmt(budget_leaf.points))
            budget_leaf = None
    elif budget_leaf is not None and head.budget is not None and head.budget.score and 0 in reader.totals \
            and len(header.units) == 1 and header.units[0].score is not None:
        # no printed points: the printed 总分 may still be the indicators' scores alone
        column = header.units[0].score
        printed = reader.totals[0]
        table = sum(parse_number(cell(sheet.rows, leaf.scored_row, column))[0] or 0.0
                    for leaf in _leaves_of(reader.roots) if leaf.scored_row is not None)
        if abs(printed - table) <= TOTAL_TOLERANCE < abs(printed - table - head.budget.score):
            report.info("budget_outside_total", sheet.name, sheet.excel_row(budget_leaf.row), None,
                        printed=_fmt(printed), points=_fmt(budget_leaf.points))
            budget_leaf = None
    roots = ([budget_leaf] if budget_leaf is not None else []) + reader.roots

    _assign_codes(roots, report, sheet)
    indicator_rows: list[dict[str, object]] = []
    score_rows: list[dict[str, object]] = []
    goal_rows: list[dict[str, object]] = []
    rate_percent = {id(u): _rate_column_is_percent(sheet, reader.roots, u) for u in header.units}
    _prefer_filled_score_column(sheet, header, reader.roots, report)

    for node in _walk(roots):
        if node.children:
            leaves = [leaf.points for leaf in _leaves(node) if not math.isnan(leaf.points)]
            node.points = float(sum(leaves))
            if node.declared is not None and leaves and abs(node.declared[0] - node.points) > 1e-6:
                report.warning("scoretable_level_points", sheet.name, sheet.excel_row(node.row), node.declared[1],
                               name=node.name, declared=_fmt(node.declared[0]), total=_fmt(node.points))
        indicator_rows.append({
            "code": node.code, "name": node.name, "parent": node.parent.code if node.parent else None,
            "level": node.level, "points": node.points, "kind": "", "target": math.nan, "unit": "",
            "explanation": node.explanation, "criteria": node.criteria,
            "src_sheet": sheet.name, "src_row": sheet.excel_row(node.row),
            "src_col": _points_column(node, budget_leaf, points_col),
        })
        if node.children or node.scored_row is None:
            continue
        if budget_leaf is not None and node is budget_leaf:
            assert head.budget is not None
            score_rows.extend(_budget_score(head.budget, node, unit_names[:1] or [default_unit], sheet))
            continue
        for unit, name in zip(header.units, unit_names):
            score = _read_score(sheet, report, node.scored_row, unit, rate_percent[id(unit)])
            if score is not None:
                score_rows.append({"unit": name, "code": node.code, **score})
        goal = reader.goal(node)
        if goal is not None:
            goal_rows.append({"unit": unit_names[0] if unit_names else default_unit, "code": node.code, **goal})
    _check_printed_points(reader, roots, sheet, header, report)

    indicators = pd.DataFrame(indicator_rows, columns=INDICATOR_COLUMNS)
    indicators = indicators.astype({"points": float, "target": float, "level": int, "src_row": int, "src_col": int})
    # object dtype keeps None for the roots (a string column would turn it into NaN)
    indicators["parent"] = pd.Series([r["parent"] for r in indicator_rows], dtype=object, index=indicators.index)
    if not unit_names:
        unit_names = [default_unit]
    units = _unit_tree(unit_names, title.region)
    scores = pd.DataFrame(score_rows, columns=SCORE_COLUMNS)
    scores = scores.astype({"points": float, "rate": float, "actual": float})
    above = " ".join(clean_text(v) for row in sheet.rows[: header.top] for v in row)
    project = ProjectInfo(name=title.name, year=title.year, region=title.region or _whole(unit_names) or "",
                          evaluator=title.evaluator, mode=title.mode, illustrative="示意" in above,
                          department=head.info.get("department", ""), implementer=head.info.get("implementer", ""),
                          conclusion=reader.footer.get("conclusion", ""), problems=reader.footer.get("problems", ""),
                          measures=reader.footer.get("measures", ""))
    if self_evaluation:
        # the 自评表 layout is a self-evaluation unless its heading says a department or the finance
        # bureau scored it (a 部门评价 re-scoring the unit's own form)
        if "自评" in above or not re.search(r"(部门|财政).{0,6}评价", above):
            project.mode = "单位自评"
        project.execution_rate_definition = "adjusted_budget"
    rating = reader.footer.get("rating", "")
    if rating:
        project.reported_rating = rating.split("\n")[0][:8]
    budget = pd.DataFrame(budget_rows(head.budget, unit_names[0], sheet, report) if head.budget else [],
                          columns=BUDGET_COLUMNS)
    totals = {unit_names[k]: value for k, value in reader.totals.items()}
    total_cells: dict[str, tuple[str, int, int]] = {}
    for k in reader.totals:
        score_col = header.units[k].score
        if reader.total_row is not None and score_col is not None:
            total_cells[unit_names[k]] = (sheet.name, sheet.excel_row(reader.total_row), sheet.sheet_col(score_col))
    if len(unit_names) == 1 and len(totals) == 1:
        project.reported_total = next(iter(totals.values()))
    goals = pd.DataFrame(goal_rows, columns=GOAL_COLUMNS)
    return Evaluation(project=project, indicators=indicators, units=units, scores=scores, budget=budget,
                      goals=goals, layout=layout, source_name=filename, reported_unit_totals=totals,
                      reported_total_cells=total_cells,
                      reported_points_total=reader.total_points[0] if reader.total_points else None)


def _prune_placeholders(roots: list[_Node], sheet: Sheet, header: _Header, report: ValidationReport) -> None:
    """Drop leaves a printed form keeps for indicators not used (a 二级 with no 三级, a label
    row): no points anywhere and no 得分. Their parents go too when nothing is left under them."""

    def empty(node: _Node) -> bool:
        if node.children or node.declared is not None or node.scored_row is None:
            return False
        i = node.scored_row
        columns = [header.points] + [c for u in header.units for c in (u.score, u.rate)]
        return all(c is None or not _has_value(cell(sheet.rows, i, c)) for c in columns) and not any(
            _has_value(cell(sheet.rows, r, c)) for r in node.sub_rows for c in columns if c is not None)

    def prune(nodes: list[_Node]) -> list[_Node]:
        kept = []
        for node in nodes:
            had_children = bool(node.children)
            node.children = prune(node.children)
            if had_children and not node.children and node.declared is None:
                continue
            if not had_children and empty(node):
                report.info("form_placeholder_row", sheet.name, sheet.excel_row(node.row), name=node.name)
                continue
            kept.append(node)
        return kept

    roots[:] = prune(roots)
    for node in roots:
        if not indicator_label(node.name).name:  # the level-1 cell printed only its points, "(50分)"
            node.name = level1_name_from_children([c.name for c in node.children]) or f"一级指标{roots.index(node) + 1}"
            report.info("level1_named", sheet.name, sheet.excel_row(node.row), name=node.name,
                        points=_fmt(node.declared[0]) if node.declared else "")


def _prefer_filled_score_column(sheet: Sheet, header: _Header, roots: list[_Node], report: ValidationReport) -> None:
    """自评分 | … | 得分 with the 得分 column left empty: the column that holds the scores is read."""
    if len(header.units) != 1 or header.units[0].name is not None or header.units[0].score is None:
        return
    rows = [leaf.scored_row for leaf in _leaves_of(roots) if leaf.scored_row is not None]

    def filled(col: int) -> int:
        return sum(parse_number(cell(sheet.rows, i, col))[0] is not None for i in rows)

    unit = header.units[0]
    others = [j for j, label in header.duplicates if _classify(label) == ("score", "")]
    best = max(others, key=filled, default=None)
    if best is not None and unit.score is not None and filled(unit.score) == 0 and filled(best) > 0:
        report.info("score_column_switched", sheet.name, sheet.excel_row(header.row), sheet.sheet_col(best),
                    empty=column_letter(sheet.sheet_col(unit.score)))
        unit.score = best


def _split_missing_points(roots: list[_Node], sheet: Sheet, report: ValidationReport) -> None:
    """Leaves printed with no points at all, under an indicator whose name states its points
    (产出指标(60分) over six unnumbered leaves): the points are shared equally, and said so."""
    for node in _walk(roots):
        if node.declared is None or not node.children:
            continue
        leaves = _leaves(node)
        if not all(math.isnan(leaf.points) for leaf in leaves):
            continue
        if any(n.declared is not None for n in _walk(node.children)):
            continue  # a lower level states its own points: split there
        each = node.declared[0] / len(leaves)
        for leaf in leaves:
            leaf.points = each
        report.warning("points_split_equally", sheet.name, sheet.excel_row(node.row), node.declared[1],
                       name=node.name, points=_fmt(node.declared[0]), count=len(leaves), each=_fmt(round(each, 4)))
    for leaf in _leaves_of(roots):
        if math.isnan(leaf.points) and not report.errors:
            report.error("name_points_missing", sheet.name, sheet.excel_row(leaf.row), None, name=leaf.name)


def _points_column(node: _Node, budget_leaf: _Node | None, points_col: int) -> int:
    """The column a node's points are stated in: the budget block's 分值 for 预算执行率."""
    if node is budget_leaf and node.declared is not None:
        return node.declared[1]
    return points_col


def _budget_leaf(block: BudgetBlock | None, sheet: Sheet) -> _Node | None:
    """The 预算执行率 indicator of a 自评表's budget block, a level-1 leaf, or None."""
    if block is None or block.points is None or block.scored_row is None:
        return None
    node = _Node(BUDGET_LEAF_NAME, 1, None, block.scored_row, scored_row=block.scored_row)
    node.points = block.points
    node.declared = (block.points, sheet.sheet_col(block.columns["points"]))
    return node


def _budget_score(block: BudgetBlock, node: _Node, units: list[str], sheet: Sheet) -> list[dict[str, object]]:
    if block.score is None or block.scored_row is None:
        return []
    return [{"unit": units[0], "code": node.code, "points": block.score, "rate": math.nan, "actual": math.nan,
             "reason": "", "src_sheet": sheet.name, "src_row": sheet.excel_row(block.scored_row),
             "src_col": sheet.sheet_col(block.columns.get("score", block.columns["points"]))}]


def _check_printed_points(reader: _TableReader, roots: list[_Node], sheet: Sheet, header: _Header,
                          report: ValidationReport) -> None:
    """The 合计/总分 row's 分值 against the points the table's leaves add up to."""
    if reader.total_points is None or header.points is None:
        return
    printed, row = reader.total_points
    added = sum(n.points for n in roots if not math.isnan(n.points))
    if abs(printed - added) > TOTAL_TOLERANCE:
        report.warning("points_total_mismatch", sheet.name, sheet.excel_row(row), sheet.sheet_col(header.points),
                       computed=_fmt(round(added, 6)), printed=_fmt(printed))


AGGREGATE_UNIT = re.compile(r"^(全市|全区|全县|全旗|全省|合计|总体|汇总|市本级|全部)")


def _whole(unit_names: list[str]) -> str | None:
    """The one city/province among county-level units (呼和浩特市 beside 赛罕区, 托克托县)."""
    upper = [n for n in unit_names if n.endswith(("市", "省", "自治区", "州", "盟"))]
    lower = [n for n in unit_names if n.endswith(("区", "县", "旗", "镇", "乡", "街道", "苏木"))]
    if len(upper) == 1 and len(lower) == len(unit_names) - 1 and lower:
        return upper[0]
    return None


def _unit_tree(unit_names: list[str], region: str) -> pd.DataFrame:
    """Units side by side: when one of them is the whole (the region itself, 全市, 总体, …) and
    there are others, it becomes the root and the others its children, so the project's score is
    the whole's and the others are compared as districts."""
    whole = [n for n in unit_names if (region and n == region) or AGGREGATE_UNIT.match(n)]
    root = whole[0] if len(whole) == 1 and len(unit_names) > 1 else _whole(unit_names)
    rows = [{"name": n, "parent": None if root is None or n == root else root, "tier": "",
             "depth": 0 if root is None or n == root else 1, "field_visited": False, "note": ""} for n in unit_names]
    frame = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    frame["parent"] = pd.Series([r["parent"] for r in rows], dtype=object, index=frame.index)
    return frame


def _read_leaf(sheet: Sheet, header: _Header, report: ValidationReport, node: _Node) -> None:
    """The leaf's points: its 分值 cell, else the points printed in its name, else the sum of
    its 其中 rows' own 分值. Points in the name that disagree with the 分值 column are reported."""
    i = node.scored_row if node.scored_row is not None else node.row
    value = None
    if header.points is not None:
        value, _ = _number(sheet, report, i, header.points, "分值")
        if value is None:
            parts = [_number(sheet, report, r, header.points, "分值")[0] for r in node.sub_rows]
            if any(p is not None for p in parts):
                value = float(sum(p for p in parts if p is not None))
    if value is not None and node.declared is not None and abs(value - node.declared[0]) > 1e-6:
        report.warning("name_points_mismatch", sheet.name, sheet.excel_row(i), node.declared[1], name=node.name,
                       declared=_fmt(node.declared[0]), points=_fmt(value))
    if value is None and node.declared is not None:
        value = node.declared[0]
    if value is None:
        if header.points is None:
            return  # perhaps shared out from the parent's points (_split_missing_points), else reported there
        formula = sheet.formula_at(i, header.points)
        text = clean_text(cell(sheet.rows, i, header.points))
        if formula is None and (not text or text.lower() in _PLACEHOLDERS):
            report.error("required", sheet.name, sheet.excel_row(i), sheet.sheet_col(header.points), column="分值")
        return
    node.points = value


def _rate_column_is_percent(sheet: Sheet, roots: list[_Node], unit: _UnitColumns) -> bool:
    """A 得分率 column holds percents when any of its plain numbers (no % sign) exceeds 1."""
    if unit.rate is None:
        return False
    for node in _walk(roots):
        if node.scored_row is None or node.children:
            continue
        value, percent = parse_number(cell(sheet.rows, node.scored_row, unit.rate))
        if value is not None and not percent and value > 1:
            return True
    return False


def _read_score(sheet: Sheet, report: ValidationReport, i: int, unit: _UnitColumns,
                rate_is_percent: bool) -> dict[str, object] | None:
    points = rate = None
    if unit.score is not None:
        points, _ = _number(sheet, report, i, unit.score, "得分")
    if unit.rate is not None:
        rate, percent = _number(sheet, report, i, unit.rate, "得分率")
        if rate is not None and rate_is_percent and not percent:
            rate /= 100.0
    if points is None and rate is None:
        return None
    col = unit.score if points is not None and unit.score is not None else unit.rate
    assert col is not None
    reason = clean_text(cell(sheet.rows, i, unit.reason)) if unit.reason is not None else ""
    return {
        "points": math.nan if points is None else points,
        "rate": math.nan if rate is None else rate,
        "actual": math.nan,
        "reason": reason,
        "src_sheet": sheet.name, "src_row": sheet.excel_row(i), "src_col": sheet.sheet_col(col),
    }
