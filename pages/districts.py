import streamlit as st

from dashboard.state import context
from dashboard.ui import (
    DRILL_NONE,
    chart,
    clear_below,
    drill_path,
    headline,
    kpi_cards,
    page_header,
    plain,
    rating_badge,
    table,
)
from perfeval_core.present import charts, views
from perfeval_core.present.charts import SELECT_UNIT
from perfeval_core.present.i18n import fmt_number, fmt_pct, fmt_score

ctx = context()
t, lang, ev, result = ctx.t, ctx.lang, ctx.evaluation, ctx.official
page_header(ctx, "page_districts")
headline(ctx, "ranking")  # the sentence the deck and 演示模式 say

districts = views.children(ev, None)
scores = views.scores_of(ev, result, districts)
if scores.empty:
    st.info(t("no_data"), icon=":material/info:")
    st.stop()


def _picked_from_chart() -> None:
    """A click on a bar (Altair point selection) chooses the district; the levels below reset."""
    event = st.session_state.get("district_chart") or {}
    points = (event.get("selection") or {}).get(SELECT_UNIT) or []
    unit = points[0].get("unit") if points and isinstance(points[0], dict) else None
    clear_below("drill_unit", 0)
    st.session_state.drill_unit_0 = unit if unit in set(scores["unit"]) else DRILL_NONE


st.caption(t("click_to_drill"))
chart(charts.score_bars(scores, ev.bands, lang), key="district_chart", on_select=_picked_from_chart,
      selection_mode=SELECT_UNIT)
path = drill_path(ctx, "drill_unit")  # district → street → community, to the deepest level

if path:
    focus = path[-1]
    peers = views.children(ev, path[-2] if len(path) > 1 else None)  # its level, within the same parent
    peer_scores = views.scores_of(ev, result, peers)
    st.subheader(plain(focus) + (" ★" if ev.units.loc[ev.units["name"] == focus, "field_visited"].any() else ""))
    scored = peer_scores.set_index("unit")
    if focus in scored.index:
        row = scored.loc[focus]
        cards = [{"label": t("total_score"), "value": fmt_score(row["total"])},
                 {"label": t("rank"), "value": f"{int(row['rank'])} / {len(peer_scores)}"},
                 {"label": t("rating"), "value": plain(row["rating"] or "—")}]
    else:
        cards = []
    budget = views.budget_by(ev, [focus])
    if len(budget):
        b = budget.iloc[0]
        cards += [{"label": t("budget_wan"), "value": fmt_number(b["budget"])},
                  {"label": t("execution_rate"), "value": fmt_pct(b["execution_rate"])}]
    kpi_cards(cards, per_row=max(len(cards), 3))
    if focus in scored.index:
        chart(charts.profile_chart(views.profile(ev, result, focus, peer_scores["unit"].tolist()), focus, lang),
              key="profile")
    names = views.children(ev, focus)
    kids = views.scores_of(ev, result, names)
    if len(kids):
        chart(charts.score_bars(kids, ev.bands, lang, title=t("chart_scores_children", unit=focus), selectable=False),
              key="children_chart")
        chart(charts.heatmap_chart(views.heatmap(ev, result, kids["unit"].tolist()), lang, kids["unit"].tolist()),
              key="children_heatmap")
    elif names:
        st.caption(f"{len(names)} · " + t("list_sep").join(map(plain, names[:30])) + ("…" if len(names) > 30 else ""))
    else:
        st.caption(t("deepest_level"))
    candidates = list(dict.fromkeys([*peer_scores["unit"].tolist(), *kids["unit"].tolist()]))
else:
    candidates = scores["unit"].tolist()

# any two or three units of the level in view, side by side
if len(candidates) >= 2:
    st.subheader(t("compare_units"))
    if any(u not in candidates for u in st.session_state.get("compare_units", [])):
        st.session_state.compare_units = [u for u in st.session_state.compare_units if u in candidates]
    chosen = st.multiselect(t("compare_units"), candidates, key="compare_units", max_selections=3,
                            label_visibility="collapsed", help=t("compare_help"), placeholder=t("compare_units"))
    if len(chosen) >= 2:
        picked = views.scores_of(ev, result, chosen).set_index("unit")
        money = views.budget_by(ev, chosen).set_index("unit") if not ev.budget.empty else None
        for holder, unit in zip(st.columns(len(chosen)), chosen):
            with holder.container(border=True, height="stretch"):
                st.markdown(f"**{plain(unit)}**")
                if unit in picked.index:
                    st.metric(t("total_score"), fmt_score(picked.at[unit, "total"]))
                    st.markdown(rating_badge(ctx, picked.at[unit, "rating"]))
                if money is not None and unit in money.index:
                    st.caption(f"{t('budget_wan')} {fmt_number(money.at[unit, 'budget'])} · "
                               f"{t('execution_rate')} {fmt_pct(money.at[unit, 'execution_rate'])}")
        chart(charts.compare_chart(views.level1_long(ev, result, chosen), chosen, lang), key="compare_chart")
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
