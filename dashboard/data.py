"""Loading evaluations for the dashboard, cached on the file bytes."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from perfeval_core import LoadResult, load_bytes

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@st.cache_resource(show_spinner=False, max_entries=64)
def load_cached(data: bytes, filename: str) -> LoadResult:
    return load_bytes(data, filename)


def sample(name: str) -> LoadResult:
    path = SAMPLES / name
    return load_cached(path.read_bytes(), path.name)
