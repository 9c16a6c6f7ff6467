import io
import time
import zipfile

import pandas as pd
import streamlit as st

from dashboard import library
from dashboard.access import actor, allowed
from dashboard.state import language, load_cached, loaded_evaluations
from dashboard.ui import message, plain, table
from perfeval_core.io.loader import LAYOUT_NAMES
from perfeval_core.io.template_io import prefilled_bytes, template_bytes
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.model.report import SEVERITY_LABELS
from perfeval_core.present.i18n import t as translate
from perfeval_core.present.summary import indicators_json

lang = language()


def t(key: str, **params: object) -> str:
    return translate(key, lang, **params)




def x(key: str, **params: object) -> str:
    return translate(f"data_{key}", lang, **params)


def indicator_tree(ev: Evaluation, key: str, caption: str | None = None) -> None:
    """The indicator tree as read: the same entries as ``indicators --json``, indented by level."""
    data = indicators_json(ev)
    details = {d["code"]: d for d in data["details"]}
    frame = pd.DataFrame({
        x("col_code"): [e["code"] for e in data["indicators"]],
        x("col_name"): ["\u3000" * (e["level"] - 1) + e["name"] for e in data["indicators"]],
        x("col_level"): [e["level"] for e in data["indicators"]],
        x("col_parent"): [e["parent"] or "" for e in data["indicators"]],
        x("col_points"): [e["official"] for e in data["indicators"]],
        x("col_target"): [details[e["code"]].get("target") or "" for e in data["indicators"]],
        x("col_source"): [f"{details[e['code']]['sheet'] or ''}!{details[e['code']]['row'] or ''}".strip("!")
                          for e in data["indicators"]],
    })
    if caption:
        st.caption(caption)
    table(frame, key=key)


def _bundle(files: list[tuple[str, bytes]]) -> bytes:
    """Several uploaded forms as one .zip: the loader reads an archive of forms as one portfolio."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            archive.writestr(name.replace("/", "_"), data)
    return out.getvalue()


def _on_upload() -> None:
    """Runs before the rerun, so the new evaluation can become the selected one."""
    if not allowed("upload"):  # the widget is not drawn for viewers; refuse a forged event too
        return
    outcomes = []
    seen = st.session_state.setdefault("uploads_seen", set())
    fresh = []
    for file in st.session_state.get("uploader") or []:
        if file.file_id in seen:  # the uploader keeps earlier files; report each once
            continue
        seen.add(file.file_id)
        fresh.append((file.name, file.getvalue()))
    if len(fresh) > 1 and st.session_state.get("combine_uploads", True):
        fresh = [(x("portfolio_name", count=len(fresh)) + ".zip", _bundle(fresh))]
    for name, data in fresh:
        result, entry = library.add(data, name, loader=load_cached, actor=actor())
        if result.blank and result.indicator_system is not None:
            st.session_state.setdefault("blank_forms", {})[name] = prefilled_bytes(result.indicator_system)
        outcomes.append((name, result, entry is not None))
        if entry is not None:
            st.session_state.eval_key = entry.key
            st.query_params["eval"] = entry.key[:12]
    st.session_state.upload_outcomes = outcomes


st.title(t("page_data"))
if allowed("upload"):
    # no type= filter: Streamlit would answer a .ods or .docx with an exception of its own, while
    # the loader names the format and says what to do (save as .xlsx)
    st.file_uploader(x("upload"), accept_multiple_files=True, key="uploader", on_change=_on_upload)
    st.checkbox(x("combine"), value=True, key="combine_uploads", help=x("combine_help"))
    st.caption(x("format_help"))
else:
    st.info(x("viewer_note"), icon=":material/visibility:")

for name, result, accepted in st.session_state.get("upload_outcomes", []):
    layout = LAYOUT_NAMES.get(result.report.layout or "", ("", ""))[1 if lang == "en" else 0]
    if accepted:
        st.success(message(x, "accepted", name=name, layout=layout), icon=":material/check_circle:")
    elif result.blank and result.indicator_system is not None:
        st.warning(message(x, "blank", name=name, count=len(result.indicator_system.indicators)),
                   icon=":material/draft:")
        prefilled = st.session_state.get("blank_forms", {}).get(name)
        if prefilled is not None:
            st.download_button(x("prefilled"), prefilled, file_name=translate("prefilled_file", lang, stem=name.rsplit(".", 1)[0]),
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               icon=":material/download:", key=f"dl_prefilled_{name}")
        indicator_tree(result.indicator_system, key=f"tree_blank_{name}")
    elif result.report.ok and library.last_error():
        st.error(plain(name) + t("colon") + plain(library.last_error()), icon=":material/cloud_off:")
    else:
        st.error(message(x, "rejected", name=name, count=len(result.report.errors)), icon=":material/error:")
        for issue in result.report.errors[:5]:
            st.markdown(f"- {plain(issue.text(lang))}")
    issues = [i for i in result.report.issues if i.severity != "info"]
    if issues and (accepted or len(issues) > 5):  # short rejections are listed in full above
        with st.expander(message(x, "report", name=name), expanded=not accepted):
            table(pd.DataFrame({
                x("severity"): [SEVERITY_LABELS[i.severity][1 if lang == "en" else 0] for i in issues],
                x("location"): [i.location or "—" for i in issues],
                x("message"): [i.message(lang) for i in issues],
            }))

c1, c2 = st.columns(2)
c1.download_button(x("template"), template_bytes, file_name="perfeval_template.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_template")
with c2.popover(x("samples"), icon=":material/folder_zip:"):
    for name in library.SAMPLES:
        path = library.SAMPLES_DIR / name
        st.download_button(name, path.read_bytes(), file_name=name, key=f"dl_{name}")

current = loaded_evaluations().get(st.session_state.get("eval_key", ""))
if current is not None and current[1].evaluation is not None:
    st.subheader(x("tree"), help=x("tree_help"))
    indicator_tree(current[1].evaluation, key="tree_current",
                   caption=message(x, "tree_of", title=(t("year_prefix", year=current[1].evaluation.project.year)
                                                         if current[1].evaluation.project.year else "")
                                   + (current[1].evaluation.project.name or current[1].evaluation.source_name)))

st.subheader(x("library"))
library_entries = library.entries()
if library.last_error():
    st.warning(plain(library.last_error()), icon=":material/cloud_off:")
for entry in library_entries:
    cols = st.columns([6, 2, 1], vertical_alignment="center")
    added = f" · {time.strftime('%Y-%m-%d %H:%M', time.localtime(entry.added))}" if entry.added else ""
    cols[0].markdown(f"**{plain(entry.filename)}**{added}")  # the content hash is for the log, not the reader
    cols[1].caption(x("bundled") if entry.bundled else x("uploaded"))
    if (not entry.bundled and allowed("manage_library")
            and cols[2].button("", key=f"remove_{entry.key}", icon=":material/delete:", help=x("remove"))):
        library.remove(entry.key, actor=actor())
        st.toast(message(x, "removed", name=entry.filename))
        st.rerun()
