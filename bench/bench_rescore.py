"""Rescoring after a weight change, 1,000,000 units × 40 leaves, next to a bare numpy matrix
product of the same shape (the floor: our rescoring is that product plus ranks and ratings).

    python bench/bench_rescore.py [--units 1000000] [--leaves 40]
"""

from __future__ import annotations

import argparse

import numpy as np
from common import line, measure, synthetic_indicators

from perfeval_core.scoring import Scenario, ScoringModel


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
