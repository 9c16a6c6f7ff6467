"""Helpers shared by the benchmark scripts: repeated timing, min / median / max, ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


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
