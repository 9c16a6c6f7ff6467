"""Rescoring after a weight change, 1,000,000 units × 40 leaves, next to a bare numpy matrix
product of the same shape (the floor: our rescoring is that product plus ranks and ratings).

    python bench/bench_rescore.py [--units 1000000] [--leaves 40]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from common import measure, peak_mb, report, synthetic_indicators

from perfeval_core.analysis.scoring import Scenario, ScoringModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--leaves", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: list = []
    rng = np.random.default_rng(0)
    indicators = synthetic_indicators(args.leaves)
    # column-major, as ScoringModel builds 得分率 from a workbook; the floor uses the same array
    rates = rng.uniform(0.4, 1.0, (args.leaves, args.units)).T  # a transposed view: no copy
    names = [f"u{i}" for i in range(args.units)]
    model = ScoringModel.from_rates(indicators, names, rates)
    w = rng.uniform(0, 5, args.leaves)
    scenarios = [Scenario({"效益": 30 + k % 10}) for k in range(args.repeat + 1)]
    it = iter(scenarios * 3)

    bare = measure(lambda: rates @ w, args.repeat)

    def rescore_totals() -> None:  # what the what-if page shows for every unit: total and rating
        result = model.score(next(it))
        result.band_index  # noqa: B018

    def rescore_subtotals() -> None:
        result = model.score(next(it))
        result.band_index  # noqa: B018
        result.level1  # noqa: B018 - 决策/过程/产出/效益 per unit

    def rescore_full() -> None:
        result = model.score(next(it))
        result.band_index  # noqa: B018
        result.rank  # noqa: B018

    totals = measure(rescore_totals, args.repeat)
    subtotals = measure(rescore_subtotals, args.repeat)
    full = measure(rescore_full, args.repeat)
    print(f"rescoring {args.units:,} units × {args.leaves} leaves")
    print(report("bare numpy rates @ w", bare, results=results))
    print(report("rescore: totals and ratings", totals, bare, results))
    print(report("rescore: totals, ratings, level-1 subtotals", subtotals, bare, results))
    print(report("rescore: totals, ratings, ranks within tiers", full, bare, results))
    print(f"peak memory: {peak_mb():.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"units": args.units, "leaves": args.leaves, "results": results,
                                         "peak_mb": peak_mb()}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
