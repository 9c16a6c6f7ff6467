"""Pre-parse defence against broken and hostile workbook files.

``preflight`` looks at the raw upload before python-calamine does and refuses, with a
``LoadRefused`` carrying a catalogued message, anything that is not a spreadsheet, is
damaged, is encrypted, or could make the parser run out of memory:

* the kind of file is taken from its magic bytes first and its extension second;
* zip archives (.xlsx/.xlsm) are checked for entry count, declared and *actual*
  inflated sizes and compression ratio, every XML part for DOCTYPE/ENTITY declarations
  (in bounded chunks, transcoding UTF-16 parts), and every worksheet for the bounding box
  of its cells, because calamine allocates a dense grid of that box;
* OLE compound files are either encrypted OOXML packages or legacy .xls workbooks, whose
  BIFF records are walked for FILEPASS, absurd DIMENSIONS and far-away cells;
* anything else must decode as text (UTF-8, UTF-16 with BOM, GB18030) and becomes CSV.

``preflight`` never raises anything but ``LoadRefused``, whatever the bytes.

Longer than 600 lines because the three container walkers (zip/OOXML, OLE/BIFF, text) share one
budget of bytes, cells and time and one refusal path; apart, each limit would be stated twice.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, NoReturn

import numpy as np
from defusedxml import ElementTree as SafeElementTree

from perfeval_core.model.report import Issue, LoadRefused, column_letter

__all__ = ["LIMITS", "MAX_FILE_BYTES", "MAX_SHEET_CELLS", "Preflight", "preflight"]

MAX_FILE_BYTES = 200 * 1024 * 1024  # a 200,000-unit template with full-precision floats is ~110 MB
MAX_SHEET_CELLS = 20_000_000  # bounding box rows * cols of one sheet

MAX_ZIP_ENTRIES = 10_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # inflated size of one zip member
MAX_TOTAL_BYTES = 768 * 1024 * 1024  # inflated size of all members together
MAX_RATIO = 200  # compression ratio, checked for members above RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024 * 1024
MAX_SMALL_PART_BYTES = 16 * 1024 * 1024  # workbook.xml and its rels are read whole
MAX_TREE_PART_BYTES = 4 * 1024 * 1024  # above this, map sheets with a regex instead of a parse tree
MAX_WORKBOOK_CELLS = 40_000_000  # bounding boxes of all sheets together (a part named by n sheets counts n times)
MAX_SHEETS = 256
MAX_MERGES = 100_000  # merged ranges of one sheet
MAX_MERGE_OVERLAP = 1_000_000  # merged cells (within the cells' box) beyond the box itself: overlaps
MAX_SHARED_STRINGS = 5_000_000
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024  # inflated xl/sharedStrings.xml
MAX_STYLES = 200_000  # cell formats (<xf>) in xl/styles.xml
MAX_STYLES_BYTES = 64 * 1024 * 1024
MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_CSV_ROWS = 1_048_576
MAX_CSV_COLUMNS = 16_384
MAX_CSV_LINE = 1024 * 1024  # characters in one line
MAX_CSV_CELLS = 10_000_000
MAX_CFB_ENTRIES = 10_000  # directory entries of a legacy .xls compound file
MAX_MISSING_FORMULAS = 10_000  # per sheet
MAX_FORMULA_CHARS = 1_000
LIMITS = {name: value for name, value in sorted(globals().items()) if name.startswith("MAX_")}
CHUNK_BYTES = 1 << 20  # inflate and scan in 1 MB pieces: numpy temporaries stay in cache

_MB = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_XLSX_EXTS = (".xlsx", ".xlsm", ".xltx", ".xltm")
_TEXT_EXTS = (".csv", ".txt", ".tsv")


@dataclass
class Preflight:
    kind: str  # "xlsx" (also .xlsm) | "xls" | "csv"
    issues: list[Issue] = field(default_factory=list)  # non-fatal findings
    # sheet name -> {(row0, col0): formula text} for formula cells with no cached value
    missing_formulas: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    text: str | None = None  # decoded text when kind == "csv"
    document: bytes | None = None  # word/document.xml, checked, when kind == "docx"
    # sheet name -> what the scan saw of its cells, for the columnar reader (io/sheets.py)
    facts: dict[str, SheetFacts] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetFacts:
    """What the scan of one worksheet part saw, cheaply (byte counts, no parse): enough to know
    whether a typed, columnar read gives the same cells as the row reader. ``errors`` and
    ``booleans`` count ``t="e"`` / ``t="b"`` attributes (anywhere: a false count only sends the
    sheet to the row reader); ``a1_valued``: the first cell of the part is A1 and holds a value,
    so the reader's cell range starts at A1."""

    rows: int
    cols: int
    errors: int
    booleans: int
    merges: int
    a1_valued: bool


def preflight(data: bytes, filename: str = "") -> Preflight:
    """Check ``data`` before parsing. Raises ``LoadRefused`` and nothing else."""
    try:
        return _preflight(data, filename)
    except LoadRefused:
        raise
    except MemoryError:
        _refuse("read_failed", detail="内存不足 / out of memory")
    except Exception as exc:  # a bug or an unforeseen input must still end as a refusal
        _refuse("read_failed", detail=_short(exc))


# ---------------------------------------------------------------------------------------
# helpers


def _refuse(key: str, sheet: str | None = None, **params: Any) -> NoReturn:
    raise LoadRefused(Issue("error", key, params, sheet=sheet)) from None


def _too_large(sheet: str, rows: int, cols: int, ref: str) -> NoReturn:
    params = {"sheet": sheet, "ref": ref, "rows": rows, "cols": cols, "max_cells": MAX_SHEET_CELLS}
    raise LoadRefused(Issue("error", "sheet_too_large", params, sheet=sheet)) from None


def _corrupt(detail: str) -> NoReturn:
    _refuse("zip_corrupt", detail=detail)


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    text = text.splitlines()[0] if text else type(exc).__name__
    return text[:200]


def _mb(n: int) -> str:
    return f"{n / _MB:.1f}"


def _bomb(part: str, size: int, compressed: int) -> NoReturn:
    ratio = size // compressed if compressed > 0 else "∞"
    _refuse("zip_bomb", part=part, size_mb=_mb(size), ratio=ratio)


