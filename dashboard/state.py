"""The controls every page shares (evaluation, language) and the context pages read.

The selection lives in the URL (``?eval=<hash prefix>&lang=en``) as well as in the session, so a
refresh or a copied link shows the same evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import streamlit as st

from dashboard import library
from perfeval_core import LoadResult, ScoreResult, ScoringModel
from perfeval_core.analysis.whatif import adopt
from perfeval_core.io.sandbox import load_bytes
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.present.i18n import LANG_NAMES
from perfeval_core.present.i18n import t as translate
from perfeval_core.store.database import OfficialWeights, StoreError, get_store


@st.cache_resource(show_spinner=False, max_entries=64)
def load_cached(data: bytes, filename: str) -> LoadResult:
    """Parsing is cached on the file bytes (and shared by every session)."""
    return load_bytes(data, filename)


class _Gone(Exception):
    """The entry's bytes could not be read (raised, not returned, so the miss is not cached)."""


@st.cache_resource(show_spinner=False, max_entries=64)
def _load_entry(key: str, filename: str, _entry: library.Entry) -> LoadResult:
    data = library.read(_entry)
    if data is None:
        raise _Gone(filename)
    return load_cached(data, filename)


def load_entry(key: str, filename: str, entry: library.Entry) -> LoadResult | None:
    """An entry is addressed by the SHA-256 of its bytes, so its parse can be cached on the key
    without reading the bytes (from disk or the database) on every rerun. None when the bytes are
    gone (a file moved away, a database that cannot be reached); the next run tries again."""
    try:
        return _load_entry(key, filename, entry)
    except _Gone:
        return None


@st.cache_resource(show_spinner=False, max_entries=64)
def scoring_model(key: str, _evaluation: Evaluation) -> ScoringModel:
    return ScoringModel(_evaluation)


@st.cache_resource(show_spinner=False, max_entries=64)
def adopted_evaluation(key: str, stamp: str, _evaluation: Evaluation, _record: OfficialWeights) -> Evaluation:
    return adopt(_evaluation, _record.to_scenario())


def official_record(evaluation_key: str) -> OfficialWeights | None:
    """The scenario made official for this evaluation, if any; None (and a sidebar note) when the
    database cannot be reached, so the workbook's weights are shown."""
    try:
        return get_store().get_official(evaluation_key)
    except StoreError as error:
        library._failed(error)
        return None


@dataclass
class Context:
    evaluation: Evaluation  # with the adopted official weights when an editor set some
    result: LoadResult
    model: ScoringModel
    official: ScoreResult
    lang: str
    t: Callable[..., str]
    adopted: OfficialWeights | None = None  # the scenario made official, or None: the workbook's weights


def language() -> str:
    if "lang" not in st.session_state:
        st.session_state.lang = "en" if st.query_params.get("lang") == "en" else "zh"
    return str(st.session_state.lang)


def _on_lang_change() -> None:
    st.query_params["lang"] = st.session_state.lang


def _on_eval_change() -> None:
    st.query_params["eval"] = st.session_state.eval_key[:12]


