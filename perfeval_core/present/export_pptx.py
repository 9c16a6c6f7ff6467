"""The evaluation as a 16:9 PowerPoint deck: a title slide, then one slide per SlideView.

Text is native and editable (titles, headlines, KPI tiles, tables); charts are PNG pictures
drawn by vl-convert. Every run names a Latin and an East-Asian typeface, so Chinese renders in
PowerPoint and LibreOffice alike.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Run
from pptx.util import Emu, Inches, Pt

from perfeval_core.analysis.scoring import Scenario, ScoringModel, model_of
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.present import style
from perfeval_core.present.export_images import chart_png, is_stepped, png_size
from perfeval_core.present.i18n import t
from perfeval_core.present.slides import SlideView, views
from perfeval_core.present.style import ACCENT, NO_RATING_COLOR

# Microsoft YaHei is on every Windows PowerPoint; LibreOffice on Linux substitutes a CJK face
# (Noto Sans CJK SC through fontconfig, helped by the run's zh-CN language tag).
DECK_FONT = "Microsoft YaHei"
LANG_TAG = {"zh": "zh-CN", "en": "en-US"}

# characters XML 1.0 cannot hold (a workbook's cell can: _x0007_): python-pptx refuses them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: object) -> str:
    """``text`` without the control characters a slide cannot hold (a name from a workbook)."""
    return _NOT_XML.sub("", str(text))


SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.55
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_TOP, TITLE_H = 0.32, 0.62
MESSAGE_TOP = 1.08
BODY_TOP, BODY_BOTTOM = 2.15, 6.85
GAP = 0.3
# chart CSS pixels per slide inch: the charts' 13 px labels come out near 13 pt on the slide;
# drawn at scale 2, a full-width chart is a ~1700 px PNG (sharp on a 1920 × 1080 projector)
CHART_PPI = 70
CHART_SCALE = 2.0
MAX_ZOOM = 1.3  # a short chart may be drawn up to this much larger to fill its box

# style.py's colours without the "#", as DrawingML (and the PDF writer reading the deck) want them
TITLE_COLOR = ACCENT.lstrip("#")
TEXT_COLOR = style.TEXT_COLOR.lstrip("#")
MUTED = style.MUTED_COLOR.lstrip("#")
TILE_FILL = style.TILE_FILL.lstrip("#")
ROW_ALT = style.ROW_ALT.lstrip("#")
RULE = style.RULE_COLOR.lstrip("#")
WARN = style.WARN_COLOR.lstrip("#")
ON_FILL = style.WHITE.lstrip("#")  # text on a coloured cell, and the plain rows
NO_STYLE_TABLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # "No Style, No Grid": colours set per cell

def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


# ---------------------------------------------------------------- text


def set_run_font(run: _Run, size: float | None = None, bold: bool | None = None, color: str | None = None,
                 lang: str = "zh", font: str = DECK_FONT) -> None:
    """Latin, East-Asian and complex-script typeface (and size, weight, colour) on one run."""
    f = run.font
    f.name = font
    if size is not None:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    if color is not None:
        f.color.rgb = _rgb(color)
    rPr = run._r.get_or_add_rPr()
    rPr.set("lang", LANG_TAG.get(lang, "zh-CN"))
    rPr.set("altLang", "en-US" if lang != "en" else "zh-CN")
    anchor = rPr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):  # schema order: latin, ea, cs
        el = rPr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            if anchor is not None:
                anchor.addnext(el)
            else:
                rPr.append(el)
        el.set("typeface", font)
        if tag == "a:ea" and font == "Microsoft YaHei":
            # panose and the GB2312 charset let a viewer without the font pick a Chinese sans face
            el.set("panose", "020B0503020204020204")
            el.set("pitchFamily", "34")
            el.set("charset", "-122")
        anchor = el


def _add_paragraph(tf: TextFrame, text: str, size: float, bold: bool = False, color: str = TEXT_COLOR,
                   align: PP_ALIGN | None = None, lang: str = "zh", first: bool = False,
                   space_after: float | None = None, bullet: bool = False) -> None:
    p = tf.paragraphs[0] if first else tf.add_paragraph()
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.space_after = Pt(space_after)
    if bullet:
        pPr = p._p.get_or_add_pPr()
        indent = int(Pt(size * 1.1))
        pPr.set("marL", str(indent))
        pPr.set("indent", str(-indent))
        bu_color = OxmlElement("a:buClr")
        clr = OxmlElement("a:srgbClr")
        clr.set("val", TITLE_COLOR)
        bu_color.append(clr)
        bu_font = OxmlElement("a:buFont")
        bu_font.set("typeface", "Arial")
        bu_char = OxmlElement("a:buChar")
        bu_char.set("char", "•")
        for el in (bu_color, bu_font, bu_char):  # after lnSpc/spcBef/spcAft, as the schema wants
            pPr.append(el)
    run = p.add_run()
    run.text = xml_text(text)
    set_run_font(run, size, bold, color, lang)


def _textbox(slide: Slide, x: float, y: float, w: float, h: float, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> TextFrame:
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.04)
    tf.margin_top = tf.margin_bottom = Inches(0.02)
    return tf


def _rect(slide: Slide, x: float, y: float, w: float, h: float, fill: str) -> Any:
    """A filled rectangle without outline, shadow or theme style."""
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(fill)
    shape.line.fill.background()
    return shape


def text_em(s: str) -> float:
    """Rough width in em: CJK and full-width characters 1, Latin letters and digits about 0.6."""
    width = 0.0
    for ch in s:
        o = ord(ch)
        if o >= 0x2E80 or 0xFF00 <= o <= 0xFFEF or ch in "—…“”‘’→★△":
            width += 1.0
        elif ch in " .,:;'|!il":
            width += 0.33
        elif ch in "%@MW":
            width += 0.95
        elif ch.isupper() or ch.isdigit():
            width += 0.66
        else:
            width += 0.56
    return width


def _lines(s: str, size_pt: float, width_in: float) -> int:
    per_line = max(width_in * 72 / size_pt, 1.0)  # em per line
    return max(1, math.ceil(text_em(s) / per_line * 1.04))


def fit_size(texts: Sequence[str], width_in: float, height_in: float, largest: float, smallest: float,
             spacing: float = 1.25, after_pt: float = 0.0) -> float:
    """The largest font size (pt, in 1-pt steps) at which the paragraphs fit the box."""
    size = largest
    while size > smallest:
        if _text_height(texts, size, width_in, spacing, after_pt) <= height_in:
            return size
        size -= 1
    return smallest


def _text_height(texts: Sequence[str], size: float, width_in: float, spacing: float = 1.3,
                 after_pt: float = 6.0) -> float:
    return sum(_lines(s, size, width_in) * size * spacing + after_pt for s in texts) / 72


# ---------------------------------------------------------------- slide parts


def _header(slide: Slide, view: SlideView, lang: str) -> None:
    tf = _textbox(slide, MARGIN, TITLE_TOP, CONTENT_W, TITLE_H, MSO_ANCHOR.MIDDLE)
    _add_paragraph(tf, view.title, 26, True, TITLE_COLOR, lang=lang, first=True)
    _rect(slide, MARGIN, TITLE_TOP + TITLE_H + 0.04, 1.1, 0.05, TITLE_COLOR)
    height = BODY_TOP - MESSAGE_TOP - 0.12
    width = CONTENT_W - 0.1
    # one line when it fits at 20 pt or more, else the largest size at which it fits the box
    size = next((float(s) for s in range(24, 19, -1) if _lines(view.message, s, width) == 1), 0.0) or \
        fit_size([view.message], width, height, 22, 14, spacing=1.25)
    tf = _textbox(slide, MARGIN, MESSAGE_TOP, CONTENT_W, height, MSO_ANCHOR.MIDDLE)
    _add_paragraph(tf, view.message, size, True, TEXT_COLOR, lang=lang, first=True)


def deck_title(ev: Evaluation, lang: str) -> str:
    p = ev.project
    year = t("deck_year", lang, year=p.year) if p.year else ""
    return (f"{year} {p.name}" if lang == "zh" else f"{p.name} {year}").strip() or ev.title


def _footer(slide: Slide, ev: Evaluation, lang: str, number: int, total: int) -> None:
    parts = [deck_title(ev, lang), ev.project.region]
    if ev.project.illustrative:
        parts.append(t("illustrative_tag", lang))
    tf = _textbox(slide, MARGIN, 7.0, CONTENT_W - 1.2, 0.3, MSO_ANCHOR.MIDDLE)
    _add_paragraph(tf, " · ".join(p for p in parts if p), 10, color=MUTED, lang=lang, first=True)
    tf = _textbox(slide, SLIDE_W - MARGIN - 1.2, 7.0, 1.2, 0.3, MSO_ANCHOR.MIDDLE)
    _add_paragraph(tf, f"{number} / {total}", 10, color=MUTED, align=PP_ALIGN.RIGHT, lang=lang, first=True)


def _tile(slide: Slide, x: float, y: float, w: float, h: float, kpi: tuple[str, str, str], lang: str,
          value_pt: float = 30) -> None:
    label, value, note = kpi
    box = _rect(slide, x, y, w, h, TILE_FILL)
    _rect(slide, x, y, 0.07, h, TITLE_COLOR)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    tf.margin_left = Inches(0.22)
    tf.margin_right = Inches(0.1)
    tf.margin_top = tf.margin_bottom = Inches(0.04)
    inner = w - 0.32
    _add_paragraph(tf, label, fit_size([label], inner, 0.3, 14, 10), color=MUTED, align=PP_ALIGN.LEFT, lang=lang,
                   first=True)
    size = min(value_pt, max(14.0, inner * 72 / max(text_em(value), 1) * 0.9))
    _add_paragraph(tf, value, size, True, TITLE_COLOR, align=PP_ALIGN.LEFT, lang=lang)
    if note:
        _add_paragraph(tf, note, fit_size([note], inner, 0.26, 12, 9), color=MUTED, align=PP_ALIGN.LEFT, lang=lang)


def _tile_grid(slide: Slide, kpis: list[tuple[str, str, str]], x: float, y: float, w: float, lang: str,
               columns: int = 4, height: float = 1.25) -> float:
    """KPI tiles in rows of ``columns``; returns the y below them."""
    cols = max(1, min(columns, len(kpis)))
    gap = 0.22
    tile_w = (w - gap * (cols - 1)) / cols
    rows = math.ceil(len(kpis) / cols)
    for k, kpi in enumerate(kpis):
        r, c = divmod(k, cols)
        _tile(slide, x + c * (tile_w + gap), y + r * (height + gap), tile_w, height, kpi, lang)
    return y + rows * height + (rows - 1) * gap


def _bullets(slide: Slide, items: list[str], x: float, y: float, w: float, h: float, lang: str,
             largest: float = 18, smallest: float = 10, heading: str | None = None) -> None:
    if not items or h < 0.3:
        return
    texts = ([heading] if heading else []) + items
    size = fit_size(texts, w - 0.35, h - 0.1, largest, smallest, spacing=1.3, after_pt=6)
    tf = _textbox(slide, x, y, w, h)
    first = True
    if heading:
        _add_paragraph(tf, heading, size, True, TITLE_COLOR, lang=lang, first=True, space_after=6)
        first = False
    for item in items:
        _add_paragraph(tf, item, size, color=TEXT_COLOR, lang=lang, first=first, space_after=6, bullet=True)
        first = False


# ---------------------------------------------------------------- tables

NUMERIC = re.compile(r"^[\s+\-−]?[\d,]+(\.\d+)?\s*%?$")
PAD = 0.2  # left + right cell margins, inches


@dataclass
class TableLayout:
    size: float  # font size, pt
    row_h: float  # body row height, inches
    header_h: float
    widths: list[float]
    rows: int

    @property
    def height(self) -> float:
        return self.header_h + self.row_h * self.rows


def _cells(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    header = [str(c) for c in frame.columns]
    body = [[("" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in row]
            for row in frame.itertuples(index=False)]
    return header, body


def _column_em(header: list[str], body: list[list[str]]) -> tuple[list[float], list[float], list[float]]:
    """Per column, in em: the widest body cell, the header, and the narrowest the header may
    wrap to (two lines of Chinese, or its longest word)."""
    body_em = [max([text_em(r[j]) for r in body] + [1.0]) for j in range(len(header))]
    head_em = [text_em(h) * 1.05 for h in header]  # headers are bold
    wrap_em = []
    for h, em in zip(header, head_em):
        words = h.split()
        if len(words) > 1 or h.isascii():
            wrap_em.append(max(max(text_em(w) * 1.05 for w in words), em / 3))
        else:
            wrap_em.append(em / 2 if em > 4 else em)
    return body_em, head_em, wrap_em


def _needed(body_em: list[float], wrap_em: list[float], size: float) -> list[float]:
    """Column widths (inches) at which body cells fit on one line and headers wrap at most so."""
    return [max(b, hd) * size / 72 + PAD + 0.08 for b, hd in zip(body_em, wrap_em)]


def table_width(frame: pd.DataFrame, size: float = 13) -> float:
    header, body = _cells(frame)
    body_em, _, wrap_em = _column_em(header, body)
    return sum(_needed(body_em, wrap_em, size))


def table_layout(frame: pd.DataFrame, w: float, h: float) -> TableLayout:
    """Font size, row heights and column widths for a table in a ``w`` × ``h`` inch box."""
    header, body = _cells(frame)
    body_em, head_em, wrap_em = _column_em(header, body)
    n = len(body)
    row_h = max(min(0.46, h / (n + 1.7)), 0.24)
    size = 14.0 if row_h >= 0.4 else (12.0 if row_h >= 0.32 else (10.0 if row_h >= 0.27 else 9.0))
    need = _needed(body_em, wrap_em, size)
    while sum(need) > w and size > 9:
        size -= 1
        need = _needed(body_em, wrap_em, size)
    widths = list(need)
    extra = w - sum(widths)
    if extra > 0:
        # spare width goes first to headers that would otherwise wrap, then evenly
        for j in range(len(widths)):
            full = head_em[j] * size / 72 + PAD
            if full > widths[j] and extra > 0:
                add = min(full - widths[j], extra)
                widths[j] += add
                extra -= add
        widths = [wd + extra / len(widths) for wd in widths]
    else:
        widths = [wd * w / sum(widths) for wd in widths]
    lines = max(math.ceil(head_em[j] * size / 72 / max(widths[j] - PAD, 0.1) - 1e-6) for j in range(len(widths)))
    return TableLayout(size, row_h, row_h * (1 + 0.6 * (max(lines, 1) - 1)), widths, n)


def _cell_border(cell: Any, color: str = RULE) -> None:
    """A thin rule under the cell (lnB comes before the fill in tcPr)."""
    tcPr = cell._tc.get_or_add_tcPr()
    ln = OxmlElement("a:lnB")
    ln.set("w", str(int(Pt(0.75))))
    fill = OxmlElement("a:solidFill")
    clr = OxmlElement("a:srgbClr")
    clr.set("val", color)
    fill.append(clr)
    ln.append(fill)
    tcPr.insert(0, ln)


def _table(slide: Slide, frame: pd.DataFrame, x: float, y: float, w: float, h: float, lang: str,
           rating_columns: tuple[str, ...], band_color: dict[str, str]) -> float:
    """A native, editable table; returns its height in inches."""
    header, body = _cells(frame)
    layout = table_layout(frame, w, h)
    n_rows, n_cols = len(body) + 1, len(header)
    shape = slide.shapes.add_table(n_rows, n_cols, Inches(x), Inches(y), Inches(w), Inches(layout.height))
    table = shape.table
    tbl_pr = table._tbl.get_or_add_tblPr()
    style = tbl_pr.find(qn("a:tableStyleId"))
    if style is None:
        style = OxmlElement("a:tableStyleId")
        tbl_pr.append(style)
    style.text = NO_STYLE_TABLE
    table.first_row = True
    table.horz_banding = False
    for j, wd in enumerate(layout.widths):
        table.columns[j].width = Emu(int(Inches(wd)))
    table.rows[0].height = Emu(int(Inches(layout.header_h)))
    for i in range(1, n_rows):
        table.rows[i].height = Emu(int(Inches(layout.row_h)))
    numeric = [bool(body) and all(NUMERIC.match(r[j]) or r[j] in ("", "—") for r in body) for j in range(n_cols)]
    for i in range(n_rows):
        for j in range(n_cols):
            cell = table.cell(i, j)
            value = header[j] if i == 0 else body[i - 1][j]
            cell.margin_left = cell.margin_right = Inches(PAD / 2)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            _cell_border(cell)
            cell.fill.solid()
            color, bold = TEXT_COLOR, False
            if i == 0:
                cell.fill.fore_color.rgb = _rgb(TITLE_COLOR)
                color, bold = ON_FILL, True
            elif header[j] in rating_columns and value in band_color:
                cell.fill.fore_color.rgb = _rgb(band_color[value])
                color, bold = ON_FILL, True
            elif header[j] in rating_columns and value in ("", "—"):
                cell.fill.fore_color.rgb = _rgb(NO_RATING_COLOR)
                color = ON_FILL
            else:
                cell.fill.fore_color.rgb = _rgb(ROW_ALT if i % 2 == 0 else ON_FILL)
            align = PP_ALIGN.CENTER if header[j] in rating_columns else (PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT)
            tf = cell.text_frame
            tf.word_wrap = True
            _add_paragraph(tf, value, layout.size, bold, color, align=align, lang=lang, first=True)
    return layout.height


# ---------------------------------------------------------------- charts and layout


def _picture(slide: Slide, view: SlideView, x: float, y: float, w: float, h: float) -> None:
    """The view's chart drawn for a box ``w`` × ``h`` inches, scaled to fit, centred across."""
    assert view.chart is not None
    width_px = int(w * CHART_PPI)
    if is_stepped(view.chart):
        # its rows set its height: when that leaves room, draw it narrower so it scales up;
        # when it is too tall, squeeze the rows (to 3/4 at most) rather than shrink the text
        png = chart_png(view.chart, scale=CHART_SCALE, width=width_px)
        pw, ph = png_size(png)
        shown = ph * w / pw
        zoom = min(h / shown, MAX_ZOOM)
        if zoom > 1.08:
            png = chart_png(view.chart, scale=CHART_SCALE, width=int(width_px / zoom))
        elif shown > h * 1.02:
            natural = ph / CHART_SCALE
            png = chart_png(view.chart, scale=CHART_SCALE, width=width_px,
                            height=int(max(h * CHART_PPI, natural * 0.75)))
    else:
        png = chart_png(view.chart, scale=CHART_SCALE, width=width_px, height=int(h * CHART_PPI))
    pw, ph = png_size(png)
    ratio = min(w / pw, h / ph)
    dw, dh = pw * ratio, ph * ratio
    slide.shapes.add_picture(io.BytesIO(png), Inches(x + (w - dw) / 2), Inches(y), Inches(dw), Inches(dh))


