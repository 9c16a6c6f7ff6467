"""Large synthetic evaluation workbooks in our template, for the benchmarks.

A city, its districts (1 %), streets (9 %) and communities (the rest); 40 leaf indicators
(决策/过程/产出/效益 15/25/30/30, ``common.synthetic_indicators``); every unit scored in the wide
评分矩阵 sheet (a long 评分 sheet of 200,000 × 40 rows would not fit Excel's million rows); one
budget line per community at one of three funding levels, one project line per community, and
survey counts by district and age group. Written with xlsxwriter in constant-memory mode, the
way a large export from another system looks (shared strings, numbers as numbers).

    python bench/make_workbooks.py [--units 1000 50000 200000] [--out bench/data]

Files are reused when they exist (``bench/data`` is git-ignored); the content depends only on
the unit count (fixed seed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import synthetic_indicators  # noqa: E402

from perfeval_core.io import template_spec as spec  # noqa: E402

OUT = Path(__file__).resolve().parent / "data"
SIZES = (1_000, 50_000, 200_000)
LEVELS = ("自治区", "市", "旗县区")
CATEGORIES = ("便民利民", "群众活动", "关爱帮扶", "公益风尚", "迫切服务事项")
AGES = ("18-29岁", "30-44岁", "45-59岁", "60岁及以上")


def path_for(units: int, out: Path = OUT) -> Path:
    return out / f"synthetic_{units}.xlsx"


def unit_tree(units: int) -> tuple[list[str], list[str | None], list[str]]:
    """Names, parents and tiers: 1 city, 1 % districts, 9 % streets, the rest communities."""
    districts = max(1, units // 100)
    streets = max(1, units * 9 // 100)
    communities = units - 1 - districts - streets
    names = ["合成市"] + [f"第{i + 1}区" for i in range(districts)] + [f"第{i + 1}街道" for i in range(streets)] \
        + [f"第{i + 1}社区" for i in range(communities)]
    parents: list[str | None] = [None] + ["合成市"] * districts \
        + [f"第{i % districts + 1}区" for i in range(streets)] + [f"第{i % streets + 1}街道" for i in range(communities)]
    tiers = ["市"] + ["区"] * districts + ["街道"] * streets + ["社区"] * communities
    return names, parents, tiers


def write(units: int, path: Path) -> Path:
    rng = np.random.default_rng(units)
    indicators = synthetic_indicators(40)
    leaves = indicators[~indicators["code"].isin(set(indicators["parent"].dropna()))]
    names, parents, tiers = unit_tree(units)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})

    ws = book.add_worksheet(spec.PROJECT_INFO.name)
    ws.write_row(0, 0, ["项目", "内容"], bold)
    info = {"项目名称": f"合成评价（{units:,} 个单位）", "年度": "2024", "地区": "合成市", "评价机构": "基准测试",
            "评价方式": "财政评价", "示意数据": "是"}
    for i, (label, value) in enumerate(info.items(), start=1):
        ws.write_row(i, 0, [label, value])

    ws = book.add_worksheet(spec.INDICATORS.name)
    ws.write_row(0, 0, [c.header for c in spec.INDICATORS.columns], bold)
    for i, row in enumerate(indicators.itertuples(index=False), start=1):
        ws.write_row(i, 0, [row.code, row.name, row.parent or "", row.points, "定性"])

    ws = book.add_worksheet(spec.UNITS.name)
    ws.write_row(0, 0, [c.header for c in spec.UNITS.columns], bold)
    visited = rng.random(units) < 0.02
    for i in range(units):
        ws.write_row(i + 1, 0, [names[i], parents[i] or "", tiers[i], "是" if visited[i] else "否"])

    ws = book.add_worksheet(spec.SCORE_MATRIX.name)
    codes = list(leaves["code"])
    ws.write_row(0, 0, ["单位名称", *codes], bold)
    points = leaves["points"].to_numpy()
    scores = np.round(rng.uniform(0.4, 1.0, (units, len(codes))) * points, 2)
    for i in range(units):
        ws.write_string(i + 1, 0, names[i])
        ws.write_row(i + 1, 1, scores[i].tolist())

    communities = [k for k in range(units) if tiers[k] == "社区"] or list(range(units))
    ws = book.add_worksheet(spec.BUDGET.name)
    ws.write_row(0, 0, [c.header for c in spec.BUDGET.columns], bold)
    budget = np.round(rng.uniform(10, 20, len(communities)), 2)
    arrived = np.round(budget * rng.uniform(0.9, 1.0, len(communities)), 2)
    spent = np.round(arrived * rng.uniform(0.3, 1.0, len(communities)), 2)
    for r, k in enumerate(communities, start=1):
        ws.write_row(r, 0, [names[k], LEVELS[k % 3], "服务群众经费", budget[r - 1], None, None, arrived[r - 1],
                            spent[r - 1]])

    ws = book.add_worksheet(spec.PROJECTS.name)
    ws.write_row(0, 0, [c.header for c in spec.PROJECTS.columns], bold)
    counts = rng.integers(1, 6, len(communities))
    for r, k in enumerate(communities, start=1):
        ws.write_row(r, 0, [names[k], CATEGORIES[k % len(CATEGORIES)], int(counts[r - 1]),
                            round(float(counts[r - 1]) * 1.5, 2), "是"])

    ws = book.add_worksheet(spec.SURVEY.name)
    ws.write_row(0, 0, [c.header for c in spec.SURVEY.columns], bold)
    r = 1
    for k in range(units):
        if tiers[k] != "区":
            continue
        for age in AGES:
            n = int(rng.integers(40, 80))
            satisfied = int(n * rng.uniform(0.6, 0.9))
            basic = int((n - satisfied) * 0.6)
            not_really = (n - satisfied - basic) // 2
            ws.write_row(r, 0, [names[k], age, n, satisfied, basic, not_really, n - satisfied - basic - not_really,
                                int(n * 0.5)])
            r += 1
    book.close()
    tmp.replace(path)
    return path


def ensure(units: int, out: Path = OUT) -> Path:
    path = path_for(units, out)
    return path if path.exists() else write(units, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args()
    for units in args.units:
        path = write(units, path_for(units, args.out)) if args.force else ensure(units, args.out)
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
