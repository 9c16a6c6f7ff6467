"""The slide views, the chart images and the PowerPoint deck (python-pptx, vl-convert, LibreOffice)."""

import io
import shutil
import subprocess

import altair as alt
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from perfeval_core.analysis.scoring import Scenario
from perfeval_core.present.export_images import chart_png, chart_svg, png_size, register_fonts
from perfeval_core.present.export_pptx import DECK_FONT, deck_bytes
from perfeval_core.present.i18n import t
from perfeval_core.present.slides import SlideView, views
from perfeval_core.present.style import BAND_COLORS

from .conftest import ROOT

SCENARIO = Scenario(weights={"效益": 40, "决策": 5}, mode="renormalise")
ARTIFACTS = ROOT / "test-artifacts" / "slides"


@pytest.fixture(scope="module")
def hohhot_views(hohhot):
    return views(hohhot.evaluation, SCENARIO)


@pytest.fixture(scope="module")
def hohhot_deck_bytes(hohhot):
    return deck_bytes(hohhot.evaluation, SCENARIO)


@pytest.fixture(scope="module")
def hohhot_deck(hohhot_deck_bytes):
    return Presentation(io.BytesIO(hohhot_deck_bytes))


@pytest.fixture(scope="module")
def tangshan_deck_bytes(tangshan):
    return deck_bytes(tangshan.evaluation)


def slide_texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]


