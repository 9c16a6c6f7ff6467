"""The browser sweep's detectors: what a page shows that a leader would stumble on.

A page is read once by ``SNAPSHOT_JS`` (clipped text, charts' texts, tables' columns, every
visible string, dialogs, errors); the functions here turn that snapshot into ``Finding`` rows.
The allow-lists are explicit constants: each word on them is there for a stated reason.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfeval_core.model.evaluation import DEFAULT_BAND_LABELS, Evaluation

# --- what a finding is ---------------------------------------------------------------------------

KINDS = {
    "clipped": "clipped text (wider than its box, cut by CSS)",
    "chart": "chart text truncated, cut at the chart's edge, drawn over another text, or a legend entry without label",
    "table": "table hides columns behind a horizontal scroll, cuts cells at the column's edge, or is mostly empty rows",
    "lang_zh": "English in the Chinese UI",
    "lang_en": "Chinese in the English UI (outside workbook data)",
    "external": "request to a host other than 127.0.0.1",
    "jargon": "developer detail shown to the reader (hashes, file paths, environment variables, repository files)",
    "nav": "sidebar navigation or evaluation selector",
    "not_found": "'Page not found' / an address that does not show what was copied",
    "exception": "exception, traceback or JavaScript error",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    page: str
    element: str
    text: str


def report(findings: Iterable[Finding], combo: str) -> str:
    """Readable list, grouped by kind; a finding seen on several pages is listed once with its pages."""
    grouped: dict[str, dict[tuple[str, str], list[str]]] = {}
    for f in findings:
        pages = grouped.setdefault(f.kind, {}).setdefault((f.element, f.text), [])
        if f.page not in pages:
            pages.append(f.page)
    lines = [f"{combo}: {sum(len(v) for v in grouped.values())} distinct findings"]
    for kind in KINDS:
        if kind not in grouped:
            continue
        lines.append(f"\n== {KINDS[kind]} ({len(grouped[kind])})")
        for (element, text), pages in grouped[kind].items():
            lines.append(f"  [{', '.join(pages)}] {element}: {text}")
    return "\n".join(lines)


# --- what counts as workbook data (the English UI may show it in Chinese) --------------------------

IDEOGRAPHS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# full-width punctuation in English text (Score：85) betrays an untranslated string; beside Chinese
# it belongs to the Chinese (a name such as 合成评价（50,000 个单位）), whose words are checked
FULLWIDTH_PUNCTUATION = re.compile(r"[，。：；！？（）【】、《》“”‘’]")
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


# the report's rating (优/良/中/差) is one of the dashboard's band labels, which the English UI translates
PROJECT_FIELDS_NOT_DATA = {"reported_rating"}
# so a band label standing alone (a legend entry, a table cell) is the dashboard's own word, even
# though a workbook's prose quotes it (评级“良”) and the prose itself is data
BAND_LABELS = frozenset(DEFAULT_BAND_LABELS)


@dataclass(frozen=True)
class DataCorpus:
    """The strings a workbook brings: unit, indicator, project and category names, free text."""

    ideograph_runs: frozenset[str]  # each maximal run of ideographs in a data string
    latin_words: frozenset[str]  # lower-case Latin words in data strings and file names

    @classmethod
    def of(cls, evaluation: Evaluation, filenames: Iterable[str] = ()) -> DataCorpus:
        values: set[str] = set(filenames) | {evaluation.source_name}
        for f in dataclasses.fields(evaluation.project):
            value = getattr(evaluation.project, f.name)
            if isinstance(value, str) and f.name not in PROJECT_FIELDS_NOT_DATA:
                values.add(value)
        for frame in (evaluation.indicators, evaluation.units, evaluation.scores, evaluation.budget,
                      evaluation.projects, evaluation.survey, evaluation.findings, evaluation.goals):
            for column in frame.columns:
                series = frame[column]
                if series.dtype == object or pd.api.types.is_string_dtype(series):
                    values.update(str(v) for v in series.dropna().unique())
        runs = {run for v in values for run in IDEOGRAPHS.findall(v)}
        words = {w.lower() for v in values for w in LATIN_WORD.findall(v)}
        return cls(frozenset(runs), frozenset(words))


# --- language allow-lists ------------------------------------------------------------------------

# Latin words the Chinese UI may show. Compared case-insensitively, whole words only.
ZH_ALLOWED_WORDS = frozenset(w.lower() for w in (
    # file formats and the programs that open them: their names, as Chinese users write them
    "PDF", "PNG", "SVG", "HTML", "Excel", "CSV", "xlsx", "xls", "docx", "doc", "pptx", "ppt", "Word", "PowerPoint",
    "JSON",
    # identifiers and units written in Latin letters in Chinese text too
    "ID", "URL", "KPI", "MB", "KB", "GB", "Ctrl",
    # the language switch names each language in its own language
    "English",
    # weighting methods as Chinese practice names them (层次分析法（AHP）, CRITIC 法) and AHP's 一致性比率 CR
    "AHP", "CRITIC", "CR",
    # the bundled samples' and the benchmark's file names (shown in the evaluation selector)
    "hohhot", "tangshan", "evaluation", "score", "table", "synthetic",
))

# Strings the English UI may show in Chinese though they are not workbook data.
EN_ALLOWED_CJK = frozenset((
    "中文",  # the language switch names each language in its own language
))


def _cjk_outside_data(text: str, corpus: DataCorpus) -> list[str]:
    if text.strip() in BAND_LABELS:
        return [text.strip()]
    runs = IDEOGRAPHS.findall(text)
    bad = [run for run in runs if run not in corpus.ideograph_runs and run not in EN_ALLOWED_CJK]
    if not runs:
        bad += FULLWIDTH_PUNCTUATION.findall(text)
    return bad


# not words: evaluation keys (hex), absolute file paths, file extensions (.xlsx); developer detail
# (JARGON, below) is reported once, as such, not again as English words
NOT_WORDS = re.compile(r"\b[0-9a-f]{8,64}\b|(?<![\w.])/[\w./-]+|\.[A-Za-z0-9]{1,5}\b")


def _english_words(text: str, corpus: DataCorpus) -> list[str]:
    out = []
    for word in LATIN_WORD.findall(NOT_WORDS.sub(" ", JARGON.sub(" ", text))):
        if len(word) < 2:  # indicator codes (A, B1), units such as k
            continue
        low = word.lower()
        if low in ZH_ALLOWED_WORDS or low in corpus.latin_words:
            continue
        out.append(word)
    return out


def language_findings(page: str, lang: str, texts: Iterable[dict], corpus: DataCorpus) -> list[Finding]:
    """zh: no English word outside the allow-list and the workbook's own words. en: no Chinese
    outside the workbook's strings (a unit name in a heading is data; a Chinese axis title is not)."""
    findings = []
    for item in texts:
        text = item["text"]
        if lang == "zh":
            bad = _english_words(text, corpus)
            kind = "lang_zh"
        else:
            bad = _cjk_outside_data(text, corpus)
            kind = "lang_en"
        if bad:
            findings.append(Finding(kind, page, item["where"], f"{_short(text)!r}  ({', '.join(dict.fromkeys(bad))})"))
    return findings


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- developer detail ----------------------------------------------------------------------------

