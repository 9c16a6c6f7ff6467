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
