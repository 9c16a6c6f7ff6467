"""A folder or .zip of forms, one project each (or a workbook with one 自评表 per sheet), as one
portfolio evaluation.

A finance bureau receives hundreds of 自评表, one per project. Loaded together they become one
``Evaluation`` (layout "portfolio"): a unit per file, named by its 项目名称, grouped under its
主管部门 (so the 地区对比 drill-down works by department), under one root for the whole portfolio.

The indicators are the level-1 indicators the files share (预算执行率 / 产出指标 / 效益指标 /
满意度指标, or 决策 / 过程 / 产出 / 效益): each project's level-1 subtotals become its 得分率 on
them, so the what-if sliders move every project at once. Lower levels differ from project to
project and stay in each file. A department's and the portfolio's scores are the plain average
of their projects' (said so in the unit's note). A file that cannot be read, is blank, or has
other level-1 indicators than most files is reported by name and skipped; the rest load.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfeval_core.analysis.scoring import model_of, project_unit
from perfeval_core.io import safety
from perfeval_core.model.evaluation import (
    BUDGET_COLUMNS,
    FINDING_COLUMNS,
    INDICATOR_COLUMNS,
    PROJECT_COLUMNS,
    SCORE_COLUMNS,
    UNIT_COLUMNS,
    Evaluation,
    ProjectInfo,
    figure,
)
from perfeval_core.model.messages import render
from perfeval_core.model.report import LoadRefused, ValidationReport

if TYPE_CHECKING:
    from perfeval_core.io.loader import LoadResult

READABLE = (".xlsx", ".xlsm", ".xls", ".csv", ".docx")
MAX_FILES = 2000  # forms in one folder or archive
ROOT_NAME = "全部项目"
NO_DEPARTMENT = "未注明主管部门"
AVERAGE_NOTE = "所属项目得分的平均"


@dataclass
class Bundle:
    """The files of a folder or archive: (name, bytes) of the readable ones, and why others were not read."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, message key)


