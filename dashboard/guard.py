"""The server's door: an ASGI middleware in front of Streamlit's own routes (``dashboard/serve.py``).

Streamlit serves uploads, media, diagnostics and the app's websocket to anyone who can reach the
port. In front of it this middleware

* gives every browser an HttpOnly, SameSite=Strict cookie (``perfeval_browser``) naming it, so a
  request can be matched with the session it claims to belong to;
* refuses a websocket whose ``Origin`` is not the dashboard's own address (scheme, host *and* port)
  or in ``PERFEVAL_ALLOWED_ORIGINS`` (comma-separated): Streamlit itself lets any page on
  localhost or this machine's address in, another local port included;
* refuses an upload (``PUT /_stcore/upload_file/<session>/<file>``) unless the session belongs to
  this browser and, with sign-in on, is signed in with a role that may upload; caps what one
  session and the whole server hold (``UPLOAD_LIMITS``) and the body as it streams in;
* serves a media or download URL (``/media/<id>``) only to the browser of a session that made it;
* answers 404 for diagnostic routes (``/_stcore/metrics``, ``/_stcore/script-health-check``,
  ``/_stcore/agent/...``), which would describe the server or run the app for a caller who never
  loaded a page.

Sessions are registered by ``dashboard.access`` as each run signs them in (``register``).
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BROWSER_COOKIE = "perfeval_browser"
_MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    file_bytes: int = 100 * _MB  # as server.maxUploadSize in .streamlit/config.toml
    session_bytes: int = 250 * _MB  # what one session may hold at once
    session_files: int = 20
    server_bytes: int = 1024 * _MB  # what all sessions together may hold


UPLOAD_LIMITS = UploadLimits()

# matched on the path after the server's base URL path (``_route``): ``/static/media/…`` (the
# bundled fonts) is not ``/media/…``
_UPLOAD_RE = re.compile(r"/_stcore/upload_file/([^/]+)/([^/]+)/?")
_MEDIA_RE = re.compile(r"/media/([^/]+)")
_CLOSED_RE = re.compile(r"/_stcore/(?:metrics|script-health-check|agent)(?:/.*)?")
_STREAM_RE = re.compile(r"/_stcore/stream/?")
# the default page lives at the root; its own name (a link typed or kept from its title) would
# open Streamlit's English "Page not found"
_DEFAULT_PAGE_RE = re.compile(r"/overview/?")


def _route(path: str) -> str:
    """``path`` without the server's base URL path (``server.baseUrlPath``), or "" when outside it."""
    try:
        from streamlit import config

        base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:
        base = ""
    if not base:
        return path
    prefix = "/" + base
    return path[len(prefix):] if path == prefix or path.startswith(prefix + "/") else ""


@dataclass(frozen=True)
class Registered:
    """What a run of a session found: who is signed in there (None: nobody), and whether they may upload."""

    username: str | None
    may_upload: bool


_lock = threading.Lock()
_sessions: dict[str, Registered] = {}


def register(session_id: str, entry: Registered | None) -> None:
    """Called by every run: the session's current sign-in (None forgets the session)."""
    with _lock:
        if entry is None:
            _sessions.pop(session_id, None)
        else:
            _sessions[session_id] = entry
            if len(_sessions) > 10_000:  # sessions that ended without a last run
                _prune()


def registered(session_id: str) -> Registered | None:
    with _lock:
        return _sessions.get(session_id)


def _prune() -> None:
    runtime = _runtime()
    if runtime is None:
        return
    for sid in list(_sessions):
        if runtime.get_client(sid) is None:
            _sessions.pop(sid, None)


def _runtime() -> Any:
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
    except Exception:  # no server (scripts)
        return None
    return runtime if type(runtime) is Runtime else None  # AppTest stands a mock (spec=Runtime) in for it


def _sign_in_on() -> bool:
    try:
        from perfeval_core.auth.users import auth_config

        return auth_config().mode != "off"
    except Exception:  # a misconfigured server is treated as closed
        return True


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in scope.get("headers") or []:
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        out[name] = f"{out[name]}; {text}" if name == "cookie" and name in out else text
    return out


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed header is no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def allowed_origins() -> set[str]:
    raw = os.environ.get("PERFEVAL_ALLOWED_ORIGINS", "")
    return {o.strip().rstrip("/").lower() for o in raw.split(",") if o.strip()}


def origin_allowed(origin: str | None, hosts: set[str]) -> bool:
    """The page's own address (host *and* port, as the request's Host names it), or one listed in
    PERFEVAL_ALLOWED_ORIGINS. A browser always sends Origin with a websocket: none is refused."""
    if not origin:
        return False
    origin = origin.strip().rstrip("/").lower()
    if origin in allowed_origins():
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.netloc in {h.lower() for h in hosts}


def _session_browser(session_id: str) -> str | None:
    """The browser cookie the session's websocket connected with (None: no such session)."""
    runtime = _runtime()
    client = runtime.get_client(session_id) if runtime is not None else None
    if client is None:
        return None
    try:
        return client.client_context.cookies.get(BROWSER_COOKIE)  # type: ignore[no-any-return]
    except Exception:
        return None


def _same_browser(session_id: str, browser: str | None) -> bool:
    return bool(browser) and secrets.compare_digest(_session_browser(session_id) or "", browser or "")