def _extension(filename: str) -> str:
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1].lower()
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _preflight(data: Any, filename: str) -> Preflight:
    if isinstance(data, memoryview):
        size = data.nbytes
    elif isinstance(data, (bytes, bytearray)):
        size = len(data)
    else:
        _refuse("read_failed", detail=f"不是字节数据 / not bytes ({type(data).__name__})")
    if size == 0:
        _refuse("file_empty")
    if size > MAX_FILE_BYTES:
        _refuse("file_too_large", size_mb=_mb(size), limit_mb=MAX_FILE_BYTES // _MB)
    if not isinstance(data, bytes):
        data = bytes(data)
    ext = _extension(filename)
    if data[:4] in _ZIP_MAGICS:
        return _check_zip(data)
    if data[:8] == _OLE_MAGIC:
        return _check_cfb(data)
    if ext in _XLSX_EXTS:
        _refuse("not_a_zip", ext=ext)
    binary = _sniff_binary(data)
    if binary and ext not in _TEXT_EXTS:
        _refuse("unknown_format", detail=binary)
    text = _decode_text(data)
    if text is None:
        if ext in _TEXT_EXTS:
            _refuse("csv_encoding")
        _refuse("unknown_format", detail=binary or "二进制数据 / binary data")
    markup = _sniff_markup(text)
    if markup:
        _refuse("unknown_format", detail=markup)
    _check_csv_shape(text, size)
    return Preflight("csv", [], {}, text)


def _check_csv_shape(text: str, size: int) -> None:
    """Size, rows, line length and cells of a CSV, counted on a code-unit array (no split)."""
    def refuse(what: str, what_en: str, count: object, limit: object) -> NoReturn:
        _refuse("csv_too_large", what=what, what_en=what_en, count=count, limit=limit)

    if size > MAX_CSV_BYTES:
        refuse("大小", "size", f"{_mb(size)} MB", f"{MAX_CSV_BYTES // _MB} MB")
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    ends = np.flatnonzero((units == 0x0A) | ((units == 0x0D) & (np.append(units[1:], 0) != 0x0A)))
    rows = len(ends) + 1
    if rows > MAX_CSV_ROWS:
        refuse("行数", "rows", rows, MAX_CSV_ROWS)
    longest = int(np.diff(np.concatenate(([-1], ends, [len(units)]))).max()) - 1
    if longest > MAX_CSV_LINE:
        refuse("单行长度", "longest line (characters)", longest, MAX_CSV_LINE)
    delimiters = max(int(np.count_nonzero(units == ord(d))) for d in ",\t;")
    if rows + delimiters > MAX_CSV_CELLS:
        refuse("单元格数", "cells", rows + delimiters, MAX_CSV_CELLS)


# ---------------------------------------------------------------------------------------
# text / CSV

_BINARY_MAGICS = (
    (b"%PDF", "PDF 文档 / PDF document"),
    (b"\x89PNG", "PNG 图片 / PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片 / JPEG image"),
    (b"GIF8", "GIF 图片 / GIF image"),
    (b"Rar!", "RAR 压缩包 / RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包 / 7z archive"),
    (b"\x1f\x8b", "gzip 压缩包 / gzip archive"),
    (b"BZh", "bzip2 压缩包 / bzip2 archive"),
    (b"\x7fELF", "可执行程序 / executable"),
    (b"MZ", "可执行程序 / executable"),
)

# C0 controls except TAB/LF/FF/CR, DEL, C1 controls and U+FFFD
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")


def _sniff_binary(data: bytes) -> str | None:
    for magic, label in _BINARY_MAGICS:
        if data.startswith(magic):
            return label
    return None


def _decode_text(data: bytes) -> str | None:
    """utf-8-sig, then UTF-16 with a BOM, then GB18030; None for binary garbage."""
    text: str | None = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                return None
        else:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                return None
    if "\x00" in text:
        return None
    sample = text[:1_000_000]
    bad = sum(1 for _ in _CONTROL_RE.finditer(sample))
    if bad and bad * 20 > len(sample):  # more than 5 % control or replacement characters
        return None
    return text


def _sniff_markup(text: str) -> str | None:
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta")):
        return "网页文件 (HTML)，请在 Excel 中另存为 .xlsx / a web page (HTML); save it as .xlsx in Excel"
    if head.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in head:
            return "Excel 2003 XML 表格，请另存为 .xlsx / an Excel 2003 XML spreadsheet; save it as .xlsx"
        return "XML 文件 / XML file"
    if head.startswith("{\\rtf"):
        return "RTF 文档 / RTF document"
    return None


# ---------------------------------------------------------------------------------------
# zip (.xlsx / .xlsm)


def _count_zip_entries(data: bytes) -> None:
    """Refuse archives with too many entries before zipfile builds a ZipInfo for each."""
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd < 0 or eocd + 22 > len(data):
        return  # zipfile reports the damage
    entries, cd_size = struct.unpack_from("<HI", data, eocd + 10)
    count = entries
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = eocd - 20
        if loc >= 0 and data[loc:loc + 4] == b"PK\x06\x07":
            (rec,) = struct.unpack_from("<Q", data, loc + 8)
            if 0 <= rec <= len(data) - 56 and data[rec:rec + 4] == b"PK\x06\x06":
                count, cd_size = struct.unpack_from("<QQ", data, rec + 32)
    if count > MAX_ZIP_ENTRIES:
        _refuse("zip_too_many_entries", count=count)
    # zipfile walks the central directory by its size, not by the declared count
    start = max(0, eocd - min(cd_size, len(data)) - 76)
    found = data.count(b"PK\x01\x02", start, eocd)
    if found > MAX_ZIP_ENTRIES:
        _refuse("zip_too_many_entries", count=found)


class _Budget:
    """Inflated bytes of the whole archive, counted once per member."""

    def __init__(self) -> None:
        self.total = 0


def _member_chunks(data: bytes, info: zipfile.ZipInfo, budget: _Budget | None) -> Iterator[bytes]:
    """Inflate one member in CHUNK_BYTES pieces; refuse once it outgrows what it declared."""
    h = info.header_offset
    if h < 0 or h + 30 > len(data) or data[h:h + 4] != b"PK\x03\x04":
        _corrupt(f"{info.filename}: 本地文件头损坏 / bad local header")
    name_len, extra_len = struct.unpack_from("<HH", data, h + 26)
    start = h + 30 + name_len + extra_len
    end = start + info.compress_size
    if end > len(data):
        _corrupt(f"{info.filename}: 数据不完整 / truncated member")
    raw = memoryview(data)[start:end]
    limit = min(info.file_size, MAX_MEMBER_BYTES)
    produced = 0

    def grow(n: int) -> None:
        nonlocal produced
        produced += n
        if produced > limit or (budget is not None and budget.total + produced > MAX_TOTAL_BYTES):
            _bomb(info.filename, produced, info.compress_size)

    if info.flag_bits & 0x1:
        _refuse("password_protected")
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), CHUNK_BYTES):
            piece = bytes(raw[i:i + CHUNK_BYTES])
            grow(len(piece))
            yield piece
    elif info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size == 0 and info.file_size == 0:
        pass  # an empty member some writers store without even an empty deflate block
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        pos = 0
        tail = b""
        try:
            while not inflater.eof:
                if tail:
                    piece = inflater.decompress(tail, CHUNK_BYTES)
                elif pos < len(raw):  # small input slices keep unconsumed_tail copies small
                    piece = inflater.decompress(raw[pos:pos + 65_536], CHUNK_BYTES)
                    pos += 65_536
                else:
                    piece = inflater.decompress(b"", CHUNK_BYTES)  # drain buffered output
                    if not piece:
                        break
                tail = inflater.unconsumed_tail
                if piece:
                    grow(len(piece))
                    yield piece
        except zlib.error as exc:
            _corrupt(f"{info.filename}: {_short(exc)}")
        if not inflater.eof:
            _corrupt(f"{info.filename}: 压缩数据不完整 / truncated deflate stream")
    else:
        _corrupt(f"{info.filename}: 不支持的压缩方式 {info.compress_type} / unsupported compression")
    if budget is not None:
        budget.total += produced


