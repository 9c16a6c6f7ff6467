"""Shared persistent state: saved what-if scenarios, the workbook library and an audit log.

One ``Store`` per database URL (``get_store()`` caches them). The URL comes from
``PERFEVAL_DATABASE_URL``; without it a SQLite file ``<data dir>/perfeval.db`` is used, where the
data dir is ``PERFEVAL_DATA_DIR`` or ``<repo>/data``. PostgreSQL is reached through
``postgresql+psycopg://user:password@host:port/dbname``, so several app servers behind a load
balancer share one library and one set of scenarios.

Signed-in browsers (``sign_ins``): a local sign-in is kept in an HttpOnly cookie holding a random
token; the table holds only its SHA-256, the user name and the expiry, so a copy of the database
signs nobody in, and deleting a row signs that browser out.

Writes are single statements or short transactions: saving a scenario is one
``INSERT … ON CONFLICT DO UPDATE`` (an atomic upsert on both backends), adding a workbook one
``INSERT … ON CONFLICT DO NOTHING``; each also writes its audit entry in the same transaction.
SQLite runs in WAL mode with ``synchronous=FULL``: a save that returned survives a crash.

Failures to reach or open the database are raised as ``StoreUnavailable`` with a plain Chinese
message the UI can show. No Streamlit here.

Longer than 600 lines because scenarios, the library, the audit log and sign-ins are written in
shared transactions through one statement set for both backends.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    event,
    exc,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.engine import create_engine as _create_engine
from sqlalchemy.pool import StaticPool

from perfeval_core.analysis.rules import band_problem
from perfeval_core.analysis.scoring import LeafMode, Scenario
from perfeval_core.model.evaluation import Bands
from perfeval_core.model.messages import Refusal

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_VERSION = 3  # 2: scenarios keep their 评价结果应用 rules; 3: so does the official weighting
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 10
MODES: tuple[str, ...] = ("retotal", "renormalise")
MAX_SHORT_TEXT = 200  # scenario names, authors, actors (a VARCHAR on PostgreSQL: checked on both backends)

__all__ = ["AuditEntry", "OfficialWeights", "ScenarioNameTaken", "ScenarioNotFound", "ScenarioRecord", "Store", "StoreError",
           "StoreUnavailable", "WorkbookRecord", "data_dir", "database_url", "get_store"]


# --- errors ------------------------------------------------------------------------------------

class StoreError(Exception):
    """Any failure of the store; ``str(e)`` is a message fit for the UI."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened (server down, wrong address, disk unwritable…)."""


class ScenarioNameTaken(StoreError, ValueError):
    """A rename would give two scenarios of one evaluation the same name."""

    def __init__(self, evaluation_key: str, name: str):
        super().__init__(f"方案名称“{name}”已存在，请换一个名称")
        self.evaluation_key = evaluation_key
        self.name = name


class ScenarioNotFound(StoreError, LookupError):
    def __init__(self, scenario_id: int):
        super().__init__(f"方案 {scenario_id} 不存在（可能已被删除）")
        self.scenario_id = scenario_id


# --- records -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioRecord:
    id: int
    evaluation_key: str
    name: str
    weights: dict[str, float]
    mode: str
    bands: Bands | None  # labels and lower bounds; None: the evaluation's own
    note: str
    author: str
    created_at: datetime  # timezone-aware UTC
    updated_at: datetime
    rules: dict[str, float] | None = None  # 评价结果应用: band label → budget change (fraction)

    def to_scenario(self) -> Scenario:
        return _to_scenario(self.weights, self.mode, self.bands, self.rules)


@dataclass(frozen=True)
class WorkbookRecord:
    sha256: str
    filename: str
    size: int
    added_at: datetime  # timezone-aware UTC
    added_by: str


@dataclass(frozen=True)
class OfficialWeights:
    """A scenario an editor made the official weighting of one evaluation."""
    evaluation_key: str
    scenario_name: str
    weights: dict[str, float]
    mode: str
    bands: Bands | None  # labels and lower bounds; None: the evaluation's own
    set_by: str
    set_at: datetime  # timezone-aware UTC
    rules: dict[str, float] | None = None  # 评价结果应用 rules of the scenario; None: the default

    def to_scenario(self) -> Scenario:
        return _to_scenario(self.weights, self.mode, self.bands, self.rules)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # timezone-aware UTC
    actor: str
    action: str
    target: str
    detail: str


# --- schema ------------------------------------------------------------------------------------

