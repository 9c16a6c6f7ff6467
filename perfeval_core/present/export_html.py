"""The evaluation as one self-contained HTML file, to send by mail: the deck's views as sections.

Nothing is fetched when it opens: the styles are inline, the charts are inline SVG drawn by
vl-convert (their namespace declarations dropped, which HTML does not need, so the file names no
URL at all), and the text names installed fonts only. Every user text is HTML-escaped.
"""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from perfeval_core.analysis.scoring import Scenario, ScoringModel, model_of
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.present.export_images import chart_svg
from perfeval_core.present.export_pptx import (
    MUTED,
    NUMERIC,
    ROW_ALT,
    RULE,
    TEXT_COLOR,
    TILE_FILL,
    TITLE_COLOR,
    WARN,
    _cells,
    _column_em,
    deck_title,
)
from perfeval_core.present.i18n import t
from perfeval_core.present.slides import SlideView, views
from perfeval_core.present.style import FONT, NO_RATING_COLOR, WHITE

HTML_LANG = {"zh": "zh-CN", "en": "en"}
# CSS px: the page's content width, a chart alone, a chart beside a table or tiles, the side's least width
CONTENT_PX, CHART_WIDE, CHART_BESIDE, SIDE_MIN, GAP_PX = 1040, 1000, 600, 340, 28
TABLE_PX, CELL_PAD_PX = 14, 18  # the tables' type size and a cell's left + right padding (and rule)

CSS = f"""
:root {{ --accent: #{TITLE_COLOR}; --text: #{TEXT_COLOR}; --muted: #{MUTED}; --tile: #{TILE_FILL};
  --rule: #{RULE}; --alt: #{ROW_ALT}; --warn: #{WARN}; --white: {WHITE}; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; background: var(--white); color: var(--text); font-family: {FONT}; line-height: 1.55; }}
main {{ max-width: 1120px; margin: 0 auto; padding: 32px 40px 48px; }}
header.project {{ border-left: 8px solid var(--accent); padding: 4px 0 4px 24px; margin-bottom: 28px; }}
h1 {{ color: var(--accent); font-size: 30px; line-height: 1.3; margin: 0 0 4px; overflow-wrap: anywhere; }}
.subtitle {{ font-size: 19px; margin: 0 0 12px; }}
.facts {{ list-style: none; margin: 0; padding: 0; color: var(--muted); }}
.warn {{ color: var(--warn); font-weight: bold; margin: 12px 0 0; }}
nav {{ margin: 0 0 8px; color: var(--muted); }}
nav ol {{ display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 4px 0 0; padding-left: 20px; }}
nav a {{ color: var(--accent); text-decoration: none; }}
section.view {{ border-top: 1px solid var(--rule); padding-top: 20px; margin-top: 28px; }}
h2 {{ color: var(--accent); font-size: 24px; margin: 0; }}
h2::after {{ content: ""; display: block; width: 64px; height: 4px; background: var(--accent); margin-top: 6px; }}
.message {{ font-size: 19px; font-weight: bold; margin: 12px 0 16px; overflow-wrap: anywhere; }}
.kpis {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 12px; margin: 0 0 16px; }}
.kpi {{ background: var(--tile); border-left: 5px solid var(--accent); padding: 10px 14px; break-inside: avoid; }}
.kpi .label, .kpi .note {{ color: var(--muted); overflow-wrap: anywhere; }}
.kpi .label {{ font-size: 14px; }}
.kpi .note {{ font-size: 12px; }}
.kpi .value {{ color: var(--accent); font-size: 28px; font-weight: bold; line-height: 1.25; overflow-wrap: anywhere; }}
.body {{ display: flex; flex-wrap: wrap; gap: 16px {GAP_PX}px; align-items: flex-start; }}
figure.chart {{ flex: 1 1 560px; min-width: 0; margin: 0; }}
.body.stacked {{ display: block; }}
.body.stacked figure.chart {{ margin-bottom: 16px; }}
.body.stacked table {{ width: auto; min-width: 60%; }}
figure.chart svg {{ display: block; max-width: 100%; height: auto; }}
.side {{ flex: 0 1 auto; min-width: 0; max-width: 100%; overflow-x: auto; }}
.side .kpi {{ margin-bottom: 10px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; margin-bottom: 12px; }}
th {{ background: var(--accent); color: var(--white); text-align: left; padding: 6px 8px; vertical-align: bottom;
  word-break: keep-all; }}
td {{ padding: 5px 8px; border-bottom: 1px solid var(--rule); word-break: keep-all; overflow-wrap: break-word; }}
tbody tr:nth-child(even) td {{ background: var(--alt); }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.num {{ white-space: nowrap; }}
tbody td.band {{ color: var(--white); font-weight: bold; text-align: center; white-space: nowrap; }}
tbody tr td.band.band-none {{ background: {NO_RATING_COLOR}; }}
.bullets {{ margin: 0 0 8px; padding-left: 20px; }}
.bullets li {{ margin-bottom: 4px; overflow-wrap: anywhere; }}
.bullets li::marker {{ color: var(--accent); }}
.heading {{ color: var(--accent); font-weight: bold; margin: 8px 0 4px; }}
footer {{ border-top: 1px solid var(--rule); margin-top: 36px; padding-top: 10px; color: var(--muted); font-size: 12px; }}
@media print {{
  @page {{ size: A4; margin: 14mm; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  main {{ max-width: none; padding: 0; }}
  nav {{ display: none; }}
  section.view {{ break-before: page; border-top: none; margin-top: 0; padding-top: 0; }}
  section.view:first-of-type {{ break-before: auto; margin-top: 24px; }}
  .body {{ display: block; }}
  figure.chart {{ margin-bottom: 14px; break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  tr, li {{ break-inside: avoid; }}
}}
"""

