"""The workbook library: accepted workbooks stored server-side, keyed by content hash, so a
browser refresh or a second user sees them. Bundled samples are always listed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from perfeval_core import LoadResult
from perfeval_core.loader import load_bytes
from perfeval_core.safety import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "sample_data"
SAMPLES = ("hohhot_2023_evaluation.xlsx", "tangshan_2024_evaluation.xlsx", "hohhot_2023_score_table.xlsx")
DEFAULT_SAMPLE = SAMPLES[0]


def data_dir() -> Path:
    return Path(os.environ.get("PERFEVAL_DATA_DIR", ROOT / "data"))


@dataclass(frozen=True)
class Entry:
    key: str  # sha256 of the bytes
    filename: str
    path: Path
    bundled: bool
    added: float


def _library_dir() -> Path:
    path = data_dir() / "library"
    path.mkdir(parents=True, exist_ok=True)
    return path


def entries() -> list[Entry]:
    """Bundled samples first, then stored uploads, oldest first."""
    out = []
    for name in SAMPLES:
        path = SAMPLES_DIR / name
        if path.exists():
            out.append(Entry(_sample_hash(path), name, path, True, 0.0))
    stored = []
    try:
        metas = sorted(_library_dir().glob("*.json"))
    except OSError:
        metas = []
    for meta_path in metas:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            path = meta_path.with_suffix(".bin")
            stored.append(Entry(meta["sha256"], meta["filename"], path, False, float(meta.get("added", 0))))
        except (OSError, ValueError, KeyError):
            continue
    return out + sorted(stored, key=lambda e: e.added)


_HASHES: dict[tuple[str, float], str] = {}


def _sample_hash(path: Path) -> str:
    stamp = (str(path), path.stat().st_mtime)
    if stamp not in _HASHES:
        _HASHES[stamp] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _HASHES[stamp]


def add(data: bytes, filename: str, loader: Callable[[bytes, str], LoadResult] = load_bytes
        ) -> tuple[LoadResult, Entry | None]:
    """Validate and, when there is no error, store. A rejected file changes nothing."""
    if len(data) > MAX_FILE_BYTES:
        from perfeval_core.report import ValidationReport

        report = ValidationReport()
        report.error("file_too_large", size_mb=f"{len(data) / 1e6:.0f}", limit_mb=f"{MAX_FILE_BYTES / 1e6:.0f}")
        return LoadResult(None, report), None
    result = loader(data, filename)
    if result.evaluation is None:
        return result, None
    key = result.evaluation.source_sha256
    for entry in entries():
        if entry.key == key:
            return result, entry
    folder = _library_dir()
    target = folder / f"{key}.bin"
    tmp = folder / f".{key}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, target)  # atomic: readers never see half a file
    meta = {"sha256": key, "filename": filename, "added": time.time(), "size": len(data)}
    meta_tmp = folder / f".{key}.{os.getpid()}.json.tmp"
    meta_tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(meta_tmp, folder / f"{key}.json")
    return result, Entry(key, filename, target, False, meta["added"])


def remove(key: str) -> bool:
    folder = _library_dir()
    removed = False
    for suffix in (".json", ".bin"):
        try:
            (folder / f"{key}{suffix}").unlink()
            removed = True
        except FileNotFoundError:
            pass
    return removed


def read(entry: Entry) -> bytes | None:
    try:
        return entry.path.read_bytes()
    except OSError:
        return None
