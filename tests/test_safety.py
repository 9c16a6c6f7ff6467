"""The pre-parse defence: every broken or hostile file loads or is refused with a message,
never any other exception, and the bombs are refused in bounded memory."""

from __future__ import annotations

import io
import os
import re
import tracemalloc
import zipfile
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval_core.io import safety
from perfeval_core.io.sheets import read_workbook
from perfeval_core.model.report import LoadRefused
from tests import hostile_corpus as hc

LOADS = {
    "valid_xlsx": "xlsx",
    "wide_16000_columns": "xlsx",
    "two_million_cell_box": "xlsx",
    "dimension_lies": "xlsx",
    "styled_empty_far_cell": "xlsx",
    "quote_trick": "xlsx",
    "prefixed_sheet": "xlsx",
    "cells_without_r": "xlsx",
    "formula_no_cached_value": "xlsx",
    "shared_formula_no_value": "xlsx",
    "external_links": "xlsx",
    "csv_gbk": "csv",
    "csv_utf8_bom": "csv",
    "csv_utf16_bom": "csv",
    "xls_real": "xls",
    "xls_named_xlsx": "xls",
    "csv_named_xls": "csv",
}

REFUSED = {
    "empty_file": "file_empty",
    "random_bytes_xlsx": "not_a_zip",
    "text_named_xlsx": "not_a_zip",
    "truncated_xlsx": "zip_corrupt",
    "docx_named_xlsx": "docx_no_tables",  # Word tables are read; this document has none
    "encrypted_xlsx": "password_protected",
    "encrypted_envelope": "password_protected",
    "entity_bomb": "xml_entities",
    "entity_in_utf16_part": "xml_entities",
    "doctype_in_workbook": "xml_entities",
    "zip_bomb": "zip_bomb",
    "zip_bomb_ratio": "zip_bomb",
    "zip_bomb_lying_size": "zip_bomb",
    "zip_too_many_entries": "zip_too_many_entries",
    "zip_encrypted_member": "password_protected",
    "zip_unsupported_method": "zip_corrupt",
    "absurd_dimensions": "sheet_too_large",
    "absurd_lowercase_ref": "sheet_too_large",
    "absurd_prefixed": "sheet_too_large",
    "absurd_without_r": "sheet_too_large",
    "absurd_behind_comment": "sheet_too_large",
    "absurd_second_sheet": "sheet_too_large",
    "xlsb_zip": "unknown_format",
    "ods_zip": "unknown_format",
    "csv_binary": "csv_encoding",
    "pdf_named_xls": "unknown_format",
    "html_named_xls": "unknown_format",
    "xls_password": "password_protected",
    "xls_far_cell": "sheet_too_large",
    "xls_dimensions_bomb": "sheet_too_large",
    "xls_bad_sheet_offset": "zip_corrupt",
    "doc_named_xls": "unknown_format",
}

CJK = re.compile(r"[\u4e00-\u9fff]")
# PERFEVAL_FUZZ_EXAMPLES=5000 runs a longer fuzzing session locally
FUZZ_EXAMPLES = int(os.environ.get("PERFEVAL_FUZZ_EXAMPLES", "150"))


@cache
def case(name: str) -> tuple[str, bytes]:
    return hc.CASES[name]()


def refused(data: bytes, filename: str) -> LoadRefused:
    with pytest.raises(LoadRefused) as info:
        read_workbook(data, filename)
    return info.value


def load(name: str):
    filename, data = case(name)
    return read_workbook(data, filename)


def refuse(name: str) -> LoadRefused:
    filename, data = case(name)
    return refused(data, filename)


def pre(name: str) -> safety.Preflight:
    filename, data = case(name)
    return safety.preflight(data, filename)


def assert_message(exc: LoadRefused) -> None:
    text = str(exc.issue)
    assert CJK.search(text), text
    assert "{" not in text, f"unrendered parameter in {text!r}"


def test_every_case_has_an_expectation():
    assert set(LOADS) | set(REFUSED) == set(hc.CASES)
    assert not set(LOADS) & set(REFUSED)


