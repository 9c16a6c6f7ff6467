"""Summary helpers on unit trees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-1, 40), min_size=1, max_size=40), st.sets(st.integers(0, 39), max_size=40))
def test_ancestors_of_a_set_equals_the_walk_from_each(parents, chosen):
    """summary._ancestors: every unit above any chosen unit, as walking up from each one finds."""
    from perfeval_core.summary import _ancestors

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
