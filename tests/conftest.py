from pathlib import Path

import pytest

from perfeval_core import load_path

# the browser fixtures (one Streamlit server and one Chromium for the whole session) are
# registered here once: registering them in each browser test module would start a second
# Playwright session inside the first one's event loop
from .browser_support import (  # noqa: F401
    browser_fixture,
    page_fixture,
    screenshots_fixture,
    streamlit_server_fixture,
)

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


# the modules that drive Chromium against a live server: marked ``browser`` (``-m "not browser"``
# leaves them out of a quick loop; scripts/test.sh runs everything)
BROWSER_MODULES = ("test_browser", "test_server_guard")


# test functions measured at half a second or more (scripts/slow_tests.py writes the list)
SLOW_TESTS = frozenset(line.strip() for line in (ROOT / "tests" / "slow_tests.txt").read_text(encoding="utf-8").splitlines()
                       if line.strip() and not line.startswith("#"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.split("[", 1)[0] in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if item.path.name.startswith(BROWSER_MODULES):
            item.add_marker(pytest.mark.browser)
        # a test that starts or reaches the PostgreSQL server (tests/pg_support.py), directly or
        # as the "postgresql" case of a parametrised store: marked ``postgres``
        params = getattr(getattr(item, "callspec", None), "params", {})
        if any(name.startswith("postgres") for name in getattr(item, "fixturenames", ())) \
                or "postgresql" in params.values():
            item.add_marker(pytest.mark.postgres)
