"""A five-band scheme with its own labels (A–E) carried by a scenario, end to end: the engine,
robustness, the browser's rule, the workbook (cached values and its formulas recalculated by
LibreOffice), the deck, the HTML report, the store, adopting it as the official weighting, and
the CLI's ``--bands``. Every part must give each unit the same rating as the engine."""

from __future__ import annotations

import io
import json

import numpy as np
import openpyxl
import pytest

from perfeval_core.analysis import robustness
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.analysis.whatif import adopt, level1_weights
from perfeval_core.cli import main
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.rating import band_index, browser_rule, cents
from perfeval_core.present.export_html import report_html
from perfeval_core.present.export_pptx import deck
from perfeval_core.present.export_xlsx import label, score_columns, workbook_bytes
from perfeval_core.present.slides import views
from perfeval_core.present.style import band_colors
from perfeval_core.store.database import Store

from .conftest import SAMPLES
from .test_export_xlsx import _recalculate, _scores, _set_inputs, _soffice, _weights

# bounds placed among the sample's district totals, so every band but one is used
FIVE = Bands(("A", "B", "C", "D", "E"), (84.0, 81.0, 78.0, 75.0, 0.0))
SCENARIO = Scenario(weights={"效益": 35}, mode="renormalise", bands=FIVE)


@pytest.fixture(scope="module")
def ev(hohhot):
    return hohhot.evaluation


@pytest.fixture(scope="module")
def model(ev) -> ScoringModel:
    return ScoringModel(ev)


@pytest.fixture(scope="module")
def result(model):
    return model.score(SCENARIO)


def _expected(result, total: np.ndarray | None = None) -> list[str]:
    """The rating of each unit by the one rule, from its total."""
    idx = band_index(result.total if total is None else total, FIVE.thresholds)
    return [FIVE.labels[i] for i in idx]


def test_the_engine_rates_with_the_scenarios_labels(model, result):
    assert result.bands == FIVE
    assert result.ratings == _expected(result)
    assert len(set(result.ratings)) >= 4  # the scheme is really used, not just accepted
    # the browser receives the same bounds in cents and the same labels
    rule = browser_rule(FIVE.thresholds, FIVE.labels)
    assert rule["labels"] == list(FIVE.labels) and rule["threshold_cents"] == [8400, 8100, 7800, 7500]
    c = cents(result.total)
    browser = [FIVE.labels[sum(c_i < t for t in rule["threshold_cents"])] for c_i in c]
    assert browser == result.ratings


def test_robustness_uses_the_five_bands(model, result):
    weights = level1_weights(model, SCENARIO)  # the reference weighting: the scenario's level 1
    official = model.score(Scenario(weights=weights, mode="renormalise"), FIVE)
    assert official.ratings == result.ratings
    be = robustness.rating_break_even(model, FIVE, weights)
    assert set(be["rating"].dropna()) <= set(FIVE.labels)
    by_unit = dict(zip(model.unit_names, official.ratings))
    assert all(by_unit[u] == r for u, r in zip(be["unit"], be["rating"]))
    mc = robustness.monte_carlo(model, FIVE, draws=400, spread=0.0001, seed=1, weights=weights)
    assert mc.labels == FIVE.labels and mc.band_probabilities.shape[1] == 5
    # with a tiny spread every unit keeps the rating it has under the reference weights, bar
    # those sitting on a bound
    modal = [FIVE.labels[int(np.argmax(p))] for p in mc.band_probabilities]
    agree = np.mean([m == r for m, r in zip(modal, official.ratings)])
    assert agree > 0.95
    dist = robustness.band_distance(model, FIVE, weights)
    assert set(dist["rating"].dropna()) <= set(FIVE.labels)


