"""docs/security.md names every limit with the value the code has (a limit changed in the code
and not in the doc, or the other way round, fails here)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from dashboard.guard import UPLOAD_LIMITS
from perfeval_core.auth import users as auth
from perfeval_core.io import safety
from perfeval_core.io.sandbox import Limits

DOC = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
ROWS = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", DOC, re.M))


def test_every_file_limit_is_documented_with_its_value():
    for name, value in safety.LIMITS.items():
        assert ROWS.get(name) == str(value), name


def test_the_child_and_upload_limits_are_documented_with_their_values():
    for limits in (Limits(), UPLOAD_LIMITS):
        for field in dataclasses.fields(limits):
            assert ROWS.get(field.name) == str(getattr(limits, field.name)), field.name
    for name in ("MAX_FAILURES", "LOCKOUT_SECONDS", "VERIFY_SLOTS", "VERIFY_QUEUE_SECONDS", "MAX_PASSWORD_CHARS"):
        assert ROWS.get(name) == str(getattr(auth, name)), name


def test_every_test_the_doc_cites_exists():
    tests = Path(__file__).resolve().parent
    for name in set(re.findall(r"`(test_\w+)`", DOC)):
        assert any(f"def {name}(" in p.read_text(encoding="utf-8") for p in tests.glob("test_*.py")), name
