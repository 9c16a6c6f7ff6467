"""The one entry point for loading a workbook: bytes in, (evaluation or None, report) out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .checks import check_evaluation, cross_check, resolve_scores
from .model import Evaluation
from .report import LoadRefused, ValidationReport
from .scoretable import find_score_table, load_score_table
from .sheets import read_workbook
from .template import is_template, load_template

LAYOUT_NAMES = {"template": ("评价模板（多工作表）", "evaluation template (multi-sheet)"),
                "score_table": ("评分表（单表）", "score table (single sheet)")}


@dataclass
class LoadResult:
    evaluation: Evaluation | None
    report: ValidationReport

    @property
    def ok(self) -> bool:
        return self.evaluation is not None and self.report.ok


def load_bytes(data: bytes, filename: str = "") -> LoadResult:
    """Load a workbook. Never raises: every problem is in the report."""
    report = ValidationReport()
    try:
        evaluation = _load(data, filename, report)
    except LoadRefused as refused:
        report.issues.append(refused.issue)
        evaluation = None
    except MemoryError:
        report.error("read_failed", detail="内存不足")
        evaluation = None
    except Exception as exc:  # a bug must still not become a traceback for the user
        report.error("read_failed", detail=f"{type(exc).__name__}: {str(exc)[:200]}")
        evaluation = None
    report.finish()
    if evaluation is not None:
        evaluation.source_sha256 = hashlib.sha256(data).hexdigest()
        evaluation.source_name = filename
    return LoadResult(evaluation if report.ok else None, report)


def load_path(path: str | Path) -> LoadResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report = ValidationReport()
        report.error("read_failed", detail=str(exc)[:200])
        return LoadResult(None, report)
    return load_bytes(data, path.name)


def _load(data: bytes, filename: str, report: ValidationReport) -> Evaluation | None:
    raw = read_workbook(data, filename)
    report.issues.extend(raw.issues)
    if is_template(raw):
        report.layout = "template"
        report.info("layout_detected", layout=LAYOUT_NAMES["template"][0])
        evaluation = load_template(raw, report, filename)
    elif find_score_table(raw) is not None:
        report.layout = "score_table"
        evaluation = load_score_table(raw, report, filename)
    else:
        report.error("layout_unknown", missing="指标体系")
        return None
    if evaluation is None or not report.ok:
        return None
    resolve_scores(evaluation, report)
    check_evaluation(evaluation, report)
    if not report.ok:
        return None
    cross_check(evaluation, report)
    return evaluation
