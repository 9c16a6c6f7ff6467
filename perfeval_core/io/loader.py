"""The one entry point for loading a workbook: bytes in, (evaluation or None, report) out.

It tells the families apart (our template, 指标得分情况表 with coded levels, 评分表 / 自评表; a
Word file's tables read as sheets; a .zip or folder of forms becomes one portfolio) and runs the
checks every family shares."""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from perfeval_core.io import portfolio
from perfeval_core.io.checks import check_evaluation, cross_check, resolve_scores
from perfeval_core.io.codelist import find_code_list, load_code_list
from perfeval_core.io.scoretable import find_score_table, is_self_evaluation_sheet, load_score_table
from perfeval_core.io.sheets import RawWorkbook, read_workbook
from perfeval_core.io.template import is_template, load_template
from perfeval_core.model.evaluation import Evaluation
from perfeval_core.model.report import LoadRefused, ValidationReport

LAYOUT_NAMES = {"template": ("评价模板（多工作表）", "evaluation template (multi-sheet)"),
                "score_table": ("评分表（单表）", "score table (single sheet)"),
                "self_evaluation": ("项目支出绩效自评表", "project self-evaluation form (自评表)"),
                "code_list": ("指标得分情况表（按代码分级）", "score list with coded hierarchy (得分情况表)"),
                "portfolio": ("项目组合（多个文件）", "portfolio (several files)")}


@dataclass
class LoadResult:
    evaluation: Evaluation | None  # None for a blank form: see indicator_system
    report: ValidationReport
    # what was read, scored or not: a blank form (points, no 得分) is an indicator system only
    indicator_system: Evaluation | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok and (self.evaluation is not None or self.indicator_system is not None)

    @property
    def blank(self) -> bool:
        """A blank form: it loaded without errors but nothing in it is scored."""
        return self.report.ok and self.evaluation is None and self.indicator_system is not None


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """CPython's cyclic garbage collector off while a workbook loads.

    A load allocates millions of containers (a list per row, a tuple per cell key, the
    transposed columns), none of them part of a reference cycle, and the collector walks all of
    them again at every older-generation collection: 10-20 % of a 50,000- or 200,000-unit load.
    Reference counting still frees everything as usual. The switch is process-wide, so
    concurrent loads share it: the first one in turns the collector off, the last one out turns
    it back on (if it was on)."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def load_bytes(data: bytes, filename: str = "") -> LoadResult:
    """Load a workbook, a Word file, or a .zip of forms (one portfolio). Never raises: every
    problem is in the report."""
    report = ValidationReport()
    try:
        with _cyclic_gc_paused():
            if portfolio.is_bundle(data):
                bundle = portfolio.read_zip(data)
                evaluation = _load_bundle(bundle, filename, report)
            else:
                evaluation = _load(data, filename, report)
    except LoadRefused as refused:
        report.issues.append(refused.issue)
        evaluation = None
    except MemoryError:
        report.error("parse_limit", file=filename or "—", detail="内存不足", detail_en="more memory than allowed")
        evaluation = None
    except Exception as exc:  # a bug must still not become a traceback for the user
        report.error("read_failed", detail=f"{type(exc).__name__}: {str(exc)[:200]}")
        evaluation = None
    report.finish()
    if evaluation is not None:
        evaluation.source_sha256 = hashlib.sha256(data).hexdigest()
        evaluation.source_name = filename
    return _result(evaluation, report)


def _result(evaluation: Evaluation | None, report: ValidationReport) -> LoadResult:
    """What a load gives: nothing on an error; an indicator system only for a blank form."""
    if evaluation is None or not report.ok:
        return LoadResult(None, report)
    return LoadResult(evaluation if evaluation.scored else None, report, evaluation)


def load_path(path: str | Path) -> LoadResult:
    """Load a file, or every form in a folder as one portfolio."""
    path = Path(path)
    if path.is_dir():
        report = ValidationReport()
        with _cyclic_gc_paused():
            evaluation = _load_bundle(portfolio.read_folder(path), path.name, report)
        report.finish()
        if evaluation is not None:
            evaluation.source_name = path.name
        return _result(evaluation, report)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report = ValidationReport()
        report.error("read_failed", detail=str(exc)[:200])
        return LoadResult(None, report)
    return load_bytes(data, path.name)


def _load_bundle(bundle: portfolio.Bundle, name: str, report: ValidationReport) -> Evaluation | None:
    report.layout = "portfolio"
    return _checked_portfolio(portfolio.combine(bundle.files, report, bundle.refused, _stem(name)), report)


def _stem(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _checked_portfolio(evaluation: Evaluation | None, report: ValidationReport) -> Evaluation | None:
    """A portfolio through the checks every layout gets: the 得分率 each project carries become
    points as well, and the policy checks run."""
    if evaluation is not None:
        resolve_scores(evaluation, report)
        check_evaluation(evaluation, report)
    return evaluation


def _load(data: bytes, filename: str, report: ValidationReport) -> Evaluation | None:
    raw = read_workbook(data, filename)
    try:
        return _load_read(raw, filename, report)
    finally:
        raw.close()


def _load_read(raw: RawWorkbook, filename: str, report: ValidationReport) -> Evaluation | None:
    report.issues.extend(raw.issues)
    if len(raw.sheets) > 1 and not is_template(raw):
        # each sheet as a workbook of its own, kept: the table found in it is found once
        forms = [one for one in (RawWorkbook(raw.kind, [sheet], []) for sheet in raw.sheets)
                 if is_self_evaluation_sheet(one)]
        if len(forms) > 1:  # a workbook with one 自评表 per sheet: a portfolio of its projects
            return _load_sheets(forms, filename, report)
    return _load_raw(raw, filename, report)


def _load_sheets(forms: list[RawWorkbook], filename: str, report: ValidationReport) -> Evaluation | None:
    report.layout = "portfolio"

    def results() -> Iterator[tuple[str, LoadResult]]:
        for form in forms:
            own = ValidationReport()
            evaluation = _load_raw(form, filename, own)
            own.finish()
            yield form.sheets[0].name, _result(evaluation, own)

    return _checked_portfolio(portfolio.combine_results(results(), report, _stem(filename)), report)


def _load_raw(raw: RawWorkbook, filename: str, report: ValidationReport) -> Evaluation | None:
    if is_template(raw):
        report.layout = "template"
        report.info("layout_detected", layout=LAYOUT_NAMES["template"][0])
        evaluation = load_template(raw, report, filename)
    elif find_code_list(raw) is not None:
        report.layout = "code_list"
        evaluation = load_code_list(raw, report, filename)
    elif find_score_table(raw) is not None:
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
