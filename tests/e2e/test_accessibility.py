"""axe-core on every page type, in Vietnamese and in English: no serious or critical
violations; the page's language is declared; form errors are tied to their fields."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import (
    ADMIN_EMAIL,
    ARTIFACTS,
    CONCLUDED,
    MODERATOR_EMAIL,
    OTHER_EMAIL,
    STAFF_EMAIL,
    log_in,
)

# Public pages by kind (one browser context walks each list).
PUBLIC_PAGES = {
    "reading": ["/", "/c/du-thao-luat-du-lieu", "/c/du-thao-luat-du-lieu/dieu-2",
                "/c/du-thao-luat-thu-vien/dieu-11"],
    "versions": ["/c/du-thao-luat-thu-vien/thay-doi", "/c/du-thao-luat-thu-vien/thay-doi/dieu-11",
                 "/c/du-thao-luat-thu-vien/phien-ban", "/c/du-thao-luat-thu-vien/phien-ban/1",
                 "/c/du-thao-luat-thu-vien/phien-ban/1/dieu-10"],
    "concluded": [CONCLUDED, f"{CONCLUDED}/tong-hop", f"{CONCLUDED}/dieu-1"],
    "forms-search-errors": ["/dang-nhap", "/dang-ky", "/search?q=du+lieu+dien+tu",
                            "/search?q=***", "/khong-co-trang-nay", "/api/v1/docs"],
}
# Pages behind a login, by who sees them (each run logs in once and walks its list).
SIGNED_IN_PAGES = {
    STAFF_EMAIL: ["/quan-ly", "/quan-ly/tao-moi", "/tai-khoan", "/c/du-thao-luat-du-lieu/sua",
                  "/c/du-thao-luat-du-lieu/phien-ban/moi", "/c/du-thao-luat-du-lieu/tong-hop",
                  "/c/du-thao-luat-du-lieu/tong-hop/tra-loi"],
    OTHER_EMAIL: ["/thong-bao", "/thong-bao/cai-dat", "/tai-khoan", "/tai-khoan/xoa",
                  "/c/du-thao-luat-du-lieu/dieu-2"],
    MODERATOR_EMAIL: ["/kiem-duyet?tab=waiting", "/kiem-duyet?tab=flagged",
                      "/kiem-duyet?tab=hidden", "/kiem-duyet?tab=all"],
    ADMIN_EMAIL: ["/quan-tri/nhat-ky", "/quan-tri/nhat-ky?thao-tac=hide"],
}
ENGLISH_PAGES = ["/", "/dang-nhap", "/dang-ky", "/c/du-thao-luat-du-lieu",
                 "/c/du-thao-luat-du-lieu/dieu-2", "/search?q=du+lieu", f"{CONCLUDED}/tong-hop",
                 "/khong-co-trang-nay"]


def serious(page):
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


# What a page must show for its check to mean anything.
SHOWS = {"/search?q=du+lieu+dien+tu": ".search-hit", "/search?q=***": "p.note",
         "/kiem-duyet?tab=flagged": ".queue-item", "/thong-bao": ".notification",
         "/quan-tri/nhat-ky": "tbody tr", f"{CONCLUDED}/tong-hop": ".chart"}


def check_pages(page, paths, lang="vi"):
    """Each page: its declared language, axe, and a screenshot in artifacts/e2e/."""
    found = {}
    for path in paths:
        page.goto(path)
        if path in SHOWS:
            expect(page.locator(SHOWS[path]).first).to_be_visible()
        problems = serious(page)
        declared = page.locator("html").get_attribute("lang")
        if declared != lang:
            problems.append(("html-lang", declared))
        if problems:
            found[path] = problems
        name = re.sub(r"[^\w-]+", "_", path).strip("_") or "home"
        page.screenshot(path=str(ARTIFACTS / f"a11y-{lang}-{page.viewport_name}-{name}.png"),
                        full_page=True)
    assert found == {}


@pytest.mark.parametrize("kind", list(PUBLIC_PAGES))
def test_public_pages_have_no_serious_violations(page, kind):
    check_pages(page, PUBLIC_PAGES[kind])


@pytest.mark.parametrize("email", list(SIGNED_IN_PAGES), ids=lambda e: e.split("@")[0])
def test_signed_in_pages_have_no_serious_violations(page, email):
    log_in(page, email)
    check_pages(page, SIGNED_IN_PAGES[email])


def test_forbidden_page(page):
    log_in(page, OTHER_EMAIL)
    response = page.goto("/kiem-duyet")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Lỗi 403")).to_be_visible()
    assert serious(page) == []


def test_english_pages_have_no_serious_violations(page):
    page.goto("/")
    page.locator(".site-header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_pages(page, ENGLISH_PAGES, lang="en")
    log_in_english(page, MODERATOR_EMAIL)
    check_pages(page, ["/kiem-duyet?tab=flagged", "/thong-bao", "/tai-khoan"], lang="en")


def log_in_english(page, email):
    from tests.e2e.conftest import PASSWORD

    page.goto("/dang-nhap")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are now signed in.")).to_be_visible()


def test_registration_errors_are_tied_to_their_fields(page):
    page.goto("/dang-ky")
    page.get_by_label("E-mail").fill("khong-phai-email")
    page.get_by_label("Mật khẩu (ít nhất 8 ký tự)").fill("ngan")
    page.get_by_label("Nhập lại mật khẩu").fill("khac")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng sửa các lỗi")
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 4  # e-mail, name, password, confirmation
    for field in invalid.all():
        described = field.get_attribute("aria-describedby") or ""
        errors = [page.locator(f"#{i}") for i in described.split() if i.endswith("-error")]
        assert errors, f"{field.get_attribute('name')} has no error tied to it"
        assert all(e.inner_text().strip() for e in errors)
        expect(field).to_have_accessible_description(errors[0].inner_text().strip())
    email = page.get_by_label("E-mail")
    expect(email).to_have_accessible_description(page.locator("#email-error").inner_text())
    assert serious(page) == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/c/du-thao-luat-du-lieu/dieu-2")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("document.activeElement.closest('main') !== null")
