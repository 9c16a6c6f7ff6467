"""The meeting deck as a PDF: the PowerPoint deck's slides, each drawn as one SVG page.

The pages are not laid out a second time: export_pptx builds the deck, and each slide's shapes
(text boxes, filled rectangles, tables, the chart picture) are drawn where the deck put them, so
the PDF shows the same slides, in the same order, with the same texts. Text becomes SVG
``<text>``, wrapped here by a per-character width estimate and made smaller when a box would
overflow; in place of the chart's PNG goes the SVG vl-convert draws for the same size. vl-convert
turns each page into PDF (embedding subsets of the registered CJK fonts) and pypdf joins them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import vl_convert as vlc
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from perfeval_core.analysis.scoring import Scenario, ScoringModel, model_of
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.present.export_images import chart_svg, png_size, register_fonts
from perfeval_core.present.export_pptx import (
    CHART_SCALE,
    LANG_TAG,
    SLIDE_H,
    SLIDE_W,
    TEXT_COLOR,
    deck,
    deck_title,
    text_em,
)
from perfeval_core.present.slides import SlideView, views
from perfeval_core.present.style import FONT, WHITE

PT = 72  # SVG user units per slide inch: one unit is one PDF point
PAGE_W, PAGE_H = round(SLIDE_W * PT), round(SLIDE_H * PT)
LINE_PITCH = 1.3  # line advance, in font sizes
ASCENT = 0.88  # baseline below the top of a glyph's em box, in font sizes
SMALLEST = 0.6  # text that does not fit its box is drawn down to this share of its size, then cut
# characters XML 1.0 does not allow (control characters from a workbook cell)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CLOSING = set("，。、；：！？）》」』】〕”’%,.;:!?)]}…")  # not at the start of a line
_OPENING = set("（《「『【〔“‘([{")  # not at the end of a line
_TOKEN = re.compile(r"[A-Za-z0-9_\-+.,:;%/@#&'!?()\[\]<>=*|~^$]+|\s+|.", re.S)


def _pt(emu: Any) -> float:
    return float(Emu(int(emu or 0)).pt)


def _xml(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


# ---------------------------------------------------------------- line wrapping


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size`` pt: Latin words
    stay whole unless longer than a line, CJK breaks between characters, closing punctuation
    never starts a line and opening punctuation never ends one."""
    per_line = max(width / size, 1.0)  # em
    lines: list[str] = []
    for para in re.split(r"[\n\v]", text):
        line: list[str] = []  # the tokens of the line being filled
        for token in _TOKEN.findall(para):
            if text_em("".join(line) + token.rstrip()) <= per_line:
                line.append(token)
                continue
            if token.isspace():
                lines.append("".join(line).rstrip())
                line = []
                continue
            carry: list[str] = []
            if len(line) > 1 and (token[0] in _CLOSING or line[-1][-1] in _OPENING):
                carry = [line.pop()]  # its neighbour goes down with it
            if "".join(line).strip():
                lines.append("".join(line).rstrip())
            line = carry
            if text_em("".join(line) + token) <= per_line:
                line.append(token)
                continue
            for ch in token:  # a word longer than a line is cut where it must
                if line and text_em("".join(line) + ch) > per_line:
                    lines.append("".join(line).rstrip())
                    line = []
                line.append(ch)
        lines.append("".join(line).rstrip())
    return lines


def _ellipsize(line: str, size: float, width: float) -> str:
    while line and text_em(line + "…") > width / size:
        line = line[:-1]
    return line + "…"


# ---------------------------------------------------------------- reading the deck's shapes


@dataclass
class Para:
    text: str
    size: float
    bold: bool
    color: str
    align: str  # start, middle or end (SVG text-anchor)
    after: float = 0.0  # space after, pt
    bullet: bool = False
    bullet_color: str = TEXT_COLOR
    indent: float = 0.0  # left margin of a bulleted paragraph, pt


_ANCHOR = {PP_ALIGN.CENTER: "middle", PP_ALIGN.RIGHT: "end"}


