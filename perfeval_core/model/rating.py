"""The one rule that turns a score into what a report prints, a band and a rank.

A total is compared as it is printed: rounded half up to the cent on its decimal value (72.735
prints 72.74, 89.995 prints 90.00 and is 优 at a lower bound of 90). In integer cents that is
``cents(x) = sign(x) · ⌊|100 x| + ½ + NUDGE⌋``, where the nudge absorbs the binary error of a
value given to the cent (100 × 72.735 is 7273.4999… in floating point). Everything that rates,
ranks or rounds a score takes it from here: ``Bands.rate``, ``competition_rank``, the robustness
draws, the displayed figures (``present.i18n``), the workbook export's formulas (Excel's ROUND on
the decimal value is the same rounding) and the browser's live ranking (it receives the threshold
cents, the labels and the nudge from ``browser_rule``).

A band is met when the total's cents reach the threshold's cents; ties share the best rank and
the next is skipped (1, 2, 2, 4: competition ranking).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NUDGE = 1e-6  # in units of the last printed digit: a millionth of a cent
MAX_COUNTING_CELLS = 20_000_000  # groups × distinct cent values for the counting rank


def scaled(values: object, digits: int = 2) -> np.ndarray:
    """``values`` × 10^digits rounded half up on the decimal value, as floats (NaN stays NaN)."""
    x = np.asarray(values, dtype=float)
    out = np.abs(x, out=np.empty_like(x))  # in place from here (a 0-d array stays an array)
    out *= 10.0 ** digits
    out += 0.5 + NUDGE
    np.floor(out, out=out)
    return np.copysign(out, x, out=out)


def cents(values: object) -> np.ndarray:
    """Totals in printed cents (floats, NaN kept): ``scaled(values, 2)``."""
    return scaled(values, 2)


def rounded(values: object, digits: int = 2) -> np.ndarray:
    """Totals as printed: half up at ``digits`` decimals."""
    return scaled(values, digits) / (10.0 ** digits)


def threshold_cents(thresholds: Sequence[float]) -> np.ndarray:
    """Each band's lower bound in cents: the fewest cents a printed total needs to reach it
    (⌈100 t − NUDGE⌉, so 90 needs 9000 and a bound of 89.994 needs 9000 too, as
    ``ROUND(total, 2) >= 89.994`` in a spreadsheet)."""
    t = np.asarray(thresholds, dtype=float) * 100.0
    return np.ceil(t - NUDGE).astype(np.int64)


def threshold_values(thresholds: Sequence[float]) -> list[float]:
    """The lower bounds as the rule applies them, to the cent (for a spreadsheet's input cells)."""
    return [int(c) / 100.0 for c in threshold_cents(thresholds)]


def band_index(scores: object, thresholds: Sequence[float]) -> np.ndarray:
    """Band per score, 0 = best: the number of thresholds its cents do not reach; -1 for NaN.
    Kept in the smallest integer type: a fresh int64 array of a million units costs more in page
    faults than all the comparisons."""
    c = cents(scores)
    limits = threshold_cents(thresholds)
    k = len(limits)
    out = np.full(c.shape, k, dtype=np.int8 if k < 127 else np.int64)
    for limit in limits:
        out -= c >= limit
    missing = np.isnan(c)
    if missing.any():
        out[missing] = -1
    return out


def browser_rule(thresholds: Sequence[float], labels: Sequence[str]) -> dict[str, object]:
    """What the browser's live ranking needs to rate and rank exactly as here: threshold cents,
    labels best first, and the nudge of ``cents``."""
    return {"threshold_cents": [int(c) for c in threshold_cents(thresholds)], "labels": list(labels),
            "nudge": NUDGE}


def competition_rank(total: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """1 = best; totals compared in printed cents; ties share the best rank (1, 2, 2, 4). Ranked
    separately within each group.

    Totals printed to the cent take few distinct values (0.00–100.00 is 10,001), so the rank is
    counted, not sorted: a unit's rank is 1 + the units of its group with more cents, from one
    histogram per group and its suffix sums. O(n), ~10x a sort on a million units. Falls back to
    sorting for NaN, huge ranges or many groups."""
    values = cents(total)
    gid = np.zeros(len(values), dtype=np.int64) if groups is None else np.asarray(groups)
    if len(values) and np.isfinite(values).all() and np.issubdtype(gid.dtype, np.integer) and gid.min() >= 0:
        c = values.astype(np.int64)
        low = int(c.min())
        span = int(c.max()) - low + 1
        n_groups = int(gid.max()) + 1
        if span * n_groups <= MAX_COUNTING_CELLS:
            cell = gid.astype(np.int64) * span + (c - low)
            counts = np.bincount(cell, minlength=n_groups * span).reshape(n_groups, span)
            at_least = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # units with >= these cents
            return np.asarray(1 + (at_least - counts).ravel()[cell], dtype=np.int64)
    return _rank_by_sort(values, groups)


def _rank_by_sort(values: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Sort + binary search: O(n log n), for what the counting rank cannot take."""
    key = -values
    if groups is not None and len(groups) and not np.all(groups == groups[0]):
        # one sort for all groups: by group, then by score
        order = np.lexsort((key, groups))
        boundary = np.r_[True, (groups[order][1:] != groups[order][:-1])]
    else:
        order = np.argsort(key, kind="stable")
        boundary = np.zeros(len(key), dtype=bool)
        if len(key):
            boundary[0] = True
    ordered = key[order]
    position = np.arange(1, len(key) + 1)
    group_start = np.maximum.accumulate(np.where(boundary, position, 0))
    new_value = boundary | np.r_[True, ordered[1:] != ordered[:-1]]
    first_of_tie = np.maximum.accumulate(np.where(new_value, position, 0))
    out = np.empty(len(key), dtype=np.int64)
    out[order] = first_of_tie - group_start + 1
    return out
