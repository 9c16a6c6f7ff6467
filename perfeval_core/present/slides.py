"""One-message views of an evaluation, shared by the dashboard's presentation mode and the deck.

Each ``SlideView`` says one thing: a title, a one-sentence headline computed from the data, and
what backs it (KPI tiles, a chart from charts.py, a small table, a few bullets). Views whose data
is missing are left out (no survey, no findings, a single unit to rank, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from perfeval_core.analysis import budget as budget_mod
from perfeval_core.analysis import consequences, methods, targets
from perfeval_core.analysis.scoring import Scenario, ScoreResult, ScoringModel, model_of, project_unit
from perfeval_core.analysis.whatif import compare
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.present import charts
from perfeval_core.present import views as views_mod
from perfeval_core.present.i18n import (
    FINDING_STATUSES,
    fmt_amount,
    fmt_number,
    fmt_pct,
    fmt_score,
    fmt_wan,
    join_list,
    paren,
    status_label,
    t,
)
from perfeval_core.present.style import band_color_map
from perfeval_core.present.summary import summary

# Texts the i18n catalogue does not have (zh, en); catalogue texts go through t().


text = t  # every string lives in the catalogue (i18n.py)


@dataclass
class SlideView:
    """One message. ``kpis``: (label, value, note); ``table``: display-ready strings;
    ``rating_columns``: the table columns holding ratings, coloured by ``band_colors`` (label →
    colour of the band sets they come from)."""

    key: str
    title: str
    message: str
    kpis: list[tuple[str, str, str]] = field(default_factory=list)
    chart: alt.TopLevelMixin | None = None
    table: pd.DataFrame | None = None
    bullets: list[str] = field(default_factory=list)
    rating_columns: tuple[str, ...] = ()
    band_colors: dict[str, str] = field(default_factory=dict)


def _ok(value: object) -> bool:
    return value is not None and isinstance(value, (int, float, np.floating, np.integer)) and bool(np.isfinite(value))


def _shorten(s: str, limit: int) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def views(source: Evaluation | ScoringModel, scenario: Scenario | None = None, lang: str = "zh") -> list[SlideView]:
    """The evaluation's one-message views, in presentation order (one model for all of them)."""
    model, ev = model_of(source)
    official = model.score()
    d = summary(model)
    out: list[SlideView] = [_headline(ev, d, lang)]
    for build in (_ranking, _budget, _categories, _satisfaction, _findings):
        view = build(ev, official, d, lang)
        if view is not None:
            out.append(view)
    if scenario is not None and (scenario.weights or scenario.bands):
        view = _scenario(ev, model, official, scenario, lang)
        if view is not None:
            out.append(view)
        view = _methods(ev, model, lang)
        if view is not None:
            out.append(view)
    view = _consequences(model, official, scenario, lang)
    if view is not None:
        out.append(view)
    view = _targets(ev, lang)
    if view is not None:
        out.append(view)
    return out


TARGET_ROWS = 8  # indicators on the 目标完成 slide: the missed and partly met first


def _targets(ev: Evaluation, lang: str) -> SlideView | None:
    """Targets and actuals of a 自评表: how many were met, the gaps with their printed reasons."""
    assessed = targets.assess(ev)
    if assessed.empty:
        return None
    c = targets.counts(assessed)
    message = t("msg_targets", lang, total=len(assessed), met=c["met"], partly=c["partly"], missed=c["missed"],
                easy=c["too_easy"], unmeasurable=c["unmeasurable"])
    order = {"missed": 0, "partly": 1, "unknown": 2, "met": 3}
    ranked = assessed.assign(_o=assessed["light"].map(order)).sort_values("_o", kind="stable").head(TARGET_ROWS)
    table = pd.DataFrame({
        t("indicator", lang): ranked["name"], t("tg_target", lang): ranked["target"], t("tg_actual", lang): ranked["actual"],
        t("tg_light", lang): [t(f"tg_{k}", lang) for k in ranked["light"]],
        t("tg_deviation", lang): ranked["deviation"].map(lambda s: _shorten(s, 40) if s else "—"),
    }).reset_index(drop=True)
    bullets = [t("tg_thresholds", lang, met=f"{targets.MET:.0%}", partly=f"{targets.PARTLY:.0%}",
                 easy=f"{targets.TOO_EASY - 1:.0%}")]
    if c["too_easy"] or c["unmeasurable"]:
        bullets.append(t("tg_101", lang))
    return SlideView("targets", t("page_targets", lang), message, table=table, bullets=bullets)


