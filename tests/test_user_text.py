"""User text is text. Names and report texts from a hostile workbook (and the scenario names typed
on the what-if page) render as typed on every page: no link, image, HTML, emphasis, formula,
colour or icon is made of them. Every table the browser holds, and every workbook a download
builds, keeps them from turning into spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit
from google.protobuf.json_format import MessageToDict
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dashboard.ui import WORD_JOINER, formula_like, grid_safe, plain
from perfeval_core.io.template_io import prefilled_bytes
from perfeval_core.present.export_xlsx import workbook_bytes

from .conftest import ROOT
from .test_app import APP, PAGES
from .workbook_corpus import template

IMG = "![x](http://203.0.113.9/x.png)"
LINK = "[点我](http://203.0.113.9)"
TAG = "<img src=http://203.0.113.9/a.png>"
SCRIPT = "<script>alert(1)</script>"
BOLD = "**粗**"
TEX = "$x^2$"
RED = ":red[危险]"
FORMULA = '=HYPERLINK("http://203.0.113.9","x")'
PLUS = "+1+2"
AT = "@SUM(A1)"
HOSTILE = (IMG, LINK, TAG, SCRIPT, BOLD, TEX, RED, FORMULA, PLUS, AT)
FORMULAS = (FORMULA, PLUS, AT)
CITY, EAST, WEST, STREET = FORMULA, LINK, PLUS, AT
FILENAME = IMG + ".xlsx"
ADDRESS = "203.0.113.9"


def hostile_workbook() -> bytes:
    indicators = [
        ["A", IMG, None, 20, "", None, "", "", ""], ["A1", TAG, "A", None, "", None, "", "", ""],
        ["A101", FORMULA, "A1", 10, "定性", None, "", "", ""], ["A102", PLUS, "A1", 10, "定性", None, "", "", ""],
        ["B", BOLD, None, None, "", None, "", "", ""], ["B1", AT, "B", None, "", None, "", "", ""],
        ["B101", TEX, "B1", 20, "定性", None, "", "", ""],
        ["C", "产出" + RED, None, None, "", None, "", "", ""], ["C1", SCRIPT, "C", None, "", None, "", "", ""],
        ["C101", LINK, "C1", 30, "定性", None, "", "", ""],
        ["D", "效益" + LINK, None, None, "", None, "", "", ""], ["D1", RED, "D", None, "", None, "", "", ""],
        ["D101", IMG, "D1", 30, "定性", None, "", "", ""],
    ]
    units = [[CITY, None, "市", "否", ""], [EAST, CITY, "区", "是", ""], [WEST, CITY, "区", "否", ""],
             [STREET, EAST, "街道", "否", ""]]
    scores = [[unit, code, round(points * rate, 2), None, None, FORMULA if code == "A101" else IMG]
              for unit, rate in ((CITY, 0.85), (EAST, 0.8), (WEST, 0.95), (STREET, 0.7))
              for code, points in (("A101", 10), ("A102", 10), ("B101", 20), ("C101", 30), ("D101", 30))]
    project = [["项目名称", IMG + "项目"], ["年度", "2024年"], ["地区", LINK], ["评价方式", "部门评价"],
               ["评价机构", SCRIPT], ["评价结论", f"{TAG} {BOLD} {TEX} {RED} {FORMULA}"],
               ["主要问题", f"{SCRIPT}；{FORMULA}；{LINK}；{AT}"]]
    return template(
        project=project, indicators=indicators, units=units, scores=scores,
        budget=[[EAST, TEX, FORMULA, 100.0, None, None, 90.0, 80.0], [WEST, LINK, "经费", 50.0, None, None, 50.0, 20.0]],
        projects=[[EAST, FORMULA, 3, 12.5, "否"], [WEST, LINK, 2, 8.0, "是"]],
        survey=[[EAST, IMG, 20, 15, 3, 1, 1, 10], [WEST, PLUS, 10, 5, 3, 1, 1, 4]],
        bands=[[BOLD, 90], [TAG, 80], [RED, 60], [FORMULA, 0]],
        findings=[[SCRIPT, LINK, EAST, "整改中", FORMULA], [IMG, AT, WEST, "未整改", PLUS]])


# ---------------------------------------------------------------- what Streamlit's Markdown does
# The browser renders Markdown with remark (GitHub-flavoured) plus Streamlit's directives. The
# checks below read an escaped text the way it does: escapes resolved into a text node, then the
# autolink of bare addresses run on that node (mdast-util-gfm-autolink-literal), whose rules are
# copied here from the installed bundle (test_the_bundle_still_links_as_emulated keeps them honest).
ASCII_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")


def text_node(markdown: str) -> str:
    """What a paragraph of escaped text reads as once its escapes and hard breaks are resolved."""
    return ASCII_PUNCTUATION.sub(r"\1", markdown.replace("  \n", "\n"))


def _linkable_after(text: str, index: int) -> bool:
    if index == 0:
        return True
    before = text[index - 1]
    return before.isspace() or unicodedata.category(before)[0] in "PS"


def bare_links(text: str) -> list[str]:
    """The addresses remark would link in a text node."""
    found = [m[0] for m in re.finditer(r"(?i)(https?://|www(?=\.))[-.\w]+", text) if _linkable_after(text, m.start())]
    return found + [m[0] for m in re.finditer(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", text)]


def active_markdown(markdown: str) -> list[str]:
    """Markdown syntax still live in ``markdown``: an unescaped character that opens a link, an
    image, HTML, code, emphasis, LaTeX, a directive or a table, a block marker at a line's start,
    a blank line, or a bare address that would be linked."""
    live = [m[0] for m in re.finditer(r"(?<!\\)(?:\\\\)*([\[\]<>`*~$:|&#/()])", markdown)]
    live += [m[0] for m in re.finditer(r"(?<![\w\\])_|(?<!\\)_(?!\w)", markdown)]
    live += re.findall(r"(?m)^\s*(?:[-+=]|\d+[.)])", markdown)
    live += ["blank line"] * ("\n\n" in markdown.replace("  \n", "\n"))
    return live + bare_links(text_node(markdown))


@given(st.text())
def test_escaped_text_shows_every_character_and_acts_on_none(text):
    escaped = plain(text)
    assert not active_markdown(escaped), (text, escaped)
    lines = [line.strip(" \t") for line in re.split(r"[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*", text)]
    assert text_node(escaped).replace(WORD_JOINER, "") == "\n".join(lines).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE + ("a@b.example.com", "www.example.com", "- item", "1. item", "# 标题",
                                            "a_b_c.xlsx", "_x_", ":material/home:", "&amp;", "~~删~~", "a|b", "x\n\n    y"))
def test_escaped_hostile_text_makes_nothing(text):
    escaped = plain(text)
    assert not active_markdown(escaped), escaped
    assert text_node(escaped).replace(WORD_JOINER, "") == text.replace("\n\n    ", "\n")
    assert ":material/" not in escaped  # Streamlit turns it into an icon before parsing anything


def test_file_names_keep_their_underscores_readable():
    assert plain("hohhot_2023_evaluation.xlsx") == "hohhot_2023_evaluation.xlsx"


def test_escaped_text_renders_as_plain_text_in_a_markdown_renderer():
    markdown_it = pytest.importorskip("markdown_it")
    renderer = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for text in HOSTILE:
        html = renderer.render(plain(text))
        assert re.fullmatch(r"<p>[^<]*</p>\n", html), html  # one paragraph of text, nothing inside it


def test_the_bundle_still_links_as_emulated():
    """The emulation above copies the installed Streamlit's Markdown rules: if Streamlit changes
    them, this says so (and ``plain`` needs another look)."""
    scripts = Path(streamlit.__file__).parent / "static" / "static" / "js"
    bundle = "".join(p.read_text(encoding="utf-8", errors="replace") for p in scripts.glob("StreamlitMarkdown.*.js"))
    if not bundle:
        pytest.skip("no installed Streamlit bundle to compare with")
    assert r"/(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)/gi" in bundle
    assert r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/gu" in bundle
    assert "replaceAll(`:material/`,`:material_`)" in bundle


# ---------------------------------------------------------------- formula-safe tables
@pytest.mark.parametrize("text", ["=1+1", FORMULA, PLUS, AT, "-1+2", "\tx", "\r=1", " =1", "＝1+1", "＋1", "－1", "＠A1"])
def test_formula_like_text_is_flagged(text):
    assert formula_like(text)
    assert not formula_like(WORD_JOINER + text)


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_written_as_text_are_not_formulas(number):
    assert not formula_like(str(number)) and not formula_like(f"{number:,}")


def test_a_grid_frame_keeps_numbers_and_marks_formula_text():
    frame = pd.DataFrame({FORMULA: [FORMULA, "-3.5", "x", None], "n": [-1.0, 2.0, -3.0, 4.0],
                          "mixed": [PLUS, 7, None, AT], "rating": pd.Categorical([AT, "良", AT, "良"])})
    safe = grid_safe(frame)
    assert list(safe.columns) == [WORD_JOINER + FORMULA, "n", "mixed", "rating"]
    assert safe.iloc[:3, 0].tolist() == [WORD_JOINER + FORMULA, "-3.5", "x"] and pd.isna(safe.iloc[3, 0])
    assert safe["n"].tolist() == [-1.0, 2.0, -3.0, 4.0] and safe["n"].dtype == float
    assert safe["mixed"].tolist() == [WORD_JOINER + PLUS, 7, None, WORD_JOINER + AT]
    assert safe["rating"].tolist() == [WORD_JOINER + AT, "良", WORD_JOINER + AT, "良"]
    assert frame.iloc[0, 0] == FORMULA  # the caller's frame is left alone
    plain_frame = pd.DataFrame({"a": ["x"], "b": [1]})
    assert grid_safe(plain_frame) is plain_frame


def grid_csv(frame: pd.DataFrame) -> list[list[str]]:
    """What the grid's own CSV download holds: every header and cell as the grid has it (the
    browser quotes fields with a comma, quote or line break and nothing else)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows([["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in row]
                      for row in frame.itertuples(index=False)])
    return list(csv.reader(io.StringIO(out.getvalue())))


def formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if formula_like(cell)]


