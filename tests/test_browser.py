"""The dashboard in a real browser: Streamlit server + Debian's Chromium driven by Playwright.

Screenshots land in ``test-artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import io
import re
import zipfile

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

skip_module_unless_browser()

from playwright.sync_api import expect  # noqa: E402

from perfeval_core.present.i18n import t as translate  # noqa: E402


def _pages() -> dict[str, str]:
    """url path -> Chinese page title, in navigation order, read from dashboard/app.py."""
    found = re.findall(r'page\("\w+\.py",\s*"(\w+)"', (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8"))
    keys = found or ["overview", "districts", "budget", "categories", "scoresheet", "satisfaction", "findings",
                     "portfolio", "data"]
    return {key: translate(f"page_{key}", "zh") for key in keys}


PAGES = _pages()
DEFAULT_PAGE = "overview"  # st.navigation serves the default page at "/", not at its url_path
CJK = re.compile(r"[\u4e00-\u9fff]")
TANGSHAN = ROOT / "sample_data" / "tangshan_2024_evaluation.xlsx"
BEST_DISTRICT = "赛罕区"  # the Hohhot sample's best district: the top bar of the district chart


def goto(page, key: str) -> None:
    open_page(page, "" if key == DEFAULT_PAGE else key)


def selected_evaluation(page):
    return sidebar(page).locator('[data-testid="stSelectbox"] input').first


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def main(page):
    return page.locator('[data-testid="stMain"]')


def district_bars(page) -> list[dict]:
    """The bars of the district chart as drawn by Vega's SVG renderer: aria-label and client box."""
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            '.st-key-district_chart .vega-embed svg g.mark-rect path')).map(p => {
        const r = p.getBoundingClientRect();
        return {label: p.getAttribute('aria-label') || '', x: r.x, y: r.y, width: r.width, height: r.height};
    })""")


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_in_chinese(page, screenshots, path):
    goto(page, path)
    if path == "present":
        # presentation mode shows the current view's title large, with the chrome hidden
        expect(page.locator(".pe-title").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        expect(page.locator('[data-testid="stToolbar"]')).to_be_hidden()
    else:
        expect(page.locator("h1").first).to_have_text(re.compile(PAGES[path]), timeout=WAIT_MS)
    assert_no_exception(page)
    text = main(page).inner_text()
    assert len(CJK.findall(text)) > 20, text[:500]
    if path == "overview":
        expect(main(page).get_by_text("综合得分").first).to_be_visible()
        expect(main(page).get_by_text("81.18").first).to_be_visible()
    full_screenshot(page, screenshots / f"{path}_1920.png")


@pytest.mark.parametrize("path", ["overview", "districts"])
def test_laptop_viewport(page, screenshots, path):
    page.set_viewport_size({"width": 1366, "height": 768})
    goto(page, path)
    expect(page.locator("h1").first).to_have_text(re.compile(PAGES[path]))
    assert_no_exception(page)
    full_screenshot(page, screenshots / f"{path}_1366.png")


def test_language_switch(page, screenshots):
    goto(page, "overview")
    sidebar(page).locator('[data-testid="stButtonGroup"] button').filter(has_text="English").click()
    expect(page.locator("h1").first).to_have_text("Overview", timeout=WAIT_MS)
    expect(main(page).get_by_text("Total score").first).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    assert_no_exception(page)
    full_screenshot(page, screenshots / "overview_en_1920.png")


def test_district_bar_click_drills_down(page, screenshots):
    goto(page, "districts")
    bars = district_bars(page)
    assert bars, "the district chart has no bar marks"
    top = min(bars, key=lambda b: b["y"] + b["height"] / 2)
    assert f"单位: {BEST_DISTRICT}" in top["label"], top
    x, y = top["x"] + top["width"] * 0.5, top["y"] + top["height"] / 2
    if top["height"] >= 4:
        page.mouse.click(x, y)
    else:
        # The bar is drawn (nearly) flat (see test_district_bars_have_height), so a real click cannot hit it;
        # deliver the click to the mark itself, which still exercises Vega's selection -> Streamlit's on_select.
        page.evaluate("""([unit, x, y]) => {
            const mark = Array.from(document.querySelectorAll('.st-key-district_chart .vega-embed svg g.mark-rect path'))
                .find(p => (p.getAttribute('aria-label') || '').includes('单位: ' + unit));
            for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'])
                mark.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, clientX: x, clientY: y,
                                                         view: window}));
        }""", [BEST_DISTRICT, x, y])
    expect(main(page).locator("h3").filter(has_text=BEST_DISTRICT).first).to_be_visible(timeout=WAIT_MS)
    children = main(page).locator(".vega-embed").filter(has_text=f"{BEST_DISTRICT}下辖单位得分")
    expect(children.first).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    assert_no_exception(page)
    full_screenshot(page, screenshots / "districts_drill_1920.png")


def test_district_bars_have_height(page):
    """Each district gets its own visible bar (a fitted chart whose height is too small collapses the rows)."""
    goto(page, "districts")
    bars = district_bars(page)
    assert len(bars) >= 2
    assert min(b["height"] for b in bars) >= 8, bars
    assert len({round(b["y"]) for b in bars}) == len(bars), "bars overlap on one row"


def _tangshan_copy(tmp_path):
    """The Tangshan sample with a zip comment added: same workbook, different bytes, so a new library entry."""
    target = tmp_path / "唐山上传.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(TANGSHAN) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.comment = b"browser test upload"
    target.write_bytes(buffer.getvalue())
    return target


def test_upload_good_then_broken_workbook(page, screenshots, tmp_path):
    goto(page, "data")
    good = _tangshan_copy(tmp_path)
    page.set_input_files("input[type=file]", str(good))
    expect(main(page).get_by_text(re.compile("已加入工作簿库：唐山上传.xlsx")).first).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    expect(main(page).get_by_text("唐山上传.xlsx").last).to_be_visible()
    expect(selected_evaluation(page)).to_have_value(re.compile("唐山"))
    assert_no_exception(page)
    full_screenshot(page, screenshots / "data_upload_ok_1920.png")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    page.set_input_files("input[type=file]", str(bad))
    error = main(page).locator('[data-testid="stAlertContentError"]').filter(has_text="未加载")
    expect(error.first).to_be_visible(timeout=WAIT_MS)
    expect(error.first).to_contain_text("bad.xlsx")
    wait_idle(page)
    assert_no_exception(page)
    full_screenshot(page, screenshots / "data_upload_bad_1920.png")

    # The rejected file changed nothing: the uploaded evaluation is still selected and the overview renders.
    sidebar(page).get_by_role("link", name="总览").click()
    expect(page.locator("h1").first).to_have_text("总览", timeout=WAIT_MS)
    wait_idle(page)
    expect(selected_evaluation(page)).to_have_value(re.compile("唐山"))
    expect(main(page).get_by_text("综合得分").first).to_be_visible()
    expect(main(page)).to_contain_text("唐山市")
    assert_no_exception(page)
    full_screenshot(page, screenshots / "overview_after_upload_1920.png")
