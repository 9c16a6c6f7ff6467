"""Monte Carlo over the level-1 weights, 10,000 draws × 402 units, next to a bare numpy floor of
the same work: one (draws × J) @ (J × units) matrix product and an argsort along the unit axis.
Our run adds the weight draws, 2-decimal keys, competition ranks within each depth group, band
counts and the percentiles. The other robustness analyses are timed for reference.

    python bench/bench_robustness.py [--units 402] [--draws 10000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from common import line, measure, peak_mb, report, synthetic_indicators

from perfeval_core.analysis.robustness import (
    band_distance,
    break_even,
    level1_rates,
    monte_carlo,
    rank_swaps,
    rating_break_even,
    robust_pairs,
)
from perfeval_core.analysis.scoring import ScoringModel


def synthetic_model(units: int, seed: int = 0) -> ScoringModel:
    """A city, ~3 % districts, the rest streets; 得分率 between 0.4 and 1."""
    rng = np.random.default_rng(seed)
    indicators = synthetic_indicators(40)
    leaves = int((~indicators["code"].isin(set(indicators["parent"].dropna()))).sum())
    districts = max(1, units * 3 // 100)
    depth = np.r_[0, np.ones(districts, dtype=int), np.full(units - 1 - districts, 2)][:units]
    rates = rng.uniform(0.4, 1.0, (units, leaves))
    return ScoringModel.from_rates(indicators, [f"u{i}" for i in range(units)], rates, unit_depth=depth)


def measure_both(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (this machine is shared: the CPU time shows the
    work itself, the wall time what a user waits)."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def cpu_line(label: str, times: list[float], baseline: list[float] | None = None) -> str:
    return line(label + " [cpu]", times, baseline)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=402)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: list = []
    model = synthetic_model(args.units)
    r, w = level1_rates(model)
    rng = np.random.default_rng(1)
    drawn = w * rng.uniform(0.8, 1.2, (args.draws, len(w)))
    drawn *= (w.sum() / drawn.sum(axis=1))[:, None]
    rt = np.ascontiguousarray(r.T)

    def floor() -> None:
        np.argsort(drawn @ rt, axis=1)

    bare, bare_cpu = measure_both(floor, args.repeat)
    runs = {
        "monte_carlo uniform": lambda: monte_carlo(model, draws=args.draws, spread=0.2),
        "monte_carlo dirichlet": lambda: monte_carlo(model, draws=args.draws, spread=0.2, method="dirichlet"),
        "monte_carlo uniform, keep per-draw ranks": lambda: monte_carlo(model, draws=args.draws, spread=0.2,
                                                                        keep_draws=True),
    }
    print(f"Monte Carlo: {args.draws:,} draws × {args.units} units × {len(w)} level-1 groups "
          f"(depth groups {np.bincount(model.unit_depth).tolist()}); load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(report("bare numpy (draws×J)@(J×units) + argsort", bare, results=results))
    timings = {label: measure_both(fn, args.repeat) for label, fn in runs.items()}
    for label, (wall, _) in timings.items():
        print(report(label, wall, bare, results))
    print(cpu_line("bare numpy (draws×J)@(J×units) + argsort", bare_cpu))
    for label, (_, cpu) in timings.items():
        print(cpu_line(label, cpu, bare_cpu))
    worst = max(statistics.median(wall) for wall, _ in timings.values())
    print(f"slowest Monte Carlo median: {worst * 1000:.0f} ms wall")
    print(f"other analyses, {args.units} units")
    print(line("break_even (units × J × thresholds)", measure(lambda: break_even(model), args.repeat)))
    print(line("rating_break_even", measure(lambda: rating_break_even(model), args.repeat)))
    print(line("rank_swaps, one group", measure(lambda: rank_swaps(model, "效益"), args.repeat)))
    print(line("band_distance, closed form", measure(lambda: band_distance(model), args.repeat)))
    print(line("robust_pairs, ±20 % box (16 vertices)", measure(lambda: robust_pairs(model, 0.2), args.repeat)))
    print(f"peak memory: {peak_mb():.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"units": args.units, "draws": args.draws, "results": results,
                                         "peak_mb": peak_mb()}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
