"""Every dashboard page under Streamlit's AppTest, on the bundled samples."""

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, SAMPLES

APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["overview", "districts", "budget", "categories", "whatif", "robustness", "present", "scoresheet", "satisfaction",
         "findings", "targets", "portfolio", "data", "admin"]
TANGSHAN = "tangshan_2024_evaluation.xlsx"


@pytest.fixture(autouse=True)
def library_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def select_evaluation(at: AppTest, filename: str) -> AppTest:
    key = next(k for k, (entry, _) in at.session_state["_loaded"].items() if entry.filename == filename)
    at.sidebar.selectbox(key="eval_key").set_value(key).run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("sample", ["hohhot", "tangshan"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_both_samples(page, sample):
    at = app()
    if sample == "tangshan":
        select_evaluation(at, TANGSHAN)
    at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title or page == "present", "every page has a heading (presentation mode draws its own)"


def test_overview_shows_the_seed_figures():
    m = metrics(app())
    assert m["综合得分"] == "81.18"
    assert m["预算资金（万元）"] == "15,780"
    assert m["资金到位率"] == "96.71%"
    assert m["预算执行率"] == "53.65%"
    assert m["预算单位 / 使用资金"] == "402 / 388"
    assert m["完成项目数"] == "2,682"
    assert m["满意度"] == "89.58%"
    assert m["经常参与率"] == "54.37%"


def test_switching_evaluation_changes_the_figures():
    at = select_evaluation(app(), TANGSHAN)
    m = metrics(at)
    assert m["综合得分"] == "100.00"
    assert m["预算资金（万元）"] == "280"
    assert m["资金到位率"] == "100.00%" and m["预算执行率"] == "100.00%"


def test_language_switch_changes_labels():
    at = app()
    at.sidebar.button_group(key="lang").set_value("en").run()
    m = metrics(at)
    assert "Total score" in m and m["Total score"] == "81.18"
    assert at.title[0].value == "Overview"


def test_districts_drill_down_to_streets():
    at = app()
    at.switch_page(str(ROOT / "pages" / "districts.py")).run()
    at.selectbox(key="drill_unit_0").set_value("赛罕区").run()
    assert not at.exception
    assert any("赛罕区" in h.value for h in at.subheader)
    assert metrics(at)["排名"] == "1 / 6"
    # the district's streets are charted: profile, children scores and children heatmap
    assert len(at.get("vega_lite_chart")) >= 6


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    at.file_uploader(key="uploader").upload(name, data).run()
    return at


def test_uploading_a_broken_file_shows_the_located_error_and_keeps_the_data():
    at = app()
    before = at.session_state["eval_key"]
    wb = openpyxl.load_workbook(SAMPLES / "tangshan_2024_evaluation.xlsx")
    wb["指标体系"]["D4"] = "二十"
    buffer = io.BytesIO()
    wb.save(buffer)
    at = upload(at, "broken.xlsx", buffer.getvalue())
    assert not at.exception
    assert any("未加载 broken.xlsx" in e.value for e in at.error)
    assert any("指标体系!D4：分值“二十”不是数字" in md.value for md in at.markdown)
    assert at.session_state["eval_key"] == before
    at.switch_page(str(ROOT / "pages" / "overview.py")).run()
    assert metrics(at)["综合得分"] == "81.18"


def test_uploaded_workbook_is_stored_and_survives_a_refresh(library_dir):
    wb = openpyxl.load_workbook(SAMPLES / "tangshan_2024_evaluation.xlsx")
    wb["项目信息"]["B2"] = "城市社区党组织服务群众专项经费（上传）"
    buffer = io.BytesIO()
    wb.save(buffer)
    at = upload(app(), "上传.xlsx", buffer.getvalue())
    assert any("已加入工作簿库" in s.value for s in at.success)
    from dashboard import library

    assert [e.filename for e in library.entries() if not e.bundled] == ["上传.xlsx"]
    fresh = app()  # a browser refresh: a new session
    names = [r.evaluation.project.name for _, (e, r) in fresh.session_state["_loaded"].items()]
    assert "城市社区党组织服务群众专项经费（上传）" in names
    fresh.switch_page(str(ROOT / "pages" / "data.py")).run()
    remove = [b for b in fresh.button if b.key and b.key.startswith("remove_")]
    assert len(remove) == 1
    remove[0].click().run()
    assert [e for e in library.entries() if not e.bundled] == []


def test_score_table_sample_is_selectable_and_renders():
    at = select_evaluation(app(), "hohhot_2023_score_table.xlsx")
    assert metrics(at)["综合得分"] == "81.18"
    for page in ("districts", "scoresheet"):
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        assert not at.exception


def test_rating_colours_are_defined_once():
    import tomllib

    from perfeval_core.present.style import BAND_COLORS

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["theme"]["chartCategoricalColors"][: len(BAND_COLORS)] == list(BAND_COLORS)


def test_presentation_mode_steps_through_every_view_without_editing_controls():
    at = app()
    at.switch_page(str(ROOT / "pages" / "present.py")).run()
    titles = []
    built = at.session_state["present_views"][1]
    while True:
        assert not at.exception, [e.message for e in at.exception]
        assert at.session_state["present_views"][1] is built  # the views are not rebuilt per slide
        assert not at.file_uploader and not at.slider and not at.text_input
        titles.append(next(h.proto.body for h in at.get("html") if "pe-title" in h.proto.body))
        if at.button(key="next_slide").disabled:
            break
        at.button(key="next_slide").click().run()
    assert len(titles) >= 5 and len(set(titles)) == len(titles)
    assert "81.18" in titles[0]


def test_robustness_page_on_a_tier_over_the_limits(monkeypatch):
    """A tier larger than the rank-statistics and pairwise limits (45,000 communities in a big
    workbook ran the server out of memory) says what it leaves out, still shows the rating
    probabilities, and draws only the least certain units; here the limits are lowered so the
    sample's 6 districts exceed them."""
    from perfeval_core.analysis import robustness
    from perfeval_core.present import charts

    monkeypatch.setattr(robustness, "RANK_LIMIT", 5)
    monkeypatch.setattr(robustness, "PAIR_LIMIT", 5)
    monkeypatch.setattr(charts, "SLOPE_LIMIT", 4)
    at = app()
    at.switch_page(str(ROOT / "pages" / "robustness.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    infos = [i.value for i in at.info]
    assert any("超过排名统计的上限（5 个）" in i for i in infos), infos
    assert any("超过逐对分析的上限（5 个单位）" in i for i in infos), infos
    assert any("评级保持概率最低的 4 个单位（共 6 个）" in c.value for c in at.caption)
    charts_drawn = [e for e in at.main if getattr(e, "type", None) == "vega_lite_chart"]
    assert len(charts_drawn) == 1  # the rating probabilities; no rank intervals


def test_score_sheet_of_many_units_lists_one_row_per_unit():
    """Up to 30 units the score sheet compares them side by side (a column each); a workbook of
    more lists one row per unit (50,000 columns took 4 s to send and nobody could read them)."""
    from .workbook_corpus import SCORES, UNITS, template

    units = UNITS + [[f"街道{i:02d}", "甲区", "街道", "否", ""] for i in range(35)]
    scores = SCORES + [[f"街道{i:02d}", code, 5 + i % 5, None, None, ""]
                       for i in range(35) for code in ("A101", "A102", "B101", "B102", "C101", "D101")]
    at = upload(app(), "many.xlsx", template(units=units, scores=scores))
    assert not at.exception
    at.switch_page(str(ROOT / "pages" / "scoresheet.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    frame = at.dataframe[-1].value
    assert len(frame) == 37 and frame.columns[0] == "单位" and "街道07" in frame["单位"].tolist()
    assert any(c.startswith("A 决策（") for c in frame.columns)
