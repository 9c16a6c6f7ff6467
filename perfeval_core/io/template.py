"""Loading our evaluation template (one sheet per kind of data, see template_spec)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from perfeval_core.analysis.rules import band_problem
from perfeval_core.io import template_spec as spec
from perfeval_core.io.sheets import LazySheet, RawWorkbook, Sheet
from perfeval_core.io.tables import (
    _parse_numbers,
    by_columns_or_none,
    checked_numbers,
    columns,
    header_matches,
    parse_column,
    read_table,
    typed_numbers,
)
from perfeval_core.model.evaluation import (
    ARRIVAL_RATE_DEFINITIONS,
    BUDGET_COLUMNS,
    EXECUTION_RATE_DEFINITIONS,
    FINDING_COLUMNS,
    GOAL_COLUMNS,
    INDICATOR_COLUMNS,
    PROJECT_COLUMNS,
    SATISFACTION_RULES,
    SCORE_COLUMNS,
    SOURCE_COLUMNS,
    SURVEY_COLUMNS,
    UNIT_COLUMNS,
    Bands,
    Evaluation,
    ProjectInfo,
    contains,
)
from perfeval_core.model.normalize import clean_text, is_blank, normalise_label
from perfeval_core.model.report import ValidationReport

MAX_INDICATOR_DEPTH = 4


def is_template(raw: RawWorkbook) -> bool:
    names = {normalise_label(s.name) for s in raw.sheets}
    return normalise_label(spec.INDICATORS.name) in names and (
        normalise_label(spec.PROJECT_INFO.name) in names or normalise_label(spec.UNITS.name) in names)


def _sheet(raw: RawWorkbook, sheet_spec: spec.SheetSpec) -> Sheet | None:
    wanted = normalise_label(sheet_spec.name)
    for s in raw.sheets:
        if normalise_label(s.name) == wanted:
            return s
    return None


def load_template(raw: RawWorkbook, report: ValidationReport, filename: str = "") -> Evaluation | None:
    for sheet_spec in spec.SHEETS:
        if sheet_spec.required and _sheet(raw, sheet_spec) is None:
            report.error("sheet_missing", name=sheet_spec.name)
    if _sheet(raw, spec.SCORES) is None and _sheet(raw, spec.SCORE_MATRIX) is None:
        report.error("sheet_missing", name=f"{spec.SCORES.name}”或“{spec.SCORE_MATRIX.name}")
    if report.errors:
        return None
    project = _project_info(_sheet(raw, spec.PROJECT_INFO), report)  # type: ignore[arg-type]
    indicators = _indicators(_sheet(raw, spec.INDICATORS), report)  # type: ignore[arg-type]
    units = _units(_sheet(raw, spec.UNITS), report)  # type: ignore[arg-type]
    if indicators is None or units is None:
        return None
    scores = _scores(raw, indicators, units, report)
    budget = _simple(raw, spec.BUDGET, BUDGET_COLUMNS, units, report)
    projects = _simple(raw, spec.PROJECTS, PROJECT_COLUMNS, units, report)
    survey = _simple(raw, spec.SURVEY, SURVEY_COLUMNS, units, report)
    findings = _simple(raw, spec.FINDINGS, FINDING_COLUMNS, units, report, unit_optional=True)
    bands = _bands(_sheet(raw, spec.BANDS), report)
    _check_budget(budget, report)
    _check_survey(survey, report)
    if "in_scope" in projects and _sheet(raw, spec.PROJECTS) is not None:
        sheet = _sheet(raw, spec.PROJECTS)
        has_col = sheet is not None and any(
            header_matches(c, spec.PROJECTS.columns[4]) for r in sheet.rows[:30] for c in r)
        if not has_col:
            projects["in_scope"] = True
    return Evaluation(project=project, indicators=indicators, units=units, scores=scores, budget=budget,
                      projects=projects, survey=survey, findings=findings, bands=bands,
                      goals=_goals(indicators, scores), layout="template", source_name=filename)


def _goals(indicators: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Targets and actuals as a 自评表 prints them, from the template's optional columns: the
    indicator's 目标值 (with ≤ for a 反向 indicator and its 计量单位), each unit's 实际值 and its
    扣分原因/偏差原因. Only indicators with a 目标值, and only rows with an 实际值 or a reason."""
    with_target = indicators[indicators["target"].notna()]
    if with_target.empty or scores.empty:
        return pd.DataFrame(columns=GOAL_COLUMNS)
    unit_text = with_target["unit"].fillna("").astype(str).str.strip()
    comparator = np.where(with_target["kind"].astype(str) == "反向", "≤", "≥")
    number = with_target["target"].map(lambda v: f"{float(v):g}")
    targets = pd.DataFrame({"code": with_target["code"].to_numpy(),
                            "target": comparator + number.to_numpy() + unit_text.to_numpy(),
                            "unit_text": unit_text.to_numpy()})
    rows = scores[["unit", "code", "actual", "reason", *SOURCE_COLUMNS]].merge(targets, on="code", how="inner")
    reason = rows["reason"].fillna("").astype(str).str.strip()
    rows = rows[rows["actual"].notna() | (reason != "")]
    if rows.empty:
        return pd.DataFrame(columns=GOAL_COLUMNS)
    actual = [f"{float(a):g}{u}" if a == a else "" for a, u in zip(rows["actual"].tolist(), rows["unit_text"].tolist())]
    return pd.DataFrame({"unit": rows["unit"].to_numpy(), "code": rows["code"].to_numpy(), "target": rows["target"].to_numpy(),
                         "actual": actual, "deviation": reason[rows.index].to_numpy(),
                         **{c: rows[c].to_numpy() for c in SOURCE_COLUMNS}}, columns=GOAL_COLUMNS)


