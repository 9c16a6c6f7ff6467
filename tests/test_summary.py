"""Summary helpers on unit trees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-1, 40), min_size=1, max_size=40), st.sets(st.integers(0, 39), max_size=40))
def test_ancestors_of_a_set_equals_the_walk_from_each(parents, chosen):
    """summary._ancestors: every unit above any chosen unit, as walking up from each one finds."""
    from perfeval_core.present.summary import _ancestors

    names = [f"u{i}" for i in range(len(parents))]
    # parent j < i only: a forest, no cycles (the loader refuses cyclic trees)
    parent = {names[i]: (names[p % i] if p >= 0 and i > 0 else None) for i, p in enumerate(parents)}
    units = {names[i] for i in chosen if i < len(names)}
    expected = set()
    for u in units:
        node = parent[u]
        while node is not None:
            expected.add(node)
            node = parent[node]
    assert _ancestors(units, parent) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 30), min_size=1, max_size=30), st.data())
def test_rollup_adds_every_unit_to_all_its_ancestors(parents, data):
    """budget.rollup: a unit's rolled-up amount is the sum of its own and its descendants'."""
    import numpy as np
    import pandas as pd

    from perfeval_core.analysis.budget import rollup

    n = len(parents)
    names = [f"单位{i}" for i in range(n)]
    parent = [names[p % i] if p >= 0 and i > 0 else None for i, p in enumerate(parents)]
    depth = []
    for i in range(n):
        depth.append(0 if parent[i] is None else depth[names.index(parent[i])] + 1)
    units = pd.DataFrame({"name": names, "parent": pd.Series(parent, dtype=object), "depth": depth})
    own_units = data.draw(st.lists(st.sampled_from(names), unique=True))
    amounts = data.draw(st.lists(st.floats(0, 1e6), min_size=len(own_units), max_size=len(own_units)))
    own = pd.DataFrame({"budget": amounts}, index=pd.Index(own_units, name="unit"))
    got = rollup(own, units)
    mine = dict(zip(own_units, amounts))
    for i, name in enumerate(names):
        below = [name]
        for j in range(i + 1, n):  # descendants have larger positions (parents come first)
            node = parent[j]
            while node is not None and node != name:
                node = parent[names.index(node)]
            if node == name:
                below.append(names[j])
        assert np.isclose(got.loc[name, "budget"], sum(mine.get(u, 0.0) for u in below), rtol=1e-12)
