"""Every page is usable without JavaScript: comment, reply and report with it switched off."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORTS, open_page, unique
from tests.e2e.drivers import Mouse
from tests.e2e.steps import (
    DATA_LAW,
    plant_comment,
    register,
    reply_and_report,
    thread_of,
    write_comment,
)


@pytest.fixture(params=list(VIEWPORTS))
def page_without_js(request, browser, live_server):
    with open_page(browser, live_server, request.param, request.node.name,
                   java_script_enabled=False) as page:
        yield page


def test_comment_reply_and_report_without_javascript(page_without_js, live_app):
    page = page_without_js
    run = f"{page.viewport_name} không JavaScript"
    target = f"Cần quy định thời hạn xoá dữ liệu ({run})."
    plant_comment(live_app, target)
    act = Mouse(page)
    register(act, unique("khongjs"), "Đỗ Thị Không Script")  # a new author: no repeat held
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()
    page.goto(f"/c/{DATA_LAW}/dieu-2")
    expect(page.get_by_role("button", name="Xem trước")).to_have_count(0)  # site.js did not run

    write_comment(act, f"Nên tách riêng quy định về lưu trữ ({run}).", stance="Đồng ý",
                  clause="khoan-2-diem-b")
    expect(thread_of(page, f"lưu trữ ({run})")).to_contain_text("Đồng ý")
    reply_and_report(act, thread_of(page, target), f"Tôi cũng thấy cần thời hạn ({run}).")
