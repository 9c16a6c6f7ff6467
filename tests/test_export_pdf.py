"""The PDF deck: the .pptx deck's slides drawn as SVG pages (vl-convert) and joined (pypdf),
checked with poppler (pdftotext, pdffonts, pdftoppm) on both samples in both languages."""

import dataclasses
import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from perfeval_core.analysis.scoring import Scenario
from perfeval_core.cli import main
from perfeval_core.present.export_pdf import PAGE_H, PAGE_W, deck_pdf, pages_svg, wrap
from perfeval_core.present.export_pptx import deck_bytes, deck_title, text_em
from perfeval_core.present.slides import views

from .conftest import ROOT, SAMPLES

# minutes of fuzzing, concurrency, LibreOffice or million-row files: outside the quick loop
pytestmark = pytest.mark.slow

SCENARIO = Scenario(weights={"效益": 40, "决策": 5}, mode="renormalise")
ARTIFACTS = ROOT / "test-artifacts" / "pdf"
POPPLER = {name: shutil.which(name) for name in ("pdftotext", "pdffonts", "pdftoppm")}
CASES = [("hohhot", "zh"), ("hohhot", "en"), ("tangshan", "zh"), ("tangshan", "en")]

needs_poppler = pytest.mark.skipif(not all(POPPLER.values()),
                                   reason="needs poppler-utils (pdftotext, pdffonts, pdftoppm); scripts/test.sh installs it")


@pytest.fixture(scope="module")
def samples(hohhot, tangshan):
    return {"hohhot": hohhot.evaluation, "tangshan": tangshan.evaluation}