def _project_info(sheet: Sheet, report: ValidationReport) -> ProjectInfo:
    fields: dict[str, object] = {}
    located: dict[str, tuple[int | None, int | None]] = {}
    columns = {normalise_label(c.header): c for c in spec.PROJECT_INFO.columns}
    for i, cells_row in enumerate(sheet.rows):
        cells = [(j, v) for j, v in enumerate(cells_row) if not is_blank(v)]
        if not cells:
            continue
        j0, key_cell = cells[0]
        label = normalise_label(key_cell).rstrip(":：")
        col = columns.get(label)
        if col is None:
            if label not in ("项目", "项目信息", "字段", "内容"):
                report.warning("unknown_project_key", sheet.name, sheet.excel_row(i), j0, field=clean_text(key_cell)[:40])
            continue
        value_cells = cells[1:]
        value_col, value = value_cells[0] if value_cells else (j0 + 1, "")
        fields[col.key] = value
        located[col.key] = (sheet.excel_row(i), value_col)
    info = ProjectInfo()
    for col in spec.PROJECT_INFO.columns:
        row, j = located.get(col.key, (None, None))
        value = fields.get(col.key, "")
        if is_blank(value):
            if col.required:
                report.error("required", sheet.name, row, j, column=col.header)
            continue
        # a one-cell sheet at the value's position, so the column parsers locate messages
        fake = Sheet(sheet.name, [[value]], row0=(row or 1) - 1, col0=j or 0,
                     missing_formulas=sheet.missing_formulas)
        rows = np.array([row or 0])
        if col.kind in ("number", "int", "rate"):
            parsed = _parse_numbers([value], col, fake, rows, 0, report)[0]
            parsed_value: object = None if np.isnan(parsed) else float(parsed)
        else:
            parsed_value = parse_column([value], col, fake, rows, 0, report)[0]
        if parsed_value in (None, ""):
            continue
        if col.key == "year":
            info.year = int(str(parsed_value))
        elif col.key == "illustrative":
            info.illustrative = bool(parsed_value)
        elif col.key == "arrival_rate_definition":
            info.arrival_rate_definition = _reverse(ARRIVAL_RATE_DEFINITIONS, str(parsed_value))
        elif col.key == "execution_rate_definition":
            info.execution_rate_definition = _reverse(EXECUTION_RATE_DEFINITIONS, str(parsed_value))
        elif col.key == "satisfaction_rule":
            info.satisfaction_rule = _reverse(SATISFACTION_RULES, str(parsed_value))
        else:
            setattr(info, col.key, parsed_value)
    return info


