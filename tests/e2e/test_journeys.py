"""User journeys in a real browser: each at desktop and phone size, each driven once with
the mouse and once with the keyboard alone (the ``act`` fixture, tests/e2e/drivers.py)."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import (
    CITIZEN_EMAIL,
    CONCLUDED,
    MODERATOR_EMAIL,
    OTHER_EMAIL,
    PASSWORD,
    STAFF_EMAIL,
    planting,
    unique,
)
from tests.e2e.steps import (
    DATA_LAW,
    fill_passwords,
    header,
    log_in,
    plant_comment,
    register,
    reply_and_report,
    thread_of,
    write_comment,
)
from tests.factories import SMALL_LAW, VALID_TAX_CODE


def search_until_found(act, query, wanted, seconds=10):
    """Search from the header box; indexing runs after the response, so retry briefly."""
    page = act.page
    act.fill(page.get_by_role("searchbox", name="Tìm ý kiến, điều khoản"), query)
    act.press(page.get_by_role("search").get_by_role("button", name="Tìm"))
    hit = page.locator(".search-hit").filter(has_text=wanted)
    deadline = time.monotonic() + seconds
    while hit.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.3)
        page.reload()
    expect(hit).to_have_count(1)
    return hit


def test_citizen_comments_replies_reports_and_searches(act, live_app):
    page = act.page
    run = f"{page.viewport_name} {act.name}"  # plain words: the search below finds them
    target_text = f"Nên bổ sung ví dụ về dữ liệu điện tử ({run})."
    plant_comment(live_app, target_text)
    register(act, unique("congdan"), "Nguyễn Văn Dân")
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()
    act.follow(page.get_by_role("link", name="Dự thảo Luật Dữ liệu").first)
    expect(page.get_by_role("heading", name="Dự thảo Luật Dữ liệu")).to_be_visible()
    act.follow(page.get_by_role("link", name=re.compile("Điều 2. Giải thích từ ngữ")).first)
    expect(page.locator("#khoan-2-diem-a")).to_contain_text("Thu thập dữ liệu")

    write_comment(act, f"Đề nghị ghi rõ **thu thập hợp pháp** ({run}).", clause="khoan-2-diem-a",
                  wording="a) Thu thập dữ liệu một cách hợp pháp;")
    mine = thread_of(page, f"thu thập hợp pháp ({run})")
    expect(mine.locator("strong", has_text="thu thập hợp pháp")).to_be_visible()
    expect(mine).to_contain_text("a) Thu thập dữ liệu một cách hợp pháp;")
    expect(mine.locator(".report-box")).to_have_count(0)  # one's own comment: no report box

    reply_and_report(act, thread_of(page, target_text), f"Tôi đồng ý với ý kiến này ({run}).")

    hit = search_until_found(act, f"thu thap hop phap {run}", run)
    expect(hit.locator("mark").first).to_be_visible()
    expect(hit).to_contain_text("thu thập hợp pháp")
    act.follow(hit.get_by_role("link", name="Ý kiến của Nguyễn Văn Dân"))
    expect(page).to_have_url(re.compile(r"/c/du-thao-luat-du-lieu/dieu-2.*#y-kien-\d+$"))
    expect(thread_of(page, f"thu thập hợp pháp ({run})")).to_be_visible()


def test_business_registers_with_a_tax_code(act):
    page = act.page
    register(act, unique("doanhnghiep"), "Lê Thị Đại Diện", business=True,
             tax_code="0100109107")
    expect(page.get_by_text("Mã số thuế không hợp lệ")).to_be_visible()
    fill_passwords(act)
    act.fill(page.get_by_label("Mã số thuế"), VALID_TAX_CODE)
    act.press(page.get_by_role("button", name="Đăng ký"))
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()
    act.follow(header(page).get_by_role("link", name="Lê Thị Đại Diện"))
    expect(page.get_by_text(VALID_TAX_CODE)).to_be_visible()
    expect(page.get_by_label("Tên doanh nghiệp / tổ chức")).to_have_value("Công ty Cổ phần Sao Mai")


def test_staff_create_open_and_close_a_consultation(act):
    page = act.page
    page.goto("/")
    log_in(act, STAFF_EMAIL)
    act.follow(header(page).get_by_role("link", name="Quản lý dự thảo"))
    act.follow(page.get_by_role("link", name="Tạo đợt lấy ý kiến mới"))
    title = f"Dự thảo Nghị định {page.viewport_name} {act.name}"
    act.fill(page.get_by_label("Tên dự thảo"), title)
    act.choose(page.get_by_label("Loại văn bản"), "Nghị định")
    act.fill_datetime(page.get_by_label("Bắt đầu lấy ý kiến"), "2030-01-01T08:00")
    act.fill_datetime(page.get_by_label("Kết thúc lấy ý kiến"), "2030-03-01T17:00")
    act.paste(page.get_by_label("Toàn văn dự thảo"), SMALL_LAW)
    act.press(page.get_by_role("button", name="Lưu"))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Bản nháp")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Điều 2. Giải thích từ ngữ"))).to_be_visible()
    act.follow(header(page).get_by_role("link", name="Quản lý dự thảo"))
    act.press(page.get_by_role("row").filter(has_text=title).get_by_role("button", name="Mở ngay"))
    expect(page.get_by_text("Đã mở lấy ý kiến.")).to_be_visible()
    act.follow(header(page).get_by_role("link", name="Quản lý dự thảo"))
    act.press(page.get_by_role("row").filter(has_text=title)
              .get_by_role("button", name="Đóng ngay"))
    expect(page.get_by_text("Đã đóng lấy ý kiến.")).to_be_visible()
    expect(page.get_by_text("không mở vào lúc này")).to_be_visible()


def plant_queue(app, title):
    """A consultation whose queue holds three waiting comments (their author is blocked) and
    two reported ones; returns (its id, its slug, waiting texts, reported texts)."""
    from consult.accounts.models import User
    from consult.accounts.services import register_user
    from consult.comments.services import submit_comment
    from consult.core.db_setup import utcnow
    from consult.drafts.services import (
        create_consultation,
        get_or_create_agency,
        publish_consultation,
    )
    from consult.extensions import db
    from consult.moderation.services import block_author, report_comment

    with planting(app):
        now = utcnow()
        consultation = create_consultation(
            get_or_create_agency("Bộ Thử nghiệm"), title, "Nghị định", "", now - timedelta(days=1),
            now + timedelta(days=20), SMALL_LAW)
        publish_consultation(consultation, now - timedelta(days=1))
        users = {email: db.session.query(User).filter_by(email=email).one()
                 for email in (MODERATOR_EMAIL, OTHER_EMAIL, CITIZEN_EMAIL)}
        loud = register_user(unique("tacgia"), PASSWORD, "Tác giả Ồn Ào")
        held = register_user(unique("tacgia"), PASSWORD, "Tác giả Bị Chặn")
        reported = [f"Mời cả nhà tham gia câu lạc bộ cờ tướng cuối tuần ({title}).",
                    f"Bài này chẳng liên quan gì, tôi chỉ muốn than phiền về giá xăng ({title})."]
        for text in reported:
            comment = submit_comment(loud, consultation, text, "other")
            for reporter in (users[OTHER_EMAIL], users[CITIZEN_EMAIL]):
                report_comment(reporter, comment, "spam")
        block_author(users[MODERATOR_EMAIL], held, "Thử nghiệm hàng chờ")
        waiting = [f"Ý kiến chờ duyệt số {n} ({title})." for n in (1, 2, 3)]
        for text in waiting:
            submit_comment(held, consultation, text, "agree")
        db.session.flush()
        return consultation.id, consultation.slug, waiting, reported


def tick_all(act, waiting_texts):
    for text in waiting_texts:
        item = act.page.locator(".queue-item").filter(has_text=text)
        act.check(item.get_by_role("checkbox"))


def bulk(act, action, reason=""):
    page = act.page
    if reason:
        act.fill(page.get_by_label("Lý do (bắt buộc khi ẩn hoặc từ chối; tác giả sẽ thấy)"),
                 reason)
    act.choose(page.get_by_label("Với các ý kiến đã chọn"), action)
    act.press(page.get_by_role("button", name="Thực hiện"))


def test_moderator_clears_the_queue_in_bulk(act, live_app):
    page = act.page
    title = f"Dự thảo Nghị định kiểm duyệt {page.viewport_name} {act.name}"
    consultation_id, slug, waiting, reported = plant_queue(live_app, title)
    page.goto("/")
    log_in(act, MODERATOR_EMAIL)
    act.follow(header(page).get_by_role("link", name="Kiểm duyệt", exact=True))
    act.choose(page.get_by_label("Dự thảo", exact=True), str(consultation_id))
    act.press(page.get_by_role("button", name="Lọc"))
    expect(page.get_by_text("3 ý kiến", exact=True)).to_be_visible()

    tick_all(act, waiting)
    bulk(act, "approve")
    expect(page.get_by_text("Đã xử lý 3 ý kiến.")).to_be_visible()
    expect(page.get_by_text("Không có ý kiến nào trong nhóm này.")).to_be_visible()

    act.follow(page.get_by_role("navigation", name="Các nhóm ý kiến")
               .get_by_role("link", name=re.compile("^Bị báo cáo")))
    expect(page.locator(".queue-item")).to_have_count(2)  # the filter stays on
    tick_all(act, reported)
    bulk(act, "hide")  # hiding needs a reason the author will read
    expect(page.locator(".flash-error")).to_be_visible()
    expect(page.locator(".queue-item")).to_have_count(2)
    tick_all(act, reported)
    bulk(act, "hide", "Quảng cáo, không góp ý cho dự thảo.")
    expect(page.get_by_text("Đã xử lý 2 ý kiến.")).to_be_visible()
    expect(page.get_by_text("Không có ý kiến nào trong nhóm này.")).to_be_visible()

    act.follow(page.locator(".tabs").get_by_role("link", name=re.compile("^Chờ duyệt")))
    expect(page.get_by_text("Không có ý kiến nào trong nhóm này.")).to_be_visible()

    page.goto(f"/c/{slug}")  # the public page: approved comments shown, hidden ones gone
    general = page.locator("section.discussion")
    for text in waiting:
        expect(general.get_by_text(text)).to_be_visible()
    for text in reported:
        expect(page.get_by_text(text)).to_have_count(0)


def shown_times(page):
    """(the datetime attribute as local time, the text shown) of the comments' times."""
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    times = page.locator(".comment-meta time")
    return [(datetime.fromisoformat(t.get_attribute("datetime")).astimezone(zone),
             t.inner_text()) for t in times.all()]