# what a leader cannot use: content hashes, file-system paths, environment variables, files of the
# repository ("see docs/....md", "README")
JARGON = re.compile(
    r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,64}\b"
    r"|(?<![\w.])/(?:[\w.-]+/)+[\w.-]+"
    r"|\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b(?:=\w+)?"
    r"|\b(?:docs|tests|dashboard|perfeval_core|pages|scripts)/[\w./-]+"
    r"|\bREADME\b")
# the administrators' page names the users file and the sign-in settings on purpose
JARGON_EXEMPT_PAGES = {"admin"}


def jargon_findings(page: str, texts: Iterable[dict]) -> list[Finding]:
    out = []
    for item in texts:
        found = JARGON.findall(item["text"])
        if found:
            out.append(Finding("jargon", page, item["where"],
                               f"{_short(item['text'])!r}  ({', '.join(dict.fromkeys(found))})"))
    return out


# --- the snapshot, as findings -------------------------------------------------------------------

PAGE_NOT_FOUND = ("Page not found", "页面不存在", "does not seem to exist", "所请求的页面不存在")


def snapshot_findings(page: str, lang: str, snap: dict, corpus: DataCorpus) -> list[Finding]:
    out: list[Finding] = []
    for c in snap["clipped"]:
        shown = f" — shows {c['visible']!r}" if c.get("visible") is not None else ""
        out.append(Finding("clipped", page, c["where"], f"{_short(c['text'])!r}{shown}"))
    for chart in snap["charts"]:
        name = f"{chart['where']} chart {chart['title']!r}" if chart["title"] else f"{chart['where']} chart"
        for t in chart["truncated"]:
            out.append(Finding("chart", page, f"{name} {t['role']}", f"{t['text']!r} (cut by Vega)"))
        for t in chart["outside"]:
            out.append(Finding("chart", page, f"{name} {t['role']}", f"{t['text']!r} (drawn outside the chart's box)"))
        for t in chart["overlapping"]:
            out.append(Finding("chart", page, f"{name} {t['role']}", f"{t['text']!r} (drawn over each other)"))
        if chart["legend_unlabelled"]:
            out.append(Finding("chart", page, f"{name} legend",
                               f"{chart['legend_unlabelled']} legend entries without a label"))
    for grid in snap["grids"]:
        if grid["hidden"]:
            names = ", ".join(grid["hidden"][:15]) + (", …" if len(grid["hidden"]) > 15 else "")
            out.append(Finding("table", page, grid["where"],
                               f"{len(grid['hidden'])} of {grid['total']} columns not (fully) visible: {names}"))
        if grid.get("blank_rows", 0) >= 3:
            out.append(Finding("table", page, grid["where"],
                               f"{grid['rows']} row(s) of data under {grid['blank_rows']} empty rows' height"))
        for cut in grid["cut"]:
            out.append(Finding("table", page, grid["where"],
                               f"column {cut['column']!r}: {cut['count']} cell(s) wider than the column, "
                               f"e.g. {_short(cut['example'], 80)!r}"))
    out += language_findings(page, lang, snap["texts"], corpus)
    if page not in JARGON_EXEMPT_PAGES:
        out += jargon_findings(page, snap["texts"])
    for dialog in snap["dialogs"]:
        if any(p in dialog for p in PAGE_NOT_FOUND):
            out.append(Finding("not_found", page, "dialog", _short(dialog)))
    for text in snap["exceptions"]:
        out.append(Finding("exception", page, "stException / traceback", _short(text, 300)))
    return out


