import re

from consult.comments.models import Comment
from consult.extensions import db
from tests.conftest import empty_database, make_app
from tests.factories import article, login, make_comment, make_consultation, make_user

HOSTILE = ('<script>alert("x")</script> [a](javascript:alert(1)) '
           '<img src=x onerror=alert(1)> <a href="javascript:evil()">b</a>')


def _open_world():
    consultation = make_consultation()
    user = make_user()
    db.session.commit()
    return consultation, user


def test_consultation_page_shows_toc_with_counts_and_dates(client):
    consultation = make_consultation()
    make_comment(consultation, section=article(consultation, 2))
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert consultation.title in page
    assert "Chương I" in page and "NHỮNG QUY ĐỊNH CHUNG" in page
    assert f'href="/c/{consultation.slug}/dieu-2"' in page
    assert "1 ý kiến" in page and "còn 29 ngày" in page


def test_article_page_has_clause_anchors_and_navigation(client):
    consultation = make_consultation()
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}/dieu-2").get_data(as_text=True)
    assert 'id="khoan-1"' in page and 'id="khoan-2-diem-a"' in page
    assert 'id="khoan-2-diem-dd"' in page
    assert f'href="/c/{consultation.slug}/dieu-1"' in page
    assert f'href="/c/{consultation.slug}/dieu-3"' in page


def test_unknown_article_is_404(client):
    consultation = make_consultation()
    db.session.commit()
    assert client.get(f"/c/{consultation.slug}/dieu-99").status_code == 404
    assert client.get(f"/c/{consultation.slug}/chuong-i").status_code == 404


def test_comment_submission_end_to_end(client):
    consultation, user = _open_world()
    login(client, user)
    response = client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-section_id": str(article(consultation, 2).id), "comment-body": "Cần rõ hơn.",
        "comment-stance": "amend", "comment-clause_ref": "khoan-2-diem-a",
        "comment-proposed_wording": "a) Thu thập hợp pháp dữ liệu;"})
    comment = db.session.query(Comment).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dieu-2?trang=cuoi#y-kien-{comment.id}")
    assert "Cần rõ hơn." in client.get(response.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/c/{consultation.slug}/dieu-2").get_data(as_text=True)
    assert "Cần rõ hơn." in page and "a) Thu thập hợp pháp dữ liệu;" in page
    assert "Đề xuất sửa đổi" in page


def test_general_comment(client):
    consultation, user = _open_world()
    login(client, user)
    client.post(f"/c/{consultation.slug}/y-kien", data={"comment-body": "Ý kiến chung.",
                                                         "comment-stance": "other"})
    comment = db.session.query(Comment).one()
    assert comment.section_id is None
    assert "Ý kiến chung." in client.get(f"/c/{consultation.slug}").get_data(as_text=True)


def test_form_errors_are_shown_and_nothing_saved(client):
    consultation, user = _open_world()
    login(client, user)
    response = client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-section_id": str(article(consultation, 1).id), "comment-body": "   ",
        "comment-stance": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "không được để trống" in page and "Vui lòng chọn quan điểm" in page
    assert db.session.query(Comment).count() == 0


def test_too_long_comment_gets_a_clear_message(client, app):
    consultation, user = _open_world()
    login(client, user)
    response = client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-body": "x" * 5001, "comment-stance": "agree"})
    assert response.status_code == 422
    assert "5000 ký tự" in response.get_data(as_text=True)


def test_bad_section_id_is_400(client):
    consultation, user = _open_world()
    other = make_consultation()
    db.session.commit()
    login(client, user)
    for bad in ["abc", "999999", str(article(other, 1).id)]:
        response = client.post(f"/c/{consultation.slug}/y-kien", data={
            "comment-section_id": bad, "comment-body": "x", "comment-stance": "agree"})
        assert response.status_code == 400
    assert db.session.query(Comment).count() == 0


def test_submitting_after_closing_is_refused_with_message(client):
    consultation, user = _open_world()
    login(client, user)
    form_page = client.get(f"/c/{consultation.slug}/dieu-1")
    assert "Gửi góp ý" in form_page.get_data(as_text=True)
    from consult.core.db_setup import utcnow

    consultation.closes_at = utcnow()
    db.session.commit()
    response = client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-section_id": str(article(consultation, 1).id), "comment-body": "Muộn",
        "comment-stance": "agree"})
    assert response.status_code == 422
    assert "đã kết thúc" in response.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_hostile_markdown_never_reaches_the_page_executable(client):
    consultation, user = _open_world()
    login(client, user)
    client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-section_id": str(article(consultation, 1).id), "comment-body": HOSTILE,
        "comment-stance": "agree", "comment-proposed_wording": "<script>alert(2)</script>"})
    page = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True).lower()
    assert db.session.query(Comment).count() == 1
    assert "<script>alert" not in page
    assert "javascript:" not in page and "onerror" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_business_comment_shows_organisation(client):
    consultation = make_consultation()
    business = make_user(kind="business")
    make_comment(consultation, author=business, section=article(consultation, 1))
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    assert business.organisation_name in page and "Doanh nghiệp / tổ chức" in page


