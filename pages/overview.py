import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, export_buttons, page_header, plain, rating_badge
from perfeval_core import charts, views
from perfeval_core.budget import by_level
from perfeval_core.i18n import fmt_pct, fmt_score, fmt_wan
from perfeval_core.summary import summary

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_overview")
d = summary(ev)

c1, c2, c3, c4 = st.columns(4, border=True)
with c1:
    st.metric(t("total_score"), fmt_score(d["total_score"]), help=f"{t('rating')}：{plain(d['rating'])}")
    st.markdown(rating_badge(ctx, d["rating"]))
if d["budget"]:
    b = d["budget"]
    c2.metric(t("budget_wan"), f"{b['budget']:,.2f}".rstrip("0").rstrip("."),
              help=" · ".join(f"{plain(lvl['level'])} {fmt_wan(lvl['budget'], lang)}" for lvl in b["by_level"]))
    c2.caption(" · ".join(f"{plain(lvl['level'])} {lvl['budget']:,.0f}" for lvl in b["by_level"]))
    c3.metric(t("arrival_rate"), fmt_pct(d["arrival_rate"]), help=d["definitions"]["arrival_rate"])
    if d["arrival_rate"] is not None:  # a 自评表 prints no 到位 figure
        c3.caption(f"{t('arrived')} {fmt_wan(b['arrived'], lang)}")
    c4.metric(t("execution_rate"), fmt_pct(d["execution_rate"]), help=d["definitions"]["execution_rate"])
    c4.caption(f"{t('spent')} {fmt_wan(b['spent'], lang)}")
second = []
if d["units_budgeted"] is not None:
    second.append((t("units_budgeted_used"), f"{d['units_budgeted']} / {d['units_used_funds']}"))
if d["project_count"] is not None:
    second.append((t("project_count"), f"{d['project_count']:,}"))
if d["satisfaction"]:
    second.append((t("satisfaction"), fmt_pct(d["satisfaction"]["overall"])))
if d["participation"]:
    second.append((t("participation"), fmt_pct(d["participation"]["overall"])))
if second:
    # bordered only where a figure is: a form with one or two figures shows no empty cards
    for holder, (label, value) in zip(st.columns(4), second):
        holder.container(border=True).metric(label, value)

left, right = st.columns(2)
depth = views.main_depth(ev)
districts = views.scores_of(ev, ctx.official, views.children(ev, None))
with left:
    if len(districts):
        chart(charts.score_bars(districts, ev.bands, lang, selectable=False), key="overview_scores")
    if d["budget"]:
        levels = by_level(ev).reset_index(names="level")
        levels["order"] = range(len(levels))
        chart(charts.level_donut(levels, lang), key="overview_levels")
with right:
    totals = views.category_totals(ev)
    if len(totals):
        chart(charts.category_totals_chart(totals, lang), key="overview_categories")
    table = views.budget_by(ev, views.children(ev, None))
    if len(table) and d["budget"]:
        chart(charts.rate_bars(table, "execution_rate", float(d["execution_rate"]), lang), key="overview_exec")

if ev.project.conclusion or ev.project.problems:
    st.subheader(t("conclusion"))
    if ev.project.conclusion:
        st.text(ev.project.conclusion)
    if ev.project.problems:
        st.markdown(f"**{t('main_problems')}**")
        for item in [p for p in ev.project.problems.replace("\n", "；").split("；") if p.strip()]:
            st.markdown(f"- {plain(item)}")

st.subheader(t("exports"))
export_buttons(ctx)