def _utf8_stream(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass XML bytes through, transcoding UTF-16 parts (which quick-xml would decode) to UTF-8."""
    it = iter(chunks)
    first = b""
    for first in it:
        if first:
            break
    if not first:
        return
    head = first[:4]
    encoding = None
    if head[:2] == b"\xff\xfe" or (len(head) >= 2 and head[1] == 0 and head[0] != 0):
        encoding = "utf-16-le"
    elif head[:2] == b"\xfe\xff" or (len(head) >= 2 and head[0] == 0 and head[1] != 0):
        encoding = "utf-16-be"
    if encoding is None:
        yield first
        yield from it
        return
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    yield decoder.decode(first).encode("utf-8", "surrogatepass")
    for chunk in it:
        yield decoder.decode(chunk).encode("utf-8", "surrogatepass")
    yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")


_DECL_RE = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)


def _no_entities(chunks: Iterable[bytes], part: str) -> Iterator[bytes]:
    """Refuse a part declaring DOCTYPE/ENTITY; a marker split across chunks is still seen."""
    tail = b""
    for chunk in chunks:
        if b"!" in chunk or b"!" in tail:  # '!' is rare: memchr first, numpy only then
            view = tail + chunk
            a = np.frombuffer(view, dtype=np.uint8)
            bangs = np.flatnonzero(a[1:] == 0x21) + 1
            for p in bangs[a[bangs - 1] == 0x3C].tolist():
                if _DECL_RE.match(view, p - 1):
                    _refuse("xml_entities", part=part)
        tail = chunk[-2:]
        yield chunk


_SHEET_DIR_RE = re.compile(r"^xl/(?:worksheets|dialogsheets|macrosheets|chartsheets)/[^/]+\.xml$")
_REL_ATTR_RE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _check_zip(data: bytes) -> Preflight:
    _count_zip_entries(data)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile and the various errors of a damaged directory
        _corrupt(_short(exc))
    if len(infos) > MAX_ZIP_ENTRIES:
        _refuse("zip_too_many_entries", count=len(infos))
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        total += size
        if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            _bomb(info.filename, max(size, total), packed)
        if size > RATIO_MIN_BYTES and (packed <= 0 or size / packed > MAX_RATIO):
            _bomb(info.filename, size, packed)
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()
        if key in by_name:  # which of the two a reader takes is its own choice: refuse both
            _corrupt(f"{info.filename}: 压缩包中有两个同名部件 / two parts with one name")
        by_name[key] = info
    if "xl/workbook.xml" not in by_name:
        document = by_name.get("word/document.xml")
        if document is not None:
            return _check_docx(data, infos, document)
        _refuse("unknown_format", detail=_zip_kind(by_name))
    # the spreadsheet reader falls back to .xlsb and OpenDocument parts when the .xlsx parts
    # do not open: a workbook carrying those as well is refused, so nothing unchecked is read
    mixed = sorted(name for name in ("content.xml", "mimetype", "xl/workbook.bin") if name in by_name)
    if mixed:
        _refuse("unknown_format", detail="Excel 工作簿中夹带其他格式的部件（" + "、".join(mixed)
                + "） / an Excel workbook carrying parts of another format (" + ", ".join(mixed) + ")")

    budget = _Budget()
    issues: list[Issue] = []
    done: set[int] = set()
    small: dict[str, bytes] = {}
    for key in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        part = by_name.get(key)
        if part is None:
            continue
        if part.file_size > MAX_SMALL_PART_BYTES:
            _bomb(part.filename, part.file_size, part.compress_size)
        small[key] = b"".join(_no_entities(_utf8_stream(_member_chunks(data, part, budget)), part.filename))
        done.add(id(part))
    workbook = small.get("xl/workbook.xml", b"")
    sheet_parts = _sheet_parts(workbook, small.get("xl/_rels/workbook.xml.rels", b""))
    n_sheets = max(sum(len(names) for names in sheet_parts.values()), _count_tags(workbook, b"sheet"))
    if n_sheets > MAX_SHEETS:
        _refuse("too_many_sheets", count=n_sheets, limit=MAX_SHEETS)

    missing: dict[str, dict[tuple[int, int], str]] = {}
    facts: dict[str, SheetFacts] = {}
    cells = 0
    for info in infos:
        low = info.filename.lower()
        if low.startswith("xl/externallinks/") and not issues:
            issues.append(Issue("warning", "external_links"))
        if id(info) in done:
            continue
        counted = None
        if low.endswith("sharedstrings.xml"):
            counted = _Counted(b"si", MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_BYTES, "too_many_strings")
        elif low.endswith("styles.xml"):
            counted = _Counted(b"xf", MAX_STYLES, MAX_STYLES_BYTES, "too_many_styles")
        if counted is not None and info.file_size > counted.limit_bytes:
            _refuse(counted.key, part=info.filename, count=f"{_mb(info.file_size)} MB",
                    limit=f"{counted.limit_bytes // _MB} MB")
        # every part is scanned as a worksheet could be: which part the reader opens for a sheet
        # is its own resolution of the relationships, and any part it may open is checked
        names = sheet_parts.get(low) or []
        scan = _scan_sheet(data, info, budget, names[0] if names else info.filename, counted)
        cells += scan.rows * scan.cols * max(1, len(names))  # the reader reads a part once per sheet naming it
        if cells > MAX_WORKBOOK_CELLS:
            _refuse("workbook_too_large", cells=cells, limit=MAX_WORKBOOK_CELLS)
        if scan.formulas:
            for name in names or ([info.filename] if _SHEET_DIR_RE.match(low) else []):
                missing[name] = scan.formulas
        if scan.facts is not None and len(names) == 1:  # a part two sheets name is read row by row
            facts[names[0]] = scan.facts
    return Preflight("xlsx", issues, missing, facts=facts)


def _count_tags(xml: bytes, tag: bytes) -> int:
    """Start tags ``<tag`` / ``<p:tag`` followed by a space, '>' or '/' (a bytes count, no parse)."""
    return len(re.findall(rb"<(?:[\w.-]+:)?" + tag + rb"[\s/>]", xml))


@dataclass
class _Counted:
    """A part the reader loads whole (shared strings, styles): its entries are counted."""

    tag: bytes
    limit: int
    limit_bytes: int
    key: str


def _count_tap(chunks: Iterable[bytes], counted: _Counted, part: str) -> Iterator[bytes]:
    count = 0
    tail = b""
    for chunk in chunks:
        view = tail + chunk
        count += _count_tags(view, counted.tag) - _count_tags(tail, counted.tag)
        tail = view[-64:]
        if count > counted.limit:
            _refuse(counted.key, part=part, count=f">{counted.limit}", limit=counted.limit)
        yield chunk


MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # word/document.xml of a Word file holding score tables (parsed whole)


def _check_docx(data: bytes, infos: list[zipfile.ZipInfo], document: zipfile.ZipInfo) -> Preflight:
    """A Word file: its tables are read like sheets. Only word/document.xml is parsed; every
    other member is inflated within the budget, so sizes that lie are still caught."""
    if document.file_size > MAX_DOCUMENT_BYTES:
        _bomb(document.filename, document.file_size, document.compress_size)
    budget = _Budget()
    text = b"".join(_no_entities(_utf8_stream(_member_chunks(data, document, budget)), document.filename))
    for info in infos:
        if info is not document:
            for _ in _member_chunks(data, info, budget):
                pass
    return Preflight("docx", [], {}, None, text)


def _zip_kind(by_name: dict[str, zipfile.ZipInfo]) -> str:
    if "word/document.xml" in by_name:
        return "这是 Word 文档，不是 Excel 表格 / a Word document, not a spreadsheet"
    if "ppt/presentation.xml" in by_name:
        return "这是 PowerPoint 演示文稿 / a PowerPoint presentation"
    if "xl/workbook.bin" in by_name:
        return "Excel 二进制工作簿 (.xlsb)，请另存为 .xlsx / an .xlsb workbook; save it as .xlsx"
    if "mimetype" in by_name and "content.xml" in by_name:
        return "OpenDocument 文件 (.ods/.odt)，请另存为 .xlsx / an OpenDocument file; save it as .xlsx"
    return "压缩包中没有 Excel 工作簿 / a zip archive without an Excel workbook"


def _sheet_parts(workbook: bytes, rels: bytes) -> dict[str, list[str]]:
    """Lower-cased part name -> sheet names, resolved the way calamine resolves targets."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []
    try:
        if len(rels) > MAX_TREE_PART_BYTES:
            raise ValueError("large part")
        for el in SafeElementTree.fromstring(rels).iter() if rels else ():
            if el.tag.rsplit("}", 1)[-1] == "Relationship" and el.get("Id") is not None:
                targets[el.get("Id", "")] = el.get("Target", "")
    except Exception:  # malformed: fall back to a quote-aware attribute regex
        for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", rels):
            attrs = {k: (v1 or v2) for k, v1, v2 in _REL_ATTR_RE.findall(tag)}
            if b"Id" in attrs:
                targets[_xml_text(attrs[b"Id"])] = _xml_text(attrs.get(b"Target", b""))
    try:
        if len(workbook) > MAX_TREE_PART_BYTES:
            raise ValueError("large part")
        for el in SafeElementTree.fromstring(workbook).iter() if workbook else ():
            if el.tag.rsplit("}", 1)[-1] == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
                sheets.append((el.get("name", ""), rid or ""))
    except Exception:
        for tag in re.findall(rb"<(?:[\w.-]+:)?sheet\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", workbook):
            attrs = {k: (v1 or v2) for k, v1, v2 in _REL_ATTR_RE.findall(tag)}
            rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
            sheets.append((_xml_text(attrs.get(b"name", b"")), _xml_text(rid)))
    parts: dict[str, list[str]] = {}
    for name, rid in sheets:
        target = targets.get(rid)
        if not target:
            continue
        target = target.replace("\\", "/")
        if target.startswith("/xl/"):
            path = target[1:]
        elif target.startswith("xl/"):
            path = target
        else:
            path = "xl/" + target
        for candidate in {path.lower(), posixpath.normpath(path.lstrip("/")).lower()}:
            parts.setdefault(candidate, []).append(name)
    return parts


# ---------------------------------------------------------------------------------------
# worksheet scan: bounding box of the cells and formulas without a cached value


class _NeedExact(Exception):
    """The fast scan met something it does not model exactly; rescan with the tokenizer."""


class _SheetScan:
    def __init__(self, label: str) -> None:
        self.label = label
        self.rows = 0  # 1-based max row
        self.cols = 0  # 1-based max column
        self.formulas: dict[tuple[int, int], str] = {}
        self.prefix = b""  # namespace prefix of the cells (`x` in <x:c>), once seen
        self.shared: dict[bytes, tuple[int, int, str]] = {}
        self.facts: SheetFacts | None = None

    def cell(self, row: int, col: int) -> None:
        if row >= self.rows:
            self.rows = row + 1
        if col >= self.cols:
            self.cols = col + 1

    def over(self) -> bool:
        return self.rows * self.cols > MAX_SHEET_CELLS

    def refuse(self) -> NoReturn:
        _too_large(self.label, self.rows, self.cols, f"A1:{column_letter(self.cols - 1)}{self.rows}")

    def formula(self, row: int, col: int, attrs: bytes, text: bytes | None, missing: bool) -> None:
        shared = _attr(attrs, b"t") == b"shared"
        si = _attr(attrs, b"si") if shared else None
        if text is not None:
            formula = _xml_text(text)[:MAX_FORMULA_CHARS]
            if si is not None and _attr(attrs, b"ref") is not None and len(self.shared) < MAX_MISSING_FORMULAS:
                self.shared[si] = (row, col, formula)
        elif si is not None and si in self.shared:
            r0, c0, master = self.shared[si]
            formula = _shift_formula(master, row - r0, col - c0)
        else:
            formula = ""
        if missing and len(self.formulas) < MAX_MISSING_FORMULAS:
            self.formulas[(row, col)] = formula


def _scan_sheet(data: bytes, info: zipfile.ZipInfo, budget: _Budget, label: str,
                counted: _Counted | None = None) -> _SheetScan:
    """Bounding box of the cells of one part, its merged ranges, and its formulas without
    cached values."""
    merges: list[bytes] = []
    seen = _Seen()

    def stream(b: _Budget | None) -> Iterator[bytes]:
        merges.clear()
        seen.reset()
        chunks = _no_entities(_utf8_stream(_member_chunks(data, info, b)), info.filename)
        if counted is not None:
            chunks = _count_tap(chunks, counted, info.filename)
        return _seen_tap(_merge_tap(chunks, merges), seen)

    def finish(scan: _SheetScan) -> _SheetScan:
        scan.facts = SheetFacts(scan.rows, scan.cols, seen.errors, seen.booleans, len(merges), seen.a1_valued)
        return scan

    scan = _SheetScan(label)
    try:
        _fast_scan(stream(budget), scan)
        if not scan.over():
            _check_merges(scan, merges)
            return finish(scan)
        recount = None  # the fast pass ran to the end and counted this member's bytes
    except _NeedExact:
        recount = budget  # the abandoned fast pass counted nothing
    # the fast scan counts every <c> start, valued or not; decide on calamine's own rules
    scan = _SheetScan(label)
    _ExactScanner(scan).run(stream(recount))
    if scan.over():
        scan.refuse()
    _check_merges(scan, merges)
    return finish(scan)


class _Seen:
    """Counts of error and boolean cell types and whether the first cell is a valued A1."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.errors = 0
        self.booleans = 0
        self.a1_valued = False
        self.head = b""  # the part's first bytes, until its first cell is seen whole
        self.first_done = False


_FIRST_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)\b[^>]*>")


def _seen_tap(chunks: Iterable[bytes], seen: _Seen) -> Iterator[bytes]:
    """Pass the chunks on, counting the quoted values "e" and "b" (an error or boolean cell's
    t="e" / t="b", however spaced; any other attribute with such a value is counted too, which
    only sends the sheet to the row reader) and reading the first cell element. A byte count,
    not a regular expression: it runs over every byte of the sheet."""
    tail = b""
    for chunk in chunks:
        joint = tail + chunk[:2]  # a value split across two chunks: seen only here
        for where in (chunk, joint):
            seen.errors += where.count(b'"e"')
            seen.booleans += where.count(b'"b"')
            if b"'" in where:  # single-quoted attributes (rare): a memchr, then the counts
                seen.errors += where.count(b"'e'")
                seen.booleans += where.count(b"'b'")
        if not seen.first_done:
            seen.head += chunk
            m = _FIRST_CELL.search(seen.head)
            if m is not None:
                seen.first_done = True
                ref = re.search(rb"\br\s*=\s*[\"']([A-Za-z]+\d+)[\"']", m.group(1))
                seen.a1_valued = (ref is not None and ref.group(1).upper() == b"A1" and m.group(3) is not None
                                  and _VALUE.search(m.group(3)) is not None)
                seen.head = b""
            elif len(seen.head) > 1_048_576:  # no cell in the first MB: not a table to read by columns
                seen.first_done = True
                seen.head = b""
        tail = chunk[-2:]
        yield chunk


_MERGE_RE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']{0,40})[\"']")


def _merge_tap(chunks: Iterable[bytes], refs: list[bytes]) -> Iterator[bytes]:
    """Pass the chunks on, collecting the ``ref`` of every ``<mergeCell>`` (a tag split across two
    chunks is seen once); stops collecting past MAX_MERGES + 1."""
    tail = b""
    for chunk in chunks:
        if b"mergeCell" in chunk or b"mergeCell" in tail[-16:] + chunk[:16]:
            view = tail + chunk
            for m in _MERGE_RE.finditer(view):
                if m.end() > len(tail) and len(refs) <= MAX_MERGES:
                    refs.append(m.group(1))
        tail = chunk[-128:]
        yield chunk


def _check_merges(scan: _SheetScan, refs: list[bytes]) -> None:
    """Count and area of the merged ranges, computed from their corners (never cell by cell)
    and clipped to the cells' box: ranges that overlap each other over and over are refused."""
    if len(refs) > MAX_MERGES:
        _refuse("too_many_merges", sheet=scan.label, count=f">{MAX_MERGES}", limit=MAX_MERGES)
    box = scan.rows * scan.cols
    area = 0
    for ref in refs:
        a, _, b = ref.partition(b":")
        first = _parse_ref(a.strip())
        last = _parse_ref(b.strip()) if b else first
        if first is None or last is None:
            continue
        r0, r1 = sorted((first[0], last[0]))
        c0, c1 = sorted((first[1], last[1]))
        rows = max(0, min(r1, scan.rows - 1) - r0 + 1)
        cols = max(0, min(c1, scan.cols - 1) - c0 + 1)
        area += rows * cols
    if area > box + MAX_MERGE_OVERLAP:
        _refuse("merges_overlap", sheet=scan.label, area=area, box=box)


# --- fast path: numpy over 1 MB chunks, exact for `<c r="A1"` cells -----------------------

_U = np.uint64
_H = _U(0x8080808080808080)
_LOW7 = _U(0x7F7F7F7F7F7F7F7F)
_ONES = _U(0x0101010101010101)
_SP = _U(0x2020202020202020)
_UPPER = _U(0xDFDFDFDFDFDFDFDF)
_ADD_GE_a = _U(0x1F1F1F1F1F1F1F1F)  # byte + 0x1F sets bit 7 iff byte >= 0x61 ('a')
_ADD_GT_z = _U(0x0505050505050505)  # byte + 0x05 sets bit 7 iff byte >= 0x7B
_ADD_GE_0 = _U(0x5050505050505050)  # byte + 0x50 sets bit 7 iff byte >= 0x30 ('0')
_ADD_GT_9 = _U(0x4646464646464646)  # byte + 0x46 sets bit 7 iff byte >= 0x3A
_S7, _S8, _S16, _S32, _S56 = _U(7), _U(8), _U(16), _U(32), _U(56)
_FF = _U(0xFF)
_R_EQ = 0x223D7220  # b' r="' read as a little-endian uint32
_XML_SPACE_OR_END = np.zeros(256, dtype=bool)
_XML_SPACE_OR_END[[0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E]] = True
_MASK64 = (1 << 64) - 1


def _leading(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per uint64 (little-endian bytes), the mask and count of the leading bytes whose bit 7 is set."""
    stop = ~flags & _H
    stop |= stop << _S8
    stop |= stop << _S16
    stop |= stop << _S32
    keep = ~stop & _H
    return (keep >> _S7) * _FF, ((keep >> _S7) * _ONES) >> _S56


def _fast_chunk(buf: bytes, cut: int, scan: _SheetScan) -> None:
    """Account for every `<c r="..."` starting before ``cut``; ``buf`` extends >= 64 bytes past it."""
    a = np.frombuffer(buf, dtype=np.uint8)
    # '<' followed by b, c, f or g, read as little-endian uint16 at even and at odd offsets
    m = (cut + 1) // 2 * 2
    even = np.flatnonzero((a[:m].view("<u2") | 0x0500) == 0x673C) * 2
    odd = np.flatnonzero((a[1:m + 1].view("<u2") | 0x0500) == 0x673C) * 2 + 1
    p = np.concatenate((even, odd[odd < cut]))
    after = a[p + 1]
    pc = p[after == 0x63]
    has_formulas = bool((after == 0x66).any())
    n = len(buf)
    w4 = np.ndarray((n - 3,), dtype="<u4", buffer=buf, strides=(1,))
    w8 = np.ndarray((n - 7,), dtype="<u8", buffer=buf, strides=(1,))
    cells = np.count_nonzero(_XML_SPACE_OR_END[a[pc + 2]])
    with_r = w4[pc + 2] == _R_EQ
    if int(np.count_nonzero(with_r)) != cells:
        raise _NeedExact  # a cell without r, or with r not first, or quoted with '
    s = pc[with_r] + 6
    prefix = b""
    colons = np.flatnonzero(a[:cut] == 0x3A)
    colons = colons[a[colons + 1] == 0x63]
    colons = colons[_XML_SPACE_OR_END[a[colons + 2]]]
    if len(colons):  # prefixed <x:c> / </x:c>: one prefix, and `r` first in every start tag
        first = int(colons[0])
        lt = buf.rfind(b"<", max(0, first - 64), first)
        prefix = buf[lt + 1:first].lstrip(b"/") if lt >= 0 else b""
        size = len(prefix)
        if not _PREFIX_RE.fullmatch(prefix) or int(colons.min()) < size + 1:
            raise _NeedExact
        same = np.ones(len(colons), dtype=bool)
        for i, ch in enumerate(prefix):
            same &= a[colons - size + i] == ch
        before = a[colons - size - 1]
        starts = same & (before == 0x3C)
        ends = same & (before == 0x2F) & (a[np.maximum(colons - size - 2, 0)] == 0x3C)
        if not (starts | ends).all():
            raise _NeedExact
        starts = colons[starts]
        if not (w4[starts + 2] == _R_EQ).all():
            raise _NeedExact
        s = np.concatenate((s, starts + 6))
        scan.prefix = prefix
        has_formulas = has_formulas or (b"<" + prefix + b":f") in buf
        cells += len(starts)
    if cells:
        k = w8[s]
        x = k | _SP
        low = x & _LOW7
        letters, nlet = _leading((low + _ADD_GE_a) & ~(low + _ADD_GT_z) & ~x & _H)
        if int(nlet.min()) == 0 or int(nlet.max()) > 3:
            raise _NeedExact
        col_keys = (nlet << _S56) | ((k & _UPPER & letters).byteswap() >> _S8)
        d = w8[s + nlet.astype(np.intp)]
        low = d & _LOW7
        digits, nd = _leading((low + _ADD_GE_0) & ~(low + _ADD_GT_9) & ~d & _H)
        if int(nd.min()) == 0 or int(nd.max()) > 7 or bool(((d & _FF) == 0x30).any()):
            raise _NeedExact  # no row, 8+ digits or a leading zero: not ordered by (length, text)
        row_keys = (nd << _S56) | ((d & digits).byteswap() >> _S8)
        row = _decode_key(int(row_keys.max()), digits=True)
        col = _decode_key(int(col_keys.max()), digits=False)
        if max(row, scan.rows) * max(col, scan.cols) > MAX_SHEET_CELLS:
            # too big if every cell counts: leave out the cells that are plainly empty
            # (calamine drops them) and refuse at once if plainly valued cells suffice
            empty, valued = _cell_kinds(a, w4, w8, s + (nlet + nd).astype(np.intp))
            for mask, sure in ((valued, True), (~empty, False)):
                if mask.any():
                    row = _decode_key(int(row_keys[mask].max()), digits=True)
                    col = _decode_key(int(col_keys[mask].max()), digits=False)
                    if sure and max(row, scan.rows) * max(col, scan.cols) > MAX_SHEET_CELLS:
                        scan.cell(row - 1, col - 1)
                        scan.refuse()
                else:
                    row = col = 0
        if row and col:
            scan.cell(row - 1, col - 1)
    if has_formulas:
        _fast_formulas(buf, cut, scan, prefix)


def _le(text: bytes) -> int:
    return int.from_bytes(text, "little")


_GT_V = _le(b"><v>")
_S_EQ = _le(b' s="')
_T_EQ = (_le(b' t="s">'), _le(b' t="n">'))
_LOW7B = _U(0x00FFFFFFFFFFFFFF)  # the first 7 bytes of a little-endian uint64


def _cell_kinds(a: np.ndarray, w4: np.ndarray, w8: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For cells whose `r` value closes at ``q``: plainly empty (`"/>`, `" s="3"/>`) and plainly
    valued (`"><v>1`, with an optional ` s="3"` and ` t="s"`/` t="n"`). Anything else is neither."""
    quoted = a[q] == 0x22
    p = q + 1
    styled = quoted & (w4[p] == _S_EQ)
    t = p + 4  # the digits of s="..."
    low = w8[t] & _LOW7
    _, nds = _leading((low + _ADD_GE_0) & ~(low + _ADD_GT_9) & ~w8[t] & _H)
    e = t + nds.astype(np.intp)
    styled &= (nds > 0) & (a[e] == 0x22)
    p = np.where(styled, e + 1, p)  # just after the last attribute we understand
    empty = quoted & (a[p] == 0x2F) & (a[p + 1] == 0x3E)
    typed = ((w8[p] & _LOW7B) == _T_EQ[0]) | ((w8[p] & _LOW7B) == _T_EQ[1])
    p = np.where(typed, p + 6, p)  # onto the '>' of ` t="s">`
    valued = quoted & (w4[p] == _GT_V) & (a[p + 4] != 0x3C)
    return empty, valued


def _decode_key(key: int, digits: bool) -> int:
    length = key >> 56
    text = ((key << 8) & _MASK64).to_bytes(8, "big")[:length]
    return int(text) if digits else _letters_to_number(text)


def _letters_to_number(text: bytes) -> int:
    n = 0
    for ch in text.upper():
        n = n * 26 + ch - 64
    return n


def _fast_scan(chunks: Iterable[bytes], scan: _SheetScan) -> None:
    carry = b""
    first = True
    for chunk in chunks:
        buf = carry + chunk if carry else chunk
        if len(buf) < 4096:
            carry = buf
            continue
        if first:  # <x:worksheet ...>: cells will most likely be <x:c>
            first = False
            root = _ROOT_PREFIX.search(buf, 0, 4096)
            scan.prefix = root.group(1) if root else b""
        limit = len(buf) - 64
        lo = max(0, limit - 65_536)
        cut = buf.rfind(b"<c", lo, limit)  # cut before a cell, so formula cells stay whole
        if scan.prefix:
            cut = max(cut, buf.rfind(b"<" + scan.prefix + b":c", lo, limit))
        if cut <= 0:
            cut = buf.rfind(b"<", lo, limit)
        if cut <= 0:
            cut = limit
        _fast_chunk(buf, cut, scan)
        carry = buf[cut:]
        if scan.over():
            raise _NeedExact
    if carry:
        _fast_chunk(carry + b" " * 72, len(carry), scan)


_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]{0,31}):worksheet[\s>]")
_PREFIX_RE = re.compile(rb"[A-Za-z_][\w.-]{0,31}")
_FAST_FORMULA: dict[bytes, re.Pattern[bytes]] = {}


