import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, drill_path, headline, message, no_data, page_header, plain, table
from perfeval_core.analysis.budget import by_unit as budget_by_unit
from perfeval_core.analysis.budget import totals as budget_totals
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import LIST_LIMIT, fmt_number, fmt_pct, join_list

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_budget")
headline(ctx, "budget")  # the sentence the deck and 演示模式 say
if ev.budget.empty:
    no_data(ctx)
    st.stop()

path = drill_path(ctx, "budget_scope")
scope = path[-1] if path else None
# every figure below is the chosen unit's (its whole subtree), or the project's when none is chosen
overall = budget_totals(ev) if scope is None else budget_by_unit(ev).loc[scope]
units = views.children(ev, scope) or ([scope] if scope else [])
frame = views.budget_by(ev, units)

# five cards across a 1366-px screen: their figures a size smaller than Streamlit's, so 100.00% fits
st.html("<style>.st-key-budget_cards [data-testid='stMetricValue'] {font-size: 1.85rem;}</style>")
cards = st.container(key="budget_cards").columns(5, border=True)
for holder, label, value in ((cards[0], "budget_wan", overall["budget"]), (cards[1], "arrived_wan", overall["arrived"]),
                             (cards[2], "spent_wan", overall["spent"])):
    # a card holds seven digits: six-figure amounts (a 50,000-unit programme) without their decimals
    holder.metric(t(label), fmt_number(value, 0 if abs(value) >= 100_000 else 2))
cards[3].metric(t("arrival_rate"), fmt_pct(overall["arrival_rate"]))
cards[4].metric(t("execution_rate"), fmt_pct(overall["execution_rate"]))
if scope is not None:
    st.caption(plain(t("budget_scope_note", unit=scope)))

average = t("city_average") if scope is None else t("scope_average", unit=scope)
target_choice = st.segmented_control(
    t("target"), ["average", "100"], key="budget_target", selection_mode="single", default="average",
    format_func=lambda v: average if v == "average" else "100%") or "average"

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
if scope is not None:
    inside = set(views.descendants(ev, scope)) | {scope}
    unused = unused[unused["unit"].isin(inside)]
with st.expander(t("not_used_units", count=len(unused)), expanded=bool(len(unused))):
    if len(unused):
        table(unused.rename(columns={"unit": t("unit"), "parent": t("parent_unit"), "district": t("district"),
                                     "budget": t("budget_wan")}))
    else:  # an empty grid says "empty", in English
        st.caption(t("none"))
percent = frame.assign(arrival_rate=frame["arrival_rate"] * 100, execution_rate=frame["execution_rate"] * 100)
table(percent[["unit", "budget", "arrived", "spent", "arrival_rate", "execution_rate"]].rename(columns={
    "unit": t("unit"), "budget": t("budget"), "arrived": t("arrived"), "spent": t("spent"),
    "arrival_rate": t("arrival_rate"), "execution_rate": t("execution_rate")}),
    column_config={t("arrival_rate"): st.column_config.NumberColumn(format="%.2f%%"),
                   t("execution_rate"): st.column_config.NumberColumn(format="%.2f%%"),
                   **{t(k): st.column_config.NumberColumn(format="localized") for k in ("budget", "arrived", "spent")}})
