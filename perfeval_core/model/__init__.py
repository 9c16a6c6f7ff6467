"""The vocabulary every other room speaks: the ``Evaluation`` a workbook becomes (``evaluation``),
rating bands and the one rule that turns a score into a band and a rank (``rating``), validation
reports and their message catalogue (``report``, ``messages``) and the normalisation of printed
labels (``normalize``). Plain data and pure functions: this room imports nothing else of
perfeval_core, so anything may import it."""