def _fast_formulas(buf: bytes, cut: int, scan: _SheetScan, prefix: bytes) -> None:
    """Formula cells of a chunk whose cells all read `<c r="..."` (or `<x:c r="..."`)."""
    pattern = _FAST_FORMULA.get(prefix)
    if pattern is None:
        pfx = (rb"(?:" + re.escape(prefix) + rb":)?") if prefix else b""
        pattern = re.compile(rb"<" + pfx + rb"f(\s[^>]*?)?(?:/>|>([^<]*)</" + pfx + rb"f\s*>)(\s*<" + pfx
                             + rb"v(?:\s[^>]*)?>(?!</))?")
        _FAST_FORMULA[prefix] = pattern
    for m in pattern.finditer(buf, 0, cut):
        start = max(buf.rfind(b"<c ", 0, m.start()), buf.rfind(b"<" + prefix + b":c ", 0, m.start()) if prefix else -1)
        if start < 0 or buf.find(b"c>", start, m.start()) != -1:
            continue  # not inside a cell
        ref = buf.find(b'r="', start, start + 40) + 3
        end = buf.find(b'"', ref, ref + 40)
        pos = _parse_ref(buf[ref:end]) if ref > 2 and end > 0 else None
        if pos is not None:
            scan.formula(pos[0], pos[1], m.group(1) or b"", m.group(2), m.group(3) is None)


