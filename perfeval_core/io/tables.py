"""Reading one header-plus-rows table from a sheet, column by column, with located messages.

Numbers are parsed vectorised (pandas) with a per-cell fallback for the odd text value, so a
200,000-row sheet costs little more than calamine's own read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from perfeval_core.io.sheets import LazySheet, Sheet
from perfeval_core.io.template_spec import Column, SheetSpec
from perfeval_core.model.normalize import (
    MAX_TEXT,
    clean_text,
    has_control_chars,
    is_blank,
    is_clean_text,
    normalise_label,
    parse_number,
    row_has_value,
)
from perfeval_core.model.report import Severity, ValidationReport

HEADER_SEARCH_ROWS = 30
HUGE = 1e12  # no money figure, count or score in a real evaluation comes near this
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "实地调研", "已调研"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", ""}


@dataclass
class Table:
    """Parsed columns by key, and where each data row came from."""

    data: dict[str, np.ndarray | list]
    excel_rows: np.ndarray  # 1-based Excel row of each data row
    col_index: dict[str, int]  # key -> 0-based sheet column
    sheet: str

    def __len__(self) -> int:
        return len(self.excel_rows)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame({k: v for k, v in self.data.items()})
        df["src_row"] = self.excel_rows
        return df


def header_matches(label: object, column: Column) -> bool:
    norm = normalise_label(label)
    return bool(norm) and norm in {normalise_label(a) for a in (column.header, *column.aliases)}


def find_header(rows: list[list[object]], spec: SheetSpec) -> tuple[int, dict[str, int]] | None:
    """The header row index and key -> column index, matching every required column."""
    required = [c for c in spec.columns if c.required]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(row):
            for col in spec.columns:
                if col.key not in mapping and header_matches(cell, col):
                    mapping[col.key] = j
                    break
        if all(c.key in mapping for c in required):
            return i, mapping
    return None


def read_table(sheet: Sheet, spec: SheetSpec, report: ValidationReport,
               allow_blank: frozenset[str] = frozenset()) -> Table | None:
    """Parse the table; ``allow_blank`` names required columns whose cells may be empty
    (the header must still be there), e.g. 分值 on parent indicators."""
    if isinstance(sheet, LazySheet) and not sheet.rows_loaded:
        by_columns = by_columns_or_none(lambda scratch: _read_columns(sheet, spec, scratch, allow_blank), report)
        if by_columns is not None:
            return by_columns
    rows = sheet.rows
    if not rows or all(all(is_blank(v) for v in r) for r in rows[:HEADER_SEARCH_ROWS]):
        report.error("sheet_empty", sheet.name)
        return None
    found = find_header(rows, spec)
    if found is None:
        names = "、".join(c.header for c in spec.columns if c.required)
        report.error("header_missing", sheet.name, columns=names)
        return None
    header_i, mapping = found
    _warn_duplicate_columns(rows[header_i], spec, sheet, header_i, report)
    body = rows[header_i + 1:]
    # drop blank rows (calamine pads; users leave gaps)
    keep = [k for k, r in enumerate(body) if row_has_value(r)]
    excel_rows = np.array([sheet.excel_row(header_i + 1 + k) for k in keep], dtype=np.int64)
    column = columns(body if len(keep) == len(body) else [body[k] for k in keep])
    data: dict[str, np.ndarray | list] = {}
    for col in spec.columns:
        col_j = mapping.get(col.key)
        if col_j is None:
            data[col.key] = _empty(col, len(keep))
            continue
        j = col_j
        values = column(j)
        if col.key in allow_blank:
            col = replace(col, required=False)
        data[col.key] = parse_column(values, col, sheet, excel_rows, j, report)
    return Table(data, excel_rows, mapping, sheet.name)


T = TypeVar("T")


def by_columns_or_none(read: Callable[[ValidationReport], T | None], report: ValidationReport) -> T | None:
    """A columnar read, its messages kept aside and passed on only when it went through: None
    (nothing said) when it stepped aside, or found a value it reads differently from the row
    reader (a text that is not a number: a date or a truth value typed as text by the columnar
    reader looks different), or more messages of a kind than a report shows. The row reader
    then reads the sheet and says what is wrong, as it always has."""
    scratch = ValidationReport()
    out = read(scratch)
    if out is None or scratch.suppressed or any(i.key in ("not_a_number", "not_finite") for i in scratch.issues):
        return None
    for i in scratch.issues:
        report.add(i.severity, i.key, i.sheet, i.row, i.column, **i.params)
    return out


def _warn_duplicate_columns(header: Sequence[object], spec: SheetSpec, sheet: Sheet, header_i: int,
                            report: ValidationReport) -> None:
    seen: dict[str, int] = {}
    for j, cell in enumerate(header):
        for col in spec.columns:
            if header_matches(cell, col):
                if col.key in seen and seen[col.key] != j:
                    report.warning("column_duplicate", sheet.name, sheet.excel_row(header_i), j, column=col.header)
                seen.setdefault(col.key, j)


_NUMERIC_TYPES = ("double", "float", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "null")
_TEXT_TYPES = ("string", "large_string")


def arrow_header(sheet: LazySheet) -> tuple[list[object], Any] | None:
    """A big sheet's header (row 1, a blank cell as '') and its typed columns, or None when it
    must be read row by row: a header the columnar reader renamed (repeated names), or a column
    of a type the row reader reads differently (dates, times)."""
    read = sheet.columnar()
    if read is None:
        return None
    named, table = read
    names = [name for name, _ in named]
    if len(set(names)) != len(names) or any(re.fullmatch(r".+_\d+", n) and n.rsplit("_", 1)[0] in names
                                            for n in names):
        return None
    if any(str(table.column(j).type) not in (*_NUMERIC_TYPES, *_TEXT_TYPES) for j in range(table.num_columns)):
        return None
    return ["" if origin == "generated" else name for name, origin in named], table


def typed_numbers(column: Any) -> np.ndarray | None:
    """A typed number column as floats (NaN for an empty cell), or None when it holds a NaN or an
    infinity: a workbook cannot store those as numbers, so the columnar reader parsed them from
    text ("nan", "inf"), which the row reader reports."""
    import pyarrow.compute as pc

    if str(column.type) != "null" and (pc.any(pc.is_nan(column)).as_py() or pc.any(pc.is_inf(column)).as_py()):
        return None
    return np.array(column.to_numpy(zero_copy_only=False), dtype=float)


def _read_columns(sheet: LazySheet, spec: SheetSpec, report: ValidationReport,
                  allow_blank: frozenset[str]) -> Table | None:
    """``read_table`` for a big sheet whose header is row 1, from typed columns: numbers go to
    numpy as they are (a message only for a value that fails a check), text as the row reader
    reads it. None, before any message, when the sheet is not laid out for it."""
    read = arrow_header(sheet)
    if read is None:
        return None
    header, table = read
    found = find_header([header], spec)
    if found is None:
        return None
    _, mapping = found
    _warn_duplicate_columns(header, spec, sheet, 0, report)
    lists: dict[int, list[object]] = {}

    def as_list(j: int) -> list[object]:
        if j not in lists:
            lists[j] = ["" if v is None else v for v in table.column(j).to_pylist()]
        return lists[j]

    # a row counts when any of its cells has a value (the row reader's rule, per column here)
    has_value = np.zeros(table.num_rows, dtype=bool)
    for j in range(table.num_columns):
        if has_value.all():  # the usual table: its first column has a value on every row
            break
        column = table.column(j)
        if str(column.type) in _TEXT_TYPES:
            has_value |= _text_values(column)
        elif str(column.type) != "null":
            has_value |= column.is_valid().to_numpy(zero_copy_only=False)
    kept = np.flatnonzero(has_value)
    excel_rows = kept.astype(np.int64) + 2  # Arrow row 0 is Excel row 2 (row 1 is the header)
    data: dict[str, np.ndarray | list] = {}
    for col in spec.columns:
        at = mapping.get(col.key)
        if at is None:
            data[col.key] = _empty(col, len(kept))
            continue
        j = at
        if col.key in allow_blank:
            col = replace(col, required=False)
        column = table.column(j)
        if col.kind in ("number", "int", "rate") and str(column.type) in _NUMERIC_TYPES:
            typed = typed_numbers(column)
            if typed is None:
                return None
            numbers = typed[kept]
            data[col.key] = checked_numbers(numbers, np.zeros(len(kept), dtype=bool), None, col, sheet,
                                            excel_rows, j, report)
        else:
            values = as_list(j)
            data[col.key] = parse_column(values if len(kept) == len(values) else [values[k] for k in kept], col,
                                         sheet, excel_rows, j, report)
    return Table(data, excel_rows, mapping, sheet.name)


def _text_values(column: Any) -> np.ndarray:
    """Which cells of a text column are not blank, in Arrow: a printable text with something
    but spaces has a value; the few others (control characters) are judged as the row reader
    judges them."""
    import pyarrow.compute as pc

    filled = pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0), False)
    out = np.array(filled.to_numpy(zero_copy_only=False), dtype=bool)
    odd = np.flatnonzero(~np.array(pc.fill_null(pc.utf8_is_printable(column), True).to_numpy(zero_copy_only=False),
                                   dtype=bool))
    if len(odd):
        values = column.take(odd).to_pylist()
        out[odd] = [not is_blank(v) for v in values]
    return out


def columns(rows: Sequence[Sequence[object]]) -> Callable[[int], list[object]]:
    """Column ``j`` of ``rows`` (blank where a row is short), from one transpose in C instead of
    a Python loop over the rows for every column."""
    by_column = list(zip_longest(*rows, fillvalue=""))
    return lambda j: list(by_column[j]) if j < len(by_column) else [""] * len(rows)


def _empty(col: Column, n: int) -> np.ndarray | list:
    if col.kind in ("number", "int", "rate"):
        return np.full(n, np.nan)
    if col.kind == "bool":
        return np.zeros(n, dtype=bool)
    return [""] * n


def parse_column(values: list[object], col: Column, sheet: Sheet, excel_rows: np.ndarray, j: int,
                 report: ValidationReport) -> np.ndarray | list:
    n = len(values)
    # formula cells with no cached value arrive as "" from calamine: they are errors, not blanks
    if sheet.missing_formulas:
        for k in range(n):
            formula = sheet.missing_formulas.get((int(excel_rows[k]) - 1, sheet.sheet_col(j)))
            if formula is not None:
                report.error("formula_no_value", sheet.name, int(excel_rows[k]), sheet.sheet_col(j), formula=formula)
    if col.kind in ("number", "int", "rate"):
        return _parse_numbers(values, col, sheet, excel_rows, j, report)
    if col.kind == "bool":
        out = np.zeros(n, dtype=bool)
        words: dict[tuple[type, object], str] = {}  # 是/否 repeat: each distinct value normalised once
        for k, v in enumerate(values):
            try:
                text = words[(type(v), v)]
            except KeyError:
                text = words[(type(v), v)] = normalise_label(v).lower()
            except TypeError:  # unhashable
                text = normalise_label(v).lower()
            if text in TRUE_WORDS:
                out[k] = True
            elif text not in FALSE_WORDS:
                report.error("bad_choice", sheet.name, int(excel_rows[k]), sheet.sheet_col(j),
                             column=col.header, value=clean_text(v)[:50], choices="是、否")
        return out
    choices = {normalise_label(c): c for c in col.choices}
    # columns repeat their values (unit names, codes, choices): each distinct value is judged once,
    # the rows only look their verdict up; rows are walked again only to locate what was wrong
    try:
        if set(map(type, values)) <= {str}:  # the usual text column: the values are their own keys
            by_text = {v: _judge_text(v, col, choices) for v in dict.fromkeys(values)}
            judged = [by_text[v] for v in values]
        else:
            # keyed by type too: 1, 1.0 and True are equal dict keys but read differently
            keys = [(type(v), v) for v in values]
            verdicts = {key: _judge_text(key[1], col, choices) for key in dict.fromkeys(keys)}
            judged = [verdicts[key] for key in keys]
    except TypeError:  # an unhashable cell value: judge each one
        judged = [_judge_text(v, col, choices) for v in values]
    c = sheet.sheet_col(j)
    for k, (_, problems) in enumerate(judged):
        for severity, key, params in problems:
            report.add(severity, key, sheet.name, int(excel_rows[k]), c, **params)
    return [text for text, _ in judged]


_NOTHING: list[tuple[Severity, str, dict]] = []  # shared, never appended to


def _judge_text(v: object, col: Column, choices: dict[str, str]) -> tuple[str, list[tuple[Severity, str, dict]]]:
    """The cleaned text of one cell value, and what is wrong with it (severity, key, params)."""
    if col.kind == "text" and type(v) is str and v and len(v) <= MAX_TEXT and is_clean_text(v):
        return v, _NOTHING  # the usual cell: nothing to clean, nothing to check
    problems: list[tuple[Severity, str, dict]] = []
    text = clean_text(v)
    if len(text) > MAX_TEXT:
        problems.append(("error", "text_too_long", {"column": col.header, "length": len(str(v)), "limit": MAX_TEXT}))
        text = text[:MAX_TEXT]
    elif has_control_chars(v):
        problems.append(("warning", "control_chars", {"column": col.header}))
    if col.kind == "choice" and text:
        canonical = choices.get(normalise_label(text))
        if canonical is None:
            problems.append(("error", "bad_choice", {"column": col.header, "value": text[:50],
                                                     "choices": "、".join(col.choices)}))
        else:
            text = canonical
    if col.kind == "year" and text:
        number, _ = parse_number(text.rstrip("年度").rstrip("年"))
        if number is None or not (1990 <= number <= 2100) or not float(number).is_integer():
            problems.append(("error", "year_invalid", {"value": text[:50]}))
        else:
            text = str(int(number))
    if col.required and not text:
        problems.append(("error", "required", {"column": col.header}))
    return text, problems


def _parse_numbers(values: list[object], col: Column, sheet: Sheet, excel_rows: np.ndarray, j: int,
                   report: ValidationReport) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    numeric = np.array(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan))  # writable copy
    percent = np.zeros(len(values), dtype=bool)
    # the slow path only for cells the fast path could not read
    for k in np.flatnonzero(np.isnan(numeric)):
        v = values[k]
        if is_blank(v):
            continue
        number, was_percent = parse_number(v)
        if number is None:
            report.error("not_a_number", sheet.name, int(excel_rows[k]), sheet.sheet_col(j),
                         column=col.header, value=clean_text(v)[:50])
        else:
            numeric[k] = number
            percent[k] = was_percent
    return checked_numbers(numeric, percent, values, col, sheet, excel_rows, j, report)


def checked_numbers(numeric: np.ndarray, percent: np.ndarray, values: list[object] | None, col: Column,
                    sheet: Sheet, excel_rows: np.ndarray, j: int, report: ValidationReport) -> np.ndarray:
    """The checks every number column gets, vectorised (a message only for a value that fails):
    finite, not beyond HUGE, not negative (but targets and actuals), rates as fractions, integers
    where asked, present where required. ``numeric`` is modified; ``values`` are the cells as
    read (None: a typed column, where a blank is NaN and nothing is a formula)."""
    blank = np.isnan(numeric) if values is None else None  # a typed column: NaN is an empty cell
    bad = ~np.isfinite(numeric) & ~np.isnan(numeric)
    for k in np.flatnonzero(bad):
        report.error("not_finite", sheet.name, int(excel_rows[k]), sheet.sheet_col(j), column=col.header,
                     value=values[k] if values is not None else numeric[k])
        numeric[k] = np.nan
    with np.errstate(invalid="ignore"):
        for k in np.flatnonzero(np.abs(numeric) > HUGE):
            report.error("too_large", sheet.name, int(excel_rows[k]), sheet.sheet_col(j),
                         column=col.header, value=f"{numeric[k]:.4g}")
            numeric[k] = np.nan
        if col.key not in ("actual", "target"):
            for k in np.flatnonzero(numeric < 0):
                report.error("negative", sheet.name, int(excel_rows[k]), sheet.sheet_col(j),
                             column=col.header, value=_fmt(numeric[k]))
                numeric[k] = np.nan
    if col.kind == "rate":
        # 0.9671, 96.71 and "96.71%" all mean the same rate
        as_percent = ~percent & (numeric > 1.0)
        numeric = np.where(as_percent, numeric / 100.0, numeric)
    if col.kind == "int":
        with np.errstate(invalid="ignore"):
            frac = np.flatnonzero(np.isfinite(numeric) & (np.abs(numeric - np.round(numeric)) > 1e-9))
        for k in frac:
            report.error("not_a_number", sheet.name, int(excel_rows[k]), sheet.sheet_col(j),
                         column=col.header, value=_fmt(numeric[k]))
            numeric[k] = np.nan
    if col.required:
        for k in np.flatnonzero(np.isnan(numeric)):
            if (bool(blank[k]) if blank is not None else values is not None and
                    is_blank(values[k]) and sheet.formula_at(int(excel_rows[k]) - 1 - sheet.row0, j) is None):
                report.error("required", sheet.name, int(excel_rows[k]), sheet.sheet_col(j), column=col.header)
    return numeric


def _fmt(x: float) -> str:
    if math.isfinite(x) and float(x).is_integer():
        return str(int(x))
    return f"{x:g}"
