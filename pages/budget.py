import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, message, no_data, page_header, table
from perfeval_core import charts, views
from perfeval_core.budget import totals as budget_totals
from perfeval_core.i18n import LIST_LIMIT, fmt_pct, fmt_wan, join_list

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_budget")
if ev.budget.empty:
    no_data(ctx)
    st.stop()

overall = budget_totals(ev)
districts = views.children(ev, None)
ALL = "—"
scope = st.selectbox(t("district"), [ALL] + districts, key="budget_scope",
                     format_func=lambda u: t("clear_selection") if u == ALL else u)
units = districts if scope == ALL else views.children(ev, scope) or [scope]
frame = views.budget_by(ev, units)

c1, c2, c3, c4 = st.columns(4, border=True)
c1.metric(t("budget_wan"), f"{overall['budget']:,.2f}".rstrip("0").rstrip("."))
c2.metric(t("arrived"), fmt_wan(overall["arrived"], lang))
c3.metric(t("arrival_rate"), fmt_pct(overall["arrival_rate"]))
c4.metric(t("execution_rate"), fmt_pct(overall["execution_rate"]))

target_choice = st.segmented_control(
    t("target"), ["average", "100"], key="budget_target", selection_mode="single", default="average",
    format_func=lambda v: f"{t('city_average')}" if v == "average" else "100%") or "average"

left, right = st.columns(2)
with left:
    chart(charts.budget_levels(views.budget_by_level(ev, units), lang, units), key="budget_levels")
with right:
    chart(charts.budget_flow(frame, lang), key="budget_flow")
left, right = st.columns(2)
for column, holder in (("arrival_rate", left), ("execution_rate", right)):
    target = 1.0 if target_choice == "100" else float(overall[column])
    with holder:
        chart(charts.rate_bars(frame.dropna(subset=[column]), column, target, lang), key=f"rate_{column}")
        below = views.below(frame, column, target)
        st.markdown(message(t, "below_target",
                            units=join_list(below, lang, LIST_LIMIT, "more_units") if below else t("none")))

unused = views.unused_units(ev)
if scope != ALL:
    unused = unused[unused["district"] == scope]
with st.expander(t("not_used_units", count=len(unused)), expanded=bool(len(unused))):
    table(unused.rename(columns={"unit": t("unit"), "parent": t("parent_unit"), "district": t("district"),
                                 "budget": t("budget_wan")}))
percent = frame.assign(arrival_rate=frame["arrival_rate"] * 100, execution_rate=frame["execution_rate"] * 100)
table(percent[["unit", "budget", "arrived", "spent", "arrival_rate", "execution_rate"]].rename(columns={
    "unit": t("unit"), "budget": t("budget"), "arrived": t("arrived"), "spent": t("spent"),
    "arrival_rate": t("arrival_rate"), "execution_rate": t("execution_rate")}),
    column_config={t("arrival_rate"): st.column_config.NumberColumn(format="%.2f%%"),
                   t("execution_rate"): st.column_config.NumberColumn(format="%.2f%%"),
                   **{t(k): st.column_config.NumberColumn(format="localized") for k in ("budget", "arrived", "spent")}})
