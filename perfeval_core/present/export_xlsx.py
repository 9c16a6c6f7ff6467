"""Excel export that stays a what-if model offline.

``workbook_bytes(evaluation, scenario, lang)`` writes (with xlsxwriter in ``constant_memory`` mode:
each row goes to a temporary file as soon as the next one starts, so the score sheet of 50,000
units (2.4 million cells, 600,000 of them formulas) does not sit in memory; every sheet is
therefore written strictly row by row):

- 权重 / Weights: the indicator tree, one row per node, with the official points, the scenario
  points as highlighted input cells and the effective points as live formulas; the band
  thresholds as input cells.
- 评分表 / Scores: one row per scored unit with its 得分率 per leaf (values), then formulas for
  the points per level-1 indicator, the total, the rank within the same depth and the rating.
- 资金 / Budget: 预算/到位/支出 by unit at the main depth and by funding level, rates as formulas.
- 项目分类 / Categories: counts and amounts by category and by district × category.
- 方案 / Scenario: the scenario as given, and official against scenario scores (live).

Every formula carries the engine's number as its cached value, so readers that do not
recalculate (calamine, pandas, previews) see the same numbers as the dashboard. Text that comes
from uploaded data is always written as a string, never as a formula.

Longer than 600 lines because the sheets' formulas refer to each other's cells by position: one
layout object places every sheet, and splitting it would hide which cell a formula reads.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from perfeval_core.analysis import budget as budget_mod
from perfeval_core.analysis import consequences, methods, targets
from perfeval_core.analysis import gaps as gaps_mod
from perfeval_core.analysis.scoring import IndicatorTree, Scenario, ScoreResult, ScoringModel, model_of, project_unit
from perfeval_core.model.evaluation import ARRIVAL_RATE_DEFINITIONS, EXECUTION_RATE_DEFINITIONS, Bands, Evaluation
from perfeval_core.model.rating import threshold_values
from perfeval_core.present import views
from perfeval_core.present.i18n import half_up, mode_name, t
from perfeval_core.present.style import (
    ACCENT,
    WHITE,
    XLSX_BORDER,
    XLSX_FONT,
    XLSX_GRAY_FILL,
    XLSX_GRAY_TEXT,
    XLSX_HEADER_FILL,
    XLSX_INPUT_FILL,
    XLSX_INPUT_L1_BORDER,
    XLSX_INPUT_L1_FILL,
    XLSX_INPUT_TEXT,
    XLSX_NOTE_TEXT,
    band_colors,
)

SHEETS = ("weights", "scores", "budget", "categories", "scenario", "consequences", "methods",
          "targets")  # names: i18n "xlsx_sheet_<key>"; 目标完成 only where the evaluation has targets

# score sheet: helper rows (level-1 no., effective points), two header rows (codes, names), data
SCORE_GROUP_ROW, SCORE_WEIGHT_ROW, SCORE_HEADER_ROW, SCORE_NAME_ROW, SCORE_FIRST_ROW = 2, 3, 4, 5, 6
SCORE_FIRST_LEAF = 4  # after unit, parent, tier, depth


def sheet_name(key: str, lang: str = "zh") -> str:
    return t(f"xlsx_sheet_{key}", lang)


def label(key: str, lang: str = "zh") -> str:
    """Column and sheet labels come from the one catalogue (i18n.py)."""
    return t(key, lang)


def _ref(sheet: str, row: int, col: int) -> str:
    """Absolute reference to a cell of another sheet (sheet names always quoted)."""
    return "'" + sheet.replace("'", "''") + "'!" + xl_rowcol_to_cell(row, col, True, True)


def _cell(row: int, col: int, row_abs: bool = False, col_abs: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs, col_abs)


def _col_range(col: int, first: int, last: int) -> str:
    """``$C$5:$C$20``."""
    return f"{_cell(first, col, True, True)}:{_cell(last, col, True, True)}"


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _number(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """A number cell, or a blank one (with the format) where there is no finite number."""
    number = _finite(value)
    if number is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, number, fmt)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class _Sheet(Worksheet):
    """xlsxwriter's worksheet, minus 29 regular-expression passes per formula.

    ``write_formula`` rewrites every formula with one ``re.sub`` per Excel 365 function that
    needs an ``_xlfn.`` prefix (ANCHORARRAY … XLOOKUP): half the time of a 50,000-unit export
    (600,000 formulas). Ours use only the functions below, none of which is prefixed; a formula
    calling anything else still takes xlsxwriter's path."""

    PLAIN = frozenset({"SUM", "SUMPRODUCT", "SUMIFS", "COUNTIFS", "ROUND", "IF"})
    CALLS = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*(?=\()")

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if (self.use_future_functions or expand_future_functions or formula.startswith("{")
                or not self.PLAIN.issuperset(self.CALLS.findall(formula))):
            return str(super()._prepare_formula(formula, expand_future_functions))
        return formula[1:] if formula.startswith("=") else formula


class _RowOrdered:
    """A small sheet whose cells are written in any order: records the row-bound calls and
    replays them row by row on ``flush()`` (in constant_memory mode xlsxwriter drops, with a
    return code of -2, any write to a row above the last one written)."""

    ROW_CALLS = frozenset({"write_string", "write_number", "write_blank", "write_formula", "merge_range", "set_row"})

    def __init__(self, ws: Any):
        self._ws = ws
        self._calls: list[tuple[int, int, str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._ws, name)
        if name not in self.ROW_CALLS:
            return target

        def record(*args: Any) -> None:
            self._calls.append((int(args[0]), len(self._calls), name, args))
        return record

    def flush(self) -> None:
        for _, _, name, args in sorted(self._calls, key=lambda call: call[:2]):
            getattr(self._ws, name)(*args)
        self._calls.clear()


def _str_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class _Formats:
    def __init__(self, book: Any, labels: Sequence[str]):
        base = {"font_name": XLSX_FONT, "font_size": 10, "valign": "vcenter"}
        border = {"border": 1, "border_color": XLSX_BORDER}
        self.title = book.add_format({**base, "bold": True, "font_size": 14})
        self.section = book.add_format({**base, "bold": True, "font_size": 11, "font_color": ACCENT})
        self.note = book.add_format({**base, "text_wrap": True, "valign": "top", "font_color": XLSX_NOTE_TEXT,
                                     "bg_color": XLSX_GRAY_FILL})
        self.header = book.add_format({**base, **border, "bold": True, "bg_color": XLSX_HEADER_FILL, "text_wrap": True,
                                       "align": "center"})
        self.text = book.add_format({**base, **border})
        self.bold_text = book.add_format({**base, **border, "bold": True})
        self.int = book.add_format({**base, **border, "num_format": "0", "align": "center"})
        self.score = book.add_format({**base, **border, "num_format": "0.00"})
        self.bold_score = book.add_format({**base, **border, "num_format": "0.00", "bold": True})
        self.pct = book.add_format({**base, **border, "num_format": "0.00%"})
        self.wan = book.add_format({**base, **border, "num_format": "#,##0.00"})
        self.count = book.add_format({**base, **border, "num_format": "#,##0"})
        self.center = book.add_format({**base, **border, "align": "center"})
        self.weight = book.add_format({**base, **border, "num_format": "0.0000", "font_color": XLSX_GRAY_TEXT,
                                       "bg_color": XLSX_GRAY_FILL})
        self.group = book.add_format({**base, **border, "num_format": "0", "align": "center",
                                      "font_color": XLSX_GRAY_TEXT, "bg_color": XLSX_GRAY_FILL})
        self.gray_label = book.add_format({**base, **border, "font_color": XLSX_GRAY_TEXT, "bg_color": XLSX_GRAY_FILL,
                                           "align": "right"})
        inputs = {**base, **border, "num_format": "0.00##", "font_color": XLSX_INPUT_TEXT, "bg_color": XLSX_INPUT_FILL,
                  "locked": False}
        self.input = book.add_format(inputs)
        self.input_pct = book.add_format({**inputs, "num_format": "+0.0%;-0.0%;0%"})
        self.input_l1 = book.add_format({**inputs, "bold": True, "bg_color": XLSX_INPUT_L1_FILL, "border": 2,
                                         "border_color": XLSX_INPUT_L1_BORDER})
        self.bands = [book.add_format({"bg_color": color, "font_color": WHITE, "bold": True})
                      for color in band_colors(tuple(labels))]


class _Writer:
    def __init__(self, source: Evaluation | ScoringModel, scenario: Scenario | None, lang: str,
                 constant_memory: bool = True):
        self.model, self.ev = model_of(source)
        self.scenario = scenario
        self.lang = "en" if lang == "en" else "zh"
        self.official: ScoreResult = self.model.score()
        self.result: ScoreResult = self.model.score(scenario)
        self.buffer = io.BytesIO()
        # constant_memory needs in_memory off (rows are spooled to temporary files, then zipped
        # into the buffer); the in-memory mode is kept for the test that compares the two
        self.book = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": constant_memory, "in_memory": not constant_memory, "strings_to_formulas": False,
            "strings_to_numbers": False, "strings_to_urls": False, "nan_inf_to_errors": True})
        self.fmt = _Formats(self.book, self.result.bands.labels)
        self.names = {key: sheet_name(key, self.lang) for key in SHEETS}
        tree = self.model.tree
        self.n_nodes = len(tree.codes)
        # 权重 layout
        self.w_header = 3
        self.w_first = 4
        self.w_total = self.w_first + self.n_nodes  # level-1 total row
        self.w_cols = dict(seq=0, code=1, name=2, level=3, parent_code=4, parent_seq=5, level1=6,
                           official=7, input=8, children=9, effective=10, change=11)
        self.w_band_col = 13  # band label; lower bound in the next column
        # 评分表 layout
        self.s_group_row, self.s_weight_row = SCORE_GROUP_ROW, SCORE_WEIGHT_ROW
        self.s_code_row, self.s_name_row, self.s_first = SCORE_HEADER_ROW, SCORE_NAME_ROW, SCORE_FIRST_ROW
        self.s_leaf0 = SCORE_FIRST_LEAF
        n_leaves, n_l1 = len(tree.leaves), len(tree.level1)
        self.s_group0 = self.s_leaf0 + n_leaves
        self.s_total = self.s_group0 + n_l1
        self.s_rounded = self.s_total + 1
        self.s_rank = self.s_total + 2
        self.s_rating = self.s_total + 3
        self.level1_of = self._level1_ancestors()

    # ------------------------------------------------------------------ helpers
    def _sheet(self, name: str) -> Any:
        return self.book.add_worksheet(name, worksheet_class=_Sheet)

    def L(self, key: str, **params: object) -> str:
        text = label(key, self.lang)
        return text.format(**params) if params else text

    def text(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Data from the workbook: always a string cell (never a formula), blank when missing."""
        if _blank(value):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_string(row, col, str(value), fmt)

    def num(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        _number(ws, row, col, value, fmt)

    def formula(self, ws: Any, row: int, col: int, formula: str, fmt: Any, value: Any) -> None:
        if isinstance(value, str):
            ws.write_formula(row, col, formula, fmt, value)
            return
        number = _finite(value)
        ws.write_formula(row, col, formula, fmt, "" if number is None else number)

    def _level1_ancestors(self) -> list[int]:
        tree = self.model.tree
        out = []
        for i in range(self.n_nodes):
            node = i
            while tree.parent[node] >= 0:
                node = int(tree.parent[node])
            out.append(node)
        return out

    def w_ref(self, node: int, col: str) -> str:
        return _ref(self.names["weights"], self.w_first + node, self.w_cols[col])

    def band_label_ref(self, k: int) -> str:
        return _ref(self.names["weights"], self.w_first + k, self.w_band_col)

    def band_lower_ref(self, k: int) -> str:
        return _ref(self.names["weights"], self.w_first + k, self.w_band_col + 1)

    def rating_formula(self, rounded_cell: str) -> str:
        labels = self.result.bands.labels
        expr = self.band_label_ref(len(labels) - 1)
        for k in range(len(labels) - 2, -1, -1):
            expr = f"IF({rounded_cell}>={self.band_lower_ref(k)},{self.band_label_ref(k)},{expr})"
        return "=" + expr

    # ------------------------------------------------------------------ sheets
    def build(self) -> bytes:
        self.weights_sheet()
        self.scores_sheet()
        self.budget_sheet()
        self.categories_sheet()
        self.scenario_sheet()
        self.consequences_sheet()
        self.methods_sheet()
        self.targets_sheet()
        self.book.close()
        return self.buffer.getvalue()

    def weights_sheet(self) -> None:
        f, c, tree = self.fmt, self.w_cols, self.model.tree
        # the band table on the right shares rows with the tree: buffered, then written row by row
        ws = _RowOrdered(self._sheet(self.names["weights"]))
        nodes = self.result.node_points
        total = float(tree.total)
        ws.write_string(0, 0, self.L("weights_title"), f.title)
        note = t("xlsx_weights_note", self.lang, total=total, l1=self.L("level1_total"), children=self.L("children_sum"))
        if not self._official_consistent():
            note += " " + self.L("inconsistent_note")
        ws.merge_range(1, 0, 1, c["change"], "", f.note)
        ws.write_string(1, 0, note, f.note)
        ws.set_row(1, 118 if self.lang == "zh" else 150)
        headers = {"seq": "seq", "code": "code", "name": "name", "level": "level", "parent_code": "parent_code",
                   "parent_seq": "parent_seq", "level1": "level1_code", "official": "official_points",
                   "input": "scenario_points", "children": "children_sum", "effective": "effective_points",
                   "change": "change"}
        for key, col in c.items():
            ws.write_string(self.w_header, col, self.L(headers[key]), f.header)
        ws.set_row(self.w_header, 32)
        first, last = self.w_first, self.w_first + self.n_nodes - 1
        input_col, eff_col = c["input"], c["effective"]
        l1_input_sum = _cell(self.w_total, input_col, True, True)
        official_total = _cell(self.w_total, c["official"], True, True)
        for i in range(self.n_nodes):
            r = first + i
            parent = int(tree.parent[i])
            is_leaf = not tree.children[i]
            is_l1 = parent < 0
            ws.write_number(r, c["seq"], i + 1, f.int)
            self.text(ws, r, c["code"], tree.codes[i], f.bold_text if is_l1 else f.text)
            indent = "" if is_l1 else "  " * (int(tree.level[i]) - 1)
            name = tree.names[i]
            self.text(ws, r, c["name"], None if _blank(name) else indent + str(name), f.bold_text if is_l1 else f.text)
            ws.write_number(r, c["level"], int(tree.level[i]), f.int)
            if is_l1:
                ws.write_blank(r, c["parent_code"], None, f.text)
                ws.write_blank(r, c["parent_seq"], None, f.int)
            else:
                self.text(ws, r, c["parent_code"], tree.codes[parent], f.text)
                ws.write_number(r, c["parent_seq"], parent + 1, f.int)
            self.text(ws, r, c["level1"], tree.codes[self.level1_of[i]], f.center)
            self.num(ws, r, c["official"], tree.points[i], f.score)
            ws.write_number(r, input_col, float(nodes[i]), f.input_l1 if is_l1 else f.input)
            if is_leaf:
                ws.write_blank(r, c["children"], None, f.score)
            else:
                children_sum = float(sum(nodes[k] for k in tree.children[i]))
                self.formula(ws, r, c["children"],
                             f"=SUMIFS({_col_range(input_col, first, last)},{_col_range(c['parent_seq'], first, last)},"
                             f"{_cell(r, c['seq'])})", f.score, children_sum)
            own = _cell(r, input_col)
            if is_l1:
                eff = f"=IF({l1_input_sum}>0,{own}*{official_total}/{l1_input_sum},0)"
            else:
                pr = first + parent
                sibling_sum = _cell(pr, c["children"], True, True)
                eff = f"=IF({sibling_sum}>0,{own}/{sibling_sum}*{_cell(pr, eff_col, True, True)},0)"
            self.formula(ws, r, eff_col, eff, f.bold_score if is_l1 else f.score, nodes[i])
            self.formula(ws, r, c["change"], f"={_cell(r, eff_col)}-{_cell(r, c['official'])}", f.score,
                         float(nodes[i] - tree.points[i]))
        # level-1 totals
        r = self.w_total
        ws.merge_range(r, 0, r, c["level1"], self.L("level1_total"), f.bold_text)
        level_range = _col_range(c["level"], first, last)
        ws.write_number(r, c["official"], total, f.bold_score)
        l1 = tree.level1
        self.formula(ws, r, input_col, f"=SUMIFS({_col_range(input_col, first, last)},{level_range},1)",
                     f.bold_score, float(nodes[l1].sum()))
        ws.write_blank(r, c["children"], None, f.score)
        self.formula(ws, r, eff_col, f"=SUMIFS({_col_range(eff_col, first, last)},{level_range},1)",
                     f.bold_score, float(nodes[l1].sum()))
        self.formula(ws, r, c["change"], f"={_cell(r, eff_col)}-{_cell(r, c['official'])}", f.score,
                     float(nodes[l1].sum() - total))
        ws.data_validation(first, input_col, last, input_col, {
            "validate": "decimal", "criteria": ">=", "value": 0,
            "error_message": "≥ 0" if self.lang == "en" else "分值须为非负数"})
        # bands
        bc = self.w_band_col
        bands = self.result.bands
        ws.write_string(self.w_header, bc, self.L("band"), f.header)
        ws.write_string(self.w_header, bc + 1, self.L("band_lower"), f.header)
        lowers = threshold_values(bands.thresholds)  # as the one rating rule applies them
        for k, name in enumerate(bands.labels):
            rr = self.w_first + k
            self.text(ws, rr, bc, name, f.center)
            if k < len(bands.labels) - 1:
                ws.write_number(rr, bc + 1, lowers[k], f.input_l1)
                ws.conditional_format(rr, bc, rr, bc, {"type": "no_blanks",
                                                       "format": f.bands[min(k, len(f.bands) - 1)]})
            else:
                ws.write_string(rr, bc + 1, self.L("below_all"), f.gray_label)
                ws.conditional_format(rr, bc, rr, bc, {"type": "no_blanks",
                                                       "format": f.bands[min(k, len(f.bands) - 1)]})
        n_thr = len(bands.labels) - 1
        ws.data_validation(self.w_first, bc + 1, self.w_first + n_thr - 1, bc + 1, {
            "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
            "error_message": "0–100"})
        widths = {"seq": 5, "code": 8, "name": 24, "level": 6, "parent_code": 9, "parent_seq": 8, "level1": 10,
                  "official": 10, "input": 14, "children": 14, "effective": 11, "change": 9}
        for key, width in widths.items():
            ws.set_column(c[key], c[key], width)
        ws.set_column(bc - 1, bc - 1, 3)
        ws.set_column(bc, bc, 10)
        ws.set_column(bc + 1, bc + 1, 18)
        ws.freeze_panes(self.w_first, c["name"] + 1)
        ws.activate()
        ws.flush()

    def _official_consistent(self) -> bool:
        tree = self.model.tree
        for i in range(self.n_nodes):
            kids = tree.children[i]
            if kids and abs(float(sum(tree.points[k] for k in kids)) - float(tree.points[i])) > 1e-9:
                return False
        return True

    def scores_sheet(self) -> None:
        f, tree, res = self.fmt, self.model.tree, self.result
        ws = self._sheet(self.names["scores"])
        units = self.model.unit_names
        n = len(units)
        leaves = [int(x) for x in tree.leaves]
        level1 = [int(x) for x in tree.level1]
        group_of = {node: k + 1 for k, node in enumerate(level1)}
        ws.write_string(0, 0, self.L("scores_title"), f.title)
        note = t("xlsx_scores_note", self.lang, w=self.s_weight_row + 1, g=self.s_group_row + 1,
                 weights=self.names["weights"])
        ws.merge_range(1, 0, 1, max(self.s_rating, 8), "", f.note)
        ws.write_string(1, 0, note, f.note)
        ws.set_row(1, 48 if self.lang == "zh" else 62)
        # helper rows: level-1 no., then effective points (each row complete before the next)
        ws.merge_range(self.s_group_row, 0, self.s_group_row, 3, self.L("group_index"), f.gray_label)
        for j, leaf in enumerate(leaves):
            ws.write_number(self.s_group_row, self.s_leaf0 + j, group_of[self.level1_of[leaf]], f.group)
        for k in range(len(level1)):
            ws.write_number(self.s_group_row, self.s_group0 + k, k + 1, f.group)
        ws.merge_range(self.s_weight_row, 0, self.s_weight_row, 3, self.L("effective_points"), f.gray_label)
        for j, leaf in enumerate(leaves):
            self.formula(ws, self.s_weight_row, self.s_leaf0 + j, "=" + self.w_ref(leaf, "effective"), f.weight,
                         res.node_points[leaf])
        for k, node in enumerate(level1):
            self.formula(ws, self.s_weight_row, self.s_group0 + k, "=" + self.w_ref(node, "effective"), f.weight,
                         res.node_points[node])
        self.formula(ws, self.s_weight_row, self.s_total,
                     f"=SUM({_cell(self.s_weight_row, self.s_group0)}:{_cell(self.s_weight_row, self.s_total - 1)})",
                     f.weight, float(res.node_points[level1].sum()))
        # headers: the fixed columns span the code and name rows. merge_range() would write its
        # blank into the name row before the code row is complete, so the merges are declared
        # (xlsxwriter's list of merged ranges) and their two cells written row by row.
        hr, nr = self.s_code_row, self.s_name_row
        spanning = ((0, "unit"), (1, "parent_unit"), (2, "tier"), (3, "depth"), (self.s_total, "total_score"),
                    (self.s_rounded, "total_rounded"), (self.s_rank, "rank"), (self.s_rating, "rating"))
        for col, key in spanning:
            ws.merge.append([hr, col, nr, col])
            ws.write_string(hr, col, self.L(key), f.header)
        for j, leaf in enumerate(leaves):
            self.text(ws, hr, self.s_leaf0 + j, tree.codes[leaf], f.header)
        for k, node in enumerate(level1):
            self.text(ws, hr, self.s_group0 + k, tree.codes[node], f.header)
        ws.set_row(nr, 42)
        for col, _ in spanning:
            ws.write_blank(nr, col, None, f.header)
        for j, leaf in enumerate(leaves):
            self.text(ws, nr, self.s_leaf0 + j, tree.names[leaf], f.header)
        for k, node in enumerate(level1):
            self.text(ws, nr, self.s_group0 + k, tree.names[node], f.header)
        if n == 0:
            ws.write_string(self.s_first, 0, t("no_data", self.lang))
            return
        info = self.ev.units.drop_duplicates("name").set_index("name")
        first, last = self.s_first, self.s_first + n - 1
        leaf_first = _cell(self.s_weight_row, self.s_leaf0, True, True)
        leaf_last = _cell(self.s_weight_row, self.s_group0 - 1, True, True)
        grp_first = _cell(self.s_group_row, self.s_leaf0, True, True)
        grp_last = _cell(self.s_group_row, self.s_group0 - 1, True, True)
        depth_range = _col_range(3, first, last)
        rounded_range = _col_range(self.s_rounded, first, last)
        ranks = res.rank
        ratings = res.ratings
        for u, unit in enumerate(units):
            r = first + u
            self.text(ws, r, 0, unit, f.bold_text)
            self.text(ws, r, 1, self.model.unit_parent[u], f.text)
            self.text(ws, r, 2, info.at[unit, "tier"] if unit in info.index else None, f.center)
            ws.write_number(r, 3, int(self.model.unit_depth[u]), f.int)
            for j in range(len(leaves)):
                ws.write_number(r, self.s_leaf0 + j, float(self.model.rates[u, j]), f.pct)
            rates = f"{_cell(r, self.s_leaf0, False, True)}:{_cell(r, self.s_group0 - 1, False, True)}"
            for k in range(len(level1)):
                col = self.s_group0 + k
                self.formula(ws, r, col,
                             f"=SUMPRODUCT({rates},{leaf_first}:{leaf_last},"
                             f"--({grp_first}:{grp_last}={_cell(self.s_group_row, col, True)}))",
                             f.score, res.level1[u, k])
            total = float(res.total[u])
            self.formula(ws, r, self.s_total,
                         f"=SUM({_cell(r, self.s_group0)}:{_cell(r, self.s_total - 1)})", f.bold_score, total)
            rounded = _cell(r, self.s_rounded, False, True)
            self.formula(ws, r, self.s_rounded, f"=ROUND({_cell(r, self.s_total)},2)", f.score,
                         float(np.round(total, 2)))
            self.formula(ws, r, self.s_rank,
                         f"=1+COUNTIFS({depth_range},{_cell(r, 3, False, True)},{rounded_range},\">\"&{rounded})",
                         f.int, int(ranks[u]))
            self.formula(ws, r, self.s_rating, self.rating_formula(rounded), f.center, ratings[u])
        for k, name in enumerate(res.bands.labels):
            ws.conditional_format(first, self.s_rating, last, self.s_rating, {
                "type": "cell", "criteria": "==", "value": _str_literal(str(name)),
                "format": f.bands[min(k, len(f.bands) - 1)]})
        ws.freeze_panes(first, 1)
        ws.autofilter(nr, 0, last, self.s_rating)
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 14)
        ws.set_column(2, 3, 6)
        ws.set_column(self.s_leaf0, self.s_group0 - 1, 9)
        ws.set_column(self.s_group0, self.s_total - 1, 9)
        ws.set_column(self.s_total, self.s_rounded, 11)
        ws.set_column(self.s_rank, self.s_rating, 7)

    def _amount_columns(self) -> list[str]:
        cols = ["budget"]
        if self.ev.project.arrival_rate_definition == "plan":
            cols.append("plan")
        if self.ev.project.execution_rate_definition == "adjusted_budget":
            cols.append("adjusted_budget")
        return [*cols, "arrived", "spent"]

    def _budget_block(self, ws: Any, row: int, title: str, first_label: str, names: Sequence[Any],
                      frame: pd.DataFrame, total_label: str) -> int:
        """Write one table of amounts with rate formulas and a SUM row; returns the next free row."""
        f = self.fmt
        amounts = self._amount_columns()
        ws.write_string(row, 0, title, f.section)
        row += 1
        headers = [first_label] + [f"{self.L(a)}（{self.L('wan')}）" if self.lang == "zh"
                                   else f"{self.L(a)} ({self.L('wan')})" for a in amounts]
        headers += [self.L("arrival_rate"), self.L("execution_rate")]
        for j, h in enumerate(headers):
            ws.write_string(row, j, h, f.header)
        ws.set_row(row, 30)
        row += 1
        col = {a: 1 + k for k, a in enumerate(amounts)}
        rate_col = 1 + len(amounts)
        arrival_den = "plan" if self.ev.project.arrival_rate_definition == "plan" else "budget"
        exec_den = "adjusted_budget" if self.ev.project.execution_rate_definition == "adjusted_budget" else "arrived"
        first = row
        for name, (_, values) in zip(names, frame.iterrows()):
            self.text(ws, row, 0, name, f.text)
            for a in amounts:
                self.num(ws, row, col[a], values[a], f.wan)
            self._rate_formulas(ws, row, col, rate_col, arrival_den, exec_den,
                                values.get("arrival_rate"), values.get("execution_rate"))
            row += 1
        last = row - 1
        ws.write_string(row, 0, total_label, f.bold_text)
        sums = frame[amounts].sum() if len(frame) else pd.Series(0.0, index=amounts)
        for a in amounts:
            if last >= first:
                self.formula(ws, row, col[a], f"=SUM({_cell(first, col[a])}:{_cell(last, col[a])})", f.wan,
                             float(sums[a]))
            else:
                ws.write_number(row, col[a], 0.0, f.wan)
        arrival = budget_mod.arrival_rate(sums.to_frame().T, self.ev.project.arrival_rate_definition).iloc[0]
        execution = budget_mod.execution_rate(sums.to_frame().T, self.ev.project.execution_rate_definition).iloc[0]
        self._rate_formulas(ws, row, col, rate_col, arrival_den, exec_den, arrival, execution)
        return row + 2

    def _rate_formulas(self, ws: Any, row: int, col: dict[str, int], rate_col: int, arrival_den: str,
                       exec_den: str, arrival: Any, execution: Any) -> None:
        f = self.fmt
        for k, (num, den, value) in enumerate((("arrived", arrival_den, arrival), ("spent", exec_den, execution))):
            d, n = _cell(row, col[den]), _cell(row, col[num])
            number = _finite(value)
            self.formula(ws, row, rate_col + k, f'=IF({d}>0,{n}/{d},"")', f.pct, "" if number is None else number)

    def budget_sheet(self) -> None:
        f = self.fmt
        ws = self._sheet(self.names["budget"])
        ws.write_string(0, 0, self.L("budget_title"), f.title)
        p = self.ev.project
        arrival = ARRIVAL_RATE_DEFINITIONS.get(p.arrival_rate_definition, p.arrival_rate_definition)
        execution = EXECUTION_RATE_DEFINITIONS.get(p.execution_rate_definition, p.execution_rate_definition)
        ws.write_string(1, 0, self.L("definitions_note", arrival=arrival, execution=execution))
        ws.set_column(0, 0, 18)
        ws.set_column(1, 8, 14)
        if self.ev.budget.empty:
            ws.write_string(3, 0, t("no_data", self.lang))
            return
        units = views.children(self.ev, None)
        table = views.budget_by(self.ev, units)
        row = self._budget_block(ws, 3, self.L("by_unit"), t("unit", self.lang), table["unit"].tolist(), table,
                                 self.L("listed_total"))
        levels = budget_mod.by_level(self.ev)
        self._budget_block(ws, row, self.L("by_level"), t("funding_level", self.lang), list(levels.index), levels,
                           self.L("total_row"))
        ws.freeze_panes(0, 1)

    def categories_sheet(self) -> None:
        f = self.fmt
        ws = self._sheet(self.names["categories"])
        ws.write_string(0, 0, self.L("categories_title"), f.title)
        ws.set_column(0, 0, 24)
        ws.set_column(1, 30, 12)
        if self.ev.projects.empty:
            ws.write_string(2, 0, t("no_data", self.lang))
            return
        totals = views.category_totals(self.ev)
        row = 2
        ws.write_string(row, 0, self.L("by_category"), f.section)
        row += 1
        headers = [t("category", self.lang), t("in_scope", self.lang), t("projects", self.lang),
                   t("amount_wan", self.lang), self.L("count_share"), self.L("amount_share")]
        for j, h in enumerate(headers):
            ws.write_string(row, j, h, f.header)
        row += 1
        first, last = row, row + len(totals) - 1
        count_sum = float(pd.to_numeric(totals["count"], errors="coerce").fillna(0).sum())
        amount_sum = float(pd.to_numeric(totals["amount"], errors="coerce").fillna(0).sum())
        for _, rec in totals.iterrows():
            self.text(ws, row, 0, rec["category"], f.text)
            ws.write_string(row, 1, self.L("yes") if bool(rec["in_scope"]) else self.L("no"), f.center)
            self.num(ws, row, 2, rec["count"], f.count)
            self.num(ws, row, 3, rec["amount"], f.wan)
            for k, (col, whole) in enumerate(((2, count_sum), (3, amount_sum))):
                share = (_finite(rec[["count", "amount"][k]]) or 0.0) / whole if whole > 0 else None
                self.formula(ws, row, 4 + k,
                             f'=IF(SUM({_col_range(col, first, last)})>0,'
                             f'{_cell(row, col)}/SUM({_col_range(col, first, last)}),"")',
                             f.pct, "" if share is None else share)
            row += 1
        ws.write_string(row, 0, self.L("total_row"), f.bold_text)
        self.formula(ws, row, 2, f"=SUM({_cell(first, 2)}:{_cell(last, 2)})", f.count, count_sum)
        self.formula(ws, row, 3, f"=SUM({_cell(first, 3)}:{_cell(last, 3)})", f.wan, amount_sum)
        row += 2
        by = views.categories_by(self.ev)
        categories = totals["category"].tolist()
        districts = list(dict.fromkeys(by["district"].tolist()))
        for key, column, fmt in (("counts_by_district", "count", f.count), ("amounts_by_district", "amount", f.wan)):
            pivot = by.pivot_table(index="district", columns="category", values=column, aggfunc="sum",
                                   fill_value=0.0, sort=False)
            pivot = pivot.reindex(index=districts, columns=categories, fill_value=0.0).fillna(0.0)
            row = self._crosstab(ws, row, self.L(key), pivot, fmt)

    def _crosstab(self, ws: Any, row: int, title: str, pivot: pd.DataFrame, fmt: Any) -> int:
        f = self.fmt
        ws.write_string(row, 0, title, f.section)
        row += 1
        ws.write_string(row, 0, t("district", self.lang), f.header)
        for j, category in enumerate(pivot.columns):
            self.text(ws, row, 1 + j, category, f.header)
        total_col = 1 + len(pivot.columns)
        ws.write_string(row, total_col, self.L("total_row"), f.header)
        ws.set_row(row, 30)
        row += 1
        first = row
        for district, values in pivot.iterrows():
            self.text(ws, row, 0, district, f.text)
            for j, value in enumerate(values.to_numpy(dtype=float)):
                self.num(ws, row, 1 + j, value, fmt)
            self.formula(ws, row, total_col, f"=SUM({_cell(row, 1)}:{_cell(row, total_col - 1)})", fmt,
                         float(values.sum()))
            row += 1
        last = row - 1
        ws.write_string(row, 0, self.L("total_row"), f.bold_text)
        sums = pivot.sum(axis=0).to_numpy(dtype=float)
        for j in range(len(pivot.columns) + 1):
            value = float(sums[j]) if j < len(sums) else float(sums.sum())
            if last >= first:
                self.formula(ws, row, 1 + j, f"=SUM({_cell(first, 1 + j)}:{_cell(last, 1 + j)})", fmt, value)
        return row + 2

    def consequences_sheet(self) -> None:
        """评价结果应用: per unit of the deepest scored tier, budget × the rule of its rating (the
        score sheet's live rating), with the rules as input cells; cached values are the engine's."""
        f, res = self.fmt, self.result
        ws = self._sheet(self.names["consequences"])
        ws.set_column(0, 0, 22)
        ws.set_column(1, 5, 14)
        ws.set_column(7, 8, 12)
        rules = consequences.rules_of(self.scenario.rules if self.scenario is not None else None, res.bands)
        table = consequences.apply(self.model, res, rules).table
        rows = consequences.unit_rows(self.model)
        ws.write_string(0, 0, self.L("xlsx_consequences_title"), f.title)
        ws.merge_range(1, 0, 1, 8, "", f.note)
        ws.write_string(1, 0, t("xlsx_consequences_note", self.lang, scores=self.names["scores"]), f.note)
        ws.set_row(1, 44 if self.lang == "zh" else 58)
        header = 3
        ws.write_string(header - 1, 7, self.L("xlsx_rules"), f.section)  # rows in order: constant_memory
        for j, key in enumerate(("unit", "budget_wan_unit", "rating", "xlsx_rule_rate", "budget_change", "next_budget")):
            ws.write_string(header, j, t(key, self.lang), f.header)
        ws.write_string(header, 7, self.L("xlsx_rule_band"), f.header)
        ws.write_string(header, 8, self.L("xlsx_rule_rate"), f.header)
        labels = list(res.bands.labels)
        first = header + 1
        rule_labels = _col_range(7, first, first + len(labels) - 1)
        rule_rates = _col_range(8, first, first + len(labels) - 1)
        last_unit = first + len(table) - 1
        # columns as lists: a pandas row lookup per unit cost more than writing its cells
        units, budget_of, rating_of = table["unit"].tolist(), table["budget"].tolist(), table["rating"].tolist()
        change_of, next_of = table["change"].tolist(), table["next_budget"].tolist()
        scores_sheet = "'" + self.names["scores"].replace("'", "''") + "'!"
        rating_col = xl_rowcol_to_cell(0, self.s_rating, True, True).rstrip("1").rstrip("$") + "$"
        for k in range(max(len(table), len(labels)) + 1):
            r = first + k
            if k < len(table):
                self.text(ws, r, 0, units[k], f.text)
                ws.write_formula(r, 2, f"={scores_sheet}{rating_col}{self.s_first + int(rows[k]) + 1}", f.center,
                                 rating_of[k])
                budget_value = float(budget_of[k])
                if math.isfinite(budget_value):
                    ws.write_number(r, 1, budget_value, f.wan)
                    rate = rules.get(rating_of[k], 0.0)
                    excel = r + 1
                    self.formula(ws, r, 3, f"=IFERROR(INDEX({rule_rates},MATCH(C{excel},{rule_labels},0)),0)",
                                 f.pct, rate)
                    self.formula(ws, r, 4, f"=B{excel}*D{excel}", f.wan, change_of[k])
                    self.formula(ws, r, 5, f"=B{excel}+E{excel}", f.wan, next_of[k])
            elif k == len(table) and len(table):
                ws.write_string(r, 0, self.L("xlsx_sum"), f.bold_text)
                for col in (1, 4, 5):
                    value = float(np.nansum(table[["budget", "change", "next_budget"][(1, 4, 5).index(col)]]))
                    self.formula(ws, r, col, f"=SUM({_col_range(col, first, last_unit)})", f.wan, value)
            if k < len(labels):
                ws.write_string(r, 7, labels[k], f.bands[min(k, len(f.bands) - 1)])
                ws.write_number(r, 8, rules[labels[k]], f.input_pct)

    def methods_sheet(self) -> None:
        """赋权方法: the official level-1 points beside equal, entropy and CRITIC weighting on this
        workbook's 得分率 matrix, with what each changes for the deepest scored tier (values, as the
        what-if page's table shows them; docs/methods.md gives the formulas)."""
        f, tree = self.fmt, self.model.tree
        depth = int(self.model.unit_depth.max()) if len(self.model.unit_depth) else 0
        candidates = methods.side_by_side(self.model, depth)
        ws = self._sheet(self.names["methods"])
        codes = [tree.codes[i] for i in tree.level1]
        names = [tree.names[i] for i in tree.level1]
        ws.set_column(0, 0, 22)
        ws.set_column(1, len(codes) + 3, 13)
        ws.write_string(0, 0, self.L("xlsx_sheet_methods"), f.title)
        ws.merge_range(1, 0, 1, len(codes) + 3, "", f.note)
        ws.write_string(1, 0, self.L("xlsx_methods_note"), f.note)
        ws.set_row(1, 44 if self.lang == "zh" else 58)
        header = [self.L("method"), *[f"{c} {n}" for c, n in zip(codes, names)], self.L("method_ranks"),
                  self.L("method_ratings"), self.L("method_rules")]
        for j, text in enumerate(header):
            ws.write_string(3, j, text, f.header)
        for k, c in enumerate(candidates):
            r = 4 + k
            ws.write_string(r, 0, self.L(f"method_{c.method}"), f.bold_text if c.method == "official" else f.text)
            if c.weights is None:
                reason = c.refusal.text(self.lang) if c.refusal is not None else ""
                ws.merge_range(r, 1, r, len(header) - 1, reason, f.text)
                continue
            for j, code in enumerate(codes):
                self.num(ws, r, 1 + j, c.weights.get(code), f.score)
            ws.write_number(r, 1 + len(codes), c.rank_changes, f.int)
            ws.write_number(r, 2 + len(codes), c.rating_changes, f.int)
            rules = (self.L("method_rules_ok") if not c.warnings
                     else self.L("method_rules_warn", count=len(c.warnings)))
            ws.write_string(r, 3 + len(codes), rules, f.text)

    def targets_sheet(self) -> None:
        """目标完成: each target with its actual, completion, status and printed reason (only where
        the evaluation carries targets: a 自评表, or the template's 目标值 / 实际值 columns)."""
        f = self.fmt
        assessed = targets.assess(self.ev)
        if assessed.empty:
            return
        ws = self._sheet(self.names["targets"])
        widths = (16, 30, 18, 18, 10, 10, 40, 18)
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        ws.write_string(0, 0, self.L("page_targets"), f.title)
        ws.merge_range(1, 0, 1, len(widths) - 1, "", f.note)
        ws.write_string(1, 0, self.L("tg_thresholds", met=f"{targets.MET:.0%}", partly=f"{targets.PARTLY:.0%}",
                                     easy=f"{targets.TOO_EASY - 1:.0%}"), f.note)
        ws.set_row(1, 44 if self.lang == "zh" else 58)
        for j, key in enumerate(("unit", "indicator", "tg_target", "tg_actual", "tg_completion", "tg_light",
                                 "tg_deviation", "tg_flags")):
            ws.write_string(3, j, self.L(key), f.header)
        for k, row in enumerate(assessed.itertuples(index=False)):
            r = 4 + k
            flags = " · ".join(x for x in (self.L("tg_too_easy") if row.too_easy else "",
                                           self.L("tg_unmeasurable") if row.unmeasurable else "") if x)
            self.text(ws, r, 0, row.unit, f.text)
            self.text(ws, r, 1, f"{row.code} {row.name}", f.text)
            self.text(ws, r, 2, row.target, f.text)
            self.text(ws, r, 3, row.actual, f.text)
            self.num(ws, r, 4, row.completion, f.pct)
            ws.write_string(r, 5, self.L(f"tg_{row.light}"), f.center)
            self.text(ws, r, 6, row.deviation, f.text)
            self.text(ws, r, 7, flags, f.text)

    def scenario_sheet(self) -> None:
        f, tree = self.fmt, self.model.tree
        ws = self._sheet(self.names["scenario"])
        ws.set_column(0, 0, 22)
        ws.set_column(1, 7, 14)
        ws.write_string(0, 0, self.L("scenario_title"), f.title)
        row = 1
        if self.ev.title:
            self.text(ws, row, 0, self.ev.title)
        row = 3
        sc = self.scenario
        given = bool(sc and sc.weights)
        ws.write_string(row, 0, self.L("mode_label"), f.bold_text)
        mode = self.L("mode_" + sc.mode) if given and sc is not None else self.L("mode_none")
        ws.write_string(row, 1, mode)
        row += 1
        ws.write_string(row, 0, self.L("bands_given"), f.bold_text)
        bands = self.result.bands
        sep = "，" if self.lang == "zh" else ", "
        parts = [f"{lbl}≥{low:g}" for lbl, low in zip(bands.labels[:-1], bands.thresholds)]
        if bands.thresholds:
            parts.append(f"{bands.labels[-1]}<{bands.thresholds[-1]:g}")
        ws.write_string(row, 1, sep.join(parts))
        row += 1
        ws.write_string(row, 0, self.L("live_note", weights=self.names["weights"]))
        row += 2
        # weights as given
        ws.write_string(row, 0, self.L("weights_given"), f.section)
        row += 1
        for j, h in enumerate((self.L("key_given"), self.L("code"), self.L("name"), self.L("points_given"))):
            ws.write_string(row, j, h, f.header)
        row += 1
        if given and sc is not None:
            for key, value in sc.weights.items():
                node = tree.resolve(key)
                self.text(ws, row, 0, key, f.text)
                self.text(ws, row, 1, tree.codes[node], f.text)
                self.text(ws, row, 2, tree.names[node], f.text)
                self.num(ws, row, 3, value, f.score)
                row += 1
        else:
            ws.write_string(row, 0, self.L("mode_none"), f.text)
            row += 1
        row += 1
        # level-1 weights
        ws.write_string(row, 0, self.L("level1_compare"), f.section)
        row += 1
        for j, h in enumerate((t("level1", self.lang), self.L("official_points"), self.L("effective_points"),
                               self.L("change"))):
            ws.write_string(row, j, h, f.header)
        row += 1
        for node in (int(x) for x in tree.level1):
            self.text(ws, row, 0, tree.names[node], f.text)
            self.num(ws, row, 1, tree.points[node], f.score)
            self.formula(ws, row, 2, "=" + self.w_ref(node, "effective"), f.score, self.result.node_points[node])
            self.formula(ws, row, 3, f"={_cell(row, 2)}-{_cell(row, 1)}", f.score,
                         float(self.result.node_points[node] - tree.points[node]))
            row += 1
        row += 1
        # project score and every unit
        project = project_unit(self.ev)
        units = self.model.unit_names
        order = ([units.index(project)] if project in units else []) + [u for u in range(len(units))
                                                                        if units[u] != project]
        headers = (t("unit", self.lang), self.L("official_total"), self.L("official_rating"),
                   self.L("scenario_total"), self.L("formula_scenario_rating"), t("delta", self.lang), t("rank", self.lang),
                   self.L("scenario_rank"))
        scores = self.names["scores"]
        for section, subset in ((self.L("project_score"), order[:1] if project in units else []),
                                (self.L("units_compare"), order)):
            if not subset:
                continue
            ws.write_string(row, 0, section, f.section)
            row += 1
            for j, h in enumerate(headers):
                ws.write_string(row, j, h, f.header)
            ws.set_row(row, 30)
            row += 1
            for u in subset:
                sr = self.s_first + u
                self.text(ws, row, 0, units[u], f.bold_text if units[u] == project else f.text)
                self.num(ws, row, 1, self.official.total[u], f.score)
                self.text(ws, row, 2, self.official.ratings[u], f.center)
                self.formula(ws, row, 3, "=" + _ref(scores, sr, self.s_total), f.bold_score, self.result.total[u])
                self.formula(ws, row, 4, "=" + _ref(scores, sr, self.s_rating), f.center, self.result.ratings[u])
                self.formula(ws, row, 5, f"={_cell(row, 3)}-{_cell(row, 1)}", f.score,
                             float(self.result.total[u] - self.official.total[u]))
                ws.write_number(row, 6, int(self.official.rank[u]), f.int)
                self.formula(ws, row, 7, "=" + _ref(scores, sr, self.s_rank), f.int, int(self.result.rank[u]))
                row += 1
            first = row - len(subset)
            for col in (2, 4):
                for k, name in enumerate(self.result.bands.labels):
                    ws.conditional_format(first, col, row - 1, col, {
                        "type": "cell", "criteria": "==", "value": _str_literal(str(name)),
                        "format": f.bands[min(k, len(f.bands) - 1)]})
            row += 1


def workbook_bytes(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh") -> bytes:
    """The evaluation (scored under ``scenario``, official weights when None) as an .xlsx file
    whose scores, ranks and ratings are live formulas over editable weights and band bounds.
    ``source`` is the evaluation or the model already built for it."""
    return _Writer(source, scenario, lang).build()


def gaps_workbook_bytes(found: Sequence[gaps_mod.Gap], lang: str = "zh") -> bytes:
    """The self-evaluation vs evaluation list as a workbook: one block per project, level-1 points
    of each side and the gap, the largest gap first (the list a finance bureau picks 重点评价 from)."""
    lang = "en" if lang == "en" else "zh"
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False, "nan_inf_to_errors": True})
    f = _Formats(book, Bands().labels)
    ws = book.add_worksheet(sheet_name("gaps", lang))
    ws.set_column(0, 0, 30)
    ws.set_column(1, 3, 16)
    ws.write_string(0, 0, t("gap_title", lang), f.title)
    ws.merge_range(1, 0, 1, 3, "", f.note)
    ws.write_string(1, 0, t("gap_help", lang), f.note)
    ws.set_row(1, 44 if lang == "zh" else 58)
    row = 3
    for g in found:
        ws.merge_range(row, 0, row, 3, "", f.section)
        ws.write_string(row, 0, gap_line(g, lang), f.section)
        row += 1
        for j, key in enumerate(("indicator", "gap_self", "gap_evaluation", "gap_gap")):
            ws.write_string(row, j, t(key, lang), f.header)
        for item in g.table.itertuples(index=False):
            row += 1
            ws.write_string(row, 0, str(item.indicator), f.text)
            for j, value in enumerate((item.self, item.evaluation)):
                _number(ws, row, 1 + j, value, f.score)
            ws.write_formula(row, 3, f"=IF(OR({_cell(row, 1)}=\"\",{_cell(row, 2)}=\"\"),\"\",{_cell(row, 1)}-{_cell(row, 2)})",
                             f.score, "" if _finite(item.gap) is None else float(item.gap))
        row += 1
        ws.write_string(row, 0, t("gap_total", lang), f.bold_text)
        for j, value in enumerate((g.self_total, g.evaluation_total, g.total_gap)):
            _number(ws, row, 1 + j, value, f.bold_score)
        row += 2
    book.close()
    return buffer.getvalue()


def gap_line(g: gaps_mod.Gap, lang: str = "zh") -> str:
    """One sentence per pair: the project, both totals and the gap."""
    mode = mode_name(g.mode, lang)

    def two(v: float | None) -> str:
        return "—" if v is None or not math.isfinite(v) else f"{half_up(v, 2):.2f}"

    return t("gap_pair", lang, year=g.year or "", project=g.project, self_total=two(g.self_total), mode=mode,
             evaluation_total=two(g.evaluation_total), gap=two(g.total_gap)).strip()


def score_columns(evaluation: Evaluation) -> dict[str, int]:
    """0-based positions on the score sheet, for readers and tests: the header and first data
    rows, the first leaf and first level-1 columns, and the total / rounded / rank / rating columns."""
    tree = IndicatorTree(evaluation.indicators)
    group0 = SCORE_FIRST_LEAF + len(tree.leaves)
    total = group0 + len(tree.level1)
    return {"header_row": SCORE_HEADER_ROW, "first_row": SCORE_FIRST_ROW, "first_leaf": SCORE_FIRST_LEAF,
            "first_level1": group0, "total": total, "rounded": total + 1, "rank": total + 2, "rating": total + 3}


__all__ = ["SHEETS", "label", "score_columns", "sheet_name", "workbook_bytes"]