def _side_width(view: SlideView) -> float:
    if view.table is not None:
        return min(max(table_width(view.table) + 0.2, 4.6 if view.bullets else 3.8), 6.2)
    if view.bullets and not view.kpis:
        return 4.9
    return 3.6


def _body(slide: Slide, view: SlideView, ev: Evaluation, lang: str) -> None:
    x, y, w = MARGIN, BODY_TOP, CONTENT_W
    h = BODY_BOTTOM - BODY_TOP
    bands = view.band_colors
    if view.chart is None:  # KPI tiles, then a table, then bullets, top to bottom
        if view.kpis:
            y = _tile_grid(slide, view.kpis, x, y, w, lang) + 0.3
        if view.table is not None:
            y += _table(slide, view.table, x, y, w, BODY_BOTTOM - y, lang, view.rating_columns, bands) + 0.25
        heading = t("conclusion", lang) if view.key == "headline" else None
        _bullets(slide, view.bullets, x, y, w, BODY_BOTTOM - y, lang, largest=16, heading=heading)
        return
    if view.table is None and not view.kpis and not view.bullets:
        _picture(slide, view, x, y, w, h)
        return
    # chart on the left; tiles, table and bullets on the right
    side_w = _side_width(view)
    chart_w = w - side_w - GAP
    side_x = x + chart_w + GAP
    sy = y
    for kpi in view.kpis:
        tile_h = 1.05 if view.table is None else 0.95
        _tile(slide, side_x, sy, side_w, tile_h, kpi, lang, value_pt=28)
        sy += tile_h + 0.18
    side_bullets, left_bullets = list(view.bullets), []
    if view.table is not None:
        sy += _table(slide, view.table, side_x, sy, side_w, BODY_BOTTOM - sy, lang, view.rating_columns, bands) + 0.25
        # bullets under the table when they fit there at 12 pt, else under the chart
        if side_bullets and _text_height(side_bullets, 12, side_w - 0.35) > BODY_BOTTOM - sy - 0.1:
            left_bullets, side_bullets = side_bullets, []
    _bullets(slide, side_bullets, side_x, sy, side_w, BODY_BOTTOM - sy, lang, largest=16)
    chart_h = h
    if left_bullets:
        size = fit_size(left_bullets, chart_w - 0.35, 1.1, 14, 11, spacing=1.3, after_pt=6)
        chart_h = h - min(_text_height(left_bullets, size, chart_w - 0.35) + 0.15, 1.2)
        _bullets(slide, left_bullets, x, y + chart_h + 0.05, chart_w, h - chart_h - 0.05, lang, largest=14)
    _picture(slide, view, x, y, chart_w, chart_h - 0.05)


