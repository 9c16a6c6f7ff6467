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


def by(ratio: float, limit: float, unit: str = "×") -> str:
    """How far a figure is from its limit, in words."""
    if ratio <= limit:
        return f"met ({ratio:.2f}{unit} against ≤ {limit:g}{unit})"
    return f"missed by {ratio - limit:.2f}{unit} ({ratio:.2f}{unit} against ≤ {limit:g}{unit})"


def goals(runs: dict[str, dict]) -> list[tuple[str, bool | None, str]]:
    """Each goal of issue 19 with its verdict (None: not measured in this run) and the figures."""
    out: list[tuple[str, bool | None, str]] = []
    for units in (1_000, 50_000):
        data = runs.get(f"load_{units}")
        name = f"load {units:,} units ≤ 1.3× bare calamine (sandboxed, as the dashboard loads)"
        sandboxed = next((r for r in data["results"] if r["label"].startswith("perfeval loader, sandboxed")),
                         None) if data else None
        if sandboxed is None:
            out.append((name, None, "not measured in this run"))
            continue
        inproc = find(data, "perfeval loader (")
        out.append((name, sandboxed["ratio"] <= 1.3, by(sandboxed["ratio"], 1.3) +
                    f"; in-process {inproc['ratio']:.2f}×"))
        pandas = next((r for r in data["results"] if r["label"].startswith("pandas read_excel (calamine")), None)
        if pandas:
            speedup = pandas["median_s"] / sandboxed["median_s"]
            out.append((f"load {units:,} units ≥ 1.5× faster than pandas read_excel(engine='calamine')",
                        speedup >= 1.5, f"{speedup:.2f}× faster (in-process {pandas['median_s'] / inproc['median_s']:.2f}×)"))
    if "rescore" in runs:
        data = runs["rescore"]
        for label in ("rescore: totals and ratings", "rescore: totals, ratings, level-1", "rescore: totals, ratings, ranks"):
            r = find(data, label)
            out.append((f"{r['label']}, {data['units']:,} × {data['leaves']} ≤ 2× a bare numpy matmul",
                        r["ratio"] <= 2, by(r["ratio"], 2)))
    else:
        out.append(("rescore 1,000,000 × 40 ≤ 2× a bare numpy matmul", None, "not measured in this run"))
    mc = [r for r in runs.get("robustness", {}).get("results", []) if r["label"].startswith("monte_carlo")]
    for r in mc:
        out.append((f"{r['label']} < 100 ms", r["median_s"] < 0.1, f"median {r['median_s'] * 1000:,.0f} ms"))
    if not mc:
        out.append(("Monte Carlo 10,000 draws × 402 units < 100 ms", None, "not measured in this run"))
    browser = runs.get("browser")
    if browser:
        for r in browser["results"]:
            if r["label"].startswith("page "):
                out.append((f"first render, {r['label']} ≤ 1.3× the bare page", r["ratio"] <= 1.3, by(r["ratio"], 1.3)))
        for label in ("what-if page, Hohhot sample", "what-if page, 50,000 units"):
            r = next((x for x in browser["results"] if x["label"] == label), None)
            name = f"{label}: key press → last visible change ≤ 1.5× a bare fragment round trip"
            out.append((name, None, "not measured in this run") if r is None else
                       (name, r["ratio"] <= 1.5, by(r["ratio"], 1.5) + f", median {r['median_s'] * 1000:,.0f} ms"))
    else:
        out.append(("first render and what-if key press (Chromium)", None, "not measured in this run"))
    memory = runs.get("memory_50000")
    if memory:
        out.append(("one server after every page of 50,000 units: peak RSS < 600 MB",
                    memory["one_session_peak_mb"] < 600,
                    f"peak {memory['one_session_peak_mb']:,.0f} MB (RSS {memory['one_session_rss_mb']:,.0f} MB)"))
        out.append((f"+ < 50 MB per further concurrent session ({memory['sessions']} sessions)",
                    memory["per_session_mb"] < 50, f"{memory['per_session_mb']:+,.1f} MB per session"))
    else:
        out.append(("server memory at 50,000 units (peak < 600 MB, + < 50 MB per session)", None,
                    "not measured in this run"))
    for what in ("deck", "workbook"):
        data = runs.get(f"exports_50000_{what}")
        name = f"{what} export at 50,000 units ≤ 3 s"
        if not data:
            out.append((name, None, "not measured in this run"))
            continue
        r = next(x for x in data["results"] if x["label"].startswith(("deck", "what-if workbook")))
        floor = next((x for x in data["results"] if x["label"].startswith("bare xlsxwriter")), None)
        extra = (f"; the bare xlsxwriter floor for its cells {floor['median_s']:.2f} s ({r['ratio']:.2f}×)"
                 if floor else "")
        out.append((name, r["median_s"] <= 3, f"{r['median_s']:.2f} s (peak {data['peak_mb']:,.0f} MB){extra}"))
    return out


