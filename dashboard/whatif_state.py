"""The what-if page's state, shared with the saved-scenario panel: one place writes the level-1
weights (sliders and their full-precision record) and the lower-level overrides (and the URL)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from perfeval_core.analysis.whatif import encode_overrides

HISTORY = 30  # recent weight sets kept to recognise values the browser echoes back late


def weight_key(code: str) -> str:
    return f"w_{code}"


def set_level1(weights: Mapping[str, float]) -> None:
    """Record the weights (keeping the previous ones in the history) and move the sliders.
    Call before the sliders render (a callback, or early in the run)."""
    history = st.session_state.setdefault("whatif_history", [])
    if st.session_state.get("whatif_truth"):
        history.append(dict(st.session_state.whatif_truth))
        del history[:-HISTORY]
    st.session_state.whatif_truth = {**(st.session_state.get("whatif_truth") or {}),
                                     **{c: float(v) for c, v in weights.items()}}
    for code, value in weights.items():
        st.session_state[weight_key(code)] = float(value)


def set_lower_overrides(overrides: Mapping[str, float]) -> None:
    """Level-2 and leaf points the user set; the editor is rebuilt (new key) to show them."""
    st.session_state.lower_overrides = dict(overrides)
    st.session_state.lower_version = st.session_state.get("lower_version", 0) + 1
    if overrides:
        st.query_params["lw"] = encode_overrides(overrides)
    else:
        st.query_params.pop("lw", None)