def _paragraphs(tf: Any, default_align: str) -> list[Para]:
    out = []
    for p in tf.paragraphs:
        runs = list(p.runs)
        font = runs[0].font if runs else p.font
        color = TEXT_COLOR
        if font.color is not None and font.color.type is not None:
            color = str(font.color.rgb)
        align = _ANCHOR.get(p.alignment, "start") if p.alignment is not None else default_align
        para = Para(p.text, font.size.pt if font.size else 18.0, bool(font.bold), color, align,
                    p.space_after.pt if p.space_after is not None else 0.0)
        pPr = p._p.pPr
        bu = pPr.find(qn("a:buChar")) if pPr is not None else None
        if bu is not None:
            para.bullet = True
            para.indent = _pt(pPr.get("marL", 0))
            clr = pPr.find(qn("a:buClr"))
            if clr is not None and clr.find(qn("a:srgbClr")) is not None:
                para.bullet_color = clr.find(qn("a:srgbClr")).get("val")
        if para.text or para.bullet:
            out.append(para)
    return out


def _fill(shape: Any) -> str | None:
    try:
        return str(shape.fill.fore_color.rgb) if shape.fill.type == 1 else None  # MSO_FILL.SOLID
    except (AttributeError, TypeError):
        return None


# ---------------------------------------------------------------- drawing


class Page:
    """One slide as SVG elements, in points."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.parts: list[str] = [f'<rect width="{PAGE_W}" height="{PAGE_H}" fill="{WHITE}"/>']

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.parts.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="#{fill}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float = 0.75) -> None:
        self.parts.append(f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="#{color}" '
                          f'stroke-width="{width}"/>')

    def text(self, s: str, x: float, baseline: float, size: float, bold: bool, color: str,
             anchor: str = "start") -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{x:.2f}" y="{baseline:.2f}" font-size="{size:.2f}"{weight} fill="#{color}" '
                          f'text-anchor="{anchor}" xml:space="preserve">{_xml(s)}</text>')

    def frame(self, paras: list[Para], x: float, y: float, w: float, h: float, valign: str) -> None:
        """Paragraphs in a box: wrapped to its width, made smaller until they fit its height
        (to SMALLEST of their size), then cut with an ellipsis; anchored top, middle or bottom."""
        if not paras or w <= 0 or h <= 0:
            return
        scale = 1.0
        while True:
            laid = [(p, wrap(p.text, p.size * scale, w - p.indent * scale)) for p in paras]
            height = _height(laid, scale)
            if height <= h + 0.5 or scale <= SMALLEST:
                break
            scale = max(scale - 0.05, SMALLEST)
        top = max(y + {"middle": (h - height) / 2, "bottom": h - height}.get(valign, 0.0), y)
        placed: list[tuple[Para, int, str, float]] = []  # paragraph, line number, text, top
        cut = False
        for n, (p, lines) in enumerate(laid):
            if n:
                top += laid[n - 1][0].after * scale
            for k, s in enumerate(lines):
                if placed and top + p.size * scale * LINE_PITCH > y + h + 0.5:
                    cut = True
                    break
                placed.append((p, k, s, top))
                top += p.size * scale * LINE_PITCH
            if cut:
                break
        if cut:  # what did not fit even at the smallest size: the last line shown says so
            p, k, s, top = placed[-1]
            placed[-1] = (p, k, _ellipsize(s, p.size * scale, w - p.indent * scale), top)
        for p, k, s, top in placed:
            size, indent = p.size * scale, p.indent * scale
            baseline = top + size * (LINE_PITCH - 1) / 2 + size * ASCENT
            if p.bullet and k == 0:  # drawn, not typed: the CJK face's bullet is a small middle dot
                self.parts.append(f'<circle cx="{x + size * 0.3:.2f}" cy="{baseline - size * 0.33:.2f}" '
                                  f'r="{size * 0.16:.2f}" fill="#{p.bullet_color}"/>')
            tx = {"middle": x + w / 2, "end": x + w}.get(p.align, x + indent)
            self.text(s, tx, baseline, size, p.bold, p.color, p.align)

    def chart(self, svg: str, x: float, y: float, w: float, h: float) -> None:
        """A vl-convert SVG (which has a viewBox and the box's proportions) drawn into the box."""
        head, sep, rest = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg).partition(">")
        head = re.sub(r'\s(?:x|y|width|height)="[^"]*"', "", head)
        self.parts.append(f'{head} x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}"{sep}{rest}')

    def svg(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}" height="{PAGE_H}" '
                f'viewBox="0 0 {PAGE_W} {PAGE_H}" font-family={quoteattr(FONT)} '
                f'xml:lang="{LANG_TAG.get(self.lang, "zh-CN")}">' + "".join(self.parts) + "</svg>")