@pytest.fixture(scope="module")
def pdfs(samples, tmp_path_factory):
    """(name, lang) → the PDF file written to a temporary folder."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, lang in CASES:
        path = folder / f"{name}-{lang}.pdf"
        path.write_bytes(deck_pdf(samples[name], None, lang))
        out[name, lang] = path
    return out


def page_text(pdf, page: int, raw: bool = True) -> str:
    args = [POPPLER["pdftotext"], *(["-raw"] if raw else []), "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def squeezed(s: str) -> str:
    """Text without white space: a wrapped line in the PDF is the same words as the one-line source."""
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("name, lang", CASES)
def test_the_pdf_has_one_page_per_pptx_slide(pdfs, samples, name, lang):
    slides = Presentation(io.BytesIO(deck_bytes(samples[name], None, lang))).slides
    reader = PdfReader(pdfs[name, lang])
    assert len(reader.pages) == len(slides) == len(views(samples[name], None, lang)) + 1
    for page in reader.pages:  # 16:9, 13.333 × 7.5 in, like the deck
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (PAGE_W, PAGE_H) == (960, 540)
    assert reader.trailer["/Root"]["/Lang"] == ("zh-CN" if lang == "zh" else "en-US")
    assert reader.metadata.title == deck_title(samples[name], lang)


@needs_poppler
@pytest.mark.parametrize("name, lang", CASES)
def test_every_page_shows_its_title_and_headline(pdfs, samples, name, lang):
    ev = samples[name]
    first = squeezed(page_text(pdfs[name, lang], 1))
    assert squeezed(deck_title(ev, lang)) in first and ev.project.region in first
    for number, view in enumerate(views(ev, None, lang), start=2):
        text = squeezed(page_text(pdfs[name, lang], number))
        assert squeezed(view.title) in text, (number, view.title)
        assert squeezed(view.message) in text, (number, view.message)  # whole: not cut, not lost
        assert f"{number}/{len(views(ev, None, lang)) + 1}" in text  # the footer's page number


@needs_poppler
@pytest.mark.parametrize("name, lang", CASES)
def test_tiles_tables_and_bullets_are_there_in_full(pdfs, samples, name, lang):
    """Nothing is cut to fit: every KPI, table cell and bullet of the view is on its page."""
    for number, view in enumerate(views(samples[name], None, lang), start=2):
        text = squeezed(page_text(pdfs[name, lang], number))
        expected = [s for kpi in view.kpis for s in kpi] + list(view.bullets)
        if view.table is not None:
            expected += [str(c) for c in view.table.columns] + [str(v) for v in view.table.to_numpy().ravel()]
        missing = [s for s in expected if s and squeezed(s) not in text]
        assert not missing, (number, view.key, missing)
        assert "…" not in text or any("…" in s for s in expected)


@needs_poppler
@pytest.mark.parametrize("name, lang", CASES)
def test_the_cjk_font_is_embedded(pdfs, name, lang):
    listing = subprocess.run([POPPLER["pdffonts"], str(pdfs[name, lang])], capture_output=True, text=True,
                             check=True, timeout=60).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    cjk = [r for r in rows if "NotoSansCJK" in r[0]]
    assert cjk, listing
    assert all("yes" in r[-5:-2] for r in cjk), listing  # emb (and subset) yes
    assert all("CJK" in r[0] for r in rows), "a page falls back to a non-CJK font:\n" + listing


@needs_poppler
@pytest.mark.parametrize("name, lang", CASES)
def test_every_page_renders_and_its_words_stay_on_the_page(pdfs, name, lang):
    pdf = pdfs[name, lang]
    pages = len(PdfReader(pdf).pages)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-{lang}-*.png"):
        old.unlink()
    subprocess.run([POPPLER["pdftoppm"], "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"{name}-{lang}")],
                   check=True, timeout=180)
    pngs = sorted(ARTIFACTS.glob(f"{name}-{lang}-*.png"))
    assert len(pngs) == pages
    for png in pngs:
        img = Image.open(png).convert("L")
        assert img.size == (800, 450)
        assert sum(1 for v in img.tobytes() if v < 160) > 1500, f"{png.name} looks empty"
    words = subprocess.run([POPPLER["pdftotext"], "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True, timeout=60).stdout
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', words)
    assert len(boxes) > 50 * pages if name == "hohhot" else len(boxes) > 20
    assert all(0 <= float(a) and float(c) <= PAGE_W and 0 <= float(b) and float(d) <= PAGE_H for a, b, c, d in boxes)


@needs_poppler
def test_a_scenario_changes_the_numbers_in_the_pdf(samples, pdfs, tmp_path):
    ev = samples["hohhot"]
    pdf = tmp_path / "scenario.pdf"
    pdf.write_bytes(deck_pdf(ev, SCENARIO, "zh"))
    shown = views(ev, SCENARIO, "zh")
    # the scenario and the weighting methods beside it: two more pages than the official deck
    assert len(PdfReader(pdf).pages) == len(PdfReader(pdfs["hohhot", "zh"]).pages) + 2 == len(shown) + 1
    page = [v.key for v in shown].index("scenario") + 2  # after the title page
    last = squeezed(page_text(pdf, page))
    assert "权重模拟" in last and "81.18→82.76" in last and "玉泉区" in last
    official_pages = len(PdfReader(pdfs["hohhot", "zh"]).pages)
    official = "".join(squeezed(page_text(pdfs["hohhot", "zh"], k)) for k in range(1, official_pages + 1))
    assert "82.76" not in official
    assert "含模拟方案对比" in squeezed(page_text(pdf, 1))


@needs_poppler
def test_user_text_is_escaped_for_the_svg(samples, tmp_path):
    ev = samples["tangshan"]
    hostile = '<img src=x onerror=alert(1)> & "A" ]]>'
    ev = dataclasses.replace(ev, project=dataclasses.replace(ev.project, name=hostile))
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(deck_pdf(ev, None, "zh"))
    assert squeezed(hostile) in squeezed(page_text(pdf, 1))
    assert all("&lt;img" in svg for svg in pages_svg(ev, None, "zh"))  # title page and every footer


# ---------------------------------------------------------------- wrapping


@pytest.mark.parametrize("text", ["模拟权重：决策 15 → 5、过程 25 → 25、产出 30 → 30、效益 30 → 40",
                                  "Units that used no funds (14): 西苑苑社区, 育才路社区, 草原社区 and more",
                                  "（括号）开头，结尾“引号”。" * 3, "x" * 80])
@pytest.mark.parametrize("width", [60, 120, 300])
def test_wrapped_lines_fit_and_keep_every_character(text, width):
    lines = wrap(text, 12, width)
    assert all(text_em(line) * 12 <= width + 1e-6 for line in lines)
    assert squeezed("".join(lines)) == squeezed(text)
    assert not any(line[:1] in "，。、；：）”" for line in lines[1:])  # closing punctuation never starts a line
    numbers = re.findall(r"\d+", text)
    assert all(n in re.findall(r"\d+", " ".join(lines)) for n in numbers)  # a number is not cut in two


# ---------------------------------------------------------------- command line


def test_cli_export_writes_the_pdf_and_the_html(tmp_path, capsys):
    pdf, html = tmp_path / "deck.pdf", tmp_path / "report.html"
    assert main(["export", str(SAMPLES / "tangshan_2024_evaluation.xlsx"), "--pdf", str(pdf), "--html", str(html)]) == 0
    assert capsys.readouterr().out.split() == [str(pdf), str(html)]
    # title, headline, categories, findings, 结果应用, 目标完成 (its 目标值 / 实际值 columns)
    assert pdf.read_bytes()[:5] == b"%PDF-" and len(PdfReader(pdf).pages) == 6
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "城市社区党组织服务群众专项经费" in text


def test_cli_export_errors(tmp_path, capsys):
    hohhot = str(SAMPLES / "hohhot_2023_evaluation.xlsx")
    assert main(["export", hohhot]) == 2
    assert "--pdf" in capsys.readouterr().err
    assert main(["export", hohhot, "--weights", "不存在=5", "--pdf", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()
    assert main(["export", hohhot, "--html", str(tmp_path / "missing" / "x.html")]) == 1
    assert "无法写入文件" in capsys.readouterr().err
