"""Memory of one server on the 50,000-unit workbook, as a browser uses it.

One ``streamlit run dashboard/serve.py`` with the synthetic workbook in its library; Chromium
opens every page of it in one session, one after the other, each left to settle (scripts idle,
charts drawn, nothing changed for a second); the server's resident memory is then read from
``/proc`` (VmRSS now, VmHWM its peak). Then ``--sessions`` more browser sessions each open the
what-if page and the overview of the same workbook and stay open; the growth of the server's
memory over those sessions, divided by their number, is the cost of one further session.
The parse runs in short-lived child processes (the sandbox), which are not the server's memory.

    python bench/bench_memory.py [--units 50000] [--sessions 20] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_browser import OBSERVER, TIMEOUT_S, add_to_library, settled  # noqa: E402
from common import PAGES  # noqa: E402
from load_whatif import start_server  # noqa: E402
from make_workbooks import ensure  # noqa: E402

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, _stop  # noqa: E402

SESSION_PAGES = ("whatif", "overview")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def visit(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=TIMEOUT_S * 1000)
    settled(page, time.monotonic() + TIMEOUT_S)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="perfeval-memory-"))
    key = add_to_library(data_dir, ensure(args.units))
    server, url = start_server(data_dir)
    try:
        started_mb = memory_mb(server.pid)[0]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            first = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            first.add_init_script(OBSERVER)
            page = first.new_page()
            for name in PAGES:
                visit(page, f"{url}/{name}?eval={key}")
                rss, hwm = memory_mb(server.pid)
                print(f"  after {name:<12} server RSS {rss:,.0f} MB (peak {hwm:,.0f} MB)", flush=True)
            one_rss, one_hwm = memory_mb(server.pid)
            print(f"one session, every page of {args.units:,} units: server RSS {one_rss:,.0f} MB, "
                  f"peak {one_hwm:,.0f} MB (idle server {started_mb:,.0f} MB)")
            contexts = []
            for k in range(args.sessions):
                context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                context.add_init_script(OBSERVER)
                tab = context.new_page()
                for name in SESSION_PAGES:
                    visit(tab, f"{url}/{name}?eval={key}")
                contexts.append(context)
                if (k + 1) % 5 == 0:
                    print(f"  {k + 1} more sessions: server RSS {memory_mb(server.pid)[0]:,.0f} MB", flush=True)
            many_rss, many_hwm = memory_mb(server.pid)
            per_session = (many_rss - one_rss) / max(args.sessions, 1)
            print(f"+{args.sessions} sessions ({' and '.join(SESSION_PAGES)} each): server RSS {many_rss:,.0f} MB, "
                  f"peak {many_hwm:,.0f} MB: {per_session:+,.1f} MB per further session")
            for context in contexts:
                context.close()
            first.close()
            browser.close()
    finally:
        _stop(server)
    if args.json:
        args.json.write_text(json.dumps({
            "units": args.units, "sessions": args.sessions, "idle_mb": started_mb, "one_session_rss_mb": one_rss,
            "one_session_peak_mb": one_hwm, "sessions_rss_mb": many_rss, "sessions_peak_mb": many_hwm,
            "per_session_mb": per_session, "results": []}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
