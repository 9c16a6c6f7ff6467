"""The form readers fuzzed as the template reader is (tests/test_loader_fuzz.py): 评分表, 自评表,
coded 得分情况表, Word tables and zip portfolios, generated in their printed variants and then
mutated the way real and hostile files differ. Whatever the cells hold, the loader reads the form
or says why, located, and never returns a number its own table contradicts.

PERFEVAL_FUZZ_EXAMPLES=2000 raises every hypothesis test to that many examples for a long run.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import functools
import io
import math
import os
import re
import string
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from perfeval_core.analysis.scoring import project_unit, score
from perfeval_core.io.loader import LoadResult, load_bytes
from perfeval_core.io.wordtables import read_docx_tables
from perfeval_core.model.messages import MESSAGES

from .form_builders import SelfEvaluation, docx_document, self_evaluation_rows

# minutes of fuzzing, concurrency, LibreOffice or million-row files: outside the quick loop
pytestmark = pytest.mark.slow

REAL = Path(__file__).resolve().parent / "data" / "real"
LONG_RUN = int(os.environ.get("PERFEVAL_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int) -> Callable:
    return settings(max_examples=max(examples, LONG_RUN), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# ------------------------------------------------------------------------------ the invariants

# errors about the file as a whole (its container, its format, no table at all): no sheet to name
FILE_LEVEL = {"file_empty", "file_too_large", "unknown_format", "not_a_zip", "zip_corrupt", "password_protected",
              "zip_bomb", "zip_too_many_entries", "xml_entities", "parse_limit", "parse_busy", "too_many_sheets",
              "workbook_too_large", "too_many_strings", "too_many_styles", "csv_encoding", "csv_malformed",
              "csv_too_large", "no_sheets", "layout_unknown", "docx_no_tables", "portfolio_empty", "more_issues"}
# errors about one cell or row: they must name it
LOCATED = {"formula_no_value", "not_a_number", "negative", "not_finite", "too_large", "required", "text_too_long",
           "bad_choice", "duplicate_code", "too_deep", "name_points_missing", "codelist_subtotal_score",
           "codelist_no_code", "leaf_needs_type", "leaf_needs_target", "scoretable_no_indicators",
           "score_total_contradiction"}
CONTRADICTION = 0.5
CENT = 0.005 + 1e-9


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_issues(result: LoadResult) -> None:
    for issue in result.report.issues:
        assert issue.key in MESSAGES, issue.key
        for lang, template in zip(("zh", "en"), MESSAGES[issue.key]):
            missing = _fields(template) - set(issue.params)
            assert not missing, (issue.key, missing, issue.params)
            assert issue.text(lang), issue.key
        if issue.severity != "error":
            continue
        assert issue.key != "read_failed", issue.text("en")
        if issue.key not in FILE_LEVEL:
            assert issue.sheet, f"error without a sheet: {issue.text('en')}"
        if issue.key in LOCATED:
            assert issue.row is not None, f"error without a row: {issue.text('en')}"


def _figure(text: object) -> float:
    return float(str(text))


def check_evaluation(result: LoadResult) -> None:
    """The numbers an evaluation carries: finite, within their points, adding up, and the table's
    own printed totals either agreeing or reported with both figures."""
    ev = result.evaluation if result.evaluation is not None else result.indicator_system
    if ev is None:
        return
    assert result.report.ok
    ind = ev.indicators
    points = ind["points"].to_numpy(dtype=float)
    assert np.isfinite(points).all() and (points >= 0).all(), ind[["code", "name", "points"]]
    assert ind["code"].is_unique, ind["code"].tolist()
    by_code = dict(zip(ind["code"], points))
    children: dict[str, list[str]] = {}
    for code, parent in zip(ind["code"], ind["parent"]):
        if parent is not None and not (isinstance(parent, float) and math.isnan(parent)):
            assert parent in by_code, (code, parent)
            children.setdefault(parent, []).append(code)
    for parent, kids in children.items():
        assert by_code[parent] == pytest.approx(sum(by_code[k] for k in kids), abs=1e-6), parent
    level1_total = float(ind.loc[ind["level"] == 1, "points"].sum())
    leaves = [c for c in ind["code"] if c not in children]
    assert level1_total == pytest.approx(sum(by_code[c] for c in leaves), abs=1e-6)
    if ev.reported_points_total is not None and abs(ev.reported_points_total - level1_total) > CENT:
        mismatch = [i for i in result.report.issues if i.key == "points_total_mismatch"]
        assert any(_figure(i.params["printed"]) == pytest.approx(ev.reported_points_total)
                   and _figure(i.params["computed"]) == pytest.approx(level1_total, abs=1e-4) for i in mismatch), (
            ev.reported_points_total, level1_total, result.report.lines("en"))
    if result.evaluation is None:
        return
    s = ev.scores
    assert set(s["code"]) <= set(leaves)
    assert not s.duplicated(["unit", "code"]).any()
    assert set(s["unit"]) <= set(ev.units["name"])
    rate = s["rate"].to_numpy(dtype=float)
    assert np.isfinite(rate).all() and (rate >= 0).all() and (rate <= 1).all()
    r = score(ev)
    assert np.isfinite(r.total).all()
    sub = r.subtotals()
    for code in sub.columns:
        column = sub[code].to_numpy(dtype=float)
        assert np.isfinite(column).all()
        assert (column >= -1e-9).all() and (column <= by_code[code] + 1e-6).all(), (code, column, by_code[code])
    assert r.total == pytest.approx(sub[[c for c in sub.columns if ind.set_index("code").at[c, "level"] == 1]]
                                    .sum(axis=1).to_numpy(), abs=1e-6)
    for unit, printed in ev.reported_unit_totals.items():
        computed = r.unit_total(unit)
        if computed is not None:
            assert abs(computed - printed) <= CONTRADICTION + 1e-9, (unit, computed, printed)


def check_contradictions_name_both_figures(result: LoadResult) -> None:
    for issue in result.report.issues:
        if issue.key == "score_total_contradiction":
            reported, computed = _figure(issue.params["reported"]), _figure(issue.params["computed"])
            assert abs(reported - computed) > CONTRADICTION
            assert issue.params["reported"] in issue.text("zh") and issue.params["computed"] in issue.text("en")


def fingerprint(result: LoadResult) -> tuple:
    ev = result.evaluation if result.evaluation is not None else result.indicator_system
    frames = () if ev is None else tuple(frame.to_json(orient="split", double_precision=15) for frame in (
        ev.indicators, ev.units, ev.scores, ev.budget, ev.goals))
    totals = () if ev is None else (sorted(ev.reported_unit_totals.items()), ev.reported_points_total)
    return (result.ok, result.blank, result.report.layout, tuple(result.report.lines("zh")),
            tuple(result.report.lines("en")), frames, totals)


def check(data: bytes, name: str) -> LoadResult:
    """Load the bytes twice and check every invariant; the result for further checks."""
    try:
        result = load_bytes(data, name)
    except BaseException as exc:  # pragma: no cover - the failure is the point
        raise AssertionError(f"load_bytes raised {exc!r}") from exc
    assert isinstance(result, LoadResult)
    assert result.evaluation is None or result.report.ok
    check_issues(result)
    check_evaluation(result)
    check_contradictions_name_both_figures(result)
    assert fingerprint(load_bytes(data, name)) == fingerprint(result), "the same bytes loaded differently"
    if zip_members(data):
        for member, content in zip_members(data):
            check(content, member)  # a member's problems are hidden in the portfolio's skip notes
    return result


def zip_members(data: bytes) -> list[tuple[str, bytes]]:
    if data[:4] != b"PK\x03\x04":
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if any(n in ("xl/workbook.xml", "word/document.xml", "[Content_Types].xml") for n in names):
                return []
            return [(n, z.read(n)) for n in names if n.lower().endswith((".xlsx", ".docx", ".csv"))
                    and not n.rsplit("/", 1)[-1].startswith(("~$", ".")) and "__MACOSX" not in n]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return []


def total_of(result: LoadResult) -> dict[str, float]:
    ev = result.evaluation
    assert ev is not None
    r = score(ev)
    return dict(zip(r.model.unit_names, (float(t) for t in r.total)))


# ------------------------------------------------------------------------------ files from grids

Merge = tuple[int, int, int, int]  # r0, c0, r1, c1, 0-based, inclusive


@dataclass
class Form:
    """A generated form: its cells, merges, what each row is, and what it should read to."""

    rows: list[list[object]]
    merges: list[Merge]
    tags: list[str]  # per row: title, head, header, leaf, sub, group, blank, total, footer, noise
    family: str  # score_table | self_evaluation | code_list
    expected: dict[str, float]  # unit ('' for the only unit) -> total, for the unmutated form
    score_cols: list[int] = field(default_factory=list)
    points_col: int | None = None
    text_cols: list[int] = field(default_factory=list)  # per-leaf texts that never change a score
    title: str = ""
    contradiction: float = 0.0  # how far a printed 合计 is from the rows, as generated

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def copy(self) -> Form:
        return dataclasses.replace(self, rows=[list(r) for r in self.rows], merges=list(self.merges),
                                   tags=list(self.tags), expected=dict(self.expected))


def _ref(r: int, c: int) -> str:
    letters, n = "", c + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _with_merges(sheet_xml: bytes, merges: list[Merge]) -> bytes:
    text = re.sub(rb"<mergeCells.*?</mergeCells>", b"", sheet_xml, flags=re.S)
    if not merges:
        return text
    cells = "".join(f'<mergeCell ref="{_ref(r0, c0)}:{_ref(r1, c1)}"/>' for r0, c0, r1, c1 in merges)
    block = f'<mergeCells count="{len(merges)}">{cells}</mergeCells>'.encode()
    if b"</sheetData>" in text:
        return text.replace(b"</sheetData>", b"</sheetData>" + block, 1)
    return text.replace(b"<sheetData/>", b"<sheetData/>" + block, 1)


def _inject_merges(data: bytes, merges_by_sheet: list[list[Merge]]) -> bytes:
    """Merged ranges written straight into the sheet XML: any range, overlapping or huge, costs
    nothing to write (openpyxl would create a cell object for every cell it covers)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if m and int(m.group(1)) <= len(merges_by_sheet):
                content = _with_merges(content, merges_by_sheet[int(m.group(1)) - 1])
            z.writestr(info, content)
    return out.getvalue()


