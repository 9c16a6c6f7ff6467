"""Colours and fonts, defined once for the dashboard, the charts and the exports."""

from __future__ import annotations

# Band colours in band order (best first). Bands beyond four reuse the last colour.
BAND_COLORS = ("#2E7D4F", "#2F6DB5", "#D08A1E", "#C0392B")
NO_RATING_COLOR = "#9AA5B1"
# A calm categorical palette for non-rating series (funding levels, categories, age groups)
PALETTE = ("#2F6DB5", "#5B9BD5", "#A5A5A5", "#D08A1E", "#70AD47", "#7E57C2", "#26A69A", "#EF6C00", "#8D6E63",
           "#5C6BC0")
ACCENT = "#1F4E79"
TARGET_COLOR = "#C0392B"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif"


def band_colors(labels: tuple[str, ...] | list[str]) -> list[str]:
    return [BAND_COLORS[min(i, len(BAND_COLORS) - 1)] for i in range(len(labels))]
