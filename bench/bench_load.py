"""Loading a workbook: our loader (safety preflight, parsing and every validation), in this process
and as the dashboard runs it (parsed in a sandboxed child process, the result sent back), next to
a bare python-calamine read of the same sheets (the floor: cells into Python lists, nothing
checked), pandas' ``read_excel`` with the calamine engine (its announced next default) and
pandas' default ``read_excel`` (openpyxl), on the synthetic template workbooks.

    python bench/bench_load.py --units 50000 [--repeat 5] [--pandas-repeat 1] [--json OUT]

Run one size per process (``bench/run.py`` does), so the peak memory printed is this size's.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
from common import measure, peak_mb, report
from make_workbooks import ensure
from python_calamine import CalamineWorkbook

from perfeval_core import load_bytes


def bare_calamine(data: bytes) -> int:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        cells += sum(len(r) for r in rows)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pandas-repeat", type=int, default=1, help="0 skips pandas (minutes on 200,000 units)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--peak-of", choices=["loader", "calamine"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = ensure(args.units)
    data = path.read_bytes()
    if args.peak_of:  # one read in this fresh process, then its peak memory
        load_bytes(data, path.name) if args.peak_of == "loader" else bare_calamine(data)
        print(peak_mb())
        return
    peaks = {kind: float(subprocess.run([sys.executable, __file__, "--units", str(args.units), "--peak-of", kind],
                                        capture_output=True, text=True, check=True).stdout.split()[-1])
             for kind in ("loader", "calamine")}
    result = load_bytes(data, path.name)
    assert result.evaluation is not None, result.report.lines()[:5]
    results: list = []
    print(f"loading {path.name}: {args.units:,} units × 40 leaves, {len(data) / 1e6:.1f} MB, "
          f"{bare_calamine(data):,} cells")
    from perfeval_core.io import sandbox

    bare = measure(lambda: bare_calamine(data), args.repeat)
    ours = measure(lambda: load_bytes(data, path.name), args.repeat)
    # as in the dashboard: a server has threads, so children come from the fork server (a clean
    # process that imported the loader once), not from a fork of this process
    server_thread = threading.Event()
    threading.Thread(target=server_thread.wait, daemon=True).start()
    sandboxed = measure(lambda: sandbox.load_bytes(data, path.name), args.repeat)
    server_thread.set()
    with_calamine = measure(lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine"),
                            max(1, min(args.repeat, 3)))
    print(report("bare python-calamine read (floor)", bare, results=results))
    print(report("perfeval loader (preflight + parse + validation)", ours, bare, results))
    print(report("perfeval loader, sandboxed (child process, result sent back)", sandboxed, bare, results))
    print(report("pandas read_excel (calamine engine)", with_calamine, bare, results))
    if args.pandas_repeat:
        default = measure(lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl"),
                          args.pandas_repeat, warmup=0)
        print(report("pandas read_excel (openpyxl, default)", default, bare, results))
        speedup = sorted(default)[len(default) // 2] / sorted(ours)[len(ours) // 2]
        print(f"perfeval loader is {speedup:.1f}x faster than pandas' default")
    print(f"peak memory of one load in a fresh process: perfeval loader {peaks['loader']:.0f} MB, "
          f"bare calamine {peaks['calamine']:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"units": args.units, "results": results, "peak_mb": peaks["loader"],
                                         "calamine_peak_mb": peaks["calamine"]},
                                        ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
