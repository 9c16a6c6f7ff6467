"""perfeval_core.store.database on SQLite and on a real PostgreSQL server (started by tests/pg_support.py),
and the DB-backed dashboard library."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from perfeval_core.analysis.scoring import Scenario
from perfeval_core.model.evaluation import Bands
from perfeval_core.store.database import (
    SCHEMA_VERSION,
    ScenarioNameTaken,
    ScenarioNotFound,
    Store,
    StoreUnavailable,
    clear_store_cache,
    database_url,
    get_store,
)

from .pg_support import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures, registered by import)

ROOT = Path(__file__).resolve().parent.parent
THREADS = 20
SAVES_PER_THREAD = 50
_db_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """A fresh, empty database: a SQLite file in tmp_path, or a new database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'perfeval.db'}"
    server = request.getfixturevalue("postgres_server")
    request.getfixturevalue("postgres_url")  # the `perfeval` database exists too
    return server.create_database(f"test_{next(_db_names)}")


@pytest.fixture
def store(url):
    s = Store(url)
    yield s
    s.dispose()


def run_threads(target, count: int = THREADS) -> list:
    """Start ``count`` threads together (a barrier); return their results; re-raise the first failure."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[:3]
    return results


# --- scenarios ---------------------------------------------------------------------------------

def test_scenario_round_trip(store):
    before = datetime.now(UTC) - timedelta(seconds=5)
    saved = store.save_scenario("ev-a", "决策加权", {"决策": 25, "1.1": 7.5}, "renormalise", [90, 80, 60],
                                note="试算", author="张三")
    assert saved.id > 0 and saved.evaluation_key == "ev-a" and saved.name == "决策加权"
    assert saved.weights == {"决策": 25.0, "1.1": 7.5} and saved.mode == "renormalise"
    assert saved.bands == Bands.from_thresholds([90, 80, 60]) and saved.note == "试算" and saved.author == "张三"
    assert saved.created_at.tzinfo is not None and saved.created_at.utcoffset() == timedelta(0)
    assert before < saved.created_at <= saved.updated_at < datetime.now(UTC) + timedelta(seconds=5)

    assert store.get_scenario(saved.id) == saved
    assert store.list_scenarios() == [saved]
    assert store.list_scenarios("ev-a") == [saved] and store.list_scenarios("other") == []
    assert saved.to_scenario() == Scenario(weights={"决策": 25.0, "1.1": 7.5}, mode="renormalise",
                                           bands=Bands(("优", "良", "中", "差"), (90.0, 80.0, 60.0, 0.0)))

    plain = store.save_scenario("ev-a", "无阈值", {}, "retotal", None)
    assert plain.bands is None and plain.note == "" and plain.author == ""
    assert plain.to_scenario() == Scenario()
    assert [s.id for s in store.list_scenarios()] == [plain.id, saved.id]  # newest first

    renamed = store.rename_scenario(saved.id, "新名称", actor="李四")
    assert renamed.name == "新名称" and renamed.id == saved.id and renamed.updated_at >= saved.updated_at
    assert renamed.created_at == saved.created_at and renamed.weights == saved.weights
    assert store.get_scenario(saved.id).name == "新名称"

    assert store.delete_scenario(saved.id, actor="李四") is True
    assert store.get_scenario(saved.id) is None
    assert store.delete_scenario(saved.id) is False
    assert [s.id for s in store.list_scenarios()] == [plain.id]


def test_a_scenario_can_be_made_the_official_weighting(store):
    from perfeval_core.store.database import ScenarioNotFound

    saved = store.save_scenario("ev-a", "效益加权", {"D": 40}, "renormalise", [85, 75, 60], author="甲")
    other = store.save_scenario("ev-b", "别的评价", {"D": 20}, "renormalise", None)
    assert store.get_official("ev-a") is None
    record = store.set_official("ev-a", saved.id, actor="编辑者")
    assert (record.scenario_name, record.weights, record.bands, record.set_by) == ("效益加权", {"D": 40.0},
                                                                                  Bands.from_thresholds([85, 75, 60]), "编辑者")
    assert record.to_scenario() == saved.to_scenario()
    with pytest.raises(ScenarioNotFound):
        store.set_official("ev-a", other.id)  # a scenario of another evaluation
    store.delete_scenario(saved.id)
    assert store.get_official("ev-a") == record  # a copy: deleting the scenario keeps the official weights
    assert store.clear_official("ev-a", actor="编辑者") is True and store.get_official("ev-a") is None
    assert store.clear_official("ev-a") is False
    actions = [(e.action, e.actor) for e in store.audit_entries()]
    assert ("set_official", "编辑者") in actions and ("clear_official", "编辑者") in actions


def test_the_official_weighting_keeps_its_budget_rules(store):
    rules = {"优": 0.05, "良": 0.0, "中": -0.2, "差": -1.0}
    saved = store.save_scenario("ev-r", "严格", {"D": 40}, "renormalise", None, rules=rules)
    record = store.set_official("ev-r", saved.id)
    assert record.rules == rules and record.to_scenario().rules == rules
    assert store.get_official("ev-r") == record
    plain = store.save_scenario("ev-r", "默认规则", {"D": 30}, "renormalise", None)
    assert store.set_official("ev-r", plain.id).rules is None and store.get_official("ev-r").rules is None


def test_bad_scenario_input_is_refused(store):
    with pytest.raises(ValueError):
        store.save_scenario("ev", "  ", {}, "retotal", None)
    with pytest.raises(ValueError):
        store.save_scenario("ev", "x", {}, "sideways", None)
    with pytest.raises(ValueError):
        store.save_scenario("ev", "x", {"a": float("nan")}, "retotal", None)
    with pytest.raises(ValueError):
        store.save_scenario("ev", "名" * 201, {}, "retotal", None)  # same limit on both backends
    assert store.list_scenarios() == []
    long_name = store.save_scenario("ev", "名" * 200, {}, "retotal", None)
    with pytest.raises(ValueError):
        store.rename_scenario(long_name.id, "")


def test_saving_an_existing_name_updates_it(store):
    first = store.save_scenario("ev-a", "方案一", {"决策": 20}, "retotal", None, note="v1", author="甲")
    other_eval = store.save_scenario("ev-b", "方案一", {"决策": 1}, "retotal", None)
    assert other_eval.id != first.id  # names are unique per evaluation only
    second = store.save_scenario("ev-a", "方案一", {"过程": 30}, "renormalise", [95, 85, 70], note="v2", author="乙")
    assert second.id == first.id
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    assert second.weights == {"过程": 30.0} and second.mode == "renormalise" and second.bands == Bands.from_thresholds([95, 85, 70])
    assert second.note == "v2" and second.author == "乙"
    assert store.get_scenario(first.id) == second
    assert len(store.list_scenarios("ev-a")) == 1 and len(store.list_scenarios()) == 2
    assert store.list_scenarios()[0].id == first.id  # the update made it the most recent


def test_rename_conflict(store):
    a = store.save_scenario("ev", "甲", {}, "retotal", None)
    b = store.save_scenario("ev", "乙", {}, "retotal", None)
    elsewhere = store.save_scenario("ev-2", "丙", {}, "retotal", None)
    with pytest.raises(ScenarioNameTaken) as caught:
        store.rename_scenario(b.id, "甲")
    assert "甲" in str(caught.value) and caught.value.evaluation_key == "ev"
    assert store.get_scenario(b.id).name == "乙" and store.get_scenario(a.id).name == "甲"
    assert store.rename_scenario(elsewhere.id, "甲").name == "甲"  # another evaluation: allowed
    assert store.rename_scenario(a.id, "甲").name == "甲"  # renaming to its own name is fine
    with pytest.raises(ScenarioNotFound):
        store.rename_scenario(99999, "丁")
    # the store still works after the failed statement (PostgreSQL aborts the transaction)
    assert store.save_scenario("ev", "丁", {}, "retotal", None).name == "丁"


def test_a_version_1_database_gains_the_rules_column(tmp_path):
    """A database written before scenarios kept their 评价结果应用 rules opens, keeps its rows, and
    stores rules from then on."""
    import sqlite3

    path = tmp_path / "v1.db"
    first = Store(f"sqlite:///{path}")
    old = first.save_scenario("ev", "旧方案", {"D": 40}, "renormalise", None)
    first.dispose()
    with sqlite3.connect(path) as db:  # back to version 1: no rules column
        db.execute("ALTER TABLE scenarios DROP COLUMN rules")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    again = Store(f"sqlite:///{path}")
    try:
        assert again.schema_version() == SCHEMA_VERSION
        kept = again.get_scenario(old.id)
        assert kept is not None and kept.weights == {"D": 40.0} and kept.rules is None
        rules = {"优": 0.1, "良": 0.0, "中": -0.1, "差": -1.0}
        saved = again.save_scenario("ev", "新方案", {"D": 30}, "renormalise", None, rules=rules)
        assert again.get_scenario(saved.id).rules == rules
    finally:
        again.dispose()


def test_a_version_2_database_gains_the_official_rules_column(tmp_path):
    """An official weighting set before it kept rules takes them from the scenario it was made of."""
    import sqlite3

    path = tmp_path / "v2.db"
    first = Store(f"sqlite:///{path}")
    rules = {"优": 0.1, "良": 0.0, "中": -0.1, "差": -0.5}
    saved = first.save_scenario("ev", "方案", {"D": 40}, "renormalise", None, rules=rules)
    first.set_official("ev", saved.id)
    first.dispose()
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE official_weights DROP COLUMN rules")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    again = Store(f"sqlite:///{path}")
    try:
        assert again.schema_version() == SCHEMA_VERSION == 3
        assert again.get_official("ev").rules == rules
    finally:
        again.dispose()


def test_data_survives_reopening(url):
    first = Store(url)
    saved = first.save_scenario("ev", "保存", {"决策": 20}, "retotal", [90, 80, 60], author="甲")
    assert first.add_workbook("ab" * 32, "库.xlsx", b"\x00\x01bytes")
    first.dispose()
    again = Store(url)
    try:
        assert again.get_scenario(saved.id) == saved
        assert again.get_workbook("ab" * 32) == b"\x00\x01bytes"
        assert again.schema_version() == SCHEMA_VERSION == 3
        assert [e.action for e in again.audit_entries()] == ["add", "save"]
    finally:
        again.dispose()


def test_concurrent_saves_with_distinct_names_lose_nothing(store):
    def work(thread: int) -> list[int]:
        return [store.save_scenario("ev", f"t{thread}-{i}", {"t": thread, "i": i}, "retotal", None,
                                    author=f"user{thread}").id for i in range(SAVES_PER_THREAD)]

    started = time.perf_counter()
    ids = [i for chunk in run_threads(work) for i in chunk]
    elapsed = time.perf_counter() - started
    total = THREADS * SAVES_PER_THREAD
    assert len(ids) == total and len(set(ids)) == total
    rows = store.list_scenarios("ev")
    assert len(rows) == total and {r.id for r in rows} == set(ids)
    assert {(r.name, r.weights["t"], r.weights["i"]) for r in rows} == {
        (f"t{t}-{i}", t, i) for t in range(THREADS) for i in range(SAVES_PER_THREAD)}
    assert store.count("scenarios") == total and store.count("audit_log") == total
    print(f"\n{store.dialect}: {total} concurrent saves in {elapsed:.2f}s")


def test_concurrent_upserts_of_the_same_names_leave_one_row_each(store):
    names = ["甲", "乙", "丙", "丁", "戊"]

    def work(thread: int) -> list[tuple[str, int, dict]]:
        out = []
        for i in range(SAVES_PER_THREAD):
            name = names[(thread + i) % len(names)]
            record = store.save_scenario("ev", name, {"t": thread, "i": i}, "retotal", [95.0, 1.0 + i],
                                         author=f"user{thread}")
            out.append((name, record.id, record.weights))
        return out

    saves = [s for chunk in run_threads(work) for s in chunk]
    rows = store.list_scenarios("ev")
    assert sorted(r.name for r in rows) == sorted(names)
    ids = {r.name: r.id for r in rows}
    assert all(ids[name] == scenario_id for name, scenario_id, _ in saves)  # every save hit the one row
    written = {name: [w for n, _, w in saves if n == name] for name in names}
    for row in rows:
        assert row.weights in written[row.name]  # the final value is one that was saved, intact
        assert row.bands is not None and row.bands.thresholds == (95.0, 1.0 + row.weights["i"])  # from the same save as the weights
    assert store.count("scenarios") == len(names)
    log = store.audit_entries(limit=10_000)
    assert len(log) == THREADS * SAVES_PER_THREAD and {e.action for e in log} == {"save"}
    created = Counter(json.loads(e.detail)["name"] for e in log if json.loads(e.detail)["created"])
    assert created == Counter(names)  # each name was created exactly once


# --- workbook library --------------------------------------------------------------------------

def test_workbook_library(store):
    data = b"PK\x03\x04 workbook bytes \x00\xff" * 100
    key = hashlib.sha256(data).hexdigest()
    assert store.list_workbooks() == [] and store.get_workbook(key) is None
    assert store.add_workbook(key, "唐山.xlsx", data, added_by="甲") is True
    assert store.add_workbook(key, "again.xlsx", data, added_by="乙") is False  # already present
    [record] = store.list_workbooks()
    assert (record.sha256, record.filename, record.size, record.added_by) == (key, "唐山.xlsx", len(data), "甲")
    assert record.added_at.utcoffset() == timedelta(0) and not hasattr(record, "data")
    assert store.get_workbook(key) == data

    other = b"second"
    other_key = hashlib.sha256(other).hexdigest()
    assert store.add_workbook(other_key, "b.csv", other)
    assert [w.sha256 for w in store.list_workbooks()] == [key, other_key]  # oldest first

    assert store.remove_workbook(key, actor="乙") is True
    assert store.remove_workbook(key) is False
    assert store.get_workbook(key) is None
    assert [w.sha256 for w in store.list_workbooks()] == [other_key]


def test_concurrent_adds_of_one_workbook_store_it_once(store):
    data = os.urandom(50_000)
    key = hashlib.sha256(data).hexdigest()
    results = run_threads(lambda t: store.add_workbook(key, f"copy{t}.xlsx", data, added_by=f"user{t}"))
    assert results.count(True) == 1 and results.count(False) == THREADS - 1
    assert len(store.list_workbooks()) == 1 and store.get_workbook(key) == data
    assert [e.action for e in store.audit_entries()] == ["add"]


# --- audit log ---------------------------------------------------------------------------------

def test_audit_entries_are_recorded(store):
    s = store.save_scenario("ev", "甲", {}, "retotal", None, author="张三")
    store.save_scenario("ev", "甲", {"a": 1}, "retotal", None, author="李四")
    store.rename_scenario(s.id, "乙", actor="王五")
    store.delete_scenario(s.id, actor="赵六")
    store.add_workbook("k" * 64, "a.xlsx", b"x", added_by="钱七")
    store.remove_workbook("k" * 64, actor="孙八")
    store.log("管理员", "export", "scenario:all", "导出")
    log = store.audit_entries()
    assert [(e.actor, e.action, e.target) for e in log] == [
        ("管理员", "export", "scenario:all"),
        ("孙八", "remove", "workbook:" + "k" * 64),
        ("钱七", "add", "workbook:" + "k" * 64),
        ("赵六", "delete", f"scenario:{s.id}"),
        ("王五", "rename", f"scenario:{s.id}"),
        ("李四", "save", f"scenario:{s.id}"),
        ("张三", "save", f"scenario:{s.id}"),
    ]
    assert log[0].detail == "导出" and log[0].at.utcoffset() == timedelta(0)
    assert json.loads(log[4].detail) == {"evaluation": "ev", "old": "甲", "new": "乙"}
    assert json.loads(log[6].detail)["created"] is True and json.loads(log[5].detail)["created"] is False
    assert [e.id for e in log] == sorted((e.id for e in log), reverse=True)
    assert len(store.audit_entries(limit=3)) == 3


# --- configuration, errors ---------------------------------------------------------------------

def test_a_kept_sign_in_is_a_one_time_code_then_a_session_token(store):
    code = store.start_sign_in("zhang", "stamp-1", seconds=60)
    assert store.signed_in(code) is None  # a code is not a session
    token, username = store.redeem_sign_in(code, seconds=3600)
    assert username == "zhang" and token != code and len(token) >= 43
    assert store.redeem_sign_in(code, seconds=3600) is None  # used up
    assert store.signed_in(token) == ("zhang", "stamp-1")
    # only digests are stored: a copy of the database holds no usable code or token
    with store._tx() as conn:
        stored = [tuple(r) for r in conn.execute(text("SELECT token_hash, kind, username FROM sign_ins"))]
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), "session", "zhang")]
    assert store.end_sign_in(token) and store.signed_in(token) is None and not store.end_sign_in(token)
    for junk in ("", "x" * 10_000, "nonsense"):
        assert store.signed_in(junk) is None and store.redeem_sign_in(junk, 60) is None


def test_expired_codes_and_sessions_sign_nobody_in(store):
    late = store.start_sign_in("li", "s", seconds=-1)
    assert store.redeem_sign_in(late, seconds=3600) is None
    token, _ = store.redeem_sign_in(store.start_sign_in("li", "s", seconds=60), seconds=-1)
    assert store.signed_in(token) is None
    store.start_sign_in("wang", "s", seconds=60)  # clears the expired rows on the way
    with store._tx() as conn:
        assert [r.username for r in conn.execute(text("SELECT username FROM sign_ins"))] == ["wang"]


def test_one_code_redeemed_by_racing_requests_makes_one_session(store):
    code = store.start_sign_in("zhao", "s", seconds=60)
    results = run_threads(lambda _: store.redeem_sign_in(code, seconds=60), count=8)
    assert sum(r is not None for r in results) == 1


def test_default_url_and_sqlite_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("PERFEVAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "nested" / "data"))
    assert database_url() == f"sqlite:///{tmp_path / 'nested' / 'data' / 'perfeval.db'}"
    store = get_store()
    try:
        assert get_store() is store and get_store(database_url()) is store
        store.ping()
        assert (tmp_path / "nested" / "data" / "perfeval.db").exists()
        with store._engine.connect() as conn:
            pragmas = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                       for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
        assert pragmas["journal_mode"] == "wal" and pragmas["synchronous"] == 2  # FULL
        assert pragmas["foreign_keys"] == 1 and pragmas["busy_timeout"] >= 1000
        monkeypatch.setenv("PERFEVAL_DATABASE_URL", "sqlite:///" + str(tmp_path / "other.db"))
        assert get_store() is not store and get_store().url.endswith("other.db")
    finally:
        clear_store_cache()


def test_unreachable_postgres_is_store_unavailable_quickly():
    store = Store("postgresql+psycopg://127.0.0.1:1/x?connect_timeout=3")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        store.list_scenarios()
    assert time.monotonic() - started < 5
    assert str(caught.value).startswith("无法连接数据库")
    with pytest.raises(StoreUnavailable):
        store.save_scenario("ev", "x", {}, "retotal", None)
    with pytest.raises(StoreUnavailable):
        store.add_workbook("k", "f", b"")


def test_unopenable_sqlite_and_bad_urls_are_store_unavailable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable):
        Store(f"sqlite:///{blocker / 'sub' / 'perfeval.db'}").list_workbooks()
    with pytest.raises(StoreUnavailable):
        Store("mysql://nobody@127.0.0.1/x")
    with pytest.raises(StoreUnavailable):
        Store("not a url")


# --- durability --------------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys, threading
    from perfeval_core.store.database import Store

    store = Store(sys.argv[1])
    lock = threading.Lock()

    def loop(thread):
        i = 0
        while True:
            record = store.save_scenario("ev", f"r{sys.argv[2]}-w{thread}-{i}", {"i": i}, "retotal", [90, 80, 60], note="x" * 500)
            with lock:
                sys.stdout.write(f"{record.id}\\n")
                sys.stdout.flush()
            i += 1

    for t in range(4):
        threading.Thread(target=loop, args=(t,), daemon=True).start()
    threading.Event().wait()
""")