# --- exact path: a quote-aware tokenizer that follows calamine's cell positions -------------

_NAME = rb"[^\s/>\"'=<:!?]+"
_PFX = rb"(?:" + _NAME + rb":)?"
_ATTRS = rb"(?:\s+[^\s=/>\"']+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*+"
_TAG_REST = rb"[^>\"']*+(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*+)*+>"
# one tag at a time; text between tags is skipped with find("<")
_TOKEN = re.compile(
    rb"<(?P<cp>" + _NAME + rb":)?c(?P<ca>" + _ATTRS + rb")\s*(?P<cs>/?)>"
    rb"|<" + _PFX + rb"row(?P<ra>" + _ATTRS + rb")\s*(?P<rs>/?)>"
    rb"|(?P<re></" + _PFX + rb"row\s*>)"
    rb"|(?P<tag><(?![!?]|" + _PFX + rb"(?:c|row)[\s/>])" + _TAG_REST + rb")"
)
# a whole cell, for the rare content that needs quote-aware reading
_CONTENT = (rb"(?:[^<]++|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?![!?]|/?" + _PFX + rb"c[\s/>])"
            + _TAG_REST + rb")*+")
_CELL = re.compile(rb"<" + _PFX + rb"c" + _ATTRS + rb"\s*>(" + _CONTENT + rb")</" + _PFX + rb"c\s*>", re.S)
_VALUE_RE = re.compile(rb"<" + _PFX + rb"is[\s/>]|<" + _PFX + rb"v(?:\s[^>]*)?>(?!</)")
_FORMULA_RE = re.compile(rb"<" + _PFX + rb"f(\s[^>]*?)?(?:/>|>([^<]*)</" + _PFX + rb"f\s*>)")
_MARKUP_ENDS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))
_CELL_OR_ROW = re.compile(rb"<" + _PFX + rb"(?:c|row)[\s/>]")
# content with these may hide the real end of the cell from a plain find("</c>")
_CAREFUL = (b'"', b"'", b"<!", b"<?", b"<c", b":c")
_MARGIN = 256 * 1024
_MAX_CARRY = 4 * 1024 * 1024