_ROOT_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')


def inline_svg(svg: str, prefix: str) -> str:
    """A vl-convert SVG ready to sit in HTML: no XML declaration, no namespace URLs (the HTML
    parser knows SVG), and its ids made unique in the page (each chart numbers its clip paths)."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    head, sep, rest = svg.partition(">")
    svg = _ROOT_NAMESPACES.sub("", head) + sep + rest
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    return re.sub(r'(url\(#|href="#)', rf"\g<1>{prefix}", svg)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _kpi(kpi: tuple[str, str, str]) -> str:
    label, value, note = kpi
    parts = [f'<div class="label">{_e(label)}</div>', f'<div class="value">{_e(value)}</div>']
    if note:
        parts.append(f'<div class="note">{_e(note)}</div>')
    return '<div class="kpi">' + "".join(parts) + "</div>"


def _table(frame: pd.DataFrame, rating_columns: tuple[str, ...], band_colors: dict[str, str]) -> str:
    header, body = _cells(frame)
    numeric = [bool(body) and all(NUMERIC.match(r[j]) or r[j] in ("", "—") for r in body) for j in range(len(header))]

    def td(j: int, value: str) -> str:
        if header[j] in rating_columns and value in band_colors:
            return f'<td class="band" style="background: {band_colors[value]}">{_e(value)}</td>'
        cls = "band band-none" if header[j] in rating_columns else ("num" if numeric[j] else "")
        return f'<td class="{cls}">{_e(value)}</td>' if cls else f"<td>{_e(value)}</td>"

    head = "".join(f'<th class="num">{_e(h)}</th>' if numeric[j] else f"<th>{_e(h)}</th>" for j, h in enumerate(header))
    rows = "".join("<tr>" + "".join(td(j, v) for j, v in enumerate(r)) + "</tr>" for r in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _table_px(frame: pd.DataFrame) -> int:
    """About the width (CSS px) at which the table's cells need not wrap: headers wrap at spaces only."""
    header, body = _cells(frame)
    body_em, head_em, wrap_em = _column_em(header, body)
    widest = [max(b, w if " " in h else hd) for h, b, hd, w in zip(header, body_em, head_em, wrap_em)]
    return round(sum(em * TABLE_PX + CELL_PAD_PX for em in widest))


