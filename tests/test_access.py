"""Sign-in and roles: the rules in the core, the user file, the CLI, and every page under AppTest."""

import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from perfeval_core.auth import users as auth
from perfeval_core.auth.users import AuthError, User, UserFile, auth_config, can
from perfeval_core.store.database import clear_store_cache, get_store

from .conftest import ROOT, SAMPLES

APP = str(ROOT / "dashboard" / "app.py")
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
PASSWORD = "correct horse battery"
ACCOUNTS = {"viewer1": "viewer", "editor1": "editor", "admin1": "admin"}


# --- the rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", auth.ROLES)
@pytest.mark.parametrize("action", sorted(auth.PERMISSIONS))
def test_each_role_can_exactly_what_its_rank_allows(role, action):
    user = User("u", "u", role, "local")
    needed = auth.PERMISSIONS[action]
    assert can(user, action) is (auth.ROLES.index(role) >= auth.ROLES.index(needed))


def test_the_role_matrix_of_the_issue():
    viewer, editor, admin = (User(r, r, r, "local") for r in auth.ROLES)
    assert can(viewer, "whatif") and not can(viewer, "upload") and not can(viewer, "save_scenario")
    assert not can(viewer, "delete_scenario")
    assert can(editor, "upload") and can(editor, "save_scenario") and can(editor, "delete_scenario")
    assert not can(editor, "manage_users") and not can(editor, "manage_library")
    assert can(admin, "manage_users") and can(admin, "manage_library")
    assert not can(None, "browse")
    with pytest.raises(KeyError):
        can(admin, "launch_missiles")


def test_configuration_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("PERFEVAL_AUTH", raising=False)
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path))
    assert auth_config().mode == "off" and auth_config().users_file == tmp_path / "users.json"
    monkeypatch.setenv("PERFEVAL_AUTH", "LOCAL")
    assert auth_config().mode == "local"
    monkeypatch.setenv("PERFEVAL_AUTH", "yes please")
    with pytest.raises(AuthError, match="PERFEVAL_AUTH"):
        auth_config()
    monkeypatch.setenv("PERFEVAL_AUTH", "oidc")
    monkeypatch.setenv("PERFEVAL_OIDC_DEFAULT_ROLE", "root")
    with pytest.raises(AuthError, match="PERFEVAL_OIDC_DEFAULT_ROLE"):
        auth_config()
    monkeypatch.delenv("PERFEVAL_OIDC_DEFAULT_ROLE")
    assert auth_config().session_hours == auth.SESSION_HOURS
    monkeypatch.setenv("PERFEVAL_SESSION_HOURS", "0")
    assert auth_config().session_hours == 0
    for bad in ("forever", "-1", "nan", "100000"):
        monkeypatch.setenv("PERFEVAL_SESSION_HOURS", bad)
        with pytest.raises(AuthError, match="PERFEVAL_SESSION_HOURS"):
            auth_config()


def test_a_new_password_or_a_removed_user_changes_the_stamp(tmp_path):
    users = UserFile(tmp_path / "users.json")
    users.add("zhang", "admin", PASSWORD)
    users.add("li", "viewer", PASSWORD)
    stamp = users.stamp("zhang")
    assert stamp == users.stamp("zhang") and stamp != users.stamp("li")  # salted hashes differ
    before = users.stamp("li")
    users.set_role("li", "editor")
    assert users.stamp("li") == before  # a new role applies at once and keeps the sign-in
    users.set_password("zhang", PASSWORD + "!")
    assert users.stamp("zhang") != stamp
    users.remove("li")
    assert users.stamp("li") is None


# --- the user file -------------------------------------------------------------------------------

def test_passwords_are_stored_as_argon2_hashes_and_verified(tmp_path):
    users = UserFile(tmp_path / "users.json")
    users.add("zhang", "editor", PASSWORD, "张三")
    raw = (tmp_path / "users.json").read_text(encoding="utf-8")
    assert PASSWORD not in raw
    entry = json.loads(raw)["users"]["zhang"]
    assert entry["password"].startswith("$argon2id$") and entry == {**entry, "name": "张三", "role": "editor"}
    assert oct((tmp_path / "users.json").stat().st_mode & 0o777) == "0o600"
    assert users.verify("zhang", PASSWORD) == User("zhang", "张三", "editor", "local")
    assert users.verify("zhang", PASSWORD + "x") is None
    assert users.verify("nobody", PASSWORD) is None
    assert users.verify("zhang", "x" * 10_000) is None  # refused before hashing a megabyte


