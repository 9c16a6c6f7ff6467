"""Crafted files of the families the preflight must bound (docs/security.md), built here: sheet parts
reached by every form of relationship target or by none, duplicate part names, workbooks mixing in
other formats, many sheets on one part, merged ranges, shared strings, styles, CSV shapes and
compound-file chains. Each one is refused with its located message, by ``load_bytes`` and by the
CLI (exit code 1, no traceback) - and the sandbox turns a child that overruns into a sentence."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from perfeval_core.auth.users import MAX_FAILURES, AuthError, UserFile
from perfeval_core.io import safety, sandbox
from perfeval_core.io.loader import load_bytes

from .hostile_corpus import (
    MAIN_NS,
    PKG_REL_NS,
    REL_NS,
    WS_REL,
    cfb_bytes,
    sheet_xml,
    simple_rows,
    xls_bytes,
    xlsx_bytes,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx"
FAR = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')


def keys(data: bytes, name: str) -> list[str]:
    result = load_bytes(data, name)
    assert not result.ok
    return [i.key for i in result.report.errors]


def rels(*entries: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">{"".join(entries)}</Relationships>'


def with_target(target: str, part: str, quote: str = '"') -> bytes:
    """A one-sheet workbook whose sheet is the part ``part``, named by the relationship target
    ``target`` (written as it would appear in the XML, entities and all)."""
    rel = f"<Relationship Id={quote}rId1{quote} Type={quote}{WS_REL}{quote} Target={quote}{target}{quote}/>"
    return xlsx_bytes({"表": sheet_xml(simple_rows())},
                      extra={"xl/_rels/workbook.xml.rels": rels(rel), part: FAR, "xl/worksheets/sheet1.xml": ""})


@pytest.mark.parametrize(("target", "part", "quote"), [
    ("/xl/data/s.xml", "xl/data/s.xml", '"'),
    ("data/s.xml", "xl/data/s.xml", '"'),
    ("./data/../data/s.xml", "xl/data/s.xml", '"'),
    ("d&#97;ta/s&#x2E;xml", "xl/data/s.xml", '"'),
    ("data\\s.xml", "xl/data/s.xml", '"'),
    ("data/s.xml", "xl/data/s.xml", "'"),
    ("worksheets/sub/deeper/s.xml", "xl/worksheets/sub/deeper/s.xml", '"'),
    ("../customXml/item9.bin", "customXml/item9.bin", '"'),
    ("Worksheets/SHEET9.XML", "xl/worksheets/sheet9.xml", '"'),
])
def test_a_far_cell_is_found_whatever_the_target_looks_like(target, part, quote):
    assert keys(with_target(target, part, quote), "t.xlsx") == ["sheet_too_large"]


def test_a_far_cell_in_a_part_nothing_names_is_found_too():
    data = xlsx_bytes({"表": sheet_xml(simple_rows())}, extra={"xl/hidden/elsewhere.xml": FAR})
    assert keys(data, "t.xlsx") == ["sheet_too_large"]


def test_two_parts_with_one_name_are_refused():
    good = xlsx_bytes({"表": sheet_xml(simple_rows())})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("XL/worksheets/SHEET1.xml", FAR)  # the same part name in another case
    assert keys(out.getvalue(), "dup.xlsx") == ["zip_corrupt"]


@pytest.mark.parametrize("extra", ["content.xml", "mimetype", "xl/workbook.bin"])
def test_a_workbook_carrying_another_formats_parts_is_refused(extra):
    ods = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
           '<table:table><table:table-row table:number-rows-repeated="1048576"><table:table-cell '
           'table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet>'
           '</office:body></office:document-content>')
    broken = "<workbook"  # the .xlsx parts fail, so a reader would try the others
    data = xlsx_bytes({"表": sheet_xml(simple_rows())}, workbook_xml=broken,
                      extra={extra: ods, "mimetype": "application/vnd.oasis.opendocument.spreadsheet"})
    assert keys(data, "mixed.xlsx") == ["unknown_format"]


def test_too_many_sheets_are_refused():
    n = safety.MAX_SHEETS + 1
    entries = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, n + 1))
    workbook = f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{entries}</sheets></workbook>'
    assert keys(xlsx_bytes({"S1": sheet_xml(simple_rows())}, workbook_xml=workbook), "many.xlsx") == ["too_many_sheets"]


def test_one_part_named_by_many_sheets_counts_once_per_sheet():
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000"><c r="IP1000"><v>2</v></c></row>'  # 1000 x 250
    n = safety.MAX_WORKBOOK_CELLS // 250_000 + 1
    entries = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, n + 1))
    workbook = f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{entries}</sheets></workbook>'
    data = xlsx_bytes({"S1": sheet_xml(rows)}, workbook_xml=workbook)
    assert keys(data, "alias.xlsx") == ["workbook_too_large"]


def merged(refs: list[str], rows: str) -> str:
    cells = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    return (f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData>'
            f'<mergeCells count="{len(refs)}">{cells}</mergeCells></worksheet>')


def test_too_many_merged_ranges_are_refused():
    refs = [f"A{i}:B{i}" for i in range(1, safety.MAX_MERGES + 2)]
    assert keys(xlsx_bytes({"表": merged(refs, simple_rows())}), "m.xlsx") == ["too_many_merges"]


def test_merged_ranges_piled_on_each_other_are_refused_without_expanding_them():
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000"><c r="J1000"><v>2</v></c></row>'
    refs = ["A1:XFD1048576"] * 200  # each clipped to the 10 x 1000 box: 2,000,000 cells in all
    result = load_bytes(xlsx_bytes({"表": merged(refs, rows)}), "m.xlsx")
    assert [(i.key, i.sheet) for i in result.report.errors] == [("merges_overlap", "表")]


def test_merges_that_fit_load():
    rows = simple_rows(4, 4)
    assert "merges_overlap" not in str(load_bytes(xlsx_bytes({"表": merged(["A1:B2", "C3:D4"], rows)}), "ok.xlsx")
                                       .report.to_dict())


def test_shared_strings_and_styles_are_counted(monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHARED_STRINGS", 1000)
    monkeypatch.setattr(safety, "MAX_STYLES", 100)
    sst = f'<sst xmlns="{MAIN_NS}">' + "<si><t>x</t></si>" * 1001 + "</sst>"
    assert keys(xlsx_bytes({"表": sheet_xml(simple_rows())}, shared_strings=sst), "s.xlsx") == ["too_many_strings"]
    styles = f'<styleSheet xmlns="{MAIN_NS}"><cellXfs>' + '<xf numFmtId="0"/>' * 101 + "</cellXfs></styleSheet>"
    data = xlsx_bytes({"表": sheet_xml(simple_rows())}, extra={"xl/styles.xml": styles})
    assert keys(data, "st.xlsx") == ["too_many_styles"]


@pytest.mark.parametrize(("make", "limit"), [
    (lambda: ("a," * (safety.MAX_CSV_COLUMNS + 1) + "\n").encode(), None),
    (lambda: ("x" * (safety.MAX_CSV_LINE + 1) + "\n1,2\n").encode(), None),
    (lambda: b"1,2\n" * 2001, ("MAX_CSV_ROWS", 2000)),
    (lambda: b"1,2,3,4\n" * 1000, ("MAX_CSV_CELLS", 3000)),
    (lambda: b"1,2\n" * (safety.MAX_CSV_BYTES // 4 + 1), None),
])
def test_csv_shapes_are_bounded(monkeypatch, make, limit):
    if limit:
        monkeypatch.setattr(safety, *limit)
    assert keys(make(), "t.csv") == ["csv_too_large"]


def _workbook_stream(cells) -> bytes:
    return safety._Cfb(xls_bytes(cells, dimensions=(0, 1, 0, 1))).read_all("workbook")[0]


def test_every_workbook_stream_of_an_xls_is_scanned_whatever_its_case():
    data = cfb_bytes({"Workbook": _workbook_stream([(0, 0, 1.0)]), "WORKBOOK": _workbook_stream([(65535, 255, 2.0), (0, 0, 1.0)]),
                      "Book": _workbook_stream([(0, 0, 1.0), (65535, 65535, 3.0)])})
    assert keys(data, "two.xls") == ["sheet_too_large"]


def _u32(data: bytearray, offset: int, value: int) -> None:
    struct.pack_into("<I", data, offset, value)


def _cfb() -> tuple[bytearray, int, int]:
    """A one-stream compound file, its directory's first sector and its stream's first sector."""
    data = bytearray(xls_bytes([(0, 0, 1.0)]))
    dir_start = struct.unpack_from("<I", data, 0x30)[0]
    start = struct.unpack_from("<I", data, (dir_start + 1) * 512 + 128 + 0x74)[0]
    return data, dir_start, start


def test_compound_file_chains_that_loop_or_cross_are_refused():
    data, dir_start, start = _cfb()
    looped = bytearray(data)
    _u32(looped, 512 + 4 * (start + 1), start)  # the stream's second sector leads back to its first
    assert keys(bytes(looped), "loop.xls") == ["zip_corrupt"]

    dir_loop = bytearray(data)
    _u32(dir_loop, 512 + 4 * dir_start, dir_start)
    assert keys(bytes(dir_loop), "dir.xls") == ["zip_corrupt"]

    difat = bytearray(data)
    _u32(difat, 0x44, start)  # the DIFAT starts in a sector whose last entry names itself
    _u32(difat, 0x48, 1)
    _u32(difat, (start + 1) * 512 + 508, start)
    assert keys(bytes(difat), "difat.xls") == ["zip_corrupt"]

    crossed = bytearray(cfb_bytes({"Workbook": _workbook_stream([(0, 0, 1.0)]), "Other": b"x" * 4096}))
    d = struct.unpack_from("<I", crossed, 0x30)[0]
    first = struct.unpack_from("<I", crossed, (d + 1) * 512 + 128 + 0x74)[0]
    _u32(crossed, (d + 1) * 512 + 256 + 0x74, first)  # the second stream starts inside the first
    assert keys(bytes(crossed), "cross.xls") == ["zip_corrupt"]


HOSTILE = [
    ("t.xlsx", lambda: with_target("d&#97;ta/s.xml", "xl/data/s.xml")),
    ("alias.xlsx", lambda: xlsx_bytes({"S1": sheet_xml(simple_rows())}, workbook_xml=(
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, 300)) + "</sheets></workbook>"))),
    ("m.xlsx", lambda: xlsx_bytes({"表": merged(["A1:XFD1048576"] * 5000, simple_rows(20, 20))})),
    ("wide.csv", lambda: ("a," * 20_000).encode()),
]


@pytest.mark.parametrize(("name", "make"), HOSTILE)
def test_validate_refuses_crafted_files_with_a_sentence(tmp_path, name, make):
    path = tmp_path / name
    path.write_bytes(make())
    run = subprocess.run([sys.executable, "-m", "perfeval_core", "validate", str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert "[错误]" in run.stdout


# --- the child process --------------------------------------------------------------------


def test_the_sandbox_gives_what_the_loader_gives():
    data = SAMPLE.read_bytes()
    inside, outside = sandbox.load_bytes(data, SAMPLE.name), load_bytes(data, SAMPLE.name)
    assert inside.ok and outside.ok
    assert inside.evaluation.scores.equals(outside.evaluation.scores)
    assert [i.key for i in inside.report.issues] == [i.key for i in outside.report.issues]


@pytest.mark.parametrize(("limits", "word"), [
    (sandbox.Limits(memory_mb=1, memory_mb_per_mb=0), "内存"),
    (sandbox.Limits(seconds=0.001, seconds_per_mb=0), "秒"),
    (sandbox.Limits(output_mb=0, output_mb_per_mb=0), "结果"),
])
def test_a_child_over_its_limits_becomes_a_located_sentence(limits, word):
    result = sandbox.load_bytes(SAMPLE.read_bytes(), SAMPLE.name, limits)
    assert [i.key for i in result.report.errors] == ["parse_limit"]
    text = result.report.errors[0].message("zh")
    assert text.startswith("文件超出处理限制") and SAMPLE.name in text and word in text
    assert sandbox.load_bytes(SAMPLE.read_bytes(), SAMPLE.name).ok  # and the next load is fine


KILLER = """
import os, sys, time, signal
own, stop, deadline = int(sys.argv[1]), sys.argv[2], time.monotonic() + 90
mine = open(f"/proc/{own}/cmdline", "rb").read()
killed = []
while not os.path.exists(stop) and time.monotonic() < deadline:
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            fields = open(f"/proc/{name}/stat").read().rsplit(")", 1)[1].split()
            parent = int(fields[1])
            line = open(f"/proc/{name}/cmdline", "rb").read()
            grand = int(open(f"/proc/{parent}/stat").read().rsplit(")", 1)[1].split()[1]) if parent > 1 else 0
        except OSError:
            continue
        # the parser: a fork of the caller, or a fork of the caller's fork server
        forked = (parent == own and line == mine) or (grand == own and b"forkserver" in line)
        if fields[0] not in "ZX" and forked:
            try:
                os.kill(int(name), signal.SIGKILL)  # as the kernel kills a process it is out of memory for
            except OSError:
                continue
            killed.append(name)
    time.sleep(0.002)
