"""Sign-in and permissions in the dashboard (the rules themselves are in ``perfeval_core.auth.users``).

``gate()`` runs in ``dashboard/app.py`` before anything reads data: when sign-in is on and nobody is
signed in it draws the sign-in screen and stops the script, so no page, navigation entry or
sidebar control is ever sent to an anonymous browser. Pages ask ``allowed(action)`` before they
draw a control and ``require(action)`` before they act, so a hidden button is also a refused one.

A local sign-in outlives a reload: the sign-in form stores a one-time code (``Store.start_sign_in``)
and the browser posts it to ``/auth/keep`` (``dashboard/serve.py``), which answers with an HttpOnly
cookie holding a session token; a new page load reads the cookie (``st.context.cookies``) and
signs the browser in again while the token is unexpired, not ended by sign-out, and the user's
password is unchanged. The script never sees the token it makes, and JavaScript can never read it.
"""

from __future__ import annotations

import secrets

import streamlit as st

from dashboard import guard
from dashboard.ui import plain
from perfeval_core.auth.users import ROLE_LABELS, AuthConfig, AuthError, User, UserFile, auth_config, can, local_user
from perfeval_core.present.i18n import t
from perfeval_core.store.database import StoreError, get_store

_USER_KEY = "_signed_in"
# how the session's user signed in: ("form", connection) - on this browser connection, with the
# form - or ("cookie", connection) - from the kept sign-in cookie; a run on another connection (a
# reconnect, or someone else's websocket naming this session) must sign in again from its cookie
_HOW_KEY = "_signed_in_how"
_FILES: dict[str, UserFile] = {}

COOKIE = "perfeval_session"
KEEP_PATH = "/auth/keep"  # POST the one-time code: the answer sets the cookie
END_PATH = "/auth/end"  # POST: ends the cookie's sign-in and deletes the cookie
CODE_SECONDS = 60.0
_CALL_KEY = "_sign_in_call"  # (path, body) for the browser to post on the next run

# posts once to one of the routes above from the browser (same origin, so the cookie is set or sent)
_ROUTE_CALL = st.components.v2.component("perfeval_sign_in_route", js="""
export default function (component) {
  const { data } = component
  const posted = (globalThis.__perfevalPosted ||= new Set())
  if (!data || !data.path || posted.has(data.nonce)) return
  posted.add(data.nonce)
  fetch(data.path, { method: "POST", body: data.body || "", credentials: "same-origin",
                     headers: { "Content-Type": "text/plain" }, keepalive: true }).catch(() => {})
}
""")


def user_file(config: AuthConfig) -> UserFile:
    """One per path and process, so the failed-attempt counter is shared by every session."""
    key = str(config.users_file)
    if key not in _FILES:
        _FILES[key] = UserFile(config.users_file)
    return _FILES[key]


def current_user() -> User | None:
    return st.session_state.get(_USER_KEY)


def allowed(action: str) -> bool:
    return can(current_user(), action)


def require(action: str, lang: str) -> None:
    """Stop the page with a message unless the signed-in user may do ``action``."""
    if not allowed(action):
        st.error(t("auth_forbidden", lang), icon=":material/block:")
        st.stop()


def actor() -> str:
    user = current_user()
    return user.actor if user else ""


def gate(lang: str) -> User:
    """The signed-in user; draws the sign-in screen and stops when there is none. Runs on every
    full run; fragments call ``recheck`` (a fragment run does not run the app script)."""
    try:
        config = auth_config()
    except AuthError as error:  # a misconfigured server stays closed
        st.error(plain(str(error)), icon=":material/lock:")
        st.stop()
    if config.mode == "off":
        user = local_user()
    elif config.mode == "local":
        user = _local(config, lang)
        _route_call()  # the sign-in just made: keep it in the cookie
    else:
        user = _oidc(config, lang)
    st.session_state[_USER_KEY] = user
    _register(user)
    return user


