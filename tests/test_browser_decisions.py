"""The what-if page's decision tools in Chromium, in Chinese and in English, at 1366×768 and
1920×1080: the weighting methods beside the official weights, one click that puts a method's
weights on the sliders, the AHP editor's consistency ratio, and the money a weighting moves.
Screenshots land in ``test-artifacts/screenshots/`` for a human to look at."""

from __future__ import annotations

import pytest

from .browser_support import (
    ROOT,
    assert_no_exception,
    full_screenshot,
    open_page,
    skip_module_unless_browser,
    wait_idle,
)

skip_module_unless_browser()

from playwright.sync_api import expect  # noqa: E402

from perfeval_core import load_path  # noqa: E402
from perfeval_core.analysis import methods  # noqa: E402
from perfeval_core.analysis.scoring import ScoringModel  # noqa: E402

HOHHOT = ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx"
TEXT = {
    "zh": {"methods": "权重从哪里来", "entropy": "熵权法", "moved": "调动", "ahp": "层次分析法：两两比较",
           "rules": "结果应用规则"},
    "en": {"methods": "Where weights could come from", "entropy": "Entropy", "moved": "moves",
           "ahp": "AHP: pairwise judgements", "rules": "Budget rules per band"},
}


@pytest.fixture(scope="module", name="entropy")
def entropy_fixture() -> dict[str, float]:
    loaded = load_path(HOHHOT)
    assert loaded.evaluation is not None
    return methods.entropy(ScoringModel(loaded.evaluation)).weights


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366", "1920"])
def test_try_a_method_and_see_what_it_costs(page, screenshots, entropy, lang, size):
    text = TEXT[lang]
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, f"whatif?lang={lang}")
    assert_no_exception(page)
    main = page.locator('[data-testid="stMain"]')
    panel = main.locator('[data-testid="stExpander"]').filter(has_text=text["methods"])
    panel.locator("summary").click()
    expect(panel.get_by_text(text["ahp"])).to_be_visible()
    expect(panel.get_by_text("CR =").first).to_be_visible()
    panel.locator(".st-key-try_entropy").get_by_role("button", name=text["entropy"]).click()
    wait_idle(page)
    assert_no_exception(page)
    for code, points in entropy.items():
        value = main.locator(f".st-key-w_{code}").get_by_role("slider")
        expect(value).to_have_attribute("aria-valuetext", f"{points:.2f}")
    # the entropy weights change bands, and the page says what that does to next year's money
    expect(main.locator('[data-testid="stAlertContentInfo"]').filter(has_text=text["moved"]).first).to_be_visible()
    expect(main.get_by_text(text["rules"]).first).to_be_visible()
    full_screenshot(page, screenshots / f"whatif_methods_{lang}_{size[0]}.png")