CONSEQUENCE_ROWS = 10  # units on the 结果应用 slide: the largest changes


def _consequences(model: ScoringModel, official: ScoreResult, scenario: Scenario | None,
                  lang: str) -> SlideView | None:
    """评价结果应用: next year's budget under the rules, and what a scenario moves."""
    result = model.score(scenario) if scenario is not None else official
    rules = consequences.rules_of(scenario.rules if scenario is not None else None, result.bands)
    moved = consequences.compare(model, official, result, rules)
    frame = moved.scenario.table
    if frame["budget"].isna().all():
        return None
    if scenario is not None and (scenario.weights or scenario.bands):
        changed = (text("msg_consequences_moved", lang, moved=fmt_wan(moved.moved, lang), units=moved.band_changes)
                   if moved.band_changes or moved.moved >= 0.005 else text("msg_consequences_same", lang))
    else:
        changed = text("consequences_rule_line", lang, rules=consequences.format_rules(rules))
    message = text("msg_consequences", lang, total=fmt_wan(moved.scenario.total_change, lang), changed=changed)
    top = frame.assign(_size=frame["change"].abs()).sort_values("_size", ascending=False, kind="stable")
    top = top[top["change"].abs() >= 0.005].head(CONSEQUENCE_ROWS)
    table = pd.DataFrame({
        t("unit", lang): top["unit"], t("budget_wan_unit", lang): top["budget"].map(fmt_amount),
        t("rating", lang): top["rating"].replace("", "—"),
        t("budget_change", lang): top["change"].map(lambda v: ("+" if v > 0 else "") + fmt_amount(v)),
    }).reset_index(drop=True) if len(top) else None
    kpis = [(t("consequences_kpi", lang), fmt_wan(moved.scenario.total_change, lang),
             text("consequences_rule_line", lang, rules=consequences.format_rules(rules)))]
    bullets = [text("consequences_rule_line", lang, rules=consequences.format_rules(rules))]
    if len(frame) > len(top):
        bullets.append(t("present_more", lang, count=len(frame) - len(top)))
    return SlideView("consequences", t("consequences_title", lang), message, kpis=kpis if table is None else [],
                     table=table, bullets=bullets, rating_columns=(t("rating", lang),),
                     band_colors=band_color_map(result.bands.labels))


def _methods(ev: Evaluation, model: ScoringModel, lang: str) -> SlideView | None:
    """The official weights beside what equal, entropy and CRITIC weighting would give."""
    depth = int(model.unit_depth.max()) if len(model.unit_depth) else 0
    candidates = [c for c in methods.side_by_side(model, depth) if c.weights is not None]
    if len(candidates) < 2:
        return None
    tree = model.tree
    codes = [tree.codes[i] for i in tree.level1]
    names = dict(zip(tree.codes, tree.names))
    table = pd.DataFrame({t("method", lang): [t(f"method_{c.method}", lang) for c in candidates],
                          **{names[code]: [fmt_number(c.weights[code]) for c in candidates if c.weights] for code in codes},
                          t("method_ratings", lang): [str(c.rating_changes) for c in candidates],
                          t("method_rules", lang): [t("method_rules_ok", lang) if not c.warnings
                                                    else t("method_rules_warn", lang, count=len(c.warnings))
                                                    for c in candidates]})
    worst = max(candidates, key=lambda c: c.rating_changes)
    message = t("msg_methods", lang, method=t(f"method_{worst.method}", lang), count=worst.rating_changes)
    bullets = [t("methods_help", lang, units=int((model.unit_depth == depth).sum()))]
    return SlideView("methods", t("methods_title", lang), message, table=table, bullets=bullets)