def _openpyxl_value(v: object) -> object:
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v) or None
    return None if v == "" else v


def xlsx_book(sheets: list[tuple[str, Form | None]], writer: str = "openpyxl") -> bytes:
    """A workbook of the given sheets (None: an empty sheet). openpyxl leaves formulas without a
    cached value; xlsxwriter keeps control characters and caches 0 for formulas."""
    out = io.BytesIO()
    if writer == "xlsxwriter":
        book = xlsxwriter.Workbook(out, {"nan_inf_to_errors": True, "strings_to_numbers": False})
        for name, form in sheets:
            ws = book.add_worksheet(name)
            for i, row in enumerate(form.rows if form else []):
                for j, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    if isinstance(v, str) and len(v) > 32000:
                        v = v[:32000]
                    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
                        v = float(v)
                    ws.write(i, j, v)
        book.close()
    else:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, form in sheets:
            ws = wb.create_sheet(name)
            for row in form.rows if form else []:
                ws.append([_openpyxl_value(v) for v in row])
        wb.save(out)
    return _inject_merges(out.getvalue(), [form.merges if form else [] for _, form in sheets])


def xlsx(form: Form, writer: str = "openpyxl", name: str = "评分表") -> bytes:
    return xlsx_book([(name, form)], writer)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _word_text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        v = int(v)
    return escape(_XML_ILLEGAL.sub("", str(v)))


def _sdt(xml: str) -> str:
    return f"<w:sdt><w:sdtPr><w:alias w:val=\"字段\"/></w:sdtPr><w:sdtContent>{xml}</w:sdtContent></w:sdt>"


def _cells_xml(rows: list[list[object]], merges: list[Merge], span_attr: Callable[[int], str],
               wrap: str = "none") -> list[str]:
    owner: dict[tuple[int, int], Merge] = {}
    for m in merges:  # the first range listed wins a cell two ranges cover
        r0, c0, r1, c1 = m
        for r in range(max(r0, 0), min(r1, len(rows) - 1) + 1):
            for c in range(max(c0, 0), min(c1, 63) + 1):
                owner.setdefault((r, c), m)
    body = []
    for r, row in enumerate(rows):
        cells = []
        c = 0
        while c < len(row):
            m = owner.get((r, c))
            if m is not None and c != m[1]:
                c += 1
                continue
            span = 1 if m is None else m[3] - m[1] + 1
            props = f'<w:gridSpan w:val="{span_attr(span)}"/>' if span > 1 else ""
            text = _word_text(row[c])
            if m is not None and m[2] > m[0]:
                props += '<w:vMerge w:val="restart"/>' if r == m[0] else "<w:vMerge/>"
                if r != m[0]:
                    text = ""
            xml = (f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t>"
                   f"</w:r></w:p></w:tc>")
            cells.append(_sdt(xml) if wrap == "cells" and (r + c) % 2 else xml)
            c += span
        tr = "<w:tr>" + "".join(cells) + "</w:tr>"
        body.append(_sdt(tr) if wrap == "rows" and r % 2 else f"<w:customXml w:element=\"r\">{tr}</w:customXml>"
                    if wrap == "rows" else tr)
    return body


def docx(forms: list[Form], span_attr: Callable[[int], str] = str, wrap: str = "none") -> bytes:
    """A Word document with one table per form, its title as paragraphs above it; merges become
    gridSpan / vMerge as Word writes them."""
    body = []
    for form in forms:
        for line in form.title.split("\n") if form.title else []:
            body.append(f"<w:p><w:r><w:t>{_word_text(line)}</w:t></w:r></w:p>")
        table = "<w:tbl>" + "".join(_cells_xml(form.rows, form.merges, span_attr, wrap)) + "</w:tbl>"
        body.append((_sdt(table) if wrap == "table" else table) + "<w:p/>")
    return docx_document(body)


