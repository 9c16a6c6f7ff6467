"""The what-if page in a real browser: a weight slider driven from the keyboard in Chromium re-scores the
page, and a saved scenario survives a reload (it lives in the database under PERFEVAL_DATA_DIR).

The slider is moved with one PageUp press (react-aria's page step: a tenth of the 0–100 range, so 30 → 40
in a single change). Twenty ArrowRight presses would also reach 40, but every press commits a value of its
own and every commit rebalances the other weights from where they stand, so the result depends on the path
(rounding drift) and, when presses outrun the reruns, on timing. One change keeps the expected numbers those
of ``rebalance(official, "D", 40)``.

Screenshots land in ``test-artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

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

from perfeval_core import load_path  # noqa: E402
from perfeval_core.analysis.scoring import ScoringModel  # noqa: E402
from perfeval_core.analysis.whatif import compare, rebalance, scenario_from_state  # noqa: E402

HOHHOT = ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx"
PROJECT_UNIT = "呼和浩特市"
OFFICIAL = {"A": 15.0, "B": 25.0, "C": 30.0, "D": 30.0}
MOVED, TARGET = "D", 40.0  # 效益（D）: 30 → 40 with one PageUp
OFFICIAL_TOTAL = "81.18"
SLOPE_TITLE = "排名变化（官方 → 模拟）"
SCENARIO_METRIC = "项目综合得分 · 模拟方案"
SCENARIO_COLUMN = "模拟方案·综合得分"
SCENARIO_NAME = "效益加权"


@pytest.fixture(scope="module", name="expected")
def expected_fixture() -> dict:
    """Weights and totals the core computes for 效益 moved to 40 (nothing locked)."""
    loaded = load_path(HOHHOT)
    assert loaded.evaluation is not None, loaded.report.lines()
    model = ScoringModel(loaded.evaluation)
    official = model.score()
    assert f"{official.unit_total(PROJECT_UNIT):.2f}" == OFFICIAL_TOTAL
    weights = rebalance(OFFICIAL, MOVED, TARGET, [])
    result = model.score(scenario_from_state(weights, {}))
    totals = {unit: result.unit_total(unit) for unit in model.unit_names}
    return {"weights": weights, "totals": totals, "project": f"{totals[PROJECT_UNIT]:.2f}",
            "official": {unit: official.unit_total(unit) for unit in model.unit_names}}


def main(page):
    return page.locator('[data-testid="stMain"]')


def slider(page, code: str):
    return page.locator(f".st-key-w_{code}")


def thumb(page, code: str):
    """The slider's thumb: react-aria renders a visually hidden <input type=range> (implicit role slider)."""
    return slider(page, code).get_by_role("slider")


def thumb_value(page, code: str):
    return slider(page, code).locator('[data-testid="stSliderThumbValue"]')


def scenario_metric(page):
    return main(page).locator('[data-testid="stMetric"]').filter(has_text=SCENARIO_METRIC) \
        .locator('[data-testid="stMetricValue"]')


def live(page):
    """The live ranking (dashboard/live_ranking.js): slope chart and table, drawn in the browser."""
    return main(page).locator(".live-ranking")


def slope_titles(page) -> dict[str, str]:
    """unit -> its line's tooltip in the slope chart: 'unit：official rank → scenario rank（totals）'."""
    return live(page).evaluate("""e => Object.fromEntries(Array.from(e.querySelectorAll('svg g[data-unit]'))
        .map(g => [g.dataset.unit, g.querySelector('title').textContent]))""")


def comparison_rows(page) -> list[dict[str, str]]:
    """The live table's rows (header -> cell text)."""
    return live(page).locator("table").evaluate(TABLE_ROWS)


TABLE_ROWS = """t => {
    const heads = Array.from(t.querySelectorAll('thead th')).map(th => th.textContent.trim());
    return Array.from(t.querySelectorAll('tbody tr')).map(tr => Object.fromEntries(
        Array.from(tr.querySelectorAll('td')).map((td, i) => [heads[i], td.textContent.trim()])));
}"""

# every drawing of the live ranking, with its table as drawn then (the first after a key press
# is the browser's own rescoring, before the server's rerun has answered)
RECORD_DRAWINGS = """tableRows => {
    const rows = eval(tableRows);
    window.__drawings = [];
    window.__keydown = null;
    document.addEventListener('keydown', () => { window.__keydown = performance.now(); }, true);
    document.addEventListener('perfeval-live', e => {
        const root = e.composedPath()[0];
        window.__drawings.push({source: e.detail.source, at: e.detail.at, rows: rows(root.querySelector('table'))});
    });
}"""


