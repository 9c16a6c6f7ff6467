"""Streamlit's own interface strings in the Chinese UI.

Streamlit's frontend speaks English only (the file uploader's "Upload" and "100MB per file",
"Choose an option", "Page not found", the dataframe toolbar). ``speak`` mounts a small component
(custom components v2, ``chrome.js``) that replaces those texts with the catalogue's
(``perfeval_core.present.i18n.STREAMLIT_ZH``) as they appear, and does nothing in the English UI.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from perfeval_core.present.i18n import STREAMLIT_ZH, STREAMLIT_ZH_PATTERNS

_COMPONENT = st.components.v2.component(
    "perfeval_chrome", js=(Path(__file__).resolve().parent / "chrome.js").read_text(encoding="utf-8"))


def speak(lang: str) -> None:
    """Call once per run, on every page (the app does, in the sidebar)."""
    data = {"lang": lang, "exact": STREAMLIT_ZH if lang == "zh" else {},
            "patterns": [list(p) for p in STREAMLIT_ZH_PATTERNS] if lang == "zh" else []}
    _COMPONENT(data=data, key="perfeval_chrome")