def is_bundle(data: bytes) -> bool:
    """A zip archive holding files (not itself an Excel or Word file)."""
    if data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        return False
    try:
        safety._count_zip_entries(data)  # before zipfile builds a ZipInfo per entry
    except LoadRefused:
        return False  # the preflight refuses it with its own message
    try:
        names = {n.lower() for n in zipfile.ZipFile(BytesIO(data)).namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False
    if "xl/workbook.xml" in names or "word/document.xml" in names or "[content_types].xml" in names:
        return False
    return any(n.endswith(READABLE) for n in names)


def _readable(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.lower().endswith(READABLE) and not base.startswith(("~$", ".")) and "__MACOSX" not in name


def read_zip(data: bytes) -> Bundle:
    """The forms inside an archive, bounded: entry count, each member's size and ratio, and the
    total are checked against the safety limits before anything is inflated."""
    bundle = Bundle()
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        bundle.refused.append(("", f"zip_corrupt:{str(exc)[:120]}"))
        return bundle
    members = [i for i in infos if not i.is_dir() and _readable(i.filename)]
    if len(infos) > safety.MAX_ZIP_ENTRIES or len(members) > MAX_FILES:
        bundle.refused.append(("", "portfolio_too_many_files"))
        return bundle
    total = 0
    archive = zipfile.ZipFile(BytesIO(data))
    for info in members:
        name = _member_name(info)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > safety.MAX_FILE_BYTES or total > safety.MAX_TOTAL_BYTES or (
                info.file_size > safety.RATIO_MIN_BYTES and ratio > safety.MAX_RATIO):
            bundle.refused.append((name, "portfolio_member_too_large"))
            continue
        try:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)  # a member that inflates beyond its size is refused
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            bundle.refused.append((name, "portfolio_member_unreadable"))
            continue
        if len(content) > info.file_size:
            bundle.refused.append((name, "portfolio_member_too_large"))
            continue
        bundle.files.append((name, content))
    return bundle


def _member_name(info: zipfile.ZipInfo) -> str:
    """Windows archivers store GBK names without the UTF-8 flag: zipfile decodes them as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def read_folder(path: Path) -> Bundle:
    bundle = Bundle()
    found = sorted(p for p in path.rglob("*") if p.is_file() and _readable(str(p.relative_to(path))))
    if len(found) > MAX_FILES:
        bundle.refused.append(("", "portfolio_too_many_files"))
        return bundle
    for p in found:
        try:
            if p.stat().st_size > safety.MAX_FILE_BYTES:
                bundle.refused.append((p.name, "portfolio_member_too_large"))
                continue
            bundle.files.append((p.name, p.read_bytes()))
        except OSError:
            bundle.refused.append((p.name, "portfolio_member_unreadable"))
    return bundle


def _key(name: str) -> str:
    """Level-1 names compared without the 指标 suffix and spaces: 产出 = 产出指标."""
    return re.sub(r"(类)?指标$", "", re.sub(r"\s+", "", name))


@dataclass
class _Project:
    file: str
    evaluation: Evaluation
    unit: str
    keys: tuple[str, ...]
    names: tuple[str, ...]
    points: tuple[float, ...]
    scores: np.ndarray  # the project's points on each level-1 indicator
    total: float


def combine(files: list[tuple[str, bytes]], report: ValidationReport, refused: list[tuple[str, str]] | None = None,
            name: str = "") -> Evaluation | None:
    """One portfolio evaluation from forms, one project each. Problems go into ``report``,
    each naming its file; files that fail are skipped."""
    from perfeval_core.io.loader import load_bytes  # the loader loads bundles through this module

    for file, key in refused or []:
        report.warning("portfolio_file_refused", None, file=file or name, reason=_reason(key))
    return combine_results(((file, load_bytes(data, file)) for file, data in files), report, name)


def combine_results(results: Iterable[tuple[str, LoadResult]], report: ValidationReport,
                    name: str = "") -> Evaluation | None:
    """One portfolio from forms already loaded (files of an archive, or sheets of a workbook)."""
    projects: list[_Project] = []
    count = 0
    for file, result in results:
        count += 1
        if result.evaluation is None:
            if result.blank:
                reason = render("portfolio_blank", {}, "zh")
            else:
                first = next(iter(result.report.errors), None)
                reason = first.text() if first is not None else render("no_scores", {}, "zh")
            report.warning("portfolio_file_skipped", None, file=file, reason=reason[:300])
            continue
        project = _project(file, result.evaluation)
        if project is None:
            report.warning("portfolio_file_skipped", None, file=file, reason="没有可评分的单位")
            continue
        projects.append(project)
    if not projects:
        report.error("portfolio_empty", count=count)
        return None
    frame = Counter(p.keys for p in projects).most_common(1)[0][0]
    kept = []
    for p in projects:
        if p.keys != frame:
            report.warning("portfolio_other_indicators", None, file=p.file, names="、".join(p.names),
                           expected="、".join(frame))
        else:
            kept.append(p)
    points = Counter(p.points for p in kept).most_common(1)[0][0]
    names = tuple(Counter(p.names[k] for p in kept).most_common(1)[0][0] for k in range(len(frame)))
    return _assemble(kept, frame, names, points, report, name)


def _project(file: str, ev: Evaluation) -> _Project | None:
    unit = project_unit(ev)
    if unit is None:
        return None
    model, _ = model_of(ev)
    result = model.score()
    i = model.index_of(unit)
    if i is None:
        return None
    level1 = ev.level1
    return _Project(file, ev, unit, tuple(_key(n) for n in level1["name"]), tuple(level1["name"]),
                    tuple(float(x) for x in level1["points"]), np.asarray(result.level1[i], dtype=float),
                    float(result.total[i]))


def _assemble(projects: list[_Project], keys: tuple[str, ...], names: tuple[str, ...], points: tuple[float, ...],
              report: ValidationReport, title: str) -> Evaluation:
    codes = [chr(ord("A") + k) if k < 26 else f"L{k + 1}" for k in range(len(keys))]
    indicators = pd.DataFrame([{
        "code": code, "name": label, "parent": None, "level": 1, "points": pts, "kind": "", "target": math.nan,
        "unit": "", "explanation": "", "criteria": "", "src_sheet": "", "src_row": 0, "src_col": 0,
    } for code, label, pts in zip(codes, names, points)], columns=INDICATOR_COLUMNS)
    indicators = indicators.astype({"points": float, "target": float, "level": int, "src_row": int, "src_col": int})
    indicators["parent"] = pd.Series([None] * len(indicators), dtype=object, index=indicators.index)

    unit_names: list[str] = []
    taken: set[str] = {ROOT_NAME}
    departments: dict[str, list[int]] = {}
    for k, p in enumerate(projects):
        label = p.evaluation.project.name or p.file.rsplit(".", 1)[0]
        unique, n = label, 2
        while unique in taken:
            unique, n = f"{label}（{n}）", n + 1
        taken.add(unique)
        unit_names.append(unique)
        department = p.evaluation.project.department or p.evaluation.project.implementer or NO_DEPARTMENT
        departments.setdefault(department, []).append(k)
    department_names = {}
    for d in departments:
        unique = d if d not in taken else f"{d}（部门）"
        taken.add(unique)
        department_names[d] = unique

    rates = np.zeros((len(projects), len(keys)))
    for k, p in enumerate(projects):
        own = np.asarray(p.points)
        with np.errstate(divide="ignore", invalid="ignore"):
            rates[k] = np.where(own > 0, p.scores / own, 0.0)
        portfolio_total = float(rates[k] @ np.asarray(points))
        if abs(portfolio_total - p.total) > 0.005:
            report.warning("portfolio_points_differ", None, file=p.file, project=unit_names[k],
                           own="、".join(f"{n} {figure(x)}" for n, x in zip(names, p.points)),
                           total=f"{p.total:.2f}", rescaled=f"{portfolio_total:.2f}")

    unit_rows = [{"name": ROOT_NAME, "parent": None, "tier": "项目组合", "depth": 0, "field_visited": False,
                  "note": AVERAGE_NOTE}]
    score_rows: list[dict[str, object]] = []

    def add_scores(unit: str, values: np.ndarray, source: str) -> None:
        for code, rate in zip(codes, values):
            score_rows.append({"unit": unit, "code": code, "points": math.nan, "rate": float(rate), "actual": math.nan,
                               "reason": "", "src_sheet": source, "src_row": None, "src_col": None})

    add_scores(ROOT_NAME, rates.mean(axis=0), "")
    for d, members in departments.items():
        unit_rows.append({"name": department_names[d], "parent": ROOT_NAME, "tier": "主管部门", "depth": 1,
                          "field_visited": False, "note": AVERAGE_NOTE})
        add_scores(department_names[d], rates[members].mean(axis=0), "")
        for k in members:
            unit_rows.append({"name": unit_names[k], "parent": department_names[d], "tier": "项目", "depth": 2,
                              "field_visited": False, "note": projects[k].file})
            add_scores(unit_names[k], rates[k], projects[k].file)
    units = pd.DataFrame(unit_rows, columns=UNIT_COLUMNS)
    units["parent"] = pd.Series([r["parent"] for r in unit_rows], dtype=object, index=units.index)
    scores = pd.DataFrame(score_rows, columns=SCORE_COLUMNS).astype({"points": float, "rate": float, "actual": float})

    budget_frames, project_rows, finding_rows = [], [], []
    for k, p in enumerate(projects):
        b = p.evaluation.budget
        if not b.empty:
            b = b.copy()
            b["unit"] = unit_names[k]
            budget_frames.append(b[BUDGET_COLUMNS])
        amount = float(pd.to_numeric(b["budget"], errors="coerce").sum()) if not b.empty else math.nan
        department = units.loc[units["name"] == unit_names[k], "parent"].iloc[0]
        project_rows.append({"unit": unit_names[k], "category": department, "count": 1, "amount": amount,
                             "in_scope": True})
        for problem in filter(None, [p.evaluation.project.problems]):
            finding_rows.append({"problem": problem, "category": "自评发现的问题", "unit": unit_names[k],
                                 "status": "", "note": p.evaluation.project.measures})
    budget = pd.concat(budget_frames, ignore_index=True) if budget_frames else pd.DataFrame(columns=BUDGET_COLUMNS)
    years = Counter(p.evaluation.project.year for p in projects if p.evaluation.project.year)
    modes = Counter(p.evaluation.project.mode for p in projects)
    project = ProjectInfo(
        name=title or f"项目组合（{len(projects)} 个项目）", year=years.most_common(1)[0][0] if years else None,
        mode=modes.most_common(1)[0][0], execution_rate_definition="adjusted_budget"
        if all(p.evaluation.project.execution_rate_definition == "adjusted_budget" for p in projects) else "arrived")
    report.info("portfolio_loaded", None, count=len(projects), departments=len(departments))
    return Evaluation(project=project, indicators=indicators, units=units, scores=scores, budget=budget,
                      projects=pd.DataFrame(project_rows, columns=PROJECT_COLUMNS),
                      findings=pd.DataFrame(finding_rows, columns=FINDING_COLUMNS), layout="portfolio")


def _reason(key: str) -> str:
    base, _, detail = key.partition(":")
    return render(base, {"detail": detail}, "zh") if detail else render(base, {}, "zh")
