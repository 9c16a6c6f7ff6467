import time

import pandas as pd
import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, message, page_header, plain, table
from perfeval_core.analysis import robustness
from perfeval_core.analysis.whatif import level1_weights
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import LIST_LIMIT, join_list, paren

ctx = context()
t, lang, ev, model = ctx.t, ctx.lang, ctx.evaluation, ctx.model
page_header(ctx, "page_robustness")
tree = model.tree
GROUPS = [tree.names[i] for i in tree.level1]

scenario = st.session_state.get("current_scenario")
options = ["official"] + (["scenario"] if scenario is not None else [])
c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 1])
# radio buttons wrap their labels in a narrow column (a segmented control cut them off at 1366 px)
basis = c1.radio(t("rob_basis"), options, key="rob_basis", format_func=lambda v: t(f"rob_basis_{v}")) or "official"
weights = level1_weights(model, scenario) if basis == "scenario" else None
spread = c2.slider(t("rob_spread"), 0.0, 0.5, 0.2, 0.05, key="rob_spread", format="%.2f")
draws = c3.select_slider(t("rob_draws"), [1_000, 2_000, 5_000, 10_000, 20_000], value=10_000, key="rob_draws")
method = c4.radio(t("rob_method"), ["uniform", "dirichlet"], key="rob_method",
                  format_func=lambda v: t(f"rob_{v}")) or "uniform"
seed = c5.number_input(t("rob_seed"), 0, 10_000, 0, key="rob_seed")

depths = sorted(set(int(d) for d in model.unit_depth))
main = views.main_depth(ev)
main = main if main in depths else depths[0]
if st.session_state.get("rob_tier") not in depths:  # a tier of another evaluation
    st.session_state.rob_tier = main
tier_names = views.tier_names(ev)
tier = st.segmented_control(t("tier"), depths, key="rob_tier", selection_mode="single",
                            format_func=lambda d: plain(tier_names.get(d) or d))
tier = main if tier is None else tier

# 1. break-even weights
st.subheader(t("rob_breakeven"))
st.caption(t("rob_breakeven_help"))
be = robustness.rating_break_even(model, ctx.official.bands, weights)
be = be[be["depth"] == tier]


def _cell(row: pd.Series) -> str:
    parts = []
    if row["up_weight"] is not None and row["up_weight"] == row["up_weight"]:
        parts.append(f"↑{row['up_weight']:.1f}→{row['up_rating']}")
    if row["down_weight"] is not None and row["down_weight"] == row["down_weight"]:
        parts.append(f"↓{row['down_weight']:.1f}→{row['down_rating']}")
    return "  ".join(parts) or "—"


if len(be):
    be = be.assign(cell=be.apply(_cell, axis=1))
    pivot = be.pivot_table(index=["unit", "rating", "total"], columns="group", values="cell", aggfunc="first",
                           sort=False).reset_index()
    pivot = pivot.sort_values("total", ascending=False)
    current = {g: w for g, w in zip(GROUPS, (weights or level1_weights(model)).values())}
    pivot = pivot.rename(columns={"unit": t("unit"), "rating": t("rating"), "total": t("total_score"),
                                  **{g: g + paren(f"{current[g]:g}", lang) for g in GROUPS if g in pivot.columns}})
    table(pivot, column_config={t("total_score"): st.column_config.NumberColumn(format="%.2f")})

# 2. distance to the neighbouring bands
st.subheader(t("rob_distance"))
st.caption(t("rob_distance_help"))
dist = robustness.band_distance(model, ctx.official.bands, weights)
dist = dist[dist["depth"] == tier].sort_values("total", ascending=False)
table(dist[["unit", "total", "rating", "up_rating", "up_distance", "down_rating", "down_distance"]].rename(columns={
    "unit": t("unit"), "total": t("total_score"), "rating": t("rating"), "up_rating": f"{t('up')}→",
    "up_distance": f"{t('up')}·{t('delta')}", "down_rating": f"{t('down')}→", "down_distance": f"{t('down')}·{t('delta')}"}),
    column_config={c: st.column_config.NumberColumn(format="%.2f") for c in
                   (t("total_score"), f"{t('up')}·{t('delta')}", f"{t('down')}·{t('delta')}")})

# 3. Monte Carlo
st.subheader(t("rob_mc"))
start = time.perf_counter()
mc = robustness.monte_carlo(model, ctx.official.bands, draws=int(draws), spread=float(spread), method=method,
                            seed=int(seed), weights=weights)
elapsed = time.perf_counter() - start
st.caption(t("rob_mc_caption", draws=int(draws), spread=float(spread), seconds=elapsed))
mct = mc.table[mc.table["depth"] == tier]
def _listed(items: list[str]) -> str:
    return join_list(items, lang, LIST_LIMIT, more="more_units")


stable = mct[mct["p_official_rating"] >= 0.95]["unit"].tolist()
fragile = mct[mct["p_official_rating"] < 0.80].sort_values("p_official_rating")
if stable:
    st.success(message(t, "rob_stable", units=_listed(stable)), icon=":material/verified:")
if len(fragile):
    st.warning(message(t, "rob_unstable", units=_listed(
        [u + paren(f"{p:.0%}", lang) for u, p in zip(fragile["unit"], fragile["p_official_rating"])])), icon=":material/warning:")
skipped = dict(mc.ranks_skipped)
if tier in skipped:
    st.info(t("rob_ranks_skipped", size=skipped[tier], limit=robustness.RANK_LIMIT), icon=":material/info:")
drawn = mct
if len(mct) > charts.SLOPE_LIMIT:  # one bar per unit: a readable number of them, the least certain first
    drawn = mct.sort_values(["p_official_rating", "official_rank"]).head(charts.SLOPE_LIMIT)
    st.caption(t("rob_chart_subset", shown=len(drawn), total=len(mct)))
left, right = st.columns(2)
if tier not in skipped:
    with left:
        chart(charts.rank_interval_chart(drawn, lang), key="rank_interval")
with right if tier not in skipped else left:
    chart(charts.band_probability_chart(drawn, ctx.official.bands, lang), key="band_probability")

# 4. robust pairs
pairs = robustness.robust_pairs(model, spread=float(spread), weights=weights, depth=tier)
total_pairs = robustness.same_depth_pairs(model, tier)
st.subheader(t("rob_robust_pairs", count=len(pairs), total=total_pairs))
for _, size in robustness.pairs_skipped(model, tier):
    st.info(t("rob_pairs_skipped", size=size, pairs=size * (size - 1) // 2, limit=robustness.PAIR_LIMIT),
            icon=":material/info:")
if len(pairs):
    table(pairs[["winner", "loser", "margin", "min_margin"]].rename(columns={
        "winner": t("winner"), "loser": t("loser"), "margin": t("delta"), "min_margin": t("min_margin")}),
        column_config={c: st.column_config.NumberColumn(format="%.2f") for c in (t("delta"), t("min_margin"))})
