"""A corpus of broken and hostile workbook files for the loader's safety checks.

Each builder returns ``(filename, bytes)``. ``CASES`` maps a case name to its builder and
``main(out_dir)`` writes them all::

    python tests/hostile_corpus.py OUTDIR

Everything is built in memory from scratch (hand-written OOXML parts, a small compound
file writer for .xls), so no fixture files are needed. The zip bombs are written in chunks
and the biggest one stays under a megabyte on disk.
"""

from __future__ import annotations

import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

Case = tuple[str, bytes]
MB = 1024 * 1024

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

# ---------------------------------------------------------------------------------------
# building blocks


def sheet_xml(rows: str, dimension: str | None = None, prefix: str = "") -> str:
    """A worksheet part around the given ``<row>`` markup (use ``prefix`` for x:-style)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<{p}worksheet {ns}>{dim}<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>")


def xlsx_bytes(sheets: dict[str, str], extra: dict[str, bytes | str] | None = None,
               shared_strings: str | None = None, workbook_xml: str | None = None) -> bytes:
    """A minimal but complete .xlsx with the given worksheet XML, one part per sheet."""
    sheet_entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{WS_REL}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1))
    if shared_strings is not None:
        rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{SST_REL}" Target="sharedStrings.xml"/>'
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types '
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{DOC_REL}" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": workbook_xml or (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"<sheets>{sheet_entries}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>'),
    }
    for i, xml in enumerate(sheets.values(), 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body.encode("utf-8") if isinstance(body, str) else body)
    return out.getvalue()


def simple_rows(n_rows: int = 3, n_cols: int = 3) -> str:
    out = []
    for r in range(1, n_rows + 1):
        cells = "".join(f'<c r="{_col(c)}{r}"><v>{r * 10 + c}</v></c>' for c in range(n_cols))
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def raw_zip(entries: list[dict]) -> bytes:
    """A zip written by hand so that sizes, flags and methods can lie.

    Each entry: name, data (already compressed), method, crc, size (declared), flags."""
    out = BytesIO()
    central = []
    for e in entries:
        name = e["name"].encode()
        offset = out.tell()
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.get("flags", 0), e["method"], 0, 0x21,
                           e["crc"], len(e["data"]), e["size"], len(name), 0)
        out.write(head + name + e["data"])
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.get("flags", 0), e["method"], 0,
                                   0x21, e["crc"], len(e["data"]), e["size"], len(name), 0, 0, 0, 0, 0, offset)
                       + name)
    cd_start = out.tell()
    for c in central:
        out.write(c)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), cd_size, cd_start, 0))
    return out.getvalue()


def _deflate(payload: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(payload) + c.flush()


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` (padded to 4 KB, so no mini stream)."""
    ss, end, free, fatsect, nostream = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    items = sorted(((n, p.ljust(4096, b"\0")) for n, p in streams.items()),
                   key=lambda item: (len(item[0]), item[0].upper()))
    dir_sectors = -(-(1 + len(items)) * 128 // ss)
    data_sectors = [-(-len(p) // ss) for _, p in items]
    n_fat = n_difat = 1
    while True:
        n_difat = max(0, -(-(n_fat - 109) // 127))
        if n_fat * (ss // 4) >= n_fat + n_difat + dir_sectors + sum(data_sectors):
            break
        n_fat += 1
    fat = [free] * (n_fat * (ss // 4))
    sid = 0
    for _ in range(n_fat):
        fat[sid] = fatsect
        sid += 1
    difat_start = sid
    for _ in range(n_difat):
        fat[sid] = 0xFFFFFFFC  # DIFSECT
        sid += 1
    dir_start = sid
    for i in range(dir_sectors):
        fat[sid] = sid + 1 if i < dir_sectors - 1 else end
        sid += 1
    starts = []
    for count in data_sectors:
        starts.append(sid)
        for i in range(count):
            fat[sid] = sid + 1 if i < count - 1 else end
            sid += 1

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, nostream, right, child)
                + b"\0" * 16 + struct.pack("<IQQIQ", 0, 0, 0, start, size))

    directory = entry("Root Entry", 5, nostream, 1 if items else nostream, end, 0)
    for i, (name, payload) in enumerate(items):
        right = i + 2 if i + 1 < len(items) else nostream
        directory += entry(name, 2, right, nostream, starts[i], len(payload))
    directory = directory.ljust(dir_sectors * ss, b"\0")
    fat_ids = list(range(n_fat))
    difat = fat_ids[:109] + [free] * (109 - min(n_fat, 109))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, end, 0,
                            difat_start if n_difat else end, n_difat)
              + struct.pack("<109I", *difat))
    difat_sectors = []
    rest = fat_ids[109:]
    for i in range(n_difat):
        ids = rest[i * 127:(i + 1) * 127]
        nxt = difat_start + i + 1 if i + 1 < n_difat else end
        difat_sectors.append(struct.pack("<128I", *(ids + [free] * (127 - len(ids)) + [nxt])))
    body = [struct.pack(f"<{len(fat)}I", *fat), *difat_sectors, directory]
    body.extend(payload.ljust(-(-len(payload) // ss) * ss, b"\0") for _, payload in items)
    return header + b"".join(body)


def _biff(typ: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", typ, len(body)) + body


def xls_bytes(cells: list[tuple[int, int, float | str]], sheet: str = "数据", filepass: bool = False,
              dimensions: tuple[int, int, int, int] | None = None, sheet_offset: int | None = None) -> bytes:
    """A minimal BIFF8 workbook (one sheet of NUMBER/LABEL cells) inside a compound file."""
    bof_globals = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 0x06))
    name = sheet.encode("utf-16-le")

    def globals_stream(offset: int) -> bytes:
        out = bof_globals
        if filepass:
            out += _biff(0x002F, struct.pack("<HHH", 1, 1, 1))
        out += _biff(0x0042, struct.pack("<H", 1200))
        out += _biff(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(sheet), 1) + name)
        return out + _biff(0x000A)

    head = globals_stream(0)
    records = [_biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0x41, 0x06))]
    if dimensions is None and cells:
        dimensions = (0, max(r for r, _, _ in cells) + 1, 0, max(c for _, c, _ in cells) + 1)
    if dimensions is not None:
        records.append(_biff(0x0200, struct.pack("<IIHHH", *dimensions, 0)))
    for row, col, value in cells:
        if isinstance(value, str):
            text = value.encode("utf-16-le")
            records.append(_biff(0x0204, struct.pack("<HHHHB", row, col, 0, len(value), 1) + text))
        else:
            records.append(_biff(0x0203, struct.pack("<HHHd", row, col, 0, value)))
    records.append(_biff(0x000A))
    stream = globals_stream(len(head) if sheet_offset is None else sheet_offset) + b"".join(records)
    return cfb_bytes({"Workbook": stream})


def _openpyxl_bytes(fill: Callable) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    fill(wb.active)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _base_xlsx() -> bytes:
    return _openpyxl_bytes(lambda ws: [ws.append(["指标", "分值", "得分"]), ws.append(["产出", 50, 45]),
                                       ws.append(["效益", 30, 28])])


# ---------------------------------------------------------------------------------------
# cases: files that must load


def valid_xlsx() -> Case:
    return "valid.xlsx", _base_xlsx()


def wide_16000_columns() -> Case:
    cells = "".join(f'<c r="{_col(c)}1"><v>{c}</v></c>' for c in range(16_000))
    return "wide.xlsx", xlsx_bytes({"Sheet1": sheet_xml(f'<row r="1">{cells}</row>')})


def two_million_cell_box() -> Case:
    """A1 and B1000000: a 2,000,000-cell box, fine under the default limit."""
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="B1000000"><v>2</v></c></row>'
    return "box2m.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def dimension_lies() -> Case:
    """<dimension> claims the whole sheet; the cells are 3 x 3."""
    return "dimension.xlsx", xlsx_bytes({"Sheet1": sheet_xml(simple_rows(), dimension="A1:XFD1048576")})


def styled_empty_far_cell() -> Case:
    """A styled but empty cell at XFD1048576: calamine drops it, so the sheet is small."""
    rows = simple_rows() + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    return "styled_far.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def quote_trick() -> Case:
    """A fake far-away cell inside an attribute value: not a real cell."""
    rows = '<row r="1"><c r="A1" foo="<c r=\'XFD1048576\'><v>1</v></c>"><v>1</v></c></row>'
    return "quote_trick.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def prefixed_sheet() -> Case:
    rows = "".join(f'<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c></x:row>' for r in range(1, 4))
    return "prefixed.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows, prefix="x")})


def cells_without_r() -> Case:
    rows = "".join(f"<row>{'<c><v>1</v></c>' * 5}</row>" for _ in range(4))
    return "no_r.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def formula_no_cached_value() -> Case:
    """openpyxl writes formulas without a cached value."""
    def fill(ws):
        ws.append(["分值", "得分"])
        ws.append([10, "=A2*0.9"])
        ws["C3"] = "=SUM(A2:B2)"
    return "formula.xlsx", _openpyxl_bytes(fill)


def shared_formula_no_value() -> Case:
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f></c></row>'
            '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/></c></row>'
            '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>')
    return "shared_formula.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def external_links() -> Case:
    link = (f'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="{MAIN_NS}">'
            '<externalBook r:id="rId1" xmlns:r="' + REL_NS + '"/></externalLink>')
    return "external.xlsx", xlsx_bytes({"Sheet1": sheet_xml(simple_rows())},
                                       extra={"xl/externalLinks/externalLink1.xml": link})


def csv_gbk() -> Case:
    return "gbk.csv", "指标,分值,得分\n产出指标,50,45\n效益指标,30,28\n".encode("gbk")


def csv_utf8_bom() -> Case:
    return "bom.csv", "指标,分值,得分\n产出指标,50,45\n".encode("utf-8-sig")


def csv_utf16_bom() -> Case:
    return "utf16.csv", "指标\t分值\t得分\r\n产出指标\t50\t45\r\n".encode("utf-16")


def xls_real() -> Case:
    return "legacy.xls", xls_bytes([(0, 0, "指标"), (0, 1, "分值"), (1, 0, "产出"), (1, 1, 50.0)])


def xls_named_xlsx() -> Case:
    """A real .xls renamed to .xlsx: the magic bytes win."""
    return "renamed.xlsx", xls_real()[1]


def csv_named_xls() -> Case:
    """Many systems export tab-separated text as ".xls"."""
    return "export.xls", "指标\t分值\n产出\t50\n".encode("gbk")


# ---------------------------------------------------------------------------------------
# cases: files that must be refused


def empty_file() -> Case:
    return "empty.xlsx", b""


def random_bytes_xlsx() -> Case:
    return "random.xlsx", random.Random(1).randbytes(4096)


def text_named_xlsx() -> Case:
    return "notes.xlsx", "这不是 Excel 文件，只是一段文字。\n".encode()


def truncated_xlsx() -> Case:
    data = _base_xlsx()
    return "truncated.xlsx", data[: len(data) // 2]


def docx_named_xlsx() -> Case:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL_NS}"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.'
                   'org/wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>')
    return "report.xlsx", out.getvalue()


def encrypted_xlsx() -> Case:
    """A real password-protected workbook when msoffcrypto-tool is installed, else the
    compound-file envelope Excel uses for one (same streams, dummy content)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return encrypted_envelope()
    out = BytesIO()
    OOXMLFile(BytesIO(_base_xlsx())).encrypt("secret", out)
    return "encrypted.xlsx", out.getvalue()


def encrypted_envelope() -> Case:
    return "encrypted_envelope.xlsx", cfb_bytes({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                                                 "EncryptedPackage": b"\x00" * 64})


def entity_bomb() -> Case:
    """Billion laughs in sharedStrings.xml of an otherwise valid workbook."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    sst = (f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(entities)}]>'
           f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return "entities.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)}, shared_strings=sst)


def entity_in_utf16_part() -> Case:
    """A DOCTYPE hidden in a UTF-16 encoded worksheet (the parser would decode it)."""
    xml = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
           f'<worksheet xmlns="{MAIN_NS}"><sheetData/></worksheet>')
    return "utf16_entities.xlsx", xlsx_bytes({"Sheet1": "PLACEHOLDER"},
                                             extra={"xl/worksheets/sheet1.xml": xml.encode("utf-16")})


