"""The what-if page's state as one plain value: the level-1 weights, the locks, the band set, the
lower-level overrides, the budget rules per band and the recent weight sets, with pure operations (move a weight, take the
sliders' values, lock, reset, load a saved scenario, normalise). Each returns a new state; the page
keeps one in the session and only binds its widgets to it, so every rule of the page is tested
here without Streamlit. Imports ``model`` and ``analysis`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from perfeval_core.analysis.consequences import rules_of
from perfeval_core.analysis.rules import band_problem
from perfeval_core.analysis.scoring import Scenario, ScoringModel
from perfeval_core.analysis.whatif import TOTAL, rebalance, scenario_from_state
from perfeval_core.model.evaluation import Bands

HISTORY = 30  # recent weight sets kept to recognise values a browser sends back late
ECHO = 1e-6  # a slider value this close to a recent weight is that weight echoed, not a move
MOVED = 1e-9  # a slider this far from its weight has moved


@dataclass(frozen=True)
class WhatIfState:
    """Everything the what-if page varies, for one evaluation (``key``)."""

    key: str
    codes: tuple[str, ...]  # the level-1 indicators, in tree order
    official: Mapping[str, float]  # their official points
    official_bands: Bands
    weights: Mapping[str, float]  # the scenario's level-1 points (full precision)
    bands: Bands  # the band set the user entered (may be unusable: see ``band_problem``)
    locked: tuple[str, ...] = ()
    lower: Mapping[str, float] = field(default_factory=dict)  # level-2 and leaf points set by the user
    history: tuple[Mapping[str, float], ...] = ()
    settled: bool = False  # the weights were taken from the rendered sliders (a shared link's URL)
    rules: Mapping[str, float] | None = None  # 评价结果应用: band → budget change; None: the default
    official_rules: Mapping[str, float] | None = None  # the official weighting's rules (an adopted scenario's)

    @classmethod
    def start(cls, model: ScoringModel, key: str, bands: Bands,
              rules: Mapping[str, float] | None = None) -> WhatIfState:
        """The official weighting of a model: its level-1 points, no locks, ``bands`` (the
        evaluation's own, or a stored official scenario's) and ``rules`` (an official scenario's
        budget rules; None: the default)."""
        tree = model.tree
        codes = tuple(tree.codes[i] for i in tree.level1)
        official = {tree.codes[i]: round(float(tree.points[i]), 2) for i in tree.level1}
        kept = None if rules is None else dict(rules)
        return cls(key=key, codes=codes, official=official, official_bands=bands, weights=dict(official),
                   bands=bands, rules=kept, official_rules=kept)

    # ------------------------------------------------------------------ what the page reads

    @property
    def problem(self) -> tuple[str, dict[str, str]] | None:
        """Why the entered band set cannot rate (a message key and parameters), or None."""
        return band_problem(self.bands)

    @property
    def usable_bands(self) -> Bands:
        """The entered bands, or the official ones while the entered set cannot rate."""
        return self.official_bands if self.problem else self.bands

    @property
    def total(self) -> float:
        return float(sum(self.weights.values()))

    @property
    def consequence_rules(self) -> dict[str, float]:
        """The rules in force: the entered ones while they name every usable band, else the
        practice default for these bands."""
        return rules_of(self.rules, self.usable_bands)

    def scenario(self) -> Scenario:
        """The scenario these settings describe (lower overrides renormalised under their parent)."""
        return scenario_from_state(self.weights, self.lower, self.usable_bands,
                                   self.consequence_rules if self.rules is not None else None)

    # ------------------------------------------------------------------ operations

    def _with_weights(self, weights: Mapping[str, float]) -> WhatIfState:
        history = (*self.history, dict(self.weights))[-HISTORY:]
        merged = {c: float(weights.get(c, self.weights[c])) for c in self.codes}
        return replace(self, weights=merged, history=history)

    def move(self, code: str, value: float) -> WhatIfState:
        """``code`` moved to ``value``: locked weights stay, the others absorb the difference in
        proportion (``whatif.rebalance``), the total stays. A locked weight does not move."""
        if code not in self.codes:
            raise KeyError(code)
        if code in self.locked:
            return self
        return self._with_weights(rebalance(self.weights, code, float(value), self.locked, self.total_target))

    @property
    def total_target(self) -> float:
        """The total the level-1 weights keep while a weight moves (``whatif.TOTAL``)."""
        return TOTAL

    def slid(self, values: Mapping[str, float]) -> WhatIfState:
        """The sliders report ``values`` (all of them, once per rerun). The one that moved is the
        one furthest from its weight; while the server rebalances, a fast user's browser can send
        older values of other sliders with the next key press, so a value a slider recently had
        is an echo, not a move, unless nothing else changed. Unchanged when nothing moved."""
        changed = [c for c in self.codes if c in values and abs(float(values[c]) - self.weights[c]) > MOVED]
        if not changed:
            return self
        fresh = [c for c in changed
                 if not any(abs(float(values[c]) - h.get(c, -1.0)) < ECHO for h in self.history)]
        moved = max(fresh or changed, key=lambda c: abs(float(values[c]) - self.weights[c]))
        return self.move(moved, float(values[moved]))

    def settle(self, shown: Mapping[str, float]) -> WhatIfState:
        """The first render's slider values become the weights (official, or a shared link's)."""
        if self.settled:
            return self
        weights = {c: float(shown.get(c, self.weights[c])) for c in self.codes}
        return replace(self, weights=weights, settled=True)

    def lock(self, codes: Iterable[str]) -> WhatIfState:
        """Lock exactly ``codes`` (unknown codes ignored), in tree order."""
        wanted = set(codes)
        return replace(self, locked=tuple(c for c in self.codes if c in wanted))

    def with_thresholds(self, thresholds: Iterable[float]) -> WhatIfState:
        """The entered bands' labels with these lower bounds (the last band's stays)."""
        values = tuple(float(v) for v in thresholds)
        return replace(self, bands=Bands(self.bands.labels, values + self.bands.lower[len(values):]))

    def with_rules(self, rules: Mapping[str, float] | None) -> WhatIfState:
        """Budget rules per band (fractions; a cut beyond the whole budget is held at −100 %)."""
        if rules is None:
            return replace(self, rules=None)
        return replace(self, rules={str(k): max(float(v), -1.0) for k, v in rules.items() if v == v})

    def with_level1(self, weights: Mapping[str, float]) -> WhatIfState:
        """Level-1 weights from elsewhere (a weighting method's): set as they are, locks and
        lower-level points kept."""
        return self._with_weights({c: float(v) for c, v in weights.items() if c in self.codes})

    def relabelled(self, official: Bands) -> WhatIfState:
        """The same state under the official bands' labels in another language (the language
        switch relabels 优/良/中/差 as Excellent/Good/…): labels follow by position, bounds stay."""
        old = self.official_bands
        if official == old or len(official.labels) != len(old.labels):
            return self if official == old else replace(self, official_bands=official)
        rename = dict(zip(old.labels, official.labels))
        bands = Bands(tuple(rename.get(x, x) for x in self.bands.labels), self.bands.lower)
        rules = None if self.rules is None else {rename.get(k, k): v for k, v in self.rules.items()}
        kept = None if self.official_rules is None else {rename.get(k, k): v for k, v in self.official_rules.items()}
        return replace(self, official_bands=official, bands=bands, rules=rules, official_rules=kept)

    def with_bands(self, bands: Bands) -> WhatIfState:
        return replace(self, bands=bands)

    def with_lower(self, overrides: Mapping[str, float]) -> WhatIfState:
        """Level-2 and leaf points; a negative or non-number entry is dropped."""
        clean = {str(k): float(v) for k, v in overrides.items() if v is not None and v == v and float(v) >= 0}
        return replace(self, lower=clean)

    def reset(self) -> WhatIfState:
        """Back to the official weighting: official weights, bands and rules, no locks, no overrides."""
        return replace(self, weights=dict(self.official), bands=self.official_bands, locked=(), lower={},
                       history=(), settled=True,
                       rules=None if self.official_rules is None else dict(self.official_rules))

    def adopt(self, weights: Mapping[str, float], bands: Bands | None,
              rules: Mapping[str, float] | None = None) -> WhatIfState:
        """A saved scenario's weights (level-1 codes to the sliders, every other code to the
        overrides), bands (None: the official ones) and budget rules (None: the default)."""
        level1 = {c: float(v) for c, v in weights.items() if c in self.codes}
        lower = {str(c): float(v) for c, v in weights.items() if c not in self.codes}
        state = self._with_weights(level1)
        return replace(state, lower=lower, bands=bands if bands is not None else self.official_bands,
                       settled=True, rules=None if rules is None else dict(rules))

    def normalise(self) -> WhatIfState:
        """Scale the unlocked weights so the total is ``TOTAL`` again (equal shares when
        they are all zero); locked weights stay. A no-op when the locks alone exceed the total."""
        target = self.total_target
        free = [c for c in self.codes if c not in self.locked]
        room = target - sum(self.weights[c] for c in self.locked)
        if not free or room < 0:
            return self
        current = sum(max(self.weights[c], 0.0) for c in free)
        shares = {c: (max(self.weights[c], 0.0) / current if current > 0 else 1.0 / len(free)) for c in free}
        weights = {c: round(room * shares[c], 6) for c in free}
        biggest = max(free, key=lambda c: weights[c])
        weights[biggest] = round(weights[biggest] + room - sum(weights.values()), 6)
        return self._with_weights(weights)