def summary(runs: dict[str, dict], quick: bool) -> str:
    rows = ["| what | min / median / max | baseline (floor) | ratio |", "|---|---|---|---|"]
    for name, data in runs.items():
        if not name.startswith("load_"):
            continue
        bare = find(data, "bare python-calamine")
        rows.append(f"| bare python-calamine read, {data['units']:,} units | {ms(bare)} | — | 1.00× |")
        for r in data["results"]:
            if r is bare or "min_s" not in r:
                continue
            peak = f" (peak {data['peak_mb']:,.0f} MB)" if r["label"].startswith("perfeval loader (") else ""
            rows.append(f"| {r['label']}, {data['units']:,} units{peak} | {ms(r)} | calamine {ms(bare)} | "
                        f"{r['ratio']:.2f}× |")
    if "rescore" in runs:
        data = runs["rescore"]
        for label in ("rescore: totals and ratings", "rescore: totals, ratings, level-1", "rescore: totals, ratings, ranks"):
            r = find(data, label)
            rows.append(f"| {r['label']}, {data['units']:,} × {data['leaves']} (peak {data['peak_mb']:,.0f} MB) | "
                        f"{ms(r)} | `rates @ w` {ms(find(data, 'bare numpy'))} | {r['ratio']:.2f}× |")
    if "robustness" in runs:
        data = runs["robustness"]
        for r in data["results"]:
            if r["label"].startswith("monte_carlo"):
                rows.append(f"| {r['label']}, {data['draws']:,} draws × {data['units']} units | {ms(r)} | "
                            f"matmul + argsort {ms(find(data, 'bare numpy'))} | {r['ratio']:.2f}× |")
    for name, data in runs.items():  # the exports, then the page sweep (the order they ran in)
        if name.startswith("exports_"):
            for r in data["results"]:
                ratio = f"{r['ratio']:.2f}×" if "ratio" in r else "—"
                rows.append(f"| {r['label']} (peak {data['peak_mb']:,.0f} MB) | {ms(r)} | — | {ratio} |")
        elif name.startswith("pages_"):
            for r in data["results"]:
                rows.append(f"| {r['label']}: the page's script (AppTest, server side; peak of all pages "
                            f"{data['peak_mb']:,.0f} MB) | {ms(r)} | — | — |")
    if "browser" in runs:
        data = runs["browser"]
        bare = find(data, "bare app: fragment")
        for r in data["results"]:
            if r["label"].startswith("what-if page") and r["label"].endswith(", chart and table"):
                rows.append(f"| {r['label'][:-len(', chart and table')]}: key press → chart and table redrawn | "
                            f"{ms(r)} | bare app {ms(bare)} | {r['ratio']:.2f}× |")
        for r in data["results"]:
            if r["label"] in ("what-if page, Hohhot sample", "what-if page, 50,000 units"):
                rows.append(f"| {r['label']}: key press → last visible change (the server's rerun) | {ms(r)} | "
                            f"bare app {ms(bare)} | {r['ratio']:.2f}× |")
        for r in data["results"]:
            if r["label"].startswith("page "):
                rows.append(f"| first render, {r['label']} | {ms(r)} | bare app {ms(find(data, 'bare app (floor)'))}"
                            f" | {r['ratio']:.2f}× |")
    if "memory_50000" in runs:
        m = runs["memory_50000"]
        rows.append(f"| server RSS after every page of {m['units']:,} units, one session | "
                    f"{m['one_session_rss_mb']:,.0f} MB (peak {m['one_session_peak_mb']:,.0f} MB) | idle server "
                    f"{m['idle_mb']:,.0f} MB | — |")
        rows.append(f"| … and {m['sessions']} more sessions (what-if and overview each) | "
                    f"{m['sessions_rss_mb']:,.0f} MB (peak {m['sessions_peak_mb']:,.0f} MB) | — | "
                    f"{m['per_session_mb']:+,.1f} MB per session |")
    verdicts = ["", "Goals (issue 19), one line each:", ""]
    for name, ok, figures in goals(runs):
        mark = "➖ not measured" if ok is None else verdict(ok)
        verdicts.append(f"- {mark}: {name}: {figures}")
    mode = "`python bench/run.py --quick`" if quick else "`python bench/run.py`"
    return "\n".join([f"Measured {date.today():%Y-%m-%d} at commit {commit()} with {mode} on {machine()}.", "",
                      *rows, *verdicts])


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty else "")


HISTORY = "<!-- history:start -->"


def write_doc(text: str) -> None:
    """The new summary between the results markers; the one it replaces moves to the top of the
    history (each with its date, commit and machine), so every recorded run stays in the doc."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in doc:
        doc += f"\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    previous, tail = rest.split(END, 1)
    if HISTORY not in tail:
        tail += f"\n## History of recorded runs\n\nEach earlier results table, newest first.\n\n{HISTORY}\n"
    if previous.strip():
        before, after = tail.split(HISTORY, 1)
        tail = f"{before}{HISTORY}\n\n{previous.strip()}\n{after}"
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
        runs["memory_50000"] = step("memory_50000", "bench_memory.py", "--units", "50000", "--sessions", "20")
    text = summary(runs, args.quick)
    print("\n" + text)
    print(f"\nall steps: {time.monotonic() - started:.0f} s")
    if not args.no_doc:
        write_doc(text)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