def zip_bomb() -> Case:
    """A worksheet of 300 MB of spaces, deflated in 1 MB pieces to well under 1 MB."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN_NS}"><sheets/></workbook>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            block = b" " * MB
            for _ in range(300):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return "zipbomb.xlsx", out.getvalue()


def zip_bomb_ratio() -> Case:
    """Only 40 MB inflated, but at a ratio no spreadsheet reaches."""
    block = b"<row/>" * (MB // 6)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = b"".join(c.compress(block) for _ in range(40)) + c.flush()
    crc = 0
    for _ in range(40):
        crc = zlib.crc32(block, crc)
    base = zipfile.ZipFile(BytesIO(xlsx_bytes({"Sheet1": sheet_xml("")})))
    entries = [_raw_entry(n, base.read(n)) for n in base.namelist() if n != "xl/worksheets/sheet1.xml"]
    entries.append({"name": "xl/worksheets/sheet1.xml", "data": packed, "method": 8, "crc": crc,
                    "size": len(block) * 40})
    return "ratio.xlsx", raw_zip(entries)


def zip_bomb_lying_size() -> Case:
    """The central directory says 1,000 bytes; the member inflates to 64 MB."""
    block = b"<row/>" * (MB // 6)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = b"".join(c.compress(block) for _ in range(64)) + c.flush()
    base = zipfile.ZipFile(BytesIO(xlsx_bytes({"Sheet1": sheet_xml("")})))
    entries = [_raw_entry(n, base.read(n)) for n in base.namelist() if n != "xl/worksheets/sheet1.xml"]
    entries.append({"name": "xl/worksheets/sheet1.xml", "data": packed, "method": 8,
                    "crc": zlib.crc32(block[:1000]), "size": 1000})
    return "lying.xlsx", raw_zip(entries)


def _raw_entry(name: str, payload: bytes) -> dict:
    return {"name": name, "data": _deflate(payload), "method": 8, "crc": zlib.crc32(payload), "size": len(payload)}


def zip_too_many_entries() -> Case:
    entries = [{"name": f"xl/media/x{i}.bin", "data": b"", "method": 0, "crc": 0, "size": 0} for i in range(10_001)]
    return "many.xlsx", raw_zip(entries)


def zip_encrypted_member() -> Case:
    base = zipfile.ZipFile(BytesIO(_base_xlsx()))
    entries = [_raw_entry(n, base.read(n)) for n in base.namelist()]
    for e in entries:
        e["flags"] = 0x1  # traditional PKWARE encryption bit
    return "zipcrypto.xlsx", raw_zip(entries)


def zip_unsupported_method() -> Case:
    out = BytesIO()
    src = zipfile.ZipFile(BytesIO(_base_xlsx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as z:
        for name in src.namelist():
            z.writestr(name, src.read(name))
    return "bzip2.xlsx", out.getvalue()


def absurd_dimensions() -> Case:
    """One cell in A1 and one in XFD1048576: a 17-billion-cell grid for the parser."""
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    return "absurd.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows, dimension="A1:XFD1048576")})


def absurd_lowercase_ref() -> Case:
    rows = '<row r="1"><c r="a1"><v>1</v></c><c r="xfd1048576"><v>2</v></c></row>'
    return "absurd_lower.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def absurd_prefixed() -> Case:
    rows = '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1048576"><x:v>2</x:v></x:c></x:row>'
    return "absurd_prefixed.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows, prefix="x")})


def absurd_without_r() -> Case:
    """Cells without r in the last row: their place is implied, 1048576 x 20."""
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">' + "<c><v>1</v></c>" * 20 + "</row>"
    return "absurd_no_r.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def absurd_behind_comment() -> Case:
    """A comment holding "</c>" inside a far cell without r: a plain find("</c>") would stop early."""
    rows = ('<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="1048576">' + "<c><v>1</v></c>" * 19 + "<c><!-- </c> --><v>1</v></c></row>")
    return "absurd_comment.xlsx", xlsx_bytes({"Sheet1": sheet_xml(rows)})


def absurd_second_sheet() -> Case:
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="ZZZZ900000"><v>2</v></c></row>'
    return "absurd_second.xlsx", xlsx_bytes({"正常": sheet_xml(simple_rows()), "异常": sheet_xml(rows)})


def doctype_in_workbook() -> Case:
    wb = (f'<?xml version="1.0"?><!DOCTYPE workbook SYSTEM "http://example.invalid/x.dtd">'
          f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
          "</sheets></workbook>")
    return "doctype.xlsx", xlsx_bytes({"S": sheet_xml(simple_rows())}, workbook_xml=wb)


def xlsb_zip() -> Case:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return "book.xlsx", out.getvalue()


def ods_zip() -> Case:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return "table.ods", out.getvalue()


def csv_binary() -> Case:
    return "garbage.csv", random.Random(2).randbytes(8192)


def pdf_named_xls() -> Case:
    return "scan.xls", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)) * 4


def html_named_xls() -> Case:
    html = "<html><head><meta charset='utf-8'></head><body><table><tr><td>指标</td></tr></table></body></html>"
    return "export.xls", html.encode()


def xls_password() -> Case:
    return "locked.xls", xls_bytes([(0, 0, 1.0)], filepass=True)


def xls_far_cell() -> Case:
    return "far.xls", xls_bytes([(0, 0, 1.0), (65535, 65535, 2.0)], dimensions=(0, 1, 0, 1))


def xls_dimensions_bomb() -> Case:
    """DIMENSIONS claims 4 billion rows: the reader reserves that many cells up front."""
    return "dims.xls", xls_bytes([(0, 0, 1.0)], dimensions=(0, 0xFFFFFFFF, 0, 256))


def xls_bad_sheet_offset() -> Case:
    return "offset.xls", xls_bytes([(0, 0, 1.0)], sheet_offset=10_000_000)


def doc_named_xls() -> Case:
    return "letter.xls", cfb_bytes({"WordDocument": b"\xec\xa5" + b"\0" * 510, "1Table": b"\0" * 512})


def oversized_file() -> Case:
    """101 MB of zeros (kept out of main() to spare the disk)."""
    return "huge.csv", bytes(101 * MB)


CASES: dict[str, Callable[[], Case]] = {
    # must load
    "valid_xlsx": valid_xlsx,
    "wide_16000_columns": wide_16000_columns,
    "two_million_cell_box": two_million_cell_box,
    "dimension_lies": dimension_lies,
    "styled_empty_far_cell": styled_empty_far_cell,
    "quote_trick": quote_trick,
    "prefixed_sheet": prefixed_sheet,
    "cells_without_r": cells_without_r,
    "formula_no_cached_value": formula_no_cached_value,
    "shared_formula_no_value": shared_formula_no_value,
    "external_links": external_links,
    "csv_gbk": csv_gbk,
    "csv_utf8_bom": csv_utf8_bom,
    "csv_utf16_bom": csv_utf16_bom,
    "xls_real": xls_real,
    "xls_named_xlsx": xls_named_xlsx,
    "csv_named_xls": csv_named_xls,
    # must be refused
    "empty_file": empty_file,
    "random_bytes_xlsx": random_bytes_xlsx,
    "text_named_xlsx": text_named_xlsx,
    "truncated_xlsx": truncated_xlsx,
    "docx_named_xlsx": docx_named_xlsx,
    "encrypted_xlsx": encrypted_xlsx,
    "encrypted_envelope": encrypted_envelope,
    "entity_bomb": entity_bomb,
    "entity_in_utf16_part": entity_in_utf16_part,
    "doctype_in_workbook": doctype_in_workbook,
    "zip_bomb": zip_bomb,
    "zip_bomb_ratio": zip_bomb_ratio,
    "zip_bomb_lying_size": zip_bomb_lying_size,
    "zip_too_many_entries": zip_too_many_entries,
    "zip_encrypted_member": zip_encrypted_member,
    "zip_unsupported_method": zip_unsupported_method,
    "absurd_dimensions": absurd_dimensions,
    "absurd_lowercase_ref": absurd_lowercase_ref,
    "absurd_prefixed": absurd_prefixed,
    "absurd_without_r": absurd_without_r,
    "absurd_behind_comment": absurd_behind_comment,
    "absurd_second_sheet": absurd_second_sheet,
    "xlsb_zip": xlsb_zip,
    "ods_zip": ods_zip,
    "csv_binary": csv_binary,
    "pdf_named_xls": pdf_named_xls,
    "html_named_xls": html_named_xls,
    "xls_password": xls_password,
    "xls_far_cell": xls_far_cell,
    "xls_dimensions_bomb": xls_dimensions_bomb,
    "xls_bad_sheet_offset": xls_bad_sheet_offset,
    "doc_named_xls": doc_named_xls,
}


def write_cases(out_dir: str | Path, builders: dict[str, Callable[[], Case]]) -> list[Path]:
    """Write each case into ``out_dir`` as ``<case>__<filename>``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in builders.items():
        filename, data = build()
        path = out / f"{name}__{filename}"
        path.write_bytes(data)
        written.append(path)
    return written


def main(out_dir: str | Path) -> list[Path]:
    return write_cases(out_dir, CASES)


def cli(main: Callable[[str], list[Path]], script: str) -> None:
    if len(sys.argv) != 2:
        sys.exit(f"usage: python tests/{script} OUTDIR")
    for p in main(sys.argv[1]):
        print(f"{p.stat().st_size:>12,}  {p}")


if __name__ == "__main__":
    cli(main, "hostile_corpus.py")