class _ExactScanner:
    """Tokenize a worksheet in order: calamine places a cell at its `r`, or else after the
    previous cell of the row; rows without `r` follow the previous row. Only cells with a
    value count, as calamine drops empty ones before building its grid."""

    def __init__(self, scan: _SheetScan) -> None:
        self.scan = scan
        self.row = 0
        self.col = 0
        self.skip_to: bytes | None = None  # inside a comment, CDATA or PI spanning chunks

    def run(self, chunks: Iterable[bytes]) -> None:
        carry = b""
        for chunk in chunks:
            buf = carry + chunk if carry else chunk
            pos = self.feed(buf, final=False)
            carry = buf[pos:]
        if carry:
            self.feed(carry, final=True)

    def feed(self, buf: bytes, final: bool) -> int:
        """Consume complete tokens of ``buf``; returns where the unconsumed tail starts."""
        n = len(buf)
        pos = 0
        match = _TOKEN.match
        while pos < n:
            if self.skip_to is not None:
                end = buf.find(self.skip_to, pos)
                if end < 0:
                    return max(pos, n - len(self.skip_to) + 1)
                pos = end + len(self.skip_to)
                self.skip_to = None
                continue
            if buf[pos] != 0x3C:  # text
                nxt = buf.find(b"<", pos)
                pos = n if nxt < 0 else nxt
                continue
            if buf.startswith((b"<!", b"<?"), pos):
                if not final and n - pos < 16:
                    return pos
                for opener, closer in _MARKUP_ENDS:
                    if buf.startswith(opener, pos):
                        self.skip_to = closer
                        pos += len(opener)
                        break
                continue
            m = match(buf, pos)
            if m is None:
                # a <c>/<row> tag cut by the chunk end, or longer than the margin, is waited
                # for (up to a bound); anything else that does not tokenize is damaged: skip it
                if not final and (n - pos < _MARGIN or (n - pos < _MAX_CARRY and _CELL_OR_ROW.match(buf, pos))):
                    return pos
                nxt = buf.find(b"<", pos + 1)
                pos = n if nxt < 0 else nxt
                continue
            kind = m.lastgroup
            if kind == "cs":
                if m.group("cs"):  # <c .../>: no value
                    self._cell(m.group("ca"), b"", False)
                    pos = m.end()
                    continue
                closing = b"</" + (m.group("cp") or b"") + b"c>"
                end = buf.find(closing, m.end())
                content = buf[m.end():end] if end >= 0 else b""
                if end < 0 or any(mark in content for mark in _CAREFUL):
                    whole = _CELL.match(buf, pos)  # quotes, comments, nesting or an odd closing tag
                    if whole is not None:
                        content, end, closing = whole.group(1), whole.end(), b""
                    elif not final and n - pos < _MARGIN:
                        return pos  # the cell may end in the next chunk
                    else:  # unclosed or oversized cell: assume it holds a value
                        self._cell(m.group("ca"), None, True)
                        pos = m.end()
                        continue
                if content.startswith(b"<v>"):
                    has_value = not content.startswith(b"<v></v>")
                else:
                    has_value = _VALUE_RE.search(content) is not None
                self._cell(m.group("ca"), content, has_value)
                pos = end + len(closing)
            elif kind == "rs":
                value = _attr(m.group("ra"), b"r")
                if value is not None:
                    row = _parse_row(value)
                    if row is not None:
                        self.row = row
                if m.group("rs"):  # <row .../> is a start and an end
                    self.row += 1
                    self.col = 0
                pos = m.end()
            else:
                if kind == "re":
                    self.row += 1
                    self.col = 0
                pos = m.end()
        return pos

    def _cell(self, attrs: bytes, content: bytes | None, has_value: bool) -> None:
        if attrs.startswith(b' r="') and attrs.count(b"r=") == 1:
            value: bytes | None = attrs[4:attrs.find(b'"', 4)]
        else:
            value = _attr(attrs, b"r")
        if value is not None:
            pos = _parse_ref(value)
            if pos is None:
                return  # calamine stops on a malformed reference
            self.col = pos[1]
        else:
            pos = (self.row, self.col)
        self.col += 1
        if content and b"f" in content:
            m = _FORMULA_RE.search(content)
            if m:
                self.scan.formula(pos[0], pos[1], m.group(1) or b"", m.group(2), not has_value)
        if has_value:
            self.scan.cell(*pos)
            if self.scan.over():
                self.scan.refuse()


