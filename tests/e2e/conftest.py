"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Skipped when Playwright or Chromium is missing (``make test`` on a fresh machine);
``make e2e`` (run by .ci/run) installs both. Screenshots go to artifacts/e2e/.
"""

import os
import shutil
import threading
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
PASSWORD = "mat-khau-123"


def _seed(app):
    from consult.accounts.services import create_staff_user, register_user
    from consult.comments.services import submit_comment
    from consult.core.db_setup import utcnow
    from consult.drafts.services import (
        create_consultation,
        get_or_create_agency,
        publish_consultation,
    )
    from consult.extensions import db
    from tests.factories import SMALL_LAW

    with app.app_context():
        db.create_all()
        agency = get_or_create_agency("Bộ Thử nghiệm")
        create_staff_user(STAFF_EMAIL, PASSWORD, "Cán bộ E2E", "agency", agency)
        create_staff_user(MODERATOR_EMAIL, PASSWORD, "Kiểm duyệt E2E", "moderator")
        other = register_user("nguoikhac@e2e.vn", PASSWORD, "Trần Thị Khác")
        now = utcnow()
        consultation = create_consultation(
            agency, "Dự thảo Luật Dữ liệu", "Luật", "Tóm tắt dự thảo.",
            now - timedelta(days=1), now + timedelta(days=20), SMALL_LAW)
        publish_consultation(consultation, now - timedelta(days=1))
        article = consultation.current_version.articles()[1]
        submit_comment(other, consultation, "Cần định nghĩa rõ dữ liệu điện tử.", "amend",
                       article)
        _seed_versions(agency, other, now)
        db.session.commit()
        from consult.dossier.analysis import analyse_consultation

        analyse_consultation(consultation)  # the dossier page with its figures


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
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from tests.conftest import make_app

    tmp = tmp_path_factory.mktemp("e2e")
    app = make_app(tmp, TESTING=False, SERVER_NAME=None, DATABASE_URL=f"sqlite:///{tmp / 'e2e.db'}")
    _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=live_server,
                                  locale="vi-VN")
    page = context.new_page()
    page.viewport_name = request.param
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


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