def drawings(page) -> tuple[float, list[dict]]:
    return page.evaluate("() => [window.__keydown, window.__drawings]")


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def move_benefit_with_keyboard(page) -> None:
    """Focus 效益's thumb and press PageUp once (30 → 40)."""
    handle = thumb(page, MOVED)
    expect(handle).to_have_attribute("aria-valuetext", "30.00")
    handle.focus()
    expect(handle).to_be_focused()
    page.keyboard.press("PageUp")


def test_keyboard_slider_move_updates_metric_chart_and_table(page, screenshots, expected):
    open_page(page, "whatif")
    assert_no_exception(page)
    expect(scenario_metric(page)).to_have_text(OFFICIAL_TOTAL)
    expect(thumb_value(page, MOVED)).to_have_text("30.00")
    expect(live(page).locator("table")).to_be_visible()
    assert f"{expected['official']['赛罕区']:.2f}" in slope_titles(page)["赛罕区"]
    page.evaluate(RECORD_DRAWINGS, TABLE_ROWS)

    # Time from the last keydown to the metric showing the new total, measured inside the page.
    page.evaluate("""expected => {
        const probe = window.__whatifProbe = {keydowns: [], updated: null};
        document.addEventListener('keydown', () => probe.keydowns.push(performance.now()), true);
        const check = () => {
            if (probe.updated !== null || !probe.keydowns.length) return;
            const metric = Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
                .find(m => m.innerText.includes('模拟方案'));
            const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
            if (value && value.innerText.trim() === expected) probe.updated = performance.now();
        };
        new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""", expected["project"])
    move_benefit_with_keyboard(page)
    pressed = time.monotonic()
    expect(scenario_metric(page)).to_have_text(expected["project"], timeout=WAIT_MS)
    wall_s = time.monotonic() - pressed
    probe = page.evaluate("() => window.__whatifProbe")
    assert probe["keydowns"] and probe["updated"] is not None, probe
    in_page_ms = probe["updated"] - probe["keydowns"][-1]
    print(f"\n[whatif] last key press -> scenario metric {expected['project']}: "
          f"{in_page_ms:.0f} ms in the page ({wall_s * 1000:.0f} ms wall clock from Python)")
    wait_idle(page)
    assert_no_exception(page)

    # The slider shows the new value, the other weights were rebalanced, and the URL carries them.
    expect(thumb_value(page, MOVED)).to_have_text(f"{TARGET:.2f}")
    expect(thumb(page, MOVED)).to_have_attribute("aria-valuetext", f"{TARGET:.2f}")
    for code, weight in expected["weights"].items():
        expect(thumb_value(page, code)).to_have_text(f"{weight:.2f}")
    params = query(page)
    assert f"w_{MOVED}" in params, page.url
    for code, weight in expected["weights"].items():
        if f"w_{code}" in params:
            assert float(params[f"w_{code}"]) == pytest.approx(weight), (code, page.url)
    assert float(params[f"w_{MOVED}"]) == TARGET, page.url
    assert expected["project"] != OFFICIAL_TOTAL
    expect(main(page).locator('[data-testid="stMetric"]').filter(has_text="项目综合得分 · 官方权重")
           .locator('[data-testid="stMetricValue"]')).to_have_text(OFFICIAL_TOTAL)

    # The live table: every unit's scenario total is the core's, and the change is against the official.
    rows = comparison_rows(page)
    assert len(rows) >= 2, rows
    for row in rows:
        unit = row["单位"]
        assert row[SCENARIO_COLUMN] == f"{expected['totals'][unit]:.2f}", row
        assert row["官方权重·综合得分"] == f"{expected['official'][unit]:.2f}", row
        assert float(row["变化"]) == pytest.approx(expected["totals"][unit] - expected["official"][unit], abs=0.006)
    assert any(abs(float(r["变化"])) >= 0.005 for r in rows), rows
    # The browser drew it first from the slider itself, then again from the server's rerun, alike.
    keydown, drawn = drawings(page)
    sources = [d["source"] for d in drawn]
    assert sources[0] == "preview" and "server" in sources, sources
    assert drawn[0]["rows"] == rows and drawn[-1]["rows"] == rows
    print(f"[whatif] key press -> live ranking redrawn in the browser: {drawn[0]['at'] - keydown:.0f} ms; "
          f"-> redrawn from the server's rerun: {drawn[sources.index('server')]['at'] - keydown:.0f} ms")
    # The slope chart too (at 效益 40 no district changes rank: the tooltips carry the totals).
    titles = slope_titles(page)
    for row in rows:
        unit = row["单位"]
        assert f"{expected['official'][unit]:.2f} → {expected['totals'][unit]:.2f}" in titles[unit], titles[unit]
    full_screenshot(page, screenshots / "whatif_moved_1920.png")


