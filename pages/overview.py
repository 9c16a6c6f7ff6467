"""总览: the story first (the headline the deck and 演示模式 use, the weakest figure flagged against
its target, the conclusion and the problems), then the figures and charts behind it."""

import streamlit as st

from dashboard.state import context
from dashboard.ui import chart, export_buttons, headline, kpi_cards, page_header, plain, rating_badge
from perfeval_core.analysis.budget import by_level
from perfeval_core.present import charts, views
from perfeval_core.present.i18n import fmt_number, fmt_pct, fmt_score, fmt_wan
from perfeval_core.present.summary import summary

ctx = context()
t, lang, ev = ctx.t, ctx.lang, ctx.evaluation
page_header(ctx, "page_overview")
d = summary(ctx.model)
headline(ctx, "headline")

weak = d["weakest"]


def flag(key: str, definition: str = "") -> dict[str, object]:
    """The weakest figure's card says how far it is below its target (and its definition)."""
    if not weak or weak["key"] != key:
        return {"help": definition} if definition else {}
    gap = f"-{weak['gap'] * 100:.2f}"
    note = t("weakest_help", target=fmt_pct(weak["target"], 0))
    return {"delta": t("weakest_delta", gap=gap), "delta_color": "normal",
            "help": f"{definition}  \n{note}" if definition else note}


cards: list[dict[str, object]] = []
if d["total_score"] is not None:
    cards.append({"label": t("total_score"), "value": fmt_score(d["total_score"]), "badge": rating_badge(ctx, d["rating"]),
                  "help": t("rating") + t("colon") + plain(d["rating"] or "—")})
b = d["budget"]
if b:
    cards.append({"label": t("budget_wan"), "value": fmt_number(b["budget"]),
                  "note": " · ".join(f"{plain(lvl['level'])} {fmt_number(lvl['budget'], 0)}" for lvl in b["by_level"])})
    if d["arrival_rate"] is not None:  # a 自评表 prints no 到位 figure
        cards.append({"label": t("arrival_rate"), "value": fmt_pct(d["arrival_rate"]),
                      "note": f"{t('arrived')} {fmt_wan(b['arrived'], lang)}",
                      **flag("arrival_rate", t(f"def_arrival_{ev.project.arrival_rate_definition}"))})
    if d["execution_rate"] is not None:
        cards.append({"label": t("execution_rate"), "value": fmt_pct(d["execution_rate"]),
                      "note": f"{t('spent')} {fmt_wan(b['spent'], lang)}",
                      **flag("execution_rate", t(f"def_execution_{ev.project.execution_rate_definition}"))})
if d["units_budgeted"] is not None:
    pair = f"{d['units_budgeted']:,} / {d['units_used_funds']:,}"
    if len(pair) <= 11:
        cards.append({"label": t("units_budgeted_used"), "value": pair})
    else:  # 44,999 / 44,999 is wider than a card: the count budgeted, and below it the count that used funds
        cards.append({"label": t("units_budgeted"), "value": f"{d['units_budgeted']:,}",
                      "note": t("units_used_note", count=f"{d['units_used_funds']:,}")})
if d["project_count"] is not None:
    note = f"{t('out_of_scope')} {d['project_count_out_of_scope']:,}" if d["project_count_out_of_scope"] else ""
    cards.append({"label": t("project_count"), "value": f"{d['project_count']:,}", "note": note})
if d["satisfaction"] and d["satisfaction"]["overall"] is not None:
    cards.append({"label": t("satisfaction"), "value": fmt_pct(d["satisfaction"]["overall"]),
                  "note": f"{t('respondents')} {d['satisfaction']['respondents']:,}", **flag("satisfaction")})
if d["participation"] and d["participation"]["overall"] is not None:
    cards.append({"label": t("participation"), "value": fmt_pct(d["participation"]["overall"])})
kpi_cards(cards)  # only the figures the evaluation has: no empty cards

if ev.project.conclusion or ev.project.problems:
    problems = [p.strip() for p in (ev.project.problems or "").replace("\n", "；").split("；") if p.strip()]
    left, right = st.columns(2) if ev.project.conclusion and problems else (st.container(), None)
    if ev.project.conclusion:
        with left.container(border=True):
            st.markdown(f"**{t('conclusion')}**")
            st.text(ev.project.conclusion)
    if problems:
        with (right or left).container(border=True):
            st.markdown(f"**{t('main_problems')}**")
            st.markdown("\n".join(f"{k}. {plain(item)}" for k, item in enumerate(problems, 1)))

left, right = st.columns(2)
districts = views.scores_of(ev, ctx.official, views.children(ev, None))
with left:
    if len(districts):
        chart(charts.score_bars(districts, ev.bands, lang, selectable=False), key="overview_scores")
    if b:
        levels = by_level(ev).reset_index(names="level")
        levels["order"] = range(len(levels))
        chart(charts.level_donut(levels, lang), key="overview_levels")
with right:
    totals = views.category_totals(ev)
    if len(totals):
        chart(charts.category_totals_chart(totals, lang), key="overview_categories")
    table = views.budget_by(ev, views.children(ev, None))
    if len(table) and b and d["execution_rate"] is not None:
        chart(charts.rate_bars(table, "execution_rate", float(d["execution_rate"]), lang), key="overview_exec")

st.subheader(t("exports"))
export_buttons(ctx)
