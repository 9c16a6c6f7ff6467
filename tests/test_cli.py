"""The command line, run as analysts run it: ``python -m perfeval_core``."""

import json
import subprocess
import sys

import pytest

from perfeval_core.cli import main

from .conftest import ROOT, SAMPLES

HOHHOT = str(SAMPLES / "hohhot_2023_evaluation.xlsx")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perfeval_core", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_summary_json_shows_the_seed_figures():
    proc = run("summary", HOHHOT, "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert (d["total_score"], d["rating"]) == (81.18, "良")
    assert d["budget"]["budget"] == 15780
    assert [lvl["budget"] for lvl in d["budget"]["by_level"]] == [3510, 6240, 6030]
    assert round(d["arrival_rate"], 4) == 0.9671 and round(d["execution_rate"], 4) == 0.5365
    assert (d["units_budgeted"], d["units_used_funds"]) == (402, 388)
    assert round(d["satisfaction"]["overall"], 4) == 0.8958


def test_validate_exit_codes(tmp_path):
    assert run("validate", HOHHOT).returncode == 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a workbook")
    proc = run("validate", str(bad), "--json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["ok"] is False and report["issues"][0]["severity"] == "error"
    assert "Excel" in report["issues"][0]["message"]


def test_score_with_weights_by_name_and_bands(capsys):
    assert main(["score", HOHHOT, "--json"]) == 0
    official = json.loads(capsys.readouterr().out)
    assert official["total_score"] == 81.18
    city = next(u for u in official["units"] if u["unit"] == "呼和浩特市")
    assert set(city) >= {"unit", "parent", "total", "rank", "rating", "level1", "leaves"}
    assert sum(city["level1"].values()) == pytest.approx(city["total"], abs=1e-3)
    assert main(["score", HOHHOT, "--weights", "决策=20,过程=20,产出=30,效益=30", "--bands", "85,75,60",
                 "--json"]) == 0
    changed = json.loads(capsys.readouterr().out)
    weights = {w["name"]: w["points"] for w in changed["weights"] if w["level"] == 1}
    assert weights == {"决策": 20, "过程": 20, "产出": 30, "效益": 30}
    assert changed["bands"] == {"优": 85, "良": 75, "中": 60, "差": 0}
    districts = [u for u in changed["units"] if u["depth"] == 1]
    assert sorted(u["rank"] for u in districts) == list(range(1, len(districts) + 1))


def test_score_weights_by_code_equal_weights_by_name(capsys):
    main(["score", HOHHOT, "--weights", "A=20,B=20,C=30,D=30", "--json"])
    by_code = json.loads(capsys.readouterr().out)
    main(["score", HOHHOT, "--weights", "决策=20,过程=20,产出=30,效益=30", "--json"])
    by_name = json.loads(capsys.readouterr().out)
    assert by_code["units"] == by_name["units"]


def test_bad_arguments_are_plain_messages(capsys):
    assert main(["score", HOHHOT, "--weights", "不存在=5"]) == 2
    assert "找不到指标" in capsys.readouterr().err
    assert main(["score", HOHHOT, "--weights", "决策=abc"]) == 2
    assert main(["score", HOHHOT, "--bands", "60,80,90"]) == 2


def test_english_messages(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    proc = run("--lang", "en", "validate", str(bad))
    assert proc.returncode == 1 and "empty" in proc.stdout


def test_export_writes_the_deck_and_the_workbook(tmp_path):
    from pptx import Presentation
    from python_calamine import CalamineWorkbook

    deck, book = tmp_path / "out.pptx", tmp_path / "out.xlsx"
    proc = run("export", HOHHOT, "--weights", "效益=40", "--pptx", str(deck), "--xlsx", str(book))
    assert proc.returncode == 0, proc.stderr
    slides = Presentation(str(deck)).slides
    assert len(slides) >= 7  # title + views + the scenario comparison
    assert CalamineWorkbook.from_path(str(book)).sheet_names[:2] == ["权重", "评分表"]
    assert run("export", HOHHOT).returncode == 2  # nothing to write
