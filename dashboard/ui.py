"""Small UI pieces shared by pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.state import Context
from perfeval_core.style import BAND_COLORS, NO_RATING_COLOR


def page_header(ctx: Context, title_key: str) -> None:
    ev = ctx.evaluation
    year = f"{ev.project.year}年 " if ctx.lang == "zh" and ev.project.year else (f"{ev.project.year} " if ev.project.year else "")
    st.title(ctx.t(title_key))
    st.caption(f"{year}{ev.project.name} · {ev.project.region} · {ev.project.mode}")
    if ev.project.illustrative:
        st.info(ctx.t("illustrative_note"), icon=":material/info:")


def band_color(ctx: Context, label: str | None) -> str:
    labels = list(ctx.evaluation.bands.labels)
    if label in labels:
        return BAND_COLORS[min(labels.index(label), len(BAND_COLORS) - 1)]
    return NO_RATING_COLOR


def rating_badge(ctx: Context, label: str | None) -> str:
    color = band_color(ctx, label)
    return f":material/workspace_premium: **<span style='color:{color}'>{label or '—'}</span>**"


def no_data(ctx: Context) -> None:
    st.info(ctx.t("no_data"), icon=":material/info:")


def chart(chart_obj: object, key: str | None = None, **kwargs: object) -> object:
    return st.altair_chart(chart_obj, width="stretch", key=key, **kwargs)


def table(df: pd.DataFrame, **kwargs: object) -> None:
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)
