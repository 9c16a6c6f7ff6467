"""Whatever the bytes, the loader returns a report and never raises."""

import io
import os
import random
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval_core import load_bytes

from .conftest import SAMPLES

# minutes of fuzzing, concurrency, LibreOffice or million-row files: outside the quick loop
pytestmark = pytest.mark.slow

HOHHOT = (SAMPLES / "tangshan_2024_evaluation.xlsx").read_bytes()
NAMES = st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.xlsm", "a", "a.docx", "评分表.xlsx"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), NAMES)
def test_any_bytes_give_a_report(data, name):
    result = load_bytes(data, name)
    assert result.evaluation is None or result.report.ok
    assert all(issue.text() for issue in result.report.issues)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(HOHHOT) - 1), st.binary(min_size=1, max_size=64))
def test_corrupted_real_workbooks_give_a_report(offset, patch):
    data = HOHHOT[:offset] + patch + HOHHOT[offset + len(patch):]
    result = load_bytes(data, "t.xlsx")
    assert result.evaluation is None or result.report.ok


def _replace_member(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(HOHHOT)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, content if item.filename == name else src.read(item.filename))
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["xl/worksheets/sheet2.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"]),
       st.binary(max_size=2048))
def test_garbage_inside_a_valid_zip_gives_a_report(member, content):
    result = load_bytes(_replace_member(member, content), "t.xlsx")
    assert result.evaluation is None or result.report.ok
    if result.evaluation is None:
        assert result.report.errors


# --- a time-boxed mutation fuzzer ------------------------------------------------------------------
# hypothesis explores shapes; this one spends a fixed time budget on many cheap structure-aware
# mutations of the real samples (inside the zip, so the CRC check does not reject them all).
# PERFEVAL_FUZZ_SECONDS=600 for a longer local session; the seed is printed so a failure replays.

FUZZ_SECONDS = float(os.environ.get("PERFEVAL_FUZZ_SECONDS", "20"))
FUZZ_SEED = int(os.environ.get("PERFEVAL_FUZZ_SEED", str(int(time.time()))))
SEEDS = [(SAMPLES / n).read_bytes() for n in ("tangshan_2024_evaluation.xlsx", "hohhot_2023_score_table.xlsx")]


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


SEED_MEMBERS = [_members(d) for d in SEEDS]


def _mutate(rng: random.Random, content: bytes) -> bytes:
    buf = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # delete a run
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 2:  # duplicate a run
            start = rng.randrange(len(buf) + 1)
            buf[pos:pos] = buf[start:start + rng.randint(1, 256)]
        elif op == 3:  # insert markup-ish tokens
            buf[pos:pos] = rng.choice([b"<c r=\"XFD1048576\"><v>1</v></c>", b"<!ENTITY a \"x\">", b"&#0;", b"\xff\xfe",
                                       b"<row r=\"0\">", b"</sheetData>", b"t=\"s\"", b"<v>1e999</v>", b"\x00"])
        elif op == 4:  # change a number
            buf[pos:pos] = str(rng.choice([-1, 0, 2**31, 2**63, 1048577, 16385])).encode()
        else:  # truncate
            del buf[pos:]
    return bytes(buf)


def test_time_boxed_mutation_fuzzing_never_raises():
    rng = random.Random(FUZZ_SEED)
    deadline = time.monotonic() + FUZZ_SECONDS
    runs = 0
    while time.monotonic() < deadline:
        members = dict(rng.choice(SEED_MEMBERS))
        for name in rng.sample(sorted(members), rng.randint(1, 2)):
            members[name] = _mutate(rng, members[name])
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, content in members.items():
                z.writestr(name, content)
        data = out.getvalue()
        if rng.random() < 0.1:
            data = _mutate(rng, data)  # sometimes the container too
        try:
            result = load_bytes(data, rng.choice(["a.xlsx", "a.xls", "a.csv", "评分表.xlsx"]))
        except Exception as exc:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"load_bytes raised {exc!r} (PERFEVAL_FUZZ_SEED={FUZZ_SEED}, run {runs})") from exc
        assert result.evaluation is None or result.report.ok
        runs += 1
    print(f"\nfuzzed {runs} mutated workbooks in {FUZZ_SECONDS:.0f} s (seed {FUZZ_SEED})")
    assert runs > 0
