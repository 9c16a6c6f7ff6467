"""Load test: many concurrent browser sessions doing what-if on the Hohhot sample against one server.

One ``streamlit run dashboard/serve.py`` on 127.0.0.1 and one Debian Chromium (Playwright). First a
single session moves the 效益 slider ``--moves`` times (PageUp / PageDown, 30 ↔ 40) on its own: the
baseline. Then ``--sessions`` browser contexts (each its own Streamlit session) do the same at once,
with a short random pause between moves. Each move is timed inside the page, from the keydown to
the scenario metric showing a new value. Errors are exception boxes on the page, uncaught page
errors, and moves that never updated.

    python bench/load_whatif.py [--sessions 20] [--moves 10] [--json OUT.json]

Exit code 1 when any session saw an error. Prints min / median / p95 / max of the update time for
the single session and under load, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, _healthy, _stop, free_port  # noqa: E402

METRIC = "项目综合得分 · 模拟方案"
TIMEOUT_MS = 180_000

PROBE = """metricLabel => {
    const read = () => {
        const metric = Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
            .find(m => m.innerText.includes(metricLabel));
        const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
        return value ? value.innerText.trim() : null;
    };
    const probe = window.__probe = {before: read(), keydown: null, updated: null, value: null};
    document.addEventListener('keydown', () => { if (probe.keydown === null) probe.keydown = performance.now(); },
                              {capture: true, once: true});
    const observer = new MutationObserver(() => {
        const now = read();
        if (probe.keydown !== null && probe.updated === null && now !== null && now !== probe.before) {
            probe.updated = performance.now();
            probe.value = now;
            observer.disconnect();
        }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
}"""


@dataclass
class SessionResult:
    index: int
    first_render_s: float = 0.0
    updates_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def run_session(browser, base_url: str, index: int, moves: int, pause_s: float, seed: int) -> SessionResult:
    result = SessionResult(index)
    rng = random.Random(seed + index)
    context = await browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN", base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    page.on("pageerror", lambda error: result.errors.append(f"page error: {error}"))
    try:
        started = time.monotonic()
        await page.goto("/whatif", wait_until="domcontentloaded")
        metric = page.locator('[data-testid="stMetric"]').filter(has_text=METRIC).locator(
            '[data-testid="stMetricValue"]')
        await metric.wait_for()
        await page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
        result.first_render_s = time.monotonic() - started
        thumb = page.locator(".st-key-w_D").get_by_role("slider")
        for move in range(moves):
            await page.evaluate(PROBE, METRIC)
            await thumb.focus()
            await page.keyboard.press("PageUp" if move % 2 == 0 else "PageDown")
            try:
                await page.wait_for_function("() => window.__probe.updated !== null", timeout=TIMEOUT_MS)
            except Exception as error:  # a move that never showed: an error of the run, not of the script
                result.errors.append(f"move {move}: no update ({type(error).__name__})")
                continue
            probe = await page.evaluate("() => window.__probe")
            result.updates_ms.append(probe["updated"] - probe["keydown"])
            await page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
            await asyncio.sleep(pause_s * rng.uniform(0.5, 1.5))
        exceptions = page.locator('[data-testid="stException"]')
        if await exceptions.count():
            result.errors.append("exception box: " + (await exceptions.first.inner_text())[:300])
    except Exception as error:
        result.errors.append(f"{type(error).__name__}: {str(error)[:300]}")
    finally:
        await context.close()
    return result


@dataclass
class Phase:
    results: list[SessionResult]
    wall_s: float
    server_cpu_s: float
    browser_cpu_s: float


async def run_all(base_url: str, server_pid: int, local_server: bool, sessions: int, moves: int, pause_s: float,
                  seed: int) -> tuple[Phase, Phase]:
    from playwright.async_api import async_playwright

    def clients() -> float:  # Chromium and Playwright's driver: everything under this process but the server
        return cpu_seconds(os.getpid()) - own_cpu_seconds() - (cpu_seconds(server_pid) if local_server else 0.0)

    async def phase(browser, count: int, first: int) -> Phase:
        server, browsers, wall = cpu_seconds(server_pid), clients(), time.monotonic()
        results = await asyncio.gather(*(run_session(browser, base_url, first + i, moves, pause_s, seed)
                                         for i in range(count)))
        return Phase(list(results), time.monotonic() - wall, cpu_seconds(server_pid) - server, clients() - browsers)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            return await phase(browser, 1, 0), await phase(browser, sessions, 1)
        finally:
            await browser.close()


def start_server(data_dir: Path, app: str = "dashboard/serve.py") -> tuple[subprocess.Popen, str]:
    """``streamlit run app`` on a free port with sign-in off and this data dir; (process, URL)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PERFEVAL_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("PERFEVAL_AUTH", None)
    log_path = data_dir / f"{Path(app).stem}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", app, "--server.address",
                             "127.0.0.1", "--server.port", str(port), "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while not _healthy(base_url):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            raise RuntimeError(f"Streamlit did not start: {log_path.read_text()[-2000:]}")
        time.sleep(0.3)
    return proc, base_url


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of a process tree: the live processes' own time plus what each has
    collected from children that already exited (Chromium's closed renderers, for one)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        stats[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / tick)
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in stats.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(stats[pid][1] for pid in tree if pid in stats)


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(results: list[SessionResult]) -> dict[str, float | int]:
    updates = [u for r in results for u in r.updates_ms]
    renders = [r.first_render_s for r in results if r.first_render_s]
    return {"sessions": len(results), "moves": len(updates), "errors": sum(len(r.errors) for r in results),
            "min_ms": min(updates, default=float("nan")), "median_ms": statistics.median(updates) if updates else
            float("nan"), "p95_ms": percentile(updates, 0.95), "max_ms": max(updates, default=float("nan")),
            "first_render_median_s": statistics.median(renders) if renders else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--moves", type=int, default=10, help="slider moves per session")
    parser.add_argument("--pause", type=float, default=0.5, help="mean pause between moves, seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--url", help="use a server already running there (e.g. http://127.0.0.1:8501) and its "
                                      "process id from --pid, instead of starting one")
    parser.add_argument("--pid", type=int, help="process id of the --url server, for its CPU time")
    args = parser.parse_args(argv)
    if args.url:
        proc, base_url = None, args.url.rstrip("/")
    else:
        proc, base_url = start_server(Path(tempfile.mkdtemp(prefix="perfeval-load-")))
    pid = proc.pid if proc is not None else (args.pid or os.getpid())
    try:
        alone, loaded = asyncio.run(run_all(base_url, pid, proc is not None, args.sessions, args.moves, args.pause, args.seed))
    finally:
        if proc is not None:
            _stop(proc)
    one, many = summary(alone.results), summary(loaded.results)
    print(f"what-if slider → updated metric, Hohhot sample, one server on {os.cpu_count()} cores")
    print(f"{'':<22}{'sessions':>9}{'moves':>7}{'errors':>7}{'min':>9}{'median':>9}{'p95':>9}{'max':>9}"
          f"{'1st render':>12}")
    for label, row in (("single session", one), (f"{args.sessions} concurrent", many)):
        print(f"{label:<22}{row['sessions']:>9}{row['moves']:>7}{row['errors']:>7}{row['min_ms']:>7.0f}ms"
              f"{row['median_ms']:>7.0f}ms{row['p95_ms']:>7.0f}ms{row['max_ms']:>7.0f}ms"
              f"{row['first_render_median_s']:>11.1f}s")
    ratio = many["p95_ms"] / one["p95_ms"] if one["p95_ms"] else float("nan")
    print(f"p95 under load / p95 alone: {ratio:.1f}x")
    cores = os.cpu_count() or 1
    for label, ph in (("single session", alone), (f"{args.sessions} concurrent", loaded)):
        print(f"{label}: {ph.wall_s:.1f} s wall; CPU: server {ph.server_cpu_s:.1f} s "
              f"({ph.server_cpu_s / ph.wall_s / cores:.0%} of the machine), browsers {ph.browser_cpu_s:.1f} s "
              f"({ph.browser_cpu_s / ph.wall_s / cores:.0%})")
    for r in [*alone.results, *loaded.results]:
        for error in r.errors:
            print(f"session {r.index}: {error}", file=sys.stderr)
    if args.json:
        cpu = {name: {"wall_s": ph.wall_s, "server_cpu_s": ph.server_cpu_s, "browser_cpu_s": ph.browser_cpu_s}
               for name, ph in (("single", alone), ("concurrent", loaded))}
        Path(args.json).write_text(json.dumps({"single": one, "concurrent": many, "p95_ratio": ratio, "cpu": cpu,
                                               "errors": [e for r in [*alone.results, *loaded.results]
                                                          for e in r.errors]},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if one["errors"] or many["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