def _height(laid: list[tuple[Para, list[str]]], scale: float) -> float:
    return sum(len(lines) * p.size * scale * LINE_PITCH + p.after * scale for p, lines in laid) - \
        (laid[-1][0].after * scale if laid else 0.0)


_VALIGN = {MSO_ANCHOR.MIDDLE: "middle", MSO_ANCHOR.BOTTOM: "bottom"}
Margins = tuple[Any, Any, Any, Any]  # left, right, top, bottom, EMU


def _text_frame(page: Page, tf: Any, box: tuple[float, float, float, float], margins: Margins, anchor: Any,
                default_align: str, default_valign: str) -> None:
    x, y, w, h = box
    left, right, top, bottom = (_pt(m) for m in margins)
    valign = _VALIGN.get(anchor, "top") if anchor is not None else default_valign
    page.frame(_paragraphs(tf, default_align), x + left, y + top, w - left - right, h - top - bottom, valign)


def _rule_below(cell: Any) -> tuple[str, float] | None:
    """The colour and width (pt) of the rule export_pptx draws under a cell (lnB)."""
    tcPr = cell._tc.tcPr
    ln = tcPr.find(qn("a:lnB")) if tcPr is not None else None
    if ln is None:
        return None
    clr = ln.find(f"{qn('a:solidFill')}/{qn('a:srgbClr')}")
    return (str(clr.get("val")), _pt(ln.get("w", 9525))) if clr is not None else None


def _table(page: Page, shape: Any, x: float, y: float) -> None:
    table = shape.table
    widths = [_pt(c.width) for c in table.columns]
    for row in table.rows:
        rh, cx = _pt(row.height), x
        for cell, cw in zip(row.cells, widths):
            fill = _fill(cell)
            if fill:
                page.rect(cx, y, cw, rh, fill)
            rule = _rule_below(cell)
            if rule:
                page.line(cx, y + rh, cx + cw, y + rh, *rule)
            margins = (cell.margin_left, cell.margin_right, cell.margin_top, cell.margin_bottom)
            _text_frame(page, cell.text_frame, (cx, y, cw, rh), margins, cell.vertical_anchor, "start", "top")
            cx += cw
        y += rh


def _draw_slide(page: Page, slide: Any, view: SlideView | None) -> None:
    for shape in slide.shapes:
        x, y, w, h = _pt(shape.left), _pt(shape.top), _pt(shape.width), _pt(shape.height)
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            if view is not None and view.chart is not None:
                pw, ph = png_size(shape.image.blob)
                svg = chart_svg(view.chart, width=round(pw / CHART_SCALE), height=round(ph / CHART_SCALE))
                page.chart(svg, x, y, w, h)
            continue
        if shape.has_table:
            _table(page, shape, x, y)
            continue
        fill = _fill(shape) if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE else None
        if fill:
            page.rect(x, y, w, h, fill)
        if shape.has_text_frame and shape.text_frame.text:
            tf = shape.text_frame
            shaped = shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE  # PowerPoint centres a shape's text
            _text_frame(page, tf, (x, y, w, h), (tf.margin_left, tf.margin_right, tf.margin_top, tf.margin_bottom),
                        tf.vertical_anchor, "middle" if shaped else "start", "middle" if shaped else "top")


def pages_svg(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh") -> Iterator[str]:
    """Each slide of the deck as one SVG page (960 × 540 pt), title slide first."""
    model, _ = model_of(source)
    shown = views(model, scenario, lang)
    prs = deck(model, scenario, lang, slide_views=shown)
    for k, slide in enumerate(prs.slides):
        page = Page(lang)
        _draw_slide(page, slide, shown[k - 1] if k else None)
        yield page.svg()


def deck_pdf(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh") -> bytes:
    """The PDF's bytes: the title slide, then one page per slides.views() view, as in the .pptx."""
    register_fonts()
    model, evaluation = model_of(source)
    writer = PdfWriter()
    for svg in pages_svg(model, scenario, lang):
        writer.append(PdfReader(io.BytesIO(bytes(vlc.svg_to_pdf(svg)))))
    writer.add_metadata({"/Title": _NOT_XML.sub("", deck_title(evaluation, lang)), "/Producer": "perfeval"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(LANG_TAG.get(lang, "zh-CN"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

