import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, page_header, plain, table
from perfeval_core.analysis.scoring import project_unit
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import fmt_score, paren

ctx = context()
t, lang, ev, result = ctx.t, ctx.lang, ctx.evaluation, ctx.official
page_header(ctx, "page_scoresheet")

units = result.model.unit_names
default = project_unit(ev) or units[0]
if st.session_state.get("sheet_unit") not in units:
    st.session_state.sheet_unit = default
unit = st.selectbox(t("unit"), units, key="sheet_unit")
sheet = views.score_sheet(ev, result, unit)
total = result.unit_total(unit)
rating = plain(ev.bands.label(total)) if total is not None else "—"
st.markdown(f"**{plain(unit)}** · {t('total_score')} **{fmt_score(total)}** · {t('rating')} **{rating}**")

columns = {"name": t("indicator"), "points": t("points"), "score": t("score"), "rate": t("score_rate"),
           "reason": t("reason")}
config = {t("points"): st.column_config.NumberColumn(format="%.2f"), t("score"): st.column_config.NumberColumn(format="%.2f"),
          t("score_rate"): st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)}
for _, top in sheet[sheet["level"] == 1].iterrows():
    label = f"{plain(top['name'])}  {fmt_score(top['score'])} / {top['points']:g}"
    with st.expander(label, expanded=False):
        part = sheet[sheet["code"].str.startswith(top["code"]) & (sheet["level"] > 1)].copy()
        part["name"] = ["　" * (lvl - 2) + f"{code} {name}" for lvl, code, name in
                        zip(part["level"], part["code"], part["name"])]
        table(part[list(columns)].rename(columns=columns), column_config=config)

st.subheader(t("page_scoresheet") + " · " + t("unit"))
tree = result.model.tree
labels = [f"{c} {n}" for c, n in zip(tree.codes, tree.names)]
SIDE_BY_SIDE = 30  # units as columns up to this many; beyond, one row per unit (50,000 columns helped nobody)
if len(units) <= SIDE_BY_SIDE:
    wide = result.subtotals().T
    wide.insert(0, t("points"), result.node_points)
    wide.index = labels
    # a matrix wider than the screen scrolls sideways by design; the indicator column stays pinned
    table(wide.reset_index(names=t("indicator")), column_config={
        t("indicator"): st.column_config.TextColumn(pinned=True),
        **{c: st.column_config.NumberColumn(format="%.2f") for c in wide.columns}})
else:
    long = result.subtotals()
    long.columns = [label + paren(f"{points:g}", lang) for label, points in zip(labels, result.node_points)]
    table(long.reset_index(names=t("unit")), column_config={
        t("unit"): st.column_config.TextColumn(pinned=True),
        **{c: st.column_config.NumberColumn(format="%.2f") for c in long.columns}})

left, right = st.columns(2)
with left:
    scored = views.scores_of(ev, result, views.children(ev, None))
    if len(scored):
        chart(charts.rating_distribution_chart(views.rating_distribution(result, scored), ev.bands, lang), key="dist")
with right:
    st.subheader(t("definitions"))
    p = ev.project
    colon, sep = t("colon"), t("list_sep")
    bands = [f"{plain(lbl)} ≥ {v:g}" for lbl, v in zip(ev.bands.labels, ev.bands.thresholds)]
    bands.append(f"{plain(ev.bands.labels[-1])} < {ev.bands.thresholds[-1]:g}")
    st.markdown(
        f"- {t('arrival_rate')}{colon}{t('def_arrival_' + p.arrival_rate_definition)}\n"
        f"- {t('execution_rate')}{colon}{t('def_execution_' + p.execution_rate_definition)}\n"
        f"- {t('satisfaction')}{colon}{t('def_satisfaction_' + p.satisfaction_rule)}\n"
        f"- {t('bands')}{colon}" + sep.join(bands))
