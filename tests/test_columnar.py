"""The columnar reader (typed Arrow columns from fastexcel, io/sheets.LazySheet) gives exactly what
the row reader gives: the same frames and the same messages, word for word, for every workbook
of both corpora (broken and hostile ones included), the bundled samples and the real tables,
read once with every sheet eligible for columns and once with none. And it steps aside, before
any message, where it could read differently: error and boolean cells, merged ranges, formulas
without their value, a header below row 1, a repeated header, a column of dates."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from perfeval_core.io import loader, safety, sheets
from tests import hostile_corpus as hc
from tests import workbook_corpus as wc

from .conftest import ROOT

FRAMES = ("indicators", "units", "scores", "budget", "projects", "survey", "findings", "goals")
BIG = {"million_rows", "columns_16000", "one_megabyte_string", "zip_bomb", "entity_bomb", "wide_16000_columns",
       "two_million_cell_box"}


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Values as text, so a categorical or Arrow string column compares equal to an object one."""
    out = df.reset_index(drop=True).copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]) or isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                      for v in out[c].astype(object)]
    return out


def both_ways(data: bytes, name: str, monkeypatch) -> tuple[object, object]:
    monkeypatch.setattr(sheets, "COLUMNAR_MIN_CELLS", 0)
    by_columns = loader.load_bytes(data, name)
    monkeypatch.setattr(sheets, "COLUMNAR_MIN_CELLS", 10**18)
    by_rows = loader.load_bytes(data, name)
    return by_columns, by_rows


def assert_same(by_columns, by_rows) -> None:
    assert [i.text() for i in by_columns.report.issues] == [i.text() for i in by_rows.report.issues]
    assert [i.location for i in by_columns.report.issues] == [i.location for i in by_rows.report.issues]
    a, b = by_columns.evaluation, by_rows.evaluation
    assert (a is None) == (b is None)
    if a is not None:
        for frame in FRAMES:
            pd.testing.assert_frame_equal(_plain(getattr(a, frame)), _plain(getattr(b, frame)), check_dtype=False)


def _files() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    out += [(f"content:{n}", lambda n=n: wc.CASES[n][0]()) for n in sorted(wc.CASES) if n not in BIG]
    out += [(f"file:{n}", lambda n=n: hc.CASES[n]()) for n in sorted(hc.CASES) if n not in BIG]
    for path in sorted((ROOT / "sample_data").glob("*.xlsx")) + sorted((ROOT / "tests" / "data" / "real").glob("*.xlsx")):
        out.append((f"path:{path.name}", lambda path=path: (path.name, path.read_bytes())))
    return out


FILES = _files()


@pytest.mark.parametrize("case", [name for name, _ in FILES])
def test_columns_and_rows_read_the_same(case, monkeypatch):
    filename, data = dict(FILES)[case]()
    assert_same(*both_ways(data, filename, monkeypatch))


def _matrix_book(edit=None, header_row: int = 0) -> bytes:
    """Our template with its 评分 as a 评分矩阵 (units down, leaves across), with an edit."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    for name, rows in (("项目信息", wc.PROJECT), ("指标体系", wc.INDICATORS), ("评价单位", wc.UNITS)):
        ws = book.add_worksheet(name)
        header = {"项目信息": ["项目", "内容"], "指标体系": wc.INDICATOR_HEADER, "评价单位": wc.UNIT_HEADER}[name]
        for i, row in enumerate([header, *rows]):
            for j, value in enumerate(row):
                if value is not None:
                    ws.write(i, j, value)
    ws = book.add_worksheet("评分矩阵")
    leaves = ["A101", "A102", "B101", "B102", "C101", "D101"]
    ws.write_row(header_row, 0, ["单位名称", *leaves])
    for i, unit in enumerate(["甲区", "乙区"]):
        ws.write_row(header_row + 1 + i, 0, [unit, 8, 9, 9.5, 5, 28, 27])
    if edit is not None:
        edit(ws, header_row, book)
    book.close()
    return buffer.getvalue()


EDITS = {
    "plain": None,
    "error_cell": lambda ws, h, book: ws.write_formula(h + 1, 1, "=1/0", None, "#DIV/0!"),
    "boolean_cell": lambda ws, h, book: ws.write_boolean(h + 1, 1, True),
    "date_cell": lambda ws, h, book: ws.write_datetime(h + 2, 2, datetime.datetime(2024, 1, 1),
                                                       book.add_format({"num_format": "yyyy-mm-dd"})),
    "merged": lambda ws, h, book: ws.merge_range(h + 1, 1, h + 1, 2, 8),
    "missing_formula": lambda ws, h, book: ws.write_formula(h + 1, 1, "=2+2", None, ""),
    "header_below": None,
    "repeated_header": lambda ws, h, book: ws.write(h, 2, "A101"),
    "text_among_numbers": lambda ws, h, book: ws.write(h + 1, 1, "八"),
    "negative": lambda ws, h, book: ws.write(h + 2, 3, -1),
}


@pytest.mark.parametrize("shape", sorted(EDITS))
def test_the_columnar_reader_steps_aside_where_it_could_differ(shape, monkeypatch):
    data = _matrix_book(EDITS[shape], header_row=2 if shape == "header_below" else 0)
    by_columns, by_rows = both_ways(data, "m.xlsx", monkeypatch)
    assert_same(by_columns, by_rows)
    facts = safety.preflight(data, "m.xlsx").facts["评分矩阵"]
    if shape in ("error_cell", "boolean_cell", "merged", "header_below"):
        # not eligible: an error or a boolean the typed reader would turn into a number or a
        # blank, a merge it does not fill, a range that does not start at a valued A1
        assert not (facts.a1_valued and not (facts.errors or facts.booleans or facts.merges))
    if shape in ("plain", "text_among_numbers", "negative"):
        assert facts.a1_valued and not (facts.errors or facts.booleans or facts.merges)
    if shape == "plain":
        assert by_columns.ok and by_columns.evaluation is not None
    if shape == "negative":
        assert any("-1" in i.text() for i in by_columns.report.errors)


def test_a_big_matrix_is_read_by_columns(monkeypatch):
    """On a sheet past the size threshold, the score matrix never becomes Python rows."""
    loaded: list[str] = []
    original = sheets._rows_of

    def spy(book, name):
        loaded.append(name)
        return original(book, name)

    monkeypatch.setattr(sheets, "_rows_of", spy)
    monkeypatch.setattr(sheets, "COLUMNAR_MIN_CELLS", 0)
    result = loader.load_bytes(_matrix_book(), "m.xlsx")
    assert result.ok and "评分矩阵" not in loaded
