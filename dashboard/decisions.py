"""The what-if page's decision tools: weighting methods side by side with the official weights
(and one click to put a method's weights on the sliders), the AHP judgement editor with its
consistency ratio, and 评价结果应用 (the budget a weighting moves). The numbers come from
perfeval_core.analysis.methods and .consequences; this module only draws and binds widgets."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.state import Context
from dashboard.ui import message, plain, table
from perfeval_core.analysis import consequences as cons
from perfeval_core.analysis.methods import ahp, side_by_side
from perfeval_core.analysis.scoring import ScoreResult, ScoringModel
from perfeval_core.analysis.whatif_state import WhatIfState
from perfeval_core.model.messages import Refusal
from perfeval_core.present.i18n import fmt_wan

# Saaty's scale: 1/9 … 1/2, 1, 2 … 9
SCALE = [f"1/{k}" for k in range(9, 1, -1)] + [str(k) for k in range(1, 10)]
METHOD_KEYS = {"official": "method_official", "equal": "method_equal", "entropy": "method_entropy",
               "critic": "method_critic", "ahp": "method_ahp"}


def ahp_key(a: str, b: str) -> str:
    return f"ahp_{a}_{b}"


def ahp_pairs(codes: list[str]) -> dict[tuple[str, str], float]:
    """The judgements the editor holds (1 where untouched)."""
    return {(a, b): float(Fraction(st.session_state.get(ahp_key(a, b), "1")))
            for i, a in enumerate(codes) for b in codes[i + 1:]}


def ahp_editor(ctx: Context, model: ScoringModel, codes: list[str], names: dict[str, str]) -> None:
    """One Saaty-scale slider per pair of level-1 indicators, three to a row, and the CR."""
    t = ctx.t
    st.markdown(f"**{t('ahp_editor')}**")
    st.caption(t("ahp_editor_help"))
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1:]]
    for start in range(0, len(pairs), 3):
        for column, (a, b) in zip(st.columns(3), pairs[start:start + 3]):
            column.select_slider(f"{plain(names[a])} : {plain(names[b])}", SCALE, value="1", key=ahp_key(a, b))
    weights = ahp(model, ahp_pairs(codes))
    cr = weights.cr or 0.0
    if weights.notes:
        key, params = weights.notes[0]
        st.warning(message(t, key, **params), icon=":material/rule:")
    else:
        st.caption(t("ahp_cr", cr=f"{cr:.3f}"))


def methods_panel(ctx: Context, model: ScoringModel, depth: int, state: Callable[[], WhatIfState],
                  put: Callable[[WhatIfState], None]) -> None:
    """Each method's level-1 weights beside the official ones: what it changes for the tier's units
    and which 10号 rules it breaks; one click tries a method on the sliders."""
    t = ctx.t
    tree = model.tree
    codes = [tree.codes[i] for i in tree.level1]
    names = dict(zip(tree.codes, tree.names))
    deepest = int(np.sum(model.unit_depth == model.unit_depth.max())) if len(model.unit_depth) else 0
    with st.expander(t("methods_title")):
        st.caption(t("methods_help", units=deepest))
        now = state()
        # the judgements as the editor below holds them (it is drawn after the table it feeds)
        candidates = side_by_side(model, depth, ahp_pairs(codes), now.lower)
        rows = []
        for c in candidates:
            row: dict[str, object] = {"method": t(METHOD_KEYS[c.method])}
            for code in codes:
                row[code] = c.weights[code] if c.weights else None
            if c.refusal is not None:
                row.update(ranks=None, ratings=None, rules=c.refusal.text(ctx.lang))
            else:
                row.update(ranks=c.rank_changes, ratings=c.rating_changes,
                           rules=t("method_rules_ok") if not c.warnings else t("method_rules_warn", count=len(c.warnings)))
            rows.append(row)
        table(pd.DataFrame(rows), column_config={
            "method": t("method"), **{c: st.column_config.NumberColumn(plain(names[c]), format="%.2f") for c in codes},
            "ranks": st.column_config.NumberColumn(t("method_ranks"), format="%d"),
            "ratings": st.column_config.NumberColumn(t("method_ratings"), format="%d"),
            "rules": t("method_rules")})
        for c in candidates:
            if c.method == "official" or c.weights is None:
                continue
            for key, params in c.warnings:
                st.caption(t(METHOD_KEYS[c.method]) + t("colon") + message(t, key, **params))
        buttons = [c for c in candidates if c.method != "official" and c.weights is not None]
        st.markdown(f"**{t('method_try')}**")
        for column, c in zip(st.columns(max(len(buttons), 1)), buttons):
            column.button(t(METHOD_KEYS[c.method]), key=f"try_{c.method}", icon=":material/tune:",
                          on_click=_try, args=(state, put, c.weights, t(METHOD_KEYS[c.method])), width="stretch")
        st.divider()
        ahp_editor(ctx, model, codes, names)


def _try(state: Callable[[], WhatIfState], put: Callable[[WhatIfState], None], weights: dict[str, float],
         label: str) -> None:
    put(state().with_level1(weights))
    st.session_state.method_tried = label


def rules_editor(ctx: Context, state: WhatIfState, rule_key: Callable[[int], str]) -> WhatIfState:
    """One percentage per band; returns the state with the rules as entered."""
    rules = state.consequence_rules
    values = {}
    for k, label in enumerate(state.usable_bands.labels):
        values[label] = st.number_input(ctx.t("consequences_rule", label=plain(label)), -100.0, 100.0,
                                        value=round(rules[label] * 100.0, 6), step=5.0, key=rule_key(k),
                                        format="%.1f") / 100.0
    return state.with_rules(values) if values != rules else state


def consequences_block(ctx: Context, model: ScoringModel, official: ScoreResult, result: ScoreResult,
                       rules: dict[str, float]) -> cons.Moved | None:
    """What this weighting does to next year's budgets, against the official weighting."""
    t, lang = ctx.t, ctx.lang
    try:
        moved = cons.compare(model, official, result, rules)
    except Refusal as refusal:
        st.warning(refusal.text(lang))
        return None
    if moved.table["budget"].isna().all():
        st.caption(t("consequences_no_budget"))
        return moved
    if moved.band_changes or moved.moved >= 0.005:
        st.info(t("consequences_moved", units=moved.band_changes, moved=fmt_wan(moved.moved, lang),
                  net=fmt_wan(moved.net, lang)), icon=":material/payments:")
    else:
        st.caption(t("consequences_none"))
    st.caption(t("consequences_total", total=fmt_wan(moved.scenario.total_change, lang),
                 official=fmt_wan(moved.official.total_change, lang)))
    return moved


