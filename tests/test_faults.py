"""Faults seen from the pages: a workbook that vanishes, a database that cannot be reached."""

import io
import shutil

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from perfeval_core.store.database import clear_store_cache, get_store

from .conftest import ROOT, SAMPLES

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.delenv("PERFEVAL_AUTH", raising=False)
    monkeypatch.delenv("PERFEVAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    yield
    clear_store_cache()


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(str(ROOT / "pages" / name))
    return run(at)


def test_an_upload_removed_by_someone_else_is_reported_and_the_page_goes_on():
    wb = openpyxl.load_workbook(SAMPLES / "tangshan_2024_evaluation.xlsx")
    wb["项目信息"]["B2"] = "稍后被删除的评价"
    buffer = io.BytesIO()
    wb.save(buffer)
    at = run(AppTest.from_file(APP, default_timeout=90))
    page(at, "data.py")
    at.file_uploader(key="uploader").upload("将被删除.xlsx", buffer.getvalue()).run()
    key = at.session_state["eval_key"]
    assert at.session_state["_loaded"][key][0].filename == "将被删除.xlsx"
    assert get_store().remove_workbook(key, actor="另一位管理员")  # another session, another server
    page(at, "overview.py")
    assert any("将被删除.xlsx" in w.value and "不在文件库" in w.value for w in at.warning)
    assert at.session_state["_loaded"][at.session_state["eval_key"]][0].filename == "hohhot_2023_evaluation.xlsx"
    assert {m.label: m.value for m in at.metric}["综合得分"] == "81.18"
    run(at)
    assert not any("不在文件库" in w.value for w in at.warning)  # said once


def test_a_sample_file_that_disappears_is_reported(tmp_path, monkeypatch):
    from dashboard import library

    folder = tmp_path / "samples"
    folder.mkdir()
    for name in library.SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    monkeypatch.setattr(library, "SAMPLES_DIR", folder)
    at = run(AppTest.from_file(APP, default_timeout=90))
    tangshan = next(k for k, (e, _) in at.session_state["_loaded"].items() if e.filename == library.SAMPLES[1])
    at.sidebar.selectbox(key="eval_key").set_value(tangshan)
    run(at)
    (folder / library.SAMPLES[1]).unlink()
    run(at)
    assert any(library.SAMPLES[1] in w.value for w in at.warning)
    assert at.metric  # the default evaluation is shown instead
    (folder / library.SAMPLES[0]).unlink()  # the default too: the others remain
    run(at)
    assert at.metric and at.session_state["_loaded"][at.session_state["eval_key"]][0].filename == library.SAMPLES[2]


@pytest.mark.parametrize("name", ["overview.py", "whatif.py", "data.py", "admin.py"])
def test_an_unreachable_database_is_a_message_in_the_page(monkeypatch, name):
    monkeypatch.setenv("PERFEVAL_DATABASE_URL", "postgresql+psycopg://perfeval:secret@127.0.0.1:1/perfeval")
    at = run(AppTest.from_file(APP, default_timeout=120))
    page(at, name)
    warnings = [w.value for w in (*at.warning, *at.sidebar.warning)]
    assert any("无法连接数据库" in w for w in warnings), warnings
    assert all("secret" not in w for w in warnings)  # the password is never shown
    if name == "overview.py":
        assert {m.label: m.value for m in at.metric}["综合得分"] == "81.18"  # the samples stay available
    if name == "whatif.py":
        assert at.slider  # what-if still works without the store


def test_the_upload_limit_is_configured_and_enforced_again_on_the_server(monkeypatch):
    import tomllib

    from dashboard import library

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == library.MAX_UPLOAD_BYTES  # one limit, said twice
    monkeypatch.setattr(library, "MAX_UPLOAD_BYTES", 4096)  # a client that ignores the browser's limit
    at = run(AppTest.from_file(APP, default_timeout=90))
    before = set(at.session_state["_loaded"])
    page(at, "data.py")
    data = (ROOT / "sample_data" / "tangshan_2024_evaluation.xlsx").read_bytes()
    at.file_uploader(key="uploader").upload("太大.xlsx", data).run()
    assert not at.exception
    assert any("未加载 太大.xlsx" in e.value for e in at.error)
    assert any("过大" in m.value or "超过" in m.value for m in at.markdown), [m.value for m in at.markdown]
    assert set(at.session_state["_loaded"]) == before and [e for e in library.entries() if not e.bundled] == []
