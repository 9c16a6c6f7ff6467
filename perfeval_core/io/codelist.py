"""Reading score lists whose hierarchy is only in the codes (指标得分情况表).

Third-party reports print 附表 such as «决策指标得分情况表»: one 指标名称 column holding
``A1项目立项`` and ``A101立项依据充分性`` (or a 指标代码 column beside the name), 权重 (points),
指标得分 (score) and 得分率. The level comes from the code (A / A1 / A101 / A10101, or 1 / 1.1 /
1.1.1): a code's parent is the longest earlier code it extends. Rows with children are subtotals:
checked against their children, never counted again. Several such tables may be stacked on one
sheet, each under its own title and header and closed by its own 合计 row; they read as one
evaluation, the level-1 name taken from a table's title when no row carries it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container
from dataclasses import dataclass, field

import pandas as pd

from perfeval_core.io.labels import enumerator_style, footer_kind, indicator_label
from perfeval_core.io.scoretable import (
    _ATTACHMENT,
    DEFAULT_UNIT,
    HEADER_SCAN_ROWS,
    TOTAL_TOLERANCE,
    _classify,
    _fmt,
    _group_units,
    _read_score,
    _read_title,
    _unit_tree,
    _UnitColumns,
)
from perfeval_core.io.sheets import RawWorkbook, Sheet, cell
from perfeval_core.model.evaluation import INDICATOR_COLUMNS, MAX_INDICATORS, SCORE_COLUMNS, Evaluation, ProjectInfo
from perfeval_core.model.normalize import clean_text, is_blank, parse_number
from perfeval_core.model.report import ValidationReport

CODED_SHARE = 0.6  # of a table's indicator rows that must carry a code for the codes to define it
CONTRADICTION = 0.5  # a subtotal further than this from its children is an error
LAYOUT_LABEL = "指标得分情况表（按代码分级）"
_TITLE_SUFFIXES = ("类指标得分情况表", "指标得分情况表", "得分情况表", "类指标评分表", "指标评分表", "类指标得分表",
                   "指标得分表", "评分情况表", "评分表", "得分表", "情况表", "一览表")


@dataclass
class _Columns:
    row: int
    name: int | None
    code: int | None
    points: int
    units: list[_UnitColumns]


@dataclass
class _Row:
    i: int
    code: str
    name: str
    points: float | None
    segment: int
    style: int | None = None  # the numbering style of the name (一、 / （一） / 1. …), see labels.enumerator_style


@dataclass
class _Segment:
    title: str
    columns: _Columns
    rows: list[_Row] = field(default_factory=list)
    total_row: int | None = None


@dataclass
class _Node:
    code: str
    name: str
    row: int | None  # index in sheet.rows; None for a level-1 taken from a title
    declared: float | None  # points its own row prints
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    segment: int = 0

    @property
    def level(self) -> int:
        return 1 if self.parent is None else self.parent.level + 1


def _header(row: list[object], i: int) -> _Columns | None:
    kinds = {j: _classify(v) for j, v in enumerate(row) if not is_blank(v)}
    if any(kind == "level" for kind, _ in kinds.values()):
        return None
    name = next((j for j, (k, _) in kinds.items() if k == "name"), None)
    code = next((j for j, (k, _) in kinds.items() if k == "code"), None)
    points = sorted((d, j) for j, (k, d) in kinds.items() if k == "points" and isinstance(d, int))
    if (name is None and code is None) or not points:
        return None
    units = _group_units([(j, str(k), str(d)) for j, (k, d) in kinds.items() if k in ("score", "rate", "reason")], [])
    if not units:
        return None
    return _Columns(i, name, code, points[0][1], units)


def _code_of(row: list[object], columns: _Columns) -> tuple[str, str, float | None]:
    """(code, name, points printed in the name) of a data row."""
    name_cell = row[columns.name] if columns.name is not None and columns.name < len(row) else ""
    label = indicator_label(name_cell)
    code = label.code
    if columns.code is not None and columns.code < len(row):
        code = clean_text(row[columns.code]).replace(" ", "") or code
    return code, label.name, label.points


def _segments(sheet: Sheet) -> list[_Segment]:
    """Every table of the sheet: a header, the rows under it, up to its 合计 row or the next header.
    Stops at the row past MAX_INDICATORS (the loader refuses that many)."""
    segments: list[_Segment] = []
    current: _Segment | None = None
    title = ""
    count = 0
    for i, row in enumerate(sheet.rows):
        texts = [clean_text(v) for v in row if not is_blank(v)]
        if not texts:
            continue
        columns = _header(row, i)
        if columns is not None:
            current = _Segment(title, columns)
            segments.append(current)
            title = ""
            continue
        numbers = [v for v in texts if parse_number(v)[0] is not None]
        if current is None or current.total_row is not None:
            if len(texts) == 1 and not numbers:
                title = texts[0]
            continue
        first = texts[0]
        if footer_kind(first) is not None:
            if footer_kind(first) == "total":
                current.total_row = i
            else:
                current = None
            continue
        if len(texts) == 1 and not numbers:
            title = texts[0]  # the next table's title, though this one printed no 合计 row
            current = None
            continue
        code, name, _ = _code_of(row, current.columns)
        raw_name = row[current.columns.name] if current.columns.name is not None and current.columns.name < len(row) else ""
        current.rows.append(_Row(i, code, name, None, len(segments) - 1, enumerator_style(raw_name)))
        count += 1
        if count > MAX_INDICATORS:
            break
    return [s for s in segments if s.rows]


def _number_by_enumerators(segments: list[_Segment]) -> bool:
    """A name column numbered 一、 / （一） / 1. / （1）: the numbering is the hierarchy. Gives each row a
    dotted code (1, 1.1, 1.1.1) from it; False when the rows are not numbered that way."""
    rows = [r for s in segments for r in s.rows]
    styles = sorted({r.style for r in rows if r.style is not None})
    if len(rows) < 2 or len(styles) < 2 or any(r.code for r in rows) \
            or sum(r.style is not None for r in rows) < CODED_SHARE * len(rows):
        return False
    depth_of = {style: depth for depth, style in enumerate(styles, start=1)}
    counters: list[int] = []
    for r in rows:
        if r.style is None:
            continue
        depth = depth_of[r.style]
        if depth > len(counters) + 1:
            return False  # 1. under 一、 with no （一） between: not a numbering this reader trusts
        counters = counters[:depth]
        if len(counters) < depth:
            counters.append(0)
        counters[depth - 1] += 1
        r.code = ".".join(str(c) for c in counters)
    return True


def _is_code_list(segments: list[_Segment]) -> bool:
    rows = [r for s in segments for r in s.rows]
    if len(rows) < 2:
        return False
    if _number_by_enumerators(segments):
        return True
    coded = [r for r in rows if r.code]
    if len(coded) < CODED_SHARE * len(rows):
        return False
    codes = [r.code for r in coded]
    # a code extends an earlier one (A101 under A1), or every code hangs under a level-1 the
    # tables name only in their titles (A1, B1 under 决策 / 过程 tables)
    earlier: set[str] = set()
    for c in codes:
        if _parent_code(c, earlier) is not None:
            return True
        earlier.add(c)
    return all(_root_code(c) != c for c in codes)


def _parent_code(code: str, earlier: Container[str]) -> str | None:
    """The longest earlier code that ``code`` extends (A101 -> A1; 1.1.2 -> 1.1): its prefixes
    looked up, longest first (comparing it with every earlier code is quadratic in the rows)."""
    dotted = "." in code
    for k in range(len(code) - 1, 0, -1):
        if (not dotted or code[k] == ".") and code[:k] in earlier:
            return code[:k]
    return None


def find_code_list(raw: RawWorkbook) -> tuple[Sheet, list[_Segment]] | None:
    """The sheet holding a code list and its tables, or None (found once per workbook: the loader
    asks before reading)."""
    return raw.found_once("code_list", _search)


def _search(raw: RawWorkbook) -> tuple[Sheet, list[_Segment]] | None:
    for sheet in raw.sheets:
        head = sheet.rows[:HEADER_SCAN_ROWS]
        if not any(_header(row, i) is not None for i, row in enumerate(head)):
            continue
        segments = _segments(sheet)
        if segments and _is_code_list(segments):
            return sheet, segments
    return None


def _level1_name(title: str) -> str:
    text = _ATTACHMENT.sub("", re.sub(r"\s+", "", title))
    text = re.sub(r"^[\d\-.—]+[:：、]?", "", text)
    for suffix in _TITLE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _root_code(code: str) -> str:
    return code.split(".")[0] if "." in code else code[:1]


def load_code_list(raw: RawWorkbook, report: ValidationReport, filename: str = "") -> Evaluation | None:
    found = find_code_list(raw)
    if found is None:
        report.error("header_missing", columns="指标名称、权重/分值、得分")
        return None
    sheet, segments = found
    rows = [r for s in segments for r in s.rows]
    if len(rows) > MAX_INDICATORS:
        report.error("too_many_indicators", sheet.name, sheet.excel_row(rows[MAX_INDICATORS].i), None,
                     limit=MAX_INDICATORS, first_row=sheet.excel_row(rows[MAX_INDICATORS].i))
        return None
    first = segments[0].columns
    report.info("layout_detected", sheet.name, sheet.excel_row(first.row), layout=LAYOUT_LABEL)
    unit_names = [u.name or DEFAULT_UNIT for u in first.units]
    top = first.row - 1 if segments[0].title else first.row
    title = _read_title(sheet, max(top, 0), filename)
    if title.unit and all(u.name is None for u in first.units):
        unit_names = [title.unit]

    nodes: dict[str, _Node] = {}
    order: list[_Node] = []
    roots: list[_Node] = []
    for k, segment in enumerate(segments):
        for r in segment.rows:
            if not r.code:
                report.warning("codelist_no_code", sheet.name, sheet.excel_row(r.i), _col(sheet, segment.columns),
                               name=r.name)
                continue
            if r.code in nodes:
                report.warning("duplicate_code", sheet.name, sheet.excel_row(r.i), code=r.code,
                               first=sheet.excel_row(nodes[r.code].row or 0))
                continue
            declared, _ = parse_number(cell(sheet.rows, r.i, segment.columns.points))
            node = _Node(r.code, r.name, r.i, declared, segment=k)
            parent_code = _parent_code(r.code, nodes)
            if parent_code is None and len(r.code) > 1 and _root_code(r.code) != r.code:
                # the level-1 of this table is printed only in its title (决策指标得分情况表)
                root = _Node(_root_code(r.code), _level1_name(segment.title) or _root_code(r.code), None,
                             _total_points(sheet, segment), segment=k)
                nodes[root.code] = root
                order.append(root)
                roots.append(root)
                if not segment.title:
                    report.warning("codelist_no_level1_name", sheet.name, sheet.excel_row(r.i), code=root.code)
                parent_code = root.code
            if parent_code is not None:
                node.parent = nodes[parent_code]
                node.parent.children.append(node)
            else:
                roots.append(node)
            nodes[r.code] = node
            order.append(node)

    leaves = [n for n in order if not n.children]
    points: dict[str, float] = {}
    for leaf in leaves:
        if leaf.declared is None:
            report.error("required", sheet.name, sheet.excel_row(leaf.row or 0),
                         sheet.sheet_col(segments[leaf.segment].columns.points), column="权重/分值")
            continue
        if leaf.declared < 0 or not math.isfinite(leaf.declared):
            report.error("negative" if math.isfinite(leaf.declared) else "not_finite", sheet.name,
                         sheet.excel_row(leaf.row or 0),
                         sheet.sheet_col(segments[leaf.segment].columns.points), column="权重/分值",
                         value=_fmt(leaf.declared))
            continue
        points[leaf.code] = leaf.declared
    if not report.ok:
        return None

    def subtree_points(node: _Node) -> float:
        if not node.children:
            return points.get(node.code, 0.0)
        return sum(subtree_points(c) for c in node.children)

    score_rows: list[dict[str, object]] = []
    leaf_rows = [leaf.row for leaf in leaves if leaf.row is not None]
    percent = {id(u): _rate_is_percent(sheet, leaf_rows, u) for segment in segments for u in segment.columns.units}
    for node in order:
        columns = segments[node.segment].columns
        for unit, name in zip(columns.units, unit_names):
            if not node.children and node.row is not None:
                score = _read_score(sheet, report, node.row, unit, percent[id(unit)])
                if score is not None:
                    score_rows.append({"unit": name, "code": node.code, **score})
    scores = pd.DataFrame(score_rows, columns=SCORE_COLUMNS).astype({"points": float, "rate": float, "actual": float})
    _check_subtotals(sheet, segments, order, points, scores, unit_names, report)

    indicator_rows = []
    for node in order:
        row = node.row if node.row is not None else segments[node.segment].columns.row
        indicator_rows.append({
            "code": node.code, "name": node.name, "parent": node.parent.code if node.parent else None,
            "level": node.level, "points": subtree_points(node), "kind": "", "target": math.nan, "unit": "",
            "explanation": "", "criteria": "", "src_sheet": sheet.name, "src_row": sheet.excel_row(row),
            "src_col": sheet.sheet_col(segments[node.segment].columns.points),
        })
    indicators = pd.DataFrame(indicator_rows, columns=INDICATOR_COLUMNS)
    indicators = indicators.astype({"points": float, "target": float, "level": int, "src_row": int, "src_col": int})
    indicators["parent"] = pd.Series([r["parent"] for r in indicator_rows], dtype=object, index=indicators.index)
    project = ProjectInfo(name=title.name, year=title.year, region=title.region, evaluator=title.evaluator,
                          mode=title.mode)
    # a 合计 row under a table of several level-1 indicators: the evaluation's total when the table
    # holds them all (checked with the rest), else checked here against the table's own rows
    totals: dict[str, float] = {}
    total_cells: dict[str, tuple[str, int, int]] = {}
    all_roots = {n.code for n in roots}
    given = _given_points(scores)
    leaves_by_root: dict[str, list[str]] = {}
    for leaf in leaves:
        leaves_by_root.setdefault(_root_code(leaf.code), []).append(leaf.code)
    for segment in segments:
        roots_here = {_root_code(r.code) for r in segment.rows if r.code}
        if segment.total_row is None or len(roots_here) < 2:
            continue
        printed_points = _total_points(sheet, segment)
        codes = [c for root in sorted(roots_here) for c in leaves_by_root.get(root, [])]
        if not roots_here >= all_roots:
            _check_printed(sheet, report, segment.total_row, segment.columns.points, "合计", printed_points,
                           _printed_scores(sheet, segment.columns, segment.total_row, unit_names), codes, points, given)
            continue
        added = sum(points.get(c, 0.0) for c in codes)
        if printed_points is not None and abs(printed_points - added) > TOTAL_TOLERANCE:
            report.warning("points_total_mismatch", sheet.name, sheet.excel_row(segment.total_row),
                           sheet.sheet_col(segment.columns.points), computed=_fmt(round(added, 6)),
                           printed=_fmt(printed_points))
        for unit, name in zip(segment.columns.units, unit_names):
            value = parse_number(cell(sheet.rows, segment.total_row, unit.score))[0] if unit.score is not None else None
            if value is not None and unit.score is not None:
                totals[name] = value
                total_cells[name] = (sheet.name, sheet.excel_row(segment.total_row), sheet.sheet_col(unit.score))
    return Evaluation(project=project, indicators=indicators, units=_unit_tree(unit_names, title.region),
                      scores=scores, layout="code_list", source_name=filename, reported_unit_totals=totals,
                      reported_total_cells=total_cells)


def _col(sheet: Sheet, columns: _Columns) -> int:
    return sheet.sheet_col(columns.name if columns.name is not None else columns.code or 0)


def _total_points(sheet: Sheet, segment: _Segment) -> float | None:
    if segment.total_row is None:
        return None
    return parse_number(cell(sheet.rows, segment.total_row, segment.columns.points))[0]


def _rate_is_percent(sheet: Sheet, rows: list[int], unit: _UnitColumns) -> bool:
    """A 得分率 column holds percents when any of its plain numbers (no % sign) exceeds 1."""
    if unit.rate is None:
        return False
    for i in rows:
        value, percent = parse_number(cell(sheet.rows, i, unit.rate))
        if value is not None and not percent and value > 1:
            return True
    return False


def _given_points(scores: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {(u, c): p for u, c, p in zip(scores["unit"], scores["code"], scores["points"]) if not math.isnan(p)}


def _printed_scores(sheet: Sheet, columns: _Columns, row: int, unit_names: list[str]) -> dict[str, float]:
    out = {}
    for unit, name in zip(columns.units, unit_names):
        if unit.score is not None:
            value = parse_number(cell(sheet.rows, row, unit.score))[0]
            if value is not None:
                out[name] = value
    return out


def _check_printed(sheet: Sheet, report: ValidationReport, row: int, points_column: int, name: str,
                   printed_points: float | None, printed: dict[str, float], codes: list[str],
                   points: dict[str, float], given: dict[tuple[str, str], float]) -> None:
    """A subtotal or 合计 row against the leaves it adds up: its 权重, and each unit's 得分."""
    added = sum(points.get(c, 0.0) for c in codes)
    if printed_points is not None and abs(printed_points - added) > TOTAL_TOLERANCE:
        report.warning("codelist_subtotal_points", sheet.name, sheet.excel_row(row), sheet.sheet_col(points_column),
                       name=name, printed=_fmt(printed_points), computed=_fmt(round(added, 6)))
    for unit, value in printed.items():
        if not all((unit, c) in given for c in codes):
            continue
        total = sum(given[(unit, c)] for c in codes)
        difference = abs(total - value)
        if difference > TOTAL_TOLERANCE:
            report.add("error" if difference > CONTRADICTION else "warning", "codelist_subtotal_score",
                       sheet.name, sheet.excel_row(row), None, name=name, printed=_fmt(value),
                       computed=_fmt(round(total, 6)))


