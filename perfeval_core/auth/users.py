"""Who may do what: roles, the sign-in configuration and the local user file. No Streamlit here.

Sign-in is off unless configured (``PERFEVAL_AUTH``):

* ``off`` (default): everyone is the local user with every permission (a laptop with the samples);
* ``local``: user names and passwords from a JSON user file (``PERFEVAL_USERS_FILE``, default
  ``<data dir>/users.json``); passwords are stored as Argon2id hashes made by ``argon2-cffi``;
* ``oidc``: Streamlit's ``st.login`` against the identity provider configured in
  ``.streamlit/secrets.toml`` ``[auth]``; the user file then maps the provider's e-mail addresses to
  roles (entries without a password), and ``PERFEVAL_OIDC_DEFAULT_ROLE`` may admit everyone else the
  provider vouches for with one role (unset: they are turned away).

Roles are ordered: a viewer browses and tries weights without saving; an editor also uploads
workbooks and saves, renames and deletes shared scenarios; an admin also manages users and removes
workbooks from the library.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from perfeval_core.store.database import data_dir

Role = Literal["viewer", "editor", "admin"]
Mode = Literal["off", "local", "oidc"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "admin")
MODES: tuple[Mode, ...] = ("off", "local", "oidc")
ROLE_LABELS: dict[str, tuple[str, str]] = {"viewer": ("查看者", "viewer"), "editor": ("编辑者", "editor"),
                                           "admin": ("管理员", "admin")}

# action -> the least role allowed to do it
PERMISSIONS: dict[str, Role] = {
    "browse": "viewer",
    "whatif": "viewer",
    "export": "viewer",
    "upload": "editor",
    "save_scenario": "editor",
    "rename_scenario": "editor",
    "delete_scenario": "editor",
    "set_official": "editor",
    "manage_library": "admin",
    "manage_users": "admin",
    "view_audit": "admin",
}

USERNAME_RE = re.compile(r"^[\w.@+-]{1,100}$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
MAX_FAILURES = 5  # failed sign-ins in a row before a pause
LOCKOUT_SECONDS = 60.0
VERIFY_SLOTS = 2  # password hashes checked at once in one process (Argon2id takes ~50 ms and 64 MB each)
VERIFY_QUEUE_SECONDS = 10.0
_VERIFY_SLOTS = threading.BoundedSemaphore(VERIFY_SLOTS)
MAX_USERS_FILE_BYTES = 4 * 1024 * 1024
SESSION_HOURS = 12.0  # how long a local sign-in is kept in the browser's cookie, by default
MAX_SESSION_HOURS = 24.0 * 30

__all__ = ["ROLES", "AuthConfig", "AuthError", "User", "UserFile", "auth_config", "can", "local_user"]


class AuthError(Exception):
    """A refused user-file operation or a broken configuration; ``str(e)`` is a message for the UI."""


@dataclass(frozen=True)
class User:
    username: str  # the sign-in name, or the provider's e-mail address
    display: str
    role: Role
    via: Mode

    @property
    def actor(self) -> str:
        """The name written to the audit log."""
        return self.username if self.display in ("", self.username) else f"{self.display} <{self.username}>"


def local_user() -> User:
    """Who everyone is when sign-in is off."""
    return User("local", "本机用户", "admin", "off")


def can(user: User | None, action: str) -> bool:
    if user is None:
        return False
    needed = PERMISSIONS.get(action)
    if needed is None:
        raise KeyError(f"unknown action {action!r}")
    return ROLES.index(user.role) >= ROLES.index(needed)


@dataclass(frozen=True)
class AuthConfig:
    mode: Mode
    users_file: Path
    oidc_provider: str | None  # a named [auth.<provider>] section, or None for the single [auth] one
    oidc_default_role: Role | None
    session_hours: float  # a local sign-in survives reloads this long (0: only the browser tab's session)


def auth_config() -> AuthConfig:
    """Read from the environment at call time. Raises AuthError for a value that is not understood,
    so a typo can never leave a server open."""
    mode = os.environ.get("PERFEVAL_AUTH", "off").strip().lower() or "off"
    if mode not in MODES:
        raise AuthError(f"PERFEVAL_AUTH={mode!r} 无法识别（应为 off、local 或 oidc）")
    users = os.environ.get("PERFEVAL_USERS_FILE", "").strip()
    default_role = os.environ.get("PERFEVAL_OIDC_DEFAULT_ROLE", "").strip().lower() or None
    if default_role is not None and default_role not in ROLES:
        raise AuthError(f"PERFEVAL_OIDC_DEFAULT_ROLE={default_role!r} 无法识别（应为 viewer、editor 或 admin）")
    provider = os.environ.get("PERFEVAL_OIDC_PROVIDER", "").strip() or None
    hours_text = os.environ.get("PERFEVAL_SESSION_HOURS", "").strip()
    try:
        hours = float(hours_text) if hours_text else SESSION_HOURS
        if not 0 <= hours <= MAX_SESSION_HOURS:
            raise ValueError
    except ValueError:
        raise AuthError(f"PERFEVAL_SESSION_HOURS={hours_text!r} 无法识别（应为 0 到 {MAX_SESSION_HOURS:g} 之间的小时数）") from None
    return AuthConfig(mode, Path(users) if users else data_dir() / "users.json", provider,  # type: ignore[arg-type]
                      default_role, hours)  # type: ignore[arg-type]


# --- the user file -------------------------------------------------------------------------------

_HASHER = PasswordHasher()  # Argon2id with the library's current defaults
_DUMMY_HASH = _HASHER.hash("perfeval: a password nobody has")


class UserFile:
    """The JSON user file::

        {"users": {"zhang": {"name": "张三", "role": "editor", "password": "$argon2id$..."},
                   "li@example.gov.cn": {"name": "李四", "role": "viewer"}}}

    Entries without ``password`` can only sign in through the identity provider. Writes go to a
    temporary file that replaces the old one, under a lock, so a crash never leaves half a file and
    two admins never overwrite each other's changes.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    # reading

    def users(self) -> dict[str, dict[str, Any]]:
        """username -> entry. A missing file is an empty one; a damaged one raises AuthError."""
        try:
            if self.path.stat().st_size > MAX_USERS_FILE_BYTES:
                raise AuthError(f"用户文件 {self.path} 过大")
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise AuthError(f"无法读取用户文件 {self.path}：{error.strerror or error}") from error
        try:
            data = json.loads(raw)
            users = data["users"]
            if not isinstance(users, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError) as error:
            raise AuthError(f"用户文件 {self.path} 格式有误（应为 {{\"users\": {{…}}}} 的 JSON）") from error
        out = {}
        for name, entry in users.items():
            if not isinstance(entry, dict) or entry.get("role") not in ROLES:
                raise AuthError(f"用户文件 {self.path} 中用户“{name}”的角色无效（应为 viewer、editor 或 admin）")
            out[str(name)] = entry
        return out

    def user(self, username: str, via: Mode) -> User | None:
        entry = self.users().get(username)
        if entry is None:
            return None
        return User(username, str(entry.get("name") or username), entry["role"], via)

    def stamp(self, username: str) -> str | None:
        """A digest of the user's password hash: what a kept sign-in remembers, so that a new
        password (or a removed user, None) ends it."""
        entry = self.users().get(username)
        if entry is None:
            return None
        return hashlib.sha256(str(entry.get("password") or "").encode()).hexdigest()

    def verify(self, username: str, password: str) -> User | None:
        """The user when the password matches, else None. Unknown names cost the same hash as known
        ones. Every attempt counts against the name *before* its hash is checked, so parallel
        guesses cannot all be checked: after MAX_FAILURES attempts in a row without a success the
        name is locked for LOCKOUT_SECONDS. At most VERIFY_SLOTS hashes are checked at once in the
        process (the rest wait up to VERIFY_QUEUE_SECONDS), so a flood cannot take every core."""
        username = username.strip()
        with self._lock:
            wait = self.locked_for(username)
            if wait > 0:
                raise AuthError(f"连续登录失败次数过多，请 {int(wait) + 1} 秒后再试")
            count, _ = self._failures.get(username, (0, 0.0))
            if count >= MAX_FAILURES:  # the lock expired: start counting again
                count = 0
            self._failures[username] = (count + 1, time.monotonic())
        entry = self.users().get(username) if username else None
        stored = entry.get("password") if entry else None
        ok = False
        if len(password) <= MAX_PASSWORD_CHARS:
            if not _VERIFY_SLOTS.acquire(timeout=VERIFY_QUEUE_SECONDS):
                raise AuthError("登录请求过多，请稍后再试")
            try:
                ok = _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            finally:
                _VERIFY_SLOTS.release()
        if not ok:
            return None
        with self._lock:
            self._failures.pop(username, None)
        assert entry is not None and isinstance(stored, str)
        if _HASHER.check_needs_rehash(stored):  # parameters got stronger since it was hashed
            with contextlib.suppress(AuthError):
                self.set_password(username, password)
        return User(username, str(entry.get("name") or username), entry["role"], "local")

    def locked_for(self, username: str) -> float:
        count, since = self._failures.get(username, (0, 0.0))
        if count < MAX_FAILURES:
            return 0.0
        return max(0.0, LOCKOUT_SECONDS - (time.monotonic() - since))

    # writing

    def add(self, username: str, role: str, password: str | None = None, display: str = "") -> None:
        username = username.strip()
        if not USERNAME_RE.match(username):
            raise AuthError("用户名只能包含字母、数字、汉字及 . @ + - _，最长 100 个字符")
        role = _checked_role(role)
        with self._editing() as users:
            if username in users:
                raise AuthError(f"用户“{username}”已存在")
            entry: dict[str, Any] = {"name": display.strip()[:100] or username, "role": role}
            if password is not None:
                entry["password"] = _hash(password)
            users[username] = entry

    def set_role(self, username: str, role: str) -> None:
        role = _checked_role(role)
        with self._editing() as users:
            _existing(users, username)["role"] = role
            _keep_an_admin(users)

    def set_password(self, username: str, password: str) -> None:
        with self._editing() as users:
            _existing(users, username)["password"] = _hash(password)

    def remove(self, username: str) -> None:
        with self._editing() as users:
            _existing(users, username)
            del users[username]
            _keep_an_admin(users)

    @contextlib.contextmanager
    def _editing(self) -> Iterator[dict[str, dict[str, Any]]]:
        """Read, change and atomically replace the file under an exclusive lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            lock = open(lock_path, "a+")  # noqa: SIM115 - closed below
        except OSError as error:
            raise AuthError(f"无法写入用户文件 {self.path}：{error.strerror or error}") from error
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
            users = self.users()
            yield users
            payload = json.dumps({"users": users}, ensure_ascii=False, indent=2, sort_keys=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(payload + "\n")
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(tmp, 0o600)  # hashes are not secrets, but nobody else needs to read them
                os.replace(tmp, self.path)
            except OSError as error:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise AuthError(f"无法写入用户文件 {self.path}：{error.strerror or error}") from error
        finally:
            lock.close()


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AuthError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AuthError(f"密码最长 {MAX_PASSWORD_CHARS} 个字符")
    return _HASHER.hash(password)


def _checked_role(role: str) -> Role:
    if role not in ROLES:
        raise AuthError(f"角色“{role}”无效（应为 viewer、editor 或 admin）")
    return role  # type: ignore[return-value]


def _existing(users: dict[str, dict[str, Any]], username: str) -> dict[str, Any]:
    if username not in users:
        raise AuthError(f"用户“{username}”不存在")
    return users[username]


def _keep_an_admin(users: dict[str, dict[str, Any]]) -> None:
    if not any(entry.get("role") == "admin" for entry in users.values()):
        raise AuthError("至少需要保留一名管理员")
