"""Whatever the bytes, the loader returns a report and never raises."""

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval_core import load_bytes

from .conftest import SAMPLES

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
