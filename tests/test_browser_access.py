"""Sign-in in a real browser: a server with PERFEVAL_AUTH=local shows nothing but the sign-in
screen, a viewer signs in with the keyboard and sees the data without upload controls, and an
admin sees the users page. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from .browser_support import (
    WAIT_MS,
    assert_no_exception,
    full_screenshot,
    running_streamlit,
    skip_module_unless_browser,
)

skip_module_unless_browser()

from playwright.sync_api import expect  # noqa: E402

from perfeval_core.auth.users import UserFile  # noqa: E402

PASSWORD = "correct horse battery"
SIGN_IN = {"name": "登录", "exact": True}  # not "退出登录" (sign out), which contains it


@pytest.fixture(scope="module", name="users")
def users_fixture(tmp_path_factory) -> UserFile:
    users = UserFile(tmp_path_factory.mktemp("auth") / "users.json")
    users.add("viewer1", "viewer", PASSWORD, "王查看")
    users.add("admin1", "admin", PASSWORD, "李管理")
    users.add("editor1", "editor", PASSWORD, "赵编辑")
    return users


@pytest.fixture(scope="module", name="signed_server")
def signed_server_fixture(users):
    with running_streamlit({"PERFEVAL_AUTH": "local", "PERFEVAL_USERS_FILE": str(users.path)}) as url:
        yield url


def new_context(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN", base_url=base_url)
    context.set_default_timeout(WAIT_MS)
    return context


@pytest.fixture(name="fresh_page")
def fresh_page_fixture(browser, signed_server):
    context = new_context(browser, signed_server)
    page = context.new_page()
    yield page
    context.close()


def nav(page, name: str) -> None:
    """Click a page in the sidebar navigation, expanding it when Streamlit folded the long list."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower() or more.count() and "更多" in more.inner_text():
        more.click()
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()


def sign_in(page, name: str) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("path", ["", "districts", "whatif", "data", "admin"])
def test_every_address_shows_only_the_sign_in_screen(fresh_page, screenshots, path):
    page = fresh_page
    page.goto(f"/{path}", wait_until="domcontentloaded")
    expect(page.get_by_role("button", **SIGN_IN)).to_be_visible()
    expect(page.get_by_text("本看板的数据不公开，请先登录。")).to_be_visible()
    body = page.locator("body").inner_text()
    for secret in ("呼和浩特", "81.18", "赛罕区", "评价项目"):
        assert secret not in body, f"{secret} visible before sign-in at /{path}"
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stMetric"], .vega-embed, [data-testid="stDataFrame"]').count() == 0
    if not path:
        page.screenshot(path=str(screenshots / "sign_in.png"))


def test_a_viewer_signs_in_and_browses_without_upload(fresh_page, screenshots):
    page = fresh_page
    page.goto("/", wait_until="domcontentloaded")
    sign_in(page, "viewer1")
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="综合得分").first).to_be_visible()
    expect(page.get_by_text("已登录：王查看（查看者）")).to_be_visible()
    assert_no_exception(page)
    nav(page, "数据")
    expect(page.get_by_text("当前角色只能浏览")).to_be_visible()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.get_by_role("link", name="用户与日志").count() == 0
    full_screenshot(page, screenshots / "viewer_data.png")


def test_an_admin_sees_users_and_the_log(fresh_page, screenshots):
    page = fresh_page
    page.goto("/", wait_until="domcontentloaded")
    sign_in(page, "admin1")
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    nav(page, "用户与日志")
    expect(page.get_by_role("heading", name="用户与日志")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    assert_no_exception(page)
    full_screenshot(page, screenshots / "admin_users.png")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", **SIGN_IN)).to_be_visible()


def _sign_in_cookie(page) -> dict:
    """The cookie the browser got from /auth/keep (posted right after the sign-in run)."""
    for _ in range(100):
        found = [c for c in page.context.cookies() if c["name"] == "perfeval_session"]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError("the browser never got the sign-in cookie")


def _signed_in_as(page, who: str) -> None:
    expect(page.get_by_text(f"已登录：{who}")).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible()


def _signed_in_page(browser, base_url: str, name: str, display: str):
    """A new browser context signed in as ``name`` and holding its sign-in cookie: (context, page, cookie)."""
    context = new_context(browser, base_url)
    page = context.new_page()
    page.goto("/", wait_until="domcontentloaded")
    sign_in(page, name)
    _signed_in_as(page, display)
    return context, page, _sign_in_cookie(page)


def test_a_sign_in_survives_reloads_until_sign_out(browser, signed_server):
    context, page, cookie = _signed_in_page(browser, signed_server, "viewer1", "王查看")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "perfeval_session" not in page.evaluate("document.cookie")  # scripts cannot read it
    page.goto("/districts", wait_until="domcontentloaded")  # a reload, on another page
    _signed_in_as(page, "王查看")
    assert page.get_by_label("密码").count() == 0
    assert_no_exception(page)
    # another browser has no cookie: it must sign in
    other = new_context(browser, signed_server)
    stranger = other.new_page()
    stranger.goto("/districts", wait_until="domcontentloaded")
    expect(stranger.get_by_role("button", **SIGN_IN)).to_be_visible()
    other.close()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", **SIGN_IN)).to_be_visible()
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("button", **SIGN_IN)).to_be_visible()
    assert "呼和浩特" not in page.locator("body").inner_text()
    context.close()


def test_a_new_password_ends_kept_sign_ins(browser, signed_server, users):
    context, page, _ = _signed_in_page(browser, signed_server, "editor1", "赵编辑")
    page.reload(wait_until="domcontentloaded")
    _signed_in_as(page, "赵编辑")
    users.set_password("editor1", PASSWORD)  # same text, new salt: a new hash all the same
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("button", **SIGN_IN)).to_be_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()
