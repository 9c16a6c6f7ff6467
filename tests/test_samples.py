"""Every figure of the two source reports comes out of the bundled samples (DOMAIN.md §7)."""

import subprocess
import sys

import pytest

from perfeval_core import load_path
from perfeval_core.present.summary import summary

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def hohhot_summary(hohhot):
    return summary(hohhot.evaluation)


def test_hohhot_loads_without_warnings(hohhot):
    assert hohhot.report.layout == "template"
    assert hohhot.report.warnings == []


def test_hohhot_score_and_rating(hohhot_summary):
    assert hohhot_summary["total_score"] == 81.18
    assert hohhot_summary["rating"] == "良"
    assert hohhot_summary["reported_total_score"] == 81.18


def test_hohhot_budget_by_funding_level(hohhot_summary):
    b = hohhot_summary["budget"]
    assert b["budget"] == 15780
    levels = {lvl["level"]: lvl["budget"] for lvl in b["by_level"]}
    assert levels == {"自治区": 3510, "市": 6240, "旗县区": 6030}


def test_hohhot_per_level_standards(hohhot):
    b = hohhot.evaluation.budget
    by = b.groupby(["level", "category"])["budget"].agg(["sum", "count"])
    # 自治区 10万/社区 × 319 + 场所建设奖补 320万
    assert by.loc[("自治区", "服务群众经费")].tolist() == [3190, 319]
    assert by.loc[("自治区", "场所建设奖补"), "sum"] == 320
    # 市 10万 + 办公 5万 × 402 + 示范社区 210万
    assert by.loc[("市", "服务群众经费")].tolist() == [4020, 402]
    assert by.loc[("市", "办公经费")].tolist() == [2010, 402]
    assert by.loc[("市", "示范社区奖励"), "sum"] == 210
    # 旗县区 10万 + 办公 5万 × 402
    assert by.loc[("旗县区", "服务群众经费")].tolist() == [4020, 402]
    assert by.loc[("旗县区", "办公经费")].tolist() == [2010, 402]


def test_hohhot_rates_and_units(hohhot_summary):
    assert round(hohhot_summary["arrival_rate"] * 100, 2) == 96.71
    assert round(hohhot_summary["execution_rate"] * 100, 2) == 53.65
    assert hohhot_summary["units_budgeted"] == 402
    assert hohhot_summary["units_used_funds"] == 388
    assert len(hohhot_summary["units_not_used"]) == 14


def test_hohhot_project_counts(hohhot_summary):
    counts = {p["category"]: p["count"] for p in hohhot_summary["projects"] if p["in_scope"]}
    assert counts == {"便民利民类": 1544, "群众活动类": 402, "关爱帮扶类": 66, "公益风尚类": 496,
                      "居民迫切需要的其他服务事项": 174}
    assert hohhot_summary["project_count"] == 1544 + 402 + 66 + 496 + 174
    outside = [p["category"] for p in hohhot_summary["projects"] if not p["in_scope"]]
    assert "小区零星维修改造" in outside


def test_hohhot_survey(hohhot_summary):
    sat, part = hohhot_summary["satisfaction"], hohhot_summary["participation"]
    assert round(sat["overall"] * 100, 2) == 89.58
    assert round(sat["by_age_group"]["60岁及以上"] * 100, 2) == 83.57
    assert round(part["overall"] * 100, 2) == 54.37
    assert round(part["by_age_group"]["60岁及以上"] * 100, 2) == 35.57
    ages = list(sat["by_age_group"].values())
    assert ages == sorted(ages, reverse=True), "satisfaction falls with age"
    assert min(sat["by_age_group"], key=sat["by_age_group"].get) == "60岁及以上"


def test_hohhot_field_visits(hohhot_summary):
    fv = hohhot_summary["field_visits"]
    assert fv["areas"] == 6 and round(fv["area_share"] * 100) == 67
    assert fv["detailed_units"] == 15 and round(fv["budget_share"] * 100) == 32


def test_hohhot_real_areas_and_streets(hohhot):
    units = hohhot.evaluation.units
    areas = units[units["depth"] == 1]["name"].tolist()
    assert areas == ["新城区", "回民区", "玉泉区", "赛罕区", "土默特左旗", "托克托县", "和林格尔县", "清水河县", "武川县"]
    streets = set(units[units["parent"] == "新城区"]["name"])
    assert {"海拉尔东路街道", "锡林北路街道", "成吉思汗大街街道", "东河街道"} <= streets
    assert (units["tier"] == "社区").sum() == 402
    assert "经济技术开发区" not in set(units["name"])


def test_indicator_level_scores_only_for_field_visited_units(hohhot):
    ev = hohhot.evaluation
    scored = set(ev.scores["unit"])
    visited = set(ev.units[ev.units["field_visited"]]["name"])
    assert scored == visited | {"呼和浩特市"}


def test_samples_are_marked_illustrative(hohhot, tangshan):
    assert hohhot.evaluation.project.illustrative
    assert tangshan.evaluation.project.illustrative


def test_tangshan(tangshan):
    d = summary(tangshan.evaluation)
    assert d["total_score"] == 100 and d["rating"] == "优"
    assert d["reported_rating"] == "优秀"
    assert d["budget"]["budget"] == 280 and d["budget"]["arrived"] == 280 and d["budget"]["spent"] == 280
    assert d["arrival_rate"] == 1 and d["execution_rate"] == 1
    assert tangshan.report.warnings == []
    assert "区级" in set(tangshan.evaluation.units["name"])


def test_score_table_sample_matches_the_template(hohhot):
    table = load_path(SAMPLES / "hohhot_2023_score_table.xlsx")
    assert table.evaluation is not None, table.report.lines()
    assert table.report.layout == "score_table"
    from perfeval_core.analysis.scoring import score

    template_scores = score(hohhot.evaluation)
    table_scores = score(table.evaluation)
    for unit in ["呼和浩特市", "赛罕区", "新城区", "玉泉区", "回民区", "和林格尔县", "土默特左旗"]:
        assert table_scores.unit_total(unit) == pytest.approx(template_scores.unit_total(unit), abs=1e-3)
    assert round(table_scores.unit_total("呼和浩特市"), 2) == 81.18


def test_samples_are_reproducible(tmp_path):
    subprocess.run([sys.executable, str(SAMPLES / "build_samples.py"), str(tmp_path)], check=True)
    for name in ["hohhot_2023_evaluation.xlsx", "tangshan_2024_evaluation.xlsx", "hohhot_2023_score_table.xlsx"]:
        fresh = load_path(tmp_path / name)
        bundled = load_path(SAMPLES / name)
        assert fresh.evaluation is not None
        for attr in ("indicators", "units", "scores", "budget", "projects", "survey"):
            a = getattr(fresh.evaluation, attr).reset_index(drop=True)
            b = getattr(bundled.evaluation, attr).reset_index(drop=True)
            assert a.equals(b), f"{name}: {attr} differs from a fresh build"
