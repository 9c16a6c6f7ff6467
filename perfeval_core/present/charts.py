"""Altair chart builders: DataFrame in, chart out; no Streamlit, so exports reuse them.

One palette and one set of band colours (style.py); explicit sort orders (Chinese labels would
otherwise sort by code point); horizontal labels; Chinese number formats; tooltips on every mark.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from perfeval_core.model.evaluation import Bands
from perfeval_core.present.i18n import FINDING_STATUSES, half_up_array, status_label, t
from perfeval_core.present.style import (
    ACCENT,
    AXIS_COLOR,
    BUDGET_SERIES,
    COMPARISON_COLOR,
    FINDING_STATUS_COLORS,
    FONT,
    GRID_COLOR,
    HEAT_TEXT_DARK,
    HEAT_TEXT_LIGHT,
    MUTED_COLOR,
    NO_RATING_COLOR,
    PALETTE,
    RANK_CHANGE_COLORS,
    RATE_SCHEME,
    SURVEY_SCHEME,
    SURVEY_SERIES,
    TARGET_COLOR,
    WHITE,
    band_colors,
)

SELECT_UNIT = "unit_pick"
# Streamlit fits a chart (autosize "fit"), so a spec's height includes the title, the x axis and
# the legend: add their room to the plot height the builders ask for.
CHROME_HEIGHT = 120


def finish(chart: alt.TopLevelMixin, title: str, height: int | alt.Step | None = None) -> alt.TopLevelMixin:
    """House look: CJK font, horizontal labels, readable sizes on a projector and a laptop.
    ``height``: the plot area's height in pixels, or ``alt.Step(n)`` for n pixels per category
    of a nominal y axis (the chart then grows with its rows)."""
    props: dict[str, object] = {"title": alt.TitleParams(title, anchor="start", fontSize=16, font=FONT)}
    if isinstance(height, alt.Step):
        props["height"] = height
    elif height is not None:
        props["height"] = height + CHROME_HEIGHT
    # one configure() call: each configure_*() deep-copies the whole (layered) chart
    return chart.properties(**props).configure(
        font=FONT,
        axis=alt.AxisConfig(labelFont=FONT, titleFont=FONT, labelFontSize=13, titleFontSize=13, labelLimit=220,
                            gridColor=GRID_COLOR, domainColor=AXIS_COLOR),
        axisX=alt.AxisConfig(labelAngle=0),
        legend=alt.LegendConfig(labelFont=FONT, titleFont=FONT, labelFontSize=13, titleFontSize=13, orient="top",
                                labelLimit=240, direction="horizontal", columns=4, symbolLimit=0),
        view=alt.ViewConfig(stroke=None))


# what a legend may take across: the plot of a half-width chart beside the sidebar on a 1366-px
# screen (Vega places a top legend over the plot and does not wrap it; wider, it is cut off)
LEGEND_ROOM = 240


def _text_px(text: str, size: float = 13) -> float:
    """Rough width of ``text`` at ``size`` px: CJK full width, Latin a little over half."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def fitted_legend(labels: list[str], title: str | None = None, room: float = LEGEND_ROOM) -> alt.Legend:
    """A legend with as many columns as fit in ``room`` px, whole labels (none cut with "…")."""
    widest = max((_text_px(str(label)) for label in labels), default=0) + 34  # symbol and gaps
    columns = max(1, min(len(labels), int(room // widest))) if labels else 1
    return alt.Legend(columns=columns, labelLimit=0, title=title)


def band_scale(bands: Bands) -> alt.Scale:
    labels = list(bands.labels)
    return alt.Scale(domain=labels + ["—"], range=band_colors(labels) + [NO_RATING_COLOR])


def _rows(per: int = 32) -> alt.Step:
    return alt.Step(per)


def score_bars(table: pd.DataFrame, bands: Bands, lang: str = "zh", title: str | None = None,
               selectable: bool = True, selected: str | None = None) -> alt.TopLevelMixin:
    """Horizontal bars of total score, best first, coloured by rating, band thresholds drawn.
    ``table``: unit, total, rank, rating, field_visited."""
    df = table.copy()
    df["total"] = half_up_array(df["total"], 2)  # the label Vega writes (72.735 → 72.74, as the reports round)
    df["rating"] = df["rating"].replace("", "—")
    df["visited"] = df["field_visited"].map({True: t("field_visited", lang), False: ""})
    df["label"] = df["unit"] + df["field_visited"].map({True: " ★", False: ""})
    order = df.sort_values("total", ascending=False)["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None)
    x_max = 100
    tooltip = [alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("total:Q", title=t("total_score", lang), format=".2f"),
               alt.Tooltip("rank:Q", title=t("rank", lang)), alt.Tooltip("rating:N", title=t("rating", lang)),
               alt.Tooltip("visited:N", title=t("field_visited", lang))]
    base = alt.Chart(df)
    bars = base.mark_bar(cornerRadiusEnd=3, height={"band": 0.7}).encode(
        y=y, x=alt.X("total:Q", title=t("total_score", lang), scale=alt.Scale(domain=[0, x_max])),
        color=alt.Color("rating:N", scale=band_scale(bands), legend=fitted_legend([*bands.labels, "—"], t("rating", lang))),
        tooltip=tooltip)
    if selectable:
        pick = alt.selection_point(name=SELECT_UNIT, fields=["unit"], on="click", clear="dblclick")
        bars = bars.add_params(pick).encode(
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
    elif selected:
        bars = bars.encode(opacity=alt.condition(alt.datum.unit == selected, alt.value(1.0), alt.value(0.45)))
    text = base.mark_text(align="left", dx=4, fontSize=13, font=FONT).encode(
        y=y, x="total:Q", text=alt.Text("total:Q", format=".2f"), tooltip=tooltip)
    thresholds = pd.DataFrame({"value": list(bands.thresholds),
                               "band": [f"{lbl} ≥ {v:g}" for lbl, v in zip(bands.labels, bands.thresholds)]})
    rules = alt.Chart(thresholds).mark_rule(strokeDash=[4, 3], color=MUTED_COLOR).encode(
        x="value:Q", tooltip=[alt.Tooltip("band:N", title=t("bands", lang))])
    thresholds["row"] = [k % 2 for k in range(len(thresholds))]
    rule_texts = [alt.Chart(thresholds).transform_filter(alt.datum.row == row).mark_text(
        align="left", dx=3, dy=-6 - 13 * row, color=MUTED_COLOR, fontSize=12, font=FONT).encode(
        x="value:Q", y=alt.value(0), text="band:N") for row in (0, 1)]
    chart = alt.layer(bars, text, rules, *rule_texts)
    return finish(chart, title or t("chart_scores", lang), _rows(34))


def level1_stacked(long: pd.DataFrame, lang: str = "zh", order: list[str] | None = None) -> alt.TopLevelMixin:
    """Stacked horizontal bars of level-1 points per unit. ``long``: unit, indicator, points, order, rate."""
    units = order or long.groupby("unit")["total"].first().sort_values(ascending=False).index.tolist()
    indicators = long.sort_values("order")["indicator"].drop_duplicates().tolist()
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("unit:N", sort=units, title=None),
        x=alt.X("points:Q", title=t("score", lang), stack="zero"),
        color=alt.Color("indicator:N", sort=indicators, scale=alt.Scale(domain=indicators, range=list(PALETTE)),
                        legend=fitted_legend(indicators, t("level1", lang))),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("indicator:N", title=t("level1", lang)),
                 alt.Tooltip("points:Q", title=t("score", lang), format=".2f"),
                 alt.Tooltip("max_points:Q", title=t("points", lang), format=".2f"),
                 alt.Tooltip("rate:Q", title=t("score_rate", lang), format=".2%")])
    return finish(chart, t("chart_level1", lang), _rows(32))


def heatmap_chart(long: pd.DataFrame, lang: str = "zh", units: list[str] | None = None) -> alt.TopLevelMixin:
    """Indicators (rows, so their names read horizontally) × units (columns), cells coloured by 得分率."""
    labels = long.sort_values("order")["label"].drop_duplicates().tolist()
    units = units or long["unit"].drop_duplicates().tolist()
    base = alt.Chart(long).encode(
        y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("unit:N", sort=units, title=None, axis=alt.Axis(orient="top", labelAngle=0, labelLimit=120)))
    tooltip = [alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("label:N", title=t("indicator", lang)),
               alt.Tooltip("rate:Q", title=t("score_rate", lang), format=".1%")]
    cells = base.mark_rect(stroke=WHITE, strokeWidth=1).encode(
        color=alt.Color("rate:Q", title=t("score_rate", lang), scale=alt.Scale(domain=[0.4, 1.0], scheme=RATE_SCHEME),
                        legend=alt.Legend(format=".0%")),
        tooltip=tooltip)
    # white text on the dark ends of the red-yellow-green scale, dark text in the pale middle
    text = base.mark_text(fontSize=12, font=FONT).encode(
        text=alt.Text("rate:Q", format=".0%"),
        color=alt.condition((alt.datum.rate < 0.6) | (alt.datum.rate > 0.9), alt.value(HEAT_TEXT_LIGHT), alt.value(HEAT_TEXT_DARK)),
        tooltip=tooltip)
    return finish(alt.layer(cells, text), t("chart_heatmap", lang), _rows(26))


def profile_chart(df: pd.DataFrame, unit: str, lang: str = "zh") -> alt.TopLevelMixin:
    """A unit's level-1 score rates next to its peers' average."""
    long = df.melt(id_vars=["indicator", "order"], value_vars=["unit_rate", "average_rate"], var_name="series",
                   value_name="rate")
    names = {"unit_rate": unit, "average_rate": t("city_average", lang)}
    long["series"] = long["series"].map(names)
    indicators = df.sort_values("order")["indicator"].tolist()
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("indicator:N", sort=indicators, title=None),
        xOffset=alt.XOffset("series:N", sort=[unit, t("city_average", lang)]),
        y=alt.Y("rate:Q", title=t("score_rate", lang), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        color=alt.Color("series:N", sort=[unit, t("city_average", lang)],
                        scale=alt.Scale(range=[ACCENT, COMPARISON_COLOR]), title=None),
        tooltip=[alt.Tooltip("series:N", title=t("unit", lang)), alt.Tooltip("indicator:N", title=t("level1", lang)),
                 alt.Tooltip("rate:Q", title=t("score_rate", lang), format=".1%")])
    return finish(chart, t("chart_profile", lang, unit=unit), 280)


def compare_chart(long: pd.DataFrame, units: list[str], lang: str = "zh") -> alt.TopLevelMixin:
    """Two or three units' level-1 得分率 side by side, with the value on each bar.
    ``long``: views.level1_long for those units (unit, indicator, order, rate)."""
    indicators = long.sort_values("order")["indicator"].drop_duplicates().tolist()
    base = alt.Chart(long).encode(
        x=alt.X("indicator:N", sort=indicators, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("unit:N", sort=units),
        y=alt.Y("rate:Q", title=t("score_rate", lang), scale=alt.Scale(domain=[0, 1.1]), axis=alt.Axis(format=".0%")))
    bars = base.mark_bar().encode(
        color=alt.Color("unit:N", sort=units, scale=alt.Scale(domain=units, range=list(PALETTE[: len(units)])),
                        title=None, legend=alt.Legend(orient="top", labelLimit=0)),
        tooltip=[alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("indicator:N", title=t("level1", lang)),
                 alt.Tooltip("points:Q", title=t("points_scored", lang), format=".2f"),
                 alt.Tooltip("rate:Q", title=t("score_rate", lang), format=".1%")])
    labels = base.mark_text(dy=-6, fontSize=12).encode(text=alt.Text("rate:Q", format=".0%"))
    return finish(alt.layer(bars, labels), t("chart_compare", lang), 300)


def budget_levels(long: pd.DataFrame, lang: str = "zh", units: list[str] | None = None) -> alt.TopLevelMixin:
    """预算 by unit stacked by funding level. ``long``: unit, level, level_order, budget, arrived, spent."""
    units = units or long["unit"].drop_duplicates().tolist()
    levels = long.sort_values("level_order")["level"].drop_duplicates().tolist()
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("unit:N", sort=units, title=None),
        x=alt.X("budget:Q", title=t("budget_wan", lang), axis=alt.Axis(format=",.0f")),
        color=alt.Color("level:N", sort=levels, scale=alt.Scale(domain=levels, range=list(PALETTE)),
                        legend=fitted_legend(levels, t("funding_level", lang))),
        order=alt.Order("level_order:Q"),
        tooltip=[alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("level:N", title=t("funding_level", lang)),
                 alt.Tooltip("budget:Q", title=t("budget", lang), format=",.2f"),
                 alt.Tooltip("arrived:Q", title=t("arrived", lang), format=",.2f"),
                 alt.Tooltip("spent:Q", title=t("spent", lang), format=",.2f")])
    return finish(chart, t("chart_budget_levels", lang), _rows(30))


def budget_flow(table: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """预算 / 到位 / 支出 side by side per unit. ``table``: unit, budget, arrived, spent."""
    series = [t("budget", lang), t("arrived", lang), t("spent", lang)]
    long = table.rename(columns={"budget": series[0], "arrived": series[1], "spent": series[2]}).melt(
        id_vars="unit", value_vars=series, var_name="series", value_name="amount")
    units = table["unit"].tolist()
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("unit:N", sort=units, title=None),
        yOffset=alt.YOffset("series:N", sort=series),
        x=alt.X("amount:Q", title=t("amount_wan", lang), axis=alt.Axis(format=",.0f")),
        color=alt.Color("series:N", sort=series, scale=alt.Scale(domain=series, range=list(BUDGET_SERIES)),
                        title=None),
        tooltip=[alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("series:N", title=""),
                 alt.Tooltip("amount:Q", title=t("amount_wan", lang), format=",.2f")])
    return finish(chart, t("chart_budget_units", lang), 46 * len(units))


def rate_bars(table: pd.DataFrame, column: str, target: float, lang: str = "zh") -> alt.TopLevelMixin:
    """A rate per unit against a target line; units below it drawn in the warning colour."""
    df = table[["unit", column]].rename(columns={column: "rate"}).copy()
    df["below"] = df["rate"] < target - 1e-12
    df["status"] = df["below"].map({True: t("below_target", lang, units="").rstrip("：: "), False: ""})
    units = df["unit"].tolist()
    metric = t(column, lang)
    base = alt.Chart(df)
    tooltip = [alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("rate:Q", title=metric, format=".2%")]
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("unit:N", sort=units, title=None),
        x=alt.X("rate:Q", title=metric, axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, max(1.0, df["rate"].max())])),
        color=alt.condition(alt.datum.below, alt.value(TARGET_COLOR), alt.value(ACCENT)),
        tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=12, font=FONT).encode(
        y=alt.Y("unit:N", sort=units), x="rate:Q", text=alt.Text("rate:Q", format=".1%"), tooltip=tooltip)
    rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color=TARGET_COLOR, strokeDash=[5, 3], size=2).encode(
        x="target:Q", tooltip=[alt.Tooltip("target:Q", title=t("target", lang), format=".0%")])
    title = t("chart_rate", lang, metric=metric, target=f"{target:.2%}".replace(".00%", "%"))
    return finish(alt.layer(bars, text, rule), title, _rows(30))


