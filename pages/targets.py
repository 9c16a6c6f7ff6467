import pandas as pd
import streamlit as st

from dashboard.state import context, loaded_evaluations
from dashboard.ui import headline, page_header, plain, table
from perfeval_core.analysis import targets
from perfeval_core.present.i18n import mode_name

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_targets")
headline(ctx, "targets")  # the sentence the deck and 演示模式 say
st.caption(t("tg_thresholds", met=f"{targets.MET:.0%}", partly=f"{targets.PARTLY:.0%}",
             easy=f"{targets.TOO_EASY - 1:.0%}"))
table_ = targets.assess(ev)
if table_.empty:
    st.info(t("tg_none"), icon=":material/info:")
else:
    counts = targets.counts(table_)
    columns = st.columns(6, border=True)
    for holder, key in zip(columns, ("met", "partly", "missed", "unknown", "too_easy", "unmeasurable")):
        holder.metric(t(f"tg_{key}"), counts[key])
    if counts["too_easy"] or counts["unmeasurable"]:
        st.warning(t("tg_101"), icon=":material/flag:")
    flags = [" · ".join(x for x in (t("tg_too_easy") if easy else "", t("tg_unmeasurable") if unmeasurable else "") if x)
             for easy, unmeasurable in zip(table_["too_easy"], table_["unmeasurable"])]
    shown = pd.DataFrame({
        "unit": table_["unit"], "indicator": table_["code"] + " " + table_["name"], "target": table_["target"],
        "actual": table_["actual"], "completion": table_["completion"].astype(float),
        "light": [t("tg_" + k) for k in table_["light"]], "deviation": table_["deviation"],
        "flags": flags})
    if shown["unit"].nunique() == 1:
        shown = shown.drop(columns=["unit"])
    table(shown, column_config={
        "unit": t("unit"), "indicator": t("indicator"), "target": t("tg_target"), "actual": t("tg_actual"),
        "completion": st.column_config.NumberColumn(t("tg_completion"), format="percent"),
        "light": t("tg_light"), "deviation": t("tg_deviation"), "flags": t("tg_flags")})
# across the portfolio: every loaded evaluation that has targets
loaded = [result.evaluation for _entry, result in loaded_evaluations().values() if result.evaluation is not None]
rows = []
for _entry, result in loaded_evaluations().values():
    if result.evaluation is None:
        continue
    assessed = targets.assess(result.evaluation)
    if assessed.empty:
        continue
    c = targets.counts(assessed)
    p = result.evaluation.project
    rows.append({"evaluation": plain(f"{p.year or ''} {p.name} · {mode_name(p.mode, lang)}".strip()),
                 "indicators": len(assessed), **{k: c[k] for k in ("met", "partly", "missed", "too_easy", "unmeasurable")}})
if len(rows) > 1 or (rows and table_.empty):
    st.subheader(t("tg_portfolio"))
    table(pd.DataFrame(rows), column_config={
        "evaluation": t("tg_evaluation"), "indicators": t("tg_indicators"),
        **{k: t(f"tg_{k}") for k in ("met", "partly", "missed", "too_easy", "unmeasurable")}})
# the same project over several years: indicators every unit scores full marks on every year
full = targets.full_marks_years(loaded)
if len(full):
    st.subheader(t("tg_full_marks_title"))
    st.caption(t("tg_full_marks_help", years=targets.FULL_MARKS_YEARS))
    table(full.assign(project=full["project"].map(plain)), column_config={
        "project": t("project"), "indicator": t("indicator"), "years": t("tg_years")})