# ---------------------------------------------------------------- the dashboard on a hostile workbook
PLAIN_PROTOS = {"Text", "Html", "Code"}  # the elements that render no Markdown
MARKDOWN_FIELDS = {"body", "label", "help", "content", "delta", "caption"}
MARKDOWN_OPTIONS = {"Radio", "Slider"}  # whose options are Markdown too (a selectbox's are plain text)


def rendered_markdown(at: AppTest) -> list[str]:
    """Every string of the page that the browser renders as Markdown: bodies of markdown, captions,
    headings, alerts and toasts; labels and tooltips of widgets, expanders, tabs and popovers;
    metric values and deltas; the options of button groups (segmented controls, pills)."""
    found: list[str] = []

    def collect(value: object, key: str, markdown_options: bool) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, k, markdown_options)
        elif isinstance(value, list):
            for v in value:
                collect(v, key, markdown_options)
        elif isinstance(value, str) and (key in MARKDOWN_FIELDS or (markdown_options and key == "options")):
            found.append(value)

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and type(proto).__name__ not in PLAIN_PROTOS:
            collect(MessageToDict(proto), "", type(proto).__name__ in MARKDOWN_OPTIONS)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def inline(text: str) -> str:
    """``text`` as ``plain`` escapes it inside a line (the same but for a leading ``+`` or ``=``)."""
    return plain("x" + text)[1:]