def test_repeated_failures_lock_the_name_for_a_while(tmp_path, monkeypatch):
    users = UserFile(tmp_path / "users.json")
    users.add("li", "viewer", PASSWORD)
    for _ in range(auth.MAX_FAILURES):
        assert users.verify("li", "wrong password") is None
    with pytest.raises(AuthError, match="秒后再试"):
        users.verify("li", PASSWORD)  # even the right password waits
    monkeypatch.setattr(auth, "LOCKOUT_SECONDS", 0.0)
    assert users.verify("li", PASSWORD) is not None


def test_user_file_changes_are_checked(tmp_path):
    users = UserFile(tmp_path / "users.json")
    users.add("admin", "admin", PASSWORD)
    with pytest.raises(AuthError, match="已存在"):
        users.add("admin", "viewer", PASSWORD)
    with pytest.raises(AuthError, match="至少需要 8"):
        users.add("short", "viewer", "1234567")
    with pytest.raises(AuthError, match="角色"):
        users.add("x", "superuser", PASSWORD)
    with pytest.raises(AuthError, match="用户名"):
        users.add("a b/c", "viewer", PASSWORD)
    with pytest.raises(AuthError, match="管理员"):
        users.set_role("admin", "viewer")
    with pytest.raises(AuthError, match="管理员"):
        users.remove("admin")
    users.add("wang@example.gov.cn", "viewer", None, "王五")  # identity provider only
    assert users.verify("wang@example.gov.cn", "") is None
    users.set_role("wang@example.gov.cn", "editor")
    users.set_password("admin", PASSWORD + "!")
    assert users.verify("admin", PASSWORD + "!") is not None
    users.remove("wang@example.gov.cn")
    assert set(users.users()) == {"admin"}
    assert not list(tmp_path.glob("users.json?*[!k]"))  # no temporary files left behind (only the .lock)


def test_a_damaged_user_file_is_a_message_not_a_crash(tmp_path):
    path = tmp_path / "users.json"
    for content in ("{not json", '{"users": []}', '{"users": {"a": {"role": "god"}}}', "[]"):
        path.write_text(content, encoding="utf-8")
        with pytest.raises(AuthError, match="用户文件"):
            UserFile(path).users()


def test_cli_manages_the_user_file(tmp_path):
    path = tmp_path / "users.json"

    def cli(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "perfeval_core", "users", *args, "--file", str(path)],
                              input=stdin, capture_output=True, text=True, cwd=ROOT)

    assert cli("add", "root", "--role", "admin", "--name", "管理员", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    assert cli("add", "li@example.gov.cn", "--oidc").returncode == 0
    listing = cli("list").stdout
    assert "root\tadmin\t管理员\t密码" in listing and "li@example.gov.cn\tviewer" in listing  # the catalogue's words
    assert UserFile(path).verify("root", PASSWORD) is not None
    refused = cli("remove", "root")
    assert refused.returncode == 1 and "管理员" in refused.stderr


# --- the dashboard -------------------------------------------------------------------------------

@pytest.fixture
def signed(tmp_path, monkeypatch):
    """Sign-in on with a local user file holding one user of each role, and an empty database."""
    path = tmp_path / "users.json"
    users = UserFile(path)
    for name, role in ACCOUNTS.items():
        users.add(name, role, PASSWORD, f"{role} 用户")
    users.add("oidc.viewer@example.gov.cn", "viewer", None, "统一认证用户")
    monkeypatch.setenv("PERFEVAL_AUTH", "local")
    monkeypatch.setenv("PERFEVAL_USERS_FILE", str(path))
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PERFEVAL_DATABASE_URL", raising=False)
    yield path
    clear_store_cache()


def fresh(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if page:
        at.switch_page(str(ROOT / "pages" / page))
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="sign_in_user").input(name)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def shows_data(at: AppTest) -> bool:
    texts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.header, *at.subheader, *at.info)]
    return bool(at.metric or at.dataframe or at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
                or "_loaded" in at.session_state or any("呼和浩特" in str(v) or "唐山" in str(v) for v in texts))


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_data_before_sign_in(signed, page):
    at = fresh(page)
    assert not shows_data(at)
    assert [ti.value for ti in at.text_input] == ["", ""]  # user name and password, nothing else
    assert not at.sidebar.selectbox  # not even the list of evaluations


