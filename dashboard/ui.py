"""Small UI pieces shared by pages."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from altair.utils import schemapi

from dashboard.state import Context, official_rules
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.present.charts import spec_without_data
from perfeval_core.present.i18n import fmt_amount, fmt_number, fmt_pct, half_up_array
from perfeval_core.present.style import ACCENT, NO_RATING_COLOR, band_color_map

# Altair validates every schema object as it is built ("debug mode"): half the time a what-if
# rerun spends building its charts. The dashboard builds the same specs on every slider move, and
# those specs are validated by the test suite and by every export; the server skips it.
schemapi.disable_debug_mode()


def page_header(ctx: Context, title_key: str) -> None:
    ev = ctx.evaluation
    year = ctx.t("year_prefix", year=ev.project.year) if ev.project.year else ""
    st.title(ctx.t(title_key))
    st.caption(" · ".join(plain(x) for x in (f"{year}{ev.project.name}", ev.project.region, ev.project.mode) if x))
    if ev.project.illustrative:
        st.info(ctx.t("illustrative_note"), icon=":material/info:")
    if ctx.adopted is not None:
        st.caption(":material/verified: " + message(ctx.t, "official_adopted", name=ctx.adopted.scenario_name,
                                                    who=ctx.adopted.set_by or "—",
                                                    at=f"{ctx.adopted.set_at.astimezone():%Y-%m-%d %H:%M}"))


def band_color(ctx: Context, label: str | None) -> str:
    return band_color_map(ctx.evaluation.bands.labels).get(label or "", NO_RATING_COLOR)


def rating_badge(ctx: Context, label: str | None) -> str:
    """The rating in its band colour, as Markdown (a band's label comes from the workbook: no HTML)."""
    color = band_color(ctx, label)
    return f':material/workspace_premium: **:color[{plain(label or "—")}]{{foreground="{color}"}}**'


DRILL_NONE = "—"


def clear_below(key: str, depth: int) -> None:
    """A unit chosen higher up: the choices below it belonged to another unit."""
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{key}_")]:
        tail = k[len(key) + 1:]
        if tail.isdigit() and int(tail) > depth:
            del st.session_state[k]


def drill_path(ctx: Context, key: str) -> list[str]:
    """Cascading choices down the unit tree, from the compared tier (districts) to the deepest
    (communities): one select box per level, each holding the units under the one chosen above.
    Returns the chosen units, top first (empty: none chosen). The state of level ``d`` is in
    ``st.session_state[f"{key}_{d}"]``."""
    from perfeval_core.present import views

    ev, t = ctx.evaluation, ctx.t
    depths = ev.units["depth"]
    levels = int(depths.max()) - views.main_depth(ev) + 1 if len(depths) else 0
    if levels <= 0:
        return []
    columns = st.columns(min(levels, 4))
    path: list[str] = []
    options = views.children(ev, None)
    depth = 0
    while options and depth < len(columns):
        state_key = f"{key}_{depth}"
        if st.session_state.get(state_key) not in (DRILL_NONE, *options):
            st.session_state[state_key] = DRILL_NONE
        label = t("district") if depth == 0 else plain(t("drill_within", unit=path[-1]))
        everyone = t("drill_all_top") if depth == 0 else t("drill_all")
        chosen = columns[depth].selectbox(label, [DRILL_NONE, *options], key=state_key, on_change=clear_below,
                                          args=(key, depth), format_func=lambda u, e=everyone: e if u == DRILL_NONE else u)
        if chosen == DRILL_NONE:
            break
        path.append(chosen)
        options = views.children(ev, chosen)
        depth += 1
    return path


@st.cache_resource(show_spinner=False, max_entries=32)
def _headlines(key: str, lang: str, _model: ScoringModel) -> dict[str, str]:
    """Each one-message view's sentence (perfeval_core.present.slides: the same the deck and 演示模式 say),
    once per evaluation and language for the whole server."""
    from perfeval_core.present import slides

    return {view.key: view.message for view in slides.views(_model, None, lang)}


def headline(ctx: Context, view_key: str) -> None:
    """The page's one-sentence headline (nothing when the evaluation has no such view)."""
    ev = ctx.evaluation
    stamp = str(ctx.adopted.set_at.timestamp()) if ctx.adopted is not None else ""
    messages = _headlines(f"{st.session_state.get('eval_key')}|{ev.key}|{id(ev)}|{stamp}", ctx.lang, ctx.model)
    text = messages.get(view_key)
    if text:  # names in it come from the workbook: escaped before they become HTML
        st.html(f'<div class="pe-headline" style="font-size:1.3rem;line-height:1.5;font-weight:600;color:{ACCENT};'
                f'border-left:4px solid {ACCENT};padding:.35rem 0 .35rem .9rem;margin:.2rem 0 .4rem 0">'
                f'{html.escape(text)}</div>')


def kpi_cards(cards: list[dict[str, object]], per_row: int = 4) -> None:
    """Bordered metric cards, ``per_row`` to a row, only as many as there are figures (no empty
    cards). A card: label, value, and optionally note (a caption), badge (Markdown), help, delta,
    delta_color."""
    for start in range(0, len(cards), per_row):
        columns = st.columns(per_row)
        for holder, card in zip(columns, cards[start:start + per_row]):
            with holder.container(border=True, height="stretch"):
                st.metric(str(card["label"]), str(card["value"]), delta=card.get("delta"),  # type: ignore[arg-type]
                          delta_color=card.get("delta_color", "normal"), help=card.get("help"))  # type: ignore[arg-type]
                if card.get("badge"):
                    st.markdown(str(card["badge"]))
                if card.get("note"):
                    st.caption(str(card["note"]))


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
    from perfeval_core.present.export_images import chart_png, chart_svg

    if label:
        st.caption(label)
    c1, c2, _ = st.columns([1, 1, 2])  # wide enough for "PNG" in a narrow column too
    c1.download_button("PNG", lambda: chart_png(make()), file_name=f"{key}.png", mime="image/png",
                       key=f"png_{key}", icon=":material/image:", type="tertiary")
    c2.download_button("SVG", lambda: chart_svg(make()), file_name=f"{key}.svg", mime="image/svg+xml",
                       key=f"svg_{key}", icon=":material/draw:", type="tertiary")


def export_buttons(ctx: Context, scenario: Scenario | None | Callable[[], Scenario | None] = None) -> None:
    """The meeting deck (PowerPoint and PDF), the HTML report and the what-if workbook, built only
    when asked for. ``scenario`` may be a function, called when a button is clicked: below a
    fragment, the buttons are not redrawn when the fragment moves the scenario."""
    from perfeval_core.present.export_html import report_html
    from perfeval_core.present.export_pdf import deck_pdf
    from perfeval_core.present.export_pptx import deck_bytes
    from perfeval_core.present.export_xlsx import workbook_bytes

    ev, lang = ctx.evaluation, ctx.lang
    stem = f"{ev.project.year or ''}{ev.project.name}"[:40] or "perfeval"

    def current() -> Scenario | None:
        chosen = scenario() if callable(scenario) else scenario
        if chosen is None:  # the official weighting: with an adopted scenario's budget rules, if any
            rules = official_rules(ctx)
            return None if rules is None else Scenario({}, "renormalise", None, rules=rules)
        return chosen

    # two rows of two: the longest English label needs about half the main column at 1366 px
    c1, c2 = st.columns(2)
    c1.download_button(ctx.t("export_pptx"), lambda: deck_bytes(ctx.model, current(), lang), file_name=f"{stem}.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key="export_pptx", icon=":material/slideshow:", width="stretch")
    c2.download_button(ctx.t("export_pdf"), lambda: deck_pdf(ctx.model, current(), lang), file_name=f"{stem}.pdf",
                       mime="application/pdf", key="export_pdf", icon=":material/picture_as_pdf:", width="stretch")
    c3, c4 = st.columns(2)
    c3.download_button(ctx.t("export_html"), lambda: report_html(ctx.model, current(), lang).encode("utf-8"),
                       file_name=f"{stem}.html", mime="text/html", key="export_html", icon=":material/article:",
                       width="stretch")
    c4.download_button(ctx.t("export_xlsx"), lambda: workbook_bytes(ctx.model, current(), lang), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="export_xlsx", icon=":material/table_view:", width="stretch")


# Streamlit renders Markdown (GitHub-flavoured, with its own :directive[...] and :material/icon:
# syntax, LaTeX between $ and, in a text node, bare http://, www. and e-mail addresses as links) in
# st.markdown, st.caption, titles, alerts, toasts, tooltips, metric labels and values, and the
# labels and options of most widgets. User text (file, sheet, project, unit, indicator, band,
# scenario and user names; report texts) reaches them only through ``plain``.
WORD_JOINER = "\u2060"  # invisible and no break: keeps a typed URL from being linked, a cell from being a formula
_MARKDOWN = re.compile(r"[\\`*\[\]()<>#|$:~&/]")
_LINE_MARKER = re.compile(r"^([-+=]|\d+[.)])", re.M)  # list items, setext underlines, ordered items
_DELIMITER_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # an _ that is not inside a word
_BARE_LINK = re.compile(r"(?i)(?=https?:|www\.)|(?<=@)")
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*")


def plain(text: object) -> str:
    """User text made safe to put into Markdown: it renders as typed and makes no link, image,
    HTML, code, heading, list, table, emphasis, formula, icon or colour. Every character Markdown
    acts on is backslash-escaped (``_`` inside a word and ``-``, ``+`` or ``1.`` other than at a
    line's start act on nothing and are kept), a word joiner goes before ``http``/``www.`` and after
    ``@`` (the autolink of a bare address is made after escapes are read), and line breaks become
    Markdown's hard breaks (no blank line starts a new block)."""
    text = "\n".join(line.strip(" \t") for line in _LINE_BREAK.split(str(text)))
    text = _BARE_LINK.sub(WORD_JOINER, text)
    text = _MARKDOWN.sub(r"\\\g<0>", text)
    text = _LINE_MARKER.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text)
    text = _DELIMITER_UNDERSCORE.sub(r"\\_", text)
    return text.replace("\n", "  \n")


def message(t: Callable[..., str], key: str, **params: object) -> str:
    """A catalogued message for a Markdown-rendering call, its text parameters (names, messages
    quoting cells) escaped with ``plain``; the catalogue itself holds no Markdown."""
    return t(key, **{k: plain(v) if isinstance(v, str) else v for k, v in params.items()})


# what Excel, WPS and LibreOffice read as the start of a formula (OWASP's list, and its full-width twins)
_FORMULA_START = re.compile(r"[\t\r]|\s*[=+\-@＝＋－＠]")
_NUMBER_TEXT = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def formula_like(text: str) -> bool:
    """Text a spreadsheet would run as a formula if a CSV handed it over as it is (a number
    written as text, ``-3.5``, is read as that number and is left alone)."""
    return bool(_FORMULA_START.match(text)) and not _NUMBER_TEXT.fullmatch(text.strip())


def _inert(value: object) -> object:
    return WORD_JOINER + value if isinstance(value, str) and formula_like(value) else value


def grid_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame for a browser grid, whose own CSV download and clipboard copy hand each cell and
    header over as it is: formula-like text gets an invisible word joiner in front, so a
    spreadsheet opening the download reads it as text, while the grid shows it unchanged. Numbers
    stay numbers. The same frame when nothing needs it."""
    columns = [_inert(c) for c in frame.columns]
    changed: dict[int, pd.Series] = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = [_inert(c) for c in column.cat.categories]
            if categories != list(column.cat.categories):
                changed[position] = column.cat.rename_categories(categories)
            continue
        if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
            continue
        try:
            text = column.str
        except AttributeError:  # no strings in it
            continue
        # formula_like, a column at a time (a what-if tier can hold 50,000 units)
        flagged = (text.match(_FORMULA_START.pattern, na=False)
                   & ~text.strip().str.fullmatch(_NUMBER_TEXT.pattern, na=False)).to_numpy(dtype=bool)
        if flagged.any():
            changed[position] = column.where(~flagged, WORD_JOINER + column.astype(object).where(flagged, ""))
    if not changed and columns == list(frame.columns):
        return frame
    out = frame.copy(deep=False)
    for position, column in changed.items():
        out.isetitem(position, column)
    out.columns = columns
    return out


def _safe_names(mapping: object) -> object:
    if isinstance(mapping, dict):
        return {_inert(k): v for k, v in mapping.items()}
    if isinstance(mapping, (list, tuple)):
        return [_inert(k) for k in mapping]
    return mapping


def table(df: pd.DataFrame, **kwargs: object) -> None:
    """A grid of ``df`` (``grid_safe``: its download cannot smuggle in a formula); ``column_config``
    and ``column_order`` name the columns as ``df`` does."""
    df, config = _for_display(df, kwargs.get("column_config"))
    if config is not None:
        kwargs["column_config"] = config
    for name in ("column_config", "column_order", "disabled"):
        if name in kwargs:
            kwargs[name] = _safe_names(kwargs[name])
    st.dataframe(grid_safe(df), hide_index=True, width="stretch", **kwargs)


_DECIMALS = re.compile(r"%[,']?\.(\d)f")


def _cell_text(fmt: str | None, digits: int | None) -> Callable[[float], str]:
    if fmt == "percent":
        return fmt_pct
    if digits is not None:
        return lambda v: fmt_amount(v, digits, thousands="," in (fmt or ""))
    return fmt_number


def _for_display(df: pd.DataFrame, config: object) -> tuple[pd.DataFrame, dict | None]:
    """What the grid shows, as the rest of the dashboard writes it:
    - a number column shown with N decimals (``"%.2f"``) is rounded half up to N first (the grid
      rounds the binary value: 72.735 would show as 72.73 where the reports write 72.74);
    - a number column with gaps is shown as text, "—" in the gaps (the grid writes "None", in
      English, on a canvas no translation reaches), right-aligned like the numbers."""
    settings = dict(config) if isinstance(config, dict) else {}
    out = None
    for column in df.columns:
        if df[column].dtype == object and df[column].isna().any():  # None in a text column: the grid says "None"
            out = df.copy() if out is None else out
            out[column] = out[column].map(lambda v: "—" if v is None or (isinstance(v, float) and v != v) else v)
            continue
        if not pd.api.types.is_float_dtype(df[column]):
            continue
        setting = settings.get(column)
        fmt = ((setting or {}).get("type_config") or {}).get("format") if isinstance(setting, dict) else None
        match = _DECIMALS.search(fmt) if isinstance(fmt, str) else None
        digits = int(match.group(1)) if match else None
        gaps = bool(df[column].isna().any())
        if not gaps and digits is None:
            continue
        out = df.copy() if out is None else out
        if not gaps:
            out[column] = half_up_array(out[column], digits)  # type: ignore[arg-type]
            continue
        text = _cell_text(fmt if isinstance(fmt, str) else None, digits)
        out[column] = [text(v) if pd.notna(v) else "—" for v in out[column]]
        label = setting.get("label") if isinstance(setting, dict) else None
        help_text = setting.get("help") if isinstance(setting, dict) else None
        settings[column] = st.column_config.TextColumn(label, help=help_text, alignment="right")
    if out is None:
        return df, None
    return out, settings
