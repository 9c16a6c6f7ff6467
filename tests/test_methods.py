"""Weighting methods (perfeval_core.analysis.methods) and 评价结果应用 (analysis.consequences)
against independent computations written from the formulas of docs/methods.md in plain Python
(no numpy), on both samples and on generated matrices."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_core.analysis import consequences as cons
from perfeval_core.analysis import methods
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.messages import Refusal, UnknownKey


@pytest.fixture(scope="module")
def model(hohhot) -> ScoringModel:
    return ScoringModel(hohhot.evaluation)


def deepest_matrix(model: ScoringModel, level: str) -> list[list[float]]:
    """x = score ÷ points per unit of the deepest tier, from the score table itself."""
    ev = model.evaluation
    tree = model.tree
    depth = max(model.unit_depth)
    units = [u for u, d in zip(model.unit_names, model.unit_depth) if d == depth]
    rate = {(r.unit, r.code): float(r.rate) for r in ev.scores.itertuples()}
    leaves = [tree.codes[i] for i in tree.leaves]
    if level == "leaf":
        return [[rate.get((u, c), 0.0) for c in leaves] for u in units]
    out = []
    for u in units:
        row = []
        for j in tree.level1:
            under = [i for i in tree.leaves if tree.leaf_level1[list(tree.leaves).index(i)] == list(tree.level1).index(j)]
            points = sum(tree.points[i] for i in under)
            row.append(sum(rate.get((u, tree.codes[i]), 0.0) * tree.points[i] for i in under) / points)
        out.append(row)
    return out


def entropy_by_hand(x: list[list[float]]) -> list[float]:
    n, m = len(x), len(x[0])
    d = []
    for j in range(m):
        col = [row[j] for row in x]
        s = sum(col)
        if s == 0:
            d.append(0.0)
            continue
        e = -sum((v / s) * math.log(v / s) for v in col if v > 0) / math.log(n)
        d.append(max(1.0 - e, 0.0))
    return [v / sum(d) for v in d]


def critic_by_hand(x: list[list[float]]) -> list[float]:
    n, m = len(x), len(x[0])
    cols = [[row[j] for row in x] for j in range(m)]
    keep = [j for j in range(m) if max(cols[j]) - min(cols[j]) > 1e-12]
    z = {j: [(v - min(cols[j])) / (max(cols[j]) - min(cols[j])) for v in cols[j]] for j in keep}
    mean = {j: sum(z[j]) / n for j in keep}
    sd = {j: math.sqrt(sum((v - mean[j]) ** 2 for v in z[j]) / (n - 1)) for j in keep}

    def corr(a: int, b: int) -> float:
        cov = sum((p - mean[a]) * (q - mean[b]) for p, q in zip(z[a], z[b]))
        return cov / math.sqrt(sum((p - mean[a]) ** 2 for p in z[a]) * sum((q - mean[b]) ** 2 for q in z[b]))

    c = [sd[j] * sum(1 - corr(j, k) for k in keep) if j in keep else 0.0 for j in range(m)]
    return [v / sum(c) for v in c]


@pytest.mark.parametrize("level", ["1", "leaf"])
def test_entropy_and_critic_equal_the_formulas(model, level):
    x = deepest_matrix(model, level)
    np.testing.assert_allclose(methods.rate_matrix(model, level), x, atol=1e-12)
    nodes = model.tree.level1 if level == "1" else model.tree.leaves
    total = float(sum(model.tree.points[i] for i in nodes))
    for method, by_hand in (("entropy", entropy_by_hand), ("critic", critic_by_hand)):
        got = methods.weights_by(model, method, level)
        expected = [w * total for w in by_hand(x)]
        assert list(got.weights) == [model.tree.codes[i] for i in nodes]
        np.testing.assert_allclose(list(got.weights.values()), expected, atol=1e-9)
        assert sum(got.weights.values()) == pytest.approx(100)
        assert got.units == 15  # the streets: the deepest scored tier of the Hohhot sample


def test_equal(model):
    assert methods.equal(model).weights == {"A": 25.0, "B": 25.0, "C": 25.0, "D": 25.0}
    leaves = methods.equal(model, "leaf").weights
    assert len(leaves) == len(model.tree.leaves) and sum(leaves.values()) == pytest.approx(100)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 100), min_size=4, max_size=4), min_size=2, max_size=12))
def test_generated_matrices(cells):
    rows = [[v / 100 for v in row] for row in cells]  # 得分率 as tables print them
    x = np.array(rows)
    e = methods.entropy_shares(x)
    assert np.all(e >= 0) and (e.sum() == pytest.approx(1) or e.sum() == 0)
    if e.sum() > 0:
        np.testing.assert_allclose(e, entropy_by_hand(rows), atol=1e-9)
    c = methods.critic_shares(x)
    assert np.all(c >= -1e-12)
    varying = [j for j in range(4) if x[:, j].max() - x[:, j].min() > 1e-12]
    if len(varying) >= 2 and c.sum() > 0:
        np.testing.assert_allclose(c, critic_by_hand(rows), atol=1e-7)
    constant = [j for j in range(4) if j not in varying]
    assert all(c[j] == 0 for j in constant)


def ahp_by_hand(a: list[list[float]], iterations: int = 200) -> tuple[list[float], float]:
    """Power iteration for the principal eigenvector, λmax = mean of (A w)_i ÷ w_i."""
    n = len(a)
    w = [1.0 / n] * n
    for _ in range(iterations):
        v = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
        w = [x / sum(v) for x in v]
    aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
    return w, sum(aw[i] / w[i] for i in range(n)) / n


def test_ahp_equals_the_eigenvector_and_saatys_cr(model):
    pairs = "A:B=1/2,A:C=1/3,决策:效益=1/3,B:C=1/2,B:D=1/2,C:D=1"
    got = methods.weights_by(model, "ahp", "1", pairs)
    f = [[1, 1 / 2, 1 / 3, 1 / 3], [2, 1, 1 / 2, 1 / 2], [3, 2, 1, 1], [3, 2, 1, 1]]
    w, lam = ahp_by_hand(f)
    np.testing.assert_allclose(list(got.weights.values()), [v * 100 for v in w], atol=1e-9)
    assert got.lambda_max == pytest.approx(lam, abs=1e-9)
    assert got.cr == pytest.approx(((lam - 4) / 3) / 0.90, abs=1e-9)
    assert got.cr < methods.CR_LIMIT and not got.notes
    assert got.to_json() == {"method": "ahp", "level": "1", "weights": got.weights, "cr": got.cr}
    # contradictory judgements (A > B > C > A): a plain warning with the CR
    bad = methods.ahp(model, "A:B=9,B:C=9,A:C=1/9,A:D=1,B:D=1,C:D=1")
    assert bad.cr > methods.CR_LIMIT and bad.notes[0][0] == "ahp_inconsistent"


@pytest.mark.parametrize("pairs,key", [
    ("A:B=3", "ahp_missing"),
    ("A:B=3,A:B=2,A:C=1,A:D=1,B:C=1,B:D=1,C:D=1", "ahp_twice"),
    ("A:B=12,A:C=1,A:D=1,B:C=1,B:D=1,C:D=1", "ahp_value"),
    ("A:B=x,A:C=1,A:D=1,B:C=1,B:D=1,C:D=1", "ahp_value"),
    ("AB=3", "ahp_pair_format"),
    ("A:A=2,A:B=1,A:C=1,A:D=1,B:C=1,B:D=1,C:D=1", "ahp_self"),
    ("A:A101=2,A:B=1,A:C=1,A:D=1,B:C=1,B:D=1,C:D=1", "not_level1"),
])
def test_ahp_refuses_in_plain_words(model, pairs, key):
    with pytest.raises(Refusal) as caught:
        methods.ahp(model, pairs)
    assert caught.value.message == key and caught.value.text("en") and "Traceback" not in caught.value.text()


def test_refusals(model, tangshan):
    with pytest.raises(Refusal) as one_unit:
        methods.entropy(ScoringModel(tangshan.evaluation))  # one scored unit
    assert one_unit.value.message == "method_needs_units" and "entropy" in one_unit.value.text("en")
    with pytest.raises(Refusal):
        methods.weights_by(model, "topsis")
    with pytest.raises(Refusal):
        methods.weights_by(model, "ahp", "leaf", "A:B=1")
    with pytest.raises(UnknownKey):
        methods.ahp(model, "A:Z=2,A:B=1,A:C=1,A:D=1,B:C=1,B:D=1,C:D=1")
    assert methods.parse_judgement("１／３") == Fraction(1, 3)


# ---------------------------------------------------------------------------- consequences

def test_rules_parse_and_refuse():
    bands = Bands()
    assert cons.parse_rules("优=+10%,良=0%,中=-10%,差=-100%", bands) == cons.DEFAULT_RULES
    assert cons.parse_rules("优=0.1，良=0；中=-0.1,差=-1", bands) == cons.DEFAULT_RULES
    assert cons.parse_rules(cons.format_rules(cons.DEFAULT_RULES), bands) == cons.DEFAULT_RULES
    for bad, key in (("优=+10%,良=0%,中=-10%", "rule_missing"), ("优=+10%,良=0%,中=-10%,差=-150%", "rule_range"),
                     ("优=x,良=0,中=0,差=0", "rule_format"), ("A=1%,优=1%,良=0,中=0,差=0", "rule_label")):
        with pytest.raises(Refusal) as caught:
            cons.parse_rules(bad, bands)
        assert caught.value.message == key
    five = Bands(("A", "B", "C", "D", "E"), (90.0, 80.0, 70.0, 60.0, 0.0))
    assert cons.default_rules(five) == {"A": 0.1, "B": 0.0, "C": -0.1, "D": -0.1, "E": -1.0}


def test_consequences_by_hand(model, hohhot):
    ev = hohhot.evaluation
    rules = cons.DEFAULT_RULES
    scenario = Scenario({"效益": 50}, "renormalise")
    result = model.score(scenario)
    got = cons.consequences(model, rules, scenario)
    # by hand: each street's 预算 summed over its communities, times the rule of its rating
    parent = dict(zip(ev.units["name"], ev.units["parent"]))

    def street_of(unit: str) -> str | None:
        while unit in parent:
            if unit in set(got.table["unit"]):
                return unit
            unit = parent[unit]
        return None

    budget: dict[str, float] = {}
    for r in ev.budget.itertuples():
        s = street_of(r.unit)
        if s is not None:
            budget[s] = budget.get(s, 0.0) + float(r.budget)
    rating = dict(zip(model.unit_names, result.ratings))
    for row in got.table.itertuples():
        assert row.budget == pytest.approx(budget[row.unit])
        assert row.change == pytest.approx(budget[row.unit] * rules[rating[row.unit]])
        assert row.next_budget == pytest.approx(row.budget + row.change)
    assert got.total_change == pytest.approx(sum(budget[u] * rules[rating[u]] for u in budget))
    assert set(got.to_json()) == {"units", "total_change"}
    moved = cons.compare(model, model.score(), result, rules)
    assert moved.net == pytest.approx(got.total_change - cons.consequences(model, rules).total_change)
    assert moved.band_changes == int((moved.table["official_rating"] != moved.table["scenario_rating"]).sum())


# ---------------------------------------------------------------------------- the command line

def test_cli_weights_and_consequences(capsys, model):
    import json

    from perfeval_core.cli import main

    from .conftest import SAMPLES

    path = str(SAMPLES / "hohhot_2023_evaluation.xlsx")
    for method in ("equal", "entropy", "critic"):
        for level in ("1", "leaf"):
            assert main(["weights", path, "--method", method, "--level", level, "--json"]) == 0
            out = json.loads(capsys.readouterr().out)
            assert out == {"method": method, "level": level,
                           "weights": methods.weights_by(model, method, level).weights}
    pairs = "A:B=1/2,A:C=1/3,A:D=1/3,B:C=1/2,B:D=1/2,C:D=1"
    assert main(["weights", path, "--method", "ahp", "--pairs", pairs, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"method", "level", "weights", "cr"} and out["cr"] == pytest.approx(methods.ahp(model, pairs).cr)
    assert main(["weights", path, "--method", "ahp", "--json"]) == 2  # no judgements: a plain message
    assert "--pairs" in capsys.readouterr().err
    assert main(["consequences", path, "--rules", "优=+10%,良=0%,中=-10%,差=-100%", "--weights", "效益=50",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = cons.consequences(model, cons.DEFAULT_RULES, Scenario({"效益": 50}, "renormalise"))
    assert out["total_change"] == pytest.approx(expected.total_change)
    assert [u["unit"] for u in out["units"]] == expected.table["unit"].tolist()
    assert all(set(u) == {"unit", "budget", "rating", "change", "next_budget"} for u in out["units"])
    assert main(["consequences", path, "--rules", "优=+10%"]) == 2
    assert "差" in capsys.readouterr().err


# ---------------------------------------------------------------------------- exports

def _consequence_rows(path_or_bytes):
    """The 结果应用 sheet's unit rows: unit, budget, rating, change."""
    import io

    import pandas as pd

    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    raw = pd.read_excel(source, sheet_name="结果应用", header=None, engine="calamine")
    body = raw.iloc[4:].reset_index(drop=True)
    body = body[body[0].notna() & (body[0] != "合计")]
    return pd.DataFrame({"unit": body[0].astype(str), "budget": body[1].astype(float), "rating": body[2].astype(str),
                         "change": body[4].astype(float)}).reset_index(drop=True)