def saved_row(page, name: str):
    """The saved-scenario row (a row of columns) whose bold name is ``name``."""
    return main(page).locator('[data-testid="stHorizontalBlock"]').filter(
        has=page.locator('[data-testid="stMarkdownContainer"] strong', has_text=re.compile(f"^{name}$"))).filter(
        has=page.get_by_role("button", name="载入")).last


def test_saved_scenario_survives_reload_and_loads(page, screenshots, expected):
    open_page(page, "whatif")
    move_benefit_with_keyboard(page)
    expect(scenario_metric(page)).to_have_text(expected["project"], timeout=WAIT_MS)
    wait_idle(page)
    expect(thumb_value(page, MOVED)).to_have_text(f"{TARGET:.2f}")

    form = main(page).locator('[data-testid="stForm"]')
    form.get_by_label("方案名称").fill(SCENARIO_NAME)
    form.get_by_role("button", name=re.compile("保存方案")).click()
    expect(saved_row(page, SCENARIO_NAME)).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    assert_no_exception(page)

    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=WAIT_MS)
    wait_idle(page)
    assert_no_exception(page)
    expect(saved_row(page, SCENARIO_NAME)).to_be_visible(timeout=WAIT_MS)

    main(page).get_by_role("button", name=re.compile("恢复官方权重")).click()
    expect(thumb_value(page, MOVED)).to_have_text("30.00", timeout=WAIT_MS)
    expect(scenario_metric(page)).to_have_text(OFFICIAL_TOTAL, timeout=WAIT_MS)
    wait_idle(page)
    for code, weight in OFFICIAL.items():
        expect(thumb_value(page, code)).to_have_text(f"{weight:.2f}")

    saved_row(page, SCENARIO_NAME).get_by_role("button", name="载入").click()
    expect(thumb_value(page, MOVED)).to_have_text(f"{TARGET:.2f}", timeout=WAIT_MS)
    expect(thumb(page, MOVED)).to_have_attribute("aria-valuetext", f"{TARGET:.2f}")
    expect(scenario_metric(page)).to_have_text(expected["project"], timeout=WAIT_MS)
    wait_idle(page)
    for code, weight in expected["weights"].items():
        expect(thumb_value(page, code)).to_have_text(f"{weight:.2f}")
    assert float(query(page).get(f"w_{MOVED}", "nan")) == TARGET, page.url
    assert_no_exception(page)
    full_screenshot(page, screenshots / "whatif_saved_1920.png")


def test_exports_below_the_fragment_follow_the_sliders(page, expected, tmp_path):
    """A slider move reruns only the fragment, so the export buttons below it are not redrawn:
    they must still build what the page shows now (the workbook's scores and the slope chart
    under the moved weights), not what it showed when the page last ran in full."""
    from python_calamine import CalamineWorkbook

    from perfeval_core.present.export_xlsx import score_columns

    open_page(page, "whatif")
    move_benefit_with_keyboard(page)
    expect(scenario_metric(page)).to_have_text(expected["project"], timeout=WAIT_MS)
    wait_idle(page)
    exports = main(page).locator('[data-testid="stExpander"]').filter(has_text="导出")
    exports.locator("summary").click()
    with page.expect_download(timeout=WAIT_MS) as download:
        exports.get_by_role("button", name=re.compile("下载可调权重的 Excel")).click()
    path = tmp_path / "whatif.xlsx"
    download.value.save_as(path)
    loaded = load_path(HOHHOT)
    assert loaded.evaluation is not None
    pos = score_columns(loaded.evaluation)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("评分表").to_python()[pos["first_row"]:]
    totals = {row[0]: float(row[pos["total"]]) for row in rows if row and row[0]}
    assert totals[PROJECT_UNIT] == pytest.approx(expected["totals"][PROJECT_UNIT], abs=1e-9)
    assert f"{totals[PROJECT_UNIT]:.2f}" == expected["project"] != OFFICIAL_TOTAL

    with page.expect_download(timeout=WAIT_MS) as download:
        exports.locator(".st-key-svg_rank_slope").get_by_role("button").click()
    svg = tmp_path / "slope.svg"
    download.value.save_as(svg)
    text = svg.read_text(encoding="utf-8")
    assert SLOPE_TITLE in text and f"{expected['totals']['赛罕区']:.2f}" in text
    assert_no_exception(page)


