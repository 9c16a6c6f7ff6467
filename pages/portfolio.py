"""项目对比: every loaded evaluation side by side, whatever its layout (template, 评分表, 自评表, …)."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.state import context, evaluation_label, loaded_evaluations
from dashboard.ui import chart, plain, table
from perfeval_core.analysis import gaps
from perfeval_core.model.evaluation import Bands
from perfeval_core.present import views
from perfeval_core.present.charts import band_scale, finish
from perfeval_core.present.export_xlsx import gap_line, gaps_workbook_bytes
from perfeval_core.present.i18n import half_up_array, mode_name

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
    row["mode"] = ev.project.mode
    row["full"] = evaluation_label(result, entry, lang)
    rows.append(row)
frame = pd.DataFrame(rows)
# what tells two evaluations of one project and year apart: their layout, else their mode
# (单位自评 / 部门评价) in the layout's place (both share it), else the file besides
def which(*columns: pd.Series) -> list[str]:
    return [" ".join(str(p) for p in row if p) for row in zip(*columns)]


frame["which"] = which(frame["year"], frame["region"], frame["layout"])
clash = frame.duplicated(["which", "project"], keep=False)
if clash.any():
    by_mode = which(frame["year"], frame["region"], frame["mode"].map(lambda m: mode_name(m, lang)))
    frame.loc[clash, "which"] = pd.Series(by_mode, index=frame.index)[clash]
    clash = frame.duplicated(["which", "project"], keep=False)
    frame.loc[clash, "which"] = frame.loc[clash, "which"] + " " + frame.loc[clash, "file"].astype(str)
frame["label"] = frame["which"] + "|" + frame["project"].astype(str)
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
# the columns that fit beside the sidebar on a 1366-px screen; the file and the amounts are in the tooltip
table(frame[["project", "which", "total", "rating", "budget", "arrival_rate", "execution_rate"]].rename(columns={
    "project": t("project"), "which": t("portfolio_which"), "total": t("total_score"), "rating": t("rating"),
    "budget": t("budget_wan"), "arrival_rate": t("arrival_rate"), "execution_rate": t("execution_rate")}),
    column_config={t("arrival_rate"): st.column_config.NumberColumn(format="percent", width="small"),
                   t("execution_rate"): st.column_config.NumberColumn(format="percent", width="small"),
                   t("total_score"): st.column_config.NumberColumn(format="%.2f", width="small"),
                   t("rating"): st.column_config.Column(width="small"),
                   t("budget_wan"): st.column_config.NumberColumn(format="localized", width="small")})

# self-evaluation against evaluation: the list a finance bureau picks 重点评价 from
st.subheader(t("gap_title"))
st.caption(t("gap_help"))
found = gaps.gap_list(r.evaluation for _e, r in loaded_evaluations().values() if r.evaluation is not None)
if not found:
    st.info(t("gap_none"), icon=":material/info:")
for g in found:
    st.markdown("**" + plain(gap_line(g, lang)) + "**")
    if g.table.empty:  # a stated 自评 total: no indicators to compare
        continue
    shown = g.table.copy()
    for column in ("self", "evaluation", "gap"):
        shown[column] = half_up_array(shown[column].astype(float), 2)
    table(shown, column_config={
        "indicator": t("indicator"),
        "self": st.column_config.NumberColumn(t("gap_self"), format="%.2f"),
        "evaluation": st.column_config.NumberColumn(t("gap_evaluation"), format="%.2f"),
        "gap": st.column_config.NumberColumn(t("gap_gap"), format="%+.2f")})
if found:
    st.download_button(t("gap_download"), lambda: gaps_workbook_bytes(found, lang), file_name="gaps.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="gaps_xlsx",
                       icon=":material/table_view:")
