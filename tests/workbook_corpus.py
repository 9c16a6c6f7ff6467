"""Broken workbooks in our template and score-table layouts: what goes wrong in content rather
than in the file (``hostile_corpus.py`` holds those). Each case is a builder and an expectation:

* ``Expect(loads=False, key=..., location=...)``: refused; an error with that message key at that
  place (``指标体系!D4``; a bare sheet name when the message is about the whole sheet);
* ``Expect(loads=True, warning=..., location=...)``: loads, with that warning.

``python tests/workbook_corpus.py OUTDIR`` writes them all next to the hostile ones.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from perfeval_core.io import template_spec as spec
from perfeval_core.io.template_io import write_workbook
from tests import hostile_corpus as hc

Case = tuple[str, bytes]

INDICATORS = [
    ["A", "决策", None, 20, "", None, "", "", ""],
    ["A1", "项目立项", "A", None, "", None, "", "", ""],
    ["A101", "立项依据充分性", "A1", 10, "定性", None, "", "", ""],
    ["A102", "立项程序规范性", "A1", 10, "定性", None, "", "", ""],
    ["B", "过程", None, None, "", None, "", "", ""],
    ["B1", "资金管理", "B", None, "", None, "", "", ""],
    ["B101", "资金到位率", "B1", 10, "正向", 100, "%", "", ""],
    ["B102", "支出超标率", "B1", 10, "反向", 10, "%", "", ""],
    ["C", "产出", None, None, "", None, "", "", ""],
    ["C1", "产出数量", "C", None, "", None, "", "", ""],
    ["C101", "实际完成率", "C1", 30, "定性", None, "", "", ""],
    ["D", "效益", None, None, "", None, "", "", ""],
    ["D1", "项目效益", "D", None, "", None, "", "", ""],
    ["D101", "社会效益", "D1", 30, "定性", None, "", "", ""],
]
UNITS = [["测试市", None, "市", "否", ""], ["甲区", "测试市", "区", "是", ""], ["乙区", "测试市", "区", "否", ""]]
SCORES = [
    ["甲区", "A101", 8, None, None, "依据不充分"], ["甲区", "A102", 9, None, None, ""],
    ["甲区", "B101", 10, None, None, ""], ["甲区", "B102", 5, None, None, "超标"],
    ["甲区", "C101", 28, None, None, ""], ["甲区", "D101", 27, None, None, ""],
    ["乙区", "A101", 10, None, None, ""], ["乙区", "A102", 10, None, None, ""], ["乙区", "B101", 10, None, None, ""],
    ["乙区", "B102", 10, None, None, ""], ["乙区", "C101", 30, None, None, ""], ["乙区", "D101", 30, None, None, ""],
]
PROJECT = [["项目名称", "测试项目"], ["年度", "2024年"], ["地区", "测试市"], ["评价方式", "部门评价"]]


@dataclass(frozen=True)
class Expect:
    loads: bool
    key: str | None = None  # the error's message key (refused) ...
    warning: str | None = None  # ... or a warning's message key (loads)
    location: str | None = None  # Issue.location of that message


def template(*, include_optional: bool = False, **changes: Any) -> bytes:
    data: dict[str, Any] = {"project": PROJECT, "indicators": INDICATORS, "units": UNITS, "scores": SCORES}
    data.update(changes)
    buffer = io.BytesIO()
    write_workbook(buffer, data, include_optional=include_optional)
    return buffer.getvalue()


def edited(data: bytes, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def indicators_with(row: int, col: int, value: Any) -> list[list[Any]]:
    rows = [r[:] for r in INDICATORS]
    rows[row][col] = value
    return rows


def scores_with(row: int, col: int, value: Any) -> list[list[Any]]:
    rows = [r[:] for r in SCORES]
    rows[row][col] = value
    return rows


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def raw_template_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """Template sheets written straight as XML with inline strings: fast for a million rows."""
    parts = {}
    for name, rows in sheets.items():
        out = []
        for r, row in enumerate(rows, 1):
            cells = []
            for c, value in enumerate(row):
                ref = f"{hc._col(c)}{r}"
                if value is None:
                    continue
                if isinstance(value, (int, float)):
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_text(str(value))}</t></is></c>')
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        parts[name] = hc.sheet_xml("".join(out))
    return hc.xlsx_bytes(parts)


PROJECT_SHEET = [["项目", "内容"], *PROJECT]
INDICATOR_HEADER = [c.header for c in spec.INDICATORS.columns]
UNIT_HEADER = [c.header for c in spec.UNITS.columns]
SCORE_HEADER = [c.header for c in spec.SCORES.columns]


# --- the cases ------------------------------------------------------------------------------------

def missing_sheet() -> Case:
    return "missing_sheet.xlsx", edited(template(), lambda b: b.remove(b["评价单位"]))


def missing_column() -> Case:
    def edit(book: openpyxl.Workbook) -> None:
        book["指标体系"]["D1"] = "备注"
    return "missing_column.xlsx", edited(template(), edit)


def title_only() -> Case:
    book = openpyxl.Workbook()
    book.active["A1"] = "2023年度街道社区党组织建设项目绩效评价评分表"
    out = io.BytesIO()
    book.save(out)
    return "title_only.xlsx", out.getvalue()


def empty_sheets() -> Case:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return "empty_sheets.xlsx", out.getvalue()


def duplicate_indicator_code() -> Case:
    rows = [r[:] for r in INDICATORS] + [["A101", "重复", "A1", 1, "定性", None, "", "", ""]]
    return "duplicate_code.xlsx", template(indicators=rows)


def duplicate_unit_name() -> Case:
    return "duplicate_unit.xlsx", template(units=UNITS + [["甲区", "测试市", "区", "否", ""]])


def indicator_cycle() -> Case:
    return "indicator_cycle.xlsx", template(indicators=indicators_with(0, 2, "A1"))


def indicator_orphan() -> Case:
    rows = [r[:] for r in INDICATORS] + [["E101", "孤儿", "E1", 1, "定性", None, "", "", ""]]
    return "indicator_orphan.xlsx", template(indicators=rows)


def unit_cycle() -> Case:
    units = [["测试市", "乙区", "市", "否", ""], ["甲区", "测试市", "区", "是", ""], ["乙区", "测试市", "区", "否", ""]]
    return "unit_cycle.xlsx", template(units=units)


def unit_orphan() -> Case:
    return "unit_orphan.xlsx", template(units=UNITS + [["丙区", "不存在的市", "区", "否", ""]])


def score_for_unknown_unit() -> Case:
    return "unknown_unit.xlsx", template(scores=SCORES + [["丙区", "A101", 1, None, None, ""]])


def score_for_unknown_indicator() -> Case:
    return "unknown_leaf.xlsx", template(scores=SCORES + [["甲区", "Z999", 1, None, None, ""]])


def points_text() -> Case:
    return "points_text.xlsx", template(indicators=indicators_with(2, 3, "二十"))


def points_negative() -> Case:
    return "points_negative.xlsx", template(indicators=indicators_with(2, 3, -10))


def points_nan() -> Case:
    return "points_nan.xlsx", template(indicators=indicators_with(2, 3, "NaN"))


def points_huge() -> Case:
    return "points_huge.xlsx", template(indicators=indicators_with(2, 3, 1e300))


def score_text() -> Case:
    return "score_text.xlsx", template(scores=scores_with(0, 2, "良好"))


def score_negative() -> Case:
    return "score_negative.xlsx", template(scores=scores_with(0, 2, -3))


def score_nan() -> Case:
    return "score_nan.xlsx", template(scores=scores_with(0, 2, "nan"))


def score_infinite() -> Case:
    return "score_infinite.xlsx", template(scores=scores_with(0, 2, "inf"))


def score_huge() -> Case:
    return "score_huge.xlsx", template(scores=scores_with(0, 2, 1e308))


def score_above_points() -> Case:
    return "score_above_points.xlsx", template(scores=scores_with(6, 2, 12))


def all_weights_zero() -> Case:
    rows = [r[:] for r in INDICATORS]
    for row in rows:
        if row[3] is not None:
            row[3] = 0
    return "all_weights_zero.xlsx", template(indicators=rows)


def points_not_100() -> Case:
    return "points_80.xlsx", template(indicators=indicators_with(10, 3, 10))


def control_characters() -> Case:
    return "control_chars.xlsx", template(scores=scores_with(0, 5, "依据\x07不\x1b充分\x00"))


def formula_injection() -> Case:
    return "formula_injection.xlsx", template(scores=scores_with(0, 5, '=HYPERLINK("http://evil.example","点击")'),
                                              units=UNITS + [["@SUM(1+1)", "测试市", "区", "否", "+cmd|' /C calc'!A0"]])


def one_megabyte_string() -> Case:
    # Excel's own cell limit is 32,767 characters; a hand-written file can hold more. Random
    # characters, so the sheet does not compress like a zip bomb.
    rng = random.Random(1)
    long_text = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(1 << 20))
    rows = {"项目信息": PROJECT_SHEET, "指标体系": [INDICATOR_HEADER, *INDICATORS],
            "评价单位": [UNIT_HEADER, *UNITS],
            "评分": [SCORE_HEADER, *[r[:5] + [long_text] if i == 0 else r for i, r in enumerate(SCORES)]]}
    return "one_mb_string.xlsx", raw_template_xlsx(rows)


def million_rows() -> Case:
    """A score sheet of 1,000,000 rows for a unit that does not exist."""
    body = [["不存在的单位", "A101", 1, None, None, None]] * 1_000_000
    rows = {"项目信息": PROJECT_SHEET, "指标体系": [INDICATOR_HEADER, *INDICATORS],
            "评价单位": [UNIT_HEADER, *UNITS], "评分": [SCORE_HEADER, *SCORES, *body]}
    return "million_rows.xlsx", raw_template_xlsx(rows)


def columns_16000() -> Case:
    wide = [[*SCORE_HEADER, *[f"多余列{i}" for i in range(16_000 - len(SCORE_HEADER))]], *SCORES]
    rows = {"项目信息": PROJECT_SHEET, "指标体系": [INDICATOR_HEADER, *INDICATORS],
            "评价单位": [UNIT_HEADER, *UNITS], "评分": wide}
    return "columns_16000.xlsx", raw_template_xlsx(rows)


def bands_not_descending() -> Case:
    return "bands_bad.xlsx", template(bands=[["优", 80], ["良", 90], ["中", 60], ["差", 0]])


def survey_above_respondents() -> Case:
    return "survey_bad.xlsx", template(survey=[["甲区", "60岁及以上", 10, 60, 20, 10, 10, 3]])


def budget_negative() -> Case:
    return "budget_negative.xlsx", template(budget=[["甲区", "区级", "", -100, None, None, 50, 20]])


def csv_unknown_encoding() -> Case:
    # UTF-32 without a byte-order mark: every character carries zero bytes, no supported encoding reads it
    return "评分表.csv", "单位名称,指标编码,得分\n甲区,A101,8\n".encode("utf-32-le")


def _printed_table(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "评分表"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def score_table_without_points() -> Case:
    return "score_table_no_points.xlsx", _printed_table([
        ["绩效评价评分表"], ["一级指标", "二级指标", "三级指标", "指标解释", "得分"],
        ["决策", "项目立项", "立项依据充分性", "", 8]])


def score_table_text_score() -> Case:
    return "score_table_text.xlsx", _printed_table([
        ["一级指标", "二级指标", "三级指标", "分值", "得分"],
        ["决策（20分）", "项目立项", "立项依据充分性", 10, "优秀"],
        ["决策（20分）", "项目立项", "立项程序规范性", 10, 9],
        ["过程（80分）", "资金管理", "资金到位率", 80, 70]])


CASES: dict[str, tuple[Callable[[], Case], Expect]] = {
    "missing_sheet": (missing_sheet, Expect(False, "sheet_missing", location="")),
    "missing_column": (missing_column, Expect(False, "header_missing", location="指标体系")),
    "title_only": (title_only, Expect(False, "layout_unknown", location="")),
    "empty_sheets": (empty_sheets, Expect(False, "layout_unknown", location="")),
    "duplicate_indicator_code": (duplicate_indicator_code, Expect(False, "duplicate_code", location="指标体系!A16")),
    "duplicate_unit_name": (duplicate_unit_name, Expect(False, "duplicate_unit", location="评价单位!A5")),
    "indicator_cycle": (indicator_cycle, Expect(False, "indicator_cycle", location="指标体系!C2")),
    "indicator_orphan": (indicator_orphan, Expect(False, "unknown_parent", location="指标体系!C16")),
    "unit_cycle": (unit_cycle, Expect(False, "unit_cycle", location="评价单位!B2")),
    "unit_orphan": (unit_orphan, Expect(False, "unknown_unit", location="评价单位!B5")),
    "score_for_unknown_unit": (score_for_unknown_unit, Expect(False, "unknown_unit", location="评分!A14")),
    "score_for_unknown_indicator": (score_for_unknown_indicator,
                                    Expect(False, "unknown_indicator", location="评分!B14")),
    "points_text": (points_text, Expect(False, "not_a_number", location="指标体系!D4")),
    "points_negative": (points_negative, Expect(False, "negative", location="指标体系!D4")),
    "points_nan": (points_nan, Expect(False, "not_a_number", location="指标体系!D4")),
    "points_huge": (points_huge, Expect(False, "too_large", location="指标体系!D4")),
    "score_text": (score_text, Expect(False, "not_a_number", location="评分!C2")),
    "score_negative": (score_negative, Expect(False, "negative", location="评分!C2")),
    "score_nan": (score_nan, Expect(False, "not_a_number", location="评分!C2")),
    "score_infinite": (score_infinite, Expect(False, "not_finite", location="评分!C2")),
    "score_huge": (score_huge, Expect(False, "too_large", location="评分!C2")),
    "score_above_points": (score_above_points, Expect(True, warning="score_above_points", location="评分!C8")),
    "all_weights_zero": (all_weights_zero, Expect(False, "all_points_zero", location="指标体系")),
    "points_not_100": (points_not_100, Expect(True, warning="points_sum_total", location="指标体系")),
    "control_characters": (control_characters, Expect(True, warning="control_chars", location="评分!F2")),
    "formula_injection": (formula_injection, Expect(True)),
    "one_megabyte_string": (one_megabyte_string, Expect(False, "text_too_long", location="评分!F2")),
    "million_rows": (million_rows, Expect(False, "unknown_unit", location="评分!A14")),
    "columns_16000": (columns_16000, Expect(True)),
    "bands_not_descending": (bands_not_descending, Expect(False, "bands_order", location="评级标准!B2")),
    "survey_above_respondents": (survey_above_respondents,
                                 Expect(False, "survey_counts", location="满意度调查!第2行")),
    "budget_negative": (budget_negative, Expect(False, "negative", location="预算资金!D2")),
    "csv_unknown_encoding": (csv_unknown_encoding, Expect(False, "csv_encoding", location="")),
    "score_table_without_points": (score_table_without_points, Expect(False, "name_points_missing", location="评分表!第3行")),
    "score_table_text_score": (score_table_text_score, Expect(False, "not_a_number", location="评分表!E2")),
}


def main(out_dir: str | Path) -> list[Path]:
    return hc.write_cases(out_dir, {name: build for name, (build, _) in CASES.items()})


if __name__ == "__main__":
    hc.cli(main, "workbook_corpus.py")
