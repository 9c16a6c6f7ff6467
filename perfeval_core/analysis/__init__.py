"""Everything computed from an evaluation: the scoring engine (``scoring``: weights → points,
totals, ranks and ratings), the rule checks (``rules``: 10号 weights, bands, a table against its
own 合计), what-if weighting and its state (``whatif``, ``whatif_state``), robustness to the weights
(``robustness``), budget execution and satisfaction (``budget``, ``survey``). May import ``model``
only: no reading of files, no text for people, no Streamlit."""