print(" ".join(killed))
sys.exit(0 if killed else 1)
"""


def test_a_child_that_dies_leaves_the_caller_running(tmp_path):
    # Every parser child is killed as soon as it appears, until the load returns: deterministic
    # whatever the machine's speed (a parse that beat a fixed delay once let a result through).
    stop = tmp_path / "stop"
    killer = subprocess.Popen([sys.executable, "-c", KILLER, str(os.getpid()), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)  # the killer is watching before the child starts
        result = sandbox.load_bytes(SAMPLE.read_bytes(), SAMPLE.name)
    finally:
        stop.touch()
        out, _ = killer.communicate(timeout=90)
    assert killer.returncode == 0 and out.strip()
    assert [i.key for i in result.report.errors] == ["parse_limit"]
    assert "文件超出处理限制" in result.report.errors[0].message("zh")
    assert sandbox.load_bytes(SAMPLE.read_bytes(), SAMPLE.name).ok


# --- password checks ------------------------------------------------------------------------


def test_parallel_guesses_are_counted_before_they_are_checked(tmp_path):
    users = UserFile(tmp_path / "users.json")
    users.add("zhang", "editor", "the right password")
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(n: int) -> None:
        try:
            outcome = "ok" if users.verify("zhang", f"wrong {n}") else "wrong"
        except AuthError:
            outcome = "locked"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("wrong") == MAX_FAILURES  # only that many hashes were ever checked
    assert outcomes.count("locked") == 40 - MAX_FAILURES
    with pytest.raises(AuthError):  # the right password, too, waits for the lock to pass
        users.verify("zhang", "the right password")