TABLE_ROWS = 500  # units in the per-unit table: the largest moves first


def consequences_table(ctx: Context, moved: cons.Moved | None) -> None:
    """The per-unit budget changes, full width (seven columns do not fit beside the sliders)."""
    t = ctx.t
    if moved is None or moved.table["budget"].isna().all():
        return
    with st.expander(t("consequences_title")):
        shown = moved.table.assign(
            official_rating=moved.table["official_rating"].replace("", "—"),
            scenario_rating=moved.table["scenario_rating"].replace("", "—"))
        shown = shown.sort_values("moved", key=lambda s: -s.abs(), kind="stable")
        if len(shown) > TABLE_ROWS:  # 50,000 communities: the largest moves; every unit is in the workbook
            st.caption(t("consequences_more", shown=TABLE_ROWS, count=len(shown) - TABLE_ROWS))
            shown = shown.head(TABLE_ROWS)
        table(shown, column_config={
            "unit": t("unit"), "budget": st.column_config.NumberColumn(t("budget_wan_unit"), format="%.2f"),
            "official_rating": f"{t('official')}·{t('rating')}", "scenario_rating": f"{t('scenario')}·{t('rating')}",
            "official_change": st.column_config.NumberColumn(t("official_change"), format="%+.2f"),
            "scenario_change": st.column_config.NumberColumn(t("scenario_change"), format="%+.2f"),
            "moved": st.column_config.NumberColumn(t("moved"), format="%+.2f")})


__all__ = ["ahp_editor", "consequences_block", "consequences_table", "methods_panel", "rules_editor"]