def test_the_workbook_writes_and_recalculates_five_bands(ev, model, result, tmp_path):
    data = workbook_bytes(model, SCENARIO)
    cached = _scores(data, ev)
    assert cached["rating"].tolist() == result.ratings
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["权重"]
    header = [c.value for c in ws[4]]
    band_col, lower_col = header.index(label("band")) + 1, header.index(label("band_lower")) + 1
    assert [ws.cell(5 + k, band_col).value for k in range(5)] == list(FIVE.labels)
    assert [ws.cell(5 + k, lower_col).value for k in range(4)] == [84, 81, 78, 75]
    pos = score_columns(ev)
    formula = wb["评分表"].cell(pos["first_row"] + 1, pos["rating"] + 1).value
    assert formula.count("IF(") == 4
    binary = _soffice()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-calc-nogui")
    (tmp_path / "src").mkdir(), (tmp_path / "edited").mkdir(), (tmp_path / "out").mkdir()
    (tmp_path / "src" / "same.xlsx").write_bytes(data)
    (tmp_path / "src" / "moved.xlsx").write_bytes(data)
    _set_inputs(tmp_path / "src" / "same.xlsx", tmp_path / "edited" / "same.xlsx", {})
    # a user moves the bounds of B and D in the workbook
    _set_inputs(tmp_path / "src" / "moved.xlsx", tmp_path / "edited" / "moved.xlsx", {}, [84.0, 82.5, 78.0, 76.0])
    _recalculate(binary, [tmp_path / "edited" / "same.xlsx", tmp_path / "edited" / "moved.xlsx"], tmp_path / "out")
    same = _scores(tmp_path / "out" / "same.xlsx", ev)
    np.testing.assert_allclose(same["total"].to_numpy(), result.total, atol=1e-6)
    assert same["rating"].tolist() == result.ratings
    assert same["rank"].tolist() == result.rank.tolist()
    moved = _scores(tmp_path / "out" / "moved.xlsx", ev)
    bands = Bands(FIVE.labels, (84.0, 82.5, 78.0, 76.0, 0.0))
    assert moved["rating"].tolist() == [bands.labels[i] for i in band_index(result.total, bands.thresholds)]
    assert _weights(tmp_path / "out" / "moved.xlsx")[label("code")].tolist() == model.tree.codes


def test_the_deck_and_the_report_show_the_five_labels_in_their_colours(ev, model, result):
    shown = views(model, SCENARIO, "zh")
    scenario_view = next(v for v in shown if v.key == "scenario")
    colours = dict(zip(FIVE.labels, band_colors(FIVE.labels)))
    assert len(set(colours.values())) == 5
    for label_, colour in colours.items():
        assert scenario_view.band_colors[label_] == colour
    assert scenario_view.table is not None  # a unit changes band under the scenario
    rated = {v for column in scenario_view.rating_columns for v in scenario_view.table[column]}
    assert rated & set(FIVE.labels)
    assert any("A ≥ 84" in b for b in scenario_view.bullets)
    prs = deck(model, SCENARIO, "zh")
    text = "\n".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame)
    assert "A ≥ 84" in text
    fills = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        if cell.text in colours and cell.fill.type == 1:
                            fills.add((cell.text, "#" + str(cell.fill.fore_color.rgb)))
    assert fills and all(colours[lbl] == colour for lbl, colour in fills)
    doc = report_html(model, SCENARIO, "zh")
    for lbl in rated & set(FIVE.labels):
        assert f'<td class="band" style="background: {colours[lbl]}">{lbl}</td>' in doc


def test_the_store_keeps_the_labels(tmp_path, model, result):
    store = Store(f"sqlite:///{tmp_path / 'five.db'}")
    saved = store.save_scenario("ev", "五档", SCENARIO.weights, "renormalise", FIVE)
    again = store.get_scenario(saved.id)
    assert again is not None and again.bands == FIVE and again.to_scenario() == SCENARIO
    assert model.score(again.to_scenario()).ratings == result.ratings
    with pytest.raises(ValueError):
        store.save_scenario("ev", "坏档", {}, "retotal", Bands(("A", "A", "C"), (90.0, 80.0, 0.0)))


def test_adopting_a_five_band_scenario_as_official(ev, model, result):
    adopted = adopt(model, SCENARIO)
    assert adopted.bands == FIVE
    again = ScoringModel(adopted)
    official = again.score()
    np.testing.assert_allclose(official.total, result.total, atol=1e-9)
    assert official.ratings == result.ratings
    # the bug this fixes: the workbook export of the adopted evaluation raised ValueError
    data = workbook_bytes(again)
    assert _scores(data, adopted)["rating"].tolist() == result.ratings


def test_cli_bands_with_labels(capsys, model, result):
    path = str(SAMPLES / "hohhot_2023_evaluation.xlsx")
    assert main(["score", path, "--weights", "效益=35", "--mode", "renormalise", "--bands", "A=84,B=81,C=78,D=75,E=0",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bands"] == {"A": 84, "B": 81, "C": 78, "D": 75, "E": 0}
    assert [u["rating"] for u in out["units"]] == result.ratings
    # thresholds alone keep the evaluation's labels; a label form that cannot rate is refused plainly
    assert main(["score", path, "--bands", "85,75,60", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bands"] == {"优": 85, "良": 75, "中": 60, "差": 0}
    assert main(["score", path, "--bands", "A=80,B=90,C=0"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
    assert main(["score", path, "--bands", "A=90,B"]) == 2
