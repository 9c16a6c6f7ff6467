"""Binds the what-if page's widgets to its state (``perfeval_core.analysis.whatif_state``): the
session holds one ``WhatIfState``; ``put`` stores a new one and moves the widgets to it (only
from a callback or before the widgets render, as Streamlit requires), ``keep`` stores one the
widgets already show. Shared with the saved-scenario panel."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.analysis.whatif import decode_overrides, encode_overrides
from perfeval_core.analysis.whatif_state import WhatIfState
from perfeval_core.model.evaluation import Bands

KEY = "whatif_state"
LOCKS = "locked"  # the lock pills' key


def weight_key(code: str) -> str:
    return f"w_{code}"


def band_key(k: int) -> str:
    return f"band_{k}"


def rule_key(k: int) -> str:
    return f"rule_{k}"


def lower_editor_key() -> str:
    return f"lower_editor_{st.session_state.get('lower_version', 0)}"


def current(model: ScoringModel, key: str, bands: Bands, rules: Mapping[str, float] | None = None) -> WhatIfState:
    """The session's state for this evaluation. Another evaluation starts from its own official
    weighting; a session's first one keeps what a shared link's address says (the sliders and
    band inputs read it themselves, the lower-level overrides are read here)."""
    state = st.session_state.get(KEY)
    if isinstance(state, WhatIfState) and state.key == key:
        if state.official_bands != bands:  # the language switch relabelled the bands
            state = state.relabelled(bands)
            keep(state)
        return state
    fresh = WhatIfState.start(model, key, bands, rules)
    if state is None:  # the session's first what-if: the address may carry overrides
        fresh = fresh.with_lower(decode_overrides(st.query_params.get("lw")))
        keep(fresh)
        st.session_state.lower_version = st.session_state.get("lower_version", 0) + 1
    else:
        put(fresh)
    return fresh


def keep(state: WhatIfState) -> None:
    """Store a state the widgets already show."""
    st.session_state[KEY] = state


def put(state: WhatIfState) -> None:
    """Store ``state`` and move every widget to it (the editor of lower-level points is rebuilt
    under a new key to show new overrides; the address keeps them)."""
    before = st.session_state.get(KEY)
    st.session_state[KEY] = state
    for code in state.codes:
        st.session_state[weight_key(code)] = float(state.weights[code])
    st.session_state[LOCKS] = list(state.locked)
    for k, value in enumerate(state.bands.thresholds):
        st.session_state[band_key(k)] = float(value)
    for k, label in enumerate(state.usable_bands.labels):
        st.session_state[rule_key(k)] = round(state.consequence_rules[label] * 100.0, 6)
    if not isinstance(before, WhatIfState) or dict(before.lower) != dict(state.lower):
        st.session_state.lower_version = st.session_state.get("lower_version", 0) + 1
        if state.lower:
            st.query_params["lw"] = encode_overrides(state.lower)
        else:
            st.query_params.pop("lw", None)