def server_errors(log: str) -> list[Finding]:
    """The tracebacks the server logged (the page shows them redacted): where in our code, and the error."""
    out = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        ours = [m.group(1, 2) for line in lines if (m := re.match(r'\s*File "(?:.*/)?((?:pages|dashboard|perfeval_core)/[^"]+)", line (\d+)', line))]
        error = next((line.strip() for line in lines if re.match(r"^\w[\w.]*(Error|Exception|Exit)\b", line)), lines[-1].strip() if lines else "")
        where = f"{ours[-1][0]}:{ours[-1][1]}" if ours else "server"
        out.append(Finding("exception", "(server log)", where, _short(error, 300)))
    return out


def nav_findings(page: str, nav: dict, expected_titles: list[str]) -> list[Finding]:
    out = []
    if nav["view_more"]:
        out.append(Finding("nav", page, "sidebar navigation", f"collapsed entries: {nav['view_more']!r}"))
    shown = [t for t in nav["visible_titles"]]
    missing = [t for t in expected_titles if t not in shown]
    if missing:
        out.append(Finding("nav", page, "sidebar navigation", f"pages not shown: {', '.join(missing)}"))
    return out


def selector_findings(page: str, options: list[dict]) -> list[Finding]:
    """Two options that read the same once cut are a coin toss for the reader."""
    out = []
    seen: dict[str, str] = {}
    for option in options:
        visible = option["visible"]
        if visible in seen and seen[visible] != option["text"]:
            out.append(Finding("nav", page, "sidebar evaluation selector (open list)",
                               f"{seen[visible]!r} and {option['text']!r} both read {visible!r}…"))
        seen.setdefault(visible, option["text"])
        if option["cut"]:
            out.append(Finding("clipped", page, "sidebar evaluation selector option",
                               f"{option['text']!r} — shows {visible!r}"))
    return out


