"""What parsing in a child process costs: ``perfeval_core.io.sandbox.load_bytes`` (a forked child
with limits, the result pickled back) against ``perfeval_core.io.loader.load_bytes`` in this process,
on the same bytes in the same run - with the caller single-threaded (a plain fork, as the CLI)
and with another thread running (the fork server, as the dashboard).

    python bench/bench_sandbox.py [--units 1000 50000] [--repeat 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from common import measure, report
from make_workbooks import ensure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_core.io import loader, sandbox  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[1000, 50_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    results: list = []
    inputs = [("sample (hohhot_2023_evaluation.xlsx)", (ROOT / "sample_data" / "hohhot_2023_evaluation.xlsx").read_bytes())]
    inputs += [(f"synthetic {units:,} units", ensure(units).read_bytes()) for units in args.units]
    for label, data in inputs:
        repeat = args.repeat if len(data) < 5_000_000 else max(2, args.repeat // 2)
        base = measure(lambda data=data: loader.load_bytes(data, "x.xlsx"), repeat=repeat)
        print(report(f"{label}: in process", base, results=results))
        forked = measure(lambda data=data: sandbox.load_bytes(data, "x.xlsx"), repeat=repeat)
        print(report(f"{label}: child (fork)", forked, base, results))
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            served = measure(lambda data=data: sandbox.load_bytes(data, "x.xlsx"), repeat=repeat)
        finally:
            stop.set()
            other.join()
        print(report(f"{label}: child (fork server)", served, base, results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