def csv_bytes(form: Form, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    for row in form.rows:
        w.writerow(["" if v is None else _XML_ILLEGAL.sub("", str(v)).replace("\x00", "") for v in row])
    return out.getvalue().encode(encoding, errors="replace")


def bundle(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # a name twice in one archive is one of the cases
        for name, data in files:
            z.writestr(name, data)
    return out.getvalue()


# ------------------------------------------------------------------------------ hostile cell values

ERRORS = ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
FORMULAS = ["=SUM(A1:A3)", "=1/0", "=H12*2", '=IF(A1>0,"优","良")', "=VLOOKUP(A1,B:C,2,0)"]
NUMBER_TEXTS = ["９５．５", "（１５分）", "１００％", "95%", "95.5 %", "0.9671", "96.71%", "1,234.5", "12分", "15万元",
                "1e999", "-1e999", "1e308", "-3", "－５", "+7", ".5", "5.", "1/2", "٣", "一百", "10 分", "9.5分",
                "100‰", "0x1F", "NaN", "inf", "∞", "1e-400", " 8 ", "\u00a08", "8\u3000"]
PLACEHOLDERS = ["/", "—", "-", "——", "……", "…", "无", "不适用", "×", "n/a", "略", "其他"]
LABELS = ["合计", "总分", "总 分", "小计", "一级指标", "二级指标", "三级指标", "四级指标", "指标名称", "分值", "权重", "得分",
          "得分率", "扣分原因", "自评分", "评价结论", "存在问题", "改进措施", "其中：", "其中：线上", "注：1.", "项目负责人：张三",
          "指标1:", "指标2:", "(50分)", "（30分）", "A101立项依据充分性", "A1", "1.1", "一、决策", "（一）立项", "优", "良",
          "年度指标值", "实际完成值", "全年预算数", "全年执行数", "年度资金总额", "项目名称", "主管部门", "实施单位",
          "2023年度", "赛罕区得分", "平均得分", "产 出 指 标 (50分)", "决策（15分）", "满意度指标", "生态效益指标"]
CONTROL = "".join(chr(c) for c in (0, 1, 2, 7, 8, 11, 12, 14, 27, 31, 127)) + "\u200b\u200e\u2028\u202e\ufeff"

HOSTILE = st.one_of(
    st.none(), st.just(""), st.just(" "),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 1e-320, -0.0, 2.0 ** 63, -5, 0, 100,
                     100.5, 10 ** 20, -1, 0.1 + 0.2, 1e15, 99999999]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.integers(-(10 ** 6), 10 ** 6),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.times(),
    st.sampled_from(ERRORS), st.sampled_from(FORMULAS), st.sampled_from(NUMBER_TEXTS),
    st.sampled_from(PLACEHOLDERS), st.sampled_from(LABELS),
    st.text(max_size=12),
    st.text(alphabet=CONTROL + "得分合计 产出", min_size=1, max_size=6),
    st.sampled_from(["字" * 6000, "x" * 21000, "合计" + " " * 3000 + "1", "{count} {name} {0} {}", "%s %d"]),
)

# ------------------------------------------------------------------------------ generated forms

LEVEL1 = ["决策", "过程", "产出", "效益", "投入", "管理", "满意度"]
LEVEL2 = ["项目立项", "绩效目标", "资金投入", "资金管理", "组织实施", "产出数量", "产出质量", "产出时效", "产出成本",
          "社会效益", "经济效益", "可持续影响", "服务对象满意度", "制度建设", "信息管理"]
LEAVES = ["立项依据充分性", "立项程序规范性", "绩效目标合理性", "绩效指标明确性", "预算编制科学性", "资金分配合理性",
          "资金到位率", "资金使用合规性", "管理制度健全性", "制度执行有效性", "实际完成率", "质量达标率", "完成及时性",
          "成本节约率", "群众知晓率", "长效机制建立", "受益对象覆盖率", "参训人员满意度", "社区居民满意度",
          "档案资料完整性", "信息公开及时性", "培训人数完成率", "设施运行率", "问题整改率", "服务覆盖面"]
UNITS = ["赛罕区", "新城区", "玉泉区", "回民区"]


@dataclass
class _Ind:
    name: str
    points: float
    children: list[_Ind] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)  # per unit, leaves only

    def leaves(self) -> list[_Ind]:
        return [self] if not self.children else [x for c in self.children for x in c.leaves()]

    def rows(self) -> int:
        return 1 if not self.children else sum(c.rows() for c in self.children)


@st.composite
def indicator_trees(draw, depth: int, units: int, scored: bool = True) -> list[_Ind]:
    names = {1: iter(draw(st.permutations(LEVEL1))), 2: iter(draw(st.permutations(LEVEL2))),
             3: iter(draw(st.permutations(LEAVES))), 4: iter(draw(st.permutations(LEAVES)))}
    serial = iter(range(1, 1000))

    def name(level: int) -> str:
        pool = names[min(level, 4)] if level < depth or level == 1 else names[3]
        return next(pool, None) or "补充指标" + "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(next(serial)))

    def node(level: int) -> _Ind:
        # a branch may stop above the deepest level (a level skipped)
        leaf = level == depth or (level > 1 and draw(st.integers(0, 9)) == 0)
        if leaf:
            points = draw(st.sampled_from([1, 2, 3, 4, 5, 5, 6, 8, 10, 10, 12, 15, 20, 2.5, 0.5, 0]))
            marks = []
            for _ in range(units):
                if not scored:
                    marks.append(None)
                    continue
                f = draw(st.sampled_from([1.0, 1.0, 0.9, 0.8, 0.75, 0.5, 0.0, 0.95, 0.333]))
                marks.append(round(points * f, 2))
            return _Ind(name(level), points, [], marks)
        kids = [node(level + 1) for _ in range(draw(st.integers(1, 3)))]
        return _Ind(name(level), sum(k.points for k in kids), kids)

    tree = [node(1) for _ in range(draw(st.integers(1, 4)))]
    if all(leaf.points == 0 for n in tree for leaf in n.leaves()):
        first = tree[0].leaves()[0]
        first.points, first.scores = 5, [4.0 if scored else None] * units

        def retotal(n: _Ind) -> float:
            if n.children:
                n.points = sum(retotal(c) for c in n.children)
            return n.points

        for n in tree:
            retotal(n)
    return tree


def _with_points(name: str, points: float, style: str) -> str:
    return {"bracket": f"{name}({points:g}分)", "full": f"{name}（{points:g}分）", "bare": f"{name}{points:g}分"}[style]