def screenshot_path(folder: Path, combo: str, page: str, kind: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{combo}_{page or 'overview'}_{kind}.png"


# --- in the page ---------------------------------------------------------------------------------

# Installed before any page script: remembers the texts drawn into each canvas (a Vega chart with
# many marks is drawn into a canvas, and glide's data grid always is), with their box in CSS
# pixels, so "…" and English/Chinese words there can be checked as in the SVG charts. Nothing is
# forgotten on a clear: Vega clears the whole canvas, then redraws only the items in the dirty
# region, so the last draw of each text is what the canvas shows.
CANVAS_TEXT_INIT = r"""(() => {
  if (window.__sweepCanvasTexts) return;
  const records = new WeakMap();
  window.__sweepCanvasTexts = canvas => Array.from((records.get(canvas) || new Map()).values());
  const P = CanvasRenderingContext2D.prototype;
  const fillText = P.fillText;
  P.fillText = function (text, x, y, maxWidth) {
    try {
      const canvas = this.canvas;
      if (canvas instanceof HTMLCanvasElement) {
        let m = records.get(canvas);
        if (!m) { m = new Map(); records.set(canvas, m); }
        const s = String(text);
        const w = this.measureText(s).width;
        const a = this.textAlign;
        const left = a === 'center' ? x - w / 2 : (a === 'right' || a === 'end') ? x - w : x;
        const tr = this.getTransform();
        const scale = canvas.clientWidth ? canvas.width / canvas.clientWidth : 1;
        const p1 = tr.transformPoint(new DOMPoint(left, y)), p2 = tr.transformPoint(new DOMPoint(left + w, y));
        const size = +((this.font.match(/([\d.]+)px/) || [0, 0])[1]);
        m.set(s, {text: s, bold: /bold|[6-9]00/.test(this.font), size, left: p1.x / scale, right: p2.x / scale,
                  y: p1.y / scale});
      }
    } catch (e) { /* never disturb the page */ }
    return fillText.apply(this, arguments);
  };
})();"""

SNAPSHOT_JS = r"""async () => {
  const short = (s, n = 200) => { s = (s || '').replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; };
  // custom components (the live ranking) render into open shadow roots: every walk enters them
  const up = e => e.parentElement || (e.getRootNode && e.getRootNode().host) || null;
  const closest = (el, selector) => { for (let e = el; e; e = up(e)) if (e.matches && e.matches(selector)) return e; return null; };
  const allElements = (root = document.body, out = []) => {
    for (const el of root.querySelectorAll('*')) { out.push(el); if (el.shadowRoot) allElements(el.shadowRoot, out); }
    return out;
  };
  const textNodes = (root = document.body) => {
    const out = [];
    const walk = r => {
      const walker = document.createTreeWalker(r, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeValue.trim()) out.push(n);
      for (const el of r.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(root);
    return out;
  };
  const styles = new Map();
  const style = el => { let s = styles.get(el); if (!s) { s = getComputedStyle(el); styles.set(el, s); } return s; };
  const visible = el => {
    if (!el || !el.checkVisibility || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2;
  };
  const ICONS = '[data-testid="stIconMaterial"], [data-testid="stIconEmoji"], [class*="material-symbols"], [class*="material-icons"]';
  // an icon is a word set in an icon font (Streamlit's Material Symbols): a glyph on screen, not text
  const isIcon = el => !!closest(el, ICONS) || /material/i.test(style(el).fontFamily);
  const skipped = el => !!closest(el, 'script, style, noscript, canvas, template');
  const GENERIC = /^(stMarkdownContainer|stVerticalBlock|stHorizontalBlock|stElementContainer|stColumn|stTooltipHoverTarget|stMarkdown|stVerticalBlockBorderWrapper|stLayoutWrapper|stMarkdownPre)$/;
  const describe = el => {
    const region = closest(el, '[data-testid="stSidebar"]') ? 'sidebar' : closest(el, '[role="dialog"]') ? 'dialog'
      : closest(el, '[role="listbox"], [data-baseweb="popover"]') ? 'popover' : closest(el, '[data-testid="stHeader"]') ? 'header' : 'main';
    let testid = null, key = null;
    for (let e = el; e && e !== document.body; e = up(e)) {
      const id = e.getAttribute && e.getAttribute('data-testid');
      if (!testid && id && !GENERIC.test(id)) testid = id;
      if (!key) { const k = Array.from(e.classList || []).find(c => c.startsWith('st-key-')); if (k) key = k.slice(7); }
      if (testid && key) break;
    }
    const tag = el.tagName.toLowerCase();
    return `${region}: ${testid || tag}${testid && /^h[1-6]$/.test(tag) ? ' ' + tag : ''}${key ? ' [key ' + key + ']' : ''}`;
  };
  const hides = v => v === 'hidden' || v === 'clip';
  const scrolls = v => v === 'auto' || v === 'scroll';
  const innerBox = el => {
    const r = el.getBoundingClientRect();
    const left = r.left + el.clientLeft, top = r.top + el.clientTop;
    return {left, top, right: left + el.clientWidth, bottom: top + el.clientHeight};
  };
  // the characters of a text node that fit inside box (for "shows ..." in a report)
  const visiblePart = (node, box) => {
    const text = node.nodeValue, range = document.createRange();
    let lo = 0, hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      range.setStart(node, 0); range.setEnd(node, mid);
      const rects = Array.from(range.getClientRects());
      const right = Math.max(...rects.map(r => r.right), -Infinity);
      const bottom = Math.max(...rects.map(r => r.bottom), -Infinity);
      if (right <= box.right + 1 && bottom <= box.bottom + 2) lo = mid; else hi = mid - 1;
    }
    return text.slice(0, lo).trim() + (lo < text.length ? '…' : '');
  };

  const nodes = textNodes().filter(n => n.parentElement && !skipped(n.parentElement) && !isIcon(n.parentElement)
                                        && visible(n.parentElement));

  // 1. text cut by an ancestor that hides its overflow (an ellipsis only shows where overflow is hidden),
  // or left behind a horizontal scroll (nobody scrolls a row of buttons sideways; a table's hidden
  // columns are reported as such, below); a vertical scroll container brings its text into view
  const clipped = [];
  for (const node of nodes) {
    if (closest(node.parentElement, 'svg')) continue;  // charts: below
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
    if (!rects.length) continue;
    const inTable = !!closest(node.parentElement, 'table');
    let checkY = true, cut = null;
    for (let e = node.parentElement; e && e !== document.documentElement; e = up(e)) {
      const s = style(e);
      const clipX = hides(s.overflowX) || (scrolls(s.overflowX) && !inTable);
      const clipY = checkY && hides(s.overflowY);
      if (clipX || clipY) {
        const box = innerBox(e);
        if (rects.some(t => (clipX && (t.right > box.right + 2 || t.left < box.left - 2)) ||
            (clipY && (t.bottom - box.bottom > t.height * 0.4 || box.top - t.top > t.height * 0.4)))) {
          cut = {box, scroll: scrolls(s.overflowX) && rects.some(t => t.right > box.right + 2 || t.left < box.left - 2)};
          break;
        }
      }
      if (scrolls(s.overflowY)) checkY = false;
      if (inTable && scrolls(s.overflowX)) break;  // beyond a table's own scroll: the hidden-columns check
    }
    if (cut) clipped.push({where: describe(node.parentElement) + (cut.scroll ? ' (behind a horizontal scroll)' : ''),
                           text: short(node.nodeValue), visible: short(visiblePart(node, cut.box))});
  }
  for (const input of allElements().filter(e => e.matches('input, textarea'))) {
    const type = (input.getAttribute('type') || 'text').toLowerCase();
    if (!['text', 'search', 'number', 'email', 'url', 'password'].includes(type) || !visible(input)) continue;
    const shown = input.value || input.getAttribute('placeholder') || '';
    if (shown && input.scrollWidth > input.clientWidth + 1)
      clipped.push({where: describe(input) + ' (input)', text: short(shown), visible: null});
  }

  // 2. charts: Vega's own truncation ("…"), text beyond the chart's box, texts drawn over each other,
  // legend entries without label
  const charts = [];
  for (const embed of allElements().filter(e => e.matches('.vega-embed'))) {
    if (!visible(embed)) continue;
    const svg = embed.querySelector('svg.marks'), canvas = embed.querySelector('canvas');
    const chart = {where: describe(embed), title: '', renderer: svg ? 'svg' : 'canvas', texts: [], truncated: [],
                   outside: [], overlapping: [], legend_unlabelled: 0};
    if (svg) {
      const sr = svg.getBoundingClientRect();
      const boxes = [];
      for (const t of svg.querySelectorAll('text')) {
        const g = t.closest('g[class*="role-"]');
        const role = g ? (Array.from(g.classList).find(c => c.startsWith('role-')) || 'role-?').slice(5) : 'text';
        const text = (t.textContent || '').trim();
        if (!text || !visible(t)) continue;
        chart.texts.push({role, text});
        if (role === 'title-text' && !chart.title) chart.title = text;
        if (text.includes('…')) chart.truncated.push({role, text});
        // the glyph box of a line is taller than its ink (a CJK font's ascent): along the line a
        // couple of pixels, across it 40 % of the line height, before a text counts as cut at the edge
        const tr = t.getBoundingClientRect();
        const rotated = /rotate\((-?9|27)0/.test(t.getAttribute('transform') || '');
        const along = rotated ? tr.height : tr.width, across = rotated ? tr.width : tr.height;
        const dx = Math.max(sr.left - tr.left, tr.right - sr.right), dy = Math.max(sr.top - tr.top, tr.bottom - sr.bottom);
        const [dAlong, dAcross] = rotated ? [dy, dx] : [dx, dy];
        if (along > 0 && (dAlong > 2 || dAcross > across * 0.4)) chart.outside.push({role, text});
        // ink box: a fifth of the line height off top and bottom
        const inset = (rotated ? tr.width : tr.height) * 0.2;
        boxes.push({role, text, l: tr.left + (rotated ? inset : 0), r: tr.right - (rotated ? inset : 0),
                    t: tr.top + (rotated ? 0 : inset), b: tr.bottom - (rotated ? 0 : inset),
                    lines: t.querySelectorAll('tspan').length, raw: tr});
      }
      for (let i = 0; i < boxes.length && chart.overlapping.length < 20; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i], b = boxes[j];
          const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
          if (w > 1 && h > 1) chart.overlapping.push({role: `${a.role}/${b.role}`, text: `${a.text} ✕ ${b.text}`});
          // a label Vega wrapped onto more lines than its band holds runs into its neighbour
          else if ((a.lines > 1 || b.lines > 1) && a.role === b.role) {
            const rw = Math.min(a.raw.right, b.raw.right) - Math.max(a.raw.left, b.raw.left);
            const rh = Math.min(a.raw.bottom, b.raw.bottom) - Math.max(a.raw.top, b.raw.top);
            if (rw > 1 && rh > 1) chart.overlapping.push({role: `${a.role} (wrapped)`, text: `${a.text} ✕ ${b.text}`});
          }
        }
      }
      for (const entry of svg.querySelectorAll('g.role-legend-entry')) {
        const symbols = entry.querySelectorAll('g.role-legend-symbol path').length;
        const labels = Array.from(entry.querySelectorAll('g.role-legend-label text')).filter(t => (t.textContent || '').trim()).length;
        chart.legend_unlabelled += Math.max(0, symbols - labels);
      }
    } else if (canvas) {
      const width = canvas.clientWidth;
      const records = window.__sweepCanvasTexts ? window.__sweepCanvasTexts(canvas) : [];
      const biggest = records.filter(r => r.bold).sort((a, b) => b.size - a.size)[0];
      if (biggest) chart.title = biggest.text;
      for (const rec of records) {
        const text = rec.text.trim();
        if (!text) continue;
        const role = rec.bold ? 'title (canvas)' : 'label (canvas)';
        chart.texts.push({role, text});
        if (text.includes('…')) chart.truncated.push({role, text});
        if (rec.left < -2 || rec.right > width + 2) chart.outside.push({role, text});
      }
    }
    if (!chart.title) chart.title = short(((svg || canvas).getAttribute('aria-label') || '').replace(/^Vega visualization$/, ''), 60);
    charts.push(chart);
  }

  // 3. data grids: columns behind the horizontal scroll
  const grids = [];
  for (const d of allElements().filter(e => e.matches('[data-testid="stDataFrame"], [data-testid="stDataEditor"]'))) {
    const scroller = d.querySelector('.dvn-scroller'), table = d.querySelector('table[role="grid"]');
    if (!scroller || !table || !visible(d)) continue;
    const total = +table.getAttribute('aria-colcount') || 0;
    const headers = () => Array.from(table.querySelectorAll('thead th')).map(th => [+th.getAttribute('aria-colindex'), (th.textContent || '').trim()]);
    const first = new Map(headers());
    const names = new Map(first);
    const grid = {where: describe(d), total, hidden: [], headers: [], cells: [], cut: []};
    // glide draws the header row into a canvas of its own: its texts say where each header ends
    const drawn = () => window.__sweepCanvasTexts ? Array.from(d.querySelectorAll('canvas')).flatMap(c => window.__sweepCanvasTexts(c)) : [];
    // cells (and headers) wider than their column, as drawn now: glide draws the whole text and clips
    // it at the column's edge; a column starts where its header's text starts, less the padding
    const PAD = 8.5, headerNames = new Set(first.values()), height = scroller.clientHeight;
    const heads = drawn().filter(r => r.y < 40 && headerNames.has(r.text.trim())).sort((a, b) => a.left - b.left);
    const columns = heads.map((h, k) => ({name: h.text.trim(), left: h.left - PAD,
                                          right: k + 1 < heads.length ? heads[k + 1].left - PAD : scroller.clientWidth}));
    // only before the sweep first scrolls a grid: the texts' recorded positions are those drawn last
    const cutCells = new Map();
    for (const rec of d.dataset.sweepScrolled ? [] : drawn()) {
      if (rec.y < 40 || rec.y > height || rec.left < 0) continue;
      const column = columns.filter(c => c.left <= rec.left + 0.5).pop();
      if (!column || rec.right <= column.right + 1) continue;
      if (column.right >= scroller.clientWidth - 1 && scroller.scrollWidth > scroller.clientWidth + 1) continue;  // the hidden-columns check's
      const entry = cutCells.get(column.name) || {column: column.name, count: 0, example: rec.text.trim()};
      entry.count += 1;
      cutCells.set(column.name, entry);
    }
    grid.cut = Array.from(cutCells.values());
    if (scroller.scrollWidth > scroller.clientWidth + 1) {
      const width = scroller.clientWidth;
      const cut = new Set(drawn().filter(rec => rec.right > width + 1).map(rec => rec.text.trim()));
      // the grid updates its accessibility table (where the headers are read) a few hundred ms after a scroll
      const moved = async before => {
        for (let waited = 0; waited < 1500; waited += 50) {
          await new Promise(r => setTimeout(r, 50));
          if (headers().map(h => h[0]).join() !== before) return;
        }
      };
      d.dataset.sweepScrolled = '1';
      for (let step = 1; step <= 12 && names.size < total; step++) {
        const before = headers().map(h => h[0]).join();
        scroller.scrollLeft = Math.min(scroller.scrollWidth, step * scroller.clientWidth * 0.8);
        await moved(before);
        for (const [i, text] of headers()) names.set(i, text);
        if (scroller.scrollLeft + scroller.clientWidth >= scroller.scrollWidth - 1) break;
      }
      const before = headers().map(h => h[0]).join();
      scroller.scrollLeft = 0;
      await moved(before);
      const last = Math.max(...first.keys());
      grid.hidden = Array.from(names.entries()).filter(([i, text]) => !first.has(i) || (i === last && cut.has(text)))
        .sort((a, b) => a[0] - b[0]).map(([, text]) => text);
      const unknown = total - names.size;
      if (unknown > 0) grid.hidden.push(`(+${unknown} more)`);
    }
    // a grid much taller than its rows draws empty rows under them (Streamlit's rows are 35 px)
    const rows = +table.getAttribute('aria-rowcount') || 0;
    grid.blank_rows = rows ? Math.max(0, Math.floor((scroller.clientHeight - rows * 35) / 35)) : 0;
    grid.rows = Math.max(0, rows - 1);
    grid.headers = Array.from(names.values());
    const headerSet = new Set(grid.headers);
    grid.cells = Array.from(new Set(drawn().map(rec => rec.text.trim()).filter(t => t && !headerSet.has(t))));
    grids.push(grid);
  }

  for (const table of allElements().filter(e => e.matches('table') && !closest(e, 'canvas'))) {
    if (!visible(table)) continue;
    let scroller = null;
    for (let e = up(table); e && e !== document.documentElement; e = up(e)) {
      const s = style(e);
      if (scrolls(s.overflowX) || hides(s.overflowX)) { scroller = e; break; }
    }
    if (!scroller || scroller.scrollWidth <= scroller.clientWidth + 1) continue;
    const box = innerBox(scroller);
    const ths = Array.from(table.querySelectorAll('th')).filter(visible);
    const hidden = ths.filter(th => { const r = th.getBoundingClientRect(); return r.right > box.right + 2 || r.left < box.left - 2; })
      .map(th => (th.textContent || '').trim());
    if (hidden.length) grids.push({where: describe(table) + ' (HTML table)', total: ths.length, hidden, headers: [], cells: [], cut: []});
  }

  // 4. every visible string, for the language checks
  const texts = [], seenText = new Set();
  const add = (where, text) => {
    text = (text || '').replace(/\s+/g, ' ').trim();
    const k = where + '\u0000' + text;
    if (text && !seenText.has(k)) { seenText.add(k); texts.push({where, text}); }
  };
  // (an exception's box is Streamlit's own English, reported as the exception)
  for (const node of nodes) if (!closest(node.parentElement, '.vega-embed svg, [data-testid="stException"]'))
    add(describe(node.parentElement), node.nodeValue);
  for (const input of allElements().filter(e => e.matches('input, textarea'))) {
    if (!visible(input) || ['hidden', 'checkbox', 'radio', 'file', 'range'].includes((input.type || '').toLowerCase())) continue;
    add(describe(input) + ' (input)', input.value || input.getAttribute('placeholder') || '');
  }
  for (const chart of charts) for (const t of chart.texts) add(`${chart.where} chart ${t.role}`, t.text);
  for (const grid of grids) {
    for (const h of grid.headers) add(`${grid.where} column header`, h);
    for (const c of grid.cells) add(`${grid.where} cell`, c);
  }

  // 5. dialogs and errors
  const dialogs = allElements().filter(e => e.matches('[role="dialog"], [data-testid="stDialog"]')).filter(visible)
    .map(d => short(d.innerText, 400));
  const exceptions = allElements().filter(e => e.matches('[data-testid="stException"]')).map(e => short(e.innerText, 400));
  const body = document.body.innerText;
  if (body.includes('Traceback')) exceptions.push(short(body.slice(body.indexOf('Traceback')), 400));

  // 6. every address the page fetched or points at (the request log's twin, from inside the page)
  const resources = performance.getEntriesByType('resource').map(e => e.name)
    .concat(allElements().filter(e => e.matches('link[href], img[src], script[src], iframe[src], source[src]'))
      .map(e => e.href || e.src || ''));

  return {clipped, charts, grids, texts, dialogs, exceptions, resources: Array.from(new Set(resources))};
}"""

NAV_JS = r"""() => {
  const nav = document.querySelector('[data-testid="stSidebarNav"]');
  if (!nav) return {links: [], visible_titles: [], view_more: ''};
  const links = Array.from(nav.querySelectorAll('a[data-testid="stSidebarNavLink"]')).map(a => {
    const label = a.querySelector('span[label]');
    return {href: a.getAttribute('href'), title: label ? label.getAttribute('label') : a.innerText.trim(),
            current: a.getAttribute('aria-current') === 'page', visible: a.checkVisibility()};
  });
  const more = Array.from(nav.querySelectorAll('button, [data-testid="stSidebarNavViewButton"]'))
    .map(b => (b.innerText || '').trim()).filter(t => /more|展开|View/i.test(t));
  return {links, visible_titles: links.filter(l => l.visible).map(l => l.title), view_more: more.join(' | ')};
}"""

# The open list of a select box: each option's full text and the part of it one can read.
OPTIONS_JS = r"""() => {
  const out = [];
  for (const option of document.querySelectorAll('[role="listbox"] [role="option"]')) {
    if (!option.checkVisibility()) continue;
    const full = (option.innerText || option.textContent || '').replace(/\s+/g, ' ').trim();
    if (!full) continue;
    let visiblePart = full, cut = false;
    const walker = document.createTreeWalker(option, NodeFilter.SHOW_TEXT);
    const node = walker.nextNode();
    if (node) {
      // the nearest box that clips the text
      let box = null;
      for (let e = node.parentElement; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.overflowX === 'hidden' || s.overflowX === 'clip' || e === option) {
          const r = e.getBoundingClientRect(); box = {right: r.left + e.clientLeft + e.clientWidth, bottom: r.bottom};
          if (e !== option || s.overflowX === 'hidden') break;
        }
      }
      const text = node.nodeValue, range = document.createRange();
      let lo = 0, hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        range.setStart(node, 0); range.setEnd(node, mid);
        const right = Math.max(...Array.from(range.getClientRects()).map(r => r.right), -Infinity);
        if (right <= box.right + 1) lo = mid; else hi = mid - 1;
      }
      cut = lo < text.length;
      visiblePart = text.slice(0, lo).replace(/\s+/g, ' ').trim();
    }
    out.push({text: full, visible: visiblePart, cut});
  }
  return out;
}"""

EXPAND_JS = r"""() => {
  let n = 0;
  for (const details of document.querySelectorAll('[data-testid="stMain"] [data-testid="stExpander"] details:not([open])')) {
    const summary = details.querySelector('summary');
    if (summary) { summary.click(); n++; }
  }
  return n;
}"""
