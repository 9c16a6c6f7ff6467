"""Colours and fonts, defined once for the dashboard, the charts and the exports.

Every colour the code draws with is a named constant here (tests/test_house_rules.py fails on a
colour literal anywhere else). Colours are ``#RRGGBB``; the PowerPoint and PDF writers strip the
``#``. ``.streamlit/config.toml`` necessarily repeats the theme colours (Streamlit reads them
there); tests/test_app.py checks its band colours against ``BAND_COLORS``.
"""

from __future__ import annotations

from typing import Final

# Band colours in band order (best first); ``band_colors`` spreads them over more than four bands.
BAND_COLORS = ("#2E7D4F", "#2F6DB5", "#D08A1E", "#C0392B")
NO_RATING_COLOR = "#9AA5B1"
# A calm categorical palette for non-rating series (funding levels, categories, age groups)
PALETTE = ("#2F6DB5", "#5B9BD5", "#A5A5A5", "#D08A1E", "#70AD47", "#7E57C2", "#26A69A", "#EF6C00", "#8D6E63",
           "#5C6BC0")
ACCENT = "#1F4E79"
TARGET_COLOR = "#C0392B"

# text and surfaces (the dashboard theme's values, .streamlit/config.toml [theme])
TEXT_COLOR = "#1F2937"      # body text
SECONDARY_TEXT = "#4B5563"  # labels on the meeting screen's tiles and its slide counter
MUTED_COLOR = "#6B7280"     # notes, footers, band threshold rules
WHITE = "#FFFFFF"           # the page, and text on a coloured fill
BORDER_COLOR = "#D9DEE6"    # tile borders on the meeting screen
SCREEN_TILE_FILL = "#F7F9FC"  # a KPI tile on the meeting screen
# the exports (deck, PDF, HTML)
TILE_FILL = "#F3F6FA"       # a KPI tile
ROW_ALT = "#F5F7FA"         # every other table row
RULE_COLOR = "#D5DBE3"      # table rules
WARN_COLOR = "#B4690E"      # a warning line (illustrative data, a scenario)
# charts
GRID_COLOR = "#E6E9EF"
AXIS_COLOR = "#B0B7C3"
COMPARISON_COLOR = "#A5B4C8"  # the pale series beside ACCENT (the peers' average, the official weights)
BUDGET_SERIES = (ACCENT, "#5B9BD5", "#D08A1E")  # 预算 / 到位 / 支出
SURVEY_SERIES = (ACCENT, "#D08A1E")  # satisfaction / participation
# finding status: 未整改 / 整改中 / 已整改 / none given (i18n.FINDING_STATUSES order)
FINDING_STATUS_COLORS = ("#C0392B", "#D08A1E", "#2E7D4F", NO_RATING_COLOR)
# a unit's rank under a scenario: up (good news) / unchanged / down
RANK_CHANGE_COLORS = ("#2E7D4F", NO_RATING_COLOR, "#C0392B")
# Vega colour schemes of the heat maps: score rates (red is low) and survey rates
RATE_SCHEME: Final = "redyellowgreen"
SURVEY_SCHEME: Final = "blues"
# a heat map's cell text: light on the dark ends of its scheme, dark in the pale middle
HEAT_TEXT_LIGHT, HEAT_TEXT_DARK = WHITE, TEXT_COLOR

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif"

# the meeting screen's CSS custom properties (dashboard/present.css uses var(--pe-…); pages/present.py sets them)
SCREEN_CSS_VARS = {
    "--pe-accent": ACCENT,
    "--pe-text": TEXT_COLOR,
    "--pe-secondary": SECONDARY_TEXT,
    "--pe-muted": MUTED_COLOR,
    "--pe-border": BORDER_COLOR,
    "--pe-tile": SCREEN_TILE_FILL,
}


def css_vars(values: dict[str, str]) -> str:
    """``:root {--a: x; --b: y;}``: custom properties for a style sheet."""
    return ":root {" + " ".join(f"{name}: {value};" for name, value in values.items()) + "}"


def band_colors(labels: tuple[str, ...] | list[str]) -> list[str]:
    """A colour per band, best first: the four house colours for up to four bands; more bands
    take evenly spaced colours along the same green → blue → amber → red line, so a five-band
    scheme shows five different colours with its best green and its worst red."""
    n = len(labels)
    if n <= len(BAND_COLORS):
        return list(BAND_COLORS[:n])
    anchors = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in BAND_COLORS]
    out = []
    for k in range(n):
        x = k / (n - 1) * (len(anchors) - 1)
        j = min(int(x), len(anchors) - 2)
        f = x - j
        rgb = (round(a + (b - a) * f) for a, b in zip(anchors[j], anchors[j + 1]))
        out.append("#" + "".join(f"{v:02X}" for v in rgb))
    return out


def band_color_map(*label_sets: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Label → colour over one or more band sets (the official one, a scenario's); where two
    sets share a label, the later set's colour wins."""
    out: dict[str, str] = {}
    for labels in label_sets:
        out.update(zip(labels, band_colors(labels)))
    return out

XLSX_FONT = "Microsoft YaHei"  # the workbook's cells (Excel on a government PC has it)
# the workbook export (Excel's own conventions: blue text on pale yellow marks an input cell)
XLSX_BORDER = "#BFBFBF"
XLSX_NOTE_TEXT = "#404040"
XLSX_GRAY_TEXT = "#595959"     # derived values: weights, rates
XLSX_GRAY_FILL = "#F2F2F2"
XLSX_HEADER_FILL = "#DCE6F1"
XLSX_INPUT_TEXT = "#0000FF"
XLSX_INPUT_FILL = "#FFF2CC"
XLSX_INPUT_L1_FILL = "#FFD966"  # the level-1 inputs a leader changes first
XLSX_INPUT_L1_BORDER = "#BF8F00"