def assert_user_text_inert(at: AppTest, where: str) -> list[str]:
    """No Markdown string of the page shows a hostile text other than escaped (``plain``), none holds
    live link, image or HTML syntax or an address remark would link, and no grid's own CSV
    download holds a cell a spreadsheet would run as a formula."""
    shown = rendered_markdown(at)
    for text in shown:
        displayed = text_node(text).replace(WORD_JOINER, "")
        for hostile in HOSTILE:
            assert displayed.count(hostile) == text.count(inline(hostile)), (where, hostile, text)
        assert not re.search(r"(?<!\\)(!\[|\]\(|<(img|script|http))", text), (where, text)
        assert not bare_links(text_node(text)), (where, text)
    for frame in [*at.dataframe, *at.data_editor]:
        assert not formula_cells(grid_csv(frame.value)), (where, formula_cells(grid_csv(frame.value)))
    return shown


@pytest.fixture(autouse=True)
def library_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def hostile_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    at.file_uploader(key="uploader").upload(FILENAME, hostile_workbook()).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(plain(FILENAME) in s.value for s in at.success), [e.value for e in at.error]
    return at


def save_scenario(at: AppTest, name: str, author: str, note: str) -> None:
    at.text_input(key="scenario_name").input(name)
    at.text_input(key="scenario_author").input(author)
    at.text_input(key="scenario_note").input(note)
    next(b for b in at.button if b.label == "保存方案").click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_every_page_shows_hostile_names_and_texts_as_typed():
    at = hostile_app()
    shown = assert_user_text_inert(at, "data")
    for page in PAGES:
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        shown += assert_user_text_inert(at, page)
    at.switch_page(str(ROOT / "pages" / "districts.py")).run()
    at.selectbox(key="drill_unit_0").set_value(EAST).run()
    shown += assert_user_text_inert(at, "districts drill-down")
    # scenarios named, signed and noted in hostile text: listed, compared, and one made official
    at.switch_page(str(ROOT / "pages" / "whatif.py")).run()
    at.slider(key="w_D").set_value(40.0).run()
    save_scenario(at, IMG, LINK, TAG)
    save_scenario(at, RED, BOLD, SCRIPT)
    shown += assert_user_text_inert(at, "whatif scenarios")
    next(b for b in at.button if b.key and b.key.startswith("official_")).click().run()
    for page in ("overview", "whatif"):
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        shown += assert_user_text_inert(at, f"{page} with a scenario made official")
    assert any(inline(RED) in s and "verified" in s for s in shown)  # the adopted scenario's name, escaped
    # every kind of hostile text reached a Markdown element, escaped (not dropped, not shown raw)
    for text in HOSTILE:
        assert any(inline(text) in s for s in shown), text
    # and formula-like names reached the grids, made inert
    grids = [str(c) for page in ("districts", "findings") for c in grid_cells(at, page)]
    assert WORD_JOINER + FORMULA in grids and WORD_JOINER + PLUS in grids and WORD_JOINER + AT in grids