def recheck() -> None:
    """At the top of a fragment: the same sign-in checks as a full run (the user file, the cookie,
    the connection); a session no longer signed in, or whose role changed, reruns the whole app so
    ``gate`` decides what is drawn."""
    user = current_user()
    try:
        config = auth_config()
    except AuthError:
        st.rerun(scope="app")
    if config.mode == "off":
        return
    if config.mode == "oidc":
        if not st.user.is_logged_in:
            st.rerun(scope="app")
        return
    fresh = _still_signed_in(config, user) if user is not None else None
    if fresh is None or fresh != user:
        st.rerun(scope="app")


def _register(user: User | None) -> None:
    session = _session_id()
    if session is not None:
        guard.register(session, guard.Registered(user.username if user else None, can(user, "upload")))


def _session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
    except Exception:
        return None
    return ctx.session_id if ctx is not None else None


def _connection() -> str:
    """An id of the browser connection (websocket) this run serves: a reconnect, or another
    client naming this session's id, is a new connection. "" outside a server (AppTest)."""
    session = _session_id()
    runtime = guard._runtime()
    client = runtime.get_client(session) if runtime is not None and session else None
    if client is None:
        return ""
    tag = getattr(client, "_perfeval_connection", None)
    if not isinstance(tag, str):
        tag = secrets.token_hex(16)
        client._perfeval_connection = tag
    return tag


def _refreshed(config: AuthConfig, user: User) -> User | None:
    """The user as the file says now: a removed user is signed out, a changed role applies at once."""
    try:
        return user_file(config).user(user.username, user.via)
    except AuthError as error:
        st.error(plain(str(error)), icon=":material/lock:")
        st.stop()


def _still_signed_in(config: AuthConfig, user: User) -> User | None:
    """The session's user as the user file and the cookie say now, when this run is on the
    connection they signed in on (form) or its cookie still names them (cookie); else None."""
    how = st.session_state.get(_HOW_KEY)
    if user.via != "local" or not isinstance(how, tuple) or len(how) != 2:
        return None
    kind, connection = how
    if kind == "form":
        return _refreshed(config, user) if connection == _connection() else None
    kept = _kept_sign_in(config)
    return kept if kept is not None and kept.username == user.username else None


def _local(config: AuthConfig, lang: str) -> User:
    user = current_user()
    if user is not None:
        fresh = _still_signed_in(config, user)
        if fresh is not None:
            return fresh
        kept = _kept_sign_in(config)  # a reconnect of the same browser: its cookie names the same user
        if kept is not None and kept.username == user.username:
            st.session_state[_HOW_KEY] = ("cookie", _connection())
            return kept
        # signed out by the file, the cookie or a new connection: nothing of theirs stays
        forget_session()
    kept = _kept_sign_in(config)
    if kept is not None:
        st.session_state[_HOW_KEY] = ("cookie", _connection())
        return kept
    _register(None)
    _route_call()  # a sign-out just now: the cookie goes too
    _sign_in_header(lang)
    with st.columns([2, 3])[0], st.form("sign_in", border=True, enter_to_submit=True):
        username = st.text_input(t("auth_username", lang), key="sign_in_user", max_chars=100)
        password = st.text_input(t("auth_password", lang), type="password", key="sign_in_password", max_chars=1024)
        submitted = st.form_submit_button(t("auth_sign_in", lang), type="primary", icon=":material/login:")
    if submitted:
        try:
            signed = user_file(config).verify(username, password)
        except AuthError as error:
            st.error(plain(str(error)), icon=":material/lock_clock:")
            st.stop()
        if signed is None:
            _audit(username.strip()[:100] or "—", "sign_in_failed", "local")
            st.error(t("auth_wrong_password", lang), icon=":material/error:")
        else:
            _audit(signed.actor, "sign_in", "local")
            st.session_state[_USER_KEY] = signed
            st.session_state[_HOW_KEY] = ("form", _connection())
            st.session_state.pop("sign_in_password", None)
            _keep(config, signed)
            st.rerun()
    st.stop()


