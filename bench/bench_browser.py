"""The dashboard in Chromium: what-if updates and first renders, timed inside the page.

* What-if: from a slider key press (PageUp / PageDown on 效益, 30 ↔ 40) to the chart and table
  redrawn (the live ranking, which rescores in the browser; for the bare app, its echoed metric),
  and to the last visible change the rerun makes to the page (the last DOM mutation outside
  canvas fallback content, or the last draw call on a canvas, in the main area before it stays
  quiet), on the Hohhot sample and on the 50,000-unit synthetic workbook, next to
  ``bench/bare_app.py`` (a fragment that only echoes a slider, served the same way by
  ``bench/bare_serve.py``) timed the same way in the same run. The time to the last DOM change
  of any kind (including the data grid's accessibility mirror, which the grid updates lazily
  after painting) is reported too.
* Page load: every page's first render on the Hohhot sample, from navigation start to the last
  visible change of the first run.

    python bench/bench_browser.py [--moves 7] [--loads 3] [--skip-large] [--json OUT]   # --loads 0: what-if only
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import PAGES, report  # noqa: E402
from load_whatif import start_server  # noqa: E402
from make_workbooks import ensure  # noqa: E402

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, _stop  # noqa: E402

QUIET_MS = 1000
TIMEOUT_S = 180

# installed before any page script: remembers the time of the last DOM change in the main area,
# and separately of the last *visible* change: a DOM change outside any <canvas> (the data grid
# keeps an accessibility mirror of its cells as canvas fallback content, which is never painted
# and which it updates lazily, ~200 ms after the grid itself is redrawn), or a draw call on a
# canvas in the main area (the grid paints its cells on a canvas).
OBSERVER = """(() => {
    const metric = () => {
        const m = Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
            .find(e => e.innerText.includes('模拟方案'));
        const v = m && m.querySelector('[data-testid="stMetricValue"]');
        return v ? v.innerText.trim() : null;
    };
    window.__lastMutation = performance.now();
    window.__lastVisible = window.__lastMutation;
    window.__keydown = null;
    window.__metricAt = null;
    let before = null;
    let main = null;
    document.addEventListener('keydown', () => {
        window.__keydown = performance.now(); window.__metricAt = null; window.__liveAt = null; before = metric();
    }, true);
    // the what-if page's chart and table (dashboard/live_ranking.js) say when they have been redrawn
    document.addEventListener('perfeval-live', (e) => {
        if (window.__keydown !== null && window.__liveAt === null) window.__liveAt = e.detail.at;
    });
    const proto = CanvasRenderingContext2D.prototype;
    for (const name of ['fillText', 'fillRect', 'strokeText', 'drawImage', 'fill', 'stroke', 'clearRect', 'putImageData']) {
        const original = proto[name];
        proto[name] = function (...args) {
            if (main && this.canvas && this.canvas.isConnected && main.contains(this.canvas)) {
                window.__lastVisible = performance.now();
            }
            return original.apply(this, args);
        };
    }
    const start = () => {
        main = document.querySelector('[data-testid="stMain"]') || document.body;
        new MutationObserver((mutations) => {
            const now = performance.now();
            window.__lastMutation = now;
            for (const m of mutations) {
                const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
                if (!node || !node.closest('canvas')) { window.__lastVisible = now; break; }
            }
            if (window.__keydown !== null && window.__metricAt === null && metric() !== before) {
                window.__metricAt = now;  // the rerun's first element has arrived
            }
        }).observe(main, {subtree: true, childList: true, characterData: true, attributes: true});
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();"""

STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const running = !app || app.getAttribute('data-test-script-state') !== 'notRunning'
        || !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"]');
    const charts = Array.from(document.querySelectorAll('.vega-embed'))
        .every(e => e.querySelector('canvas, svg.marks'));
    return {running, charts, now: performance.now(), last: window.__lastMutation, visible: window.__lastVisible};
}"""


def settled(page, deadline: float) -> tuple[float, float]:
    """Wait until the script is idle, charts are drawn and the main area has neither changed nor
    been painted for QUIET_MS; return the times (page clock, ms) of its last visible change and
    of its last DOM change of any kind."""
    while time.monotonic() < deadline:
        state = page.evaluate(STATE)
        last = max(state["last"], state["visible"])
        if not state["running"] and state["charts"] and state["now"] - last >= QUIET_MS:
            return float(state["visible"]), float(state["last"])
        page.wait_for_timeout(100)
    raise TimeoutError("the page did not settle")


SPLITS: dict[str, list[tuple[float, float]]] = {}


def whatif_updates(browser, url: str, moves: int, name: str = "") -> tuple[list[float], list[float], list[float]]:
    """Seconds from each key press to the page's last visible change, to its last DOM change of
    any kind (the grid's accessibility mirror included), and to the chart and table redrawn (the
    what-if page's live ranking; the bare app's metric), over ``moves`` presses (after one
    warm-up). Also keeps, per URL, (key press → the scenario metric changes, then → the last
    visible change): the server's rerun up to its first element plus transport, then the rest."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    context.add_init_script(OBSERVER)
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        deadline = time.monotonic() + TIMEOUT_S
        page.locator(".st-key-w_D").get_by_role("slider").wait_for(timeout=TIMEOUT_S * 1000)
        settled(page, deadline)
        thumb = page.locator(".st-key-w_D").get_by_role("slider")
        visible_times, dom_times, live_times = [], [], []
        for move in range(moves + 1):
            thumb.focus()
            page.keyboard.press("PageUp" if move % 2 == 0 else "PageDown")
            page.wait_for_function("() => window.__lastMutation > window.__keydown", timeout=TIMEOUT_S * 1000)
            visible, last = settled(page, time.monotonic() + TIMEOUT_S)
            keydown, first, drawn = page.evaluate("() => [window.__keydown, window.__metricAt, window.__liveAt]")
            if move:  # the first move warms caches (and Vega's) up
                visible_times.append((visible - keydown) / 1000)
                dom_times.append((last - keydown) / 1000)
                live_times.append(((drawn if drawn is not None else first) - keydown) / 1000)
                SPLITS.setdefault(name or url, []).append(((first - keydown) / 1000, (visible - first) / 1000))
        return visible_times, dom_times, live_times
    finally:
        context.close()


def first_render(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    context.add_init_script(OBSERVER)
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector("h1", timeout=TIMEOUT_S * 1000)
        return settled(page, time.monotonic() + TIMEOUT_S)[0] / 1000  # page clock starts at navigation
    finally:
        context.close()


def add_to_library(data_dir: Path, workbook: Path) -> str:
    """Store a workbook in the library of a data dir (as an upload would); its URL key."""
    code = ("import sys; from pathlib import Path; from dashboard import library; "
            "p = Path(sys.argv[1]); r, e = library.add(p.read_bytes(), p.name); "
            "assert e is not None, r.report.lines()[:5]; print(e.key[:12])")
    out = subprocess.run([sys.executable, "-c", code, str(workbook)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PERFEVAL_DATA_DIR": str(data_dir)}, check=True)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=7)
    parser.add_argument("--loads", type=int, default=3, help="first renders per page")
    parser.add_argument("--skip-large", action="store_true", help="not the 50,000-unit workbook")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="perfeval-bench-"))
    large_key = None if args.skip_large else add_to_library(data_dir, ensure(50_000))
    app, app_url = start_server(data_dir)
    bare, bare_url = start_server(data_dir, "bench/bare_serve.py")
    results: list = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            bare_times, bare_dom, _ = whatif_updates(browser, bare_url, args.moves, "bare app")
            sample_times, sample_dom, sample_live = whatif_updates(browser, f"{app_url}/whatif", args.moves,
                                                                   "what-if page, Hohhot sample")
            if large_key:
                large_times, large_dom, large_live = whatif_updates(
                    browser, f"{app_url}/whatif?eval={large_key}", args.moves, "what-if page, 50,000 units")
            print("what-if: key press → the chart and table redrawn (the live ranking; the bare app: its metric), Chromium")
            print(report("bare app: fragment echoing a slider (floor)", bare_times, results=results))
            print(report("what-if page, Hohhot sample, chart and table", sample_live, bare_times, results))
            if large_key:
                print(report("what-if page, 50,000 units, chart and table", large_live, bare_times, results))
            print("what-if: key press → last visible change (the server's rerun: metrics, other sliders, leaf chart)")
            print(report("what-if page, Hohhot sample", sample_times, bare_times, results))
            if large_key:
                print(report("what-if page, 50,000 units", large_times, bare_times, results))
            print("what-if: key press → last DOM change of any kind (the grid's accessibility mirror included)")
            print(report("bare app, all DOM changes", bare_dom, results=results))
            print(report("what-if page, Hohhot sample, all DOM changes", sample_dom, bare_dom, results))
            if large_key:
                print(report("what-if page, 50,000 units, all DOM changes", large_dom, bare_dom, results))
            for name, splits in SPLITS.items():
                first = statistics.median(a for a, _ in splits) * 1000
                rest = statistics.median(b for _, b in splits) * 1000
                print(f"  {name}: key press → metric updated {first:.0f} ms (server "
                      f"rerun + transport), then → last visible change {rest:.0f} ms (the rest of the rerun and drawing)")
                results.append({"label": f"split {name}", "first_change_ms": first,
                                "drawing_ms": rest})
            if args.loads > 0:
                print("first render of each page, Hohhot sample")
                bare_loads = [first_render(browser, bare_url) for _ in range(args.loads)]
                print(report("bare app (floor)", bare_loads, results=results))
                for name in PAGES:
                    loads = [first_render(browser, f"{app_url}/{name}") for _ in range(args.loads)]
                    print(report(f"page {name}", loads, bare_loads, results))
            browser.close()
    finally:
        _stop(app)
        _stop(bare)
    if args.json:
        args.json.write_text(json.dumps({"results": results}, ensure_ascii=False, indent=2), encoding="utf-8")
    sample = next(r for r in results if r["label"] == "what-if page, Hohhot sample, chart and table")
    print(f"what-if on the sample, chart and table: {sample['ratio']:.2f}x the bare app (target 1.5x); median "
          f"{statistics.median(sample_live) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
