"""The one rating-and-rank rule (perfeval_core.model.rating) against an independent decimal
computation, the band rules (analysis.rules.band_problem) and the ``--bands`` forms (Bands.parse)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_core.analysis.rules import band_problem
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.rating import (
    band_index,
    browser_rule,
    cents,
    competition_rank,
    rounded,
    threshold_cents,
    threshold_values,
)


def printed(x: float) -> Decimal:
    """A total as a report prints it: its shortest decimal form, half up to the cent."""
    return Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("x,shown", [(72.735, "72.74"), (89.995, "90.00"), (0.005, "0.01"), (-1.005, "-1.01"),
                                     (81.18, "81.18"), (79.994999, "79.99"), (100, "100.00")])
def test_half_up_on_the_decimal_value(x, shown):
    assert f"{float(rounded(x)):.2f}" == shown == str(printed(x))
    assert int(cents(x)) == int(printed(x) * 100)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False), min_size=1, max_size=40),
       st.lists(st.decimals(min_value=1, max_value=99, places=2), min_size=1, max_size=6, unique=True))
def test_band_and_rank_equal_the_decimal_rule(values, bounds):
    totals = np.array([float(v) for v in values])
    thresholds = sorted((float(b) for b in bounds), reverse=True)
    shown = [printed(x) for x in totals]
    expected_band = [sum(s < Decimal(repr(t)) for t in thresholds) for s in shown]
    assert band_index(totals, thresholds).tolist() == expected_band
    expected_rank = [1 + sum(o > s for o in shown) for s in shown]
    assert competition_rank(totals).tolist() == expected_rank
    # what the browser and the workbook receive reproduces the same bands
    rule = browser_rule(thresholds, [str(k) for k in range(len(thresholds) + 1)])
    assert [sum(c < t for t in rule["threshold_cents"]) for c in cents(totals)] == expected_band
    values_ = threshold_values(thresholds)
    assert [sum(s < Decimal(repr(v)) for v in values_) for s in shown] == expected_band


def test_threshold_cents_round_a_bound_up_to_the_cent():
    assert threshold_cents([90, 89.994, 80.5]).tolist() == [9000, 8999 + 1, 8050]
    assert band_index(np.array([np.nan, 90, 89.99]), [90]).tolist() == [-1, 0, 1]


def test_ranks_within_groups_and_with_nan():
    totals = np.array([90, 85, 90, 70, 70, np.nan])
    assert competition_rank(totals[:5], np.array([0, 0, 0, 1, 1])).tolist() == [1, 3, 1, 1, 1]
    assert competition_rank(totals).tolist()[:5] == [1, 3, 1, 4, 4]


@pytest.mark.parametrize("bands,problem", [
    (Bands(), None),
    (Bands(("A", "B", "C", "D", "E"), (90.0, 80.0, 70.0, 60.0, 0.0)), None),
    (Bands(("A",), (0.0,)), "bands_order"),
    (Bands(("A", "B"), (90.0,)), "bands_order"),
    (Bands(("A", "A"), (90.0, 0.0)), "bands_labels"),
    (Bands(("A", " "), (90.0, 0.0)), "bands_labels"),
    (Bands(("A", "B"), (120.0, 0.0)), "bands_range"),
    (Bands(("A", "B", "C"), (80.0, 90.0, 0.0)), "bands_order"),
])
def test_band_rules(bands, problem):
    found = band_problem(bands)
    assert (found[0] if found else None) == problem


def test_bands_parse_both_forms():
    five = Bands.parse("A=90，B=80, C：70;D=60,E=0")
    assert five == Bands(("A", "B", "C", "D", "E"), (90.0, 80.0, 70.0, 60.0, 0.0))
    custom = Bands(("优秀", "良好", "合格", "不合格"), (95.0, 85.0, 60.0, 0.0))
    assert Bands.parse("90,80,60", custom) == Bands(custom.labels, (90.0, 80.0, 60.0, 0.0))
    assert Bands.parse("90,60", custom).labels == ("优", "良", "中")  # another count: the default labels
    for bad in ("", "A=90,B", "A=x,B=0", "90,abc", "A=nan,B=0", "inf,80"):
        with pytest.raises(ValueError, match="bands_format"):
            Bands.parse(bad)