def _keep(config: AuthConfig, user: User) -> None:
    """Have the browser exchange a one-time code for the sign-in cookie on the next run (nothing
    when kept sign-ins are off or the database is down: the sign-in then lasts for this tab)."""
    if config.session_hours <= 0:
        return
    try:
        stamp = user_file(config).stamp(user.username) or ""
        code = get_store().start_sign_in(user.username, stamp, CODE_SECONDS)
    except (AuthError, StoreError):
        return
    st.session_state[_CALL_KEY] = (KEEP_PATH, code)


def _kept_sign_in(config: AuthConfig) -> User | None:
    """The user of this browser's sign-in cookie, while it is valid (see the module's note)."""
    token = _cookie_token() if config.session_hours > 0 else None
    if token is None:
        return None
    try:
        found = get_store().signed_in(token)
        if found is None:
            return None
        username, stamp = found
        users = user_file(config)
        return users.user(username, "local") if users.stamp(username) == stamp else None
    except (AuthError, StoreError):  # the sign-in form then shows the problem, or works without the cookie
        return None


def _cookie_token() -> str | None:
    """The sign-in cookie of the request that opened this page (None when absent or outside a
    browser, e.g. under AppTest)."""
    try:
        token = st.context.cookies.get(COOKIE)
    except (AttributeError, RuntimeError):
        return None
    return token if isinstance(token, str) and token else None


def _route_call() -> None:
    """Post what ``_keep`` or sign-out left for the browser (a zero-height element, this run only)."""
    call = st.session_state.pop(_CALL_KEY, None)
    if call:
        path, body = call
        _ROUTE_CALL(data={"path": path, "body": body, "nonce": secrets.token_hex(8)}, key="sign_in_route", height=0)


def _audit(who: str, action: str, how: str) -> None:
    """Sign-ins go to the audit log too; a database that is down must not keep anyone out."""
    try:
        get_store().log(who, action, f"auth:{how}")
    except StoreError:
        pass


def forget_session() -> None:
    """Drop everything the session holds (loaded evaluations, scenario inputs…) but the language."""
    for key in list(st.session_state):
        if key != "lang":
            del st.session_state[key]
    _register(None)


def _oidc(config: AuthConfig, lang: str) -> User:
    if not st.user.is_logged_in:
        if current_user() is not None:
            forget_session()
        _sign_in_header(lang)
        if st.button(t("auth_sign_in_oidc", lang), type="primary", icon=":material/login:", key="oidc_login"):
            if config.oidc_provider:
                st.login(config.oidc_provider)
            else:
                st.login()
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    display = str(st.user.get("name") or email)
    try:
        known = user_file(config).users()
    except AuthError as error:
        st.error(plain(str(error)), icon=":material/lock:")
        st.stop()
    entry = next((e for name, e in known.items() if name.lower() == email), None) if email else None
    role = entry["role"] if entry else config.oidc_default_role
    if role is None:
        st.title(t("app_title", lang))
        st.error(t("auth_not_registered", lang, email=plain(email or "—")), icon=":material/block:")
        if st.button(t("auth_sign_out", lang), key="oidc_logout_denied"):
            st.logout()
        st.stop()
    return User(email, str((entry or {}).get("name") or display), role, "oidc")


def _sign_in_header(lang: str) -> None:
    st.title(t("app_title", lang))
    st.caption(t("auth_sign_in_help", lang))


def account_box(lang: str) -> None:
    """Sidebar: who is signed in, with what role, and sign-out."""
    user = current_user()
    if user is None or user.via == "off":
        return
    role = ROLE_LABELS[user.role][1 if lang == "en" else 0]
    with st.sidebar:
        st.caption(t("auth_signed_in_as", lang, name=plain(user.display), role=role))
        if st.button(t("auth_sign_out", lang), key="sign_out", icon=":material/logout:", type="tertiary"):
            token = _cookie_token()
            if user.via == "local" and token is not None:  # the cookie this page was loaded with names nobody now
                try:
                    get_store().end_sign_in(token)
                except StoreError:
                    pass
            forget_session()
            if user.via == "oidc":
                st.logout()
            if user.via == "local":  # and the browser ends a cookie set since the page loaded (never seen here)
                st.session_state[_CALL_KEY] = (END_PATH, "")
            st.rerun()