def _title_slide(prs: Any, ev: Evaluation, lang: str, has_scenario: bool) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, 0.28, SLIDE_H, TITLE_COLOR)
    p = ev.project
    title = deck_title(ev, lang)
    size = fit_size([title], SLIDE_W - 2.2, 1.7, 40, 24)
    tf = _textbox(slide, 1.1, 1.5, SLIDE_W - 2.2, 1.8, MSO_ANCHOR.BOTTOM)
    _add_paragraph(tf, title, size, True, TITLE_COLOR, lang=lang, first=True)
    tf = _textbox(slide, 1.1, 3.4, SLIDE_W - 2.2, 0.6)
    _add_paragraph(tf, t("deck_subtitle", lang), 24, color=TEXT_COLOR, lang=lang, first=True)
    colon = t("colon", lang)
    lines = [f"{label}{colon}{value}" for label, value in
             ((t("region", lang), p.region), (t("evaluator", lang), p.evaluator), (t("mode", lang), p.mode)) if value]
    if has_scenario:
        lines.append(t("deck_scenario_note", lang))
    if lines:
        tf = _textbox(slide, 1.1, 4.3, SLIDE_W - 2.2, 1.6)
        for k, line in enumerate(lines):
            _add_paragraph(tf, line, 16, color=MUTED, lang=lang, first=k == 0, space_after=4)
    if p.illustrative:
        tf = _textbox(slide, 1.1, 6.2, SLIDE_W - 2.2, 0.7, MSO_ANCHOR.BOTTOM)
        _add_paragraph(tf, f"{t('illustrative_tag', lang)}{colon}{t('illustrative_note', lang)}", 13, True, WARN,
                       lang=lang, first=True)


