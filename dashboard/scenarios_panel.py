"""Saved scenarios on the what-if page: save, list, load, rename, delete, compare two."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.access import actor, allowed, current_user
from dashboard.state import Context
from dashboard.ui import message, plain, table
from dashboard.whatif_state import KEY, put
from perfeval_core.analysis.whatif import compare
from perfeval_core.analysis.whatif_state import WhatIfState
from perfeval_core.store.database import StoreError, get_store


def _load(record_id: int) -> None:
    """Callback: put a saved scenario into the what-if state and its widgets (before they render)."""
    try:
        record = get_store().get_scenario(record_id)
    except StoreError as exc:
        st.session_state.scenario_error = str(exc)
        return
    state = st.session_state.get(KEY)
    if record is None or not isinstance(state, WhatIfState):
        return
    put(state.adopt(record.weights, record.bands, record.rules))


def render(ctx: Context, state: WhatIfState) -> None:
    t = ctx.t
    st.divider()
    st.subheader(t("scenarios"))
    try:
        store = get_store()
        records = store.list_scenarios(ctx.evaluation.key)
    except StoreError as exc:
        st.warning(message(t, "store_unavailable", error=str(exc)), icon=":material/cloud_off:")
        return
    if st.session_state.get("scenario_error"):
        st.warning(message(t, "store_unavailable", error=st.session_state.pop("scenario_error")))
    user = current_user()
    signed_in = user is not None and user.via != "off"
    if allowed("save_scenario"):
        with st.form("save_scenario", clear_on_submit=False, border=True):
            c1, c2, c3 = st.columns([2, 2, 3])
            name = c1.text_input(t("scenario_name"), key="scenario_name", max_chars=80)
            if signed_in:  # the author is whoever is signed in
                assert user is not None
                c2.text_input(t("author"), value=user.display, disabled=True, key="scenario_author_signed")
                author = user.actor
            else:
                author = c2.text_input(t("author"), key="scenario_author", max_chars=40)
            note = c3.text_input(t("scenario_note"), key="scenario_note", max_chars=400)
            if st.form_submit_button(t("save_scenario"), icon=":material/save:") and name.strip():
                try:
                    store.save_scenario(ctx.evaluation.key, name.strip(), {**state.weights, **state.lower},
                                        "renormalise", state.usable_bands, note=note, author=author,
                                        rules=state.consequence_rules)
                    st.toast(message(t, "saved", name=name.strip()), icon=":material/check:")
                    records = store.list_scenarios(ctx.evaluation.key)
                except StoreError as exc:
                    st.warning(message(t, "store_unavailable", error=str(exc)))
    else:
        st.caption(t("auth_viewer_whatif"))
    can_edit = allowed("rename_scenario") and allowed("delete_scenario")
    can_adopt = allowed("set_official")
    if can_adopt and ctx.adopted is not None:
        if st.button(t("clear_official"), key="clear_official", icon=":material/restore:"):
            try:
                store.clear_official(ctx.evaluation.key, actor=actor())
            except StoreError as exc:
                st.warning(message(t, "store_unavailable", error=str(exc)))
            else:
                st.toast(t("official_cleared"), icon=":material/restore:")
                st.rerun()
    if not records:
        return
    for record in records:
        cols = st.columns([3, 2, 3, 1, 1, 1, 1], vertical_alignment="center")
        cols[0].markdown(f"**{plain(record.name)}**")
        cols[1].caption(f"{plain(record.author or '—')} · {record.updated_at.astimezone():%Y-%m-%d %H:%M}")
        cols[2].caption(plain(record.note or " · ".join(f"{k} {v:g}" for k, v in list(record.weights.items())[:4])))
        cols[3].button(t("load_scenario"), key=f"load_{record.id}", on_click=_load, args=(record.id,))
        if not can_edit:
            continue
        with cols[4].popover(t("rename")):
            new = st.text_input(t("scenario_name"), value=record.name, key=f"rename_text_{record.id}")
            if st.button(t("rename"), key=f"rename_{record.id}"):
                try:
                    store.rename_scenario(record.id, new.strip(), actor=actor())
                    st.rerun()
                except Exception as exc:  # a taken name or a lost connection: say so, keep going
                    st.error(plain(exc))
        if can_adopt and cols[6].button(t("set_official"), key=f"official_{record.id}", help=t("set_official_help")):
            try:
                store.set_official(ctx.evaluation.key, record.id, actor=actor())
            except StoreError as exc:
                st.error(plain(exc))
            else:
                st.toast(message(t, "official_set", name=record.name), icon=":material/verified:")
                st.rerun()
        if cols[5].button(t("delete"), key=f"delete_{record.id}"):
            try:
                store.delete_scenario(record.id, actor=actor())
            except StoreError as exc:
                st.error(plain(exc))
            else:
                st.rerun()
    if len(records) >= 2:
        with st.expander(t("compare_scenarios")):
            ids = [r.id for r in records]
            names = {r.id: r.name for r in records}
            c1, c2 = st.columns(2)
            first = c1.selectbox("A", ids, format_func=names.get, key="cmp_a")
            second = c2.selectbox("B", ids, index=1, format_func=names.get, key="cmp_b")
            a, b = (next(r for r in records if r.id == i) for i in (first, second))
            result_a, result_b = ctx.model.score(a.to_scenario()), ctx.model.score(b.to_scenario())
            frame = compare(ctx.model, result_a, result_b)
            frame = frame.rename(columns={
                "unit": t("unit"), "official_total": f"{a.name}·{t('total_score')}",
                "scenario_total": f"{b.name}·{t('total_score')}", "delta": t("delta"),
                "official_rank": f"{a.name}·{t('rank')}", "scenario_rank": f"{b.name}·{t('rank')}",
                "official_rating": f"{a.name}·{t('rating')}", "scenario_rating": f"{b.name}·{t('rating')}"})
            table(pd.DataFrame(frame).drop(columns=["depth", "rank_change", "rating_changed"]))