metadata = MetaData()

meta_table = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

scenarios = Table(
    "scenarios", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("evaluation_key", String(128), nullable=False),
    Column("name", String(200), nullable=False),
    Column("weights", Text, nullable=False),  # JSON object: indicator code/name -> points
    Column("mode", String(32), nullable=False),
    Column("bands", Text, nullable=True),  # JSON {"labels", "lower"} (older rows: a list of thresholds), or NULL
    Column("rules", Text, nullable=True),  # JSON {band label: budget change as a fraction}, or NULL: the default
    Column("note", Text, nullable=False, default=""),
    Column("author", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    UniqueConstraint("evaluation_key", "name", name="uq_scenarios_evaluation_name"),
)

workbooks = Table(
    "workbooks", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("filename", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", Text, nullable=False, default=""),
)

official = Table(
    "official_weights", metadata,
    Column("evaluation_key", String(128), primary_key=True),
    Column("scenario_name", String(200), nullable=False),
    Column("weights", Text, nullable=False),  # JSON object, as in scenarios
    Column("mode", String(32), nullable=False),
    Column("bands", Text, nullable=True),
    Column("rules", Text, nullable=True),  # the scenario's budget rules, as in scenarios
    Column("set_by", String(200), nullable=False, default=""),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False, default=""),
    Column("action", String(32), nullable=False),
    Column("target", String(300), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

sign_ins = Table(
    "sign_ins", metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the token (hex); never the token
    # "code": one-time, from the sign-in form to the cookie route (seconds); "session": the cookie's
    Column("kind", String(8), nullable=False),
    Column("username", String(200), nullable=False, index=True),
    # a digest of the user's password hash at sign-in (auth.UserFile.stamp): a new password ends
    # every sign-in made with the old one, wherever it was changed (page or command line)
    Column("stamp", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

MAX_TOKEN_CHARS = 100  # tokens are 43 characters; anything much longer is not ours


def _token_hash(token: str) -> str | None:
    """The stored form of a code or token; None for what cannot be one of ours (empty, too long)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


# --- configuration -----------------------------------------------------------------------------

def data_dir() -> Path:
    """``PERFEVAL_DATA_DIR`` or ``<repo>/data`` (read at call time, so tests can switch it)."""
    return Path(os.environ.get("PERFEVAL_DATA_DIR") or ROOT / "data")


def database_url(url: str | None = None) -> str:
    """The URL in use: the argument, else ``PERFEVAL_DATABASE_URL``, else the default SQLite file."""
    if url:
        return url
    env = os.environ.get("PERFEVAL_DATABASE_URL", "").strip()
    if env:
        return env
    return f"sqlite:///{data_dir() / 'perfeval.db'}"


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones in the session zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


# --- the store ---------------------------------------------------------------------------------

class Store:
    """Scenarios, workbook library and audit log in one SQL database (SQLite or PostgreSQL)."""

    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        try:
            parsed = make_url(self.url)
        except exc.ArgumentError as error:
            raise StoreUnavailable(f"数据库地址无效：{self.url!r}") from error
        self.display_url = parsed.render_as_string(hide_password=True)
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise StoreUnavailable(f"不支持的数据库类型：{self.dialect}（仅支持 sqlite 与 postgresql）")
        try:
            self._engine = self._make_engine(parsed)
        except (exc.SQLAlchemyError, ImportError, OSError) as error:
            raise StoreUnavailable(f"无法打开数据库（{self.display_url}）：{_reason(error)}") from error
        self._ready = False
        self._init_lock = threading.Lock()
        # SQLite has one writer at a time: threads of this process queue on a lock instead of on
        # SQLite's busy handler (which sleeps and retries); other processes still wait via busy_timeout.
        self._write_lock: threading.Lock | None = threading.Lock() if self.dialect == "sqlite" else None

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"

    # engine and connections

    def _make_engine(self, parsed: URL) -> Engine:
        if self.dialect == "sqlite":
            database = parsed.database or ""
            pooling: dict[str, Any] = {"pool_size": 10, "max_overflow": 20}
            if database in ("", ":memory:"):  # one shared connection, else each would see its own empty DB
                pooling = {"poolclass": StaticPool}
            elif not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = _create_engine(parsed, connect_args={"check_same_thread": False}, **pooling)
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        return _create_engine(parsed, connect_args=connect_args, pool_pre_ping=True,
                              pool_size=10, max_overflow=20)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver/connection failures into StoreUnavailable / StoreError with a UI message."""
        try:
            yield
        except StoreError:
            raise
        except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as error:
            raise StoreUnavailable(f"无法连接数据库（{self.display_url}）：{_reason(error)}") from error
        except exc.SQLAlchemyError as error:
            raise StoreError(f"数据库操作失败：{_reason(error)}") from error
        except OSError as error:
            raise StoreUnavailable(f"无法打开数据库（{self.display_url}）：{error}") from error

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Connection]:
        """A transaction; for SQLite a write one starts with BEGIN IMMEDIATE (it waits for the lock
        up front instead of failing when it later upgrades a read lock)."""
        with self._guard():
            self._ensure_schema()
            with self._engine.connect() as conn:
                conn.execution_options(perfeval_write=write)
                if write and self._write_lock is not None:
                    with self._write_lock, conn.begin():
                        yield conn
                else:
                    with conn.begin():
                        yield conn

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        with self._init_lock:
            if self._ready:
                return
            with self._engine.connect() as conn:
                conn.execution_options(perfeval_write=True)
                with conn.begin():
                    if self.dialect == "postgresql":
                        # several servers may start together: one creates the tables, the others wait
                        conn.execute(text("SELECT pg_advisory_xact_lock(4242017)"))
                    metadata.create_all(conn)
                    found = conn.execute(select(meta_table.c.value)
                                         .where(meta_table.c.key == "schema_version")).scalar()
                    if found is None:
                        conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                    elif int(found) > SCHEMA_VERSION:
                        raise StoreUnavailable(f"数据库结构版本 {found} 比本程序（{SCHEMA_VERSION}）新，请升级程序")
                    elif int(found) < SCHEMA_VERSION:
                        _migrate(conn, int(found))
            self._ready = True

    def schema_version(self) -> int:
        with self._tx() as conn:
            return int(conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar_one())

    def ping(self) -> None:
        """Raise StoreUnavailable unless the database answers (and has its tables)."""
        with self._tx() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close pooled connections (the Store stays usable: new ones are opened on demand)."""
        self._engine.dispose()

    def _insert(self, table: Table) -> Any:
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # audit log

    def log(self, actor: str, action: str, target: str, detail: str = "") -> None:
        with self._tx(write=True) as conn:
            _log(conn, actor, action, target, detail)

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        with self._tx() as conn:
            rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit)).all()
        return [AuditEntry(r.id, _utc(r.at), r.actor, r.action, r.target, r.detail) for r in rows]

    # signed-in browsers

    def start_sign_in(self, username: str, stamp: str, seconds: float = 60.0) -> str:
        """A one-time code (random, 256 bits) that ``redeem_sign_in`` exchanges for a session
        token within ``seconds``; expired rows of both kinds are cleared on the way."""
        code = secrets.token_urlsafe(32)
        now = _now()
        with self._tx(write=True) as conn:
            conn.execute(delete(sign_ins).where(sign_ins.c.expires_at < now))
            conn.execute(sign_ins.insert().values(token_hash=_token_hash(code), kind="code", username=username,
                                                  stamp=stamp, created_at=now, expires_at=now + timedelta(seconds=seconds)))
        return code

    def redeem_sign_in(self, code: str, seconds: float) -> tuple[str, str] | None:
        """(session token, user name) for a code that is known and unexpired, which is used up in the
        same statement (two requests with one code: one wins); None otherwise."""
        key = _token_hash(code)
        if key is None:
            return None
        now = _now()
        with self._tx(write=True) as conn:
            row = conn.execute(delete(sign_ins).where(sign_ins.c.token_hash == key,
                                                      sign_ins.c.kind == "code")
                               .returning(sign_ins.c.username, sign_ins.c.stamp, sign_ins.c.expires_at)).first()
            if row is None or _utc(row.expires_at) <= now:
                return None
            token = secrets.token_urlsafe(32)
            conn.execute(sign_ins.insert().values(token_hash=_token_hash(token), kind="session", username=row.username,
                                                  stamp=row.stamp, created_at=now, expires_at=now + timedelta(seconds=seconds)))
        return token, str(row.username)

    def signed_in(self, token: str) -> tuple[str, str] | None:
        """(user name, stamp) of a session token that has not expired or been ended."""
        key = _token_hash(token)
        if key is None:
            return None
        with self._tx() as conn:
            row = conn.execute(select(sign_ins.c.username, sign_ins.c.stamp, sign_ins.c.expires_at)
                               .where(sign_ins.c.token_hash == key, sign_ins.c.kind == "session")).first()
        return (str(row.username), str(row.stamp)) if row is not None and _utc(row.expires_at) > _now() else None

    def end_sign_in(self, token: str) -> bool:
        """Sign one browser out (its cookie then names nothing)."""
        key = _token_hash(token)
        if key is None:
            return False
        with self._tx(write=True) as conn:
            return conn.execute(delete(sign_ins).where(sign_ins.c.token_hash == key)).rowcount > 0

    # scenarios

    def save_scenario(self, evaluation_key: str, name: str, weights: Mapping[str, float], mode: str,
                      bands: Bands | Sequence[float] | None, note: str = "", author: str = "",
                      rules: Mapping[str, float] | None = None) -> ScenarioRecord:
        """Create, or update the scenario of that evaluation with that name (one atomic upsert)."""
        name = _checked_name(name)
        if len(author) > MAX_SHORT_TEXT:
            raise ValueError(f"作者名称过长（最多 {MAX_SHORT_TEXT} 个字符）")
        if len(evaluation_key) > 128:
            raise ValueError("评价标识过长")
        if mode not in MODES:
            raise ValueError(f"未知的计分方式：{mode!r}（应为 {' / '.join(MODES)}）")
        weights_json = _dump_numbers({str(k): float(v) for k, v in weights.items()}, "权重")
        bands_json = _dump_bands(bands)
        rules_json = None if rules is None else _dump_numbers({str(k): float(v) for k, v in rules.items()}, "结果应用规则")
        now = _now()
        values = {"evaluation_key": evaluation_key, "name": name, "weights": weights_json, "mode": mode,
                  "bands": bands_json, "rules": rules_json, "note": note, "author": author, "created_at": now,
                  "updated_at": now}
        stmt = self._insert(scenarios).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[scenarios.c.evaluation_key, scenarios.c.name],
            set_={k: stmt.excluded[k] for k in ("weights", "mode", "bands", "rules", "note", "author", "updated_at")},
        ).returning(*scenarios.c)
        with self._tx(write=True) as conn:
            row = conn.execute(stmt).one()
            record = _scenario(row)
            created = record.created_at == record.updated_at
            _log(conn, author, "save", f"scenario:{record.id}",
                 _detail(evaluation=evaluation_key, name=name, created=created))
        return record

    def list_scenarios(self, evaluation_key: str | None = None) -> list[ScenarioRecord]:
        """Most recently saved first."""
        query = select(scenarios).order_by(scenarios.c.updated_at.desc(), scenarios.c.id.desc())
        if evaluation_key is not None:
            query = query.where(scenarios.c.evaluation_key == evaluation_key)
        with self._tx() as conn:
            return [_scenario(r) for r in conn.execute(query)]

    def get_scenario(self, scenario_id: int) -> ScenarioRecord | None:
        with self._tx() as conn:
            row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id)).first()
        return None if row is None else _scenario(row)

    def rename_scenario(self, scenario_id: int, new_name: str, actor: str = "") -> ScenarioRecord:
        """Raises ScenarioNameTaken when the evaluation already has a scenario of that name,
        ScenarioNotFound when the id does not exist."""
        new_name = _checked_name(new_name)
        stmt = (update(scenarios).where(scenarios.c.id == scenario_id)
                .values(name=new_name, updated_at=_now()).returning(*scenarios.c))
        with self._tx(write=True) as conn:
            old = conn.execute(select(scenarios.c.name, scenarios.c.evaluation_key)
                               .where(scenarios.c.id == scenario_id)).first()
            if old is None:
                raise ScenarioNotFound(scenario_id)
            try:
                row = conn.execute(stmt).one()
            except exc.IntegrityError as error:  # the unique (evaluation_key, name) constraint
                raise ScenarioNameTaken(old.evaluation_key, new_name) from error
            _log(conn, actor, "rename", f"scenario:{scenario_id}",
                 _detail(evaluation=old.evaluation_key, old=old.name, new=new_name))
        return _scenario(row)

    def delete_scenario(self, scenario_id: int, actor: str = "") -> bool:
        with self._tx(write=True) as conn:
            row = conn.execute(delete(scenarios).where(scenarios.c.id == scenario_id)
                               .returning(scenarios.c.evaluation_key, scenarios.c.name)).first()
            if row is None:
                return False
            _log(conn, actor, "delete", f"scenario:{scenario_id}",
                 _detail(evaluation=row.evaluation_key, name=row.name))
        return True

    # official weights

    def set_official(self, evaluation_key: str, scenario_id: int, actor: str = "") -> OfficialWeights:
        """Make a saved scenario the official weighting of its evaluation (replacing any earlier one)."""
        now = _now()
        with self._tx(write=True) as conn:
            row = conn.execute(select(scenarios).where(scenarios.c.id == scenario_id)).first()
            if row is None or row.evaluation_key != evaluation_key:
                raise ScenarioNotFound(scenario_id)
            values = {"evaluation_key": evaluation_key, "scenario_name": row.name, "weights": row.weights,
                      "mode": row.mode, "bands": row.bands, "rules": row.rules,
                      "set_by": (actor or "")[:MAX_SHORT_TEXT], "set_at": now}
            stmt = self._insert(official).values(**values)
            stmt = stmt.on_conflict_do_update(index_elements=[official.c.evaluation_key],
                                              set_={k: stmt.excluded[k] for k in values if k != "evaluation_key"})
            conn.execute(stmt)
            _log(conn, actor, "set_official", f"evaluation:{evaluation_key}",
                 _detail(scenario=scenario_id, name=row.name))
        weights, bands = _weights_and_bands(row)
        return OfficialWeights(evaluation_key, row.name, weights, row.mode, bands, values["set_by"], now,
                               _load_rules(row.rules))

    def get_official(self, evaluation_key: str) -> OfficialWeights | None:
        with self._tx() as conn:
            row = conn.execute(select(official).where(official.c.evaluation_key == evaluation_key)).first()
        if row is None:
            return None
        weights, bands = _weights_and_bands(row)
        return OfficialWeights(row.evaluation_key, row.scenario_name, weights, row.mode, bands, row.set_by,
                               _utc(row.set_at), _load_rules(row.rules))

    def clear_official(self, evaluation_key: str, actor: str = "") -> bool:
        """Back to the workbook's own weights."""
        with self._tx(write=True) as conn:
            gone = conn.execute(delete(official).where(official.c.evaluation_key == evaluation_key)
                                .returning(official.c.scenario_name)).first()
            if gone is None:
                return False
            _log(conn, actor, "clear_official", f"evaluation:{evaluation_key}", _detail(name=gone.scenario_name))
        return True

    # workbook library

    def add_workbook(self, sha256: str, filename: str, data: bytes, added_by: str = "") -> bool:
        """Store the bytes under their hash; False (and nothing changes) when already present."""
        stmt = (self._insert(workbooks)
                .values(sha256=sha256, filename=filename, size=len(data), data=bytes(data), added_at=_now(),
                        added_by=added_by)
                .on_conflict_do_nothing(index_elements=[workbooks.c.sha256])
                .returning(workbooks.c.sha256))
        with self._tx(write=True) as conn:
            inserted = conn.execute(stmt).first() is not None
            if inserted:
                _log(conn, added_by, "add", f"workbook:{sha256}", _detail(filename=filename, size=len(data)))
        return inserted

    def list_workbooks(self) -> list[WorkbookRecord]:
        """Oldest first; without the bytes."""
        query = (select(workbooks.c.sha256, workbooks.c.filename, workbooks.c.size, workbooks.c.added_at,
                        workbooks.c.added_by)
                 .order_by(workbooks.c.added_at, workbooks.c.sha256))
        with self._tx() as conn:
            return [WorkbookRecord(r.sha256, r.filename, r.size, _utc(r.added_at), r.added_by)
                    for r in conn.execute(query)]

    def get_workbook(self, sha256: str) -> bytes | None:
        with self._tx() as conn:
            data = conn.execute(select(workbooks.c.data).where(workbooks.c.sha256 == sha256)).scalar()
        return None if data is None else bytes(data)

    def remove_workbook(self, sha256: str, actor: str = "") -> bool:
        with self._tx(write=True) as conn:
            row = conn.execute(delete(workbooks).where(workbooks.c.sha256 == sha256)
                               .returning(workbooks.c.filename)).first()
            if row is None:
                return False
            _log(conn, actor, "remove", f"workbook:{sha256}", _detail(filename=row.filename))
        return True

    def count(self, table: str) -> int:
        """Rows in one of the tables (for tests and health checks)."""
        target = {t.name: t for t in metadata.sorted_tables}[table]
        with self._tx() as conn:
            return int(conn.execute(select(func.count()).select_from(target)).scalar_one())


# --- helpers -----------------------------------------------------------------------------------

def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is turned off; BEGIN is emitted in _sqlite_on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")  # first: the others may wait
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("perfeval_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError("方案名称不能为空")
    if len(name) > MAX_SHORT_TEXT:
        raise ValueError(f"方案名称过长（最多 {MAX_SHORT_TEXT} 个字符）")
    return name


def _log(conn: Connection, actor: str, action: str, target: str, detail: str) -> None:
    conn.execute(audit.insert().values(at=_now(), actor=(actor or "")[:MAX_SHORT_TEXT], action=action[:32],
                                       target=target[:300], detail=detail or ""))


def _detail(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def _dump_numbers(value: dict[str, float] | list[float], what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise ValueError(f"{what}中含有非有限数值（NaN 或无穷大）") from None


def _migrate(conn: Connection, found: int) -> None:
    """Bring a database of schema ``found`` to SCHEMA_VERSION, in the schema transaction."""
    if found < 2 and "rules" not in {c["name"] for c in inspect(conn).get_columns("scenarios")}:
        conn.execute(text("ALTER TABLE scenarios ADD COLUMN rules TEXT"))
    if found < 3 and "rules" not in {c["name"] for c in inspect(conn).get_columns("official_weights")}:
        # an official weighting set before: its rules are copied from the scenario it was made from
        conn.execute(text("ALTER TABLE official_weights ADD COLUMN rules TEXT"))
        conn.execute(text("UPDATE official_weights SET rules = (SELECT s.rules FROM scenarios s WHERE "
                          "s.evaluation_key = official_weights.evaluation_key "
                          "AND s.name = official_weights.scenario_name)"))
    conn.execute(update(meta_table).where(meta_table.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))


def _dump_bands(bands: Bands | Sequence[float] | None) -> str | None:
    """Bands as JSON: ``{"labels": [...], "lower": [...]}`` (bare thresholds take the default labels)."""
    if bands is None:
        return None
    if not isinstance(bands, Bands):
        bands = Bands.from_thresholds([float(b) for b in bands])
    problem = band_problem(bands)
    if problem:
        raise Refusal(problem[0], **problem[1])
    _dump_numbers([float(v) for v in bands.lower], "等级阈值")  # refuses NaN and infinity
    return json.dumps({"labels": [str(x) for x in bands.labels], "lower": [float(v) for v in bands.lower]},
                      ensure_ascii=False)


def _load_bands(text: str | None) -> Bands | None:
    """Stored bands; rows written before bands carried their labels hold a list of thresholds."""
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, list):
        return Bands.from_thresholds([float(b) for b in value])
    return Bands(tuple(str(x) for x in value["labels"]), tuple(float(v) for v in value["lower"]))


def _to_scenario(weights: dict[str, float], mode: str, bands: Bands | None,
                 rules: dict[str, float] | None = None) -> Scenario:
    leaf_mode: LeafMode = "renormalise" if mode == "renormalise" else "retotal"
    return Scenario(weights=dict(weights), mode=leaf_mode, bands=bands, rules=rules)


def _load_rules(raw: str | None) -> dict[str, float] | None:
    return None if raw is None else {str(k): float(v) for k, v in json.loads(raw).items()}


def _weights_and_bands(row: Any) -> tuple[dict[str, float], Bands | None]:
    weights = {str(k): float(v) for k, v in json.loads(row.weights).items()}
    return weights, _load_bands(row.bands)


def _scenario(row: Any) -> ScenarioRecord:
    weights, bands = _weights_and_bands(row)
    rules = _load_rules(row.rules)
    return ScenarioRecord(id=int(row.id), evaluation_key=row.evaluation_key, name=row.name, weights=weights,
                          mode=row.mode, bands=bands, note=row.note, author=row.author,
                          created_at=_utc(row.created_at), updated_at=_utc(row.updated_at), rules=rules)


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def get_store(url: str | None = None) -> Store:
    """The Store for ``url`` (default: ``database_url()``), one per URL per process."""
    resolved = database_url(url)
    with _STORES_LOCK:
        store = _STORES.get(resolved)
        if store is None:
            store = _STORES[resolved] = Store(resolved)
        return store


def clear_store_cache() -> None:
    """Dispose and forget every cached Store (tests; after a fork)."""
    with _STORES_LOCK:
        for store in _STORES.values():
            store.dispose()
        _STORES.clear()
