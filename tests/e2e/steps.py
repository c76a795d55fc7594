"""Steps the journeys share, written against a driver (tests/e2e/drivers.py) so the same
step runs with the mouse, with the keyboard alone, or in a browser without JavaScript."""

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, planting, unique
from tests.factories import VALID_TAX_CODE

DATA_LAW = "du-thao-luat-du-lieu"


def header(page):
    """The site header (brand, search box, navigation, language switch) in any language."""
    return page.locator(".site-header")


def plant_comment(app, text, slug=DATA_LAW, article=1):
    """A published comment by a new citizen on Điều ``article + 1``: a fresh one to reply to
    and report in each run (three reports would hide a shared one, and screening holds one
    author's repeated texts)."""
    from consult.accounts.services import register_user
    from consult.comments.services import submit_comment
    from consult.drafts.services import find_consultation

    with planting(app):
        consultation = find_consultation(slug)
        author = register_user(unique("nguoikhac"), PASSWORD, "Trần Thị Khác")
        submit_comment(author, consultation, text, "agree",
                       consultation.current_version.articles()[article])


def thread_of(page, text):
    """The top-level comment containing ``text`` (with its replies and boxes)."""
    return page.locator("li.comment:not(.reply)").filter(has_text=text)


def reply_and_report(act, comment, reply_text, reason="Không liên quan"):
    """Reply to a comment in its "Trả lời" box, then report it with a reason."""
    page = act.page
    act.open(comment.locator(":scope > details.reply-box > summary"))
    act.fill(comment.get_by_label("Trả lời ý kiến này"), reply_text)
    act.press(comment.get_by_role("button", name="Gửi trả lời"))
    expect(page.locator(".reply").filter(has_text=reply_text)).to_be_visible()
    act.open(comment.locator(":scope > details.report-box > summary"))
    act.check(comment.locator(":scope > details.report-box").get_by_label(reason))
    act.fill(comment.locator(":scope > details.report-box")
             .get_by_label("Chi tiết (bắt buộc với lý do Khác)"), "Không bàn về Điều này.")
    act.press(comment.get_by_role("button", name="Gửi báo cáo"))
    expect(page.get_by_text("Cảm ơn bạn. Báo cáo đã được gửi tới kiểm duyệt viên.")).to_be_visible()


def register(act, email, name, business=False, tax_code=VALID_TAX_CODE):
    page = act.page
    page.goto("/")
    act.follow(header(page).get_by_role("link", name="Đăng ký"))
    act.fill(page.get_by_label("E-mail"), email)
    act.fill(page.get_by_label("Họ và tên (tên hiển thị)"), name)
    fill_passwords(act)
    if business:
        act.check(page.get_by_role("radio", name="Doanh nghiệp / tổ chức"))
        act.fill(page.get_by_label("Tên doanh nghiệp / tổ chức"), "Công ty Cổ phần Sao Mai")
        act.fill(page.get_by_label("Mã số thuế"), tax_code)
    act.press(page.get_by_role("button", name="Đăng ký"))


def fill_passwords(act):
    act.fill(act.page.get_by_label("Mật khẩu (ít nhất 8 ký tự)"), PASSWORD)
    act.fill(act.page.get_by_label("Nhập lại mật khẩu"), PASSWORD)


def write_comment(act, body, stance="Đề xuất sửa đổi", clause=None, wording=None):
    """Fill the article page's composer and send it."""
    page = act.page
    act.check(page.get_by_role("radio", name=stance, exact=True))
    if clause:
        act.choose(page.get_by_label("Góp ý cho khoản / điểm"), clause)
    act.fill(page.get_by_label("Nội dung góp ý"), body)
    if wording:
        act.fill(page.get_by_label("Đề xuất câu chữ thay thế (không bắt buộc)"), wording)
    act.press(page.get_by_role("button", name="Gửi góp ý"))
    expect(page.get_by_text("Cảm ơn bạn đã góp ý.")).to_be_visible()


def log_in(act, email, password=PASSWORD):
    """From any page: the header's login link, then the form."""
    page = act.page
    act.follow(header(page).get_by_role("link", name="Đăng nhập"))
    act.fill(page.get_by_label("E-mail"), email)
    act.fill(page.get_by_label("Mật khẩu", exact=True), password)
    act.press(page.get_by_role("button", name="Đăng nhập"))
    page.get_by_text("Đăng nhập thành công.").wait_for()
