"""How a view of ``perfeval_core.present.slides`` fits one 16:9 screen in 演示模式 (pages/present.py).

No Streamlit here: plain functions on a chart's Vega-Lite spec (a dict) and on the view's
bullets. The page's CSS (dashboard/present.css) sizes the slide in viewport units, so the body
holds the same number of lines of text on any 16:9 screen; the chart is drawn in the body's
height (``height: "container"``), with its text sized by Vega from the window's height
(``FONT_EXPR``), and keeps no more rows than fit. The spec is a copy: charts.py's own defaults,
which the other pages and the exports use, are untouched.
"""

from __future__ import annotations

import copy
from typing import Any

from perfeval_core.present import charts, slides
from perfeval_core.present.i18n import t

SHORT_TABLE_ROWS = 12  # a table of a chart-less slide up to this many rows is drawn as tall as its rows

# chart text (axes, legends, values) in px: 2.6 % of the height of the largest 16:9 frame in the
# window, as the slide's CSS type (--pe-u); at least 18 px (20 px at 1366×768, 28 px at 1920×1080).
# Vega evaluates it in the browser.
FONT_PX = "pe_font_px"
FONT_EXPR = "max(18, round(min(windowSize()[1], windowSize()[0] * 0.5625) * 0.026))"
SCREEN_ROWS = 10  # bars of a chart that fit under the headline in that type: a longer list shows its ends
# The body in lines of bullet text (the same on any 16:9 screen: the type and the box both scale
# with it), what a row of KPI tiles takes of it, what bullets under a chart may take, the longest
# bullet, and how many full-width characters a line holds across the body or beside a chart.
BODY_LINES = 16
KPI_ROW_LINES = 4.5
UNDER_CHART_LINES = 3
BULLET_LINES_MAX = 2
LINE_CHARS = {"full": 52, "beside": 28}
LEGEND_CHARS = {"full": 60, "beside": 27}  # full-width characters of chart type across a chart
KPIS_PER_ROW = 4

Spec = dict[str, Any]


