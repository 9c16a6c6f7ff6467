"""The workbook library: accepted workbooks stored server-side, keyed by content hash, so a
browser refresh or a second user sees them. Bundled samples are always listed.

Uploaded workbooks live in the shared database (``perfeval_core.store.database``: the bytes in the
``workbooks`` table), so several app servers pointed at one ``PERFEVAL_DATABASE_URL`` share one
library. Without that variable the database is the SQLite file ``<data_dir()>/perfeval.db``.
When the database cannot be reached the bundled samples are still listed and ``last_error()``
says why; nothing here raises for a database failure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from perfeval_core import LoadResult
from perfeval_core.io.sandbox import load_bytes
from perfeval_core.present.i18n import t
from perfeval_core.store.database import Store, StoreError, data_dir, get_store

ROOT = Path(__file__).resolve().parent.parent
# the same limit as server.maxUploadSize in .streamlit/config.toml, enforced again here because a
# client can send more than the browser widget allows
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
SAMPLES_DIR = ROOT / "sample_data"
SAMPLES = ("hohhot_2023_evaluation.xlsx", "tangshan_2024_evaluation.xlsx", "hohhot_2023_score_table.xlsx")
DEFAULT_SAMPLE = SAMPLES[0]


@dataclass(frozen=True)
class Entry:
    key: str  # sha256 of the bytes
    filename: str
    path: Path | None  # the bundled sample's file; None for an upload (its bytes are in the database)
    bundled: bool
    added: float  # epoch seconds; 0 for bundled samples


_ERROR_KEY = "_library_error"  # per session: one user's failed database call is not another's message


def last_error() -> str | None:
    """The message of this session's last database failure, or None when its last access worked."""
    return st.session_state.get(_ERROR_KEY)


def _failed(error: StoreError) -> None:
    st.session_state[_ERROR_KEY] = str(error)


def _ok() -> None:
    st.session_state.pop(_ERROR_KEY, None)


def _store() -> Store:
    """The store for the current environment (PERFEVAL_DATABASE_URL / PERFEVAL_DATA_DIR, read each time)."""
    return get_store()


def _bundled() -> list[Entry]:
    out = []
    for name in SAMPLES:
        path = SAMPLES_DIR / name
        try:
            out.append(Entry(_sample_hash(path), name, path, True, 0.0))
        except OSError:  # moved or deleted (even between two looks): simply not listed
            continue
    return out


def _stored() -> list[Entry]:
    """Uploads, oldest first. Raises StoreError."""
    return [Entry(w.sha256, w.filename, None, False, w.added_at.timestamp()) for w in _store().list_workbooks()]


_IMPORTED: set[str] = set()


def _import_legacy_files() -> None:
    """Move uploads kept by earlier versions as files (``<data_dir>/library/<sha256>.bin`` + ``.json``)
    into the store, once per process and data dir; each imported pair is renamed ``*.imported`` so a
    later removal from the library is not undone by a re-import. Raises StoreError."""
    folder = data_dir() / "library"
    if str(folder) in _IMPORTED:
        return
    for meta_path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        blob_path = meta_path.with_suffix(".bin")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = blob_path.read_bytes()
            key, filename = str(meta["sha256"]), str(meta["filename"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if hashlib.sha256(data).hexdigest() != key:
            continue
        _store().add_workbook(key, filename, data, added_by=t("library_import_author"))
        for path in (meta_path, blob_path):
            try:
                path.rename(path.with_name(path.name + ".imported"))
            except OSError:
                pass
    _IMPORTED.add(str(folder))


def entries() -> list[Entry]:
    """Bundled samples first, then stored uploads, oldest first. Never raises for a database failure:
    the samples are then listed alone and ``last_error()`` holds the message."""
    out = _bundled()
    bundled_keys = {e.key for e in out}
    try:
        _import_legacy_files()
        stored = _stored()
    except StoreError as error:
        _failed(error)
        return out
    _ok()
    return out + [e for e in stored if e.key not in bundled_keys]


_HASHES: dict[tuple[str, float], str] = {}


def _sample_hash(path: Path) -> str:
    stamp = (str(path), path.stat().st_mtime)  # raises OSError when the file is gone
    if stamp not in _HASHES:
        _HASHES[stamp] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _HASHES[stamp]


def add(data: bytes, filename: str, loader: Callable[[bytes, str], LoadResult] = load_bytes, actor: str = ""
        ) -> tuple[LoadResult, Entry | None]:
    """Validate and, when there is no error, store. A rejected file changes nothing. When the database
    fails the entry is None too and ``last_error()`` says why."""
    if len(data) > MAX_UPLOAD_BYTES:
        from perfeval_core.model.report import ValidationReport

        report = ValidationReport()
        mb = 1024 * 1024  # the unit of server.maxUploadSize
        report.error("file_too_large", size_mb=f"{len(data) / mb:.1f}", limit_mb=f"{MAX_UPLOAD_BYTES / mb:g}")
        return LoadResult(None, report), None
    result = loader(data, filename)
    if result.evaluation is None:
        return result, None
    key = result.evaluation.source_sha256
    bundled = next((e for e in _bundled() if e.key == key), None)
    if bundled is not None:
        return result, bundled
    try:
        _store().add_workbook(key, filename, data, added_by=actor)  # False when already there: the stored entry is returned
        stored = next((e for e in _stored() if e.key == key), None)
    except StoreError as error:
        _failed(error)
        return result, None
    _ok()
    return result, stored


def remove(key: str, actor: str = "") -> bool:
    try:
        removed = _store().remove_workbook(key, actor=actor)
    except StoreError as error:
        _failed(error)
        return False
    _ok()
    return removed


def read(entry: Entry) -> bytes | None:
    """The workbook's bytes: a bundled sample's file, or an upload from the database; None if gone."""
    if entry.path is not None:
        try:
            return entry.path.read_bytes()
        except OSError:
            return None
    try:
        data = _store().get_workbook(entry.key)
    except StoreError as error:
        _failed(error)
        return None
    return data