@st.composite
def score_tables(draw) -> Form:
    """A 评分表: level columns (or a 指标名称 last column), 分值 or points in the names, one unit
    or several (plain, 〈unit〉得分 columns, or unit names above 得分 / 扣分原因 pairs), 得分率
    columns, parents merged, blank below or repeated, a title, a 合计 row and footer rows."""
    depth = draw(st.integers(2, 4))
    n_units = draw(st.sampled_from([1, 1, 1, 2, 3]))
    unit_style = "plain" if n_units == 1 and draw(st.booleans()) else draw(st.sampled_from(["prefixed", "above"]))
    names = [""] if unit_style == "plain" else list(draw(st.permutations(UNITS)))[:n_units]
    tree = draw(indicator_trees(depth, len(names)))
    points_style = draw(st.sampled_from(["column", "column", "names"]))
    name_points = draw(st.sampled_from(["none", "upper", "all"])) if points_style == "column" else "all"
    name_style = draw(st.sampled_from(["bracket", "full", "bare"]))
    score_kind = draw(st.sampled_from(["score", "score", "rate", "both"]))
    rate_style = draw(st.sampled_from(["percent_text", "fraction", "percent_number"]))
    reason = draw(st.booleans())
    layout = draw(st.sampled_from(["merged", "blank_below", "repeated"]))
    extra = draw(st.sampled_from([[], ["指标解释"], ["评分标准"], ["指标解释", "评分标准"]]))
    last_is_name = draw(st.integers(0, 4)) == 0
    level_labels = draw(st.sampled_from([("一级指标", "二级指标", "三级指标", "四级指标"), ("一级", "二级", "三级", "四级"),
                                         ("1级指标", "2级指标", "3级指标", "4级指标")]))
    points_label = draw(st.sampled_from(["分值", "标准分值", "权重", "满分", "分值(分)"]))
    score_label = draw(st.sampled_from(["得分", "评价得分", "自评分"]))
    total = draw(st.sampled_from(["none", "plain", "plain", "contradicting"]))
    delta = draw(st.sampled_from([0.003, 0.3, 0.6, 3.0, -2.0]))

    if score_kind != "score" and rate_style == "percent_number":
        rates = [s / leaf.points for n in tree for leaf in n.leaves() for s in leaf.scores if s is not None and leaf.points]
        if not any(r * 100 > 1 for r in rates):
            rate_style = "percent_text"

    header = list(level_labels[:depth])
    if last_is_name:
        header[-1] = "指标名称"
    header += extra
    points_col = None
    if points_style == "column":
        points_col = len(header)
        header.append(points_label)
    unit_cols: list[tuple[int | None, int | None, int | None]] = []
    upper = [""] * len(header)
    for name in names:
        prefix = name if unit_style == "prefixed" else ""
        cols = [None, None, None]
        for k, (kind, label) in enumerate((("score", score_label), ("rate", "得分率"), ("reason", "扣分原因"))):
            if (kind == "score" and score_kind == "rate") or (kind == "rate" and score_kind == "score") or (
                    kind == "reason" and not reason):
                continue
            cols[k] = len(header)
            header.append(prefix + ("得分" if kind == "score" else label) if prefix else label)
            upper.append(name if unit_style == "above" else "")
        unit_cols.append((cols[0], cols[1], cols[2]))
    width = len(header)

    rows: list[list[object]] = []
    tags: list[str] = []
    merges: list[Merge] = []
    title_lines = []
    if draw(st.booleans()):
        title_lines.append(draw(st.sampled_from(["2023年度街道社区党组织建设项目绩效评价评分表", "社区服务经费绩效评价指标体系及评分表",
                                                 "附件1：呼和浩特市2022年社区工作经费评分表", "评分表"])))
    if unit_style == "plain" and draw(st.booleans()):
        title_lines.append(draw(st.sampled_from(["评价单位：赛罕区", "被评价单位：某某街道", "评价机构：某咨询公司"])))
    for line in title_lines:
        rows.append([line] + [""] * (width - 1))
        tags.append("title")
        if draw(st.booleans()):
            merges.append((len(rows) - 1, 0, len(rows) - 1, width - 1))
    first_unit = min(c for u in unit_cols for c in u if c is not None)
    if unit_style == "above":
        # the unit names in a row of their own, above 得分 / 扣分原因; the other labels merged down both rows
        top = len(rows)
        rows.append([header[j] if j < first_unit else upper[j] for j in range(width)])
        rows.append(["" if j < first_unit else header[j] for j in range(width)])
        tags += ["header", "header"]
        merges.extend((top, j, top + 1, j) for j in range(first_unit))
        for u in unit_cols:
            cols = [c for c in u if c is not None]
            if len(cols) > 1:
                merges.append((top, cols[0], top, cols[-1]))
    else:
        rows.append(header)
        tags.append("header")

    def level_text(node: _Ind, level: int) -> str:
        show = name_points == "all" or (name_points == "upper" and level < depth and node.children)
        return _with_points(node.name, node.points, name_style) if show else node.name

    def emit(node: _Ind, level: int, ancestors: list[tuple[_Ind, int]]) -> None:
        if node.children:
            start = len(rows)
            for child in node.children:
                emit(child, level + 1, ancestors + [(node, level)])
            if layout == "merged" and len(rows) - 1 > start:
                merges.append((start, level - 1, len(rows) - 1, level - 1))
            return
        row: list[object] = [""] * width
        first_row = {id(a): False for a, _ in ancestors}
        for a, lvl in ancestors:
            first_row[id(a)] = _first_leaf_row.get(id(a)) is None
            _first_leaf_row.setdefault(id(a), len(rows))
            if layout == "repeated" or first_row[id(a)]:
                row[lvl - 1] = level_text(a, lvl)
        row[level - 1] = level_text(node, level)
        for k, label in enumerate(extra):
            row[depth + k] = f"{node.name}的{label}"
        if points_col is not None:
            row[points_col] = node.points
        for (score_col, rate_col, reason_col), mark in zip(unit_cols, node.scores):
            if mark is None:
                continue
            if score_col is not None:
                row[score_col] = mark
            if rate_col is not None:
                rate = mark / node.points if node.points else 0.0
                row[rate_col] = {"percent_text": f"{rate:.2%}", "fraction": round(rate, 6),
                                 "percent_number": round(rate * 100, 4)}[rate_style]
            if reason_col is not None:
                row[reason_col] = "" if mark >= node.points else "部分未达标"
        rows.append(row)
        tags.append("leaf")

    _first_leaf_row: dict[int, int] = {}
    for node in tree:
        emit(node, 1, [])

    def printed_score(mark: float | None, points: float) -> float:
        if mark is None:
            return 0.0
        if score_kind == "rate":
            rate = mark / points if points else 0.0
            if rate_style == "percent_text":
                return float(f"{rate * 100:.2f}") / 100 * points
            if rate_style == "fraction":
                return round(rate, 6) * points
            return round(rate * 100, 4) / 100 * points
        return mark

    leaves = [leaf for n in tree for leaf in n.leaves()]
    expected = {name: sum(printed_score(leaf.scores[k], leaf.points) for leaf in leaves) for k, name in enumerate(names)}
    if total != "none":
        row = ["合计"] + [""] * (width - 1)
        if draw(st.booleans()):
            merges.append((len(rows), 0, len(rows), depth - 1))
        if points_col is not None:
            row[points_col] = sum(leaf.points for leaf in leaves)
        for (score_col, _, _), name in zip(unit_cols, names):
            if score_col is not None:
                printed = round(expected[name], 2)
                row[score_col] = round(printed + delta, 3) if total == "contradicting" else printed
        rows.append(row)
        tags.append("total")
    if draw(st.booleans()):
        rows.append(["评价结论", "项目总体完成年度目标"] + [""] * (width - 2))
        tags.append("footer")
        rows.append(["评价人：张三"] + [""] * (width - 1))
        tags.append("footer")
    text_cols = [depth + k for k in range(len(extra))] + [u[2] for u in unit_cols if u[2] is not None]
    printed_delta = delta if total == "contradicting" and score_kind != "rate" else 0.0
    return Form(rows, merges, tags, "score_table", expected,
                [u[0] if u[0] is not None else u[1] for u in unit_cols], points_col, text_cols,
                "\n".join(title_lines), printed_delta)


SELF_TREE = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
SELF_LEAVES = ["培训人数", "培训场次", "合格率", "完成及时率", "群众知晓率", "长效机制建立", "参训人员满意度", "覆盖率",
               "设施完好率", "资金节约率", "受益人数", "问题整改率"]


@st.composite
def self_evaluations(draw) -> Form:
    """A 项目支出绩效自评表 from tests/form_builders.py: each variant switch, a random tree."""
    leaves = iter(draw(st.permutations(SELF_LEAVES)))
    tree = []
    for level1 in draw(st.lists(st.sampled_from(list(SELF_TREE)), min_size=1, max_size=3, unique=True)):
        groups = []
        for group in draw(st.lists(st.sampled_from(SELF_TREE[level1]), min_size=1, max_size=2, unique=True)):
            group_leaves = []
            for _ in range(draw(st.integers(1, 2))):
                name = next(leaves, None)
                if name is None:
                    break
                points = draw(st.sampled_from([5, 10, 10, 15, 20, 2.5]))
                mark = draw(st.sampled_from([None, points, points, points * 0.9, points * 0.5, 0.0]))
                group_leaves.append((name, points, None if mark is None else round(mark, 2), "≥90%", "92%"))
            if group_leaves:
                groups.append((group, group_leaves))
        if groups:
            tree.append((level1, sum(leaf[1] for _, gl in groups for leaf in gl), groups))
    form = SelfEvaluation(
        tree=tree,
        variant=draw(st.sampled_from(["national", "sichuan"])),
        level1_style=draw(st.sampled_from(["bracket", "spaced", "plain", "points_only"])),
        layout=draw(st.sampled_from(["merged", "blank_below", "repeated"])),
        block_label=draw(st.sampled_from(["绩效指标", "绩效指标(90分)", ""])),
        placeholders=draw(st.booleans()), sub_rows=draw(st.booleans()), footer=draw(st.booleans()),
        budget_points=draw(st.sampled_from([10, 10, 20])),
        budget_score=draw(st.sampled_from([None, 10.0, 9.5, 0.0])),
        budget=draw(st.sampled_from([(120.0, 114.0), (880.0, 880.0), (50.5, 0.0)])),
    )
    if form.budget_score is not None and form.budget_score > form.budget_points:
        form = dataclasses.replace(form, budget_score=float(form.budget_points))
    has_scores = any(leaf[2] is not None for _, _, gl in tree for _, ls in gl for leaf in ls)
    has_scores = has_scores or form.budget_score is not None
    contradiction = draw(st.sampled_from([None, None, 0.3, 1.0, -4.0])) if has_scores else None
    if contradiction is not None:
        form = dataclasses.replace(form, total=round(form.expected_total() + contradiction, 2))
    rows, merges = self_evaluation_rows(form)
    tags = []
    header = next(i for i, r in enumerate(rows) if r[1] == "一级指标")
    for i, r in enumerate(rows):
        if i < 4:
            tags.append("title")
        elif i < header:
            tags.append("head")
        elif i == header:
            tags.append("header")
        elif r[0] == "总分":
            tags.append("total")
        elif i > header and any(t == "total" for t in tags):
            tags.append("footer")
        elif isinstance(r[6], (int, float)) and not isinstance(r[6], bool):
            tags.append("leaf")
        elif str(r[3]).startswith("其中"):
            tags.append("sub")
        else:
            tags.append("group")
    expected = {"": form.expected_total()} if has_scores else {}
    return Form(rows, merges, tags, "self_evaluation", expected, [7], 6, [4, 5, 8], "", contradiction or 0.0)


