"""Small UI pieces shared by pages."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from altair.utils import schemapi

from dashboard.state import Context
from perfeval_core.charts import spec_without_data
from perfeval_core.scoring import Scenario
from perfeval_core.style import BAND_COLORS, NO_RATING_COLOR

# Altair validates every schema object as it is built ("debug mode"): half the time a what-if
# rerun spends building its charts. The dashboard builds the same specs on every slider move, and
# those specs are validated by the test suite and by every export; the server skips it.
schemapi.disable_debug_mode()


def page_header(ctx: Context, title_key: str) -> None:
    ev = ctx.evaluation
    year = ctx.t("year_prefix", year=ev.project.year) if ev.project.year else ""
    st.title(ctx.t(title_key))
    st.caption(" · ".join(x for x in (f"{year}{ev.project.name}", ev.project.region, ev.project.mode) if x))
    if ev.project.illustrative:
        st.info(ctx.t("illustrative_note"), icon=":material/info:")
    if ctx.adopted is not None:
        st.caption(":material/verified: " + ctx.t("official_adopted", name=ctx.adopted.scenario_name,
                                                  who=ctx.adopted.set_by or "—",
                                                  at=f"{ctx.adopted.set_at.astimezone():%Y-%m-%d %H:%M}"))


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


def _unvalidated(chart_obj: object) -> object:
    """The chart with Streamlit's ``to_dict()`` skipping Altair's JSON-schema validation, a third of
    the time a what-if rerun spends on a chart. The builders' specs are validated by the test
    suite and by every export (vl-convert); the page need not validate them again on each move."""
    to_dict = getattr(type(chart_obj), "to_dict", None)
    if to_dict is not None:
        object.__setattr__(chart_obj, "to_dict", lambda *a, **kw: to_dict(chart_obj, *a, **{"validate": False, **kw}))
    return chart_obj


def chart(chart_obj: object, key: str | None = None, downloads: bool = True, **kwargs: object) -> object:
    """An Altair chart stretched to the column, with PNG and SVG downloads rendered on the
    server (vl-convert, CJK fonts) only when clicked."""
    event = st.altair_chart(_unvalidated(chart_obj), width="stretch", key=key, **kwargs)
    if downloads and key:
        chart_downloads(key, lambda: chart_obj)  # type: ignore[arg-type,return-value]
    return event


_SPECS: dict[tuple[object, ...], dict[str, object]] = {}


def live_chart(build: Callable[..., alt.TopLevelMixin], data: pd.DataFrame, shape: tuple[object, ...],
               key: str) -> None:
    """A chart that moves with the sliders: ``build(data, *shape)`` is an Altair builder whose
    spec depends only on ``shape``. The spec is compiled once per shape and each rerun sends just
    the data, so the browser swaps the dataset of the chart already drawn (Streamlit does when
    the spec is unchanged) instead of embedding a new chart; Altair is not run on a slider move.
    No download buttons here: a page offers them outside its fragment (``chart_downloads``)."""
    cache_key = (build.__module__, build.__qualname__, *shape)
    spec = _SPECS.get(cache_key)
    if spec is None:
        if len(_SPECS) > 256:  # shapes are few (tiers × languages × trees); bounded all the same
            _SPECS.clear()
        spec = _SPECS[cache_key] = spec_without_data(build(data, *shape))
    st.vega_lite_chart(data, copy.deepcopy(spec), width="stretch", key=key)


def chart_downloads(key: str, make: Callable[[], alt.TopLevelMixin], label: str | None = None) -> None:
    """PNG and SVG of a chart, drawn on the server (vl-convert, CJK fonts) only when clicked;
    ``make`` builds the Altair chart then."""
    from perfeval_core.export_images import chart_png, chart_svg

    if label:
        st.caption(label)
    c1, c2, _ = st.columns([1, 1, 2])  # wide enough for "PNG" in a narrow column too
    c1.download_button("PNG", lambda: chart_png(make()), file_name=f"{key}.png", mime="image/png",
                       key=f"png_{key}", icon=":material/image:", type="tertiary")
    c2.download_button("SVG", lambda: chart_svg(make()), file_name=f"{key}.svg", mime="image/svg+xml",
                       key=f"svg_{key}", icon=":material/draw:", type="tertiary")


def export_buttons(ctx: Context, scenario: Scenario | None | Callable[[], Scenario | None] = None) -> None:
    """The meeting deck and the what-if workbook, built only when asked for. ``scenario`` may be
    a function, called when a button is clicked: below a fragment, the buttons are not redrawn
    when the fragment moves the scenario."""
    from perfeval_core.export_pptx import deck_bytes
    from perfeval_core.export_xlsx import workbook_bytes

    ev, lang = ctx.evaluation, ctx.lang
    stem = f"{ev.project.year or ''}{ev.project.name}"[:40] or "perfeval"

    def current() -> Scenario | None:
        return scenario() if callable(scenario) else scenario

    c1, c2 = st.columns(2)
    c1.download_button(ctx.t("export_pptx"), lambda: deck_bytes(ev, current(), lang), file_name=f"{stem}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="export_pptx", icon=":material/slideshow:", width="stretch")
    c2.download_button(ctx.t("export_xlsx"), lambda: workbook_bytes(ev, current(), lang), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="export_xlsx", icon=":material/table_view:", width="stretch")


# what turns text into a link, an image, code, a table, HTML or LaTeX (emphasis fetches nothing, and
# escaping _ would show backslashes in every file name's source)
_MARKDOWN = re.compile(r"([\\`\[\]()|<>$])")


def plain(text: object) -> str:
    """User text (file, sheet, project and indicator names; messages quoting them) made safe to put
    into Markdown: every character Markdown would act on is escaped, so ``![x](http://…)`` in a
    file name shows as typed and fetches nothing."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def table(df: pd.DataFrame, **kwargs: object) -> None:
    st.dataframe(df, hide_index=True, width="stretch", **kwargs)
