"""The what-if page's ranking, drawn in the browser: the rank-change slope chart and the comparison
table, as one Streamlit component (custom components v2; the drawing is ``live_ranking.js``).

Each rerun sends the scenario the server scored. When the tier is small enough and the lower-level
weights allow it (``whatif.level1_basis``), it also sends every unit's points per point of level-1
weight, and the browser rescores from the slider the user is moving at once, before the rerun
reaches the server; the rerun then draws the same ranking again from the server's numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from perfeval_core.model.evaluation import Bands
from perfeval_core.model.rating import browser_rule
from perfeval_core.present.charts import SLOPE_LIMIT
from perfeval_core.present.i18n import t
from perfeval_core.present.style import RANK_CHANGE_COLORS, band_colors

HERE = Path(__file__).resolve().parent
PREVIEW_LIMIT = 5_000  # units a browser rescores itself while a slider moves; more wait for the server
MAX_ROWS = 300  # table rows drawn, best scenario rank first (every unit stays in the full table)

_COMPONENT = st.components.v2.component(
    "perfeval_live_ranking",
    js=(HERE / "live_ranking.js").read_text(encoding="utf-8"),
    css=(HERE / "live_ranking.css").read_text(encoding="utf-8"),
)


def ranking_data(comparison: pd.DataFrame, basis: np.ndarray | None, codes: list[str], truth: dict[str, float],
                 locked: list[str], sliders: dict[str, str], bands: Bands, lang: str) -> dict[str, object]:
    """What the component draws. ``comparison``: ``whatif.compare`` for one tier; ``basis``: its
    units' rows of ``whatif.level1_basis`` (None: no rescoring in the browser); ``sliders``: level-1
    code -> the key of its slider widget."""
    n = len(comparison)
    frame = comparison
    if n > PREVIEW_LIMIT:  # no rescoring in the browser: it draws the table's rows and the biggest movers
        basis = None
        moved = (frame["official_rank"] - frame["scenario_rank"]).abs().to_numpy()
        movers = np.lexsort((frame["official_rank"].to_numpy(), -moved))[:SLOPE_LIMIT]
        top = np.argsort(frame["scenario_rank"].to_numpy(), kind="stable")[:MAX_ROWS]
        frame = frame.iloc[np.union1d(movers, top)]
    side = {name: {"total": frame[f"{name}_total"].round(10).tolist(), "rank": frame[f"{name}_rank"].tolist(),
                   "rating": frame[f"{name}_rating"].tolist()} for name in ("official", "scenario")}
    return {
        "units": frame["unit"].astype(str).tolist(), **side,
        "basis": None if basis is None else np.asarray(basis, dtype=float).tolist(),
        "codes": codes, "truth": [float(truth[c]) for c in codes], "locked": list(locked), "sliders": sliders,
        "rule": browser_rule(bands.thresholds, bands.labels),
        "colors": dict(zip(bands.labels, band_colors(bands.labels))),
        "change_colors": dict(zip(("up", "same", "down"), RANK_CHANGE_COLORS)),
        "limit": SLOPE_LIMIT, "max_rows": MAX_ROWS,
        "text": {"chart": t("chart_rank_change", lang), "table": t("compare_table", lang),
                 "movers": t("chart_rank_movers", lang, shown=min(SLOPE_LIMIT, n), total=n),
                 "rows": t("live_rows", lang, shown=min(MAX_ROWS, n), total=n),
                 "official": t("official", lang), "scenario": t("scenario", lang), "unit": t("unit", lang),
                 "total": t("total_score", lang), "rank": t("rank", lang), "rating": t("rating", lang),
                 "delta": t("delta", lang), "up": t("rank_up", lang), "same": t("rank_same", lang),
                 "down": t("rank_down", lang)},
    }


def live_ranking(data: dict[str, object], key: str = "live_ranking") -> None:
    _COMPONENT(data=data, key=key)