def _check_subtotals(sheet: Sheet, segments: list[_Segment], order: list[_Node], points: dict[str, float],
                     scores: pd.DataFrame, unit_names: list[str], report: ValidationReport) -> None:
    """Every subtotal row (a row with children, and each table's 合计 row) against its children."""
    given = _given_points(scores)

    def leaf_codes(node: _Node) -> list[str]:
        return [node.code] if not node.children else [c for ch in node.children for c in leaf_codes(ch)]

    owners = [_segment_owner(segment) for segment in segments]
    for node in order:
        segment = segments[node.segment]
        columns = segment.columns
        if node.children and node.row is not None:
            _check_printed(sheet, report, node.row, columns.points, node.name, node.declared,
                           _printed_scores(sheet, columns, node.row, unit_names), leaf_codes(node), points, given)
        if node.parent is None and segment.total_row is not None and owners[node.segment] == node.code:
            _check_printed(sheet, report, segment.total_row, columns.points, node.name, _total_points(sheet, segment),
                           _printed_scores(sheet, columns, segment.total_row, unit_names), leaf_codes(node), points,
                           given)


def _segment_owner(segment: _Segment) -> str | None:
    """The level-1 indicator a table's 合计 row totals: the one the table holds, when it holds one only."""
    roots = {r.code for r in segment.rows if r.code and _root_code(r.code) == r.code}
    descendants = {_root_code(r.code) for r in segment.rows if r.code}
    if len(descendants) != 1 or (roots and roots != descendants):
        return None
    return next(iter(descendants))