def category_totals_chart(totals: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    df = totals.copy()
    # the legend's words short: it sits over a plot narrowed by long category names
    df["scope"] = df["in_scope"].map({True: t("in_scope_short", lang), False: t("out_of_scope_short", lang)})
    cats = df.sort_values("order")["category"].tolist()
    scopes = [t("in_scope_short", lang), t("out_of_scope_short", lang)]
    tooltip = [alt.Tooltip("category:N", title=t("category", lang)), alt.Tooltip("count:Q", title=t("projects", lang), format=","),
               alt.Tooltip("amount:Q", title=t("amount_wan", lang), format=",.2f"), alt.Tooltip("scope:N", title="")]
    base = alt.Chart(df)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("category:N", sort=cats, title=None),
        x=alt.X("count:Q", title=t("projects", lang)),
        color=alt.Color("scope:N", scale=alt.Scale(domain=scopes, range=[ACCENT, TARGET_COLOR]),
                        legend=fitted_legend(scopes, room=150)),  # beside labels up to 220 px: one column
        tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=13, font=FONT).encode(
        y=alt.Y("category:N", sort=cats), x="count:Q", text=alt.Text("count:Q", format=","), tooltip=tooltip)
    return finish(alt.layer(bars, text), t("chart_categories", lang), _rows(32))


