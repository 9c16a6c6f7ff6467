"""In Chromium: uploading the forms evaluators publish (a .zip of 自评表, a Word form) and what
the pages then show, at the laptop and the meeting-room sizes."""

from __future__ import annotations

import re

import pytest

from .browser_support import (
    ROOT,
    WAIT_MS,
    assert_no_exception,
    full_screenshot,
    open_page,
    skip_module_unless_browser,
    wait_idle,
)
from .form_builders import SelfEvaluation, bundle, self_evaluation

skip_module_unless_browser()

from playwright.sync_api import expect  # noqa: E402

REAL = ROOT / "tests" / "data" / "real"


def main(page):
    return page.locator('[data-testid="stMain"]')


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_a_zip_of_forms_becomes_a_portfolio_by_department(page, screenshots, tmp_path, width, height):
    page.set_viewport_size({"width": width, "height": height})
    archive = tmp_path / "自评表汇总.zip"
    archive.write_bytes(bundle([(f"{p}.xlsx", self_evaluation(SelfEvaluation(project=p, department=d, budget_score=s)))
                                for p, d, s in (("社区培训项目", "民政局", 10), ("养老服务项目", "民政局", 7),
                                                ("校园安全项目", "教育局", 9))]))
    open_page(page, "data")
    page.set_input_files("input[type=file]", str(archive))
    expect(main(page).get_by_text(re.compile("已加入工作簿库：自评表汇总.zip")).first).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    expect(main(page).get_by_text("指标体系（按读取结果）")).to_be_visible()
    assert_no_exception(page)
    full_screenshot(page, screenshots / f"data_portfolio_{width}.png")
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="地区对比").click()
    wait_idle(page)
    expect(main(page)).to_contain_text("民政局")
    expect(main(page)).to_contain_text("教育局")
    assert_no_exception(page)
    full_screenshot(page, screenshots / f"districts_portfolio_{width}.png")


def test_a_word_self_evaluation_form_loads_with_its_tree(page, screenshots):
    page.set_viewport_size({"width": 1366, "height": 768})
    open_page(page, "data")
    page.set_input_files("input[type=file]", str(REAL / "word_zipingbiao_yunnan_yongdeyingyang_2022.docx"))
    expect(main(page).get_by_text(re.compile("已加入工作簿库")).first).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    expect(main(page)).to_contain_text("项目支出绩效自评表")
    assert_no_exception(page)
    full_screenshot(page, screenshots / "data_word_form_1366.png")
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="总览").click()
    wait_idle(page)
    expect(main(page)).to_contain_text("96.00")
    assert_no_exception(page)
    full_screenshot(page, screenshots / "overview_word_form_1366.png")


GAP_TEXT = {"zh": {"portfolio": "项目对比", "title": "自评与评价得分差异", "line": "部门评价", "targets": "目标完成",
                   "met": "达成", "download": "下载差异清单（Excel）"},
            "en": {"portfolio": "Portfolio", "title": "Self-evaluation against evaluation",
                   "line": "department evaluation", "targets": "Targets", "met": "Met",
                   "download": "Download the gap list (Excel)"}}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_self_evaluation_against_evaluation_and_its_targets(page, screenshots, tmp_path, lang, width, height):
    """A 自评表 and a 部门评价 of the same project and year, uploaded one after the other: 项目对比
    lists the gap per level-1 indicator, 目标完成 the self-evaluation's targets."""
    from .test_gaps import _department_form

    text = GAP_TEXT[lang]
    page.set_viewport_size({"width": width, "height": height})
    project = f"差异测试项目{lang}{width}"  # its own project: other tests' uploads do not pair with it
    own = tmp_path / "自评表.xlsx"
    own.write_bytes(self_evaluation(SelfEvaluation(project=project)))
    department, _ = _department_form(0.5, project=project)
    theirs = tmp_path / "部门评价.xlsx"
    theirs.write_bytes(department)
    open_page(page, f"data?lang={lang}")
    for path in (own, theirs):
        page.set_input_files("input[type=file]", str(path))
        wait_idle(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=text["portfolio"]).click()
    wait_idle(page)
    assert_no_exception(page)
    expect(main(page).get_by_text(text["title"], exact=True)).to_be_visible(timeout=WAIT_MS)
    line = main(page).get_by_text(re.compile(f"{project}.*{text['line']}")).first
    expect(line).to_be_visible()
    expect(main(page).get_by_role("button", name=text["download"])).to_be_visible()
    line.scroll_into_view_if_needed()
    full_screenshot(page, screenshots / f"portfolio_gaps_{lang}_{width}.png")
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=text["targets"]).click()
    wait_idle(page)
    assert_no_exception(page)
    expect(main(page).locator('[data-testid="stMetricLabel"]').filter(has_text=re.compile(f"^{text['met']}$")).first
           ).to_be_visible()
    full_screenshot(page, screenshots / f"targets_selfeval_{lang}_{width}.png")