_ATTR_ITEM = re.compile(rb"""\s*([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    """The last value of attribute ``name`` (quick-xml keeps the last duplicate). Attributes
    are read one after the other, so text inside another attribute's value never counts."""
    value = None
    for m in _ATTR_ITEM.finditer(attrs):
        if m.group(1) == name:
            value = m.group(2) if m.group(2) is not None else m.group(3)
    return value


_REF_RE = re.compile(rb"([A-Za-z]+)([0-9]+)")
_ROW_RE = re.compile(rb"[A-Za-z]*([0-9]+)")


def _parse_ref(value: bytes) -> tuple[int, int] | None:
    """A cell reference as calamine reads it -> 0-based (row, col); None when calamine errors."""
    m = _REF_RE.fullmatch(value)
    if not m:
        return None
    row = int(m.group(2))
    return (row - 1, _letters_to_number(m.group(1)) - 1) if row > 0 else None


def _parse_row(value: bytes) -> int | None:
    m = _ROW_RE.fullmatch(value)
    row = int(m.group(1)) if m else 0
    return row - 1 if row > 0 else None


_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if "&" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref[0] != "#":
            return _NAMED[ref]
        code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
        return chr(code) if 0 < code < 0x110000 else "\ufffd"

    return _ENTITY_RE.sub(repl, text)


_FORMULA_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})(?![0-9A-Za-z_(])")


def _shift_formula(formula: str, drow: int, dcol: int) -> str:
    """The text of a shared formula as seen from a cell ``drow``/``dcol`` away from its master."""

    def repl(m: re.Match[str]) -> str:
        col_abs, letters, row_abs, digits = m.groups()
        col = _letters_to_number(letters.encode()) - 1 + (0 if col_abs else dcol)
        row = int(digits) + (0 if row_abs else drow)
        if col < 0 or row < 1:
            return "#REF!"
        return f"{col_abs}{column_letter(col)}{row_abs}{row}"

    parts = formula.split('"')
    for i in range(0, len(parts), 2):  # outside string literals only
        parts[i] = _FORMULA_REF.sub(repl, parts[i])
    return '"'.join(parts)


# ---------------------------------------------------------------------------------------
# OLE compound files: encrypted OOXML or legacy .xls

_END_OF_CHAIN = 0xFFFFFFFA  # ids from here up are markers, not sectors


class _Cfb:
    """A bounded reader of the compound file directory and of one stream."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            _corrupt("OLE 文件头不完整 / truncated OLE header")
        self.data = data
        byte_order, shift, mini_shift = struct.unpack_from("<HHH", data, 0x1C)
        if byte_order != 0xFFFE or shift not in (9, 12):
            _corrupt("OLE 文件头损坏 / bad OLE header")
        self.size = 1 << shift
        self.mini_size = 1 << mini_shift if 0 < mini_shift < shift else 64
        (n_fat, self.dir_start, _, self.cutoff, self.minifat_start, _, difat_start,
         n_difat) = struct.unpack_from("<IIIIIIII", data, 0x2C)
        self.n_sectors = (len(data) - self.size + self.size - 1) // self.size
        if n_fat > self.n_sectors:
            _corrupt("OLE 分配表过大 / FAT larger than the file")
        fat_ids = [i for i in struct.unpack_from("<109I", data, 0x4C)][:n_fat]
        cur = difat_start
        per = self.size // 4 - 1
        visited: set[int] = set()
        while cur < _END_OF_CHAIN:  # a reader follows the DIFAT to its end: a cycle must not be there
            if cur in visited or len(visited) >= self.n_sectors:
                _corrupt("OLE 分配表链循环 / DIFAT chain loops")
            visited.add(cur)
            ids = struct.unpack_from(f"<{per + 1}I", self._sector(cur).ljust(self.size, b"\xff"))
            if len(fat_ids) < n_fat:
                fat_ids.extend(ids[:per])
            cur = ids[per]
        fat_ids = fat_ids[:n_fat]
        raw_fat = b"".join(self._sector(i).ljust(self.size, b"\xff") for i in fat_ids)
        self.fat: list[int] = np.frombuffer(raw_fat, dtype="<u4").tolist()
        self.entries = self._directory()
        self._check_chains()

    def _check_chains(self) -> None:
        """Every chain a reader may follow ends, inside the file, without a cycle: the directory's
        (read above), the mini FAT's, and every stream's in the FAT or the mini FAT. Chains that
        share sectors are refused too, so the walk costs at most one pass over each table."""
        if len(self.entries) > MAX_CFB_ENTRIES:
            _corrupt("OLE 目录项过多 / too many directory entries")
        owner: dict[int, int] = {}

        def claim(ids: list[int], chain: int) -> None:
            for sid in ids:
                if owner.setdefault(sid, chain) != chain:
                    _corrupt("OLE 扇区链交叉 / sector chains share sectors")

        claim(self._chain(self.dir_start, self.fat), -1)
        if self.minifat_start < _END_OF_CHAIN:
            claim(self._chain(self.minifat_start, self.fat), -2)
        mini_owner: dict[int, int] = {}
        minifat: list[int] | None = None
        for index, (_, kind, start, size) in enumerate(self.entries):
            if kind == 5 or (kind == 2 and size >= self.cutoff):
                if start < _END_OF_CHAIN and size > 0:
                    claim(self._chain(start, self.fat), index)
            elif kind == 2 and size > 0 and start < _END_OF_CHAIN:
                if minifat is None:
                    minifat = (np.frombuffer(self._read_chain(self.minifat_start), dtype="<u4").tolist()
                               if self.minifat_start < _END_OF_CHAIN else [])
                for sid in self._chain(start, minifat):
                    if mini_owner.setdefault(sid, index) != index:
                        _corrupt("OLE 短扇区链交叉 / mini sector chains share sectors")

    def _sector(self, sid: int) -> bytes:
        off = (sid + 1) * self.size
        if sid >= _END_OF_CHAIN or off >= len(self.data):
            _corrupt("OLE 扇区越界 / sector beyond the end of the file")
        return self.data[off:off + self.size]

    def _chain(self, start: int, table: list[int]) -> list[int]:
        ids: list[int] = []
        append = ids.append
        cur = start
        limit = len(table)
        while cur < _END_OF_CHAIN:
            if cur >= limit or len(ids) > limit:
                _corrupt("OLE 扇区链损坏 / broken sector chain")
            append(cur)
            cur = table[cur]
        return ids

    def _read_chain(self, start: int) -> bytes:
        """The sectors of a chain, sliced in runs of consecutive sectors."""
        ids = self._chain(start, self.fat)
        parts = []
        i = 0
        while i < len(ids):
            j = i
            while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
                j += 1
            off = (ids[i] + 1) * self.size
            if off >= len(self.data):
                _corrupt("OLE 扇区越界 / sector beyond the end of the file")
            parts.append(self.data[off:(ids[j] + 2) * self.size])
            i = j + 1
        return b"".join(parts)

    def _directory(self) -> list[tuple[str, int, int, int]]:
        raw = self._read_chain(self.dir_start)
        entries = []
        for off in range(0, len(raw) - 127, 128):
            name_len = min(struct.unpack_from("<H", raw, off + 0x40)[0], 64)
            kind = raw[off + 0x42]
            if kind not in (1, 2, 5):
                continue
            name = raw[off:off + max(name_len - 2, 0)].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<IQ", raw, off + 0x74)
            if self.size == 512:
                size &= 0xFFFFFFFF
            entries.append((name, kind, start, size))
        return entries

    def names(self) -> set[str]:
        return {name.lower() for name, _, _, _ in self.entries}

    def read_all(self, wanted: str) -> list[bytes]:
        """Every stream named ``wanted`` in any case (a reader may take any one of them)."""
        return [self._read_entry(e) for e in self.entries if e[1] == 2 and e[0].lower() == wanted]

    def _read_entry(self, entry: tuple[str, int, int, int]) -> bytes:
        _, _, start, size = entry
        if size > len(self.data):
            _corrupt("OLE 流大小超过文件 / stream larger than the file")
        if size >= self.cutoff:
            return self._read_chain(start)[:size]
        root = next((e for e in self.entries if e[1] == 5), None)
        if root is None:
            _corrupt("OLE 缺少根目录 / no root entry")
        mini_stream = self._read_chain(root[2])
        minifat = np.frombuffer(self._read_chain(self.minifat_start), dtype="<u4").tolist()
        out = b"".join(mini_stream[i * self.mini_size:(i + 1) * self.mini_size]
                       for i in self._chain(start, minifat))
        return out[:size]


def _check_cfb(data: bytes) -> Preflight:
    cfb = _Cfb(data)
    names = cfb.names()
    if "encryptioninfo" in names or "encryptedpackage" in names:
        _refuse("password_protected")
    streams = cfb.read_all("workbook") + cfb.read_all("book")
    if not streams:
        if "worddocument" in names:
            _refuse("unknown_format", detail="这是 Word 97-2003 文档 / a Word 97-2003 document")
        if "powerpoint document" in names:
            _refuse("unknown_format", detail="这是 PowerPoint 97-2003 演示文稿 / a PowerPoint 97-2003 presentation")
        _refuse("unknown_format", detail="OLE 复合文件，但不是 Excel 工作簿 / an OLE file that is not a workbook")
    for stream in streams:
        _scan_biff(stream)
    return Preflight("xls", [], {})


# BIFF records whose body starts with row (u16) and column (u16)
_BIFF_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x0206, 0x0406})
_BIFF_MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first col, ..., last col
# globals records calamine reads without checking their length first -> minimum length
_BIFF_MIN_LEN = {0x002F: 2, 0x0042: 2, 0x0022: 2, 0x0809: 2, 0x0017: 2, 0x041E: 5, 0x00E0: 4,
                 0x0085: 8, 0x00FC: 8, 0x0018: 15}


def _scan_biff(stream: bytes) -> None:
    """Walk the BIFF records: FILEPASS, the records that would crash the reader, and the
    bounding box of every sheet (calamine sizes its grid from the cells and reserves the
    DIMENSIONS area up front)."""
    n = len(stream)
    unpack = struct.unpack_from
    sheets: list[tuple[int, str]] = []
    pos = 0
    while pos + 4 <= n:
        typ, length = unpack("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + length
        if pos > n:
            break
        if length < _BIFF_MIN_LEN.get(typ, 0):
            _corrupt(f"BIFF 记录 0x{typ:04X} 过短 / record too short")
        if typ == 0x002F:  # FILEPASS
            _refuse("password_protected")
        elif typ == 0x0085:  # BOUNDSHEET
            (offset,) = unpack("<I", stream, body)
            if offset >= n:
                _corrupt("工作表位置越界 / sheet offset beyond the stream")
            sheets.append((offset, _biff_sheet_name(stream[body + 6:pos]) or f"#{len(sheets) + 1}"))
        elif typ == 0x00FC:  # SST: calamine reserves one string per declared entry
            (count,) = unpack("<i", stream, body + 4)
            room, nxt = length - 8, pos
            while nxt + 4 <= n and unpack("<H", stream, nxt)[0] == 0x003C:
                room += unpack("<H", stream, nxt + 2)[0]
                nxt += 4 + unpack("<H", stream, nxt + 2)[0]
            if count < 0 or count * 3 > room:
                _corrupt("共享字符串表损坏 / bad shared string table")
        elif typ == 0x0018:  # Lbl (defined name)
            cch = stream[body + 3]
            cce = unpack("<H", stream, body + 4)[0]
            if 15 + cch > length or cce > length:
                _corrupt("名称记录损坏 / bad defined name")
        elif typ == 0x000A:  # EOF of the globals
            break
    for offset, name in sheets:
        _scan_biff_sheet(stream, offset, name)


# Runs of fixed-size records the regex engine can skip in C: cells whose column is below 256
# (high byte 0) and ROW records. Legacy .xls allows 65536 x 256 cells, under the limit.
_BIFF_SMALL_CELLS = re.compile(
    rb"(?:\x03\x02\x0e\x00...\x00.{10}"  # NUMBER
    rb"|\x7e\x02\x0a\x00...\x00.{6}"  # RK
    rb"|\xfd\x00\x0a\x00...\x00.{6}"  # LABELSST
    rb"|\x01\x02\x06\x00...\x00.{2}"  # BLANK
    rb"|\x05\x02\x08\x00...\x00.{4}"  # BOOLERR
    rb"|\x08\x02\x10\x00.{16})++",  # ROW
    re.S,
)


def _scan_biff_sheet(stream: bytes, pos: int, name: str) -> None:
    rows, cols = _biff_box(stream, pos, name, fast=True)
    if rows * cols > MAX_SHEET_CELLS:
        rows, cols = _biff_box(stream, pos, name, fast=False)
        if rows * cols > MAX_SHEET_CELLS:
            _too_large(name, rows, cols, f"A1:{column_letter(cols - 1)}{rows}")


def _biff_box(stream: bytes, pos: int, name: str, fast: bool) -> tuple[int, int]:
    """Rows and columns of a sheet's cells: exact, or (fast) bounded above by 65536 x 256
    for the runs of small cells skipped by the regex."""
    n = len(stream)
    unpack = struct.unpack_from
    skip = _BIFF_SMALL_CELLS.match
    max_row = max_col = -1
    while pos + 4 <= n:
        if fast:
            m = skip(stream, pos)
            if m:
                pos = m.end()
                max_row, max_col = 65_535, max(max_col, 255)
                if pos + 4 > n:
                    break
        typ, length = unpack("<HH", stream, pos)
        body, pos = pos + 4, pos + 4 + length
        if pos > n or typ == 0x000A:
            break
        if typ in _BIFF_CELLS and length >= 4:
            row, col = unpack("<HH", stream, body)
        elif typ in _BIFF_MULTI and length >= 6:
            row, col = unpack("<HH", stream, body)
            col = max(col, unpack("<H", stream, pos - 2)[0])
        elif typ == 0x0200 and length in (10, 14):  # DIMENSIONS: calamine reserves this area up front
            if length == 14:
                rf, rl, cf, cl = unpack("<IIHH", stream, body)
            else:
                rf, rl, cf, cl = unpack("<HHHH", stream, body)
            if rl >= 1 and cl >= 1:
                rows = (rl - 1 - rf + 1) & 0xFFFFFFFF
                cols = (cl - 1 - cf + 1) & 0xFFFFFFFF
                if rows * cols > MAX_SHEET_CELLS:
                    _too_large(name, rows, cols, f"{column_letter(cf)}{rf + 1}:{column_letter(cl - 1)}{rl}")
            continue
        else:
            continue
        if row > max_row:
            max_row = row
        if col > max_col:
            max_col = col
    return max_row + 1, max_col + 1


def _biff_sheet_name(raw: bytes) -> str:
    """ShortXLUnicodeString (BIFF8) of a BOUNDSHEET record; best effort."""
    if len(raw) < 2:
        return ""
    cch, flags = raw[0], raw[1]
    if flags & 1:
        return raw[2:2 + 2 * cch].decode("utf-16-le", "replace")
    return raw[2:2 + cch].decode("latin-1")
