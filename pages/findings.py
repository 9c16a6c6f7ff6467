import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, headline, no_data, page_header, table
from perfeval_core.present import charts
from perfeval_core.present.i18n import FINDING_STATUSES, status_label

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_findings")
headline(ctx, "findings")  # the sentence the deck and 演示模式 say
if ev.findings.empty:
    no_data(ctx)
    st.stop()
findings = ev.findings.copy()
c1, c2, c3 = st.columns(3, border=True)
for holder, status in zip((c1, c2, c3), FINDING_STATUSES):
    holder.metric(status_label(status, lang), int((findings["status"] == status).sum()))
chart(charts.findings_chart(findings, lang), key="findings_chart")
statuses = [s for s in FINDING_STATUSES if s in set(findings["status"])]
chosen = st.pills(t("status"), statuses, selection_mode="multi", default=statuses, key="findings_status",
                  format_func=lambda s: status_label(s, lang))
shown = findings[findings["status"].isin(chosen) | ~findings["status"].isin(statuses)].copy()
shown["status"] = shown["status"].map(lambda s: status_label(s, lang))
table(shown[["problem", "category", "unit", "status", "note"]].rename(columns={
    "problem": t("problem"), "category": t("category"), "unit": t("unit"), "status": t("status"), "note": t("finding_note")}))