def test_reply_and_react_and_withdraw(client):
    consultation, user = _open_world()
    parent = make_comment(consultation, section=article(consultation, 1))
    db.session.commit()
    login(client, user)
    client.post(f"/y-kien/{parent.id}/tra-loi", data={"reply-reply_body": "Trả lời nè"})
    client.post(f"/y-kien/{parent.id}/bay-to/support")
    page = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    assert "Trả lời nè" in page and "Ủng hộ (1)" in page
    reply = db.session.query(Comment).filter(Comment.parent_id.isnot(None)).one()
    client.post(f"/y-kien/{reply.id}/rut")
    assert "Trả lời nè" not in client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    assert client.post(f"/y-kien/{parent.id}/bay-to/love").status_code == 302


def test_empty_reply_changes_nothing(client):
    consultation, user = _open_world()
    parent = make_comment(consultation)
    db.session.commit()
    login(client, user)
    response = client.post(f"/y-kien/{parent.id}/tra-loi", data={"reply-reply_body": " "})
    assert response.status_code == 302
    assert db.session.query(Comment).count() == 1


def test_permalink_finds_the_right_page(client, app):
    app.config["CONSULT_COMMENTS_PER_PAGE"] = 2
    consultation = make_consultation()
    section = article(consultation, 1)
    comments = [make_comment(consultation, section=section, body=f"Ý kiến {i}") for i in range(5)]
    db.session.commit()
    first = client.get(f"/y-kien/{comments[1].id}").headers["Location"]
    assert first.endswith(f"/dieu-1#y-kien-{comments[1].id}")
    response = client.get(f"/y-kien/{comments[4].id}")
    assert response.headers["Location"].endswith(
        f"/dieu-1?trang=tu-{comments[4].id}#y-kien-{comments[4].id}")
    late = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ý kiến 4" in late and "Ý kiến 0" not in late
    assert f"?trang=truoc-{comments[4].id}" in late and "Trang sau" not in late
    older = client.get(f"/c/{consultation.slug}/dieu-1?trang=truoc-{comments[4].id}")
    text = older.get_data(as_text=True)
    assert "Ý kiến 2" in text and "Ý kiến 3" in text and "Ý kiến 4" not in text
    assert f"?trang=sau-{comments[3].id}" in text and f"?trang=truoc-{comments[2].id}" in text


def test_the_pager_walks_a_long_thread_by_cursor(client, app):
    app.config["CONSULT_COMMENTS_PER_PAGE"] = 20
    consultation = make_consultation()
    section = article(consultation, 1)
    comments = [make_comment(consultation, section=section, body=f"Ý kiến số {i}.")
                for i in range(45)]
    db.session.commit()
    target = client.get(f"/y-kien/{comments[41].id}").headers["Location"]
    assert "Ý kiến số 41." in client.get(target).get_data(as_text=True)
    url, seen = f"/c/{consultation.slug}/dieu-1", []
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [i for i in range(45) if f"Ý kiến số {i}." in page]
        assert "(45)" in page  # the total comes from the counts per article
        following = re.search(r'href="([^"]*trang=sau-[^"]*)"', page)
        url = following and following.group(1).replace("&amp;", "&")
    assert seen == list(range(45))
    last = client.get(f"/c/{consultation.slug}/dieu-1?trang=cuoi").get_data(as_text=True)
    assert "Ý kiến số 44." in last and "Ý kiến số 24." not in last and "Trang đầu" in last


def test_bad_cursors_give_the_first_page(client):
    consultation = make_consultation()
    make_comment(consultation, section=article(consultation, 1), body="Ý kiến đầu")
    other = make_comment(consultation, section=article(consultation, 2))
    db.session.commit()
    for value in ("abc", "3", "sau-", "sau-99999999", f"truoc-{other.id}", "tu-" + "9" * 30,
                  "%00", "sau-1&trang=cuoi"):
        response = client.get(f"/c/{consultation.slug}/dieu-1?trang={value}")
        assert response.status_code == 200, value
        assert "Ý kiến đầu" in response.get_data(as_text=True), value


def test_forms_are_protected_by_csrf(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        empty_database()
        consultation, user = _open_world()
        client = app.test_client()
        response = client.post("/dang-nhap", data={"email": user.email, "password": "x"})
        assert response.status_code == 400
        assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)
        response = client.post(f"/c/{consultation.slug}/y-kien",
                               data={"comment-body": "x", "comment-stance": "agree"})
        assert response.status_code in (400, 403)
        assert db.session.query(Comment).count() == 0
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_markdown_preview_is_sanitised_and_needs_login(client):
    assert client.post("/xem-truoc", data={"text": "**a**"}).status_code == 403
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/xem-truoc", data={"text": "**đậm** <script>x()</script>"},
                           headers={"Accept": "application/json"})
    assert response.get_json()["html"].startswith("<p><strong>đậm</strong>")
    assert "<script" not in response.get_json()["html"]
    assert client.post("/xem-truoc", data={"text": "x" * 20000}).status_code == 413


def test_article_page_lists_the_drafts_contents(client):
    consultation = make_consultation()
    db.session.commit()
    page = client.get(f"/c/{consultation.slug}/dieu-2").get_data(as_text=True)
    assert 'aria-current="page"' in page and "Chương II" in page