def _headline(ev: Evaluation, d: dict, lang: str) -> SlideView:
    parts: list[str] = []
    kpis: list[tuple[str, str, str]] = []
    if d["total_score"] is not None:
        parts.append(text("msg_headline", lang, score=fmt_score(d["total_score"]), rating=d["rating"] or "—"))
        kpis.append((t("total_score", lang), fmt_score(d["total_score"]), f"{t('rating', lang)}{text('colon', lang)}{d['rating'] or '—'}"))
    b = d["budget"]
    if b:
        weak = d.get("weakest") or {}
        mark = {weak.get("key"): text("msg_weakest_mark", lang, target=fmt_pct(weak["target"], 0))} if weak else {}
        parts.append(text("msg_headline_rates", lang, arrival=fmt_pct(d["arrival_rate"]) + mark.get("arrival_rate", ""),
                          execution=fmt_pct(d["execution_rate"]) + mark.get("execution_rate", "")))
        kpis.append((t("budget_wan", lang), fmt_number(b["budget"]),
                     " · ".join(f"{lvl['level']} {lvl['budget']:,.0f}" for lvl in b["by_level"])))
        kpis.append((t("arrival_rate", lang), fmt_pct(d["arrival_rate"]), f"{t('arrived', lang)} {fmt_wan(b['arrived'], lang)}"))
        kpis.append((t("execution_rate", lang), fmt_pct(d["execution_rate"]), f"{t('spent', lang)} {fmt_wan(b['spent'], lang)}"))
    if d["units_budgeted"] is not None:
        kpis.append((t("units_budgeted_used", lang), f"{d['units_budgeted']:,} / {d['units_used_funds']:,}", ""))
    if d["project_count"] is not None:
        note = f"{t('out_of_scope', lang)} {d['project_count_out_of_scope']:,}" if d["project_count_out_of_scope"] else ""
        kpis.append((t("project_count", lang), f"{d['project_count']:,}", note))
    if d["satisfaction"] and _ok(d["satisfaction"]["overall"]):
        kpis.append((t("satisfaction", lang), fmt_pct(d["satisfaction"]["overall"]),
                     f"{t('respondents', lang)} {d['satisfaction']['respondents']:,}"))
    if d["participation"] and _ok(d["participation"]["overall"]):
        kpis.append((t("participation", lang), fmt_pct(d["participation"]["overall"]), ""))
    weak = d.get("weakest")
    if weak and weak["key"] == "satisfaction" and parts:  # the rates carry their own mark
        parts.append(text("msg_weakest", lang, name=t(weak["key"], lang), value=fmt_pct(weak["value"]),
                          target=fmt_pct(weak["target"], 0)))
    message = text("sep", lang).join(parts) if parts else ev.title
    bullets = []
    if ev.project.conclusion:
        bullets = [s.strip() for s in ev.project.conclusion.replace("。", "；").split("；") if s.strip()][:4]
    return SlideView("headline", t("page_overview", lang), message, kpis=kpis, bullets=bullets)


SLIDE_ENDS = 15  # a slide shows at most the first and last 15 units of a longer list