def shared_controls() -> None:
    """Sidebar: which evaluation is shown, and the language."""
    lang = language()
    entries = library.entries()
    loaded: dict[str, tuple[library.Entry, LoadResult]] = {}
    for entry in entries:
        result = load_entry(entry.key, entry.filename, entry)
        if result is not None and result.evaluation is not None:
            loaded[entry.key] = (entry, result)
    st.session_state["_loaded"] = loaded
    keys = list(loaded)
    wanted = st.query_params.get("eval")
    names = st.session_state.setdefault("_names", {})
    names.update({k: e.filename for k, (e, _) in loaded.items()})
    selected = st.session_state.get("eval_key")
    if selected is not None and selected not in loaded and selected in names:
        # the workbook shown a moment ago is gone: say so once, then show what is still there
        st.session_state["_missing"] = names[selected]
    if st.session_state.get("eval_key") not in loaded:
        match = next((k for k in keys if wanted and k.startswith(wanted)), None)
        default = next((k for k, (e, _) in loaded.items() if e.filename == library.DEFAULT_SAMPLE), keys[0] if keys else None)
        st.session_state.eval_key = match or default
    from dashboard.ui import plain  # ui imports this module

    if st.session_state.get("_missing"):  # above the page, where it cannot be missed
        st.warning(translate("data_entry_missing", lang, name=plain(st.session_state.pop("_missing"))),
                   icon=":material/folder_off:")
    with st.sidebar:
        if library.last_error():
            st.warning(plain(library.last_error()), icon=":material/cloud_off:")
        if keys:
            current = st.session_state.get("eval_key")
            full = evaluation_label(loaded[current][1], loaded[current][0], lang) if current in loaded else ""
            st.selectbox(translate("evaluation", lang), keys, key="eval_key", on_change=_on_eval_change,
                         format_func=lambda k: evaluation_label(loaded[k][1], loaded[k][0], lang),
                         help=plain(translate("evaluation_help", lang, label=full)) if full else None)
        st.segmented_control(translate("language", lang), ["zh", "en"], key="lang", on_change=_on_lang_change,
                             format_func=LANG_NAMES.__getitem__, selection_mode="single")
    if st.session_state.get("lang") is None:  # a segmented control can be deselected
        st.session_state.lang = lang
    # the address keeps the view on every page (a page switch clears the query): a copied link or
    # a new tab shows the same evaluation in the same language
    wanted_query = {"lang": str(st.session_state.lang)}
    if st.session_state.get("eval_key"):
        wanted_query["eval"] = str(st.session_state.eval_key)[:12]
    for name, value in wanted_query.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value


def official_rules(ctx: Context) -> dict[str, float] | None:
    """An adopted official weighting's budget rules, under the bands as this language labels them
    (saved as 优/良/…, shown as Excellent/Good/…: by position); None: the default rules."""
    if ctx.adopted is None or ctx.adopted.rules is None:
        return None
    own = ctx.result.evaluation if ctx.result.evaluation is not None else ctx.evaluation
    saved = ctx.adopted.bands.labels if ctx.adopted.bands is not None else own.bands.labels
    shown = ctx.evaluation.bands.labels
    rename = dict(zip(saved, shown)) if len(saved) == len(shown) else {}
    return {rename.get(k, k): v for k, v in ctx.adopted.rules.items()}


def evaluation_label(result: LoadResult, entry: library.Entry, lang: str) -> str:
    """What tells two evaluations apart comes first (a narrow sidebar cuts the end): year, region,
    layout, then the project and the file."""
    ev = result.evaluation
    assert ev is not None
    head = " ".join(str(p) for p in (ev.project.year, ev.project.region) if p)
    parts = [head, translate(f"layout_{ev.layout}", lang), ev.project.name, entry.filename]
    return " · ".join(p for p in parts if p)


def loaded_evaluations() -> dict[str, tuple[library.Entry, LoadResult]]:
    return st.session_state.get("_loaded", {})


def context() -> Context:
    """The selected evaluation, scored with the official weights; stops the page when none."""
    lang = language()
    loaded = loaded_evaluations()
    key = st.session_state.get("eval_key")
    if key not in loaded:
        st.warning(translate("load_failed", lang))
        st.stop()
    entry, result = loaded[key]
    ev = result.evaluation
    assert ev is not None
    record = official_record(ev.key)
    if record is None:
        ev = in_language(key, lang, ev)
        model = scoring_model(f"{key}|{lang}", ev)
        return Context(ev, result, model, model.score(), lang, partial(translate, lang=lang))
    stamp = f"{record.set_at.isoformat()}|{record.scenario_name}"
    adopted = in_language(f"{key}@{stamp}", lang, adopted_evaluation(key, stamp, ev, record))
    model = scoring_model(f"{key}@{stamp}|{lang}", adopted)
    return Context(adopted, result, model, model.score(), lang, partial(translate, lang=lang), record)


@st.cache_resource(show_spinner=False, max_entries=64)
def _relabelled(key: str, lang: str, _evaluation: Evaluation) -> Evaluation:
    return replace(_evaluation, bands=_evaluation.bands.relabelled(lang))


def in_language(key: str, lang: str, evaluation: Evaluation) -> Evaluation:
    """The evaluation with its default band labels (优/良/中/差) as the UI's language says them
    (Excellent/Good/Fair/Poor in English); the same object when nothing changes. The scores and
    thresholds are the evaluation's own; the labels are what every page, chart and export shows."""
    if evaluation.bands.relabelled(lang) is evaluation.bands:
        return evaluation
    return _relabelled(key, lang, evaluation)