def _reverse(mapping: dict[str, str], label: str) -> str:
    for key, text in mapping.items():
        if normalise_label(text) == normalise_label(label):
            return key
    return next(iter(mapping))


def _indicators(sheet: Sheet, report: ValidationReport) -> pd.DataFrame | None:
    table = read_table(sheet, spec.INDICATORS, report, allow_blank=frozenset({"points"}))
    if table is None:
        return None
    df = table.frame()
    df["src_sheet"] = sheet.name
    df["src_col"] = table.col_index.get("points", 0)
    n_errors = len(report.errors)
    first: dict[str, int] = {}
    for code, row in zip(df["code"], df["src_row"]):
        if code in first:
            report.error("duplicate_code", sheet.name, int(row), table.col_index["code"], code=code, first=first[code])
        elif code:
            first[code] = int(row)
    # a leaf may be referenced by name in the 评分 sheet; codes are the key
    df["parent"] = pd.Series([p if p else None for p in df["parent"]], dtype=object, index=df.index)
    codes = set(df["code"])
    for parent, row in zip(df["parent"], df["src_row"]):
        if parent is not None and parent not in codes:
            report.error("unknown_parent", sheet.name, int(row), table.col_index.get("parent"), parent=parent)
    if len(report.errors) > n_errors:
        return None
    depth = _depths(df["code"].tolist(), df["parent"].tolist(), sheet.name, df["src_row"].tolist(),
                    table.col_index.get("parent"), report, "indicator_cycle")
    if depth is None:
        return None
    df["level"] = depth
    for code, level, row in zip(df["code"], df["level"], df["src_row"]):
        if level > MAX_INDICATOR_DEPTH:
            report.error("too_deep", sheet.name, int(row), table.col_index["code"], code=code, level=level)
            return None
    parents = set(df["parent"].dropna())
    is_leaf = ~df["code"].isin(parents)
    for k in np.flatnonzero(is_leaf.to_numpy() & df["points"].isna().to_numpy()):
        if not report.errors or all(i.row != int(df["src_row"].iloc[k]) for i in report.errors):
            report.error("required", sheet.name, int(df["src_row"].iloc[k]), table.col_index["points"], column="分值")
    if len(report.errors) > n_errors:
        return None
    df = df[INDICATOR_COLUMNS]
    return reconcile_points(df, report)


