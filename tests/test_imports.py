"""perfeval_core must import (and work) where Streamlit is not installed."""

import subprocess
import sys

from .conftest import ROOT

BLOCK_STREAMLIT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "streamlit" or name.startswith("streamlit."):
            raise ImportError("streamlit is blocked in this test")
sys.meta_path.insert(0, Block())
import perfeval_core, perfeval_core.cli, perfeval_core.present.summary, perfeval_core.io.template_io
from perfeval_core import load_path
result = load_path("sample_data/hohhot_2023_evaluation.xlsx")
assert result.ok, result.report.lines()
assert not any(m == "streamlit" or m.startswith("streamlit.") for m in sys.modules)
print("ok")
"""


def test_core_imports_without_streamlit():
    proc = subprocess.run([sys.executable, "-c", BLOCK_STREAMLIT], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
