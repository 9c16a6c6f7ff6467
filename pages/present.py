"""演示模式: one message per full-screen view, large type, nothing to edit."""

from html import escape
from pathlib import Path

import streamlit as st

from dashboard.state import context
from dashboard.ui import grid_safe
from perfeval_core import slides
from perfeval_core.scoring import Scenario

PAGES = Path(__file__).resolve().parent
ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation

# a meeting screen: no sidebar, no toolbar, no header; bigger type everywhere
st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
.block-container {padding-top: 1.2rem !important; max-width: 100% !important;}
h1.pe-title {font-size: 2.6rem !important; font-weight: 700 !important; color: #1F4E79 !important;
             margin: 0 0 .2rem 0 !important; padding: 0 !important;}
.pe-message {font-size: 2.0rem; line-height: 1.35; color: #1F2937; margin: .2rem 0 1rem 0;}
.pe-kpi {border: 1px solid #D9DEE6; border-radius: 8px; padding: 1rem 1.2rem; background: #F7F9FC;}
.pe-kpi .label {font-size: 1.3rem; color: #4B5563;}
.pe-kpi .value {font-size: 3.2rem; font-weight: 700; color: #1F4E79; line-height: 1.15;}
.pe-kpi .note {font-size: 1.15rem; color: #6B7280;}
.pe-bullets li {font-size: 1.6rem; line-height: 1.5;}
.pe-footer {font-size: 1.1rem; color: #6B7280;}
</style>""")

scenario = st.session_state.get("current_scenario")
use_scenario = isinstance(scenario, Scenario) and bool(scenario.weights)
# built once per evaluation, scenario and language, not on every "next slide" (1.7 s for the
# views of a 50,000-unit workbook); the context's evaluation object is cached, so its id is stable
signature = (id(ev), ev.key, repr(scenario) if use_scenario else None, lang)
memo = st.session_state.get("present_views")
if memo is None or memo[0] != signature:
    memo = st.session_state.present_views = (signature, slides.views(ev, scenario if use_scenario else None, lang))
views = memo[1]
if "slide" not in st.session_state:
    try:
        st.session_state.slide = int(st.query_params.get("slide", 1)) - 1
    except ValueError:
        st.session_state.slide = 0
st.session_state.slide = max(0, min(st.session_state.slide, len(views) - 1))


def go(step: int) -> None:
    st.session_state.slide = max(0, min(st.session_state.slide + step, len(views) - 1))
    st.query_params["slide"] = str(st.session_state.slide + 1)


view = views[st.session_state.slide]
# names and messages come from uploaded workbooks: escape them before they become HTML
st.html(f'<h1 class="pe-title">{escape(view.title)}</h1><div class="pe-message">{escape(view.message)}</div>')
if view.kpis:
    for row_start in range(0, len(view.kpis), 4):
        cols = st.columns(4)
        for col, (label, value, note) in zip(cols, view.kpis[row_start:row_start + 4]):
            col.html(f'<div class="pe-kpi"><div class="label">{escape(str(label))}</div>'
                     f'<div class="value">{escape(str(value))}</div>'
                     f'<div class="note">{escape(str(note)) if note else "&nbsp;"}</div></div>')
if view.chart is not None:
    st.altair_chart(view.chart, width="stretch", key=f"present_chart_{view.key}")
if view.bullets:
    st.html('<ul class="pe-bullets">' + "".join(f"<li>{escape(str(b))}</li>" for b in view.bullets) + "</ul>")
if view.table is not None and view.chart is None:
    st.dataframe(grid_safe(view.table), hide_index=True, width="stretch")

left, middle, right = st.columns([1, 6, 1], vertical_alignment="center")
left.button("◀ " + t("present_previous"), on_click=go, args=(-1,), key="prev_slide",
            disabled=st.session_state.slide == 0, width="stretch")
right.button(t("present_next") + " ▶", on_click=go, args=(1,), key="next_slide",
             disabled=st.session_state.slide >= len(views) - 1, width="stretch")
note = f" · {t('illustrative_tag')}" if ev.project.illustrative else ""
middle.html(f'<div class="pe-footer" style="text-align:center">{st.session_state.slide + 1} / {len(views)} · '
            f'{ev.project.year or ""} {escape(ev.project.name)}{note}</div>')
if st.button(t("present_exit"), icon=":material/close_fullscreen:", key="exit_present"):
    st.switch_page(PAGES / "overview.py")
