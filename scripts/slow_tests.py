"""Rewrite tests/slow_tests.txt from a pytest run's durations: every test function of which
some case took at least CUT seconds (setup + call + teardown) is marked ``slow`` by
tests/conftest.py, so ``pytest -m "not slow and not browser"`` stays a loop of about a minute.

    .venv/bin/python -m pytest -m "not browser" --durations=0 -p no:cacheprovider > /tmp/durations.log
    .venv/bin/python scripts/slow_tests.py /tmp/durations.log
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

CUT = 0.5
OUT = Path(__file__).resolve().parent.parent / "tests" / "slow_tests.txt"
HEADER = ("# test functions marked slow by tests/conftest.py (some case took >= {cut} s on a 2-core machine);\n"
          "# regenerate with scripts/slow_tests.py (see its docstring); modules marked slow as a whole\n"
          "# (pytestmark) need no entry\n")


def main(log: Path) -> None:
    per_case: Counter[str] = Counter()
    for line in log.read_text(encoding="utf-8").splitlines():
        m = re.match(r"([\d.]+)s (?:call|setup|teardown)\s+(\S+)", line)
        if m:
            per_case[m.group(2)] += float(m.group(1))
    functions = sorted({node.split("[", 1)[0] for node, seconds in per_case.items() if seconds >= CUT})
    OUT.write_text(HEADER.format(cut=CUT) + "".join(f"{f}\n" for f in functions), encoding="utf-8")
    print(f"{len(functions)} slow test functions written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