# file id of a download made on click (st.download_button with a function) -> the sessions whose
# button made it: Streamlit keeps such files unmapped, so the guard remembers who asked
_generated: dict[str, tuple[str, ...]] = {}
_MAX_GENERATED = 4096


def track_generated_downloads() -> None:
    """Wrap Streamlit's deferred-download handler once to note which session each generated file
    is for (the handler is told the session; the file it makes is mapped to none)."""
    from streamlit.runtime.backend_operation_handler import DeferredFileHandler

    original = DeferredFileHandler.handle
    if getattr(original, "_perfeval_tracked", False):
        return

    async def handle(self: DeferredFileHandler, request: Any, session_id: str) -> Any:
        response = await original(self, request, session_id)
        url = getattr(getattr(response, "deferred_file", None), "url", "") or ""
        if url:
            with _lock:
                if len(_generated) >= _MAX_GENERATED:
                    _generated.pop(next(iter(_generated)))
                _generated[_file_key(url.rsplit("/", 1)[-1])] = (session_id,)
        return response

    handle._perfeval_tracked = True  # type: ignore[attr-defined]
    DeferredFileHandler.handle = handle  # type: ignore[method-assign]


def _file_key(name: str) -> str:
    return name.split("?", 1)[0].split(".", 1)[0]


def _media_sessions(file_id: str) -> list[str]:
    wanted = _file_key(file_id)
    with _lock:
        generated = list(_generated.get(wanted, ()))
    runtime = _runtime()
    if runtime is None:
        return generated
    manager = runtime.media_file_mgr
    with manager._lock:
        return generated + [sid for sid, files in manager._files_by_session_and_coord.items()
                            if any(_file_key(str(f)) == wanted for f in files.values())]


def _held(session_id: str) -> tuple[int, int, int]:
    """Bytes and files the session holds, and bytes all sessions hold, in Streamlit's upload store."""
    runtime = _runtime()
    if runtime is None:
        return 0, 0, 0
    manager = runtime.uploaded_file_mgr
    with manager._lock:
        mine = manager.file_storage.get(session_id) or {}
        total = sum(len(rec.data) for files in manager.file_storage.values() for rec in files.values())
        return sum(len(rec.data) for rec in mine.values()), len(mine), total


async def _answer(send: Send, status: int, text: str = "") -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The middleware (see the module's note)."""

    def __init__(self, app: ASGIApp, limits: UploadLimits = UPLOAD_LIMITS) -> None:
        self.app = app
        self.limits = limits
        track_generated_downloads()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = _route(str(scope.get("path") or ""))
        headers = _headers(scope)
        browser = _cookies(headers).get(BROWSER_COOKIE)
        if kind == "websocket":
            hosts = {headers.get("host", ""), headers.get("x-forwarded-host", "")} - {""}
            if _STREAM_RE.fullmatch(path) and not origin_allowed(headers.get("origin"), hosts):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if _CLOSED_RE.fullmatch(path):
            await _answer(send, 404)
            return
        method = str(scope.get("method") or "GET").upper()
        if _DEFAULT_PAGE_RE.fullmatch(path) and method in ("GET", "HEAD"):
            full = str(scope.get("path") or "")
            root = full[: len(full) - len(path)] + "/"
            query = scope.get("query_string") or b""
            location = root + ("?" + query.decode("latin-1") if query else "")
            await send({"type": "http.response.start", "status": 308,
                        "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        match = _UPLOAD_RE.fullmatch(path)
        if match and method == "PUT":
            await self._upload(match.group(1), headers, browser, scope, receive, send)
            return
        match = _MEDIA_RE.fullmatch(path)
        if match and method in ("GET", "HEAD"):
            if not any(_same_browser(sid, browser) for sid in _media_sessions(match.group(1))):
                await _answer(send, 404)
                return
        await self.app(scope, receive, self._with_browser_cookie(send, browser, scope))

    def _with_browser_cookie(self, send: Send, browser: str | None, scope: Scope) -> Send:
        if browser:
            return send
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{BROWSER_COOKIE}={secrets.token_urlsafe(24)}; Path=/; HttpOnly; SameSite=Strict{secure}"

        async def sending(message: Message) -> None:
            if message.get("type") == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        return sending

    async def _upload(self, session_id: str, headers: dict[str, str], browser: str | None,
                      scope: Scope, receive: Receive, send: Send) -> None:
        if not _same_browser(session_id, browser):
            await _answer(send, 403, "session")
            return
        if _sign_in_on():
            entry = registered(session_id)
            if entry is None or entry.username is None or not entry.may_upload:
                await _answer(send, 403, "sign-in")
                return
        try:
            declared = int(headers.get("content-length", ""))
        except ValueError:
            await _answer(send, 411)
            return
        held, files, total = _held(session_id)
        limits = self.limits
        if (declared > limits.file_bytes + _MB or held + declared > limits.session_bytes
                or files >= limits.session_files):
            await _answer(send, 413, "session limit")
            return
        if total + declared > limits.server_bytes:
            await _answer(send, 503, "server limit")
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > declared:  # more than it declared: cut it off
                    raise _Overflow
            return message

        try:
            await self.app(scope, counted, send)
        except _Overflow:
            await _answer(send, 413, "body larger than declared")


class _Overflow(Exception):
    pass