def category_units_chart(long: pd.DataFrame, lang: str = "zh", share: bool = False,
                         measure: str = "count") -> alt.TopLevelMixin:
    """Per district, stacked by category: counts or amounts, absolute or as a share."""
    districts = long.sort_values("district_order")["district"].drop_duplicates().tolist()
    cats = long.sort_values("category_order")["category"].drop_duplicates().tolist()
    title_x = t("share", lang) if share else (t("projects", lang) if measure == "count" else t("amount_wan", lang))
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("district:N", sort=districts, title=None),
        x=alt.X(f"{measure}:Q", stack="normalize" if share else "zero", title=title_x,
                axis=alt.Axis(format=".0%" if share else ",.0f")),
        color=alt.Color("category:N", sort=cats, scale=alt.Scale(domain=cats, range=list(PALETTE)),
                        legend=fitted_legend(cats, t("category", lang))),
        order=alt.Order("category_order:Q"),
        tooltip=[alt.Tooltip("district:N", title=t("district", lang)), alt.Tooltip("category:N", title=t("category", lang)),
                 alt.Tooltip("count:Q", title=t("projects", lang), format=","),
                 alt.Tooltip("amount:Q", title=t("amount_wan", lang), format=",.2f"),
                 alt.Tooltip("share:Q", title=t("share", lang), format=".1%")])
    return finish(chart, t("chart_category_units", lang), _rows(32))


