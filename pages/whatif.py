from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import access, decisions, scenarios_panel
from dashboard.live_ranking import live_ranking, ranking_data
from dashboard.state import context, official_rules
from dashboard.ui import chart_downloads, export_buttons, grid_safe, live_chart, message, page_header, plain, table
from dashboard.whatif_state import LOCKS, band_key, current, keep, lower_editor_key, put, rule_key, weight_key
from perfeval_core.analysis.rules import policy_warnings
from perfeval_core.analysis.scoring import project_unit
from perfeval_core.analysis.whatif import compare, effective_leaves, level1_basis
from perfeval_core.analysis.whatif_state import WhatIfState
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import LIST_LIMIT, fmt_score, join_list, paren

ctx = context()
t, lang, ev, model, official = ctx.t, ctx.lang, ctx.evaluation, ctx.model, ctx.official
tree = model.tree
page_header(ctx, "page_whatif")

NAMES = dict(zip(tree.codes, tree.names))
TIER_NAMES = views.tier_names(ev)
# fixed for the evaluation: worked out once per page run, not on every slider move
PROJECT_UNIT = project_unit(ev)
DEPTHS = sorted(set(int(d) for d in model.unit_depth))
DEPTH_DEFAULT = views.main_depth(ev)
DEPTH_DEFAULT = DEPTH_DEFAULT if DEPTH_DEFAULT in DEPTHS else DEPTHS[0]
LOWER = [tree.codes[i] for i in range(len(tree.codes)) if tree.level[i] >= 2]


def state() -> WhatIfState:
    return current(model, ev.key, ev.bands, official_rules(ctx))


CODES = list(state().codes)
OFFICIAL = dict(state().official)


def on_slider() -> None:
    """One pass per rerun over all sliders (``WhatIfState.slid`` tells a move from an echo)."""
    run = st.session_state.get("whatif_run")
    if st.session_state.get("whatif_handled") == run:
        return
    st.session_state.whatif_handled = run
    before = state()
    after = before.slid({c: float(st.session_state[weight_key(c)]) for c in CODES})
    if after is not before:
        put(after)


def reset() -> None:
    put(state().reset())


def on_lower_edit() -> None:
    editor = st.session_state.get(lower_editor_key()) or {}
    overrides = dict(state().lower)
    for row, change in (editor.get("edited_rows") or {}).items():
        code = LOWER[int(row)]
        value = change.get("override")
        if value is None or value != value:
            overrides.pop(code, None)
        elif value >= 0:
            overrides[code] = float(value)
    put(state().with_lower(overrides))


def settings() -> None:
    """Band thresholds and lower-level weights: set once in a while, not moved like the sliders,
    so they sit outside the fragment (an edit reruns the page) and the fragment sends less on
    every slider move."""
    now = state()
    c1, c2 = st.columns(2)
    with c1.expander(t("band_thresholds")):
        values = [st.number_input(f"{plain(now.bands.labels[k])} ≥", 0.0, 100.0, value=float(v), step=1.0,
                                  key=band_key(k), bind="query-params") for k, v in enumerate(now.bands.thresholds)]
        now = now.with_thresholds(values)
        keep(now)
        if now.problem:
            st.error(message(t, now.problem[0], **now.problem[1]))
    with c1.expander(t("consequences_rules")):
        now = decisions.rules_editor(ctx, now, rule_key)
        keep(now)
    with c2.expander(t("lower_weights"), expanded=bool(now.lower)):
        frame = pd.DataFrame({
            "code": LOWER, "name": ["　" * (int(tree.level[tree.index[c]]) - 2) + NAMES[c] for c in LOWER],
            "official": [float(tree.points[tree.index[c]]) for c in LOWER],
            "override": [now.lower.get(c) for c in LOWER]})
        st.data_editor(grid_safe(frame), key=lower_editor_key(), on_change=on_lower_edit, hide_index=True,
                       disabled=["code", "name", "official"], width="stretch",
                       column_config={"code": t("indicator"), "name": "", "official": st.column_config.NumberColumn(
                           t("official"), format="%.2f"), "override": st.column_config.NumberColumn(
                           t("scenario"), min_value=0.0, max_value=100.0, step=0.5, format="%.2f")})


