"""Raw cell grids from .xlsx/.xlsm/.xls/.csv bytes, after the safety preflight.

The rest of the loader only ever sees ``Sheet`` objects: rows of Python values plus the
offsets needed to name a cell the way Excel does, the merged ranges, and the formula cells
whose cached value is missing.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar, cast

import python_calamine as calamine

from perfeval_core.io import safety
from perfeval_core.model.report import Issue, LoadRefused

T = TypeVar("T")


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    row0: int = 0  # 0-based sheet row of rows[0]
    col0: int = 0  # 0-based sheet column of rows[i][0]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (sheet coords)
    missing_formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (r, c) sheet coords

    def excel_row(self, i: int) -> int:
        """1-based Excel row number of rows[i]."""
        return self.row0 + i + 1

    def sheet_col(self, j: int) -> int:
        """0-based sheet column of rows[..][j]."""
        return self.col0 + j

    def formula_at(self, i: int, j: int) -> str | None:
        return self.missing_formulas.get((self.row0 + i, self.col0 + j))

    def filled_merges(self) -> list[list[object]]:
        """A copy of ``rows`` where every cell of a merged range carries the range's value (the
        ranges were bounded, in number and area within the grid, when the sheet was read)."""
        grid = [list(r) for r in self.rows]
        width = max((len(r) for r in grid), default=0)
        for r0, c0, r1, c1 in self.merged:
            top, left = r0 - self.row0, c0 - self.col0
            if top < 0 or left < 0 or top >= len(grid) or left >= len(grid[top]):
                continue
            value = grid[top][left]
            for i in range(top, min(r1 - self.row0, len(grid) - 1) + 1):
                row = grid[i]
                for j in range(left, min(c1 - self.col0, width - 1) + 1):
                    while len(row) <= j:
                        row.append("")
                    row[j] = value
        return grid


# a worksheet at least this big (cells of its box) is read by columns where that gives the same
# cells as the row reader (tests lower it to read small sheets both ways)
COLUMNAR_MIN_CELLS = 200_000


class LazySheet(Sheet):
    """A worksheet read only when asked: ``rows`` by the row reader (calamine, on first use), or
    ``columnar()`` as typed Arrow columns (fastexcel, calamine's Arrow reader) without a Python
    object per cell. Made only where the preflight saw that both give the same cells: the range
    starts at a valued A1, no error or boolean cells, no merged ranges, no formula without its
    value."""

    def __init__(self, name: str, load_rows: Callable[[], list[list[object]]],
                 load_columns: Callable[[str], tuple[list[tuple[str, str]], Any] | None],
                 close: Callable[[], None] = lambda: None):
        self._rows: list[list[object]] | None = None
        self._load_rows = load_rows
        self._load_columns = load_columns
        self.close = close
        super().__init__(name, _PENDING, 0, 0, [], {})

    @property  # type: ignore[override]
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = self._load_rows()
        return self._rows

    @rows.setter
    def rows(self, value: list[list[object]]) -> None:
        if value is not _PENDING:
            self._rows = value

    @property
    def rows_loaded(self) -> bool:
        return self._rows is not None

    def columnar(self) -> tuple[list[tuple[str, str]], Any] | None:
        """(header names with where each came from — "looked_up" for a cell of row 1, "generated"
        for a blank one — and a pyarrow Table of rows 2…), or None when the columnar reader
        cannot read the sheet (the caller reads ``rows``)."""
        return self._load_columns(self.name)


_PENDING: list[list[object]] = []


def cell(rows: list[list[object]], i: int, j: int | None) -> object:
    """rows[i][j], or '' outside the grid (rows are ragged) or for no column."""
    if j is not None and 0 <= i < len(rows) and 0 <= j < len(rows[i]):
        return rows[i][j]
    return ""


@dataclass
class RawWorkbook:
    kind: str  # "xlsx" | "xls" | "csv" | "docx"
    sheets: list[Sheet]
    issues: list[Issue]
    # what a reader's search found in this workbook, by reader (see ``found_once``)
    _found: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def found_once(self, key: str, search: Callable[[RawWorkbook], T]) -> T:
        """``search(self)``, run on the first call for ``key`` and kept with the workbook: the
        loader asks a reader whether its table is there before the reader reads it."""
        if key not in self._found:
            self._found[key] = search(self)
        return cast(T, self._found[key])

    def sheet(self, name: str) -> Sheet | None:
        for s in self.sheets:
            if s.name == name:
                return s
        return None

    def close(self) -> None:
        """Stop the columnar reader's reading ahead (nothing else to release)."""
        for s in self.sheets:
            if isinstance(s, LazySheet):
                s.close()


def read_workbook(data: bytes, filename: str = "") -> RawWorkbook:
    """Read every visible worksheet. Raises ``LoadRefused`` for files that must not be parsed."""
    pre = safety.preflight(data, filename)
    if pre.kind == "csv":
        return RawWorkbook("csv", [_read_csv(pre, filename)], list(pre.issues))
    if pre.kind == "docx":
        from perfeval_core.io.wordtables import read_docx_tables

        return RawWorkbook("docx", read_docx_tables(pre.document or b""), list(pre.issues))
    return RawWorkbook(pre.kind, _read_excel(data, pre), list(pre.issues))


def _read_excel(data: bytes, pre: safety.Preflight) -> list[Sheet]:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise LoadRefused(Issue("error", "password_protected")) from None
    except BaseException as exc:  # calamine raises several error types, and Rust panics (not Exceptions)
        _reraise_interrupts(exc)
        raise LoadRefused(Issue("error", "zip_corrupt", {"detail": _short(exc)})) from None
    sheets: list[Sheet] = []
    columns = _ColumnReader(data)
    for meta in book.sheets_metadata:
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet") and "WorkSheet" not in str(meta.typ):
            continue
        facts = pre.facts.get(meta.name)
        if (facts is not None and facts.rows * facts.cols >= COLUMNAR_MIN_CELLS and facts.a1_valued
                and not (facts.errors or facts.booleans or facts.merges) and not pre.missing_formulas.get(meta.name)):
            sheets.append(LazySheet(meta.name, partial(_rows_of, book, meta.name), columns.read, columns.close))
            continue
        rows, merged = _sheet_cells(book, meta.name)
        sheets.append(Sheet(meta.name, rows, 0, 0, merged, pre.missing_formulas.get(meta.name, {})))
    if not sheets:
        raise LoadRefused(Issue("error", "no_sheets"))
    lazy = [sheet.name for sheet in sheets if isinstance(sheet, LazySheet)]
    if lazy:
        columns.prefetch(lazy)
    return sheets


def _rows_of(book: Any, name: str) -> list[list[object]]:
    return _sheet_cells(book, name)[0]


def _sheet_cells(book: Any, name: str) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """One worksheet's rows (padded from A1, so list indices are sheet coordinates) and merges."""
    try:
        raw = book.get_sheet_by_name(name)
        end = raw.end or (-1, -1)
        n_rows, n_cols = end[0] + 1, end[1] + 1
        if n_rows * n_cols > safety.MAX_SHEET_CELLS:
            raise LoadRefused(Issue("error", "sheet_too_large", {
                "sheet": name, "ref": "", "rows": n_rows, "cols": n_cols,
                "max_cells": safety.MAX_SHEET_CELLS}, sheet=name))
        rows = cast(list[list[object]], raw.to_python(skip_empty_area=False) if raw.height else [])
        merged = _bounded_merges(name, raw.merged_cell_ranges or [], n_rows, n_cols)
    except LoadRefused:
        raise
    except BaseException as exc:  # including pyo3's PanicException
        _reraise_interrupts(exc)
        raise LoadRefused(Issue("error", "read_failed", {"detail": _short(exc)}, sheet=name)) from None
    return rows, merged


# fastexcel says on its logger when a column has no type to infer (all blank): not the user's concern
logging.getLogger("fastexcel").setLevel(logging.ERROR)


class _ColumnReader:
    """fastexcel's reader of one workbook, on one worker thread of its own: every read of a sheet
    runs there, in turn (the reader is not shared between threads), and the big sheets are read
    ahead, in the workbook's order, while the main thread validates the ones already read
    (fastexcel releases the GIL while it parses: the second core does the parsing)."""

    def __init__(self, data: bytes):
        self.data = data
        self.reader: Any = None
        self.pool: ThreadPoolExecutor | None = None
        self.futures: dict[str, Future[tuple[list[tuple[str, str]], Any] | None]] = {}
        self.ahead: list[str] = []  # the big sheets, in the workbook's order, read ahead from the first request

    def prefetch(self, names: list[str]) -> None:
        """Read these sheets ahead once one of them is asked for (a workbook whose reader never
        asks, a 评分表 found row by row, costs nothing)."""
        self.ahead = list(names)

    def _submit(self, name: str) -> Future[tuple[list[tuple[str, str]], Any] | None]:
        if name not in self.futures:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="perfeval-columns")
            self.futures[name] = self.pool.submit(self._read, name)
        return self.futures[name]

    def read(self, name: str) -> tuple[list[tuple[str, str]], Any] | None:
        future = self._submit(name)
        if name in self.ahead:  # the first request: the sheets after it are read next
            for later in self.ahead[self.ahead.index(name) + 1:]:
                self._submit(later)
            self.ahead = []
        result = future.result()
        self.futures.pop(name, None)  # the caller keeps what it needs; the reader keeps nothing
        return result

    def close(self) -> None:
        """Stop reading ahead (a load that ended early): sheets not begun are never read."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        self.futures.clear()

    def _read(self, name: str) -> tuple[list[tuple[str, str]], Any] | None:
        try:
            import fastexcel

            if self.reader is None:
                self.reader = fastexcel.read_excel(self.data)
            sheet = self.reader.load_sheet(name, header_row=0)
            header = [(c.name, str(c.column_name_from)) for c in sheet.available_columns()]
            return header, sheet.to_arrow()
        except BaseException as exc:  # any failure: the row reader reads it (and says what is wrong)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return None


def _read_csv(pre: safety.Preflight, filename: str) -> Sheet:
    text = pre.text or ""
    try:
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))]
    except csv.Error as exc:
        raise LoadRefused(Issue("error", "csv_malformed", {"detail": _short(exc)})) from None
    name = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    width = max((len(r) for r in rows), default=0)
    if width > safety.MAX_CSV_COLUMNS:
        raise LoadRefused(Issue("error", "csv_too_large", {"what": "列数", "what_en": "columns", "count": width,
                                                           "limit": safety.MAX_CSV_COLUMNS}, sheet=name))
    return Sheet(name, rows)


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one found on most of the first lines, the most often (a
    plain count, where csv.Sniffer's regular expressions can take quadratic time)."""
    lines = [line for line in text[:65_536].splitlines()[:50] if line.strip()]
    best, score = ",", (0, 0)
    for d in ",\t;":
        counts = [line.count(d) for line in lines]
        candidate = (sum(1 for c in counts if c), sum(counts))
        if candidate > score:
            best, score = d, candidate
    return best


def _bounded_merges(name: str, ranges: list[tuple[tuple[int, int], tuple[int, int]]], n_rows: int, n_cols: int
                    ) -> list[tuple[int, int, int, int]]:
    """The merged ranges as (r0, c0, r1, c1), refused when too many or when, clipped to the grid,
    they cover it over and over (a reader that fills merges would do that work cell by cell)."""
    if len(ranges) > safety.MAX_MERGES:
        raise LoadRefused(Issue("error", "too_many_merges", {"count": len(ranges), "limit": safety.MAX_MERGES},
                                sheet=name))
    merged = [(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])) for a, b in ranges]
    area = sum(max(0, min(r1, n_rows - 1) - r0 + 1) * max(0, min(c1, n_cols - 1) - c0 + 1)
               for r0, c0, r1, c1 in merged)
    if area > n_rows * n_cols + safety.MAX_MERGE_OVERLAP:
        raise LoadRefused(Issue("error", "merges_overlap", {"area": area, "box": n_rows * n_cols}, sheet=name))
    return merged


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