@st.composite
def code_lists(draw) -> Form:
    """Stacked 指标得分情况表: codes A / A1 / A101 fused to the name or in a 指标代码 column, dotted
    codes, or numbered names (一、 / （一） / 1.); level-1 rows or names in the titles; a 合计 row
    per table or one for all."""
    tree = draw(indicator_trees(3, 1))
    style = draw(st.sampled_from(["fused", "fused", "column", "dotted", "numbered"]))
    header = list(draw(st.sampled_from([("指标名称", "权重", "指标得分", "得分率"), ("指标名称", "分值", "得分", "得分率"),
                                        ("指标", "分值", "得分")])))
    if style == "column":
        header = ["指标代码"] + header
    name_col = 1 if style == "column" else 0
    points_col, score_col = name_col + 1, name_col + 2
    rate_col = name_col + 3 if len(header) > name_col + 3 else None
    width = len(header)
    groups: list[list[int]] = []
    k = 0
    while k < len(tree):  # consecutive level-1 indicators per stacked table
        size = draw(st.integers(1, len(tree) - k))
        groups.append(list(range(k, k + size)))
        k += size
    # dotted codes number the levels below a level-1 named in its table's title
    level1_rows = style in ("column", "numbered") or (style != "dotted" and draw(st.booleans()))
    totals = draw(st.sampled_from(["each", "each", "none", "contradicting"]))
    delta = draw(st.sampled_from([0.3, 1.0, -2.0]))
    rows: list[list[object]] = []
    tags: list[str] = []
    merges: list[Merge] = []
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    def code(path: list[int]) -> str:
        if style == "dotted":
            return ".".join(str(p + 1) for p in path)
        letter = chr(65 + path[0])
        return letter + "".join(f"{p + 1}" if n == 1 else f"{p + 1:02d}" for n, p in enumerate(path[1:], start=1))

    def label(node: _Ind, path: list[int]) -> tuple[str, str]:
        if style == "numbered":
            enum = [f"{numbers[path[0] % 10]}、", f"（{numbers[path[-1] % 10]}）", f"{path[-1] + 1}."][len(path) - 1]
            return "", enum + node.name
        if style == "column":
            return code(path), node.name
        return "", code(path) + node.name

    def line(node: _Ind, path: list[int]) -> None:
        code_cell, name_cell = label(node, path)
        mark = sum(leaf.scores[0] or 0.0 for leaf in node.leaves())
        row: list[object] = [""] * width
        if style == "column":
            row[0] = code_cell
        row[name_col] = name_cell
        row[points_col] = node.points
        row[score_col] = round(mark, 2)
        if rate_col is not None:
            row[rate_col] = f"{mark / node.points:.2%}" if node.points else "0.00%"
        rows.append(row)
        tags.append("leaf" if not node.children else "group")
        for n, child in enumerate(node.children):
            line(child, path + [n])

    expected = 0.0
    for g, group in enumerate(groups):
        if len(group) == 1 and not level1_rows:
            title = f"附表{g + 1}：{tree[group[0]].name}指标得分情况表"
        else:
            title = draw(st.sampled_from(["", f"附表{g + 1}：指标得分情况表"]))
        if title:
            rows.append([title] + [""] * (width - 1))
            tags.append("title")
            merges.append((len(rows) - 1, 0, len(rows) - 1, width - 1))
        rows.append(list(header))
        tags.append("header")
        for index in group:
            node = tree[index]
            if level1_rows:
                line(node, [index])
            else:
                for n, child in enumerate(node.children or [node]):
                    line(child, [index, n])
        group_score = sum(leaf.scores[0] or 0.0 for i in group for leaf in tree[i].leaves())
        expected += group_score
        if totals != "none":
            printed = round(group_score, 2) + (delta if totals == "contradicting" and g == 0 else 0.0)
            row = ["合计"] + [""] * (width - 1)
            row[points_col] = sum(tree[i].points for i in group)
            row[score_col] = round(printed, 2)
            rows.append(row)
            tags.append("total")
        rows.append([""] * width)
        tags.append("blank")
    return Form(rows, merges, tags, "code_list", {"": expected}, [score_col], points_col, [], "",
                delta if totals == "contradicting" else 0.0)


FORMS = st.one_of(score_tables(), self_evaluations(), code_lists())

# ------------------------------------------------------------------------------ mutations

INDEX = st.integers(0, 10_000)
HUGE = st.sampled_from([(0, 0, 1048575, 16383), (3, 0, 1048575, 0), (0, 2, 0, 16383), (2, 1, 200000, 3),
                        (0, 0, 60, 40), (5, 5, 2, 2), (1, 1, 1, 1)])


@st.composite
def mutations(draw, ops: tuple[str, ...] | None = None):
    choices = ops or ("cell", "cell", "cell", "insert", "delete", "duplicate", "shuffle", "rename", "blank_header",
                      "merge", "merge", "huge_merge", "drop_merge", "shift_merges", "total")
    op = draw(st.sampled_from(choices))
    if op == "huge_merge":
        return op, draw(HUGE), None
    if op == "merge":
        return op, tuple(draw(st.lists(INDEX, min_size=4, max_size=4))), None
    if op == "insert":
        kind = draw(st.sampled_from(["hostile", "blank", "copy", "label"]))
        return op, (draw(INDEX), kind, draw(INDEX)), draw(st.lists(HOSTILE, max_size=8))
    return op, (draw(INDEX), draw(INDEX), draw(INDEX)), draw(HOSTILE)


def _shift(merges: list[Merge], at: int, by: int) -> list[Merge]:
    out = []
    for r0, c0, r1, c1 in merges:
        if r0 >= at:
            r0 += by
        if r1 >= at:
            r1 += by
        if r1 >= r0:
            out.append((r0, c0, r1, c1))
    return out


def mutate(form: Form, steps: list) -> Form:
    form = form.copy()
    rows, tags = form.rows, form.tags
    for op, params, value in steps:
        width = max(form.width, 1)
        n = len(rows)
        if op == "cell":
            i, j = params[0] % (n + 2), params[1] % (width + 2)
            while len(rows) <= i:
                rows.append([])
                tags.append("noise")
            while len(rows[i]) <= j:
                rows[i].append("")
            rows[i][j] = value
        elif op == "insert":
            at, kind, source = params[0] % (n + 1), params[1], params[2]
            if kind == "blank":
                row: list[object] = [""] * width
            elif kind == "copy" and rows:
                row = list(rows[source % n])
            elif kind == "label":
                row = [LABELS[source % len(LABELS)]] + list(value)
            else:
                row = list(value)
            rows.insert(at, row)
            tags.insert(at, "noise")
            if source % 2:
                form.merges = _shift(form.merges, at, 1)
        elif op == "delete" and rows:
            at = params[0] % n
            del rows[at]
            del tags[at]
            if params[1] % 2:
                form.merges = _shift(form.merges, at + 1, -1)
        elif op == "duplicate" and rows:
            at = params[0] % n
            rows.insert(at, list(rows[at]))
            tags.insert(at, tags[at])
        elif op == "shuffle" and n > 1:
            a = params[0] % n
            b = min(n, a + 2 + params[1] % 6)
            order = list(range(a, b))
            seed = params[2]
            order = sorted(order, key=lambda k: (k * 2654435761 + seed) % 1000003)
            rows[a:b] = [rows[k] for k in order]
            tags[a:b] = [tags[k] for k in order]
        elif op in ("rename", "blank_header"):
            headers = [i for i, t in enumerate(tags) if t == "header"]
            if headers:
                i = headers[params[0] % len(headers)]
                j = params[1] % max(len(rows[i]), 1)
                if rows[i]:
                    rows[i][j] = "" if op == "blank_header" else _renamed(rows[i][j], value, params[2])
        elif op == "merge":
            r0, c0 = params[0] % (n + 3), params[1] % (width + 3)
            form.merges.append((r0, c0, r0 + params[2] % 6, c0 + params[3] % 5))
        elif op == "huge_merge":
            form.merges.append(params)
        elif op == "drop_merge" and form.merges:
            del form.merges[params[0] % len(form.merges)]
        elif op == "shift_merges":
            form.merges = [(r0 + 1, c0, r1 + 1, c1) for r0, c0, r1, c1 in form.merges]
        elif op == "total":
            totals = [i for i, t in enumerate(tags) if t == "total"]
            if totals:
                i = totals[params[0] % len(totals)]
                cols = [c for c in form.score_cols + [form.points_col] if c is not None]
                if cols:
                    j = cols[params[1] % len(cols)]
                    while len(rows[i]) <= j:
                        rows[i].append("")
                    base = rows[i][j] if isinstance(rows[i][j], (int, float)) else 0
                    rows[i][j] = round(float(base) + [0.004, 0.3, 0.51, 2, -1, 40][params[2] % 6], 3)
    return form


