"""Every benchmark in one command; each step in its own process (so each peak memory is its own).

    python bench/run.py            # the full suite (~15 min on 2 cores; the 200,000-unit workbook is made once)
    python bench/run.py --quick    # under 2 minutes: small sizes, fewer repeats

Prints each step's table, then a summary against the targets, and writes the summary into
docs/performance.md (between the ``results`` markers) and every figure into
bench/results/<step>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def run_step(name: str, script: str, *args: str) -> dict:
    out = RESULTS / f"{name}.json"
    print(f"\n== {name}: python bench/{script} {' '.join(args)}", flush=True)
    started = time.monotonic()
    subprocess.run([sys.executable, str(BENCH / script), *args, "--json", str(out)], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    return json.loads(out.read_text(encoding="utf-8"))


def find(data: dict, prefix: str) -> dict:
    return next(r for r in data["results"] if r["label"].startswith(prefix) and "min_s" in r)


def ms(record: dict) -> str:
    return (f"{record['min_s'] * 1000:,.0f} / {record['median_s'] * 1000:,.0f} / "
            f"{record['max_s'] * 1000:,.0f} ms")


def verdict(ok: bool) -> str:
    return "✅ met" if ok else "❌ missed"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) / 1024 / 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, Python {platform.python_version()}, {platform.system()}"


def summary(runs: dict[str, dict], quick: bool) -> str:
    rows = ["| what | min / median / max | baseline (floor) | ratio | target | |", "|---|---|---|---|---|---|"]
    for name, data in runs.items():
        if not name.startswith("load_"):
            continue
        ours, bare = find(data, "perfeval loader"), find(data, "bare python-calamine")
        rows.append(f"| load {data['units']:,} units (peak {data['peak_mb']:,.0f} MB) | {ms(ours)} | "
                    f"calamine {ms(bare)} | {ours['ratio']:.2f}× | ≤ 1.3× calamine | {verdict(ours['ratio'] <= 1.3)} |")
        pandas = next((r for r in data["results"] if r["label"].startswith("pandas")), None)
        if pandas:
            speedup = pandas["median_s"] / ours["median_s"]
            rows.append(f"| pandas read_excel, {data['units']:,} units | {ms(pandas)} | — | "
                        f"loader {speedup:.1f}× faster | ≥ 5× faster | {verdict(speedup >= 5)} |")
    if "rescore" in runs:
        data = runs["rescore"]
        for label in ("rescore: totals and ratings", "rescore: totals, ratings, level-1", "rescore: totals, ratings, ranks"):
            r = find(data, label)
            rows.append(f"| {r['label']}, {data['units']:,} × {data['leaves']} (peak {data['peak_mb']:,.0f} MB) | "
                        f"{ms(r)} | `rates @ w` {ms(find(data, 'bare numpy'))} | {r['ratio']:.2f}× | ≤ 3× | "
                        f"{verdict(r['ratio'] <= 3)} |")
    if "robustness" in runs:
        data = runs["robustness"]
        for r in data["results"]:
            if r["label"].startswith("monte_carlo"):
                rows.append(f"| {r['label']}, {data['draws']:,} draws × {data['units']} units | {ms(r)} | "
                            f"matmul + argsort {ms(find(data, 'bare numpy'))} | {r['ratio']:.2f}× | < 500 ms | "
                            f"{verdict(r['median_s'] < 0.5)} |")
    for name, data in runs.items():  # the exports, then the page sweep (the order they ran in)
        if name.startswith("exports_"):
            for r in data["results"]:
                rows.append(f"| {r['label']} (peak {data['peak_mb']:,.0f} MB) | {ms(r)} | — | — | "
                            f"{'< 1 GB' if data['units'] >= 50_000 else '—'} | "
                            f"{verdict(data['peak_mb'] < 1024) if data['units'] >= 50_000 else ''} |")
        elif name.startswith("pages_"):
            for r in data["results"]:
                rows.append(f"| {r['label']}: the page's script (AppTest, server side; peak of all pages "
                            f"{data['peak_mb']:,.0f} MB) | {ms(r)} | — | — | — | |")
    if "browser" in runs:
        data = runs["browser"]
        bare = find(data, "bare app: fragment")
        for r in data["results"]:
            if r["label"].startswith("what-if page") and r["label"].endswith(", chart and table"):
                large = "50,000" in r["label"]
                target = "< 1 s" if large else "≤ 1.5× bare"
                ok = r["median_s"] < 1 if large else r["ratio"] <= 1.5
                rows.append(f"| {r['label'][:-len(', chart and table')]}: key press → chart and table redrawn | "
                            f"{ms(r)} | bare app {ms(bare)} | {r['ratio']:.2f}× | {target} | {verdict(ok)} |")
        for r in data["results"]:
            if r["label"] in ("what-if page, Hohhot sample", "what-if page, 50,000 units"):
                large = "50,000" in r["label"]
                rows.append(f"| {r['label']}: key press → last visible change (the server's rerun) | {ms(r)} | "
                            f"bare app {ms(bare)} | {r['ratio']:.2f}× | {'< 1 s' if large else '—'} | "
                            f"{verdict(r['median_s'] < 1) if large else ''} |")
        for r in data["results"]:
            if r["label"].startswith("what-if page") and r["label"].endswith("all DOM changes"):
                rows.append(f"| {r['label'][:-len(', all DOM changes')]}: key press → last DOM change (the grid's "
                            f"unpainted accessibility mirror included) | {ms(r)} | bare app "
                            f"{ms(find(data, 'bare app, all DOM changes'))} | {r['ratio']:.2f}× | — | |")
        for r in data["results"]:
            if r["label"].startswith("split "):
                rows.append(f"| {r['label'][6:]}: key press → metric updated | "
                            f"{r['first_change_ms']:,.0f} ms | then → last visible change (rest of rerun, drawing) | "
                            f"{r['drawing_ms']:,.0f} ms | — | |")
        for r in data["results"]:
            if r["label"].startswith("page "):
                rows.append(f"| first render, {r['label']} | {ms(r)} | bare app {ms(find(data, 'bare app (floor)'))}"
                            f" | {r['ratio']:.2f}× | — | |")
    mode = "`python bench/run.py --quick`" if quick else "`python bench/run.py`"
    return "\n".join([f"Measured {date.today():%Y-%m-%d} with {mode} on {machine()}.", "", *rows])


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in doc:
        doc += f"\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="under 2 minutes: small sizes, fewer repeats")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--only", help="comma-separated steps to run again (e.g. load_50000,browser); the "
                                       "others are read from bench/results/ for the summary")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    started = time.monotonic()
    runs: dict[str, dict] = {}
    wanted = set(args.only.split(",")) if args.only else None

    def step(name: str, script: str, *rest: str) -> dict:
        if wanted is None or name in wanted:
            return run_step(name, script, *rest)
        return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))

    if args.quick:
        runs["load_1000"] = step("load_1000", "bench_load.py", "--units", "1000", "--repeat", "3")
        runs["load_50000"] = step("load_50000", "bench_load.py", "--units", "50000", "--repeat", "2",
                                  "--pandas-repeat", "0")
        runs["rescore"] = step("rescore", "bench_rescore.py", "--repeat", "3")
        runs["robustness"] = step("robustness", "bench_robustness.py", "--repeat", "3")
        runs["exports_sample"] = step("exports_sample", "bench_exports.py", "--repeat", "1")
        runs["browser"] = step("browser", "bench_browser.py", "--moves", "3", "--loads", "1", "--skip-large")
    else:
        for units, pandas in ((1_000, "3"), (50_000, "1"), (200_000, "1")):
            runs[f"load_{units}"] = step(f"load_{units}", "bench_load.py", "--units", str(units), "--repeat", "5",
                                         "--pandas-repeat", pandas)
        runs["rescore"] = step("rescore", "bench_rescore.py", "--repeat", "7")
        runs["robustness"] = step("robustness", "bench_robustness.py", "--repeat", "7")
        runs["exports_sample"] = step("exports_sample", "bench_exports.py", "--repeat", "3")
        for what in ("deck", "workbook"):
            runs[f"exports_50000_{what}"] = step(f"exports_50000_{what}", "bench_exports.py", "--units", "50000",
                                                 "--repeat", "1", "--what", what)
        runs["pages_50000"] = step("pages_50000", "bench_pages.py", "--units", "50000", "--repeat", "2")
        runs["browser"] = step("browser", "bench_browser.py", "--moves", "7", "--loads", "3")
    text = summary(runs, args.quick)
    print("\n" + text)
    print(f"\nall steps: {time.monotonic() - started:.0f} s")
    if not args.no_doc:
        write_doc(text)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
