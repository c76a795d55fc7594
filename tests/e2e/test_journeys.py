"""User journeys in a real browser, each at desktop and phone size."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, STAFF_EMAIL, log_in, unique
from tests.factories import SMALL_LAW, VALID_TAX_CODE


def _register(page, email, name, business=False, tax_code=VALID_TAX_CODE):
    page.goto("/dang-ky")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Họ và tên (tên hiển thị)").fill(name)
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    if business:
        page.get_by_role("radio", name="Doanh nghiệp / tổ chức").check()
        page.get_by_label("Tên doanh nghiệp / tổ chức").fill("Công ty Cổ phần Sao Mai")
        page.get_by_label("Mã số thuế").fill(tax_code)
    page.get_by_role("button", name="Đăng ký").click()


def test_citizen_reads_comments_and_replies(page):
    email = unique("congdan")
    _register(page, email, "Nguyễn Văn Dân")
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()
    page.get_by_role("link", name="Dự thảo Luật Dữ liệu").first.click()
    expect(page.get_by_role("heading", name="Dự thảo Luật Dữ liệu")).to_be_visible()
    page.get_by_role("link", name=re.compile("Điều 2. Giải thích từ ngữ")).click()
    expect(page.locator("#khoan-2-diem-a")).to_contain_text("Thu thập dữ liệu")
    page.get_by_label("Đề xuất sửa đổi").check()
    page.get_by_label("Góp ý cho khoản / điểm").select_option("khoan-2-diem-a")
    marker = f"({page.viewport_name})"
    page.get_by_label("Nội dung góp ý").fill(f"Đề nghị ghi rõ **thu thập hợp pháp** {marker}.")
    page.get_by_label("Đề xuất câu chữ thay thế (không bắt buộc)").fill(
        "a) Thu thập dữ liệu một cách hợp pháp;")
    page.get_by_role("button", name="Gửi góp ý").click()
    expect(page.get_by_text("Cảm ơn bạn đã góp ý.")).to_be_visible()
    mine = page.locator(".comment").filter(has_text=f"thu thập hợp pháp {marker}")
    expect(mine.locator("strong", has_text="thu thập hợp pháp")).to_be_visible()
    expect(mine).to_contain_text("a) Thu thập dữ liệu một cách hợp pháp;")
    other = page.locator(".comment").filter(has_text="Cần định nghĩa rõ dữ liệu điện tử.")
    other.get_by_text("Trả lời", exact=True).click()
    other.get_by_label("Trả lời ý kiến này").fill(f"Tôi đồng ý với ý kiến này {marker}.")
    other.get_by_role("button", name="Gửi trả lời").click()
    expect(page.locator(".reply").filter(has_text=f"ý kiến này {marker}")).to_be_visible()


def test_business_registers_with_a_tax_code(page):
    _register(page, unique("doanhnghiep"), "Lê Thị Đại Diện", business=True,
              tax_code="0100109107")
    expect(page.get_by_text("Mã số thuế không hợp lệ")).to_be_visible()
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_label("Mã số thuế").fill(VALID_TAX_CODE)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()
    page.goto("/tai-khoan")
    expect(page.get_by_text(VALID_TAX_CODE)).to_be_visible()


def test_staff_create_open_and_close_a_consultation(page):
    log_in(page, STAFF_EMAIL)
    page.get_by_role("link", name="Quản lý dự thảo").click()
    page.get_by_role("link", name="Tạo đợt lấy ý kiến mới").click()
    title = f"Dự thảo Nghị định {page.viewport_name}"
    page.get_by_label("Tên dự thảo").fill(title)
    page.get_by_label("Loại văn bản").select_option("Nghị định")
    page.get_by_label("Bắt đầu lấy ý kiến").fill("2030-01-01T08:00")
    page.get_by_label("Kết thúc lấy ý kiến").fill("2030-03-01T17:00")
    page.get_by_label("Toàn văn dự thảo").fill(SMALL_LAW)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Bản nháp")).to_be_visible()
    page.goto("/quan-ly")
    row = page.get_by_role("row").filter(has_text=title)
    row.get_by_role("button", name="Mở ngay").click()
    expect(page.get_by_text("Đã mở lấy ý kiến.")).to_be_visible()
    page.goto("/quan-ly")
    page.get_by_role("row").filter(has_text=title).get_by_role("button", name="Đóng ngay").click()
    expect(page.get_by_text("Đã đóng lấy ý kiến.")).to_be_visible()
    expect(page.get_by_text("không mở vào lúc này")).to_be_visible()


def test_keyboard_only_login(page):
    page.goto("/dang-nhap")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua, đến nội dung chính")).to_be_focused()
    page.get_by_label("E-mail").focus()
    page.keyboard.type(STAFF_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Đăng nhập thành công.")).to_be_visible()
