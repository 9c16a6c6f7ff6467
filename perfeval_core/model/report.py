"""Validation reports: located, severity-tagged messages produced while loading a workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from perfeval_core.model.messages import render

Severity = Literal["error", "warning", "info"]
SEVERITY_LABELS = {"error": ("错误", "Error"), "warning": ("警告", "Warning"), "info": ("提示", "Info")}


def column_letter(index: int) -> str:
    """0-based column index to an Excel letter (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Issue:
    severity: Severity
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None  # 1-based, as Excel shows it
    column: int | None = None  # 0-based index; shown as a letter

    @property
    def location(self) -> str:
        cell = ""
        if self.column is not None:
            cell += column_letter(self.column)
        if self.row is not None:
            cell += str(self.row) if cell else f"第{self.row}行"
        if self.sheet and cell:
            return f"{self.sheet}!{cell}"
        return self.sheet or cell

    def message(self, lang: str = "zh") -> str:
        return render(self.key, self.params, lang)

    def text(self, lang: str = "zh") -> str:
        loc = self.location
        sep = "：" if lang == "zh" else ": "
        return f"{loc}{sep}{self.message(lang)}" if loc else self.message(lang)

    def __str__(self) -> str:
        return self.text("zh")

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.key,
            "sheet": self.sheet,
            "row": self.row,
            "column": column_letter(self.column) if self.column is not None else None,
            "location": self.location,
            "message": self.message(lang),
            "text": self.text(lang),
        }


class LoadRefused(Exception):
    """Raised inside the loader to stop at once; the loader turns it into an error issue."""

    def __init__(self, issue: Issue):
        super().__init__(issue.key)
        self.issue = issue


MAX_PER_KIND = 25  # issues of one kind on one sheet; the rest are counted, not listed


@dataclass
class ValidationReport:
    issues: list[Issue] = field(default_factory=list)
    layout: str | None = None  # "template" | "score_table" | None when not recognised
    suppressed: dict[tuple[str, str, str | None], int] = field(default_factory=dict)

    def add(
        self,
        severity: Severity,
        key: str,
        sheet: str | None = None,
        row: int | None = None,
        col: int | None = None,
        **params: Any,
    ) -> Issue:
        issue = Issue(severity, key, params, sheet, row, col)
        kind = (severity, key, sheet)
        shown = self._counts.get(kind, 0)
        self._counts[kind] = shown + 1
        if shown < MAX_PER_KIND:
            self.issues.append(issue)
        else:
            self.suppressed[kind] = self.suppressed.get(kind, 0) + 1
            self._examples.setdefault(kind, issue)
            if severity == "error" and not any(i.severity == "error" for i in self.issues):
                self.issues.append(issue)
        return issue

    def __post_init__(self) -> None:
        self._counts: dict[tuple[str, str, str | None], int] = {}
        self._examples: dict[tuple[str, str, str | None], Issue] = {}

    def finish(self) -> None:
        """Add one line per kind of issue that was cut short."""
        for kind, count in self.suppressed.items():
            example = self._examples[kind]
            params = {"count": count, "example": example.text()}
            self.issues.append(Issue(example.severity, "more_issues", params, kind[2]))
        self.suppressed = {}

    def error(self, key: str, sheet: str | None = None, row: int | None = None,
              col: int | None = None, **params: Any) -> Issue:
        return self.add("error", key, sheet, row, col, **params)

    def warning(self, key: str, sheet: str | None = None, row: int | None = None,
                col: int | None = None, **params: Any) -> Issue:
        return self.add("warning", key, sheet, row, col, **params)

    def info(self, key: str, sheet: str | None = None, row: int | None = None,
             col: int | None = None, **params: Any) -> Issue:
        return self.add("info", key, sheet, row, col, **params)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "layout": self.layout,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [i.to_dict(lang) for i in self.issues],
        }

    def lines(self, lang: str = "zh") -> list[str]:
        out = []
        for i in self.issues:
            label = SEVERITY_LABELS[i.severity][1 if lang == "en" else 0]
            out.append(f"[{label}] {i.text(lang)}")
        return out