def test_a_wrong_password_shows_nothing(signed):
    at = sign_in(fresh(), "editor1", "not the password")
    assert any("用户名或密码错误" in e.value for e in at.error)
    assert not shows_data(at)
    assert [(e.action, e.actor) for e in get_store().audit_entries()] == [("sign_in_failed", "editor1")]


def _seed_upload(actor: str) -> None:
    from dashboard import library

    wb = openpyxl.load_workbook(SAMPLES / "tangshan_2024_evaluation.xlsx")
    wb["项目信息"]["B2"] = "已上传的评价"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert library.add(buffer.getvalue(), "已上传.xlsx", actor=actor)[1] is not None


def test_viewer_browses_and_tries_weights_but_cannot_upload_save_or_delete(signed):
    _seed_upload("seed")
    get_store().save_scenario(_hohhot_key(), "已有方案", {"D": 20}, "renormalise", None, author="seed")
    at = sign_in(fresh(), "viewer1")
    assert at.metric and any("viewer 用户" in c.value for c in at.sidebar.caption)
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key and b.key.startswith("remove_")]
    at.switch_page(str(ROOT / "pages" / "whatif.py")).run()
    assert not at.exception
    assert at.slider  # what-if works
    assert not [b for b in at.button if b.label == "保存方案"]
    assert not [b for b in at.button if b.key and b.key.startswith(("delete_", "rename_"))]
    assert [b for b in at.button if b.key and b.key.startswith("load_")]  # loading a shared scenario is fine
    with pytest.raises(ValueError, match="admin.py"):  # not even registered: no URL leads to it
        at.switch_page(str(ROOT / "pages" / "admin.py"))


def _hohhot_key() -> str:
    from dashboard import library

    return next(e.key for e in library.entries() if e.filename == library.DEFAULT_SAMPLE)[:12]


def test_editor_uploads_and_saves_under_their_name_but_cannot_manage_users(signed):
    at = sign_in(fresh(), "editor1")
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    wb = openpyxl.load_workbook(SAMPLES / "tangshan_2024_evaluation.xlsx")
    wb["项目信息"]["B2"] = "编辑者上传"
    buffer = io.BytesIO()
    wb.save(buffer)
    at.file_uploader(key="uploader").upload("编辑者.xlsx", buffer.getvalue()).run()
    assert any("已加入工作簿库" in s.value for s in at.success)
    assert not [b for b in at.button if b.key and b.key.startswith("remove_")]  # the library is the admin's
    at.switch_page(str(ROOT / "pages" / "whatif.py")).run()
    at.text_input(key="scenario_name").input("编辑者方案")
    next(b for b in at.button if b.label == "保存方案").click().run()
    assert not at.exception
    delete = [b for b in at.button if b.key and b.key.startswith("delete_")]
    assert len(delete) == 1
    delete[0].click().run()
    log = get_store().audit_entries()
    assert [(e.action, e.actor) for e in log[:4]] == [
        ("delete", "editor 用户 <editor1>"), ("save", "editor 用户 <editor1>"), ("add", "editor 用户 <editor1>"),
        ("sign_in", "editor 用户 <editor1>")]
    assert "admin" not in at.session_state["_signed_in"].role
    with pytest.raises(ValueError, match="admin.py"):
        at.switch_page(str(ROOT / "pages" / "admin.py"))


def test_admin_manages_users_and_the_library_and_reads_the_log(signed):
    _seed_upload("editor1")
    at = sign_in(fresh(), "admin1")
    at.switch_page(str(ROOT / "pages" / "admin.py")).run()
    assert not at.exception
    users_table = at.dataframe[0].value
    assert set(users_table.iloc[:, 0]) == {*ACCOUNTS, "oidc.viewer@example.gov.cn"}
    at.text_input(key="new_user").input("newcomer")
    at.text_input(key="new_password").input(PASSWORD)
    next(b for b in at.button if b.label == "添加用户").click().run()
    assert not at.exception
    assert UserFile(signed).user("newcomer", "local") == User("newcomer", "newcomer", "viewer", "local")
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    remove = [b for b in at.button if b.key and b.key.startswith("remove_")]
    assert len(remove) == 1
    remove[0].click().run()
    actions = [(e.action, e.actor) for e in get_store().audit_entries()]
    assert actions[0] == ("remove", "admin 用户 <admin1>") and ("add_user", "admin 用户 <admin1>") in actions


