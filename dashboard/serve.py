"""The dashboard's server: Streamlit's app (``dashboard/app.py``) as one ASGI app, plus the two
routes that keep a local sign-in in an HttpOnly cookie (see ``dashboard/access.py``).

    python -m streamlit run dashboard/serve.py      (what scripts/run.sh does)

``POST /auth/keep`` takes the one-time code the sign-in form stored (the request body, a few dozen
characters) and answers 204 with the session cookie: HttpOnly, SameSite=Strict, Secure behind
HTTPS, lasting ``PERFEVAL_SESSION_HOURS``. ``POST /auth/end`` ends the cookie's sign-in and deletes
it. Both refuse a request from another origin and answer 404 unless local sign-in is on.

Every request passes ``dashboard.guard.Guard`` first: websocket Origin, upload and media checks,
diagnostic routes closed (docs/security.md).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard.access import COOKIE, END_PATH, KEEP_PATH
from dashboard.guard import Guard
from perfeval_core.auth.users import AuthError, auth_config
from perfeval_core.store.database import MAX_TOKEN_CHARS, StoreError, get_store


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"


def _refused(request: Request) -> Response | None:
    """404 unless local sign-in with kept sign-ins is on; 403 for a browser request from another
    origin (a page elsewhere cannot sign this browser in or out)."""
    try:
        config = auth_config()
    except AuthError:
        return Response(status_code=404)
    if config.mode != "local" or config.session_hours <= 0:
        return Response(status_code=404)
    origin = request.headers.get("origin")
    hosts = {request.headers.get("host", ""), request.headers.get("x-forwarded-host", "")} - {""}
    if origin is not None and urlsplit(origin).netloc not in hosts:
        return Response(status_code=403)
    return None


async def _small_body(request: Request) -> str:
    """The body, read no further than a code could be long."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_TOKEN_CHARS:
            return ""
    return data.decode("ascii", "replace").strip()


def _cookie_flags(request: Request) -> dict[str, object]:
    return {"path": "/", "httponly": True, "samesite": "strict", "secure": _https(request)}


async def keep(request: Request) -> Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    code = await _small_body(request)
    seconds = auth_config().session_hours * 3600
    try:
        found = await run_in_threadpool(get_store().redeem_sign_in, code, seconds)
    except StoreError:
        return Response(status_code=503)
    if found is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(COOKIE, found[0], max_age=int(seconds), **_cookie_flags(request))  # type: ignore[arg-type]
    return response


async def end(request: Request) -> Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    token = request.cookies.get(COOKIE)
    if token:
        try:
            await run_in_threadpool(get_store().end_sign_in, token)
        except StoreError:
            pass  # the cookie is deleted all the same
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, **_cookie_flags(request))  # type: ignore[arg-type]
    return response


ROUTES = [Route(KEEP_PATH, keep, methods=["POST"]), Route(END_PATH, end, methods=["POST"])]

# the guard runs before Streamlit's own middleware and routes (see dashboard/guard.py)
app = st.App(str(Path(__file__).with_name("app.py")), routes=ROUTES, middleware=[Middleware(Guard)])