def test_the_workbook_applies_the_rules_live(model, tmp_path):
    import io

    import openpyxl

    from perfeval_core.present.export_xlsx import workbook_bytes

    from .test_export_xlsx import _recalculate, _soffice

    rules = {"优": 0.15, "良": 0.0, "中": -0.2, "差": -1.0}
    scenario = Scenario({"效益": 60}, "renormalise", rules=rules)
    data = workbook_bytes(model, scenario)
    expected = cons.consequences(model, rules, scenario).table
    cached = _consequence_rows(data)
    assert cached["unit"].tolist() == expected["unit"].tolist()
    np.testing.assert_allclose(cached["change"], expected["change"], atol=1e-9)
    assert cached["rating"].tolist() == expected["rating"].tolist()
    binary = _soffice()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-calc-nogui")
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir(), out.mkdir()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["结果应用"]
    ws.cell(5, 9).value = 0.25  # 优 from +15 % to +25 %: the rules are input cells
    wb.save(src / "rules.xlsx")
    _recalculate(binary, [src / "rules.xlsx"], out)
    again = _consequence_rows(out / "rules.xlsx")
    edited = cons.consequences(model, {**rules, "优": 0.25}, scenario).table
    np.testing.assert_allclose(again["change"], edited["change"], atol=1e-9)
    assert again["rating"].tolist() == edited["rating"].tolist()


