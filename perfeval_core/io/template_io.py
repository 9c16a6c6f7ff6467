"""Writing workbooks in our template (blank or filled) and its documentation, from template_spec."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from perfeval_core.io import template_spec as spec

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
        "<!-- Generated by `python -m perfeval_core.io.template_io docs`; edit perfeval_core/io/template_spec.py instead. -->",
        "",
        "perfeval reads our template and the forms evaluators publish, and says which one it detected:",
        "",
        "1. **Our template** (`sample_data/template.xlsx`): one sheet per kind of data, described below.",
        "2. **The forms in the field**: 评分表, 项目支出绩效自评表, 指标得分情况表 (Excel or Word), and a folder or "
        ".zip of them as one portfolio. How each kind of row is read is in «Forms from the field» at the end.",
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
        FORMS_SECTION,
    ]
    return "\n".join(out)


FORMS_SECTION = """## Forms from the field

Real tables published by finance bureaus and departments load as they are; `tests/data/real/`
holds transcriptions of published tables of several provinces with the figures their publishers
print (`SOURCES.md` there), and the tests assert those figures.

| form | recognised by | read as |
|---|---|---|
| 评分表 (部门/财政评价, third-party) | a header with 一级/二级/三级指标 (or 指标名称) and 分值/权重/满分/标准分, and 得分/得分率/自评分 | layout `score_table` |
| 项目支出绩效自评表 (10号 annex 3 and provincial variants) | the same header with 年度指标值/实际完成值/偏差原因, or a budget block above it | layout `self_evaluation`, mode 单位自评 |
| 指标得分情况表 (code lists) | 指标名称 \\| 权重 \\| 指标得分 \\| 得分率 with no level columns, the names carrying codes (A / A1 / A101, or 1 / 1.1) | layout `code_list` |
| Word (.docx) | any of the above as a Word table | as the same form; each table is a sheet 表1, 表2 … |
| a folder or .zip of forms | `score DIR` / `score FILE.zip`, or several files (or one .zip) in the uploader | layout `portfolio` |
| a workbook with one 自评表 per sheet | two or more sheets that are each a 自评表 | layout `portfolio`, a project per sheet |

What happens to each kind of row:

- **Title block.** The title and short lines under it give the year (`（2022年度）`); label | value
  cells give 项目名称, 主管部门 and 实施单位 (budget codes such as `219001-` are dropped). The
  unit scored is the 实施单位 (else the 项目名称).
- **Budget block** (全年预算数/全年执行数/分值/执行率/得分, or 年初预算/调整后预算数/预算执行数/预算执行率/权重/得分):
  the 年度资金总额 row gives the project's budget figures and **one** level-1 indicator 预算执行率 with
  its 分值 and 得分, read once even where the 其中 rows repeat the 分值. The 其中 rows (本年财政拨款,
  上年结转资金, 其他资金) are the budget by source; a total that disagrees with them is a warning naming
  both. Amounts in 元 are converted to 万元. No 到位 figure is printed, so 到位率 is shown as unknown
  (—), not 0 %, and 执行率 = 执行数 ÷ 调整后（全年）预算数. Where the printed 总分 covers the indicators
  alone (100 points beside a 10-point budget line), 预算执行率 is kept out of the total and that is said.
- **Header.** One row or two (绩效指标 | 年度指标值 | 分值 above 一级 | 二级 | 三级). A label merged
  down the left (`绩效指标`, `绩效指标(90分)`, `年度绩效目标(80分)`) is a block label, not a level.
- **Level names** lose their code, enumerator and points: `A决策15分` is code A, 决策, 15 points;
  `产 出 指 标 (50分)` is 产出指标, 50; `A101立项依据充分性` keeps A101 as its code; `指标1:` prefixes go.
  A level-1 cell that prints only `(50分)` is named from its children (数量/质量/时效/成本 → 产出指标).
- **Points in names** are the points when there is no 分值 column; beside a 分值 column a different
  figure is a warning (the column is used). Where only a parent states its points and its leaves
  none, they are shared equally, with a warning.
- **Placeholder rows** (a 二级 with no 三级, `……`, `指标2:`, values `/` or `—`, label rows) are skipped,
  each with a note. **其中… rows** under a leaf belong to that leaf (their texts are appended to its
  年度指标值/实际完成值); a 分值/得分 cell merged over a leaf and its sub-rows is the leaf's.
- **Per-leaf texts** 年度指标值 (with 指标性质/度量单位 when split), 实际完成值 and 偏差原因 are kept
  (`Evaluation.goals`) and shown on the 数据 page's indicator tree.
- **Footer rows** end the table: 总分/合计 (its 分值 and 得分 are the printed totals to check against;
  a rating printed beside it is kept), 评价结论, 存在问题, 改进措施 (kept as the conclusion, problems
  and measures), 项目负责人/填表人, 注, 其他需要说明事项.
- **Numbered name columns** (`一、投入` / `（一）预算配置` / `1.在职人员控制率` / `（1）`): the numbering is
  the hierarchy, as codes are in a code list (dotted codes 1, 1.1, 1.1.1 are given), so the
  numbered section rows are subtotals and not counted twice; an overall 合计 row is checked.
- **Code lists**: a code's parent is the longest earlier code it extends; rows with children are
  subtotals, checked against their children and never counted again; tables stacked on one sheet
  (each with its title, header and 合计 row) read as one evaluation, the level-1 name taken from
  the title (`附表3-3：决策指标得分情况表` → 决策) when no row carries it.
- **Never a silent wrong total.** A printed 分值 total other than the leaves' sum is a warning
  («分值合计 105，总分行为 100»). A printed 得分 total more than 0.5 from the rows' sum is an
  **error** naming both figures (the table contradicts itself); closer than that, a warning.
- **Blank forms** (分值, no 得分 anywhere) load as an indicator system: `validate` exits 0 with a
  warning, `score` refuses with a sentence, `indicators FILE` prints the tree, and the 数据 page
  offers our template pre-filled with that tree to fill in.
- **Cut-off forms** load what they hold, with the points-do-not-add-up warnings; a form cut off
  before its first indicator is an error.
- **Portfolios.** Each file is one project, a unit named by its 项目名称 under its 主管部门, under one
  root 全部项目. The indicators are the level-1 indicators most files share; each project's
  level-1 subtotals become its 得分率 on them, so the what-if sliders move every project at once.
  Departments and the root score the plain average of their projects. Budget figures, one project
  count per file and each file's 存在问题 (问题整改 page) carry over. A file that cannot be read, is
  blank, or has other level-1 indicators is named and skipped; a project whose level-1 points
  differ is kept, with a warning giving its own total and the total at the portfolio's points.
"""


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
        print("usage: python -m perfeval_core.io.template_io docs|template [PATH]")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
