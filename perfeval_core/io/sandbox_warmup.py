"""Imported by the sandbox's fork server only (``perfeval_core.io.sandbox._context``): one load of the
blank template and of a small score table fills the caches (compiled patterns, pandas' and numpy's
first-call set-up) that every child forked from the server then starts with; the columnar reader
(fastexcel, pyarrow's compute functions) is imported here too."""

from __future__ import annotations

import io

import fastexcel  # noqa: F401 (the columnar reader of big sheets: imported once, not per child)
import pyarrow.compute  # noqa: F401
import xlsxwriter

from perfeval_core.io.loader import load_bytes
from perfeval_core.io.template_io import template_bytes


def _score_table() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("评分表")
    rows: list[list[str | int]] = [["一级指标", "二级指标", "分值", "得分"], ["决策", "项目立项", 20, 18], ["过程", "资金管理", 20, 17],
            ["产出", "产出数量", 30, 27], ["效益", "社会效益", 30, 26], ["合计", "", 100, 88]]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    book.close()
    return out.getvalue()


load_bytes(template_bytes(), "template.xlsx")
load_bytes(_score_table(), "score_table.xlsx")
