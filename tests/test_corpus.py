"""Every broken or hostile workbook of both corpora, through the whole loader and through the
dashboard's upload: a located Chinese message (or a load with the right warning), never a
traceback, in bounded memory, with what was loaded before untouched."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import plain
from perfeval_core import load_bytes
from perfeval_core.present.export_xlsx import workbook_bytes
from perfeval_core.store.database import clear_store_cache
from tests import hostile_corpus as hc
from tests import workbook_corpus as wc

from .conftest import ROOT
from .test_safety import LOADS, REFUSED

# minutes of fuzzing, concurrency, LibreOffice or million-row files: outside the quick loop
pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
ALL = sorted([f"file:{n}" for n in hc.CASES] + [f"content:{n}" for n in wc.CASES])
BIG = ["content:million_rows", "content:columns_16000", "content:one_megabyte_string", "file:zip_bomb",
       "file:entity_bomb", "file:wide_16000_columns", "file:two_million_cell_box"]


@cache
def build(case: str) -> tuple[str, bytes]:
    corpus, name = case.split(":")
    return hc.CASES[name]() if corpus == "file" else wc.CASES[name][0]()


def expected_refusal(case: str) -> str | None:
    corpus, name = case.split(":")
    if corpus == "file":
        return REFUSED.get(name)
    expect = wc.CASES[name][1]
    return None if expect.loads else expect.key


def test_the_corpora_hold_at_least_forty_cases_with_expectations():
    assert len(ALL) >= 40
    assert len(wc.CASES) >= 30
    assert set(LOADS) | set(REFUSED) == set(hc.CASES)


@pytest.mark.parametrize("case", ALL)
def test_the_loader_answers_every_case_with_readable_located_messages(case):
    filename, data = build(case)
    result = load_bytes(data, filename)  # never raises: that is the first assertion
    for issue in result.report.issues:
        text = issue.text()
        assert CJK.search(text), text
        assert "{" not in text and "Traceback" not in text, text
        assert issue.text("en") and "{" not in issue.text("en")
    refusal = expected_refusal(case)
    corpus, name = case.split(":")
    if refusal is not None:
        assert result.evaluation is None
        assert refusal in {i.key for i in result.report.errors}, result.report.lines()
    if corpus == "content":
        expect = wc.CASES[name][1]
        key = expect.key or expect.warning
        if expect.loads:
            assert result.evaluation is not None, result.report.lines()
        if key is not None and expect.location is not None:
            located = [i for i in result.report.issues if i.key == key]
            assert expect.location in {i.location for i in located}, [(i.key, i.location) for i in located]


def test_formula_like_and_control_text_stays_inert_text():
    result = load_bytes(*reversed(build("content:formula_injection")))  # type: ignore[arg-type]
    assert result.evaluation is not None
    units = result.evaluation.units.set_index("name")
    assert units.loc["@SUM(1+1)", "note"] == "+cmd|' /C calc'!A0"
    reasons = result.evaluation.scores["reason"].tolist()
    assert '=HYPERLINK("http://evil.example","点击")' in reasons
    clean = load_bytes(*reversed(build("content:control_characters")))  # type: ignore[arg-type]
    assert "依据不充分" in clean.evaluation.scores["reason"].tolist()
    exported = workbook_bytes(result.evaluation, None, "zh")  # written as text, never as a formula
    with zipfile.ZipFile(io.BytesIO(exported)) as book:
        xml = b"".join(book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>SUM(1+1)" not in xml and b"<f>HYPERLINK" not in xml


MEMORY_PROBE = """
import json, re, sys, time
from perfeval_core import load_bytes
from perfeval_core.present.export_xlsx import workbook_bytes

def high_water_mb():  # VmHWM belongs to this process image (ru_maxrss can carry the parent's over a fork)
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1)) / 1024

data = open(sys.argv[1], "rb").read()
start = high_water_mb()
started = time.perf_counter()
result = load_bytes(data, sys.argv[2])
print(json.dumps({"ok": result.evaluation is not None, "keys": [i.key for i in result.report.errors],
                  "seconds": time.perf_counter() - started, "peak_mb": high_water_mb(), "start_mb": start}))
"""


@pytest.mark.parametrize("case", BIG)
def test_big_and_hostile_files_are_handled_in_bounded_memory(case, tmp_path):
    """Each in a fresh process, so the peak resident size is this file's alone."""
    filename, data = build(case)
    path = tmp_path / "case.bin"
    path.write_bytes(data)
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path), filename], capture_output=True, text=True,
                         cwd=ROOT, timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\n{case}: {probe['seconds']:.2f} s, peak {probe['peak_mb']:.0f} MB (imports {probe['start_mb']:.0f} MB)")
    assert probe["peak_mb"] < 1024, probe  # a million-row sheet or a bomb must not take the server down
    refusal = expected_refusal(case)
    if refusal is not None:
        assert refusal in probe["keys"]


# --- through the dashboard's upload --------------------------------------------------------------

@pytest.fixture(scope="module")
def uploader_app(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("PERFEVAL_AUTH", raising=False)
    mp.delenv("PERFEVAL_DATABASE_URL", raising=False)
    mp.setenv("PERFEVAL_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    at.run()
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    assert not at.exception
    yield at
    mp.undo()
    clear_store_cache()


@pytest.mark.parametrize("case", ALL)
def test_every_case_through_the_upload_leaves_the_loaded_state_alone(uploader_app, case):
    at = uploader_app
    filename, data = build(case)
    before_key = at.session_state["eval_key"]
    before_loaded = set(at.session_state["_loaded"])
    at.file_uploader(key="uploader").upload(filename, data).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    if expected_refusal(case) is not None:
        assert any(f"未加载 {filename}" in e for e in errors), errors
        located = load_bytes(data, filename).report.errors[0].text()
        shown = [m.value for m in at.markdown] + [str(df.value.to_dict()) for df in at.dataframe]
        # user text is escaped for Markdown on the page (dashboard.ui.plain): compare what it renders
        assert any(located in s or plain(located) in s for s in shown), (located, shown[:5])
        assert at.session_state["eval_key"] == before_key
        assert set(at.session_state["_loaded"]) == before_loaded
    else:
        assert any(f"{filename}" in m.value for m in (*at.success, *at.error)), "no outcome shown"