def _renamed(label: object, value: object, k: int) -> object:
    text = "" if label is None else str(label)
    variants = [f" {text} ", " ".join(text), text.translate({ord("("): "（", ord(")"): "）"}), f"{text}(分)",
                f"{text}\n（分）", text.replace("指标", ""), f"{text}：", text + text, value]
    return variants[k % len(variants)]


# ------------------------------------------------------------------------------ the tests


def _encode(form: Form, container: str, writer: str) -> tuple[bytes, str]:
    if container == "docx":
        return docx([form]), "form.docx"
    if container == "csv":
        return csv_bytes(form, "utf-8-sig" if writer == "openpyxl" else "gbk"), "form.csv"
    return xlsx(form, writer), "评分表.xlsx"


CONTAINERS = st.sampled_from(["xlsx", "xlsx", "xlsx", "docx", "csv"])
WRITERS = st.sampled_from(["openpyxl", "xlsxwriter"])


@fuzz_settings(60)
@given(FORMS, CONTAINERS, WRITERS)
def test_generated_forms_read_to_the_totals_they_print(form, container, writer):
    data, name = _encode(form, container, writer)
    result = check(data, name)
    if abs(form.contradiction) > CONTRADICTION:
        keys = {i.key for i in result.report.errors}
        assert keys & {"score_total_contradiction", "codelist_subtotal_score"}, result.report.lines("en")
        return
    if abs(form.contradiction) > CENT:
        keys = {i.key for i in result.report.warnings}
        assert keys & {"total_mismatch", "codelist_subtotal_score"}, result.report.lines("en")
    assert result.ok, result.report.lines("en")
    if not form.expected:
        return
    assert result.evaluation is not None, result.report.lines("en")
    totals = total_of(result)
    for unit, expected in form.expected.items():
        got = totals[unit] if unit else totals[project_unit(result.evaluation)]
        assert got == pytest.approx(expected, abs=1e-6), (unit, got, expected, result.report.lines("en"))


@fuzz_settings(80)
@given(FORMS, st.lists(mutations(), min_size=1, max_size=6), CONTAINERS, WRITERS)
def test_mutated_forms_give_a_located_report_and_consistent_numbers(form, steps, container, writer):
    data, name = _encode(mutate(form, steps), container, writer)
    check(data, name)


@fuzz_settings(40)
@given(FORMS, st.lists(st.tuples(INDEX, INDEX, HOSTILE), min_size=1, max_size=6), WRITERS)
def test_hostile_text_in_the_text_columns_changes_no_score(form, edits, writer):
    if not form.text_cols:
        form = dataclasses.replace(form, text_cols=[form.width])  # a column right of the table
    baseline = check(xlsx(form, writer), "评分表.xlsx")
    mutated = form.copy()
    leaf_rows = [i for i, t in enumerate(form.tags) if t in ("leaf", "sub")]
    if not leaf_rows:
        return
    for i, j, value in edits:
        row = mutated.rows[leaf_rows[i % len(leaf_rows)]]
        col = form.text_cols[j % len(form.text_cols)]
        while len(row) <= col:
            row.append("")
        row[col] = value
    result = check(xlsx(mutated, writer), "评分表.xlsx")
    assert result.ok == baseline.ok, result.report.lines("en")
    if baseline.evaluation is not None:
        assert result.evaluation is not None, result.report.lines("en")
        assert total_of(result) == pytest.approx(total_of(baseline))
        assert result.evaluation.indicators["points"].tolist() == baseline.evaluation.indicators["points"].tolist()


@fuzz_settings(40)
@given(FORMS, INDEX, HOSTILE, WRITERS)
def test_a_hostile_score_cell_is_read_as_its_number_or_reported_at_that_cell(form, pick, value, writer):
    leaf_rows = [i for i, t in enumerate(form.tags) if t == "leaf"]
    if not leaf_rows or not form.score_cols or len(form.expected) != 1 or form.family == "code_list":
        return
    baseline = check(xlsx(form, writer), "评分表.xlsx")
    if baseline.evaluation is None:
        return
    i, j = leaf_rows[pick % len(leaf_rows)], form.score_cols[0]
    if any(str(form.rows[h][j]).endswith("得分率") for h, t in enumerate(form.tags) if t == "header" and
           j < len(form.rows[h])):
        return  # a 得分率 column: its numbers are rates
    mutated = form.copy()
    old = mutated.rows[i][j]
    mutated.rows[i][j] = value
    result = check(xlsx(mutated, writer), "评分表.xlsx")
    at_cell = [x for x in result.report.issues if x.row == i + 1 and x.column == j]
    if at_cell or result.evaluation is None:
        assert result.evaluation is not None or result.report.errors or result.blank
        return
    scores = result.evaluation.scores
    here = scores[(scores["src_row"] == i + 1) & (scores["src_col"] == j)]
    points = float(result.evaluation.indicators.set_index("src_row").loc[[i + 1], "points"].iloc[-1]) \
        if (result.evaluation.indicators["src_row"] == i + 1).any() else math.nan
    readings = _readings(value, writer)
    if here.empty:
        # nothing read from the cell: a blank or a placeholder, or a row that is no indicator any more
        assert not readings or any(x.key in ("leaf_unscored", "form_placeholder_row") for x in result.report.issues) \
            or math.isnan(points), (value, result.report.lines("en"))
        return
    got = float(here["points"].iloc[0])
    assert any(got == pytest.approx(min(max(r, 0.0), points), abs=1e-6) for r in readings) or (
        isinstance(old, (int, float)) and got == pytest.approx(old)), (value, got, readings, points)