def chars(text: str) -> float:
    """``text``'s width in full-width characters (Latin letters and digits count a little over half)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def lines(text: str, width: int) -> int:
    """Lines ``text`` takes at ``width`` full-width characters a line."""
    return max(1, -int(-chars(text) // width))


def body_lines(kpis: int) -> float:
    """Lines of bullet text the body has left under ``kpis`` KPI tiles."""
    return BODY_LINES - KPI_ROW_LINES * -(-kpis // KPIS_PER_ROW)


def filled(key: str, field: str, text: str, lang: str, **others: object) -> str | None:
    """The value of ``field`` in ``text`` when ``text`` is catalogue message ``key`` with
    ``others`` filled in, else None (how many units the deck's "first and last n" note counted)."""
    head, _, tail = t(key, lang, **{field: "\0", **others}).partition("\0")
    if text.startswith(head) and text.endswith(tail) and len(text) > len(head) + len(tail):
        return text[len(head) : len(text) - len(tail)]
    return None


def layers(spec: Spec) -> list[Spec]:
    return [spec, *spec.get("layer", [])]


def cut_rows(spec: Spec, limit: int = SCREEN_ROWS) -> tuple[int, int] | None:
    """Keep the first and last ``limit // 2`` categories of the chart's nominal y axis (in its
    explicit sort order: best first), in every dataset holding that field. (kept, total), or
    None when the chart has no more rows than ``limit``."""
    for node in layers(spec):
        y = node.get("encoding", {}).get("y", {})
        order = y.get("sort")
        if y.get("type") == "nominal" and isinstance(order, list) and len(order) > limit:
            break
    else:
        return None
    field, half = y["field"], limit // 2
    keep = set(order[:half] + order[-half:])
    for name, rows in spec.get("datasets", {}).items():
        if rows and field in rows[0]:
            spec["datasets"][name] = [row for row in rows if row[field] in keep]
    for node in layers(spec):
        y = node.get("encoding", {}).get("y", {})
        if y.get("field") == field and isinstance(y.get("sort"), list):
            y["sort"] = [v for v in y["sort"] if v in keep]
    return 2 * half, len(order)


def cut_slope(spec: Spec, limit: int = SCREEN_ROWS) -> int | None:
    """The slope chart (official → scenario rank) keeps the ``limit`` units whose rank moves most,
    placed by their order on each side among them, as ``charts.rank_slope_data`` does for its own
    limit. The number of units it had, or None when it fits."""
    datasets = spec.get("datasets", {})
    name = next((n for n, rows in datasets.items() if rows and {"unit", "side", "rank", "pos"} <= set(rows[0])), None)
    if name is None or max(row["pos"] for row in datasets[name]) <= limit:
        return None
    rows = datasets[name]  # unit by unit: official, then scenario
    ranks: dict[str, list[int]] = {}
    for row in rows:
        ranks.setdefault(row["unit"], []).append(int(row["rank"]))
    moved = sorted(ranks, key=lambda u: (-abs(ranks[u][0] - ranks[u][-1]), ranks[u][0]))[:limit]
    keep = set(moved)
    rows = [dict(row) for row in rows if row["unit"] in keep]
    for side in {row["side"] for row in rows}:
        on_side = sorted((r for r in rows if r["side"] == side), key=lambda r: (r["rank"], str(r["unit"])))
        for pos, row in enumerate(on_side, start=1):
            row["pos"] = pos
    datasets[name] = rows
    for node in layers(spec):
        y = node.get("encoding", {}).get("y", {})
        if y.get("field") == "pos":
            y.setdefault("scale", {})["domain"] = [limit + 0.5, 0.5]
    return len(ranks)


def _slope_title(title: object, units: int, lang: str) -> object:
    """The slope chart's title once it shows SCREEN_ROWS movers: of how many units (its own
    title says so when charts.py had already cut a longer ranking to its SLOPE_LIMIT)."""
    text = title.get("text", "") if isinstance(title, dict) else str(title or "")
    movers = text.removeprefix(t("chart_rank_change", lang))
    total = filled("chart_rank_movers", "total", movers, lang, shown=charts.SLOPE_LIMIT) or f"{units:,}"
    text = t("chart_rank_change", lang) + t("chart_rank_movers", lang, shown=SCREEN_ROWS, total=total)
    return {**title, "text": text} if isinstance(title, dict) else text


def fit_rows(spec: Spec, bullets: list[str], lang: str) -> list[str]:
    """No more rows than fit the screen; the bullets, with the "first and last n" note saying what
    the screen shows rather than what the deck's slide does."""
    cut = cut_rows(spec)
    if cut is not None:
        kept, shown = cut
        deck_note = [filled("slide_ends", "total", b, lang, n=slides.SLIDE_ENDS) for b in bullets]
        total = next((n for n in deck_note if n), f"{shown:,}")
        bullets = [b for b, n in zip(bullets, deck_note) if n is None]
        bullets.append(t("slide_ends", lang, total=total, n=kept // 2))
    units = cut_slope(spec)
    if units is not None:
        spec["title"] = _slope_title(spec.get("title"), units, lang)
    return bullets


def px(scale: float = 1.0) -> dict[str, str]:
    """A size in FONT_PX, times ``scale``: an expression Vega evaluates."""
    return {"expr": FONT_PX if scale == 1 else f"{FONT_PX} * {scale:g}"}


def big_type(spec: Spec) -> None:
    """Every text of the chart in FONT_PX (titles a little larger), so that chart text grows with
    the screen as the slide's CSS type does; long axis labels on one line (the screen is wide)."""
    spec.setdefault("params", []).append({"name": FONT_PX, "expr": FONT_EXPR})
    config = spec.setdefault("config", {})
    for part in ("axis", "legend", "header"):
        config.setdefault(part, {}).update(labelFontSize=px(), titleFontSize=px())
    config["axis"]["labelLimit"] = 520
    # Vega would tick a wide axis every 2 and then hide most labels of large type: 0, 8, 16, …
    config["axisQuantitative"] = {**config.get("axisQuantitative", {}), "tickCount": 10}
    # the legend's title beside its symbols: one row, not two
    config["legend"].update(symbolSize={"expr": f"{FONT_PX} * {FONT_PX} * 0.6"}, labelLimit=0, titleOrient="left")
    config["title"] = {**config.get("title", {}), "fontSize": px(1.15)}
    if isinstance(spec.get("title"), dict):
        spec["title"]["fontSize"] = px(1.15)
    for node in layers(spec):
        mark = node.get("mark")
        if mark == "text" or (isinstance(mark, dict) and mark.get("type") == "text"):
            mark = mark if isinstance(mark, dict) else {"type": "text"}
            scale = 1 / float(mark.get("fontSize") or 13)
            # a label offset from its bar or rule keeps its distance in its own type size
            node["mark"] = {**mark, "fontSize": px(), **{k: px(mark[k] * scale) for k in ("dx", "dy") if k in mark}}
        for channel in node.get("encoding", {}).values():
            axis = channel.get("axis") if isinstance(channel, dict) else None
            if isinstance(axis, dict):
                axis.pop("labelExpr", None)  # charts.py wraps long Chinese labels for a half-width chart
                axis.pop("labelFontSize", None)


def fit_legends(spec: Spec, room: float) -> None:
    """Each legend in as few rows as fit ``room`` full-width characters of chart type: one row
    across the screen, a few in the column beside the bullets."""
    for node in layers(spec):
        for channel in node.get("encoding", {}).values():
            if not isinstance(channel, dict) or channel.get("type") != "nominal" or "field" not in channel:
                continue
            if "legend" in channel and channel["legend"] is None:
                continue
            labels = channel.get("scale", {}).get("domain") or channel.get("sort")
            if not isinstance(labels, list) or not labels:
                continue
            legend = channel.get("legend")
            title = legend.get("title", channel.get("title")) if isinstance(legend, dict) else channel.get("title")
            left = room - (chars(str(title)) + 1 if title else 0)  # the title stands left of the symbols
            widths = [chars(str(label)) + 2.5 for label in labels]  # the symbol and the gaps
            columns = 0 if sum(widths) <= left else max(1, int(left // max(widths)))  # 0: one row
            channel["legend"] = {**(legend if isinstance(legend, dict) else {}), "columns": columns, "labelLimit": 0}


def clipped(bullet: str, limit: float = BULLET_LINES_MAX * LINE_CHARS["full"]) -> str:
    """A bullet of at most ``limit`` full-width characters (a list of 30 district names is not read
    from the back of a room): cut after the last whole item of a list, with "…"."""
    if chars(bullet) <= limit:
        return bullet
    cut, size = 0, 0.0
    for k, ch in enumerate(bullet):
        size += chars(ch)
        if size > limit - 1:
            break
        cut = k + 1
    head = bullet[:cut]
    items = max(head.rfind(sep) for sep in ("、", "，", "；", ", ", "; "))
    return (head[:items] if items > len(head) // 2 else head).rstrip() + "…"


def fitting(bullets: list[str], budget: float, width: int, lang: str) -> list[str]:
    """As many bullets as fit ``budget`` lines of ``width`` characters, and a note of how many are
    left out."""
    shown: list[str] = []
    used = 0
    for k, bullet in enumerate(bullets):
        need = lines(bullet, width)
        if used + need > budget - (1 if k < len(bullets) - 1 else 0):  # a line for the note
            break
        shown.append(bullet)
        used += need
    if len(shown) < len(bullets):
        shown.append(t("present_more", lang, count=len(bullets) - len(shown)))
    return shown


def text_bullets(bullets: list[str], kpis: int, lang: str) -> list[str]:
    """The bullets of a view without a chart, under ``kpis`` KPI tiles."""
    return fitting([clipped(b) for b in bullets], body_lines(kpis), LINE_CHARS["full"], lang)


def chart_slide(chart: object, bullets: list[str], kpis: int, lang: str) -> tuple[Spec, list[str], bool]:
    """The chart's spec for the screen, the bullets to show with it, and whether they go beside
    the chart (many, as the findings) rather than under it."""
    spec = copy.deepcopy(chart.to_dict())  # type: ignore[attr-defined]
    spec["height"] = "container"  # the box the page's CSS gives it
    spec["autosize"] = {"type": "fit", "contains": "padding"}
    spec["padding"] = {"left": 4, "top": 4, "right": 80, "bottom": 4}  # a value past the longest bar
    bullets = [clipped(b) for b in fit_rows(spec, list(bullets), lang)]
    beside = sum(lines(b, LINE_CHARS["full"]) for b in bullets) > UNDER_CHART_LINES
    big_type(spec)
    fit_legends(spec, LEGEND_CHARS["beside" if beside else "full"])
    if beside:
        bullets = fitting(bullets, body_lines(kpis), LINE_CHARS["beside"], lang)
    return spec, bullets, beside
