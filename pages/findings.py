import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, headline, no_data, page_header, table
from perfeval_core import charts

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_findings")
headline(ctx, "findings")  # the sentence the deck and 演示模式 say
if ev.findings.empty:
    no_data(ctx)
    st.stop()
findings = ev.findings.copy()
c1, c2, c3 = st.columns(3, border=True)
for holder, status in zip((c1, c2, c3), ("未整改", "整改中", "已整改")):
    holder.metric(status, int((findings["status"] == status).sum()))
chart(charts.findings_chart(findings, lang), key="findings_chart")
statuses = [s for s in ("未整改", "整改中", "已整改") if s in set(findings["status"])]
chosen = st.pills(t("status"), statuses, selection_mode="multi", default=statuses, key="findings_status")
shown = findings[findings["status"].isin(chosen) | ~findings["status"].isin(statuses)]
table(shown[["problem", "category", "unit", "status", "note"]].rename(columns={
    "problem": t("problem"), "category": t("category"), "unit": t("unit"), "status": t("status"), "note": t("finding_note")}))
