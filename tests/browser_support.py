"""Support for the Playwright browser tests: a real Streamlit server and Debian's Chromium.

Playwright's own browser downloads are never used; ``/usr/bin/chromium`` is launched instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
WAIT_MS = 30_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@contextmanager
def running_streamlit(extra_env: dict[str, str] | None = None, data_dir: Path | None = None) -> Iterator[str]:
    """``streamlit run dashboard/serve.py`` (the app and its sign-in routes, as scripts/run.sh) on a free port;
    yields its URL. The data dir is a new empty one unless ``data_dir`` is given (a library prepared before)."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="perfeval-browser-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PERFEVAL_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    log_path = data_dir / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/serve.py",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(base_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                output = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
                pytest.fail(f"Streamlit did not become healthy at {base_url} (exit code {proc.poll()}):\n{output}")
            time.sleep(0.3)
        yield base_url
    finally:
        _stop(proc)


@pytest.fixture(scope="session", name="streamlit_server")
def streamlit_server_fixture() -> Iterator[str]:
    """One server (sign-in off, empty workbook library) for the browser tests; yields its URL."""
    env = {"PERFEVAL_AUTH": "off"}
    with running_streamlit(env) as url:
        yield url


@pytest.fixture(scope="session", name="browser")
def browser_fixture() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (no Playwright browser download)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; the browser tests need Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session", name="screenshots")
def screenshots_fixture() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(name="page")
def page_fixture(browser, streamlit_server) -> Iterator[object]:
    """A fresh browser context (so a fresh Streamlit session) at 1920×1080, Chinese locale."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                  base_url=streamlit_server)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def wait_idle(page, timeout_ms: int = WAIT_MS) -> None:
    """Wait until Streamlit is connected and no script run is in progress, then let the frontend settle."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    quiet_since = None
    # The running state flickers between reruns; require it to stay idle for a moment.
    while time.monotonic() < deadline:
        running = page.evaluate("""() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app ? app.getAttribute('data-test-script-state') : 'missing';
            return state !== 'notRunning' || !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
                || !!document.querySelector('[data-testid="stSkeleton"]');
        }""")
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.6:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("Streamlit kept running for longer than the timeout")
    wait_charts(page, timeout_ms)


def wait_charts(page, timeout_ms: int = WAIT_MS) -> None:
    """Every Vega chart on the page has drawn its canvas or svg."""
    page.wait_for_function("""() => {
        const embeds = document.querySelectorAll('.vega-embed');
        return Array.from(embeds).every(e => e.querySelector('canvas, svg.marks'));
    }""", timeout=timeout_ms)


def skip_module_unless_browser() -> None:
    """Call at the top of a browser test module: skip it, with the reason, when the opt-out is set
    or Chromium or Playwright is missing."""
    if os.environ.get("PERFEVAL_SKIP_BROWSER_TESTS"):
        pytest.skip("PERFEVAL_SKIP_BROWSER_TESTS is set", allow_module_level=True)
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; the browser tests need Debian's chromium package",
                    allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def open_page(page, path: str) -> None:
    """Navigate to a page of the dashboard and wait for its first run to finish and its title to show."""
    page.goto(f"/{path}", wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=WAIT_MS)
    wait_idle(page)
    page.wait_for_selector("h1", timeout=WAIT_MS)


def assert_no_exception(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    dialogs = page.locator('[data-testid="stDialog"]').filter(has_text="Page not found")
    assert dialogs.count() == 0, f"Streamlit says 'Page not found' for {page.url}"
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, body[:2000]


def full_screenshot(page, path: Path) -> None:
    """Screenshot the whole app. Streamlit scrolls inside its main container, not the document, so the
    viewport is grown to the content height for the shot and restored afterwards."""
    viewport = page.viewport_size
    height = page.evaluate("""() => {
        const candidates = [document.querySelector('[data-testid="stMain"]'),
                            document.querySelector('[data-testid="stAppScrollToBottomContainer"]'),
                            document.querySelector('section.main'), document.scrollingElement];
        return Math.max(...candidates.filter(Boolean).map(e => e.scrollHeight));
    }""")
    try:
        if viewport and height > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": int(min(height, 16000))})
            page.wait_for_timeout(400)
            wait_charts(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport:
            page.set_viewport_size(viewport)