def _ends(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """A projector cannot show 500 districts: the first and last SLIDE_ENDS rows, and a note."""
    if len(frame) <= 2 * SLIDE_ENDS:
        return frame, []
    shown = pd.concat([frame.head(SLIDE_ENDS), frame.tail(SLIDE_ENDS)])
    return shown, [t("slide_ends", lang, total=f"{len(frame):,}", n=SLIDE_ENDS)]


def _ranking(ev: Evaluation, result: ScoreResult, d: dict, lang: str) -> SlideView | None:
    scores = views_mod.scores_of(ev, result, views_mod.children(ev, None))
    if len(scores) < 2:
        return None
    top, bottom = scores.iloc[0], scores.iloc[-1]
    message = text("msg_ranking", lang, top=top["unit"], top_score=fmt_score(top["total"]),
                   bottom=bottom["unit"], bottom_score=fmt_score(bottom["total"]))
    counts = scores["rating"].replace("", "—").value_counts()
    labels = [lbl for lbl in ev.bands.labels if counts.get(lbl, 0)]
    if labels:
        message += text("sep", lang) + text("list_sep", lang).join(
            text("band_count", lang, label=lbl, count=int(counts[lbl])) for lbl in labels)
    scores, note = _ends(scores, lang)  # best first: the best and the worst
    table = pd.DataFrame({
        t("rank", lang): scores["rank"].astype(int).astype(str),
        t("unit", lang): scores["unit"] + scores["field_visited"].map({True: " ★", False: ""}),
        t("total_score", lang): scores["total"].map(fmt_score),
        t("rating", lang): scores["rating"].replace("", "—"),
    })
    chart = charts.score_bars(scores, ev.bands, lang, selectable=False)
    bullets = [f"★ {t('field_visited', lang)}"] if scores["field_visited"].any() else []
    bullets += note
    return SlideView("ranking", t("page_districts", lang), message, chart=chart, table=table, bullets=bullets,
                     rating_columns=(t("rating", lang),), band_colors=band_color_map(result.bands.labels))


def _budget(ev: Evaluation, result: ScoreResult, d: dict, lang: str) -> SlideView | None:
    if ev.budget.empty:
        return None
    units = views_mod.children(ev, None)
    frame = views_mod.budget_by(ev, units)
    overall = budget_mod.totals(ev)
    target = float(overall["execution_rate"])
    if frame.empty or not np.isfinite(target):
        return None
    frame = frame.dropna(subset=["execution_rate"])
    if len(frame) < 2:  # nothing to compare: the headline has the totals
        return None
    below = views_mod.below(frame, "execution_rate", target)
    rate = fmt_pct(target)
    if below:
        message = text("msg_budget_below", lang, rate=rate, count=len(below), units=join_list(below, lang, 5))
    else:
        message = text("msg_budget_ok", lang, rate=rate)
    if len(frame) > 2 * SLIDE_ENDS:  # the best and the worst executors
        frame = frame.sort_values("execution_rate", ascending=False)
    frame, note = _ends(frame, lang)
    chart = charts.rate_bars(frame, "execution_rate", target, lang)
    table = pd.DataFrame({
        t("unit", lang): frame["unit"],
        t("budget", lang): frame["budget"].map(fmt_number),
        t("arrived", lang): frame["arrived"].map(fmt_number),
        t("spent", lang): frame["spent"].map(fmt_number),
        t("arrival_rate", lang): frame["arrival_rate"].map(fmt_pct),
        t("execution_rate", lang): frame["execution_rate"].map(fmt_pct),
    })
    bullets = list(note)
    short = frame.loc[frame["arrival_rate"] < 1 - 1e-9, "unit"].tolist()
    if short:
        bullets.append(text("arrival_short", lang, units=join_list(short, lang)))
    unused = views_mod.unused_units(ev)
    if len(unused):
        bullets.append(t("not_used_units", lang, count=len(unused)) + text("colon", lang)
                       + join_list(unused["unit"].tolist(), lang, 6))
    return SlideView("budget", t("page_budget", lang), message, chart=chart, table=table, bullets=bullets)


def _categories(ev: Evaluation, result: ScoreResult, d: dict, lang: str) -> SlideView | None:
    totals = views_mod.category_totals(ev)
    if totals.empty or not (totals["count"] > 0).any():
        return None
    inside = totals[totals["in_scope"]]
    outside = totals[~totals["in_scope"]]
    counted = inside if len(inside) else totals
    total = int(counted["count"].sum())
    top = counted.sort_values("count", ascending=False, kind="stable").iloc[0]
    share = fmt_pct(float(top["count"]) / total, 1) if total else "—"
    message = text("msg_categories", lang, total=f"{total:,}", top=top["category"], count=f"{int(top['count']):,}",
                   share=share)
    bullets = []
    mark = "△"
    if len(outside):
        message += text("sep", lang) + text("msg_categories_out", lang, count=f"{int(outside['count'].sum()):,}")
        items = [f"{r.category} {int(r.count):,}" for r in outside.itertuples()]
        bullets.append(text("out_of_scope_list", lang, mark=mark, items=join_list(items, lang)))
    amount = pd.to_numeric(totals["amount"], errors="coerce")
    table = pd.DataFrame({
        t("category", lang): totals["category"] + totals["in_scope"].map({True: "", False: f" {mark}"}),
        t("projects", lang): totals["count"].map(lambda v: f"{int(v):,}"),
        t("amount_wan", lang): amount.map(fmt_amount),
    })
    chart = charts.category_totals_chart(totals, lang)
    return SlideView("categories", t("page_categories", lang), message, chart=chart, table=table, bullets=bullets)


def _satisfaction(ev: Evaluation, result: ScoreResult, d: dict, lang: str) -> SlideView | None:
    if ev.survey.empty or not d["satisfaction"] or not _ok(d["satisfaction"]["overall"]):
        return None
    by_age = views_mod.survey_by_age(ev)
    sat = d["satisfaction"]
    message = fmt_pct(sat["overall"])
    valid = by_age.dropna(subset=["satisfaction"])
    if len(valid) >= 2:
        low = valid.sort_values("satisfaction", kind="stable").iloc[0]
        message = text("msg_satisfaction", lang, rate=fmt_pct(sat["overall"]), group=low["age_group"],
                       low=fmt_pct(float(low["satisfaction"])))
    else:
        message = f"{t('satisfaction', lang)} {fmt_pct(sat['overall'])}"
    part = d["participation"]
    kpis = [(t("satisfaction", lang), fmt_pct(sat["overall"]), ""),
            (t("respondents", lang), f"{sat['respondents']:,}", "")]
    if part and _ok(part["overall"]):
        message += text("sep", lang) + text("msg_satisfaction_part", lang, rate=fmt_pct(part["overall"]))
        kpis.insert(1, (t("participation", lang), fmt_pct(part["overall"]), ""))
    chart = charts.survey_age_chart(by_age, lang) if len(by_age) else None
    return SlideView("satisfaction", t("page_satisfaction", lang), message, kpis=kpis, chart=chart)


def _findings(ev: Evaluation, result: ScoreResult, d: dict, lang: str) -> SlideView | None:
    findings = ev.findings
    if findings.empty:
        return None
    counts = findings["status"].fillna("").value_counts()
    statuses = [s for s in FINDING_STATUSES if counts.get(s, 0)]
    statuses += [s for s in counts.index if s and s not in FINDING_STATUSES]
    parts = [text("findings_part", lang, status=status_label(s, lang), count=int(counts[s])) for s in statuses]
    message = text("msg_findings", lang, total=len(findings), parts=text("list_sep", lang).join(parts) or "—")
    order = {s: k for k, s in enumerate(FINDING_STATUSES)}
    ranked = findings.assign(_o=findings["status"].map(order).fillna(len(order))).sort_values("_o", kind="stable")
    bullets = [(text("status_mark", lang, status=status_label(r.status, lang)) if r.status else "") + _shorten(r.problem, 60)
               for r in ranked.itertuples()]
    chart = charts.findings_chart(findings, lang)
    return SlideView("findings", t("page_findings", lang), message, chart=chart, bullets=bullets[:8])


def comparison_units(ev: Evaluation, model: ScoringModel) -> list[str]:
    """The units compared under a scenario: the scored ones of the main tier, else the
    scored units of the shallowest scored tier."""
    main = [u for u in views_mod.children(ev, None) if model.index_of(u) is not None]
    if len(main) >= 2:
        return main
    if not model.unit_names:
        return []
    shallow = int(model.unit_depth.min())
    return [u for u, dep in zip(model.unit_names, model.unit_depth) if dep == shallow]


def _scenario(ev: Evaluation, model: ScoringModel, official: ScoreResult, scenario: Scenario,
              lang: str) -> SlideView | None:
    result = model.score(scenario)
    units = comparison_units(ev, model)
    if not units:
        return None
    comparison = compare(model, official, result, units)
    changed = comparison[comparison["rating_changed"]]
    moved = comparison[comparison["rank_change"] != 0]
    parts = []
    unit = project_unit(ev)
    before = official.unit_total(unit) if unit else None
    after = result.unit_total(unit) if unit else None
    if before is not None and after is not None:
        rating = result.bands.label(after)
        parts.append(text("msg_scenario_score", lang, before=fmt_score(before),
                          after=fmt_score(after) + (f"（{rating}）" if lang == "zh" and rating else
                                                    (f" ({rating})" if rating else ""))))
    parts.append(text("msg_scenario_changes", lang, count=len(changed)) if len(changed)
                 else text("msg_scenario_none", lang))
    if len(moved):
        parts.append(text("msg_scenario_ranks", lang, count=len(moved)))
    message = text("sep", lang).join(parts)
    table = None
    if len(changed):
        table = pd.DataFrame({
            t("unit", lang): changed["unit"],
            text("official_score", lang): changed["official_total"].map(fmt_score),
            text("scenario_score", lang): changed["scenario_total"].map(fmt_score),
            text("official_rating", lang): changed["official_rating"].replace("", "—"),
            text("scenario_rating", lang): changed["scenario_rating"].replace("", "—"),
        }).reset_index(drop=True)
    tree = model.tree
    bullets = []
    if scenario.weights:
        points = result.node_points
        level1 = [f"{tree.names[i]} {tree.points[i]:g} → {points[i]:.4g}" for i in tree.level1]
        bullets.append(text("scenario_weights", lang, weights=join_list(level1, lang)))
    if scenario.bands:
        bands = result.bands
        bullets.append(text("scenario_bands", lang, bands=join_list(
            [f"{lbl} ≥ {v:g}" for lbl, v in zip(bands.labels, bands.thresholds)], lang)))
    if len(changed):
        bullets.append(t("rating_changes", lang, units=join_list(
            [r.unit + paren(f"{r.official_rating or '—'}→{r.scenario_rating or '—'}", lang) for r in changed.itertuples()], lang)))
    chart = charts.rank_slope(comparison, lang)
    return SlideView("scenario", t("page_whatif", lang), message, chart=chart, table=table, bullets=bullets,
                     rating_columns=(text("official_rating", lang), text("scenario_rating", lang)),
                     band_colors=band_color_map(official.bands.labels, result.bands.labels))
