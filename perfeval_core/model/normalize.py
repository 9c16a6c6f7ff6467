"""Turning the cell values real workbooks contain into clean numbers and text.

Real files from Excel and WPS carry full-width digits and brackets, ``96.71%`` as text,
numbers stored as text, stray spaces and control characters. Everything here is tolerant
and never raises: a value that cannot be read comes back as ``None`` with a reason.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

MAX_TEXT = 5000  # characters kept from one cell; longer text is refused by the loader
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def clean_text(value: object) -> str:
    """Cell value to a trimmed single-line string; '' for empty cells."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime, date, time, timedelta)):
        return str(value)
    text = str(value)
    if len(text) > MAX_TEXT * 4:
        text = text[: MAX_TEXT * 4]
    if is_clean_text(text):  # most cells are: C speed instead of two regular expressions
        return text
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def is_clean_text(text: str) -> bool:
    """True when ``clean_text`` would return ``text`` as it is: every character ``_CONTROL``
    removes and every whitespace but the ASCII space is non-printable, so a printable text
    without doubled, leading or trailing spaces passes the substitutions and the strip unchanged."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def has_control_chars(value: object) -> bool:
    if not isinstance(value, str) or value.isprintable():  # every character _CONTROL finds is non-printable
        return False
    return bool(_CONTROL.search(value.replace("\n", "").replace("\r", "").replace("\t", "")))


def normalise_label(value: object) -> str:
    """A header or key for matching: half-width, no spaces, brackets unified."""
    text = to_halfwidth(clean_text(value))
    text = text.replace("（", "(").replace("）", ")").replace(" ", "")
    return text


def parse_number(value: object) -> tuple[float | None, bool]:
    """(number, was_percent). ``None`` when empty or unreadable; bool says a '%' was present.

    Accepts floats, ints, bools are refused, '96.71%', '９６．７１％', ' 1,234.5 ', '  12分'.
    """
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        f = float(value)
        return f, False
    if isinstance(value, (datetime, date, time, timedelta)):
        return None, False
    text = to_halfwidth(clean_text(value)).replace(",", "").replace(" ", "")
    if not text:
        return None, False
    percent = False
    if text.endswith("%"):
        percent = True
        text = text[:-1]
    elif text.endswith("‰"):
        text = text[:-1]
        if _NUMBER.match(text):
            return float(text) / 1000.0, False
        return None, False
    for suffix in ("分", "万元", "元", "个", "项", "人"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if not _NUMBER.match(text):
        return None, False
    number = float(text)
    if percent:
        number /= 100.0
    return number, percent


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if not isinstance(value, str):
        return False
    stripped = value.strip()
    if not stripped:
        return True
    if not _CONTROL.match(stripped[0]):  # a visible first character: not blank, no need to clean
        return False
    return clean_text(value) == ""


def row_has_value(row: list[object] | tuple[object, ...]) -> bool:
    """``any(not is_blank(v) for v in row)``, without a function call per cell for the usual
    row whose first cell is plain text or a number."""
    for v in row:
        if isinstance(v, str):
            if (v.isprintable() and v.strip()) or not is_blank(v):  # printable: no control characters
                return True
        elif v is not None and v == v:  # not None, not NaN
            return True
    return False


def split_list(text: str) -> list[str]:
    """``a=1，b=2；c=3`` → ['a=1', 'b=2', 'c=3']: the non-empty parts of a list typed with commas or
    semicolons, half- or full-width (weights, band rules, AHP judgements, bands)."""
    parts = text.replace("；", ",").replace(";", ",").replace("，", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


def split_assignment(part: str) -> tuple[str, str] | None:
    """``name=value`` (also ``name：value``, ``name:value``) → (name, value), stripped; None without a sign."""
    sep = "=" if "=" in part else ("：" if "：" in part else ":")
    if sep not in part:
        return None
    key, value = part.split(sep, 1)
    return key.strip(), value.strip()