def _excel_serial(value: datetime.date | datetime.time) -> float:
    if isinstance(value, datetime.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    return (value - datetime.datetime(1899, 12, 30)).total_seconds() / 86400


def _readings(value: object, writer: str) -> list[float]:
    """The numbers a person reads in a cell: the number itself, numbers written as text (half- or
    full-width, with 分, a percent sign read either way)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (datetime.date, datetime.time)):  # xlsxwriter writes them as serial numbers
        return [_excel_serial(value)] if writer == "xlsxwriter" else []
    if isinstance(value, (int, float)):
        return [float(value)] if math.isfinite(value) else []
    if not isinstance(value, str):
        return []
    if value.startswith("="):
        return [0.0]  # xlsxwriter caches 0 for a formula (openpyxl caches nothing: an error at the cell)
    text = value.translate({i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}).replace(",", "").strip()
    text = re.sub(r"\s+", "", text)
    percent = text.endswith("%")
    text = re.sub(r"(%|分|万元|元|个|项|人)$", "", text)
    try:
        number = float(text)
    except ValueError:
        return []
    if not math.isfinite(number) or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return []
    return [number, number / 100] if percent else [number]


@fuzz_settings(30)
@given(st.lists(st.tuples(st.one_of(FORMS, st.none()), st.lists(mutations(), max_size=3)), min_size=1, max_size=4),
       st.booleans(), WRITERS)
def test_several_sheets_and_tables_stacked_in_one_sheet(parts, stack, writer):
    forms = [mutate(f, steps) if f is not None else None for f, steps in parts]
    if stack and sum(f is not None for f in forms) > 1:
        first = next(f for f in forms if f is not None)
        combined = first.copy()
        for other in forms:
            if other is None or other is first:
                continue
            offset = len(combined.rows) + 1
            combined.rows += [[]] + [list(r) for r in other.rows]
            combined.tags += ["blank"] + other.tags
            combined.merges += [(r0 + offset, c0, r1 + offset, c1) for r0, c0, r1, c1 in other.merges]
        check(xlsx(combined, writer), "stacked.xlsx")
        check(docx([combined]), "stacked.docx")
    sheets = [(f"表{k + 1}" if k % 2 else f"Sheet{k + 1}", f) for k, f in enumerate(forms)]
    check(xlsx_book(sheets, writer), "book.xlsx")
    check(docx([f for f in forms if f is not None] or [Form([[]], [], [""], "", {})]), "tables.docx")


SPANS = st.sampled_from([str, lambda n: "0", lambda n: "-3", lambda n: "99999999", lambda n: "x", lambda n: "1.5",
                         lambda n: str(n + 40), lambda n: ""])


@fuzz_settings(30)
@given(FORMS, st.lists(mutations(), max_size=4), SPANS, st.booleans())
def test_word_tables_with_hostile_spans_and_merges(form, steps, span, continue_first):
    data = docx([mutate(form, steps)], span)
    if continue_first:  # a vertical merge that continues with nothing to continue
        data = _rewrite_document(data, lambda x: x.replace('<w:vMerge w:val="restart"/>', "<w:vMerge/>", 1))
    check(data, "form.docx")


@fuzz_settings(30)
@given(FORMS, st.lists(mutations(), max_size=3), st.sampled_from(["cells", "rows", "table"]))
def test_word_rows_cells_and_tables_in_content_controls_read_as_if_unwrapped(form, steps, wrap):
    form = mutate(form, steps)
    plain = check(docx([form]), "form.docx")
    wrapped = check(docx([form], wrap=wrap), "form.docx")
    assert fingerprint(wrapped) == fingerprint(plain), wrapped.report.lines("en")


def _rewrite_document(data: bytes, edit: Callable[[str], str]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return bundle([(n, edit(src.read(n).decode()).encode() if n == "word/document.xml" else src.read(n))
                   for n in src.namelist()])


MEMBER_NAMES = st.sampled_from(["甲项目.xlsx", "乙/乙项目.xlsx", "丙.docx", "a/b/c/丁.xlsx", "~$锁.xlsx", "__MACOSX/._x.xlsx",
                                ".hidden.xlsx", "说明.txt", "戊.csv", "重复.xlsx", "重复.xlsx", "inner.zip", "空.docx"])


@fuzz_settings(30)
@given(st.lists(st.tuples(MEMBER_NAMES, st.one_of(FORMS, st.none()), st.lists(mutations(), max_size=3),
                          st.sampled_from(["xlsx", "docx", "csv", "junk", "empty"])), min_size=1, max_size=4),
       WRITERS)
def test_zip_portfolios_of_mutated_forms(members, writer):
    files = []
    for name, form, steps, kind in members:
        if form is None or kind == "junk":
            content = b"PK\x03\x04 not really" if kind == "junk" else b""
        elif kind == "empty":
            content = xlsx_book([("Sheet1", None)], writer)
        else:
            f = mutate(form, steps)
            content = docx([f]) if kind == "docx" else csv_bytes(f) if kind == "csv" else xlsx(f, writer)
        files.append((name, content))
    check(bundle(files), "批量.zip")


# ------------------------------------------------------------------------------ the real tables, mutated


def _real_forms(path: Path) -> list[tuple[str, Form]]:
    """Each sheet (or Word table) of a transcribed real table as a Form."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            sheets = read_docx_tables(z.read("word/document.xml"))
        return [(s.name, Form([list(r) for r in s.rows], list(s.merged), ["?"] * len(s.rows), "real", {}))
                for s in sheets]
    wb = openpyxl.load_workbook(path, data_only=False)
    out = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        out.append((ws.title, Form(rows, merges, ["?"] * len(rows), "real", {})))
    return out


_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _as_number(v: object) -> float | None:
    """A cell's number: a numeric cell, or text that is only a number (Word cells are all text)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str) and _PLAIN_NUMBER.match(v.strip()):
        return float(v)
    return None


def _fullwidth(v: object) -> object:
    if _as_number(v) is None:
        return v
    text = (f"{v:g}" if isinstance(v, float) else str(v)).strip()
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.-"})


def _map_cells(form: Form, fn: Callable[[object], object]) -> Form:
    return dataclasses.replace(form, rows=[[fn(v) for v in r] for r in form.rows])


def _numeric_cells(form: Form) -> list[tuple[int, int]]:
    return [(i, j) for i, r in enumerate(form.rows) for j, v in enumerate(r) if _as_number(v) is not None] or [(0, 0)]


def _set(form: Form, at: tuple[int, int], value: object) -> Form:
    f = form.copy()
    i, j = at
    while len(f.rows) <= i:
        f.rows.append([])
    while len(f.rows[i]) <= j:
        f.rows[i].append(None)
    f.rows[i][j] = value
    return f


def _rows(form: Form, fn: Callable[[list[list[object]]], list[list[object]]]) -> Form:
    f = form.copy()
    f.rows = fn(f.rows)
    f.tags = ["?"] * len(f.rows)
    return f


def _last_numeric_row(form: Form) -> int:
    return max(i for i, _ in _numeric_cells(form))


# (name, mutation, whether the scores must stay those of the table as published)
SEED_MUTATIONS: list[tuple[str, Callable[[Form], Form], bool]] = [
    ("as_is", lambda f: f, True),
    ("numbers_as_fullwidth_text", lambda f: _map_cells(f, _fullwidth), True),
    ("control_chars_in_every_text", lambda f: _map_cells(f, lambda v: f"\u200b{v}\x01" if isinstance(v, str) else v),
     True),
    ("first_number_div0", lambda f: _set(f, _numeric_cells(f)[0], "#DIV/0!"), False),
    ("last_number_negative", lambda f: _set(f, _numeric_cells(f)[-1], -7), False),
    ("a_number_as_formula_without_value", lambda f: _set(f, _numeric_cells(f)[len(_numeric_cells(f)) // 2], "=A1*2"),
     False),
    ("a_number_huge", lambda f: _set(f, _numeric_cells(f)[len(_numeric_cells(f)) // 3], 1e300), False),
    ("a_number_as_date", lambda f: _set(f, _numeric_cells(f)[-2 if len(_numeric_cells(f)) > 1 else 0],
                                        datetime.datetime(2023, 5, 1)), False),
    ("every_row_duplicated", lambda f: _rows(f, lambda rows: [list(r) for r in rows for _ in (0, 1)]), False),
    ("rows_reversed", lambda f: _rows(f, lambda rows: rows[:3] + rows[3:][::-1]), False),
    ("middle_row_deleted", lambda f: _rows(f, lambda rows: rows[: len(rows) // 2] + rows[len(rows) // 2 + 1:]), False),
    ("last_numeric_row_deleted", lambda f: _rows(f, lambda rows: [r for i, r in enumerate(rows)
                                                                  if i != _last_numeric_row(f)]), False),
    ("stacked_twice", lambda f: _rows(f, lambda rows: rows + [[]] + rows), False),
    ("huge_merge_below_the_title", lambda f: dataclasses.replace(f, merges=f.merges + [(2, 0, 1048575, 16383)]),
     False),
    ("overlapping_merges", lambda f: dataclasses.replace(f, merges=f.merges + [(0, 0, 5, 3), (2, 1, 8, 6)]), False),
    ("merges_dropped", lambda f: dataclasses.replace(f, merges=[]), False),
    ("last_number_plus_three", lambda f: _set(f, _numeric_cells(f)[-1], (_as_number(
        f.rows[_numeric_cells(f)[-1][0]][_numeric_cells(f)[-1][1]]) or 0) + 3), False),
]
REAL_FILES = sorted(p for p in REAL.iterdir() if p.suffix in (".xlsx", ".docx"))


@functools.cache
def _published(path: Path) -> LoadResult:
    return check(path.read_bytes(), path.name)


@pytest.mark.parametrize("mutation", SEED_MUTATIONS, ids=lambda m: m[0])
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_real_tables_mutated_give_a_located_report_and_consistent_numbers(path, mutation):
    name, fn, same_scores = mutation
    published = _published(path)
    forms = [(title, fn(form)) for title, form in _real_forms(path)]
    k = SEED_MUTATIONS.index(mutation)
    results = []
    if path.suffix == ".xlsx":  # xlsxwriter keeps control characters; openpyxl leaves formulas uncached
        writer = "xlsxwriter" if name == "control_chars_in_every_text" or k % 2 else "openpyxl"
        results.append(check(xlsx_book(forms, writer), path.name))
    if path.suffix == ".docx" or same_scores or k % 3 == 0:  # the same table as a Word table
        results.append(check(docx([f for _, f in forms]), path.stem + ".docx"))
    if not same_scores:
        return
    for result in results:
        assert result.ok == published.ok, (name, result.report.lines("en"))
        assert result.blank == published.blank
        if published.evaluation is not None:
            assert total_of(result) == pytest.approx(total_of(published)), (name, result.report.lines("en"))


# ------------------------------------------------------------------------------ found by fuzzing


def _sheet_rows(rows: list[list[object]], merges: list[Merge] = ()) -> Form:
    return Form([list(r) for r in rows], list(merges), ["?"] * len(rows), "", {})


def test_a_contradicting_total_names_the_total_cell():
    form = SelfEvaluation()
    rows, merges = self_evaluation_rows(dataclasses.replace(form, total=round(form.expected_total(), 2) + 1))
    result = check(xlsx(_sheet_rows(rows, merges)), "form.xlsx")
    error = next(i for i in result.report.errors if i.key == "score_total_contradiction")
    total_row = next(k for k, r in enumerate(rows) if r[0] == "总分")
    assert (error.sheet, error.row, error.column) == ("评分表", total_row + 1, 7)


def test_a_negative_printed_total_is_a_contradiction_naming_both_figures():
    rows = [["一级指标", "指标名称", "分值", "得分"], ["决策", "立项依据充分性", 10, 8], ["合计", "", 10, -2]]
    error = next(i for i in check(xlsx(_sheet_rows(rows)), "t.xlsx").report.errors
                 if i.key == "score_total_contradiction")
    assert error.params["reported"] == "-2.00" and error.params["computed"] == "8.00" and error.row == 3


STACKED = [["指标名称", "权重", "得分"], ["A1项目立项", 10, 8], ["A101立项依据", 10, 8], ["合计", 10, 8], [],
           ["指标名称", "权重", "得分"], ["B1资金管理", 20, 15], ["B101资金到位率", 20, 15],
           ["C1产出数量", 70, 60], ["C101完成率", 70, 60], ["合计", 90, 75]]


def test_a_stacked_table_of_two_level1_indicators_checks_its_total_against_its_own_rows():
    result = check(xlsx(_sheet_rows(STACKED)), "t.xlsx")  # its 合计 75 is B + C, not the whole 83
    assert result.ok, result.report.lines("en")
    assert total_of(result) == {"评价对象": pytest.approx(83)}
    wrong = [list(r) for r in STACKED]
    wrong[-1] = ["合计", 90, 77]
    error = next(i for i in check(xlsx(_sheet_rows(wrong)), "t.xlsx").report.errors
                 if i.key == "codelist_subtotal_score")
    assert error.params["printed"] == "77" and error.params["computed"] == "75" and error.row == len(wrong)


def test_codes_before_names_starting_with_dang_or_deng_are_codes():
    rows = [["指标名称", "权重", "得分"], ["D1管理", 10, 9], ["D101档案资料完整性", 5, 5], ["D102等级评定", 5, 4],
            ["合计", 10, 9]]
    result = check(xlsx(_sheet_rows(rows)), "t.xlsx")
    assert result.ok and result.report.layout == "code_list", result.report.lines("en")
    assert result.evaluation.leaves["code"].tolist() == ["D101", "D102"]
    assert result.evaluation.leaves["name"].tolist() == ["档案资料完整性", "等级评定"]


def test_code_lists_of_level2_codes_under_titled_tables_are_code_lists():
    rows = [["附表1：决策指标得分情况表"], ["指标名称", "权重", "指标得分"], ["A1项目立项", 10, 8], ["合计", 10, 8], [],
            ["附表2：过程指标得分情况表"], ["指标名称", "权重", "指标得分"], ["B1资金管理", 20, 15], ["合计", 20, 15]]
    result = check(xlsx(_sheet_rows(rows, [(0, 0, 0, 2), (5, 0, 5, 2)])), "t.xlsx")
    assert result.report.layout == "code_list", result.report.lines("en")
    assert result.evaluation.level1["name"].tolist() == ["决策", "过程"]
    assert total_of(result) == {"评价对象": pytest.approx(23)}  # the second table is not dropped


@pytest.mark.parametrize("span", ["x", "1.5", "-3", "", "２"])
def test_a_word_cell_spanning_a_non_number_of_columns_spans_one(span):
    rows, merges = self_evaluation_rows(SelfEvaluation())
    result = check(docx([_sheet_rows(rows, merges)], lambda n: span), "form.docx")
    assert not any(i.key == "read_failed" for i in result.report.issues)


def test_a_merged_range_claiming_the_whole_sheet_is_clipped_not_walked():
    import time

    from perfeval_core.io.scoretable import load_score_table
    from perfeval_core.io.sheets import RawWorkbook, Sheet
    from perfeval_core.model.report import ValidationReport

    rows, merges = self_evaluation_rows(SelfEvaluation())
    sheet = Sheet("自评表", [list(r) for r in rows], merged=merges + [(20, 0, 1048575, 16383)])
    started = time.monotonic()
    load_score_table(RawWorkbook("xlsx", [sheet], []), ValidationReport())
    assert time.monotonic() - started < 5


def test_figures_in_messages_are_printed_in_full_not_in_exponent_form():
    rows = [["一级指标", "指标名称", "分值", "得分"], ["决策", "立项依据充分性", 99999999, 8], ["", "立项程序规范性", 5, 5],
            ["合计", "", 30, 13]]
    result = check(xlsx(_sheet_rows(rows)), "t.xlsx")
    warning = next(i for i in result.report.warnings if i.key == "points_total_mismatch")
    assert (warning.params["computed"], warning.params["printed"]) == ("100000004", "30")
    assert "100000004" in next(i for i in result.report.warnings if i.key == "points_sum_total").text("en")


def test_a_word_cell_in_a_content_control_keeps_its_column():
    def tc(text: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    def sdt(xml: str) -> str:
        return f"<w:sdt><w:sdtPr/><w:sdtContent>{xml}</w:sdtContent></w:sdt>"

    rows = ["<w:tr>" + "".join(tc(t) for t in ("一级指标", "二级指标", "分值", "得分")) + "</w:tr>",
            "<w:tr>" + tc("决策") + tc("立项") + sdt(tc("10")) + tc("8") + "</w:tr>",  # 分值 in a content control
            sdt("<w:tr>" + "".join(tc(t) for t in ("过程", "管理", "90", "80")) + "</w:tr>")]
    document = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                + sdt("<w:tbl>" + "".join(rows) + "</w:tbl>") + "</w:body></w:document>")
    result = check(bundle([("[Content_Types].xml", "<Types/>"), ("word/document.xml", document)]), "form.docx")
    assert result.ok, result.report.lines("en")
    assert result.evaluation.leaves["points"].tolist() == [10, 90]
    assert total_of(result) == {"评价对象": pytest.approx(88)}


@pytest.mark.parametrize("kind", ["score_table", "code_list"])
def test_a_sheet_of_thousands_of_indicator_rows_is_refused_quickly_at_the_row_over_the_limit(kind):
    import time

    from perfeval_core.model.evaluation import MAX_INDICATORS

    n = 30_000  # a leaves × indicators matrix of this size would take gigabytes; reading it, minutes
    if kind == "score_table":
        rows = [["一级指标", "二级指标", "分值", "得分"]] + [[f"一级{k // 100}", f"指标{k}", 1, 1] for k in range(n)]
    else:
        rows = [["指标名称", "权重", "得分"]] + [[f"A{k % 99 + 1}{k // 99 % 99 + 1:02d}指标{k}", 1, 1] for k in range(n)]
    data = xlsx(_sheet_rows(rows))
    started = time.monotonic()
    result = load_bytes(data, "big.xlsx")
    assert time.monotonic() - started < 10
    error = next(i for i in result.report.errors if i.key == "too_many_indicators")
    assert error.sheet == "评分表" and 1 < error.row <= MAX_INDICATORS + 2
