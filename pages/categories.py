import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, headline, message, no_data, page_header, table
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import fmt_wan

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_categories")
headline(ctx, "categories")  # the sentence the deck and 演示模式 say
totals = views.category_totals(ev)
if totals.empty:
    no_data(ctx)
    st.stop()

outside = totals[~totals["in_scope"]]
if len(outside):
    st.warning(t('out_of_scope') + t("colon") + t("list_sep").join(
        message(t, "out_of_scope_item", category=r.category, count=int(r["count"]), amount=fmt_wan(r.amount, lang))
        for _, r in outside.iterrows()), icon=":material/warning:")
left, right = st.columns([2, 3])
with left:
    chart(charts.category_totals_chart(totals, lang), key="category_totals")
with right:
    measure = st.segmented_control(t("count"), ["count", "amount"], key="category_measure", selection_mode="single",
                                   default="count",
                                   format_func=lambda v: t("projects") if v == "count" else t("amount_wan")) or "count"
    share = st.toggle(t("share"), key="category_share")
    chart(charts.category_units_chart(views.categories_by(ev), lang, share=share, measure=measure), key="category_units")
by_district = views.categories_by(ev)
table(by_district[["district", "category", "count", "amount", "share", "in_scope"]].rename(columns={
    "district": t("district"), "category": t("category"), "count": t("projects"), "amount": t("amount_wan"),
    "share": t("share"), "in_scope": t("in_scope")}),
    column_config={t("share"): st.column_config.NumberColumn(format="percent"),
                   t("amount_wan"): st.column_config.NumberColumn(format="%.2f")})