def rating_distribution_chart(dist: pd.DataFrame, bands: Bands, lang: str = "zh") -> alt.TopLevelMixin:
    labels = dist.sort_values("order")["rating"].tolist()
    tooltip = [alt.Tooltip("rating:N", title=t("rating", lang)), alt.Tooltip("count:Q", title=t("count", lang))]
    base = alt.Chart(dist)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("rating:N", sort=labels, title=None), y=alt.Y("count:Q", title=t("count", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("rating:N", scale=band_scale(bands), legend=None), tooltip=tooltip)
    text = base.mark_text(dy=-8, fontSize=13, font=FONT).encode(x=alt.X("rating:N", sort=labels), y="count:Q",
                                                                  text="count:Q", tooltip=tooltip)
    return finish(alt.layer(bars, text), t("chart_rating_dist", lang), 240)


def survey_age_chart(table: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    series = [t("satisfaction", lang), t("participation", lang)]
    long = table.rename(columns={"satisfaction": series[0], "participation": series[1]}).melt(
        id_vars=["age_group", "order", "respondents"], value_vars=series, var_name="series", value_name="rate")
    ages = table.sort_values("order")["age_group"].tolist()
    tooltip = [alt.Tooltip("age_group:N", title=t("age_group", lang)), alt.Tooltip("series:N", title=""),
               alt.Tooltip("rate:Q", title="", format=".2%"), alt.Tooltip("respondents:Q", title=t("respondents", lang), format=",")]
    base = alt.Chart(long).encode(x=alt.X("age_group:N", sort=ages, title=t("age_group", lang)),
                                  xOffset=alt.XOffset("series:N", sort=series))
    bars = base.mark_bar().encode(
        y=alt.Y("rate:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        color=alt.Color("series:N", sort=series, scale=alt.Scale(domain=series, range=list(SURVEY_SERIES)), title=None),
        tooltip=tooltip)
    text = base.mark_text(dy=-8, fontSize=12, font=FONT).encode(y="rate:Q", text=alt.Text("rate:Q", format=".1%"),
                                                                  tooltip=tooltip)
    return finish(alt.layer(bars, text), t("chart_sat_age", lang), 320)


def survey_unit_heatmap(table: pd.DataFrame, lang: str = "zh", value: str = "satisfaction") -> alt.TopLevelMixin:
    ages = table.sort_values("age_order")["age_group"].drop_duplicates().tolist()
    units = table["unit"].drop_duplicates().tolist()
    base = alt.Chart(table).encode(x=alt.X("age_group:N", sort=ages, title=t("age_group", lang)),
                                   y=alt.Y("unit:N", sort=units, title=None))
    tooltip = [alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("age_group:N", title=t("age_group", lang)),
               alt.Tooltip(f"{value}:Q", title=t(value, lang), format=".2%"),
               alt.Tooltip("respondents:Q", title=t("respondents", lang), format=",")]
    cells = base.mark_rect(stroke=WHITE).encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme=SURVEY_SCHEME, domain=[0.3, 1.0]), title=t(value, lang),
                        legend=alt.Legend(format=".0%")), tooltip=tooltip)
    text = base.mark_text(fontSize=12, font=FONT).encode(
        text=alt.Text(f"{value}:Q", format=".1%"),
        color=alt.condition(alt.datum[value] > 0.75, alt.value(HEAT_TEXT_LIGHT), alt.value(HEAT_TEXT_DARK)), tooltip=tooltip)
    return finish(alt.layer(cells, text), t("chart_sat_unit", lang) if value == "satisfaction" else t(value, lang),
                  _rows(36))