def test_a_removed_user_is_signed_out_on_their_next_click(signed):
    at = sign_in(fresh(), "editor1")
    assert at.metric
    UserFile(signed).remove("editor1")
    at.run()
    assert not shows_data(at) and at.text_input(key="sign_in_user")


def test_sign_out(signed):
    at = sign_in(fresh(), "viewer1")
    at.sidebar.button(key="sign_out").click().run()
    assert not shows_data(at)


def test_oidc_users_get_the_role_of_their_address(signed, monkeypatch):
    monkeypatch.setenv("PERFEVAL_AUTH", "oidc")
    at = AppTest.from_file(APP, default_timeout=90)
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button(key="oidc_login") and not shows_data(at)
    at = AppTest.from_file(APP, default_timeout=90)
    at.user = {"is_logged_in": True, "email": "OIDC.Viewer@example.gov.cn", "name": "王"}
    at.run()
    assert not at.exception and at.metric
    assert at.session_state["_signed_in"] == User("oidc.viewer@example.gov.cn", "统一认证用户", "viewer", "oidc")
    stranger = AppTest.from_file(APP, default_timeout=90)
    stranger.user = {"is_logged_in": True, "email": "stranger@example.com", "name": "?"}
    stranger.run()
    assert any("未获授权" in e.value for e in stranger.error) and not shows_data(stranger)
    monkeypatch.setenv("PERFEVAL_OIDC_DEFAULT_ROLE", "viewer")
    stranger.run()
    assert stranger.metric and stranger.session_state["_signed_in"].role == "viewer"


def test_a_misconfigured_server_stays_closed(signed, monkeypatch):
    monkeypatch.setenv("PERFEVAL_AUTH", "on")
    at = fresh()
    assert any("PERFEVAL_AUTH" in e.value for e in at.error) and not shows_data(at)
    monkeypatch.setenv("PERFEVAL_AUTH", "local")
    signed.write_text("{broken", encoding="utf-8")
    at = fresh()
    assert not shows_data(at)
    at = sign_in(at, "admin1")
    assert any("用户文件" in e.value for e in at.error) and not shows_data(at)


def test_sign_in_is_off_for_the_local_sample(tmp_path, monkeypatch):
    monkeypatch.delenv("PERFEVAL_AUTH", raising=False)
    monkeypatch.setenv("PERFEVAL_DATA_DIR", str(tmp_path / "data"))
    at = fresh()
    assert at.metric and not at.text_input
    assert os.environ.get("PERFEVAL_AUTH") is None


def test_an_editor_sets_the_official_weights_and_every_page_follows(signed):
    key = _hohhot_key()
    saved = get_store().save_scenario(key, "效益四十", {"D": 40}, "renormalise", None, author="seed")
    viewer = sign_in(fresh("whatif.py"), "viewer1")
    assert not [b for b in viewer.button if b.key and b.key.startswith("official_")]
    at = sign_in(fresh(), "editor1")
    at.switch_page(str(ROOT / "pages" / "whatif.py")).run()
    at.button(key=f"official_{saved.id}").click().run()
    assert not at.exception, at.exception
    at.switch_page(str(ROOT / "pages" / "overview.py")).run()
    assert {m.label: m.value for m in at.metric}["综合得分"] == "82.31"  # 效益 40, as the what-if page showed
    assert any("效益四十" in c.value and "editor 用户" in c.value for c in at.caption)
    other = sign_in(fresh(), "viewer1")  # every session, on every server sharing the database
    assert {m.label: m.value for m in other.metric}["综合得分"] == "82.31"
    at.switch_page(str(ROOT / "pages" / "whatif.py")).run()
    at.button(key="clear_official").click().run()
    at.switch_page(str(ROOT / "pages" / "overview.py")).run()
    assert {m.label: m.value for m in at.metric}["综合得分"] == "81.18"
    official_changes = [e.action for e in get_store().audit_entries() if "official" in e.action]
    assert official_changes == ["clear_official", "set_official"]


# --- kept sign-ins: the hand-over to the browser and the cookie routes -------------------------------