def _bullets(items: list[str], heading: str | None = None) -> str:
    if not items:
        return ""
    top = f'<p class="heading">{_e(heading)}</p>' if heading else ""
    return top + '<ul class="bullets">' + "".join(f"<li>{_e(s)}</li>" for s in items) + "</ul>"


def _section(view: SlideView, number: int, lang: str) -> str:
    out = [f'<section class="view" id="view-{number}">', f"<h2>{_e(view.title)}</h2>",
           f'<p class="message">{_e(view.message)}</p>']
    table = _table(view.table, view.rating_columns, view.band_colors) if view.table is not None else ""
    heading = t("conclusion", lang) if view.key == "headline" else None
    if view.chart is None:
        if view.kpis:
            out.append('<div class="kpis">' + "".join(_kpi(k) for k in view.kpis) + "</div>")
        out.append(table + _bullets(view.bullets, heading))
    else:
        side = "".join(_kpi(k) for k in view.kpis) + table + _bullets(view.bullets, heading)
        # the side is as wide as its table wants; when chart and table do not fit side by side,
        # the table goes below a full-width chart
        basis = max(SIDE_MIN, _table_px(view.table)) if view.table is not None else SIDE_MIN
        beside = bool(side) and basis <= CONTENT_PX - CHART_BESIDE - GAP_PX
        svg = inline_svg(chart_svg(view.chart, width=CHART_BESIDE if beside else CHART_WIDE), f"c{number}-")
        out.append(f'<div class="body{"" if beside else " stacked"}"><figure class="chart">{svg}</figure>'
                   + (f'<div class="side" style="flex-basis: {basis}px">{side}</div>' if side else "") + "</div>")
    out.append("</section>")
    return "".join(out)


def _project_header(ev: Evaluation, lang: str, has_scenario: bool) -> str:
    p = ev.project
    colon = t("colon", lang)
    facts = [f"{label}{colon}{value}" for label, value in
             ((t("region", lang), p.region), (t("evaluator", lang), p.evaluator), (t("mode", lang), p.mode)) if value]
    if has_scenario:
        facts.append(t("deck_scenario_note", lang))
    out = ['<header class="project">', f"<h1>{_e(deck_title(ev, lang))}</h1>",
           f'<p class="subtitle">{_e(t("deck_subtitle", lang))}</p>']
    if facts:
        out.append('<ul class="facts">' + "".join(f"<li>{_e(f)}</li>" for f in facts) + "</ul>")
    if p.illustrative:
        out.append(f'<p class="warn">{_e(t("illustrative_tag", lang))}{_e(colon)}{_e(t("illustrative_note", lang))}</p>')
    out.append("</header>")
    return "".join(out)


def report_html(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh") -> str:
    """One HTML document: a project header, a table of contents, then one section per
    slides.views() view (the deck's order and texts), readable offline and printable.
    ``source`` is the evaluation or the model already built for it."""
    model, ev = model_of(source)
    shown = views(model, scenario, lang)
    title = deck_title(ev, lang)
    contents = "".join(f'<li><a href="#view-{k}">{_e(v.title)}</a></li>' for k, v in enumerate(shown, start=1))
    footer = " · ".join(_e(s) for s in (title, ev.project.region,
                                         t("illustrative_tag", lang) if ev.project.illustrative else "") if s)
    return "".join([
        "<!DOCTYPE html>\n",
        f'<html lang="{HTML_LANG.get(lang, "zh-CN")}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head>",
        "<body><main>",
        _project_header(ev, lang, any(v.key == "scenario" for v in shown)),
        f"<nav>{_e(t('report_contents', lang))}<ol>{contents}</ol></nav>",
        *(_section(v, k, lang) for k, v in enumerate(shown, start=1)),
        f"<footer>{footer}</footer>",
        "</main></body></html>\n",
    ])
