import re

import pytest

from consult.comments.models import Comment
from consult.extensions import db
from consult.moderation import queue, services
from consult.moderation.models import Flag, ModerationAction
from tests.conftest import LOGIN, ROLES, check_access, empty_database, make_app
from tests.factories import PASSWORD, login, make_comment, make_consultation, make_user

ROUTES = [
    ("GET", "/kiem-duyet", {"anonymous": LOGIN, "moderator": 200, "admin": 200, "*": 403}),
    ("GET", "/kiem-duyet?tab=flagged&sap-xep=reports", {"anonymous": LOGIN, "moderator": 200,
                                                         "admin": 200, "*": 403}),
    ("POST", "/kiem-duyet/thao-tac", {"anonymous": 403, "moderator": 302, "admin": 302,
                                      "*": 403}),
    ("GET", "/quan-tri/nhat-ky", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    ("GET", "/quan-tri/nhat-ky.csv", {"anonymous": LOGIN, "admin": 200, "*": 403}),
    ("POST", "/y-kien/{comment}/bao-cao", {"anonymous": 403, "*": 302}),
    ("POST", "/y-kien/{comment}/chinh-thuc", {"anonymous": 403, "*": 403}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,expected", ROUTES, ids=[r[1] for r in ROUTES])
def test_route_access(client, world, role, method, template, expected):
    check_access(client, world, role, method, template, expected)


@pytest.mark.parametrize("role", ROLES)
def test_block_route_access(client, world, role):
    target = make_user()
    db.session.commit()
    expected = {"anonymous": 403, "moderator": 302, "admin": 302, "*": 403}
    check_access(client, world, role, "POST", f"/nguoi-dung/{target.id}/chan", expected)


def test_author_sees_why_their_comment_waits(client):
    consultation = make_consultation()
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-body": "Liên hệ tôi 0912345678", "comment-stance": "other"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "đang chờ kiểm duyệt" in page and "thông tin cá nhân" in page
    client.post("/dang-xuat")
    assert "0912345678" not in client.get(f"/c/{consultation.slug}").get_data(as_text=True)


def test_report_through_the_page_and_auto_hide(client, app):
    app.config["CONSULT_AUTO_HIDE_REPORTS"] = 2
    comment = make_comment(body="Ý kiến bị báo cáo.")
    reporters = [make_user(), make_user()]
    db.session.commit()
    for reporter in reporters:
        login(client, reporter)
        page = client.get(f"/y-kien/{comment.id}", follow_redirects=True).get_data(as_text=True)
        assert "Báo cáo vi phạm" in page
        response = client.post(f"/y-kien/{comment.id}/bao-cao",
                               data={f"report-{comment.id}-reason": "spam"})
        assert response.status_code == 302
        client.post("/dang-xuat")
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "hidden"
    login(client, reporters[0])
    again = client.post(f"/y-kien/{comment.id}/bao-cao",
                        data={f"report-{comment.id}-reason": "spam"}, follow_redirects=True)
    assert "không còn hiển thị" in again.get_data(as_text=True)
    assert db.session.query(Flag).count() == 2


def test_moderator_clears_the_queue_in_bulk(client):
    moderator = make_user(role="moderator")
    waiting = [make_comment(body=f"Xem https://trang{i}.vn") for i in range(3)]
    db.session.commit()
    login(client, moderator)
    page = client.get("/kiem-duyet").get_data(as_text=True)
    assert "Chờ duyệt (3)" in page and "trang0.vn" in page and "đường dẫn" in page
    response = client.post("/kiem-duyet/thao-tac", data={
        "action": "approve", "comment_ids": [str(c.id) for c in waiting], "next": "/kiem-duyet"})
    assert response.headers["Location"] == "/kiem-duyet"
    db.session.expire_all()
    assert {db.session.get(Comment, c.id).status for c in waiting} == {"published"}
    assert "Không có ý kiến nào" in client.get("/kiem-duyet").get_data(as_text=True)


def test_actions_come_back_to_the_same_tab_and_filters(client):
    moderator = make_user(role="moderator")
    comment = make_comment(body="Xem https://trang.vn")
    db.session.commit()
    login(client, moderator)
    where = f"/kiem-duyet?tab=waiting&du-thao={comment.consultation_id}"
    page = client.get(where).get_data(as_text=True)
    queue_form = page.split('id="queue-form"')[1].split("</form>")[0]
    assert re.findall(r'name="next"[^>]*value="([^"]*)"', queue_form) == [
        where.replace("&", "&amp;")]
    tabs = page.split('class="tabs"')[1].split("</nav>")[0]
    assert f"tab=flagged&amp;du-thao={comment.consultation_id}" in tabs
    response = client.post("/kiem-duyet/thao-tac", data={
        "action": "approve", "comment_ids": [str(comment.id)], "next": where})
    assert response.headers["Location"] == where


def test_single_action_and_reason_errors(client):
    moderator = make_user(role="moderator")
    comment = make_comment()
    db.session.commit()
    login(client, moderator)
    response = client.post("/kiem-duyet/thao-tac", data={"do": f"hide:{comment.id}"},
                           follow_redirects=True)
    assert "Vui lòng nêu lý do" in response.get_data(as_text=True)
    client.post("/kiem-duyet/thao-tac", data={"do": f"hide:{comment.id}", "reason": "Xúc phạm"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == "hidden"
    for bad in [{"do": "explode:1"}, {"action": "approve"}, {"do": "hide:abc"}]:
        assert client.post("/kiem-duyet/thao-tac", data=bad).status_code == 302


def test_queue_filters_and_pages(client):
    moderator = make_user(role="moderator")
    one, other = make_consultation(), make_consultation()
    make_comment(one, body="Xem https://mot.vn")
    make_comment(other, body="Xem https://hai.vn")
    db.session.commit()
    login(client, moderator)
    page = client.get(f"/kiem-duyet?du-thao={one.id}&ly-do=link").get_data(as_text=True)
    assert "mot.vn" in page and "hai.vn" not in page
    assert client.get("/kiem-duyet?tab=khong-co&trang=-1&du-thao=x").status_code == 200


def _pages(client, url, rel="next"):
    """The pages reached by following the ``rel`` links from ``url``."""
    pages = []
    while url:
        page = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
        pages.append(page)
        found = re.search(rf'href="([^"]+)" rel="{rel}"', page)
        url = found and found.group(1)
    return pages


def test_the_queue_pages_by_keyset_both_ways(client, monkeypatch):
    monkeypatch.setattr(queue, "PER_PAGE", 2)
    waiting = [make_comment(body=f"Xem https://so{i}.vn") for i in range(5)]
    db.session.commit()
    login(client, make_user(role="moderator"))
    forward = _pages(client, "/kiem-duyet?tab=waiting")
    assert len(forward) == 3 and "trang=" not in forward[0]
    seen = [[f"so{i}.vn" in page for i in range(5)] for page in forward]
    assert [sum(row) for row in seen] == [2, 2, 1] and all(map(any, zip(*seen, strict=True)))
    last_url = re.findall(r'href="([^"]+)" rel="next"', forward[1])[0].replace("&amp;", "&")
    backward = _pages(client, last_url, rel="prev")
    assert [sum(f"so{i}.vn" in page for i in range(5)) for page in backward] == [1, 2, 2]
    assert "so0.vn" in backward[-1] and "Trang đầu" not in backward[-1]
    newest = client.get("/kiem-duyet?tab=waiting&sap-xep=newest").get_data(as_text=True)
    assert "so4.vn" in newest and "so0.vn" not in newest
    by_reports = _pages(client, "/kiem-duyet?tab=waiting&sap-xep=reports")
    assert len(by_reports) == 3
    assert len(waiting) == 5


@pytest.mark.parametrize("cursor", ["x", "%%", "W10", "WyJhIiwxXQ", "WzEsMiwzLDRd" * 30])
def test_a_cursor_from_elsewhere_gives_the_first_page(client, monkeypatch, cursor):
    monkeypatch.setattr(queue, "PER_PAGE", 2)
    for i in range(3):
        make_comment(body=f"Xem https://so{i}.vn")
    db.session.commit()
    login(client, make_user(role="moderator"))
    for direction in ("sau", "truoc"):
        response = client.get(f"/kiem-duyet?tab=waiting&sap-xep=reports&{direction}={cursor}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "so0.vn" in page and "so2.vn" not in page


def test_the_audit_log_pages_newest_first(client, monkeypatch):
    monkeypatch.setattr(queue, "LOG_PER_PAGE", 2)
    moderator = make_user(role="moderator")
    for reason in ("Lý do một", "Lý do hai", "Lý do ba"):
        services.moderate_comment(moderator, make_comment(), "hide", reason)
    db.session.commit()
    login(client, make_user(role="admin"))
    pages = _pages(client, "/quan-tri/nhat-ky")
    assert len(pages) == 2 and "Lý do ba" in pages[0] and "Lý do hai" in pages[0]
    assert "Lý do một" in pages[1] and "Lý do ba" not in pages[1]


def test_admin_log_and_csv(client):
    admin = make_user(role="admin")
    moderator = make_user(role="moderator")
    comment = make_comment()
    services.moderate_comment(moderator, comment, "hide", "Lý do có dấu")
    db.session.commit()
    login(client, admin)
    page = client.get("/quan-tri/nhat-ky?thao-tac=hide").get_data(as_text=True)
    assert "Lý do có dấu" in page
    csv_text = client.get("/quan-tri/nhat-ky.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffid,time_utc,action")
    assert "hide" in csv_text and "Lý do có dấu" in csv_text
    assert client.get("/quan-tri/nhat-ky?tu=khong-phai-ngay").status_code == 200
    assert db.session.query(ModerationAction).count() == 1


def test_block_author_from_the_queue(client):
    moderator = make_user(role="moderator")
    spammer = make_user()
    make_comment(author=spammer, body="Ý kiến cũ.")
    db.session.commit()
    login(client, moderator)
    client.post(f"/nguoi-dung/{spammer.id}/chan", data={"reason": "Spam", "hide_existing": "y"})
    db.session.expire_all()
    assert spammer.comments_held
    assert db.session.query(Comment).filter_by(author_id=spammer.id).one().status == "hidden"


def test_staff_marks_own_comment_official(client):
    consultation = make_consultation()
    staff = make_user(role="agency", agency=consultation.agency)
    comment = make_comment(consultation, author=staff, body="Cơ quan soạn thảo xin giải thích.")
    db.session.commit()
    login(client, staff)
    client.post(f"/y-kien/{comment.id}/chinh-thuc")
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "Ý kiến của cơ quan soạn thảo" in page


def _limited_app(tmp_path, **limits):
    app = make_app(tmp_path, RATE_LIMITS_ENABLED=True, **limits)
    return app


def test_rate_limit_on_comments_gives_a_clear_429(tmp_path):
    app = _limited_app(tmp_path, RATE_LIMIT_COMMENT="2 per minute")
    with app.app_context():
        empty_database()
        consultation = make_consultation()
        user = make_user()
        db.session.commit()
        client = app.test_client()
        login(client, user)
        codes = [client.post(f"/c/{consultation.slug}/y-kien", data={
            "comment-body": f"Ý kiến số {i} hoàn toàn khác nhau {i * 7}",
            "comment-stance": "agree"}).status_code for i in range(3)]
        assert codes == [302, 302, 429]
        page = client.post(f"/c/{consultation.slug}/y-kien", data={"comment-body": "x"})
        assert "thao tác quá nhanh" in page.get_data(as_text=True)
        api = client.post(f"/c/{consultation.slug}/y-kien", headers={"Accept": "application/json"})
        assert api.status_code == 429 and api.get_json()["error"]["status"] == 429
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_several_processes_share_the_limits_through_redis(tmp_path, redis_prefix):
    """Two apps stand for two gunicorn workers: with Redis one account's comments are
    counted once, whichever process serves them (database 15 of the local Redis, emptied
    of limits first: the limiter extension is one object per Python process)."""
    from consult.extensions import limiter

    settings = {"REDIS_URL": "redis://127.0.0.1:6379/15", "RATE_LIMIT_COMMENT": "2 per minute"}
    one = _limited_app(tmp_path, **settings)
    two = _limited_app(tmp_path, **settings)
    limiter.reset()
    with one.app_context():
        empty_database()
        consultation = make_consultation()
        user = make_user()
        db.session.commit()
        codes = []
        for i, app in enumerate([one, two, two]):
            client = app.test_client()
            login(client, user)
            codes.append(client.post(f"/c/{consultation.slug}/y-kien", data={
                "comment-body": f"Ý kiến số {i} qua tiến trình khác {i * 11}",
                "comment-stance": "agree"}).status_code)
        assert codes == [302, 302, 429]
        limits = redis_prefix.__class__.from_url(settings["REDIS_URL"])
        assert limits.keys("*comments.submit:COMMENT-account*")  # counted in Redis
        limits.close()
        limiter.reset()
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    with two.app_context():
        db.engine.dispose()


def test_failed_logins_are_throttled_per_account_without_revealing_it(tmp_path):
    app = _limited_app(tmp_path, RATE_LIMIT_FAILED_LOGIN="3 per minute")
    with app.app_context():
        empty_database()
        user = make_user()
        db.session.commit()
        client = app.test_client()
        for email in (user.email, "khong-ton-tai@example.vn"):
            codes = [client.post("/dang-nhap", data={"email": email, "password": "sai"},
                                 environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
                     for i in range(4)]
            assert codes == [422, 422, 422, 429], email
        ok = client.post("/dang-nhap", data={"email": "khac@example.vn", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "10.0.1.1"})
        assert ok.status_code == 422
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
