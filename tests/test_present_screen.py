"""演示模式 on one screen (dashboard/present_screen.py): long lists cut to what fits, every chart
text sized by the window, legends and bullets fitted; charts.py's own charts left as they were.
The browser test (test_browser_present.py) checks the drawn result."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dashboard import present_screen as screen
from perfeval_core.model.evaluation import Bands, Evaluation, ProjectInfo
from perfeval_core.present import charts, slides
from perfeval_core.present.i18n import t

LANGS = ["zh", "en"]


@pytest.fixture(scope="module")
def hohhot_views(hohhot) -> dict[str, list[slides.SlideView]]:
    return {lang: slides.views(hohhot.evaluation, None, lang) for lang in LANGS}


def long_ranking(n: int, lang: str) -> slides.SlideView:
    """The ranking view of an evaluation with ``n`` districts (scores 50 … 100, the last best)."""
    indicators = pd.DataFrame({"code": ["A", "A1"], "name": ["决策", "立项"], "parent": [None, "A"], "level": [1, 2],
                               "points": [100.0, 100.0], "kind": "", "target": np.nan, "unit": "", "explanation": "",
                               "criteria": "", "src_sheet": "", "src_row": 0, "src_col": 0})
    names = ["市"] + [f"第{i}区" for i in range(n)]
    units = pd.DataFrame({"name": names, "parent": [None] + ["市"] * n, "tier": ["市"] + ["区"] * n,
                          "depth": [0] + [1] * n, "field_visited": False, "note": ""})
    rates = np.linspace(0.5, 1.0, n + 1)
    scores = pd.DataFrame({"unit": names, "code": "A1", "points": rates * 100, "rate": rates, "actual": np.nan,
                           "reason": "", "src_sheet": "", "src_row": 0, "src_col": 0})
    ev = Evaluation(ProjectInfo(name="长名单"), indicators, units, scores)
    return next(v for v in slides.views(ev, None, lang) if v.key == "ranking")


def drawn_labels(spec: dict) -> list[str]:
    y = spec["layer"][0]["encoding"]["y"]
    rows = next(rows for rows in spec["datasets"].values() if rows and y["field"] in rows[0])
    return [row[y["field"]] for row in rows]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("n", [20, 80])
def test_a_long_ranking_shows_its_first_and_last_units_and_says_how_many(lang, n):
    view = long_ranking(n, lang)
    spec, bullets, _ = screen.chart_slide(view.chart, view.bullets, 0, lang)
    half = screen.SCREEN_ROWS // 2
    assert drawn_labels(spec) == [f"第{i}区" for i in range(n - 1, n - 1 - half, -1)] + [
        f"第{i}区" for i in range(half - 1, -1, -1)]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == drawn_labels(spec)
    # the screen's note counts every district (the deck's own note, for its 15 + 15, is replaced)
    assert bullets[-1] == t("slide_ends", lang, total=f"{n:,}", n=half)
    assert not any(b == t("slide_ends", lang, total=f"{n:,}", n=slides.SLIDE_ENDS) for b in bullets)


@pytest.mark.parametrize("lang", LANGS)
def test_a_short_ranking_keeps_every_unit_and_adds_no_note(hohhot_views, lang):
    view = next(v for v in hohhot_views[lang] if v.key == "ranking")
    spec, bullets, beside = screen.chart_slide(view.chart, view.bullets, 0, lang)
    assert len(drawn_labels(spec)) == 6 and bullets == view.bullets and not beside


def test_a_long_slope_keeps_the_biggest_movers_of_all_the_units():
    n = 50
    rng = np.random.default_rng(3)
    scenario = rng.permutation(n) + 1
    frame = pd.DataFrame({"unit": [f"第{i}区" for i in range(n)], "official_rank": np.arange(1, n + 1),
                          "scenario_rank": scenario, "official_total": 90.0 - np.arange(n) / 2,
                          "scenario_total": 90.0 - scenario / 2, "official_rating": "良", "scenario_rating": "良"})
    spec = charts.rank_slope(frame, "zh").to_dict()
    assert screen.cut_slope(spec) == charts.SLOPE_LIMIT  # charts.py had already kept 40 of the 50
    rows = next(rows for rows in spec["datasets"].values() if rows and "pos" in rows[0])
    moved = {r["unit"]: abs(r["rank"] - scenario[int(r["unit"][1:-1])]) for r in rows if r["side"] == "官方权重"}
    assert len(moved) == screen.SCREEN_ROWS
    biggest = sorted(abs(np.arange(1, n + 1) - scenario), reverse=True)[: screen.SCREEN_ROWS]
    assert sorted(moved.values(), reverse=True) == biggest
    for side in ("官方权重", "模拟方案"):
        assert sorted(r["pos"] for r in rows if r["side"] == side) == list(range(1, screen.SCREEN_ROWS + 1))
    bullets = screen.fit_rows(charts.rank_slope(frame, "zh").to_dict(), [], "zh")
    assert bullets == []


def test_the_slope_title_counts_every_unit():
    n = 50
    frame = pd.DataFrame({"unit": [f"第{i}区" for i in range(n)], "official_rank": np.arange(1, n + 1),
                          "scenario_rank": np.arange(n, 0, -1), "official_total": 80.0, "scenario_total": 80.0,
                          "official_rating": "良", "scenario_rating": "良"})
    spec = charts.rank_slope(frame, "en").to_dict()
    screen.fit_rows(spec, [], "en")
    assert spec["title"]["text"] == t("chart_rank_change", "en") + t("chart_rank_movers", "en",
                                                                      shown=screen.SCREEN_ROWS, total="50")


def font_sizes(spec: dict) -> list[object]:
    """Every font size the spec sets, wherever it sets it."""
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("ontSize"):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_text_is_sized_by_the_window(hohhot_views, lang):
    for view in (v for v in hohhot_views[lang] if v.chart is not None):
        spec, _, _ = screen.chart_slide(view.chart, view.bullets, len(view.kpis), lang)
        assert {"name": screen.FONT_PX, "expr": screen.FONT_EXPR} in spec["params"]
        sizes = font_sizes(spec)
        assert sizes, view.key
        for size in sizes:
            assert isinstance(size, dict) and screen.FONT_PX in size["expr"], (view.key, size)
        assert spec["height"] == "container"


def test_the_chart_type_is_at_least_18px_and_a_fixed_share_of_a_16_9_frame():
    # FONT_EXPR in Python: what Vega computes from windowSize() at a few screens
    def size(width: int, height: int) -> int:
        return max(18, round(min(height, width * 0.5625) * 0.026))

    assert screen.FONT_EXPR == "max(18, round(min(windowSize()[1], windowSize()[0] * 0.5625) * 0.026))"
    assert size(1366, 768) == 20 and size(1920, 1080) == 28 and size(2560, 1440) == 37
    assert size(1280, 720) == 19 and size(1024, 768) == 18  # 4:3: the width decides


def test_the_page_copy_leaves_the_chart_of_charts_py_alone(hohhot_views):
    for view in (v for v in hohhot_views["zh"] if v.chart is not None):
        before = json.dumps(view.chart.to_dict(), sort_keys=True, default=str)
        screen.chart_slide(view.chart, view.bullets, len(view.kpis), "zh")
        assert json.dumps(view.chart.to_dict(), sort_keys=True, default=str) == before, view.key


@pytest.mark.parametrize("lang", LANGS)
def test_many_findings_go_beside_the_chart_and_those_that_do_not_fit_are_counted(hohhot_views, lang):
    view = next(v for v in hohhot_views[lang] if v.key == "findings")
    _, bullets, beside = screen.chart_slide(view.chart, view.bullets, 0, lang)
    assert beside
    shown = [b for b in bullets if b in view.bullets]
    assert shown == view.bullets[: len(shown)]
    used = sum(screen.lines(b, screen.LINE_CHARS["beside"]) for b in bullets)
    assert used <= screen.BODY_LINES
    if len(shown) < len(view.bullets):
        assert bullets[-1] == t("present_more", lang, count=len(view.bullets) - len(shown))


def test_bullets_that_do_not_fit_leave_a_line_for_the_note():
    bullets = [f"第{i}条" + "很" * 40 for i in range(10)]  # one line each at 52 a line
    assert screen.fitting(bullets[:3], 3, 52, "zh") == bullets[:3]
    assert screen.fitting(bullets, 4, 52, "zh") == bullets[:3] + [t("present_more", "zh", count=7)]


@pytest.mark.parametrize("text, cut", [
    ("资金到位率未达 100% 的地区：" + "、".join(f"第{i}区" for i in range(40)), "、"),
    ("Units short of funds: " + ", ".join(f"District {i}" for i in range(40)), ", "),
])
def test_a_long_bullet_is_cut_after_a_whole_item(text, cut):
    short = screen.clipped(text)
    assert short.endswith("…") and screen.chars(short) <= screen.BULLET_LINES_MAX * screen.LINE_CHARS["full"]
    assert text.startswith(short[:-1]) and text[len(short) - 1 :].startswith(cut)


def test_a_legend_fits_its_room(hohhot_views):
    view = next(v for v in hohhot_views["zh"] if v.key == "ranking")
    spec = view.chart.to_dict()
    screen.fit_legends(spec, screen.LEGEND_CHARS["full"])
    color = spec["layer"][0]["encoding"]["color"]
    assert color["legend"]["columns"] == 0  # 评级 and five bands in one row across the screen
    screen.fit_legends(spec, 12)
    assert 1 <= color["legend"]["columns"] < 5


def test_a_score_chart_of_twenty_rows_is_cut_and_its_other_layers_kept():
    table = pd.DataFrame({"unit": [f"U{i}" for i in range(20)], "total": np.linspace(95, 55, 20),
                          "rank": np.arange(1, 21), "rating": "良", "field_visited": False})
    bands = Bands(("优", "良", "中", "差"), (90.0, 80.0, 60.0, 0.0))
    spec = charts.score_bars(table, bands, "en").to_dict()
    assert screen.cut_rows(spec) == (screen.SCREEN_ROWS, 20)
    thresholds = [rows for rows in spec["datasets"].values() if rows and "band" in rows[0]]
    assert thresholds and len(thresholds[0]) == len(bands.thresholds)  # the band rules are not units: untouched