def test_sqlite_save_survives_kill_9(tmp_path):
    """Every id printed after save_scenario returned is in the database after a SIGKILL mid-run."""
    db = tmp_path / "perfeval.db"
    url = f"sqlite:///{db}"
    Store(url).ping()  # tables exist before the writer starts
    printed: list[int] = []
    for round_, wanted in enumerate((20, 150, 400)):  # kill at different points
        proc = subprocess.Popen([sys.executable, "-c", WRITER, url, str(round_)], stdout=subprocess.PIPE, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout is not None
        seen = 0
        deadline = time.monotonic() + 120
        while seen < wanted and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            printed.append(int(line))
            seen += 1
        assert seen >= wanted, f"the writer stopped early (exit code {proc.poll()})"
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        printed += [int(line) for line in rest.split(b"\n")[:-1]]  # only complete lines

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = {row[0] for row in conn.execute("SELECT id FROM scenarios")}
    finally:
        conn.close()
    missing = set(printed) - present
    assert not missing, f"{len(missing)} saved scenarios lost: {sorted(missing)[:10]}"
    assert len(printed) == len(set(printed))
    again = Store(url)
    assert {s.id for s in again.list_scenarios()} == present
    again.dispose()


# --- the dashboard library on the store --------------------------------------------------------

@pytest.fixture
def library(tmp_path, monkeypatch):
    from dashboard import library

    monkeypatch.delenv("PERFEVAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    yield library
    clear_store_cache()


def test_library_keeps_uploads_in_the_database(library, tmp_path):
    sample = (library.SAMPLES_DIR / "tangshan_2024_evaluation.xlsx").read_bytes()
    data = sample + b"\x00"  # another file with the same contents as far as the loader cares

    def fake_loader(raw: bytes, name: str):
        from perfeval_core import load_bytes

        result = load_bytes(sample, name)
        assert result.evaluation is not None
        result.evaluation.source_sha256 = hashlib.sha256(raw).hexdigest()
        return result

    bundled = library.entries()
    assert [e.filename for e in bundled] == list(library.SAMPLES) and all(e.bundled for e in bundled)
    result, entry = library.add(data, "上传.xlsx", loader=fake_loader)
    assert entry is not None and not entry.bundled and entry.path is None
    assert entry.key == hashlib.sha256(data).hexdigest() and entry.added > 0
    assert library.entries() == bundled + [entry]
    assert library.read(entry) == data
    assert library.read(bundled[0]) == (library.SAMPLES_DIR / bundled[0].filename).read_bytes()
    assert get_store().list_workbooks()[0].filename == "上传.xlsx"
    assert (tmp_path / "data" / "perfeval.db").exists()
    assert library.add(data, "again.xlsx", loader=fake_loader)[1] == entry  # idempotent
    _, sample_entry = library.add(sample, "copy of a sample.xlsx")
    assert sample_entry == bundled[1]  # a bundled sample is not stored again
    assert library.remove(entry.key) is True and library.remove(entry.key) is False
    assert library.entries() == bundled and library.read(entry) is None
    assert library.last_error() is None


def test_library_lists_the_samples_when_the_database_is_down(library, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DATABASE_URL", "postgresql+psycopg://127.0.0.1:1/x?connect_timeout=2")
    entries = library.entries()
    assert [e.filename for e in entries] == list(library.SAMPLES)
    assert library.last_error() is not None and library.last_error().startswith("无法连接数据库")
    assert library.read(entries[0]) is not None  # bundled bytes need no database
    assert library.remove("0" * 64) is False
    sample = (library.SAMPLES_DIR / "tangshan_2024_evaluation.xlsx").read_bytes()
    result, entry = library.add(sample + b"\x00", "x.xlsx")
    assert entry is None and result.evaluation is not None and library.last_error()
    monkeypatch.setenv("PERFEVAL_DATABASE_URL", "not a url")
    assert len(library.entries()) == len(library.SAMPLES) and library.last_error()


def test_library_imports_files_from_earlier_versions(library, tmp_path):
    folder = tmp_path / "data" / "library"
    folder.mkdir(parents=True)
    data = b"an old upload"
    key = hashlib.sha256(data).hexdigest()
    (folder / f"{key}.bin").write_bytes(data)
    (folder / f"{key}.json").write_text(json.dumps({"sha256": key, "filename": "旧.xlsx", "added": 1.0}),
                                        encoding="utf-8")
    (folder / "broken.json").write_text("{", encoding="utf-8")
    entries = library.entries()
    assert [e.filename for e in entries if not e.bundled] == ["旧.xlsx"]
    assert library.read(entries[-1]) == data
    assert not list(folder.glob("*.bin")) and (folder / f"{key}.bin.imported").exists()
    library.remove(key)
    library._IMPORTED.clear()  # a new process: the removal is not undone
    assert [e for e in library.entries() if not e.bundled] == []
