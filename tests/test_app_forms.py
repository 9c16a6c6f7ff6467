"""The dashboard on the forms evaluators publish: a 自评表, a code list, a Word form, a
portfolio of forms and a blank form, uploaded on the 数据 page and shown on every page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import plain

from .conftest import ROOT
from .form_builders import SelfEvaluation, bundle, self_evaluation
from .test_app import APP, PAGES

REAL = ROOT / "tests" / "data" / "real"


@pytest.fixture(autouse=True)
def library_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def upload(files: list[tuple[str, bytes]], combine: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    if not combine:
        at.checkbox(key="combine_uploads").uncheck().run()
    uploader = at.file_uploader(key="uploader")
    for name, data in files:
        uploader.upload(name, data)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def portfolio_files() -> list[tuple[str, bytes]]:
    return [(f"{p}.xlsx", self_evaluation(SelfEvaluation(project=p, department=d, budget_score=s)))
            for p, d, s in (("甲项目", "民政局", 10), ("乙项目", "民政局", 6), ("丙项目", "教育局", 8))]


CASES = {
    "self_evaluation": lambda: [("yunnan.xlsx", (REAL / "zipingbiao_yunnan_yingyanggaishan_2022.xlsx").read_bytes())],
    "code_list": lambda: [("henan.xlsx", (REAL / "henan_zhiyejineng_2021-2024_fubiao3-3to3-6_defenqingkuang.xlsx")
                           .read_bytes())],
    "word": lambda: [("yongde.docx", (REAL / "word_zipingbiao_yunnan_yongdeyingyang_2022.docx").read_bytes())],
    "portfolio_zip": lambda: [("批量.zip", bundle(portfolio_files()))],
    "portfolio_files": portfolio_files,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_page_runs_on_each_form_family(case):
    at = upload(CASES[case]())
    assert any("已加入工作簿库" in s.value for s in at.success), [e.value for e in at.error]
    assert any("指标体系" in h.value for h in at.subheader)  # the tree as read, on the 数据 page
    for page in PAGES:
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        assert not at.exception, (page, [e.message for e in at.exception])


def test_a_portfolio_drills_down_from_departments_to_projects():
    at = upload(portfolio_files())
    at.switch_page(str(ROOT / "pages" / "districts.py")).run()
    at.selectbox(key="drill_unit_0").set_value("民政局").run()
    assert not at.exception
    assert any("民政局" in h.value for h in at.subheader)


def test_separate_uploads_stay_separate_when_not_combined():
    at = upload(portfolio_files(), combine=False)
    assert sum("已加入工作簿库" in s.value for s in at.success) == 3


def test_a_blank_form_shows_its_indicators_and_offers_the_prefilled_template():
    at = upload([("空白.xlsx", self_evaluation(SelfEvaluation(blank=True)))])
    assert any("空白表" in w.value for w in at.warning)
    assert not any("已加入工作簿库" in s.value for s in at.success)
    assert any(b.label == "下载预填了这套指标的评价模板" for b in at.get("download_button"))
    frames = at.dataframe
    assert any("培训人数" in " ".join(map(str, f.value.iloc[:, 1])) for f in frames)


def test_a_file_name_written_as_markdown_shows_as_typed():
    name = "![x](http://example.invalid/a.png)[link](http://example.invalid).xlsx"
    at = upload([(name, b"not a workbook")])
    rendered = [e.value for e in at.error] + [m.value for m in at.markdown]
    assert any(plain(name) in text for text in rendered), rendered  # escaped by the one helper (tests/test_user_text.py)
    assert not any("![x](http://example.invalid" in text or "http://" in text for text in rendered)


def test_the_targets_page_reads_a_self_evaluations_targets():
    from perfeval_core.analysis import targets
    from perfeval_core.io.loader import load_bytes

    data = self_evaluation()
    at = upload([("自评表.xlsx", data)])
    at.switch_page(str(ROOT / "pages" / "targets.py")).run()
    assert not at.exception
    expected = targets.counts(targets.assess(load_bytes(data, "自评表.xlsx").evaluation))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["达成"] == str(expected["met"]) and metrics["部分达成"] == str(expected["partly"])
    assert metrics["目标偏低"] == str(expected["too_easy"]) and metrics["目标无法衡量"] == str(expected["unmeasurable"])
    assert any("101号" in w.value for w in at.warning)
    frame = next(d.value for d in at.dataframe if "target" in d.value.columns)
    assert "部分未达标" in frame["deviation"].tolist()


def test_the_targets_page_reads_the_templates_columns_and_says_when_there_are_none():
    from perfeval_core.analysis import targets
    from perfeval_core.io.loader import load_path

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "targets.py")).run()  # the bundled sample: 目标值 and 实际值 columns
    assert not at.exception
    expected = targets.counts(targets.assess(load_path(ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx").evaluation))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["达成"] == str(expected["met"]) and metrics["未达成"] == str(expected["missed"]) != "0"
    # the 评分表 sample prints no targets: the page says so
    key = next(k for k, (entry, _) in at.session_state["_loaded"].items()
               if entry.filename == "hohhot_2023_score_table.xlsx")
    at.sidebar.selectbox(key="eval_key").set_value(key).run()
    assert not at.exception
    assert any("没有年度指标值与实际完成值" in i.value for i in at.info)


def test_the_portfolio_page_shows_self_evaluation_against_evaluation():
    from .test_gaps import _department_form

    department, theirs = _department_form(0.5)
    at = upload([("自评表.xlsx", self_evaluation()), ("部门评价.xlsx", department)], combine=False)
    at.switch_page(str(ROOT / "pages" / "portfolio.py")).run()
    assert not at.exception
    assert any(s.value == "自评与评价得分差异" for s in at.subheader)
    line = next(m.value for m in at.markdown if "部门评价" in m.value and "差" in m.value)
    assert "自评" in line
    frame = next(d.value for d in at.dataframe if "gap" in d.value.columns)
    row = frame.set_index("indicator").loc["产出指标"]
    assert row["gap"] == pytest.approx(row["self"] - theirs["产出指标"], abs=0.005)
    assert any(b.label == "下载差异清单（Excel）" for b in at.get("download_button"))