def reconcile_points(df: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """Parents' points become the sum of their children's; a declared parent value that
    disagrees is a warning. Shared by both layouts."""
    df = df.copy()
    df["points"] = df["points"].astype(float)
    declared = dict(zip(df["code"], df["points"]))
    points = dict(declared)
    children: dict[str, list[str]] = {}
    for code, parent in zip(df["code"], df["parent"]):
        if parent is not None:
            children.setdefault(parent, []).append(code)
    for code in sorted(children, key=lambda c: -int(df.loc[df["code"] == c, "level"].iloc[0])):
        total = float(sum(points[c] for c in children[code]))
        given = declared[code]
        if not np.isnan(given) and abs(given - total) > 1e-6:
            row = df.loc[df["code"] == code].iloc[0]
            report.warning("points_sum_children", row["src_sheet"], _int(row["src_row"]), _int(row["src_col"]),
                           name=row["name"], points=_num(given), total=_num(total))
        points[code] = total
    df["points"] = df["code"].map(points).astype(float)
    return df


def _int(v: object) -> int | None:
    if v is None or pd.isna(v):  # type: ignore[call-overload]
        return None
    try:
        return int(v)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _depths(names: list[str], parents: list[str | None], sheet: str, rows: list[int], col: int | None,
            report: ValidationReport, cycle_key: str) -> list[int] | None:
    """Depth of each node (roots = 1); a located error on a cycle."""
    parent_of = dict(zip(names, parents))
    depth: dict[str, int] = {}
    for name, row in zip(names, rows):
        path: list[str] = []
        node: str | None = name
        while node is not None and node not in depth:
            if node in path:
                cycle = path[path.index(node):] + [node]
                report.error(cycle_key, sheet, int(row), col, path=" → ".join(cycle[:8]))
                return None
            path.append(node)
            node = parent_of.get(node)
        base = depth[node] if node is not None else 0
        for k, n in enumerate(reversed(path)):
            depth[n] = base + k + 1
    return [depth[n] for n in names]


def _units(sheet: Sheet, report: ValidationReport) -> pd.DataFrame | None:
    table = read_table(sheet, spec.UNITS, report)
    if table is None:
        return None
    df = table.frame()
    n_errors = len(report.errors)
    first: dict[str, int] = {}
    # plain lists: iterating Arrow-backed columns element by element is ~10x slower
    name_list, row_list = df["name"].tolist(), df["src_row"].tolist()
    for name, row in zip(name_list, row_list):
        if name in first:
            report.error("duplicate_unit", sheet.name, int(row), table.col_index["name"], unit=name, first=first[name])
        elif name:
            first[name] = int(row)
    parent_list = [p if p else None for p in df["parent"].tolist()]
    df["parent"] = pd.Series(parent_list, dtype=object, index=df.index)
    names = set(name_list)
    for parent, row in zip(parent_list, row_list):
        if parent is not None and parent not in names:
            report.error("unknown_unit", sheet.name, int(row), table.col_index.get("parent"), unit=parent)
    if len(report.errors) > n_errors:
        return None
    depth = _depths(name_list, parent_list, sheet.name, row_list,
                    table.col_index.get("parent"), report, "unit_cycle")
    if depth is None:
        return None
    df["depth"] = np.asarray(depth) - 1
    return df[UNIT_COLUMNS].reset_index(drop=True)


def _scores(raw: RawWorkbook, indicators: pd.DataFrame, units: pd.DataFrame,
            report: ValidationReport) -> pd.DataFrame:
    parents = set(indicators["parent"].dropna())
    leaf_codes = [c for c in indicators["code"] if c not in parents]
    by_name: dict[str, str] = {}
    for code, name in zip(indicators["code"], indicators["name"]):
        by_name.setdefault(normalise_label(name), code)
    unit_names = set(units["name"].tolist())
    frames = []
    long_sheet = _sheet(raw, spec.SCORES)
    if long_sheet is not None:
        table = read_table(long_sheet, spec.SCORES, report)
        if table is not None:
            df = table.frame()
            df["src_sheet"] = long_sheet.name
            cols = table.col_index
            df["src_col"] = [cols.get("points") if not np.isnan(p) else cols.get("rate") if not np.isnan(r)
                             else cols.get("actual") for p, r in zip(df["points"].tolist(), df["rate"].tolist())]
            resolved: dict[str, str] = {}  # a code that resolved once resolves the same way (no message)

            def code_of(value: str, row: int) -> str | None:
                code = resolved.get(value)
                if code is None:
                    code = _resolve_code(value, leaf_codes, parents, by_name, long_sheet.name, row, cols["code"],
                                         report)
                    if code is not None:
                        resolved[value] = code
                return code

            df["code"] = [code_of(c, row) for c, row in zip(df["code"].tolist(), df["src_row"].tolist())]
            unknown = (df["unit"] != "").to_numpy() & ~contains(df["unit"], unit_names)
            for unit, row in zip(df.loc[unknown, "unit"].tolist(), df.loc[unknown, "src_row"].tolist()):
                report.error("unknown_unit", long_sheet.name, int(row), cols["unit"], unit=unit)
            empty = df["points"].isna() & df["rate"].isna() & df["actual"].isna()
            # a value that was given but unreadable has its own message already
            unreadable = {i.row for i in report.errors if i.sheet == long_sheet.name}
            for row in df.loc[empty, "src_row"]:
                if int(row) not in unreadable:
                    report.error("score_no_value", long_sheet.name, int(row), cols.get("points"))
            frames.append(df[SCORE_COLUMNS])
    matrix_sheet = _sheet(raw, spec.SCORE_MATRIX)
    if matrix_sheet is not None:
        frame = _score_matrix(matrix_sheet, leaf_codes, parents, by_name, unit_names, report)
        if frame is not None:
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    scores = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    scores = scores[scores["code"].notna() & (scores["code"] != "")]
    dup = scores.duplicated(["unit", "code"], keep="first")
    if dup.any():
        firsts = scores[~dup].set_index(["unit", "code"])["src_row"]
        for _, r in scores[dup].head(50).iterrows():
            report.error("duplicate_score", r["src_sheet"], _int(r["src_row"]), None, unit=r["unit"], code=r["code"],
                         first=_int(firsts.get((r["unit"], r["code"]))))
    return scores.reset_index(drop=True)


def _resolve_code(value: str, leaf_codes: list[str], parents: set[str], by_name: dict[str, str], sheet: str,
                  row: int, col: int, report: ValidationReport) -> str | None:
    if value in parents:
        report.error("not_a_leaf", sheet, int(row), col, code=value)
        return None
    if value in leaf_codes:
        return value
    code = by_name.get(normalise_label(value))
    if code is None:
        if value:
            report.error("unknown_indicator", sheet, int(row), col, code=value)
        return None
    if code in parents:
        report.error("not_a_leaf", sheet, int(row), col, code=value)
        return None
    return code


def _score_matrix(sheet: Sheet, leaf_codes: list[str], parents: set[str], by_name: dict[str, str],
                  unit_names: set[str], report: ValidationReport) -> pd.DataFrame | None:
    if isinstance(sheet, LazySheet) and not sheet.rows_loaded:
        frame = by_columns_or_none(
            lambda scratch: _score_matrix_columns(sheet, leaf_codes, parents, by_name, unit_names, scratch), report)
        if frame is not None:
            return frame
    unit_col = spec.SCORE_MATRIX.columns[0]
    header_i = next((i for i, r in enumerate(sheet.rows[:30]) if any(header_matches(c, unit_col) for c in r)), None)
    if header_i is None:
        report.error("header_missing", sheet.name, columns=unit_col.header)
        return None
    header = sheet.rows[header_i]
    uj = next(j for j, c in enumerate(header) if header_matches(c, unit_col))
    leaf_cols: list[tuple[int, str]] = []
    for j, cell in enumerate(header):
        if j == uj or is_blank(cell):
            continue
        code = _resolve_code(clean_text(cell), leaf_codes, parents, by_name, sheet.name,
                             sheet.excel_row(header_i), sheet.sheet_col(j), report)
        if code is not None:
            leaf_cols.append((j, code))
    body = sheet.rows[header_i + 1:]
    keep = [k for k, r in enumerate(body) if uj < len(r) and not is_blank(r[uj])]
    excel_rows = np.array([sheet.excel_row(header_i + 1 + k) for k in keep], dtype=np.int64)
    unit_values = [clean_text(body[k][uj]) for k in keep]
    for unit, row in zip(unit_values, excel_rows):
        if unit not in unit_names:
            report.error("unknown_unit", sheet.name, int(row), sheet.sheet_col(uj), unit=unit)
    points_column = spec.Column("得分", "points", "number", False, "")
    # one frame built at the end, not one per leaf (each would convert the unit names to Arrow again)
    column = columns([body[k] for k in keep])
    rows_at: list[np.ndarray] = []
    points_at: list[np.ndarray] = []
    leaf_at: list[np.ndarray] = []
    cols_at: list[np.ndarray] = []
    for k, (j, _) in enumerate(leaf_cols):
        points = _parse_numbers(column(j), points_column, sheet, excel_rows, j, report)
        given = np.flatnonzero(~np.isnan(points))
        rows_at.append(given)
        points_at.append(points[given])
        leaf_at.append(np.full(len(given), k))
        cols_at.append(np.full(len(given), sheet.sheet_col(j)))
    return _matrix_frame(sheet.name, unit_values, [code for _, code in leaf_cols], excel_rows, rows_at, points_at,
                         leaf_at, cols_at)


def _matrix_frame(sheet_name: str, unit_values: list[str], codes: list[str], excel_rows: np.ndarray,
                  rows_at: list[np.ndarray], points_at: list[np.ndarray], leaf_at: list[np.ndarray],
                  cols_at: list[np.ndarray]) -> pd.DataFrame:
    """The long score frame of a matrix: one row per unit and leaf with a score, the names
    categorical (an integer a row), the positions int32."""
    if not rows_at:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    at = np.concatenate(rows_at)
    n = len(at)
    return pd.DataFrame({
        "unit": _categorical(unit_values, at), "code": _categorical(codes, np.concatenate(leaf_at)),
        "points": np.concatenate(points_at), "rate": np.nan, "actual": np.nan,
        "reason": _constant("", n), "src_sheet": _constant(sheet_name, n),
        "src_row": excel_rows[at].astype(np.int32), "src_col": np.concatenate(cols_at).astype(np.int32)})[SCORE_COLUMNS]


_NUMERIC_ARROW = ("double", "float", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "null")


def _score_matrix_columns(sheet: LazySheet, leaf_codes: list[str], parents: set[str], by_name: dict[str, str],
                          unit_names: set[str], report: ValidationReport) -> pd.DataFrame | None:
    """The 评分矩阵 read by columns: a typed column of numbers goes to numpy as it is, and only
    its values that fail a check (negative, too large) are located one by one; a column of text
    and numbers mixed, or of numbers as text, is read as the row reader would. None, before any
    message, when the sheet is not laid out for it (its header not on row 1, a header the reader
    renamed, units that are not text, dates): the row reader then reads it."""
    read = sheet.columnar()
    if read is None:
        return None
    header, table = read
    unit_col = spec.SCORE_MATRIX.columns[0]
    names = [name for name, _ in header]
    if not header or not header_matches(names[0], unit_col) or any(header_matches(n, unit_col) for n in names[1:]):
        return None
    if len(set(names)) != len(names) or any(re.fullmatch(r".+_\d+", n) and n.rsplit("_", 1)[0] in names for n in names):
        return None  # a repeated header was renamed by the reader: the row reader reports it as written
    types = [str(table.column(j).type) for j in range(table.num_columns)]
    if types[0] not in ("string", "large_string") or any(t not in (*_NUMERIC_ARROW, "string", "large_string")
                                                         for t in types[1:]):
        return None
    leaf_cols: list[tuple[int, str]] = []
    for j, (name, origin) in enumerate(header):
        if j == 0 or origin == "generated" or is_blank(name):
            continue
        code = _resolve_code(clean_text(name), leaf_codes, parents, by_name, sheet.name, 1, j, report)
        if code is not None:
            leaf_cols.append((j, code))
    units_raw = table.column(0).to_pylist()
    keep = np.fromiter((not is_blank(v) for v in units_raw), dtype=bool, count=len(units_raw))
    kept = np.flatnonzero(keep)
    excel_rows = kept.astype(np.int64) + 2  # Arrow row 0 is Excel row 2 (row 1 is the header)
    unit_values = [clean_text(units_raw[k]) for k in kept]
    for unit, row in zip(unit_values, excel_rows):
        if unit not in unit_names:
            report.error("unknown_unit", sheet.name, int(row), 0, unit=unit)
    points_column = spec.Column("得分", "points", "number", False, "")
    rows_at: list[np.ndarray] = []
    points_at: list[np.ndarray] = []
    leaf_at: list[np.ndarray] = []
    cols_at: list[np.ndarray] = []
    for k, (j, _) in enumerate(leaf_cols):
        column = table.column(j)
        if types[j] in _NUMERIC_ARROW:
            typed = typed_numbers(column)
            if typed is None:
                return None
            numbers = typed[kept]
            points = checked_numbers(numbers, np.zeros(len(numbers), dtype=bool), None, points_column, sheet,
                                     excel_rows, j, report)
        else:  # text among the numbers: each value as the row reader reads it
            values = column.to_pylist()
            points = _parse_numbers([values[i] if values[i] is not None else "" for i in kept], points_column,
                                    sheet, excel_rows, j, report)
        given = np.flatnonzero(~np.isnan(points))
        rows_at.append(given)
        points_at.append(points[given])
        leaf_at.append(np.full(len(given), k))
        cols_at.append(np.full(len(given), j))
    return _matrix_frame(sheet.name, unit_values, [code for _, code in leaf_cols], excel_rows, rows_at, points_at,
                         leaf_at, cols_at)


def _categorical(values: list[str], index: np.ndarray) -> pd.Categorical:
    """``values[index]`` as a categorical column: one copy of each distinct name and an integer
    per row (the long score frame has a row per unit and leaf: 2 million names at 50,000 units
    cost 0.2 s and 100+ MB as strings)."""
    codes, uniques = pd.factorize(pd.Index(values, dtype=object))
    return pd.Categorical.from_codes(codes[index], categories=pd.Index(uniques, dtype=object))


def _constant(value: str, n: int) -> pd.Categorical:
    """One text on every row, as a categorical (one byte a row, not a string a row)."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value], dtype=object))


def _simple(raw: RawWorkbook, sheet_spec: spec.SheetSpec, columns: list[str], units: pd.DataFrame,
            report: ValidationReport, unit_optional: bool = False) -> pd.DataFrame:
    sheet = _sheet(raw, sheet_spec)
    if sheet is None:
        return pd.DataFrame(columns=columns + ["src_sheet", "src_row"])
    table = read_table(sheet, sheet_spec, report)
    if table is None:
        return pd.DataFrame(columns=columns + ["src_sheet", "src_row"])
    df = table.frame()
    df["src_sheet"] = sheet.name
    # a missing unit name was reported as required (or is allowed, for unit_optional sheets)
    unknown = (df["unit"] != "").to_numpy() & ~contains(df["unit"], units["name"])
    for unit, row in zip(df.loc[unknown, "unit"].tolist(), df.loc[unknown, "src_row"].tolist()):
        report.error("unknown_unit", sheet.name, int(row), table.col_index.get("unit"), unit=unit)
    return df[columns + ["src_sheet", "src_row"]]


def _bands(sheet: Sheet | None, report: ValidationReport) -> Bands:
    if sheet is None:
        return Bands()
    table = read_table(sheet, spec.BANDS, report)
    if table is None or len(table) == 0:
        return Bands()
    df = table.frame()
    labels = tuple(df["label"])
    lower = tuple(float(x) for x in df["lower"])
    if any(np.isnan(lower)):
        return Bands()
    bands = Bands(labels, lower)
    problem = band_problem(bands)
    if problem:
        key, params = problem
        bad = next((v for v in lower if not 0 <= v <= 100), None)
        report.error(key, sheet.name, int(df["src_row"].iloc[0]), table.col_index.get("lower"),
                     **{**params, "value": _num(bad) if bad is not None else ""})
        return Bands()
    return bands


def _check_budget(budget: pd.DataFrame, report: ValidationReport) -> None:
    if budget.empty:
        return
    tol = 1e-6
    over_arrived = budget["arrived"] > budget["budget"] + tol
    for _, r in budget[over_arrived].iterrows():
        report.warning("arrived_above_budget", r["src_sheet"], int(r["src_row"]), None,
                       arrived=_num(r["arrived"]), budget=_num(r["budget"]))
    over_spent = budget["spent"] > budget["arrived"] + tol
    for _, r in budget[over_spent].iterrows():
        report.warning("spent_above_arrived", r["src_sheet"], int(r["src_row"]), None,
                       spent=_num(r["spent"]), arrived=_num(r["arrived"]))


def _check_survey(survey: pd.DataFrame, report: ValidationReport) -> None:
    if survey.empty:
        return
    answers = survey[["satisfied", "basically_satisfied", "not_very_satisfied", "dissatisfied"]].fillna(0).sum(axis=1)
    for k in np.flatnonzero((answers > survey["respondents"]).to_numpy()):
        r = survey.iloc[k]
        report.error("survey_counts", r["src_sheet"], int(r["src_row"]), None,
                     total=int(answers.iloc[k]), respondents=_num(r["respondents"]))
    freq = survey["frequent"]
    for k in np.flatnonzero((freq > survey["respondents"]).to_numpy()):
        r = survey.iloc[k]
        report.error("participants_above_respondents", r["src_sheet"], int(r["src_row"]), None,
                     value=_num(r["frequent"]), respondents=_num(r["respondents"]))