def grid_cells(at: AppTest, page: str) -> list[object]:
    at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
    return [v for frame in at.dataframe for v in [*frame.value.columns, *frame.value.to_numpy().ravel()]]


def test_a_rejected_workbook_quotes_its_hostile_cells_as_typed():
    units = [["测试市", None, "市", "否", ""], ["甲区", "测试市", IMG, "是", ""], ["乙区", "测试市", FORMULA, "否", ""]]
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    at.file_uploader(key="uploader").upload(LINK + ".xlsx", template(units=units)).run()
    assert not at.exception
    assert any(plain(LINK) in e.value for e in at.error)
    shown = assert_user_text_inert(at, "rejected upload")
    assert any(inline(IMG) in s for s in shown) and any(inline(FORMULA) in s for s in shown)


def spreadsheet_formulas(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def string_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.data_type == "s"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_workbook_download_writes_user_text_as_text(lang):
    at = hostile_app()
    at.switch_page(str(ROOT / "pages" / "whatif.py")).run()
    at.slider(key="w_D").set_value(40.0).run()
    ev = next(r.evaluation for e, r in at.session_state["_loaded"].values() if e.filename == FILENAME)
    downloads = {"whatif": workbook_bytes(ev, at.session_state["current_scenario"], lang),
                 "official": workbook_bytes(ev, None, lang), "prefilled": prefilled_bytes(ev)}
    for name, data in downloads.items():
        formulas = spreadsheet_formulas(data)
        assert not [f for f in formulas if ADDRESS in f or "HYPERLINK" in f or "SUM(A1)" in f or "+1+2" in f], name
        texts = string_cells(data)
        for text in FORMULAS:
            assert text in texts, (name, text)  # written, and as a string cell
    book = openpyxl.load_workbook(io.BytesIO(downloads["official"]))
    numbers = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "n"]
    assert 100.0 in numbers and 12.5 in numbers  # budget and amounts stay numbers
