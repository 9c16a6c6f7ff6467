"""Word (.docx) tables as sheets: many 自评表 and 评分表 are published as Word documents.

Each ``w:tbl`` of word/document.xml becomes a ``Sheet``: one row per ``w:tr``, one column per
grid column; a cell spanning columns (``w:gridSpan``) or continuing a vertical merge
(``w:vMerge`` without ``restart``) becomes a merged range, as Excel's merged cells are. Paragraphs
before a table that look like its title (项目支出绩效自评表, （2022年度）) become rows above it.
The preflight has already refused DOCTYPE/ENTITY declarations and bounded the part's size.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from io import BytesIO

from perfeval_core.io.safety import MAX_SHEET_CELLS
from perfeval_core.io.sheets import Sheet
from perfeval_core.model.report import Issue, LoadRefused

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_TITLE_PARAGRAPHS = 4  # paragraphs kept above a table as its title rows
MAX_TITLE_LENGTH = 80


def _text(element: ET.Element) -> str:
    """The text of a cell or paragraph; paragraphs and breaks become line breaks."""
    parts: list[str] = []
    for p in element.iter(_W + "p"):
        line = []
        for node in p.iter():
            if node.tag == _W + "t" and node.text:
                line.append(node.text)
            elif node.tag == _W + "tab":
                line.append(" ")
            elif node.tag in (_W + "br", _W + "cr"):
                line.append("\n")
        parts.append("".join(line))
    return "\n".join(parts).strip()


# content controls and custom XML that Word wraps around tables, rows and cells of forms
_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml"}


def _unwrapped(parent: ET.Element, tag: str) -> list[ET.Element]:
    """The children of ``parent`` with the given tag, looking inside wrappers (a row or a cell in a
    content control is still the table's): without this a wrapped cell is lost and the cells right
    of it move one column left."""
    found: list[ET.Element] = []
    stack = list(reversed(list(parent)))  # no recursion: wrappers may nest deeply
    while stack:
        child = stack.pop()
        if child.tag in _WRAPPERS:
            stack.extend(reversed(list(child)))
        elif child.tag == tag:
            found.append(child)
    return found


def _body_parts(body: ET.Element) -> list[ET.Element]:
    """The paragraphs and tables of the body in order, those inside content controls included."""
    parts: list[ET.Element] = []
    stack = list(reversed(list(body)))
    while stack:
        child = stack.pop()
        if child.tag in _WRAPPERS:
            stack.extend(reversed(list(child)))
        elif child.tag in (_W + "p", _W + "tbl"):
            parts.append(child)
    return parts


def _attr(element: ET.Element | None, name: str) -> str | None:
    if element is None:
        return None
    return element.get(_W + name)


MAX_SPAN = 64  # grid columns one cell may span; a wider table is not a form


def _span(value: str | None) -> int:
    """A w:gridSpan as a column count: 1 when missing or not a whole number ("x", "1.5", "-3")."""
    text = (value or "").strip()
    return max(1, min(int(text), MAX_SPAN)) if text.isdigit() and text.isascii() else 1


def read_docx_tables(document: bytes, name: str = "Word") -> list[Sheet]:
    """One Sheet per top-level table of the document, named 表1, 表2 …"""
    try:
        root = ET.parse(BytesIO(document)).getroot()
    except ET.ParseError as exc:
        raise LoadRefused(Issue("error", "zip_corrupt", {"detail": f"word/document.xml: {exc}"[:200]})) from None
    body = root.find(_W + "body")
    if body is None:
        raise LoadRefused(Issue("error", "no_sheets"))
    sheets: list[Sheet] = []
    titles: list[str] = []
    for child in _body_parts(body):
        if child.tag == _W + "p":
            text = _text(child)
            if text and len(text) <= MAX_TITLE_LENGTH:
                titles = (titles + [text])[-MAX_TITLE_PARAGRAPHS:]
            elif text:
                titles = []
        elif child.tag == _W + "tbl":
            sheets.append(_table_sheet(child, f"表{len(sheets) + 1}", titles))
            titles = []
    if not sheets:
        raise LoadRefused(Issue("error", "docx_no_tables"))
    return sheets


def _table_sheet(table: ET.Element, name: str, titles: list[str]) -> Sheet:
    rows: list[list[object]] = [[t] for t in titles]
    merged: list[tuple[int, int, int, int]] = []
    open_vertical: dict[int, list[int]] = {}  # grid column -> [first row, last column] of a vertical merge
    for tr in _unwrapped(table, _W + "tr"):  # the table's rows: a table nested in a cell is that cell's text
        r = len(rows)
        row: list[object] = []
        col = 0
        for tc in _unwrapped(tr, _W + "tc"):
            props = tc.find(_W + "tcPr")
            span = _span(_attr(props.find(_W + "gridSpan") if props is not None else None, "val"))
            vmerge = props.find(_W + "vMerge") if props is not None else None
            continues = vmerge is not None and (_attr(vmerge, "val") or "continue") == "continue"
            if continues and col in open_vertical:
                open_vertical[col][2] = r
                row.extend([""] * span)
            else:
                if col in open_vertical:
                    _close(open_vertical.pop(col), col, merged)
                row.append(_text(tc))
                row.extend([""] * (span - 1))
                if vmerge is not None:
                    open_vertical[col] = [r, col + span - 1, r]
                elif span > 1:
                    merged.append((r, col, r, col + span - 1))
            col += span
            if (r + 1) * col > MAX_SHEET_CELLS:
                raise LoadRefused(Issue("error", "sheet_too_large", {
                    "sheet": name, "ref": "", "rows": r + 1, "cols": col, "max_cells": MAX_SHEET_CELLS}, sheet=name))
        rows.append(row)
    for c, still_open in list(open_vertical.items()):
        _close(still_open, c, merged)
    return Sheet(name, rows, 0, 0, merged)


def _close(span: list[int], col: int, merged: list[tuple[int, int, int, int]]) -> None:
    first, last_col, last_row = span
    if last_row > first or last_col > col:
        merged.append((first, col, last_row, last_col))