def test_english_through_the_header_switch_and_back(page):
    page.goto(f"/c/{DATA_LAW}/dieu-2")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    times = shown_times(page)
    assert times and all(text == f"{when:%d/%m/%Y %H:%M}" for when, text in times), times
    expect(page.locator(".time-left")).to_have_text(re.compile(r"^còn \d+ ngày$"))

    header(page).get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(f"/c/{DATA_LAW}/dieu-2$"))  # the same page
    expect(page.get_by_role("heading", name=re.compile(r"^Comments on Điều 2"))).to_be_visible()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    times = shown_times(page)  # "6 December 2026, 09:30"
    assert times and all(text == f"{when.day} {when:%B %Y, %H:%M}" for when, text in times), times
    expect(page.locator(".time-left")).to_have_text(re.compile(r"^\d+ days? left$"))
    count = page.locator("#comments-heading")
    expect(count).to_have_text(re.compile(rf"\({len(times) - count_replies(page)}\)$"))

    page.goto(f"{CONCLUDED}/tong-hop")  # the published dossier: its chart's days
    day = page.locator(".chart-axis span").first
    expect(day).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$"))

    header(page).get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(day).to_have_text(re.compile(r"^\d\d/\d\d/\d{4}$"))
    page.goto(f"/c/{DATA_LAW}/dieu-2")
    expect(page.get_by_role("heading", name=re.compile(r"^Ý kiến về Điều 2"))).to_be_visible()
    assert all(text == f"{when:%d/%m/%Y %H:%M}" for when, text in shown_times(page))


def count_replies(page):
    return page.locator(".reply .comment-meta time").count()
