"""Reading the forms evaluators publish: one 项目支出绩效自评表, the same form as a Word table, and
a .zip of many forms combined into one portfolio, each against a bare python-calamine read of the
same workbook bytes (the floor: cells into Python lists, nothing checked), in the same process.

    python bench/bench_forms.py [--forms 200] [--repeat 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from common import measure, peak_mb, report
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfeval_core import load_bytes  # noqa: E402
from tests.form_builders import SelfEvaluation, bundle, docx_table, self_evaluation, self_evaluation_rows  # noqa: E402


def bare_calamine(data: bytes) -> int:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    results: list = []
    form = self_evaluation()
    rows, merges = self_evaluation_rows(SelfEvaluation())
    word = docx_table(rows, merges)
    forms = [(f"项目{k}.xlsx", self_evaluation(SelfEvaluation(project=f"项目{k}", department=f"部门{k % 12}",
                                                                budget_score=k % 11)))
             for k in range(args.forms)]
    archive = bundle(forms)
    assert load_bytes(form, "form.xlsx").ok and load_bytes(word, "form.docx").ok and load_bytes(archive, "a.zip").ok

    floor = measure(lambda: bare_calamine(form), args.repeat)
    print(report("bare calamine, one 自评表", floor, results=results))
    print(report("load one 自评表 (.xlsx)", measure(lambda: load_bytes(form, "form.xlsx"), args.repeat), floor, results))
    print(report("load one 自评表 (.docx)", measure(lambda: load_bytes(word, "form.docx"), args.repeat), floor, results))
    floor_all = measure(lambda: [bare_calamine(data) for _, data in forms], max(1, args.repeat // 2))
    print(report(f"bare calamine, {args.forms} forms", floor_all, results=results))
    print(report(f"load a .zip of {args.forms} forms (one portfolio)",
                 measure(lambda: load_bytes(archive, "a.zip"), max(1, args.repeat // 2)), floor_all, results))
    print(f"peak memory {peak_mb():.0f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "peak_mb": peak_mb()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
