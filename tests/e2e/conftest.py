"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Skipped when Playwright or Chromium is missing (``make test`` on a fresh machine);
``make e2e`` (run by .ci/run) installs both. Screenshots go to artifacts/e2e/.
"""

import os
import shutil
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CONSULT_E2E_CHROMIUM") or shutil.which("chromium") or ""
if not CHROMIUM:
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
STAFF_EMAIL = "canbo@e2e.vn"
MODERATOR_EMAIL = "kiemduyet@e2e.vn"
ADMIN_EMAIL = "quantri@e2e.vn"
OTHER_EMAIL = "nguoikhac@e2e.vn"  # wrote the seeded comments; has a notification
CITIZEN_EMAIL = "congdan@e2e.vn"
PASSWORD = "mat-khau-123"
CONCLUDED = "/c/du-thao-luat-luu-tru"  # concluded, its dossier published


def _seed(app):
    from consult.accounts.services import create_staff_user, register_user
    from consult.comments.services import reply_to_comment, submit_comment
    from consult.core.db_setup import utcnow
    from consult.drafts.services import (
        create_consultation,
        get_or_create_agency,
        publish_consultation,
    )
    from consult.extensions import db
    from consult.moderation.services import report_comment
    from tests.factories import SMALL_LAW

    with app.app_context():
        db.create_all()
        agency = get_or_create_agency("Bộ Thử nghiệm")
        staff = create_staff_user(STAFF_EMAIL, PASSWORD, "Cán bộ E2E", "agency", agency)
        moderator = create_staff_user(MODERATOR_EMAIL, PASSWORD, "Kiểm duyệt E2E", "moderator")
        create_staff_user(ADMIN_EMAIL, PASSWORD, "Quản trị E2E", "admin")
        other = register_user(OTHER_EMAIL, PASSWORD, "Trần Thị Khác")
        citizen = register_user(CITIZEN_EMAIL, PASSWORD, "Phạm Văn Công")
        now = utcnow()
        consultation = create_consultation(
            agency, "Dự thảo Luật Dữ liệu", "Luật", "Tóm tắt dự thảo.",
            now - timedelta(days=1), now + timedelta(days=20), SMALL_LAW)
        publish_consultation(consultation, now - timedelta(days=1))
        article = consultation.current_version.articles()[1]
        seeded = submit_comment(other, consultation, "Cần định nghĩa rõ dữ liệu điện tử.",
                                "amend", article)
        general = submit_comment(moderator, consultation, "Nên công bố lộ trình thực hiện.",
                                 "agree")
        for parent in (seeded, general):  # `other` and the moderator each get a notification
            reply_to_comment(citizen, parent, "Tôi cũng nghĩ vậy.")
        report_comment(citizen, seeded, "off_topic")  # the moderation queue has something
        submit_comment(citizen, consultation, "Tham khảo thêm tại https://vi.wikipedia.org/wiki/"
                       "Dữ_liệu", "other")  # held by screening: a link
        _seed_versions(agency, other, now)
        db.session.commit()
        from consult.dossier.analysis import analyse_consultation

        analyse_consultation(consultation)  # the dossier page with its figures
        _seed_concluded(agency, staff, other, citizen, now=now)
        db.session.commit()
        from consult.search.indexer import drain_all

        drain_all()  # searchable from the first test on


def _seed_concluded(agency, staff, *authors, now):
    """A consultation closed, answered and concluded: its dossier page is public."""
    from consult.comments.services import submit_comment
    from consult.demo import conclude_with_answers
    from consult.drafts.services import (
        close_consultation,
        create_consultation,
        publish_consultation,
    )
    from tests.factories import SMALL_LAW

    consultation = create_consultation(
        agency, "Dự thảo Luật Lưu trữ", "Luật", "Đã công bố bản tổng hợp.",
        now - timedelta(days=40), now - timedelta(days=10), SMALL_LAW)
    publish_consultation(consultation, now - timedelta(days=40))
    articles = consultation.current_version.articles()
    for n, author in enumerate(authors):
        submit_comment(author, consultation, f"Đề nghị làm rõ thời hạn lưu trữ, ý kiến {n + 1}.",
                       "amend", articles[n % len(articles)], now=now - timedelta(days=20))
    close_consultation(consultation, now - timedelta(days=10))
    conclude_with_answers(consultation, staff)


def _seed_versions(agency, author, now):
    """A consultation in two versions (Điều 10 inserted, the rest renumbered), for the
    change view and the pages of an earlier version."""
    from bench.revisions import amend_article, insert_article
    from consult.comments.services import submit_comment
    from consult.drafts.services import create_consultation, publish_consultation
    from consult.drafts.versions import publish_new_version
    from tests.drafts.docx_samples import law_text

    consultation = create_consultation(
        agency, "Dự thảo Luật Thư viện", "Luật", "Hai phiên bản.", now - timedelta(days=1),
        now + timedelta(days=20), law_text("luat-thu-vien-2019.txt"))
    publish_consultation(consultation, now - timedelta(days=1))
    old_10 = consultation.current_version.articles()[9]
    submit_comment(author, consultation, "Nên quy định rõ hơn về thư viện số.", "amend", old_10)
    text, _ = insert_article(consultation.current_version.source_text, "II")
    text = amend_article(text, 11, "Thư viện", "Thư viện công lập")
    publish_new_version(consultation, text, "Chỉnh lý sau đợt lấy ý kiến thứ nhất.")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The application behind the live server, seeded; tests may plant more data in it."""
    from tests.conftest import make_app

    tmp = tmp_path_factory.mktemp("e2e")
    app = make_app(tmp, TESTING=False, SERVER_NAME=None, DATABASE_URL=f"sqlite:///{tmp / 'e2e.db'}")
    _seed(app)
    yield app
    from consult.search.index import close_searchers

    close_searchers()


@contextmanager
def planting(app):
    """Plant data for one test through the services, committed for the live server to see."""
    from consult.extensions import db

    with app.app_context():
        yield
        db.session.commit()


@pytest.fixture(scope="session")
def live_server(live_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def open_page(browser, live_server, viewport, name, **options):
    """A fresh browser context and page; a full-page screenshot when the test ends."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=live_server,
                                  locale="vi-VN", **options)
    page = context.new_page()
    page.viewport_name = viewport
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        name = name.replace("[", "-").replace("]", "").replace("/", "_")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    with open_page(browser, live_server, request.param, request.node.name) as page:
        yield page


@pytest.fixture(params=["mouse", "keyboard"])
def act(request, page):
    """How the journey is driven: the mouse, or the keyboard alone (tests/e2e/drivers.py)."""
    from tests.e2e.drivers import DRIVERS

    driver = DRIVERS[request.param](page)
    yield driver
    assert getattr(driver, "pointer_events", []) == [], "the keyboard run used the pointer"


def unique(prefix):
    """A fresh e-mail for each journey run (the live server's database is shared)."""
    import itertools

    unique.counter = getattr(unique, "counter", itertools.count(1))
    return f"{prefix}{next(unique.counter)}-{os.getpid()}@e2e.vn"


def log_in(page, email, password=PASSWORD):
    page.goto("/dang-nhap")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