def test_the_deck_has_the_consequences_and_methods_slides(model):
    from perfeval_core.present.export_pptx import deck

    scenario = Scenario({"效益": 60}, "renormalise")
    from perfeval_core.present.slides import views

    keys = [v.key for v in views(model, scenario, "zh")]
    assert keys[-3:] == ["methods", "consequences", "targets"]
    moved = cons.compare(model, model.score(), model.score(scenario), cons.DEFAULT_RULES)
    text = "\n".join(shape.text_frame.text for slide in deck(model, scenario, "zh").slides
                     for shape in slide.shapes if shape.has_text_frame)
    assert f"{moved.band_changes} 个单位评级改变" in text and "熵权法" in text


def test_a_scenario_of_rules_alone_drives_the_deck_and_the_workbook(model):
    """The official weighting with an adopted scenario's budget rules (what the pages other than
    权重模拟 export): no scenario slide, the consequences under those rules."""
    import io

    import pandas as pd

    from perfeval_core.present.export_xlsx import workbook_bytes
    from perfeval_core.present.slides import views

    rules = {"优": 0.05, "良": 0.0, "中": -0.25, "差": -1.0}
    only_rules = Scenario({}, "renormalise", None, rules=rules)
    keys = [v.key for v in views(model, only_rules, "zh")]
    assert "scenario" not in keys and "consequences" in keys
    expected = cons.consequences(model, rules, None)
    view = next(v for v in views(model, only_rules, "zh") if v.key == "consequences")
    assert "中=-25%" in view.bullets[0]
    sheet = pd.read_excel(io.BytesIO(workbook_bytes(model, only_rules)), sheet_name="结果应用", header=None,
                          engine="calamine")
    rates = dict(zip(sheet[7].iloc[4:8], sheet[8].iloc[4:8].astype(float)))
    assert rates == rules
    total = sheet[sheet[0] == "合计"].iloc[0]
    assert float(total[4]) == pytest.approx(expected.total_change)
