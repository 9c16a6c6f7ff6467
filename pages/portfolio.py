"""项目对比: every loaded evaluation side by side, whatever its layout (template, 评分表, 自评表, …)."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.state import context, evaluation_label, loaded_evaluations
from dashboard.ui import chart, plain, table
from perfeval_core.model.evaluation import Bands
from perfeval_core.present import views
from perfeval_core.present.charts import band_scale, finish
from perfeval_core.present.i18n import half_up_array

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("page_portfolio"))
rows = []
for entry, result in loaded_evaluations().values():
    if result.evaluation is None:
        continue
    ev = result.evaluation
    row = views.portfolio_row(ev)
    row["layout"] = t(f"layout_{ev.layout}")
    row["file"] = entry.filename
    # two lines on the axis: what tells the evaluations apart, then the project
    row["label"] = " ".join(str(p) for p in (ev.project.year, ev.project.region, row["layout"]) if p) + "|" + ev.project.name
    row["full"] = evaluation_label(result, entry, lang)
    rows.append(row)
frame = pd.DataFrame(rows)
bands = Bands().relabelled(lang)  # the default bands as the UI's language says them
frame["rating"] = frame["rating"].map(lambda r: dict(zip(Bands().labels, bands.labels)).get(r, r))
for column in ("budget", "arrived", "spent", "arrival_rate", "execution_rate"):
    # numbers, NaN where an evaluation has none (a 评分表 carries no budget): shown empty, not "None"
    frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else float("nan")
frame["total"] = half_up_array(pd.to_numeric(frame["total"], errors="coerce"), 2)
scored = frame.dropna(subset=["total"])
if len(scored):
    order = scored.sort_values("total", ascending=False)["label"].tolist()
    base = alt.Chart(scored).encode(
        y=alt.Y("label:N", sort=order, title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, labelFontSize=13)),
        x=alt.X("total:Q", scale=alt.Scale(domain=[0, 105]), title=t("total_score")))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("rating:N", scale=band_scale(bands), title=t("rating"), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("full:N", title=t("project")), alt.Tooltip("total:Q", format=".2f", title=t("total_score")),
                 alt.Tooltip("rating:N", title=t("rating")), alt.Tooltip("budget:Q", format=",.2f", title=t("budget_wan")),
                 alt.Tooltip("execution_rate:Q", format=".2%", title=t("execution_rate")),
                 alt.Tooltip("file:N", title=t("file"))])
    values = base.mark_text(align="left", dx=4, fontSize=13).encode(text=alt.Text("total:Q", format=".2f"))
    chart(finish(alt.layer(bars, values), t("chart_portfolio"), max(160, 64 * len(scored))), key="portfolio_chart")
unscored = frame[frame["total"].isna()]
if len(unscored):
    st.caption(plain(t("portfolio_unscored", names="、".join(unscored["full"].astype(str)))))
frame["which"] = [" ".join(str(p) for p in (y, r, lay) if p) for y, r, lay in zip(frame["year"], frame["region"], frame["layout"])]
# the columns that fit beside the sidebar on a 1366-px screen; the file and the amounts are in the tooltip
table(frame[["project", "which", "total", "rating", "budget", "arrival_rate", "execution_rate"]].rename(columns={
    "project": t("project"), "which": t("portfolio_which"), "total": t("total_score"), "rating": t("rating"),
    "budget": t("budget_wan"), "arrival_rate": t("arrival_rate"), "execution_rate": t("execution_rate")}),
    column_config={t("arrival_rate"): st.column_config.NumberColumn(format="percent", width="small"),
                   t("execution_rate"): st.column_config.NumberColumn(format="percent", width="small"),
                   t("total_score"): st.column_config.NumberColumn(format="%.2f", width="small"),
                   t("rating"): st.column_config.Column(width="small"),
                   t("budget_wan"): st.column_config.NumberColumn(format="localized", width="small")})
