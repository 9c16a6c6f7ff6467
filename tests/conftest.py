from pathlib import Path

import pytest

from perfeval_core import load_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"


@pytest.fixture(scope="session")
def hohhot():
    result = load_path(SAMPLES / "hohhot_2023_evaluation.xlsx")
    assert result.evaluation is not None, result.report.lines()
    return result


@pytest.fixture(scope="session")
def tangshan():
    result = load_path(SAMPLES / "tangshan_2024_evaluation.xlsx")
    assert result.evaluation is not None, result.report.lines()
    return result