def _patch_theme(prs: Any) -> None:
    """The theme's fonts name the CJK face too, so text typed into the deck later is Chinese-ready."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    blob = part.blob
    patched = blob.replace(b'<a:ea typeface=""/>', f'<a:ea typeface="{DECK_FONT}"/>'.encode())
    if patched != blob and hasattr(part, "_blob"):
        part._blob = patched


def deck(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh",
         slide_views: list[SlideView] | None = None) -> Any:
    """The deck as a python-pptx Presentation (``slide_views`` default to slides.views).
    ``source`` is the evaluation or the model already built for it."""
    model, evaluation = model_of(source)
    shown = slide_views if slide_views is not None else views(model, scenario, lang)
    prs = Presentation()
    prs.slide_width = Inches(SLIDE_W)
    prs.slide_height = Inches(SLIDE_H)
    _patch_theme(prs)
    prs.core_properties.title = xml_text(deck_title(evaluation, lang))
    prs.core_properties.language = LANG_TAG.get(lang, "zh-CN")
    _title_slide(prs, evaluation, lang, any(v.key == "scenario" for v in shown))
    total = len(shown) + 1
    for k, view in enumerate(shown, start=2):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        _header(slide, view, lang)
        _body(slide, view, evaluation, lang)
        _footer(slide, evaluation, lang, k, total)
    return prs


def deck_bytes(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh") -> bytes:
    """The .pptx file's bytes: a title slide, then one slide per slides.views() view."""
    buffer = io.BytesIO()
    deck(source, scenario, lang).save(buffer)
    return buffer.getvalue()