def all_runs(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    yield from p.runs
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        for p in cell.text_frame.paragraphs:
                            yield from p.runs


# ---------------------------------------------------------------- views


def test_hohhot_views_in_order_with_messages(hohhot_views):
    keys = [v.key for v in hohhot_views]
    assert keys == ["headline", "ranking", "budget", "categories", "satisfaction", "findings", "scenario", "methods",
                    "consequences", "targets"]
    by_key = {v.key: v for v in hohhot_views}
    # the template's 目标值 / 实际值 columns: 4 indicators × 22 units, counted by analysis.targets
    assert by_key["targets"].message.startswith("88 项指标目标中，45 项达成、21 项部分达成、22 项未达成")
    assert by_key["ranking"].message.startswith("赛罕区得分最高（87.45），和林格尔县最低（72.74）")
    assert by_key["headline"].message.startswith("综合得分 81.18，评级“良”")
    assert "53.65%" in by_key["budget"].message and "武川县" in by_key["budget"].message
    assert "89.58%" in by_key["satisfaction"].message and "60岁及以上" in by_key["satisfaction"].message
    assert by_key["findings"].message.startswith("发现问题 8 项")
    assert "玉泉区" in by_key["scenario"].table[t("unit")].tolist()  # 中 → 良 under the scenario
    for view in hohhot_views:
        assert isinstance(view, SlideView) and view.title and view.message
        assert view.chart is None or isinstance(view.chart, alt.TopLevelMixin)
    kpis = dict((label, value) for label, value, _ in by_key["headline"].kpis)
    assert kpis[t("total_score")] == "81.18" and kpis[t("execution_rate")] == "53.65%"
    assert kpis[t("project_count")] == "2,682" and kpis[t("satisfaction")] == "89.58%"
    ranking = by_key["ranking"].table
    assert ranking[t("rating")].tolist() == ["良", "良", "良", "中", "中", "中"]


def test_views_skip_missing_data(tangshan, hohhot):
    keys = [v.key for v in views(tangshan.evaluation)]
    assert "satisfaction" not in keys  # Tangshan has no survey
    assert "ranking" not in keys  # no scored districts to rank
    assert "scenario" not in keys
    assert keys[0] == "headline" and "findings" in keys
    assert "scenario" not in [v.key for v in views(hohhot.evaluation)]
    assert "scenario" not in [v.key for v in views(hohhot.evaluation, Scenario())]  # no weights: nothing to compare


def test_english_views(hohhot):
    shown = views(hohhot.evaluation, SCENARIO, lang="en")
    ranking = next(v for v in shown if v.key == "ranking")
    assert ranking.title == t("page_districts", "en")
    assert ranking.message.startswith("赛罕区 scores highest (87.45)")


# ---------------------------------------------------------------- images


def test_chart_png_size_and_chart_untouched(hohhot_views):
    chart = next(v.chart for v in hohhot_views if v.key == "ranking")
    before = chart.to_dict()
    png = chart_png(chart, scale=2.0, width=800)
    assert png_size(png)[0] == 1600  # the whole image is the width asked for, times the scale
    assert chart.to_dict() == before
    svg = chart_svg(chart, width=800)
    assert svg.lstrip().startswith("<svg") and "赛罕区" in svg


def test_font_registration_is_idempotent():
    first = register_fonts()
    assert register_fonts() == first
    assert any("noto" in folder for folder in first), "fonts-noto-cjk not found"


def _title_png(text: str) -> Image.Image:
    chart = alt.Chart(pd.DataFrame({"x": [0]})).mark_point(opacity=0).encode(x=alt.X("x:Q", axis=None)).properties(
        title=alt.TitleParams(text, fontSize=40, font="Noto Sans CJK SC", anchor="start"), width=600, height=10)
    png = chart_png(chart.configure_view(stroke=None), scale=1.0, width=None)
    return Image.open(io.BytesIO(png)).convert("L")


def _ink(img: Image.Image) -> list[bool]:
    return [v < 128 for v in img.tobytes()]


def test_cjk_glyphs_are_drawn():
    """Chinese titles draw real glyphs: enough ink, distinct strings look distinct, and not
    like a row of empty boxes (what a missing font gives)."""
    a, b, boxes = _title_png("绩效评价结果"), _title_png("满意程度分析"), _title_png("□□□□□□")
    ink_a, ink_b, ink_boxes = _ink(a), _ink(b), _ink(boxes)
    assert sum(ink_a) > 1500 and sum(ink_b) > 1500
    assert a.size == b.size
    differ = sum(x != y for x, y in zip(ink_a, ink_b))
    assert differ > 0.3 * min(sum(ink_a), sum(ink_b)), "two different Chinese strings drew the same shapes"
    if a.size == boxes.size:
        assert sum(x != y for x, y in zip(ink_a, ink_boxes)) > 0.3 * sum(ink_a)


# ---------------------------------------------------------------- deck


def test_deck_is_16_9_with_one_slide_per_view(hohhot_deck, hohhot_views, hohhot):
    prs = hohhot_deck
    assert abs(prs.slide_width - Inches(13.333)) < Inches(0.01)
    assert abs(prs.slide_height - Inches(7.5)) < Inches(0.01)
    assert len(prs.slides) == 1 + len(hohhot_views)
    title = slide_texts(prs.slides[0])
    assert any("2023年 街道社区党组织建设项目" in s for s in title)
    assert any("呼和浩特市" in s for s in title) and any("内蒙古腾冠管理咨询有限公司" in s for s in title)
    assert any("财政评价" in s for s in title)
    assert any(s.startswith(t("illustrative_tag")) for s in title), "illustrative data must be flagged"
    for slide, view in zip(list(prs.slides)[1:], hohhot_views):
        texts = slide_texts(slide)
        assert texts[0] == view.title
        assert view.message in texts


def test_chart_slides_have_pictures(hohhot_deck, hohhot_views):
    for slide, view in zip(list(hohhot_deck.slides)[1:], hohhot_views):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if view.chart is not None:
            assert pictures, view.key
            for pic in pictures:  # inside the slide
                assert pic.left >= 0 and pic.top >= 0
                assert pic.left + pic.width <= hohhot_deck.slide_width
                assert pic.top + pic.height <= Inches(7.0)
                assert pic.width >= Inches(4.5), f"{view.key}: chart too small"


def test_every_run_names_an_east_asian_font(hohhot_deck):
    runs = list(all_runs(hohhot_deck))
    assert len(runs) > 100
    for run in runs:
        assert run.font.name == DECK_FONT, run.text
        rPr = run._r.find(qn("a:rPr"))
        ea = rPr.find(qn("a:ea"))
        assert ea is not None and ea.get("typeface") == DECK_FONT, run.text


def test_ranking_and_budget_slides_have_native_tables(hohhot_deck, hohhot_views):
    slides = dict(zip([v.key for v in hohhot_views], list(hohhot_deck.slides)[1:]))
    tables = {key: [s.table for s in slide.shapes if s.has_table] for key, slide in slides.items()}
    ranking = tables["ranking"][0]
    cells = [[cell.text for cell in row.cells] for row in ranking.rows]
    assert cells[0] == [t("rank"), t("unit"), t("total_score"), t("rating")]
    assert cells[1] == ["1", "赛罕区 ★", "87.45", "良"]
    assert len(cells) == 7
    rating = ranking.cell(1, 3)
    assert str(rating.fill.fore_color.rgb) == BAND_COLORS[1].lstrip("#")  # 良 in its band colour
    assert str(ranking.cell(4, 3).fill.fore_color.rgb) == BAND_COLORS[2].lstrip("#")  # 中
    budget = tables["budget"][0]
    assert len(budget.rows) == 10 and budget.cell(0, 5).text == t("execution_rate")


def test_scenario_slide_only_with_a_scenario(hohhot_deck, hohhot):
    titles = [slide_texts(s)[0] for s in list(hohhot_deck.slides)[1:]]
    assert t("page_whatif") in titles
    plain = Presentation(io.BytesIO(deck_bytes(hohhot.evaluation)))
    plain_titles = [slide_texts(s)[0] for s in list(plain.slides)[1:]]
    assert t("page_whatif") not in plain_titles and t("methods_title") not in plain_titles
    assert t("consequences_title") in plain_titles  # what a rating costs, under the official weights too
    assert len(plain.slides) == len(hohhot_deck.slides) - 2  # the scenario and the methods beside it


def test_tangshan_deck_skips_satisfaction(tangshan_deck_bytes, tangshan):
    prs = Presentation(io.BytesIO(tangshan_deck_bytes))
    titles = [slide_texts(s)[0] for s in list(prs.slides)[1:]]
    assert t("page_satisfaction") not in titles
    assert len(prs.slides) == 1 + len(views(tangshan.evaluation))
    assert titles[0] == t("page_overview")


# ---------------------------------------------------------------- LibreOffice rendering


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        pytest.skip("needs LibreOffice (soffice) and poppler-utils (pdftoppm) to render the deck")
    return soffice, pdftoppm, tmp_path_factory.mktemp("office")


@pytest.mark.parametrize("name", ["hohhot", "tangshan"])
def test_deck_renders_in_libreoffice(office, name, hohhot_deck_bytes, tangshan_deck_bytes):
    soffice, pdftoppm, work = office
    data = hohhot_deck_bytes if name == "hohhot" else tangshan_deck_bytes
    n_slides = len(Presentation(io.BytesIO(data)).slides)
    pptx = work / f"{name}.pptx"
    pptx.write_bytes(data)
    profile = (work / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), str(pptx)], check=True, capture_output=True, timeout=180)
    pdf = work / f"{name}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run([pdftoppm, "-png", "-r", "96", str(pdf), str(ARTIFACTS / name)], check=True, timeout=120)
    pngs = sorted(ARTIFACTS.glob(f"{name}-*.png"))
    assert len(pngs) == n_slides
    for png in pngs:
        img = Image.open(png).convert("L")
        assert img.size == (1280, 720)
        dark = sum(1 for v in img.tobytes() if v < 160)
        assert dark > 2000, f"{png.name} looks empty"
    fonts = shutil.which("pdffonts")
    if fonts:
        listing = subprocess.run([fonts, str(pdf)], capture_output=True, text=True, timeout=60).stdout
        assert "CJK" in listing or "YaHei" in listing or "Hei" in listing, "no CJK font in the PDF:\n" + listing


def test_a_long_ranking_shows_its_ends_on_the_slide():
    """500 districts do not fit a projector: the slide shows the first and last 15 and says so."""
    from perfeval_core.present.slides import SLIDE_ENDS

    from .test_present_screen import long_ranking  # one builder of a long ranking for both tests

    n = 80
    ranking = long_ranking(n, "zh")
    assert len(ranking.table) == 2 * SLIDE_ENDS
    assert any("共 80 个单位" in b for b in ranking.bullets)
    shown = ranking.table.iloc[:, 1].tolist()
    assert shown[0] == "第79区" and shown[-1] == "第0区"  # the best and the worst are both there


def test_control_characters_from_a_workbook_do_not_stop_the_deck(tangshan):
    """A cell may hold _x0007_ (BEL) and the like; python-pptx refuses them in XML: they are dropped."""
    from dataclasses import replace

    ev = tangshan.evaluation
    hostile = replace(ev, project=replace(ev.project, name="城市\x07社区\x1b项目"))
    deck = Presentation(io.BytesIO(deck_bytes(hostile, None, "zh")))
    assert deck.core_properties.title and "\x07" not in deck.core_properties.title
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("城市社区项目" in text for text in texts)
