import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, page_header, plain, table
from perfeval_core import charts, views
from perfeval_core.charts import SELECT_UNIT
from perfeval_core.i18n import fmt_pct, fmt_score

ctx = context()
t, lang, ev, result = ctx.t, ctx.lang, ctx.evaluation, ctx.official
page_header(ctx, "page_districts")

districts = views.children(ev, None)
scores = views.scores_of(ev, result, districts)
if scores.empty:
    st.info(t("no_data"), icon=":material/info:")
    st.stop()
NONE = "—"
options = [NONE] + scores["unit"].tolist()
if st.session_state.get("drill_unit") not in options:
    st.session_state.drill_unit = NONE


def _picked_from_chart() -> None:
    """A click on a bar (Altair point selection) sets the drill-down unit."""
    event = st.session_state.get("district_chart") or {}
    points = (event.get("selection") or {}).get(SELECT_UNIT) or []
    unit = points[0].get("unit") if points and isinstance(points[0], dict) else None
    st.session_state.drill_unit = unit if unit in options else NONE


st.caption(t("click_to_drill"))
chart(charts.score_bars(scores, ev.bands, lang), key="district_chart", on_select=_picked_from_chart,
      selection_mode=SELECT_UNIT)
selected = st.selectbox(t("district"), options, key="drill_unit",
                        format_func=lambda u: t("clear_selection") if u == NONE else u)

if selected != NONE:
    row = scores.set_index("unit").loc[selected]
    st.subheader(plain(selected) + (" ★" if row["field_visited"] else ""))
    c1, c2, c3 = st.columns(3, border=True)
    c1.metric(t("total_score"), fmt_score(row["total"]))
    c2.metric(t("rank"), f"{int(row['rank'])} / {len(scores)}")
    c3.metric(t("rating"), plain(row["rating"]))
    peers = scores["unit"].tolist()
    left, right = st.columns(2)
    with left:
        chart(charts.profile_chart(views.profile(ev, result, selected, peers), selected, lang), key="profile")
    with right:
        budget = views.budget_by(ev, [selected])
        if len(budget):
            b = budget.iloc[0]
            st.metric(t("budget_wan"), f"{b['budget']:,.2f}")
            st.metric(t("execution_rate"), fmt_pct(b["execution_rate"]))
    kids = views.scores_of(ev, result, views.children(ev, selected))
    if len(kids):
        chart(charts.score_bars(kids, ev.bands, lang, title=t("chart_scores_children", unit=selected), selectable=False),
              key="children_chart")
        chart(charts.heatmap_chart(views.heatmap(ev, result, kids["unit"].tolist()), lang, kids["unit"].tolist()),
              key="children_heatmap")
    else:
        names = views.children(ev, selected)
        st.caption(f"{len(names)} · " + "、".join(map(plain, names[:30])) + ("…" if len(names) > 30 else ""))
    st.divider()

left, right = st.columns([3, 2])
units = scores["unit"].tolist()
with left:
    chart(charts.level1_stacked(views.level1_long(ev, result, units), lang, units), key="level1")
with right:
    dist = views.rating_distribution(result, scores)
    chart(charts.rating_distribution_chart(dist, ev.bands, lang), key="rating_dist")
chart(charts.heatmap_chart(views.heatmap(ev, result, units), lang, units), key="heatmap")

st.subheader(t("ranking_table"))
level1 = [result.model.tree.names[i] for i in result.model.tree.level1]
shown = scores[["rank", "unit", "total", "rating", *level1, "field_visited"]].rename(columns={
    "rank": t("rank"), "unit": t("unit"), "total": t("total_score"), "rating": t("rating"),
    "field_visited": t("field_visited")})
table(shown, column_config={t("total_score"): st.column_config.NumberColumn(format="%.2f"),
                            **{n: st.column_config.NumberColumn(format="%.2f") for n in level1}})