@pytest.mark.parametrize("name", sorted(LOADS))
def test_case_loads(name):
    filename, data = case(name)
    book = read_workbook(data, filename)
    assert book.kind == LOADS[name]
    assert book.sheets and any(s.rows for s in book.sheets)


@pytest.mark.parametrize(("name", "key"), sorted(REFUSED.items()))
def test_case_refused(name, key):
    filename, data = case(name)
    exc = refused(data, filename)
    assert exc.issue.key == key, str(exc.issue)
    assert exc.issue.severity == "error"
    assert_message(exc)


def test_word_document_without_tables_is_named():
    exc = refuse("docx_named_xlsx")
    assert "Word" in exc.issue.message("zh") and "Word" in exc.issue.message("en")


def test_absurd_dimensions_reports_the_box():
    exc = refuse("absurd_dimensions")
    assert exc.issue.params == {"sheet": "Sheet1", "ref": "A1:XFD1048576", "rows": 1_048_576, "cols": 16_384,
                                "max_cells": safety.MAX_SHEET_CELLS}
    assert exc.issue.sheet == "Sheet1"


def test_wide_sheet_keeps_its_columns():
    book = load("wide_16000_columns")
    assert len(book.sheets[0].rows[0]) == 16_000


def test_lower_limit_refuses_a_two_million_cell_box(monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHEET_CELLS", 1_000_000)
    exc = refuse("two_million_cell_box")
    assert exc.issue.key == "sheet_too_large"
    assert (exc.issue.params["rows"], exc.issue.params["cols"]) == (1_000_000, 2)
    assert exc.issue.params["ref"] == "A1:B1000000"


def test_file_too_large(monkeypatch):
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    exc = refused(b"a,b\n" * (3 * 1024 * 1024 // 4), "big.csv")
    assert exc.issue.key == "file_too_large"
    assert exc.issue.params == {"size_mb": "3.0", "limit_mb": 2}
    assert_message(exc)


def test_formulas_without_cached_value():
    book = load("formula_no_cached_value")
    sheet = book.sheets[0]
    assert sheet.missing_formulas == {(1, 1): "A2*0.9", (2, 2): "SUM(A2:B2)"}
    assert sheet.formula_at(1, 1) == "A2*0.9"


def test_shared_formula_children_are_translated():
    found = pre("shared_formula_no_value")
    # B3 has a cached value; B1 (the master) and B2 (a child) do not
    assert found.missing_formulas == {"Sheet1": {(0, 1): "A1*2", (1, 1): "A2*2"}}


def test_external_links_warn():
    book = load("external_links")
    assert [(i.severity, i.key) for i in book.issues] == [("warning", "external_links")]
    assert CJK.search(str(book.issues[0]))


@pytest.mark.parametrize("name", ["csv_gbk", "csv_utf8_bom", "csv_utf16_bom"])
def test_csv_encodings_decode(name):
    book = load(name)
    assert book.sheets[0].rows[0][:3] == ["指标", "分值", "得分"]
    assert book.sheets[0].rows[1][0] == "产出指标"


def test_legacy_xls_reads_its_cells():
    book = load("xls_real")
    assert book.sheets[0].name == "数据"
    assert book.sheets[0].rows[1] == ["产出", 50.0]


def test_lying_zip_is_caught_while_inflating():
    exc = refuse("zip_bomb_lying_size")
    assert exc.issue.params["part"] == "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize("name", ["zip_bomb", "zip_bomb_ratio", "zip_bomb_lying_size", "entity_bomb",
                                  "absurd_dimensions", "absurd_without_r", "xls_dimensions_bomb"])
def test_bombs_are_refused_in_bounded_memory(name):
    filename, data = case(name)
    tracemalloc.start()
    try:
        with pytest.raises(LoadRefused):
            read_workbook(data, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{name}: peak {peak / 1e6:.1f} MB"


def test_big_ordinary_sheet_scans_in_bounded_memory():
    """The fast path on a 100,000 x 20 numeric sheet: memory stays small and nothing is refused."""
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{hc._col(c)}{r}"><v>{r + c}.5</v></c>' for c in range(20))
                   + "</row>" for r in range(1, 100_001, 97))
    data = hc.xlsx_bytes({"S": hc.sheet_xml(rows)})
    tracemalloc.start()
    try:
        pre = safety.preflight(data, "big.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pre.kind == "xlsx" and pre.missing_formulas == {}
    assert peak < 32 * 1024 * 1024


def test_corpus_main_writes_every_case(tmp_path):
    paths = hc.main(tmp_path)
    assert len(paths) == len(hc.CASES)
    assert all(p.exists() for p in paths)


# ---------------------------------------------------------------------------------------
# the fast numpy scan and the exact tokenizer agree with each other and with the truth


def _sheet_bytes(cells: list[tuple[int, int]], prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    rows = "".join(
        f'<{p}row r="{r + 1}">'
        + "".join(f'<{p}c r="{hc._col(c)}{r + 1}" s="1"><{p}f>A1+{c}</{p}f></{p}c>' if c % 7 == 3 else
                  f'<{p}c r="{hc._col(c)}{r + 1}" s="1"><{p}v>{c}</{p}v></{p}c>' for c in cols)
        + f"</{p}row>" for r, cols in by_row.items())
    return hc.sheet_xml(rows, prefix=prefix).encode()


def _chunks(data: bytes, sizes: list[int]) -> list[bytes]:
    out, pos, i = [], 0, 0
    while pos < len(data):
        size = sizes[i % len(sizes)] if sizes else len(data)
        out.append(data[pos:pos + size])
        pos += size
        i += 1
    return out


cell_positions = st.lists(st.tuples(st.integers(0, 1_048_575), st.integers(0, 16_383)), min_size=1, max_size=300)


@settings(max_examples=max(80, FUZZ_EXAMPLES // 2), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=cell_positions, sizes=st.lists(st.integers(1, 9000), max_size=5), prefix=st.sampled_from(["", "x"]))
def test_fast_and_exact_scans_agree(cells, sizes, prefix):
    data = _sheet_bytes(cells, prefix)
    # cells holding a formula and no value do not count; they are reported instead
    valued = [(r, c) for r, c in cells if c % 7 != 3]
    formulas = {(r, c) for r, c in cells if c % 7 == 3}
    box = (max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1)
    truth = (max((r for r, _ in valued), default=-1) + 1, max((c for _, c in valued), default=-1) + 1)
    fast = safety._SheetScan("S")
    try:
        safety._fast_scan(_chunks(data, sizes), fast)
        assert (fast.rows, fast.cols) == box  # conservative: formula-only cells count too
        assert set(fast.formulas) == formulas
    except safety._NeedExact:
        assert fast.over()  # the fast scan only gives up here when the box is too big
    except LoadRefused:  # plainly valued cells alone are too far apart
        assert truth[0] * truth[1] > safety.MAX_SHEET_CELLS
    exact = safety._SheetScan("S")
    try:
        safety._ExactScanner(exact).run(_chunks(data, sizes))
        assert (exact.rows, exact.cols) == truth
        assert set(exact.formulas) == formulas
    except LoadRefused:
        assert truth[0] * truth[1] > safety.MAX_SHEET_CELLS


def test_cell_kinds_tell_plainly_empty_and_valued_cells():
    import numpy as np

    cells = [b'<c r="A1"/>', b'<c r="B22" s="13"/>', b'<c r="C3"><v>1</v></c>', b'<c r="D4" s="2" t="s"><v>0</v></c>',
             b'<c r="E5" t="n"><v>9</v></c>', b'<c r="F6"><v></v></c>', b'<c r="G7" t="str"><v>x</v></c>',
             b'<c r="H8" s="1" foo="/>"><v>1</v></c>']
    buf = b"".join(cells) + b" " * 80
    a = np.frombuffer(buf, dtype=np.uint8)
    w4 = np.ndarray((len(buf) - 3,), dtype="<u4", buffer=buf, strides=(1,))
    w8 = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    q = np.array([m.end() for m in re.finditer(rb'<c r="[A-Z]+[0-9]+', buf)])
    empty, valued = safety._cell_kinds(a, w4, w8, q)
    assert empty.tolist() == [True, True, False, False, False, False, False, False]
    assert valued.tolist() == [False, False, True, True, True, False, False, False]


def test_far_cells_are_judged_by_the_fast_path():
    big = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 3000))
    styled = hc.sheet_xml(big + '<row r="1048576"><c r="XFD1048576" s="4"/></row>').encode()
    scan = safety._SheetScan("S")
    safety._fast_scan(_chunks(styled, [8192]), scan)  # plainly empty: left out, no _NeedExact
    assert (scan.rows, scan.cols) == (2999, 1)
    valued = hc.sheet_xml(big + '<row r="1048576"><c r="XFD1048576" s="4"><v>7</v></c></row>').encode()
    with pytest.raises(LoadRefused) as info:
        safety._fast_scan(_chunks(valued, [8192]), safety._SheetScan("S"))
    assert info.value.issue.params["ref"] == "A1:XFD1048576"


def test_prefixed_sheet_takes_the_fast_path():
    data = _sheet_bytes([(r, c) for r in range(300) for c in (0, 3, 5)], prefix="x")
    scan = safety._SheetScan("S")
    safety._fast_scan(_chunks(data, [5000]), scan)  # no _NeedExact
    assert (scan.rows, scan.cols) == (300, 6)
    assert scan.formulas[(299, 3)] == "A1+3"


# ---------------------------------------------------------------------------------------
# fuzzing: whatever the bytes, read_workbook returns or refuses

names = st.sampled_from(["a.xlsx", "a.xlsm", "a.xls", "a.csv", "a.txt", "a", "a.XLSX"])
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_or_refuse(data: bytes, filename: str) -> None:
    try:
        read_workbook(data, filename)
    except LoadRefused as exc:
        assert exc.issue.severity == "error"
        assert_message(exc)


@FUZZ
@given(data=st.binary(max_size=4096), filename=names)
def test_arbitrary_bytes(data, filename):
    _load_or_refuse(data, filename)


@FUZZ
@given(data=st.binary(max_size=4096), magic=st.sampled_from([b"PK\x03\x04", b"PK\x05\x06", hc.cfb_bytes({})[:8]]))
def test_arbitrary_bytes_behind_a_magic_number(data, magic):
    _load_or_refuse(magic + data, "a.xlsx")


@FUZZ
@given(member=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                               "xl/_rels/workbook.xml.rels", "xl/styles.xml"]),
       payload=st.binary(max_size=4096))
def test_arbitrary_bytes_inside_a_valid_zip(member, payload):
    base = case("valid_xlsx")[1]
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, payload if name.lower() == member.lower() else src.read(name))
        if member not in src.namelist():
            z.writestr(member, payload)
    _load_or_refuse(out.getvalue(), "a.xlsx")


SHEET_TOKENS = ['<c r="XFD1048576"><v>1</v></c>', "<c><v>1</v></c>", "</row>", "<row>", '<row r="1048576">',
                "<!--", "-->", "<![CDATA[", '"', "'", "<", ">", "<f>A1</f>", '<c r="A1">', "</c>", "<v>2</v>",
                "<x:c r='B2'>", '<c r="a0">', "<!DOCTYPE x>", "\x00", "\u00e9"]


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(SHEET_TOKENS)), max_size=12))
def test_mutated_worksheet_xml(edits):
    text = hc.sheet_xml(hc.simple_rows(4, 4))
    for pos, token in edits:
        pos %= len(text) + 1
        text = text[:pos] + token + text[pos:]
    data = hc.xlsx_bytes({"Sheet1": "x"}, extra={"xl/worksheets/sheet1.xml": text.encode("utf-8")})
    _load_or_refuse(data, "a.xlsx")


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 6000), st.binary(min_size=1, max_size=8)), max_size=6))
def test_mutated_xls(edits):
    data = bytearray(case("xls_real")[1])
    for pos, chunk in edits:
        pos %= len(data)
        data[pos:pos + len(chunk)] = chunk
    _load_or_refuse(bytes(data), "a.xls")