@pytest.mark.parametrize("locked", [False, True])
def test_the_browser_rescores_a_tier_with_rank_changes_as_the_core_does(page, screenshots, locked):
    """Streets (街道) swap ranks at 效益 40; with 决策 locked the others absorb the move. The first
    drawing after the key press (the browser's own) must show the core's totals, ranks and ratings."""
    open_page(page, "whatif")
    page.locator(".st-key-whatif_tier").get_by_text("街道", exact=True).click()
    wait_idle(page)
    if locked:
        page.locator(".st-key-locked").get_by_role("button", name="决策").click()
        wait_idle(page)
    expect(live(page).locator("tbody tr").first).to_be_visible()
    page.evaluate(RECORD_DRAWINGS, TABLE_ROWS)
    move_benefit_with_keyboard(page)
    page.wait_for_function("() => window.__drawings.some(d => d.source === 'server')", timeout=WAIT_MS)
    wait_idle(page)
    _, drawn = drawings(page)
    assert drawn[0]["source"] == "preview", [d["source"] for d in drawn]

    model = ScoringModel(load_path(HOHHOT).evaluation)
    official = model.score()
    weights = rebalance(OFFICIAL, MOVED, TARGET, ["A"] if locked else [])
    assert (weights["A"] == OFFICIAL["A"]) == locked
    result = model.score(scenario_from_state(weights, {}))
    streets = [u for u, d in zip(model.unit_names, model.unit_depth) if d == 2]
    table = compare(model, official, result, streets)
    want = [{"单位": r.unit, "官方权重·综合得分": f"{r.official_total:.2f}", "模拟方案·综合得分": f"{r.scenario_total:.2f}",
             "官方权重·排名": str(r.official_rank), "模拟方案·排名": str(r.scenario_rank),
             "官方权重·评级": r.official_rating, "模拟方案·评级": r.scenario_rating} for r in table.itertuples()]
    assert any(r.rank_change for r in table.itertuples())  # the case is the one meant
    for seen in (drawn[0]["rows"], comparison_rows(page)):  # the browser's own drawing, then the server's
        got = sorted(({k: row[k] for k in want[0]} for row in seen), key=lambda r: r["单位"])
        assert got == sorted(want, key=lambda r: r["单位"])
    if not locked:
        full_screenshot(page, screenshots / "whatif_streets_moved_1920.png")


def test_dragging_a_slider_moves_the_ranking_before_it_is_released(page):
    """Streamlit sends a dragged slider's value only when it is let go; the live ranking follows the
    thumb all the way, and the server's drawing after the release shows what the drag ended on."""
    open_page(page, "whatif")
    expect(live(page).locator("tbody tr").first).to_be_visible()
    page.evaluate(RECORD_DRAWINGS, TABLE_ROWS)
    handle = slider(page, MOVED).locator('[data-testid="stSliderThumbValue"]').locator("xpath=..")
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x + 12 * step, y)
        page.wait_for_timeout(60)
    _, during = drawings(page)
    page.mouse.up()
    page.wait_for_function("() => window.__drawings.some(d => d.source === 'server')", timeout=WAIT_MS)
    wait_idle(page)
    _, drawn = drawings(page)
    assert [d["source"] for d in during] == ["preview"] * len(during)
    distinct = {tuple(r[SCENARIO_COLUMN] for r in d["rows"]) for d in during}
    assert len(distinct) >= 4, during  # the table moved with the thumb, before any rerun
    assert drawn[-1]["source"] == "server" and drawn[-1]["rows"] == during[-1]["rows"] == comparison_rows(page)
    assert_no_exception(page)
