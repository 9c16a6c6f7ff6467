"""The server's door (dashboard/guard.py) against a live ``streamlit run dashboard/serve.py`` with
sign-in on: raw HTTP and websocket handshakes for what needs no browser, Chromium for what does
(a download URL serves only the browser whose session made it; a page on another local port
cannot open the dashboard's websocket with the victim's cookies)."""

from __future__ import annotations

import http.client
import http.server
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browser_support import WAIT_MS, free_port, running_streamlit, skip_module_unless_browser

skip_module_unless_browser()

from playwright.sync_api import expect  # noqa: E402

from perfeval_core.auth.users import UserFile  # noqa: E402

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module", name="users")
def users_fixture(tmp_path_factory) -> UserFile:
    users = UserFile(tmp_path_factory.mktemp("guard") / "users.json")
    users.add("viewer1", "viewer", PASSWORD, "王查看")
    users.add("editor1", "editor", PASSWORD, "赵编辑")
    return users


@pytest.fixture(scope="module", name="server")
def server_fixture(users) -> Iterator[str]:
    with running_streamlit({"PERFEVAL_AUTH": "local", "PERFEVAL_USERS_FILE": str(users.path)}) as url:
        yield url


def _request(base: str, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _handshake(base: str, origin: str | None) -> str:
    """The status line the server answers a websocket upgrade of /_stcore/stream with."""
    parts = urlsplit(base)
    lines = ["GET /_stcore/stream HTTP/1.1", f"Host: {parts.netloc}", "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
             "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: streamlit"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/script-health-check",
                                  "/_stcore/agent/openapi.json"])
def test_diagnostic_routes_are_closed(server, path):
    status, body = _request(server, "GET", path)
    assert status == 404, (path, status, body[:200])
    assert _request(server, "GET", "/_stcore/health")[0] == 200  # what a load balancer asks stays open


def test_an_anonymous_upload_is_refused_before_its_body_is_stored(server):
    session = str(uuid.uuid4())
    body = b"x" * 2048
    status, _ = _request(server, "PUT", f"/_stcore/upload_file/{session}/{uuid.uuid4()}", body,
                         {"Content-Type": "application/octet-stream", "Content-Length": str(len(body))})
    assert status == 403


def test_the_bundled_assets_are_not_taken_for_media(server):
    """/static/media/… (the icon font Streamlit bundles) is an asset, not a /media/ download."""
    import streamlit

    fonts = sorted((Path(streamlit.__file__).parent / "static" / "static" / "media").glob("MaterialSymbols*.woff2"))
    assert fonts
    status, body = _request(server, "GET", f"/static/media/{fonts[0].name}")
    assert status == 200 and len(body) == fonts[0].stat().st_size


def test_a_media_url_nobody_made_is_not_served(server):
    assert _request(server, "GET", f"/media/{uuid.uuid4().hex}.xlsx")[0] == 404


@pytest.mark.parametrize("origin", ["http://127.0.0.1:1", "http://localhost:9", "http://evil.example", None])
def test_a_websocket_from_another_origin_is_refused(server, origin):
    assert " 101 " not in _handshake(server, origin) + " "


def test_the_dashboards_own_websocket_opens(server):
    assert " 101 " in _handshake(server, server) + " "


def _sign_in(page, name: str) -> None:
    page.goto("/", wait_until="domcontentloaded")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("退出登录")).to_be_visible()


def test_a_download_url_serves_only_the_browser_that_made_it(browser, server):
    owner = browser.new_context(base_url=server, viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    owner.set_default_timeout(WAIT_MS)
    page = owner.new_page()
    _sign_in(page, "editor1")
    page.goto("/data", wait_until="domcontentloaded")
    samples = page.get_by_role("button", name=re.compile("下载示例"))
    expect(samples).to_be_visible()
    sample = page.get_by_role("button", name="hohhot_2023_score_table.xlsx")
    for _ in range(5):  # a rerun just after the page loads closes a popover opened too early
        samples.click()
        try:
            expect(sample).to_be_visible(timeout=3000)
            break
        except AssertionError:
            continue
    expect(sample).to_be_visible()
    page.wait_for_timeout(500)  # the popover settles before its buttons take clicks
    with page.expect_download() as info:
        sample.click()
    url = info.value.url
    assert "/media/" in url
    assert owner.request.get(url).status == 200
    stranger = browser.new_context(base_url=server)
    try:
        assert stranger.request.get(url).status == 404
        assert stranger.request.get(url, headers={"Cookie": "perfeval_browser=guess"}).status == 404
    finally:
        stranger.close()
        owner.close()


class _Page(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_on_another_local_port_cannot_read_the_dashboard(browser, server):
    victim = browser.new_context(base_url=server, locale="zh-CN")
    victim.set_default_timeout(WAIT_MS)
    page = victim.new_page()
    _sign_in(page, "viewer1")  # the victim's browser holds the sign-in cookie
    ws = server.replace("http://", "ws://") + "/_stcore/stream"
    _Page.html = (f"<script>const s = new WebSocket('{ws}', ['streamlit']);"
                  "s.onopen = () => document.title = 'open'; s.onerror = () => document.title = 'refused';"
                  "s.onclose = () => { if (document.title !== 'open') document.title = 'refused' };</script>").encode()
    port = free_port()
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Page)
    thread = threading.Thread(target=evil.serve_forever, daemon=True)
    thread.start()
    try:
        attacker = victim.new_page()
        attacker.goto(f"http://127.0.0.1:{port}/")
        attacker.wait_for_function("document.title !== ''")
        assert attacker.title() == "refused"
    finally:
        evil.shutdown()
        victim.close()
