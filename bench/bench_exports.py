"""Building the meeting exports: the PowerPoint deck (charts rendered by vl-convert) and the
what-if Excel workbook (live formulas), for one workbook per process (so the peak memory printed
is this workbook's).

    python bench/bench_exports.py [--units 0] [--repeat 3] [--json OUT]     # 0: the Hohhot sample
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import measure, report, write_results
from make_workbooks import ensure

from perfeval_core import load_path
from perfeval_core.analysis.scoring import Scenario
from perfeval_core.present.export_pptx import deck_bytes
from perfeval_core.present.export_xlsx import workbook_bytes

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=0, help="synthetic workbook size; 0 = the Hohhot sample")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--what", choices=["deck", "workbook", "both"], default="both",
                        help="one export per process gives each its own peak memory")
    args = parser.parse_args()
    path = ensure(args.units) if args.units else ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx"
    loaded = load_path(path)
    assert loaded.evaluation is not None, loaded.report.lines()[:5]
    ev = loaded.evaluation
    scenario = Scenario({"效益": 40}, "renormalise")
    results: list = []
    label = f"{args.units:,} units" if args.units else "Hohhot sample"
    warmup = 0 if args.units >= 50_000 else 1  # a big build is its own warm-up
    if args.what in ("deck", "both"):
        deck = measure(lambda: deck_bytes(ev, scenario, "zh"), args.repeat, warmup=warmup)
        print(report(f"deck (.pptx), {label}", deck, results=results))
    if args.what in ("workbook", "both"):
        book = measure(lambda: workbook_bytes(ev, scenario, "zh"), args.repeat, warmup=warmup)
        print(report(f"what-if workbook (.xlsx), {label}", book, results=results))
    write_results(args.json, args.units, results)


if __name__ == "__main__":
    main()
