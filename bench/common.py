"""Helpers shared by the benchmark scripts: repeated timing, min / median / max, ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

# the dashboard's pages, by URL path, in navigation order (dashboard/app.py)
PAGES = ["overview", "districts", "budget", "categories", "whatif", "robustness", "present", "scoresheet",
         "satisfaction", "findings", "portfolio", "data"]
LEVEL1 = (("A", "决策", 15.0), ("B", "过程", 25.0), ("C", "产出", 30.0), ("D", "效益", 30.0))


def synthetic_indicators(leaves: int = 40) -> pd.DataFrame:
    """决策/过程/产出/效益 (15/25/30/30), each split into two level-2 groups of equal leaves
    (``leaves`` in all, a multiple of 8), in the column layout of an Evaluation's indicators."""
    per_l2 = max(leaves // 8, 1)
    rows = []
    for code, name, pts in LEVEL1:
        rows.append((code, name, None, 1, pts))
        for k in (1, 2):
            l2 = f"{code}{k}"
            rows.append((l2, f"{name}{k}", code, 2, pts / 2))
            for j in range(per_l2):
                rows.append((f"{l2}{j + 1:02d}", f"{name}{k}-{j + 1}", l2, 3, pts / 2 / per_l2))
    df = pd.DataFrame(rows, columns=["code", "name", "parent", "level", "points"])
    df["parent"] = pd.Series([r[2] for r in rows], dtype=object)
    for c in ("kind", "unit", "explanation", "criteria", "src_sheet"):
        df[c] = ""
    df["target"] = np.nan
    df["src_row"] = df["src_col"] = 0
    return df


def measure(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def line(label: str, times: list[float], baseline: list[float] | None = None) -> str:
    text = (f"{label:<46} min {min(times) * 1000:9.2f} ms   median {statistics.median(times) * 1000:9.2f} ms"
            f"   max {max(times) * 1000:9.2f} ms")
    if baseline:
        text += f"   ratio {statistics.median(times) / statistics.median(baseline):5.2f}x"
    return text


def peak_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    import re

    found = re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024 if found else float("nan")


def report(label: str, times: list[float], baseline: list[float] | None = None, results: list | None = None) -> str:
    """``line`` plus, when ``results`` is given, a JSON-able record appended to it."""
    if results is not None:
        record = {"label": label, "min_s": min(times), "median_s": statistics.median(times), "max_s": max(times),
                  "runs": len(times)}
        if baseline:
            record["ratio"] = statistics.median(times) / statistics.median(baseline)
        results.append(record)
    return line(label, times, baseline)


def write_results(path: Path | None, units: int, results: list) -> None:
    """Print this process's peak memory and, given a path, write the step's JSON for bench/run.py."""
    import json

    print(f"peak memory: {peak_mb():.0f} MB")
    if path:
        path.write_text(json.dumps({"units": units, "results": results, "peak_mb": peak_mb()},
                                   ensure_ascii=False, indent=2), encoding="utf-8")