def _route_calls(at: AppTest) -> list[dict]:
    """The cookie-route calls among the page's components (the interface-text component is another)."""
    calls = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    return [c for c in calls if isinstance(c, dict) and "path" in c]


def test_a_sign_in_is_handed_to_the_browser_once_and_sign_out_ends_it(signed):
    at = sign_in(fresh(), "viewer1")
    [call] = _route_calls(at)
    assert call["path"] == "/auth/keep"
    token, username = get_store().redeem_sign_in(call["body"], 3600)  # what /auth/keep does with it
    assert username == "viewer1" and get_store().signed_in(token)[0] == "viewer1"
    at.run()
    assert _route_calls(at) == []  # posted once, not on every rerun
    at.sidebar.button(key="sign_out").click().run()
    assert [c["path"] for c in _route_calls(at)] == ["/auth/end"] and not shows_data(at)


def test_no_hand_over_when_kept_sign_ins_are_off(signed, monkeypatch):
    monkeypatch.setenv("PERFEVAL_SESSION_HOURS", "0")
    at = sign_in(fresh(), "viewer1")
    assert at.metric and _route_calls(at) == []


@pytest.fixture(name="client")
def client_fixture(signed):
    """The server's own routes (dashboard/serve.py) in a Starlette app, over real HTTP semantics."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from dashboard.serve import ROUTES

    with TestClient(Starlette(routes=ROUTES), base_url="http://testserver") as client:
        yield client


SAME_ORIGIN = {"Origin": "http://testserver"}


def _code(signed, username: str = "viewer1") -> str:
    return get_store().start_sign_in(username, UserFile(signed).stamp(username) or "")


def test_keep_answers_a_valid_code_once_with_an_httponly_cookie(signed, client):
    code = _code(signed)
    answer = client.post("/auth/keep", content=code, headers=SAME_ORIGIN)
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    for flag in ("perfeval_session=", "HttpOnly", "Max-Age=43200", "Path=/", "SameSite=strict"):
        assert flag in cookie, cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1 would drop a Secure cookie
    token = client.cookies["perfeval_session"]
    assert get_store().signed_in(token)[0] == "viewer1"
    assert client.post("/auth/keep", content=code, headers=SAME_ORIGIN).status_code == 403  # used up
    behind_https = client.post("/auth/keep", content=_code(signed), headers={**SAME_ORIGIN, "X-Forwarded-Proto": "https"})
    assert behind_https.status_code == 204 and "Secure" in behind_https.headers["set-cookie"]


def test_keep_refuses_other_origins_junk_and_servers_without_local_sign_in(signed, client, monkeypatch):
    code = _code(signed)
    assert client.post("/auth/keep", content=code, headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/auth/keep", content="x" * 100_000, headers=SAME_ORIGIN).status_code == 403
    assert client.get("/auth/keep").status_code == 405
    assert "set-cookie" not in client.post("/auth/keep", content="nonsense", headers=SAME_ORIGIN).headers
    monkeypatch.setenv("PERFEVAL_SESSION_HOURS", "0")
    assert client.post("/auth/keep", content=code, headers=SAME_ORIGIN).status_code == 404
    monkeypatch.setenv("PERFEVAL_AUTH", "off")
    assert client.post("/auth/keep", content=code, headers=SAME_ORIGIN).status_code == 404
    monkeypatch.setenv("PERFEVAL_AUTH", "local")
    monkeypatch.delenv("PERFEVAL_SESSION_HOURS")
    assert client.post("/auth/keep", content=code, headers=SAME_ORIGIN).status_code == 204  # not used up above


def test_end_signs_the_cookie_out_and_deletes_it(signed, client):
    assert client.post("/auth/keep", content=_code(signed), headers=SAME_ORIGIN).status_code == 204
    token = client.cookies["perfeval_session"]
    answer = client.post("/auth/end", headers=SAME_ORIGIN)
    assert answer.status_code == 204 and 'perfeval_session=""' in answer.headers["set-cookie"]
    assert get_store().signed_in(token) is None and "perfeval_session" not in client.cookies


def test_keep_says_so_when_the_database_is_down(signed, client, monkeypatch):
    code = _code(signed)
    clear_store_cache()
    monkeypatch.setenv("PERFEVAL_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert client.post("/auth/keep", content=code, headers=SAME_ORIGIN).status_code == 503
