"""Rescoring after a weight change, 1,000,000 units × 40 leaves, next to a bare numpy matrix
product of the same shape (the floor: our rescoring is that product plus ranks and ratings).

    python bench/bench_rescore.py [--units 1000000] [--leaves 40]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from common import line, measure

from perfeval_core.scoring import Scenario, ScoringModel


def synthetic_indicators(leaves: int) -> pd.DataFrame:
    """4 level-1 groups × 2 level-2 × (leaves / 8) leaves, points summing to 100."""
    rows = []
    per_l2 = leaves // 8
    level1 = [("A", "决策", 15), ("B", "过程", 25), ("C", "产出", 30), ("D", "效益", 30)]
    for code, name, pts in level1:
        rows.append((code, name, None, 1, float(pts)))
        for k in (1, 2):
            l2 = f"{code}{k}"
            rows.append((l2, f"{name}{k}", code, 2, pts / 2))
            for j in range(per_l2):
                rows.append((f"{l2}{j + 1:02d}", f"{name}{k}-{j + 1}", l2, 3, pts / 2 / per_l2))
    df = pd.DataFrame(rows, columns=["code", "name", "parent", "level", "points"])
    for c in ("kind", "unit", "explanation", "criteria", "src_sheet"):
        df[c] = ""
    df["target"] = np.nan
    df["src_row"] = df["src_col"] = 0
    return df


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--leaves", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    indicators = synthetic_indicators(args.leaves)
    rates = rng.uniform(0.4, 1.0, (args.units, args.leaves))
    names = [f"u{i}" for i in range(args.units)]
    model = ScoringModel.from_rates(indicators, names, rates)
    w = rng.uniform(0, 5, args.leaves)
    scenarios = [Scenario({"效益": 30 + k % 10}) for k in range(args.repeat + 1)]
    it = iter(scenarios * 3)

    bare = measure(lambda: rates @ w, args.repeat)

    def rescore_totals() -> None:
        result = model.score(next(it))
        result.band_index  # noqa: B018 - ratings are part of what the dashboard shows

    def rescore_full() -> None:
        result = model.score(next(it))
        result.band_index  # noqa: B018
        result.rank  # noqa: B018

    totals = measure(rescore_totals, args.repeat)
    full = measure(rescore_full, args.repeat)
    print(f"rescoring {args.units:,} units × {args.leaves} leaves")
    print(line("bare numpy rates @ w", bare))
    print(line("rescore: totals, level-1 subtotals, ratings", totals, bare))
    print(line("rescore + ranks within tiers", full, bare))


if __name__ == "__main__":
    main()