def basis_of(idx: np.ndarray) -> np.ndarray | None:
    """Rows ``idx`` of the browser's rescoring basis (``whatif.level1_basis``). It depends on the
    model and the lower-level weights only, not on the sliders: worked out when those change, not
    on every move. None when the basis is declined."""
    lower = dict(state().lower)
    memo = st.session_state.get("whatif_basis")
    if memo is None or memo[0] is not model or memo[1] != lower:
        memo = st.session_state.whatif_basis = (model, lower, level1_basis(model, lower))
    return None if memo[2] is None else memo[2][idx]


def changes(frame: pd.DataFrame, before: str, after: str) -> str:
    """'unit（before→after）' for the first LIST_LIMIT units of ``frame``, the rest counted (a tier
    of thousands is summarised, and not formatted in full)."""
    head = frame.head(LIST_LIMIT)
    names = [u + paren(f"{a}→{b}", lang) for u, a, b in zip(head["unit"], head[before], head[after])]
    return join_list(names, lang, LIST_LIMIT, "more_units", len(frame))


# what the exports below the fragment build from: a plain dict the fragment refreshes on every
# rerun (the download buttons outside it are not redrawn when only the fragment reruns)
LIVE: dict[str, Any] = st.session_state.setdefault("whatif_live", {})


@st.fragment
def whatif() -> None:
    """Everything that moves with the weights: one fragment, so a slider reruns only this."""
    access.recheck()  # a fragment run does not pass the app's gate: the sign-in is checked here too
    st.session_state.whatif_run = st.session_state.get("whatif_run", 0) + 1
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.subheader(t("weights_level1"))
        shown: dict[str, float] = {}
        # one widget for the locks, not a toggle beside each slider: every element of the fragment
        # is sent again on each move, and a row of columns costs three more messages per slider
        locked = st.pills(t("lock"), CODES, selection_mode="multi", key=LOCKS,
                          format_func=lambda c: plain(NAMES[c]), help=t("lock_help")) or []
        now = state().lock(locked)
        for code in CODES:
            shown[code] = st.slider(plain(NAMES[code]) + paren(plain(code), lang), 0.0, 100.0, value=OFFICIAL[code], step=0.5,
                                    key=weight_key(code), bind="query-params", on_change=on_slider,
                                    disabled=code in locked, format="%.2f")
        # the baseline the next slider change is compared with: the sliders as first rendered
        # (official, or restored from the URL, which bound sliders only take when they render)
        now = now.settle(shown)
        keep(now)
        weights = dict(now.weights)
        st.caption(t("weights_total", total=f"{sum(weights.values()):.2f}"))
        if st.button(t("reset"), on_click=reset, icon=":material/restart_alt:", key="reset_weights"):
            st.rerun()  # the band and lower-weight inputs live outside this fragment: redraw them too
        bands = now.usable_bands

    scenario = now.scenario()
    try:
        result = model.score(scenario, bands)
    except (KeyError, ValueError) as exc:
        st.error(plain(exc.args[0] if exc.args else exc))
        return
    st.session_state.current_scenario = scenario
    LIVE["scenario"] = scenario
    with right:
        problems = policy_warnings(ev, result.node_points)
        if problems:
            for key, params in problems:
                st.warning(message(t, key, **params), icon=":material/policy:")
        else:
            st.success(t("policy_ok"), icon=":material/verified:")
        unit = PROJECT_UNIT
        if unit is not None:
            before, after = official.unit_total(unit), result.unit_total(unit)
            c1, c2 = st.columns(2, border=True)
            c1.metric(f"{t('overall_change')} · {t('official')}", fmt_score(before),
                      plain(ev.bands.label(before)) if before is not None else None, delta_color="off",
                      delta_arrow="off")
            delta = after - before if before is not None and after is not None else None
            c2.metric(f"{t('overall_change')} · {t('scenario')}", fmt_score(after),
                      f"{delta:+.2f}" if delta is not None and abs(delta) >= 0.005 else None)
            c2.caption(t("rating") + t("colon") + (plain(bands.label(after)) if after is not None else "—"))
        if st.session_state.get("whatif_tier") not in DEPTHS:  # a tier of another evaluation
            st.session_state.whatif_tier = DEPTH_DEFAULT
        tier = st.segmented_control(
            t("tier"), DEPTHS, key="whatif_tier", selection_mode="single",
            format_func=lambda d: plain(TIER_NAMES.get(d) or d)) or DEPTH_DEFAULT
        units = [u for u, d in zip(model.unit_names, model.unit_depth) if d == tier]
        comparison = compare(model, official, result, units)
        changed = comparison[comparison["rating_changed"]]
        if len(changed):
            # a better band is good news (green), a worse one a caution (amber): neither is an error
            order = {label: k for k, label in enumerate(bands.labels)}
            rank_of = lambda labels: labels.map(order).fillna(len(order))  # noqa: E731  (no rating: below every band)
            better = rank_of(changed["scenario_rating"]) < rank_of(changed["official_rating"])
            if better.any():
                st.success(message(t, "rating_up", units=changes(changed[better], "official_rating", "scenario_rating")),
                           icon=":material/trending_up:")
            if (~better).any():
                st.warning(message(t, "rating_down", units=changes(changed[~better], "official_rating", "scenario_rating")),
                           icon=":material/trending_down:")
        else:
            st.info(t("no_rating_change"), icon=":material/check:")
        moved = comparison[comparison["rank_change"] != 0]
        if len(moved):
            st.markdown(message(t, "rank_changes", units=changes(moved, "official_rank", "scenario_rank")))
        LIVE["comparison"] = comparison
        # 评价结果应用: what this weighting does to next year's budgets (its table below, full width)
        moved_money = decisions.consequences_block(ctx, model, official, result, now.consequence_rules)
    # the slope chart and the table, drawn in the browser; it rescores from a moving slider itself
    idx = np.fromiter((model.index_of(u) for u in comparison["unit"]), dtype=np.int64, count=len(comparison))
    live_ranking(ranking_data(comparison, basis_of(idx), CODES, weights, locked, {c: weight_key(c) for c in CODES},
                              bands, lang))
    # ratings next to the scores, ranks after: what a leader reads first is in view at 1366 px
    columns = comparison[["unit", "official_total", "scenario_total", "delta", "official_rating", "scenario_rating",
                          "official_rank", "scenario_rank"]].rename(columns={
        "unit": t("unit"), "official_total": f"{t('official')}·{t('total_score')}",
        "scenario_total": f"{t('scenario')}·{t('total_score')}", "delta": t("delta"),
        "official_rank": f"{t('official')}·{t('rank')}", "scenario_rank": f"{t('scenario')}·{t('rank')}",
        "official_rating": f"{t('official')}·{t('rating')}", "scenario_rating": f"{t('scenario')}·{t('rating')}"})
    decisions.consequences_table(ctx, moved_money)
    with st.expander(t("full_table")):
        table(columns, column_config={**{c: st.column_config.NumberColumn(format="%.2f", width="small") for c in columns.columns[1:4]},
                                      **{c: st.column_config.Column(width="small") for c in columns.columns[4:]}})
    leaves = effective_leaves(model, result)
    bars = (charts.weight_bars_data(leaves, lang), tuple(leaves["code"] + " " + leaves["name"]), lang)
    LIVE["leaf_weights"] = bars
    live_chart(charts.weight_bars_chart, bars[0], bars[1:], key="leaf_weights")


settings()
whatif()
if st.session_state.get("method_tried"):
    st.toast(t("method_tried", method=st.session_state.pop("method_tried")), icon=":material/tune:")
decisions.methods_panel(ctx, model, int(st.session_state.get("whatif_tier") or DEPTH_DEFAULT), state, put)
st.caption(t("share_link"))
with st.expander(t("exports")):
    export_buttons(ctx, lambda: LIVE.get("scenario"))  # read when clicked: the fragment's latest
    if "comparison" in LIVE and "leaf_weights" in LIVE:  # not when the scenario could not be scored
        chart_downloads("rank_slope", lambda: charts.rank_slope(LIVE["comparison"], lang), t("chart_rank_change"))
        chart_downloads("leaf_weights", lambda: charts.weight_bars_chart(*LIVE["leaf_weights"]),
                        t("chart_leaf_weights"))
scenarios_panel.render(ctx, state())
