import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, headline, no_data, page_header, plain, table
from perfeval_core.analysis.survey import overall
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import fmt_pct

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_satisfaction")
headline(ctx, "satisfaction")  # the sentence the deck and 演示模式 say
if ev.survey.empty:
    no_data(ctx)
    st.stop()
total = overall(ev)
by_age = views.survey_by_age(ev)
lowest = by_age.sort_values("satisfaction").iloc[0]
c1, c2, c3 = st.columns(3, border=True)
c1.metric(t("satisfaction"), fmt_pct(total["satisfaction"]))
c2.metric(t("participation"), fmt_pct(total["participation"]))
c3.metric(f"{t('satisfaction')} · {plain(lowest['age_group'])}", fmt_pct(lowest["satisfaction"]))
chart(charts.survey_age_chart(by_age, lang), key="survey_age")
value = st.segmented_control(t("satisfaction"), ["satisfaction", "participation"], key="survey_value",
                             selection_mode="single", default="satisfaction", format_func=t) or "satisfaction"
chart(charts.survey_unit_heatmap(views.survey_by_unit_age(ev), lang, value), key="survey_units")
unit_table = views.survey_by_unit(ev)
table(unit_table[["unit", "respondents", "satisfaction", "participation"]].rename(columns={
    "unit": t("unit"), "respondents": t("respondents"), "satisfaction": t("satisfaction"),
    "participation": t("participation")}),
    column_config={t("satisfaction"): st.column_config.NumberColumn(format="percent"),
                   t("participation"): st.column_config.NumberColumn(format="percent")})