def findings_chart(findings: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    df = findings.copy()
    df["category"] = df["category"].replace("", "—")
    df["status"] = df["status"].replace("", "—").map(lambda v: status_label(v, lang))
    grouped = df.groupby(["category", "status"], sort=False).size().reset_index(name="count")
    statuses = [status_label(v, lang) for v in FINDING_STATUSES] + ["—"]
    chart = alt.Chart(grouped).mark_bar().encode(
        y=alt.Y("category:N", sort=df["category"].drop_duplicates().tolist(), title=None),
        x=alt.X("count:Q", title=t("count", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("status:N", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=list(FINDING_STATUS_COLORS)),
                        legend=fitted_legend(statuses, t("status", lang))),
        tooltip=[alt.Tooltip("category:N", title=t("category", lang)), alt.Tooltip("status:N", title=t("status", lang)),
                 alt.Tooltip("count:Q", title=t("count", lang))])
    return finish(chart, t("chart_findings", lang), _rows(36))


def level_donut(by_level: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """Budget split by funding level. ``by_level``: level, budget, order."""
    levels = by_level.sort_values("order")["level"].tolist()
    tooltip = [alt.Tooltip("level:N", title=t("funding_level", lang)), alt.Tooltip("budget:Q", title=t("budget_wan", lang), format=",.2f"),
               alt.Tooltip("share:Q", title=t("share", lang), format=".1%")]
    df = by_level.copy()
    df["share"] = df["budget"] / df["budget"].sum()
    base = alt.Chart(df).encode(theta=alt.Theta("budget:Q", stack=True),
                                color=alt.Color("level:N", sort=levels, scale=alt.Scale(domain=levels, range=list(PALETTE)),
                                                legend=fitted_legend(levels, t("funding_level", lang))),
                                order=alt.Order("order:Q"), tooltip=tooltip)
    arcs = base.mark_arc(innerRadius=60, outerRadius=110)
    labels = base.mark_text(radius=135, fontSize=13, font=FONT).encode(text=alt.Text("budget:Q", format=",.0f"))
    return finish(alt.layer(arcs, labels), t("chart_budget_levels", lang), 300)


SLOPE_LIMIT = 40  # lines a slope chart draws; a longer ranking shows its biggest movers


def rank_slope_data(frame: pd.DataFrame, lang: str = "zh", limit: int = SLOPE_LIMIT) -> pd.DataFrame:
    """The slope chart's marks: one row per unit and side (official, scenario), unit by unit.
    ``frame``: unit, official_rank, scenario_rank, official_total, scenario_total, rating columns.

    Up to ``limit`` units, a mark's height (``pos``) is its rank. A longer ranking (402
    communities, or thousands in a big workbook) would draw a chart thousands of pixels tall, so
    it keeps the ``limit`` units whose rank moves most (best official rank first among equals),
    placed by their order on each side among those units; labels and tooltips keep the real ranks."""
    official, scenario = t("official", lang), t("scenario", lang)
    if len(frame) > limit:
        moved = (frame["official_rank"] - frame["scenario_rank"]).abs().to_numpy()
        keep = np.lexsort((frame["official_rank"].to_numpy(), -moved))[:limit]
        frame = frame.iloc[np.sort(keep)]
        off_pos = _order(frame, "official")
        new_pos = _order(frame, "scenario")
    else:
        off_pos = frame["official_rank"].to_numpy(dtype=np.int64)
        new_pos = frame["scenario_rank"].to_numpy(dtype=np.int64)
    n = len(frame)
    off_rank = frame["official_rank"].to_numpy(dtype=np.int64)
    new_rank = frame["scenario_rank"].to_numpy(dtype=np.int64)
    change = np.where(new_rank < off_rank, t("rank_up", lang),
                      np.where(new_rank > off_rank, t("rank_down", lang), t("rank_same", lang))).astype(object)
    units = frame["unit"].astype(str).to_numpy(dtype=object)

    def pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # unit by unit, official then scenario
        out = np.empty(2 * n, dtype=a.dtype if a.dtype == b.dtype else object)
        out[0::2], out[1::2] = a, b
        return out

    rank = pairs(off_rank, new_rank)
    unit = np.repeat(units, 2)
    return pd.DataFrame({
        "unit": unit, "side": np.tile(np.array([official, scenario], dtype=object), n), "rank": rank,
        "pos": pairs(off_pos, new_pos),
        "total": pairs(frame["official_total"].to_numpy(dtype=float), frame["scenario_total"].to_numpy(dtype=float)),
        "rating": pairs(frame["official_rating"].to_numpy(dtype=object), frame["scenario_rating"].to_numpy(dtype=object)),
        "label": np.char.add(np.char.add(rank.astype(str), ". "), unit.astype(str)).astype(object),
        "change_label": np.repeat(change, 2)})


def _order(frame: pd.DataFrame, side: str) -> np.ndarray:
    """1..n: each unit's place on one side among the units drawn (by rank, then name)."""
    order = np.lexsort((frame["unit"].astype(str).to_numpy(), frame[f"{side}_rank"].to_numpy()))
    pos = np.empty(len(frame), dtype=np.int64)
    pos[order] = np.arange(1, len(frame) + 1)
    return pos


def rank_slope_shape(frame: pd.DataFrame, limit: int = SLOPE_LIMIT) -> tuple[int, int]:
    """(rows drawn, units in the ranking): the slope chart's spec depends on these and the language."""
    return (rank_extent(frame) if len(frame) <= limit else limit), len(frame)


def rank_slope_chart(long: pd.DataFrame, rows: int, units: int, lang: str = "zh") -> alt.TopLevelMixin:
    """The slope chart of ``rank_slope_data``: ``rows`` marks high, for a ranking of ``units``
    units (the title says when it shows only the biggest movers). Its spec depends on those
    numbers and ``lang`` only, so a page can compile it once and send only new data (see
    ``spec_without_data``)."""
    official, scenario = t("official", lang), t("scenario", lang)
    names = [t("rank_up", lang), t("rank_same", lang), t("rank_down", lang)]
    color = alt.Color("change_label:N", sort=names,
                      scale=alt.Scale(domain=names, range=list(RANK_CHANGE_COLORS)), title=None)
    n = max(int(rows), 1)
    y = alt.Y("pos:Q", scale=alt.Scale(domain=[n + 0.5, 0.5]), axis=None, title=t("slope_position", lang))
    x = alt.X("side:N", sort=[official, scenario], title=None, axis=alt.Axis(labelFontSize=14, orient="top"),
              scale=alt.Scale(padding=1.2))
    tooltip = [alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("side:N", title=""),
               alt.Tooltip("rank:Q", title=t("rank", lang)), alt.Tooltip("total:Q", title=t("total_score", lang), format=".2f"),
               alt.Tooltip("rating:N", title=t("rating", lang))]
    base = alt.Chart(long).encode(x=x, y=y, tooltip=tooltip)
    lines = base.mark_line(strokeWidth=2.5).encode(detail="unit:N", color=color)
    points = base.mark_circle(size=80).encode(color=color)
    left = base.transform_filter(alt.datum.side == official).mark_text(align="right", dx=-10, fontSize=13, font=FONT).encode(
        text="label:N")
    right = base.transform_filter(alt.datum.side == scenario).mark_text(align="left", dx=10, fontSize=13, font=FONT).encode(
        text="label:N")
    title = t("chart_rank_change", lang)
    if units > n:
        title += t("chart_rank_movers", lang, shown=n, total=units)
    return finish(alt.layer(lines, points, left, right), title, max(220, 34 * n))


def rank_slope(frame: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """Official rank → scenario rank per unit (a slope chart); rising units green, falling red.
    ``frame``: unit, official_rank, scenario_rank, official_total, scenario_total, rating columns.
    The rank axis spans ``rank_extent(frame)``, not the largest rank drawn, so that it stays put
    as the ranks move; more than ``SLOPE_LIMIT`` units show the biggest movers."""
    return rank_slope_chart(rank_slope_data(frame, lang), *rank_slope_shape(frame), lang)


def rank_extent(frame: pd.DataFrame) -> int:
    """The most units that share a depth (ranks are within a depth and never exceed it)."""
    if "depth" in frame and len(frame):
        return int(frame.groupby("depth").size().max())
    return len(frame)


def weight_bars_data(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Two bars per leaf (official, scenario). ``frame``: code, name, level1, official, scenario."""
    n = len(frame)
    label = (frame["code"].astype(str) + " " + frame["name"].astype(str)).to_numpy(dtype=object)
    return pd.DataFrame({
        "label": np.tile(label, 2), "level1": np.tile(frame["level1"].to_numpy(dtype=object), 2),
        "code": np.tile(frame["code"].to_numpy(dtype=object), 2),
        "series": np.repeat(np.array([t("official", lang), t("scenario", lang)], dtype=object), n),
        "points": np.concatenate([frame["official"].to_numpy(dtype=float), frame["scenario"].to_numpy(dtype=float)])})


def weight_bars_chart(long: pd.DataFrame, labels: tuple[str, ...], lang: str = "zh") -> alt.TopLevelMixin:
    """The bars of ``weight_bars_data``, leaves in the order of ``labels`` (the spec depends on
    ``labels`` and ``lang`` only)."""
    official, scenario = t("official", lang), t("scenario", lang)
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("label:N", sort=list(labels), title=None), yOffset=alt.YOffset("series:N", sort=[official, scenario]),
        x=alt.X("points:Q", title=t("points", lang)),
        color=alt.Color("series:N", sort=[official, scenario], scale=alt.Scale(range=[COMPARISON_COLOR, ACCENT]), title=None),
        tooltip=[alt.Tooltip("label:N", title=t("indicator", lang)), alt.Tooltip("level1:N", title=t("level1", lang)),
                 alt.Tooltip("series:N", title=""), alt.Tooltip("points:Q", title=t("points", lang), format=".2f")])
    return finish(chart, t("chart_leaf_weights", lang), max(200, 32 * len(labels)))


def weight_bars(frame: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """Official vs scenario points of every leaf. ``frame``: code, name, level1, official, scenario."""
    labels = tuple(frame["code"] + " " + frame["name"])
    return weight_bars_chart(weight_bars_data(frame, lang), labels, lang)


def spec_without_data(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A chart's Vega-Lite spec without its data, as Streamlit would send it (no Altair default
    theme). Built once per shape, it lets a page send only new data on every slider move: the
    browser then swaps the dataset in the drawn chart instead of drawing it anew."""
    # top_level False: the spec without the theme's defaults and without the inlined datasets
    spec: dict[str, Any] = chart.to_dict(context={"top_level": False})
    spec.pop("data", None)
    spec.pop("datasets", None)
    spec["$schema"] = alt.SCHEMA_URL
    return spec


def rank_interval_chart(table: pd.DataFrame, lang: str = "zh") -> alt.TopLevelMixin:
    """Monte Carlo rank intervals: 5–95 % as a bar, the median as a dot, the official rank as a tick.
    ``table``: unit, official_rank, rank_p5, rank_median, rank_p95."""
    df = table.sort_values(["official_rank", "unit"]).copy()
    units = df["unit"].tolist()
    n = int(df["rank_p95"].max()) if len(df) else 1
    tooltip = [alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("official_rank:Q", title=t("official_rank", lang)),
               alt.Tooltip("rank_median:Q", title=t("median_rank", lang)), alt.Tooltip("rank_p5:Q", title="P5"),
               alt.Tooltip("rank_p95:Q", title="P95")]
    y = alt.Y("unit:N", sort=units, title=None)
    x_scale = alt.Scale(domain=[0.5, n + 0.5])
    base = alt.Chart(df).encode(y=y, tooltip=tooltip)
    interval = base.mark_bar(height=10, cornerRadius=5, color=COMPARISON_COLOR).encode(
        x=alt.X("rank_p5:Q", scale=x_scale, title=t("rank", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        x2="rank_p95:Q")
    median = base.mark_circle(size=120, color=ACCENT).encode(x=alt.X("rank_median:Q", scale=x_scale))
    official = base.mark_tick(color=TARGET_COLOR, thickness=3, size=22).encode(x=alt.X("official_rank:Q", scale=x_scale))
    return finish(alt.layer(interval, median, official), t("chart_rank_interval", lang), _rows(34))


def band_probability_chart(table: pd.DataFrame, bands: Bands, lang: str = "zh") -> alt.TopLevelMixin:
    """Probability of each rating per unit, stacked in band order. ``table`` has p_<label> columns."""
    labels = list(bands.labels)
    df = table.sort_values(["official_rank", "unit"])
    units = df["unit"].tolist()
    long = df.melt(id_vars=["unit", "official_rating"], value_vars=[f"p_{lbl}" for lbl in labels],
                   var_name="band", value_name="probability")
    long["band"] = long["band"].str[2:]
    long["order"] = long["band"].map({lbl: k for k, lbl in enumerate(labels)})
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("unit:N", sort=units, title=None),
        x=alt.X("probability:Q", stack="normalize", title=t("probability", lang), axis=alt.Axis(format=".0%")),
        color=alt.Color("band:N", scale=band_scale(bands), sort=labels, title=t("rating", lang)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("unit:N", title=t("unit", lang)), alt.Tooltip("official_rating:N", title=t("official", lang)),
                 alt.Tooltip("band:N", title=t("rating", lang)),
                 alt.Tooltip("probability:Q", title=t("probability", lang), format=".1%")])
    return finish(chart, t("chart_band_probability", lang), _rows(34))
