"""演示模式: one message per screen, sized to the screen (16:9 at 1366×768 up to 1920×1080 and
beyond) with no scrolling, type large enough for the back of a room, ← / → (and a clicker's
PageUp / PageDown) to move.

The slide is a column as tall as the window (dashboard/present.css): the title and the headline on
top, the body (KPI tiles, chart, bullets) filling what is left, the navigation row at the bottom.
Type is in viewport units, so it grows with the screen; what fits is decided in
dashboard/present_screen.py.
"""

from html import escape
from pathlib import Path

import streamlit as st

from dashboard import present_screen as screen
from dashboard.state import context
from dashboard.ui import grid_safe
from perfeval_core.analysis.scoring import Scenario
from perfeval_core.present import slides
from perfeval_core.present.style import SCREEN_CSS_VARS, css_vars

PAGES = Path(__file__).resolve().parent
CSS = (PAGES.parent / "dashboard" / "present.css").read_text(encoding="utf-8")

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
# the style sheet names its colours var(--pe-…); their values come from style.py
st.html(f"<style>{css_vars(SCREEN_CSS_VARS)}\n{CSS}</style>")

scenario = st.session_state.get("current_scenario")
use_scenario = isinstance(scenario, Scenario) and bool(scenario.weights)
# built once per evaluation, scenario and language, not on every "next slide" (1.7 s for the
# views of a 50,000-unit workbook); the context's evaluation object is cached, so its id is stable
signature = (id(ev), ev.key, repr(scenario) if use_scenario else None, lang)
memo = st.session_state.get("present_views")
if memo is None or memo[0] != signature:
    memo = st.session_state.present_views = (signature, slides.views(ctx.model, scenario if use_scenario else None, lang))
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


def bullet_list(bullets: list[str]) -> None:
    # names and problems come from uploaded workbooks: escaped before they become HTML
    st.html('<ul class="pe-bullets">' + "".join(f"<li>{escape(str(b))}</li>" for b in bullets) + "</ul>")


def kpi_tiles(kpis: list[tuple[str, str, str]], grow: bool) -> None:
    """Tiles in rows of four, one grid so that the tiles of a row are as tall as each other;
    ``grow``: the tiles take the height the rest of the body leaves."""
    # --pe-chars: a figure's width, so that a long one ("4,499 / 4,499") is set smaller and fits
    tiles = "".join(f'<div class="pe-kpi"><div class="label">{escape(str(label))}</div>'
                    f'<div class="value" style="--pe-chars: {max(1.0, screen.chars(str(value))):.1f}">'
                    f'{escape(str(value))}</div>'
                    f'<div class="note">{escape(str(note)) if note else "&nbsp;"}</div></div>'
                    for label, value, note in kpis)
    grid = "pe-kpis pe-grow" if grow else "pe-kpis"
    st.html(f'<div class="{grid}" style="--pe-columns: {min(screen.KPIS_PER_ROW, len(kpis))}">{tiles}</div>')


def chart_box(spec: dict, key: str) -> None:
    with st.container(key="pe_chart"):
        st.vega_lite_chart(spec, width="stretch", height="stretch", key=key)


view = views[st.session_state.slide]
# names and messages come from uploaded workbooks: escaped before they become HTML
st.html(f'<h1 class="pe-title">{escape(view.title)}</h1><div class="pe-message">{escape(view.message)}</div>')

with st.container(key="pe_body"):
    # with a chart, one row of tiles (the satisfaction view has three)
    kpis = view.kpis[: screen.KPIS_PER_ROW] if view.chart is not None else view.kpis
    if kpis:
        kpi_tiles(kpis, grow=view.chart is None)
    if view.chart is not None:
        spec, bullets, beside = screen.chart_slide(view.chart, view.bullets, len(kpis), lang)
        if beside:  # many bullets (the findings): the chart on the left, the bullets beside it
            left, right = st.columns([5, 6], gap="large")
            with left:
                chart_box(spec, f"present_chart_{view.key}")
            with right.container(key="pe_side"):
                bullet_list(bullets)
        else:
            with st.container(key="pe_main"):
                chart_box(spec, f"present_chart_{view.key}")
            if bullets:
                bullet_list(bullets)
    elif view.bullets:
        bullet_list(screen.text_bullets(view.bullets, len(kpis), lang))
    if view.table is not None and view.chart is None:
        # a short table (the methods, the largest budget changes) as tall as its rows; a long one fills
        # the slide and scrolls
        short = len(view.table) <= screen.SHORT_TABLE_ROWS
        st.dataframe(grid_safe(view.table), hide_index=True, width="stretch", height="content" if short else "stretch")

with st.container(key="pe_nav"):
    left, middle, right, leave = st.columns([2, 7, 2, 2], vertical_alignment="center")
    left.button("◀ " + t("present_previous"), on_click=go, args=(-1,), key="prev_slide", shortcut="Left",
                disabled=st.session_state.slide == 0, width="stretch")
    right.button(t("present_next") + " ▶", on_click=go, args=(1,), key="next_slide", shortcut="Right",
                 disabled=st.session_state.slide >= len(views) - 1, width="stretch")
    note = f" · {t('illustrative_tag')}" if ev.project.illustrative else ""
    middle.html(f'<div class="pe-counter"><b>{st.session_state.slide + 1} / {len(views)}</b> · '
                f'{escape(str(ev.project.year or ""))} {escape(ev.project.name)}{escape(note)}</div>')
    if leave.button(t("present_exit"), icon=":material/close_fullscreen:", key="exit_present", type="tertiary",
                    width="stretch"):
        st.switch_page(PAGES / "overview.py")
with st.container(key="pe_keys"):  # a presenter's clicker sends PageUp / PageDown
    st.button("PageUp", on_click=go, args=(-1,), key="prev_slide_page", shortcut="PageUp",
              disabled=st.session_state.slide == 0)
    st.button("PageDown", on_click=go, args=(1,), key="next_slide_page", shortcut="PageDown",
              disabled=st.session_state.slide >= len(views) - 1)
