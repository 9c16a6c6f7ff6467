"""演示模式 in a real browser: every slide fits the screen at 1366×768 and 1920×1080, in Chinese and
English, with type for the back of the room, and the keys move through the slides.

How the chart's type is read: Streamlit's Vega-Lite element draws with Vega's SVG renderer, so each
axis label, legend label, title and value label is an SVG ``<text>`` whose computed ``font-size`` is
the size on the screen (the page asks Vega for it as an expression of the window's size, so the
spec alone would not say it). Should a Streamlit release draw into a ``<canvas>`` instead, the test
fails saying so rather than passing with nothing measured.

Screenshots of every slide land in ``test-artifacts/screenshots/present_<lang>_<width>_<n>.png``.
"""

from __future__ import annotations

import pytest

from .browser_support import WAIT_MS, assert_no_exception, skip_module_unless_browser, wait_idle

skip_module_unless_browser()

SCREENS = [(1366, 768), (1920, 1080)]
LANGS = ["zh", "en"]
MIN_CHART_PX = 18  # every chart text, at every size (28 px at 1920×1080)

MEASURE = """() => {
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                      return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; };
  const doc = document.scrollingElement, main = document.querySelector('[data-testid="stMain"]');
  const body = document.querySelector('.st-key-pe_body'), bodyBox = box(body);
  // text wider than its box (cut off or ellipsised): the headline, the tiles, the bullets
  const overflowing = Array.from(document.querySelectorAll(
      '.pe-title, .pe-message, .pe-kpi .label, .pe-kpi .value, .pe-kpi .note, .pe-bullets li'))
      .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.className + ': ' + el.innerText);
  // parts of the body that reach past it (the body hides its overflow: they would be cut off)
  const clipped = Array.from(body.querySelectorAll('.pe-kpi, .pe-bullets li, .vega-embed, [data-testid="stDataFrame"]'))
      .filter(el => { const r = el.getBoundingClientRect();
                      return r.bottom > bodyBox.bottom + 1 || r.right > bodyBox.right + 1 || r.top < bodyBox.top - 1; })
      .map(el => (el.className || el.tagName) + ': ' + el.innerText.slice(0, 40));
  const embed = document.querySelector('.st-key-pe_chart .vega-embed');
  const sizes = sel => Array.from(document.querySelectorAll('.st-key-pe_chart svg ' + sel))
      .filter(el => el.textContent.trim()).map(el => parseFloat(getComputedStyle(el).fontSize));
  return {
    doc: [doc.scrollHeight, doc.clientHeight], main: [main.scrollHeight, main.clientHeight],
    width: [doc.scrollWidth, doc.clientWidth],
    prev: box(document.querySelector('.st-key-prev_slide button')),
    next: box(document.querySelector('.st-key-next_slide button')),
    counterBox: box(document.querySelector('.pe-counter b')), counter: document.querySelector('.pe-counter b').innerText,
    overflowing, clipped,
    chart: embed ? {svg: !!embed.querySelector('svg.marks'), canvas: !!embed.querySelector('canvas'),
                     height: box(embed).height,
                     axis: sizes('.role-axis-label text'), legend: sizes('.role-legend-label text'),
                     title: sizes('.role-title-text text'), marks: sizes('.mark-text.role-mark text')} : null,
  };
}"""


def inside(box: dict, width: int, height: int) -> bool:
    return box is not None and box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= height and box["right"] <= width


def check_slide(m: dict, width: int, height: int, where: str) -> None:
    assert m["doc"][0] <= m["doc"][1] + 1, (where, "the page scrolls", m["doc"])
    assert m["main"][0] <= m["main"][1] + 1, (where, "Streamlit's main container scrolls", m["main"])
    assert m["width"][0] <= m["width"][1] + 1, (where, "the page scrolls sideways", m["width"])
    for name in ("prev", "next", "counterBox"):
        assert inside(m[name], width, height), (where, f"{name} is not on the screen", m[name])
    assert m["next"]["top"] >= height * 0.8, (where, "the navigation row is not at the foot", m["next"])
    assert not m["overflowing"], (where, "text wider than its box", m["overflowing"])
    assert not m["clipped"], (where, "cut off at the foot of the body", m["clipped"])
    chart = m["chart"]
    if chart is None:
        return
    assert chart["svg"] and not chart["canvas"], (where, "Vega no longer draws SVG: read the chart type another way")
    assert chart["height"] >= height * 0.35, (where, "the chart does not fill the slide", chart["height"])
    assert chart["axis"], (where, "no axis labels drawn")
    for part in ("axis", "legend", "title", "marks"):
        assert all(size >= MIN_CHART_PX for size in chart[part]), (where, f"{part} text below {MIN_CHART_PX} px",
                                                                   sorted(chart[part])[:3])


def counter(page) -> str:
    return page.locator(".pe-counter b").inner_text()


def press(page, key: str, expected: int) -> None:
    """Press ``key`` and wait until the counter says slide ``expected`` and the rerun has settled."""
    page.keyboard.press(key)
    page.wait_for_function(f"() => document.querySelector('.pe-counter b').innerText.startsWith('{expected} /')",
                           timeout=WAIT_MS)
    wait_idle(page)


@pytest.fixture(name="screen")
def screen_fixture(browser, streamlit_server, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  base_url=streamlit_server)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        yield page, width, height
    finally:
        context.close()


def open_present(page, query: str) -> None:
    page.goto(f"/present?{query}", wait_until="domcontentloaded")
    page.wait_for_selector(".pe-counter b", timeout=WAIT_MS)
    wait_idle(page)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS, indirect=True, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_every_slide_fits_the_screen_and_the_arrow_keys_move(screen, screenshots, lang):
    page, width, height = screen
    open_present(page, f"lang={lang}")
    total = int(counter(page).split("/")[1])
    assert total >= 6, counter(page)  # the Hohhot sample: headline, ranking, budget, categories, satisfaction, findings
    for k in range(1, total + 1):
        where = f"slide {k} at {width}×{height} ({lang})"
        assert counter(page) == f"{k} / {total}", where
        assert_no_exception(page)
        check_slide(page.evaluate(MEASURE), width, height, where)
        page.screenshot(path=str(screenshots / f"present_{lang}_{width}_{k}.png"))
        if k < total:
            press(page, "ArrowRight", k + 1)
    assert page.locator(".st-key-next_slide button").is_disabled()
    page.keyboard.press("ArrowRight")  # past the last slide: nothing happens
    page.wait_for_timeout(300)
    wait_idle(page)
    assert counter(page) == f"{total} / {total}"
    press(page, "ArrowLeft", total - 1)
    assert f"slide={total - 1}" in page.url  # the slide is in the URL, for a refresh or a copied link


@pytest.mark.parametrize("screen", [(1920, 1080)], indirect=True, ids=["1920x1080"])
def test_a_clicker_moves_with_page_down_and_page_up_and_the_url_opens_a_slide(screen):
    page, width, height = screen
    open_present(page, "slide=3")
    assert counter(page).startswith("3 / ")
    press(page, "PageDown", 4)
    assert "slide=4" in page.url
    press(page, "PageUp", 3)
    press(page, "PageUp", 2)
    assert "slide=2" in page.url
    check_slide(page.evaluate(MEASURE), width, height, "slide 2 after PageUp")
