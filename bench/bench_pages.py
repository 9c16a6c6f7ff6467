"""Every dashboard page on a big workbook, server side: the time of each page's script under
Streamlit's AppTest (no browser) and the process's peak memory, so that a page which does not
scale (the robustness page once ran a 24 GB machine out of memory on 45,000 communities) shows
up here rather than in a meeting.

    python bench/bench_pages.py [--units 50000] [--repeat 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import PAGES, report, write_results  # noqa: E402
from make_workbooks import ensure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ["PERFEVAL_DATA_DIR"] = tempfile.mkdtemp(prefix="perfeval-pages-")
    from streamlit.testing.v1 import AppTest

    from dashboard import library

    path = ensure(args.units)
    loaded, entry = library.add(path.read_bytes(), path.name)
    assert entry is not None, loaded.report.lines()[:5]
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    at.query_params["eval"] = entry.key[:12]
    at.run()
    results: list = []
    print(f"every page's script on {args.units:,} units (AppTest, server side; the first run of each is a warm-up)")
    for name in PAGES:
        times = []
        for k in range(args.repeat + 1):
            start = time.perf_counter()
            at.switch_page(str(ROOT / "pages" / f"{name}.py")).run()
            if k:
                times.append(time.perf_counter() - start)
            if at.exception:
                raise SystemExit(f"page {name}: {at.exception[0].message}")
        print(report(f"page {name}, {args.units:,} units", times, results=results), flush=True)
    write_results(args.json, args.units, results)


if __name__ == "__main__":
    main()
