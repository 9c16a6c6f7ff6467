"""The one-file HTML report: the deck's views as sections, readable offline, user text escaped."""

import dataclasses
import html
import re
from html.parser import HTMLParser

import pytest

from perfeval_core.analysis.scoring import Scenario
from perfeval_core.present.export_html import inline_svg, report_html
from perfeval_core.present.export_pptx import deck_title
from perfeval_core.present.slides import views
from perfeval_core.present.style import BAND_COLORS

SCENARIO = Scenario(weights={"效益": 40, "决策": 5}, mode="renormalise")
CASES = [("hohhot", "zh"), ("hohhot", "en"), ("tangshan", "zh"), ("tangshan", "en")]
HOSTILE = '<img src=x onerror=alert(1)>'


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(doc: str) -> Tags:
    parser = Tags()
    parser.feed(doc)
    return parser


@pytest.fixture(scope="module")
def samples(hohhot, tangshan):
    return {"hohhot": hohhot.evaluation, "tangshan": tangshan.evaluation}


@pytest.fixture(scope="module")
def reports(samples):
    return {(name, lang): report_html(samples[name], SCENARIO if name == "hohhot" else None, lang)
            for name, lang in CASES}


@pytest.mark.parametrize("name, lang", CASES)
def test_the_report_names_no_url_at_all(reports, name, lang):
    doc = reports[name, lang]
    assert not re.search(r"(?i)https?:|//[a-z0-9]|ftp:|@import|<script|<link|<iframe|<object|<img", doc)
    assert not re.search(r"url\((?!#)", doc)  # only references inside the page (the charts' clip paths)
    for tag, attrs in parsed(doc).tags:
        for key in ("src", "href", "xlink:href", "action"):
            assert attrs.get(key) is None or attrs[key].startswith("#"), (tag, attrs)


@pytest.mark.parametrize("name, lang", CASES)
def test_every_view_is_a_section_with_its_headline(reports, samples, name, lang):
    doc = reports[name, lang]
    shown = views(samples[name], SCENARIO if name == "hohhot" else None, lang)
    assert doc.startswith("<!DOCTYPE html>")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in doc
    assert '<meta charset="utf-8">' in doc
    assert f"<title>{html.escape(deck_title(samples[name], lang))}</title>" in doc
    text = "".join(parsed(doc).text)
    assert doc.count('<section class="view"') == len(shown)
    for view in shown:
        assert view.title in text and view.message in text
        for label, value, _ in view.kpis:
            assert label in text and value in text
        for bullet in view.bullets:
            assert bullet in text
    charts = [v for v in shown if v.chart is not None]
    assert doc.count("<svg") == len(charts)
    ids = re.findall(r'\bid="([^"]+)"', doc)
    assert len(ids) == len(set(ids))  # every chart's clip paths keep their own ids
    for ref in re.findall(r"url\(#([^)]+)\)", doc):
        assert ref in ids


def test_tables_and_ratings(reports, samples):
    doc = reports["hohhot", "zh"]
    assert "<table>" in doc and "<th>单位</th>" in doc
    assert f'<td class="band" style="background: {BAND_COLORS[1]}">良</td>' in doc  # the colours of style.BAND_COLORS
    assert "@media print" in doc and "break-before: page" in doc
    assert "权重模拟" in doc and "82.76" in doc  # the scenario's section
    assert "82.76" not in report_html(samples["hohhot"], None, "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_hostile_project_name_is_escaped(samples, lang):
    ev = samples["tangshan"]
    name = f'{HOSTILE}<script>alert("x")</script> & 项目'
    ev = dataclasses.replace(ev, project=dataclasses.replace(ev.project, name=name, region=HOSTILE))
    doc = report_html(ev, None, lang)
    assert HOSTILE not in doc and "<script" not in doc
    assert html.escape(HOSTILE) in doc
    tags = {tag for tag, _ in parsed(doc).tags}
    assert "img" not in tags and "script" not in tags
    assert name in "".join(parsed(doc).text)  # shown as typed


def test_inline_svg_drops_the_namespaces_and_prefixes_ids():
    svg = ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'width="10" height="10" viewBox="0 0 10 10"><clipPath id="clip1"/><g clip-path="url(#clip1)"/>'
           '<use href="#clip1"/></svg>')
    out = inline_svg(svg, "c3-")
    assert out.startswith('<svg width="10"') and "http" not in out
    assert 'id="c3-clip1"' in out and "url(#c3-clip1)" in out and 'href="#c3-clip1"' in out
