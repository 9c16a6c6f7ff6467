"""The load test of bench/load_whatif.py, short: 20 concurrent Chromium sessions doing what-if
against one server must all see every update and no error. (Times are reported, never asserted.)"""

import json
import subprocess
import sys

import pytest

from .browser_support import ROOT, skip_module_unless_browser

# minutes of fuzzing, concurrency, LibreOffice or million-row files: outside the quick loop
pytestmark = [pytest.mark.slow, pytest.mark.browser]  # 20 Chromium sessions

skip_module_unless_browser()


def test_twenty_concurrent_sessions_see_every_update_without_errors(tmp_path):
    out = tmp_path / "load.json"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "load_whatif.py"), "--sessions", "20", "--moves", "2",
                          "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=900)
    print(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["errors"] == []
    assert figures["single"]["moves"] == 2 and figures["concurrent"]["moves"] == 40
    assert figures["concurrent"]["sessions"] == 20
