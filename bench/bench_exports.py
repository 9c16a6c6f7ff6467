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


def _cells(data: bytes) -> tuple[int, int]:
    """How many cells, and how many of them formulas, the exported workbook holds."""
    import io
    import re
    import zipfile

    values = formulas = 0
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = book.read(name)
                values += len(re.findall(rb"<c ", xml))
                formulas += xml.count(b"<f>")
    return values, formulas


def bare_xlsxwriter(values: int, formulas: int) -> int:
    """The floor of writing that many cells with xlsxwriter as the export does (constant memory,
    one sheet, 40 columns), without formats or cached values worked out."""
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    ws = book.add_worksheet("cells")
    width = 40
    plain = values - formulas
    for k in range(values):
        r, c = divmod(k, width)
        if k < plain:
            ws.write_number(r, c, float(k))
        else:
            ws.write_formula(r, c, f"=A{r + 1}*2", None, 0.0)
    book.close()
    return len(out.getvalue())


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
        data = workbook_bytes(ev, scenario, "zh")
        values, formulas = _cells(data)
        floor = measure(lambda: bare_xlsxwriter(values, formulas), args.repeat, warmup=warmup)
        book = measure(lambda: workbook_bytes(ev, scenario, "zh"), args.repeat, warmup=warmup)
        print(report(f"bare xlsxwriter: {values:,} values and {formulas:,} formulas, no formats (floor)", floor,
                     results=results))
        print(report(f"what-if workbook (.xlsx), {label}", book, floor, results))
    write_results(args.json, args.units, results)


if __name__ == "__main__":
    main()
