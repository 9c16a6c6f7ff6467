"""Writing workbooks in our template (blank or filled) and its documentation, from template_spec."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from . import template_spec as spec

INSTRUCTIONS = "填写说明"



def write_workbook(target: str | Path | io.BytesIO, data: dict[str, Sequence[Sequence[Any]]] | None = None,
                   *, include_optional: bool = True, instructions: bool = True,
                   extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None) -> None:
    """Write a workbook in the template. ``data`` maps a sheet key (template_spec) to data rows
    (header excluded; for 项目信息, ``[label, value]`` pairs). Missing keys give empty sheets.
    For the 评分矩阵 sheet the first row of ``data`` is the header (单位名称 + leaf codes)."""
    data = data or {}
    book = xlsxwriter.Workbook(target, {"constant_memory": False, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    header_fmt = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                                  "valign": "vcenter", "font_name": "Microsoft YaHei"})
    required_fmt = book.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True,
                                    "valign": "vcenter", "font_name": "Microsoft YaHei"})
    cell_fmt = book.add_format({"font_name": "Microsoft YaHei"})
    if instructions:
        _instructions(book, header_fmt, cell_fmt)
    for sheet in spec.SHEETS:
        if not include_optional and not sheet.required and sheet.key not in data:
            continue
        if sheet.key == "score_matrix" and sheet.key not in data:
            continue
        ws = book.add_worksheet(sheet.name)
        rows = data.get(sheet.key, [])
        if sheet.key_value:
            ws.write_row(0, 0, ["项目", "内容"], header_fmt)
            values = {r[0]: r[1] for r in rows}
            for i, col in enumerate(sheet.columns, start=1):
                ws.write(i, 0, col.header, required_fmt if col.required else header_fmt)
                ws.write_comment(i, 0, f"{col.meaning}。例：{col.example}" if col.example else col.meaning)
                if col.header in values:
                    _write(ws, i, 1, values[col.header], cell_fmt)
            ws.set_column(0, 0, 16)
            ws.set_column(1, 1, 60)
            continue
        if sheet.key == "score_matrix":
            header, body = list(rows[0]), rows[1:]
            ws.write_row(0, 0, header, header_fmt)
        else:
            header = [c.header for c in sheet.columns]
            body = rows
            for j, col in enumerate(sheet.columns):
                ws.write(0, j, col.header, required_fmt if col.required else header_fmt)
                note = col.meaning + (f"（单位：{col.unit}）" if col.unit else "")
                if col.choices:
                    note += "。可选：" + "、".join(col.choices)
                ws.write_comment(0, j, note)
                if col.choices:
                    ws.data_validation(1, j, 100000, j, {"validate": "list", "source": list(col.choices),
                                                         "ignore_blank": True, "error_type": "warning"})
        for i, row in enumerate(body, start=1):
            for j, value in enumerate(row):
                _write(ws, i, j, value, cell_fmt)
        ws.freeze_panes(1, 1 if sheet.key == "score_matrix" else 0)
        for j in range(len(header)):
            ws.set_column(j, j, 14 if j else 18)
    for name, rows in (extra_sheets or {}).items():
        ws = book.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                _write(ws, i, j, value, cell_fmt)
    book.close()


def _write(ws: Any, i: int, j: int, value: Any, fmt: Any) -> None:
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, bool):
        ws.write_string(i, j, "是" if value else "否", fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(i, j, value, fmt)
    else:
        # text from users must never turn into a formula
        ws.write_string(i, j, str(value), fmt)


def _instructions(book: Any, header_fmt: Any, cell_fmt: Any) -> None:
    ws = book.add_worksheet(INSTRUCTIONS)
    ws.write_row(0, 0, ["工作表", "是否必需", "用途"], header_fmt)
    for i, sheet in enumerate(spec.SHEETS, start=1):
        ws.write_row(i, 0, [sheet.name, "必需" if sheet.required else "可选", sheet.purpose], cell_fmt)
    ws.write(len(spec.SHEETS) + 2, 0, "表头为橙色的列必须填写；金额单位为万元；比率可写 0.9671 或 96.71%。", cell_fmt)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 110)


def prefilled_bytes(ev: Any) -> bytes:
    """Our template pre-filled with what a form was read as: its project information, its
    indicator system and its unit, with one 评分 row per leaf left for the scores (a blank form
    becomes an input workbook to fill in)."""
    p = ev.project
    unit = ev.units["name"].iloc[0] if len(ev.units) else (p.implementer or p.name or "评价对象")
    tier = "区" if str(unit).endswith(("区", "县", "旗")) else "市"
    mode = p.mode if p.mode in ("单位自评", "部门评价", "财政评价") else "单位自评"
    project = [["项目名称", p.name or ev.source_name], ["年度", p.year], ["地区", p.region or unit], ["评价方式", mode],
               ["评价机构", p.evaluator or p.implementer]]
    indicators = [[r.code, r.name, r.parent, r.points, None, None, None, r.explanation, r.criteria]
                  for r in ev.indicators.itertuples(index=False)]
    goals = ev.goals.drop_duplicates("code").set_index("code") if not ev.goals.empty else None
    leaves = ev.leaves["code"].tolist()
    scores = [[unit, code, None, None, None,
               goals.at[code, "deviation"] if goals is not None and code in goals.index else None] for code in leaves]
    out = io.BytesIO()
    write_workbook(out, {"project": project, "indicators": indicators, "units": [[unit, None, tier, None, None]],
                         "scores": scores}, include_optional=False)
    return out.getvalue()


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer)
    return buffer.getvalue()


def format_docs() -> str:
    """docs/workbook-format.md, rendered from template_spec."""
    out = [
        "# 评价工作簿格式 (evaluation workbook format)",
        "",
        "<!-- Generated by `python -m perfeval_core.template_io docs`; edit perfeval_core/template_spec.py instead. -->",
        "",
        "perfeval reads two layouts and says which one it detected:",
        "",
        "1. **Our template** (`sample_data/template.xlsx`): one sheet per kind of data, described below.",
        "2. **The single-sheet 评分表** printed in evaluation reports: title rows, 一级/二级/三级指标 (merged, blank "
        "below or repeated), 分值 (or 权重/标准分值), optional 指标解释/评分标准/得分率/扣分原因, a 合计 row, one or several "
        "units side by side. See the README.",
        "",
        "General rules for the template: header names are matched after removing spaces and unifying full-width "
        "characters, and listed aliases are accepted; amounts are in 万元; rates may be written `0.9671`, "
        "`96.71` (in a rate column) or `96.71%`; numbers stored as text and full-width digits are read; formulas are "
        "read from their cached values (a formula with no cached value is an error). Orange headers in the "
        "template mark required columns.",
        "",
        "| 工作表 | Required | Purpose |",
        "|---|---|---|",
    ]
    for sheet in spec.SHEETS:
        out.append(f"| {sheet.name} | {'required' if sheet.required else 'optional'} | {sheet.purpose} |")
    kinds = {"text": "文本", "number": "数字", "int": "整数", "rate": "比率", "choice": "选项", "bool": "是/否",
             "year": "年份"}
    for sheet in spec.SHEETS:
        out += ["", f"## {sheet.name} ({'required' if sheet.required else 'optional'})", "", sheet.purpose, ""]
        if sheet.key_value:
            out += ["Two columns: the field name in column A, its value in column B.", ""]
        out += ["| 列 (column) | key | 类型 | 单位 | 必填 | 含义 | 示例 | 别名 (aliases) |",
                "|---|---|---|---|---|---|---|---|"]
        for c in sheet.columns:
            meaning = c.meaning + ("。可选值：" + "、".join(c.choices) if c.choices and c.kind != "bool" else "")
            out.append(f"| {c.header} | `{c.key}` | {kinds[c.kind]} | {c.unit} | {'是' if c.required else '否'} | "
                       f"{meaning} | {c.example} | {'、'.join(c.aliases)} |")
    out += [
        "",
        "## Example",
        "",
        "`sample_data/hohhot_2023_evaluation.xlsx` and `sample_data/tangshan_2024_evaluation.xlsx` are complete "
        "examples; `sample_data/hohhot_2023_score_table.xlsx` is the same Hohhot evaluation as a single-sheet 评分表.",
        "",
    ]
    return "\n".join(out)


def main(argv: Iterable[str] | None = None) -> int:
    import sys

    args = list(argv if argv is not None else sys.argv[1:])
    if args[:1] == ["docs"]:
        target = Path(args[1]) if len(args) > 1 else Path("docs/workbook-format.md")
        target.write_text(format_docs(), encoding="utf-8")
    elif args[:1] == ["template"]:
        target = Path(args[1]) if len(args) > 1 else Path("sample_data/template.xlsx")
        target.write_bytes(template_bytes())
    else:
        print("usage: python -m perfeval_core.template_io docs|template [PATH]")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
