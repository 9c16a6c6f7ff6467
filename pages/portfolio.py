import altair as alt
import pandas as pd
import streamlit as st

from dashboard.state import context, loaded_evaluations
from dashboard.ui import chart, table
from perfeval_core import views
from perfeval_core.charts import band_scale, finish
from perfeval_core.model import Bands

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("page_portfolio"))
rows = [views.portfolio_row(result.evaluation) for _, (entry, result) in loaded_evaluations().items()
        if result.evaluation is not None and result.evaluation.layout == "template"]
frame = pd.DataFrame(rows)
frame["label"] = frame["region"] + " " + frame["year"].astype(str) + " · " + frame["project"]
bands = Bands()
bars = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
    y=alt.Y("label:N", sort=frame.sort_values("total", ascending=False)["label"].tolist(), title=None),
    x=alt.X("total:Q", scale=alt.Scale(domain=[0, 100]), title=t("total_score")),
    color=alt.Color("rating:N", scale=band_scale(bands), title=t("rating")),
    tooltip=[alt.Tooltip("label:N", title=t("project")), alt.Tooltip("total:Q", format=".2f", title=t("total_score")),
             alt.Tooltip("rating:N", title=t("rating")), alt.Tooltip("budget:Q", format=",.2f", title=t("budget_wan")),
             alt.Tooltip("execution_rate:Q", format=".2%", title=t("execution_rate"))])
chart(finish(bars, t("page_portfolio"), max(140, 46 * len(frame))), key="portfolio_chart")
table(frame[["project", "year", "region", "mode", "total", "rating", "budget", "arrived", "spent", "arrival_rate",
             "execution_rate"]].rename(columns={
    "project": t("project"), "year": t("year"), "region": t("region"), "mode": t("mode"), "total": t("total_score"),
    "rating": t("rating"), "budget": t("budget_wan"), "arrived": t("arrived"), "spent": t("spent"),
    "arrival_rate": t("arrival_rate"), "execution_rate": t("execution_rate")}),
    column_config={t("arrival_rate"): st.column_config.NumberColumn(format="percent"),
                   t("execution_rate"): st.column_config.NumberColumn(format="percent"),
                   t("total_score"): st.column_config.NumberColumn(format="%.2f")})
