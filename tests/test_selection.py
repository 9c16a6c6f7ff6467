"""Every selection control on a page moves every figure on it (issue: a district chosen on 资金执行
while the cards still showed the city). Each test sets one control under AppTest and checks the
page's cards, tables and chart data against the core's own figures for that selection."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from perfeval_core.analysis.budget import by_unit
from perfeval_core.analysis.scoring import ScoringModel
from perfeval_core.io.loader import load_path
from perfeval_core.present import views
from perfeval_core.present.i18n import fmt_number, fmt_pct, fmt_score

from .conftest import ROOT, SAMPLES
from .test_app import app, metrics, select_evaluation

HOHHOT = SAMPLES / "hohhot_2023_evaluation.xlsx"


@pytest.fixture(autouse=True)
def library_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="module")
def core():
    ev = load_path(HOHHOT).evaluation
    return ev, ScoringModel(ev).score()


def open_page(name: str) -> AppTest:
    at = app()
    at.switch_page(str(ROOT / "pages" / f"{name}.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def charts(at: AppTest) -> list[tuple[dict, list[pd.DataFrame]]]:
    """(spec, the data frames it draws) of every Vega-Lite chart on the page."""
    out = []
    for element in at.get("vega_lite_chart"):
        proto = element.proto
        frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in proto.datasets]
        if proto.data.data:
            frames.append(pa.ipc.open_stream(proto.data.data).read_pandas())
        out.append((json.loads(proto.spec), frames))
    return out


def chart_units(at: AppTest, title: str) -> set[str]:
    """The units a chart whose title contains ``title`` draws."""
    for spec, frames in charts(at):
        if title in json.dumps(spec.get("title", ""), ensure_ascii=False):
            return {str(u) for f in frames if "unit" in f.columns for u in f["unit"]}
    raise AssertionError(f"no chart titled {title!r}: {[s.get('title') for s, _ in charts(at)]}")


def set_and_run(at: AppTest, key: str, value: object) -> AppTest:
    at.selectbox(key=key).set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_budget_cards_and_charts_follow_the_drill_down(core):
    ev, _ = core
    table = by_unit(ev)
    at = open_page("budget")
    assert metrics(at)["预算资金（万元）"] == "15,780"
    assert chart_units(at, "预算、到位与支出") == set(views.children(ev, None))
    for depth, unit in enumerate(("赛罕区", views.children(ev, "赛罕区")[0])):
        set_and_run(at, f"budget_scope_{depth}", unit)
        m, row = metrics(at), table.loc[unit]
        assert m["预算资金（万元）"] == fmt_number(row["budget"]), (unit, m)
        assert m["到位资金（万元）"] == fmt_number(row["arrived"])
        assert m["支出资金（万元）"] == fmt_number(row["spent"])
        assert m["资金到位率"] == fmt_pct(row["arrival_rate"]) and m["预算执行率"] == fmt_pct(row["execution_rate"])
        assert chart_units(at, "预算、到位与支出") == set(views.children(ev, unit))  # its own units, nobody else's
    assert m["预算资金（万元）"] != "15,780"
    # back to all districts: the project's figures again, and the lower choice is gone
    set_and_run(at, "budget_scope_0", "—")
    assert metrics(at)["预算资金（万元）"] == "15,780"
    assert "budget_scope_1" not in [s.key for s in at.selectbox]


def test_district_drill_down_reaches_the_deepest_level(core):
    ev, result = core
    at = open_page("districts")
    scored_streets = views.scores_of(ev, result, views.children(ev, "赛罕区"))["unit"].tolist()
    street = scored_streets[0]  # the streets the evaluation scored (the field-visited ones)
    community = views.children(ev, street)[0]
    set_and_run(at, "drill_unit_0", "赛罕区")
    districts = views.scores_of(ev, result, views.children(ev, None)).set_index("unit")
    assert metrics(at)["排名"] == f"{int(districts.at['赛罕区', 'rank'])} / {len(districts)}"
    assert chart_units(at, "赛罕区下辖单位得分") == set(scored_streets)
    set_and_run(at, "drill_unit_1", street)
    streets = views.scores_of(ev, result, views.children(ev, "赛罕区")).set_index("unit")
    m = metrics(at)
    assert m["综合得分"] == fmt_score(streets.at[street, "total"])
    assert m["排名"] == f"{int(streets.at[street, 'rank'])} / {len(streets)}"  # among its own district's streets
    set_and_run(at, "drill_unit_2", community)
    assert any(community in h.value for h in at.subheader)
    assert metrics(at)["预算资金（万元）"] == fmt_number(by_unit(ev).at[community, "budget"])
    # another district: the street and community chosen under 赛罕区 no longer apply
    set_and_run(at, "drill_unit_0", "新城区")
    assert at.selectbox(key="drill_unit_1").value == "—"
    assert "drill_unit_2" not in [s.key for s in at.selectbox]


def test_two_or_three_units_side_by_side(core):
    ev, result = core
    at = open_page("districts")
    at.multiselect(key="compare_units").set_value(["赛罕区", "和林格尔县", "新城区"]).run()
    assert not at.exception
    assert chart_units(at, "一级指标得分率对比") == {"赛罕区", "和林格尔县", "新城区"}
    shown = [m.value for m in at.metric if m.label == "综合得分"]
    assert shown == [fmt_score(result.unit_total(u)) for u in ("赛罕区", "和林格尔县", "新城区")]


def test_score_sheet_follows_its_unit(core):
    ev, result = core
    at = open_page("scoresheet")
    set_and_run(at, "sheet_unit", "赛罕区")
    assert any(f"**{fmt_score(result.unit_total('赛罕区'))}**" in md.value and "赛罕区" in md.value for md in at.markdown)


def test_findings_status_filter_filters_the_table(core):
    ev, _ = core
    at = open_page("findings")
    table = at.dataframe[0].value
    assert len(table) == len(ev.findings)
    at.button_group(key="findings_status").set_value(["未整改"]).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == int((ev.findings["status"] == "未整改").sum())


def test_category_measure_and_share_change_the_chart():
    at = open_page("categories")

    def fields() -> str:
        return json.dumps([s for s, _ in charts(at)], ensure_ascii=False)

    before = fields()
    at.button_group(key="category_measure").set_value("amount").run()
    assert not at.exception and fields() != before
    amount = fields()
    at.toggle(key="category_share").set_value(True).run()
    assert not at.exception and fields() != amount


@pytest.mark.parametrize("page,key", [("whatif", "whatif_tier"), ("robustness", "rob_tier")])
def test_tier_choice_changes_the_units_shown(core, page, key):
    ev, _ = core
    at = open_page(page)
    tables_before = [d.value for d in at.dataframe]
    at.button_group(key=key).set_value(2).run()  # streets
    assert not at.exception
    streets = set(ev.units.loc[ev.units["depth"] == 2, "name"])
    unit_columns = [d.value.iloc[:, :3].astype(str).stack().tolist() for d in at.dataframe]
    assert any(streets & set(values) for values in unit_columns), page
    assert [len(d.value) for d in at.dataframe] != [len(t) for t in tables_before]


@pytest.mark.parametrize("page", ["overview", "districts", "budget", "categories", "scoresheet", "findings"])
def test_the_evaluation_selector_moves_every_page(page):
    at = open_page(page)
    select_evaluation(at, "tangshan_2024_evaluation.xlsx")
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "唐山" in captions or page == "findings" and not at.dataframe, captions
    assert "呼和浩特" not in captions
