"""Builders of the form families evaluators publish, in their many printed variants, for tests.

``self_evaluation`` writes a 项目支出绩效自评表 the way the national form and its provincial
variants lay it out; ``code_list`` writes stacked 指标得分情况表; ``docx_table`` wraps rows in a
Word table with real gridSpan / vMerge merges. Every variant switch is one a real form uses.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import openpyxl

# (level-1 name, its points, [(level-2 name, [(leaf name, points, score or None, target, actual)])])
Leaf = tuple[str, float, float | None, str, str]
Tree = list[tuple[str, float, list[tuple[str, list[Leaf]]]]]

DEFAULT_TREE: Tree = [
    ("产出指标", 50, [("数量指标", [("培训人数", 20, 18, "≥100人", "90人"), ("培训场次", 10, 10, "≥5场", "6场")]),
                      ("质量指标", [("合格率", 10, 10, "≥95%", "98%")]),
                      ("时效指标", [("完成及时率", 10, 9.5, "100%", "95%")])]),
    ("效益指标", 30, [("社会效益指标", [("群众知晓率", 15, 14, "≥90%", "93%")]),
                      ("可持续影响指标", [("长效机制建立", 15, 15, "建立", "已建立")])]),
    ("满意度指标", 10, [("服务对象满意度指标", [("参训人员满意度", 10, 9, "≥90%", "92%")])]),
]


@dataclass
class SelfEvaluation:
    project: str = "社区工作者能力提升培训项目"
    department: str = "某市民政局"
    implementer: str = "某市社区服务中心"
    year: int = 2023
    tree: Tree = field(default_factory=lambda: [list_copy for list_copy in DEFAULT_TREE])
    budget_points: float = 10
    budget_score: float | None = 9.5
    budget: tuple[float, float] = (120.0, 114.0)  # 全年预算数, 全年执行数
    variant: str = "national"  # "national" | "sichuan"
    level1_style: str = "bracket"  # "bracket" 产出指标(50分) | "spaced" 产 出 指 标 (50分) | "plain" | "points_only" (50分)
    layout: str = "merged"  # "merged" | "blank_below" | "repeated"
    block_label: str = "绩效指标"  # "" for none, or 绩效指标(90分)
    placeholders: bool = True  # a 二级 with no 三级 and a …… row
    sub_rows: bool = True  # 其中… rows under the first leaf
    total: float | None = None  # the printed 总分's score; None: the true sum
    total_points: float | None = None  # the printed 总分's 分值; None: the true sum
    blank: bool = False  # no 得分 anywhere
    footer: bool = True

    def leaves_score(self) -> float:
        return sum(leaf[2] or 0 for _, _, groups in self.tree for _, leaves in groups for leaf in leaves)

    def points(self) -> float:
        return self.budget_points + sum(p for _, p, _ in self.tree)

    def expected_total(self) -> float:
        return (self.budget_score or 0) + self.leaves_score()


def _level1_text(name: str, points: float, style: str) -> str:
    if style == "spaced":
        return " ".join(name) + f" ({points:g}分)"
    if style == "plain":
        return name
    if style == "points_only":
        return f"({points:g}分)"
    return f"{name}({points:g}分)"


def self_evaluation_rows(form: SelfEvaluation) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """The form's rows (0-based) and merged ranges (r0, c0, r1, c1)."""
    rows: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []
    width = 9
    rows.append(["项目支出绩效自评表"] + [""] * (width - 1))
    merges.append((0, 0, 0, width - 1))
    rows.append([f"（{form.year}年度）"] + [""] * (width - 1))
    rows.append(["项目名称", form.project, "", "", "", "", "", "", ""])
    merges.append((2, 1, 2, width - 1))
    rows.append(["主管部门", form.department, "", "", "实施单位", form.implementer, "", "", ""])
    budget, executed = form.budget
    rate = executed / budget
    score = "" if form.blank or form.budget_score is None else form.budget_score
    if form.variant == "sichuan":
        rows.append(["项目资金（万元）", "", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", ""])
    else:
        rows.append(["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""])
    start = len(rows)

    def budget_row(label: str, plan: object, full: object, done: object, points: object, r: object, s: object) -> list:
        if form.variant == "sichuan":
            return ["", label, plan, full, done, r, points, s, ""]
        return ["", label, plan, full, done, points, r, s, ""]

    rows.append(budget_row("年度资金总额", budget, budget, executed, form.budget_points, f"{rate:.2%}", score))
    # 其中 rows repeat the 分值 on some forms: it must be counted once
    rows.append(budget_row("其中：本年财政拨款", budget, budget, executed, form.budget_points, "—", "—"))
    rows.append(budget_row("上年结转资金", "", "", "", "—", "—", "—"))
    rows.append(budget_row("其他资金", "", "", "", "—", "—", "—"))
    merges.append((start - 1, 0, len(rows) - 1, 0))
    rows.append(["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", ""])
    rows.append(["", "完成培训任务", "", "", "", "已完成", "", "", ""])
    header = len(rows)
    rows.append([form.block_label, "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                 "偏差原因分析及改进措施"])
    for name, points, groups in form.tree:
        first1 = len(rows)
        for group, leaves in groups:
            first2 = len(rows)
            for k, (leaf, leaf_points, leaf_score, target, actual) in enumerate(leaves):
                show1 = form.layout == "repeated" or len(rows) == first1
                show2 = form.layout == "repeated" or k == 0
                rows.append(["", _level1_text(name, points, form.level1_style) if show1 else "",
                             group if show2 else "", leaf, target, actual, leaf_points,
                             "" if form.blank or leaf_score is None else leaf_score,
                             "" if leaf_score is None or leaf_score >= leaf_points else "部分未达标"])
                if form.sub_rows and leaf == "培训人数":
                    rows.append(["", "", "", "其中：线上培训", "≥40人", "45人", "", "", ""])
            if form.layout == "merged" and len(rows) - 1 > first2:
                merges.append((first2, 2, len(rows) - 1, 2))
        if form.placeholders and name == "效益指标":
            rows.append(["", "", "生态效益指标", "", "", "", "", "", ""])
        if form.placeholders:
            rows.append(["", "", "", "……", "", "", "", "", ""])
        if form.layout == "merged" and len(rows) - 1 > first1:
            merges.append((first1, 1, len(rows) - 1, 1))
    if form.block_label:
        merges.append((header, 0, len(rows) - 1, 0))
    total_points = form.points() if form.total_points is None else form.total_points
    total = round(form.expected_total(), 2) if form.total is None else form.total
    rows.append(["总分", "", "", "", "", "", total_points, "" if form.blank else total, ""])
    merges.append((len(rows) - 1, 0, len(rows) - 1, 5))
    if form.footer:
        rows.append(["评价结论", "项目总体完成年度目标", "", "", "", "", "", "", ""])
        rows.append(["存在问题", "部分培训人数未达目标", "", "", "", "", "", "", ""])
        rows.append(["改进措施", "加强宣传动员", "", "", "", "", "", "", ""])
        rows.append(["项目负责人：张三", "", "", "", "填表人：李四", "", "", "", ""])
        rows.append(["注：1. 一级指标分值统一设置为产出指标50分、效益指标30分、满意度指标10分。", "", "", "", "", "", "", "", ""])
    return rows, merges


def xlsx(rows: list[list[object]], merges: list[tuple[int, int, int, int]] = (), title: str = "自评表") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def self_evaluation(form: SelfEvaluation | None = None) -> bytes:
    return xlsx(*self_evaluation_rows(form or SelfEvaluation()))


def docx_table(rows: list[list[object]], merges: list[tuple[int, int, int, int]] = (), title: str = "") -> bytes:
    """A Word document holding one table: horizontal merges as gridSpan, vertical as vMerge."""
    spans = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    covered: dict[tuple[int, int], str] = {}
    for (r0, c0), (r1, c1) in spans.items():
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = "continue" if c == c0 else "skip"
    body = []
    if title:
        body.append(f"<w:p><w:r><w:t>{escape(title)}</w:t></w:r></w:p>")
    body.append("<w:tbl>")
    for r, row in enumerate(rows):
        body.append("<w:tr>")
        c = 0
        while c < len(row):
            if covered.get((r, c)) == "skip":
                c += 1
                continue
            r1, c1 = spans.get((r, c), (r, c))
            if covered.get((r, c)) == "continue":
                # the top-left cell's span tells how wide the continuation is
                top = next(r0 for (r0, c0), (rr, _) in spans.items() if c0 == c and r0 < r <= rr)
                c1 = spans[(top, c)][1]
            props = []
            if c1 > c:
                props.append(f'<w:gridSpan w:val="{c1 - c + 1}"/>')
            if covered.get((r, c)) == "continue":
                props.append("<w:vMerge/>")
            elif r1 > r:
                props.append('<w:vMerge w:val="restart"/>')
            text = "" if covered.get((r, c)) == "continue" else escape(str(row[c]) if row[c] != "" else "")
            body.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
            c = c1 + 1
        body.append("</w:tr>")
    body.append("</w:tbl>")
    return docx_document(body)


def docx_document(body: list[str]) -> bytes:
    """A minimal .docx whose document body is the given WordprocessingML pieces."""
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                + "".join(body) + "</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("word/document.xml", document)
    return out.getvalue()


def code_list(tables: list[tuple[str, list[tuple[str, float, float]], tuple[float, float] | None]],
              header: tuple[str, str, str, str] = ("指标名称", "权重", "指标得分", "得分率")) -> bytes:
    """Stacked 得分情况表: (title, [(code+name, points, score)], (合计 points, 合计 score) or None)."""
    rows: list[list[object]] = []
    merges = []
    for title, lines, total in tables:
        if title:
            rows.append([title, "", "", ""])
            merges.append((len(rows) - 1, 0, len(rows) - 1, 3))
        rows.append(list(header))
        for name, points, score in lines:
            rows.append([name, points, score, f"{score / points:.2%}" if points else "0.00%"])
        if total is not None:
            rows.append(["合计", total[0], total[1], f"{total[1] / total[0]:.2%}"])
        rows.append(["", "", "", ""])
    return xlsx(rows, merges, "得分情况")


def bundle(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(name, data)
    return out.getvalue()
