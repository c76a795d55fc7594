"""Pages of versions: the new-version form, the change view, earlier versions' articles."""

import io
import re

import pytest

from bench.revisions import amend_article, insert_article
from consult.drafts.models import Consultation
from consult.drafts.versions import publish_new_version
from consult.extensions import db
from tests.conftest import LOGIN, ROLES, check_access
from tests.drafts.docx_samples import build_docx, law_text
from tests.factories import login, make_agency, make_comment, make_consultation, make_user

LAW = "luat-an-ninh-mang-2018.txt"


@pytest.fixture
def revised(app):
    """An open consultation in two versions: Điều 10 inserted in Chương II (old 10 → 11)."""
    agency = make_agency("Bộ Công an")
    staff = make_user(role="agency", agency=agency)
    consultation = make_consultation(agency, text=law_text(LAW))
    v1 = consultation.current_version
    old_10 = next(a for a in v1.articles() if a.number == "10")
    comment = make_comment(consultation, section=old_10, body="Cần làm rõ khái niệm **tài sản**.")
    text, _inserted = insert_article(v1.source_text, "II")
    text = amend_article(text, 12, "xem xét, đánh giá", "xem xét, đánh giá cơ sở dữ liệu,")
    publish_new_version(consultation, text, "Chỉnh lý sau đợt lấy ý kiến thứ nhất.", staff)
    db.session.commit()
    return {"consultation": consultation, "staff": staff, "comment": comment, "slug":
            consultation.slug}


def test_change_view_lists_and_marks_changes(client, revised):
    page = client.get(f"/c/{revised['slug']}/thay-doi").get_data(as_text=True)
    assert "Điều 10. Nguyên tắc công khai, minh bạch" in page
    assert "Điều mới" in page and "Đánh số lại: Điều 10 → Điều 11" in page
    assert "Chỉnh lý sau đợt lấy ý kiến thứ nhất." in page
    # inserted words are <ins> with a spoken label, not colour alone
    label = r"<ins><span class=\"visually-hidden\">\[bắt đầu phần thêm\] </span>"
    assert re.search(label + r"[^<]*cơ sở dữ liệu", page)
    # the renumbered article links to the comments written on its old number
    old_10 = revised["comment"].section
    assert f"/c/{revised['slug']}/phien-ban/1/{old_10.anchor}#comments-heading" in page
    assert "1 ý kiến" in page


def test_change_view_arguments(client, revised):
    slug = revised["slug"]
    assert client.get(f"/c/{slug}/thay-doi?tu=2&den=1").status_code == 200
    bad = client.get(f"/c/{slug}/thay-doi?tu=abc")
    assert bad.status_code == 400 and "không hợp lệ" in bad.get_data(as_text=True)
    assert client.get(f"/c/{slug}/thay-doi?tu=1&den=1").status_code == 400
    assert client.get(f"/c/{slug}/thay-doi?tu=1&den=9").status_code == 404
    single = make_consultation()
    db.session.commit()
    page = client.get(f"/c/{single.slug}/thay-doi").get_data(as_text=True)
    assert "mới có một phiên bản" in page


def test_per_article_change_view(client, revised):
    slug = revised["slug"]
    page = client.get(f"/c/{slug}/thay-doi/dieu-12").get_data(as_text=True)
    assert "Thay đổi của Điều 12" in page and "cơ sở dữ liệu" in page
    assert "<del>" in page or "<ins>" in page
    added = client.get(f"/c/{slug}/thay-doi/dieu-10").get_data(as_text=True)
    assert "Điều mới" in added
    assert client.get(f"/c/{slug}/thay-doi/dieu-99").status_code == 404
    # an anchor only the older version has redirects to where that article went
    backwards = client.get(f"/c/{slug}/thay-doi/dieu-44?tu=2&den=1")
    assert backwards.status_code == 302 and "/thay-doi/dieu-43" in backwards.headers["Location"]


def test_article_pages_of_old_and_new_versions(client, revised):
    slug, comment = revised["slug"], revised["comment"]
    login(client, make_user())
    new_page = client.get(f"/c/{slug}/dieu-11").get_data(as_text=True)
    assert "Ý kiến về phiên bản trước" in new_page and "Cần làm rõ khái niệm" in new_page
    assert "Điều 10, phiên bản 1" in new_page
    assert "Xem thay đổi của Điều 11 so với phiên bản trước" in new_page
    assert 'name="comment-body"' in new_page  # the current version takes comments
    old_page = client.get(f"/c/{slug}/phien-ban/1/dieu-10").get_data(as_text=True)
    assert "Bạn đang đọc phiên bản 1" in old_page and "Cần làm rõ khái niệm" in old_page
    assert "Điều 11 trong phiên bản hiện hành" in old_page
    assert 'name="comment-body"' not in old_page and "reply-reply_body" not in old_page
    redirect = client.get(f"/c/{slug}/phien-ban/2/dieu-10")
    assert redirect.status_code == 302 and redirect.headers["Location"].endswith("/dieu-10")
    # a permalink to a comment on version 1 leads to the version 1 page
    link = client.get(f"/y-kien/{comment.id}")
    assert f"/phien-ban/1/dieu-10#y-kien-{comment.id}" in link.headers["Location"]
    # posting to an old article is refused with a reason
    response = client.post(f"/c/{slug}/y-kien", data={
        "comment-section_id": str(comment.section_id), "comment-body": "Góp ý muộn.",
        "comment-stance": "agree"})
    assert response.status_code == 422 and "phiên bản trước" in response.get_data(as_text=True)


def test_versions_list_and_version_page(client, revised):
    slug = revised["slug"]
    listing = client.get(f"/c/{slug}/phien-ban").get_data(as_text=True)
    assert "Phiên bản 2" in listing and "Phiên bản 1" in listing and "hiện hành" in listing
    assert f"/c/{slug}/phien-ban/1.docx" in listing
    assert "Đăng phiên bản mới" not in listing
    page = client.get(f"/c/{slug}/phien-ban/1").get_data(as_text=True)
    assert "Đây là phiên bản cũ" in page and f"/c/{slug}/phien-ban/1/dieu-43" in page
    assert "1 ý kiến" in page
    assert client.get(f"/c/{slug}/phien-ban/5").status_code == 404


@pytest.fixture
def staff_law(client, app):
    """An open consultation of Luật An ninh mạng, its agency's staff logged in."""
    agency = make_agency()
    staff = make_user(role="agency", agency=agency)
    consultation = make_consultation(agency, text=law_text(LAW))
    db.session.commit()
    login(client, staff)
    return consultation


def _new_version_form(note="Vòng 2: bổ sung Điều 44.", **extra):
    data = {"note": note, "text": "", "preview": "", "publish": "Đăng"}
    data.update(extra)
    return data


def test_staff_preview_then_publish(client, staff_law):
    consultation = staff_law
    url = f"/c/{consultation.slug}/phien-ban/moi"
    form = client.get(url).get_data(as_text=True)
    assert "Điều 43. Hiệu lực thi hành" in form  # the current text to edit
    revised, _ = insert_article(consultation.current_version.source_text, "II")
    preview = client.post(url, data={"note": "Vòng 2.", "text": revised, "preview": "Xem"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Xem trước" in page and "Điều mới" in page
    db.session.expire_all()
    assert len(consultation.versions) == 1  # nothing stored yet
    response = client.post(url, data=_new_version_form(text=revised))
    assert response.status_code == 302 and "/thay-doi?tu=1&den=2" in response.headers["Location"]
    db.session.expire_all()
    assert consultation.current_version.number == 2


def test_new_version_from_a_word_file(client, staff_law):
    consultation = staff_law
    revised, _ = insert_article(consultation.current_version.source_text, "II")
    data, _ = build_docx(revised, headings=True, numbering="direct", tracked=True)
    response = client.post(f"/c/{consultation.slug}/phien-ban/moi", data=_new_version_form(
        upload=(io.BytesIO(data), "du-thao-v2.docx")), content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert len(consultation.current_version.articles()) == 44


def test_new_version_refusals_are_explained(client, staff_law):
    consultation = staff_law
    url = f"/c/{consultation.slug}/phien-ban/moi"
    cases = [
        (_new_version_form(upload=(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
                                   "cu.doc")), ".doc"),
        (_new_version_form(upload=(io.BytesIO(b"%PDF-1.4"), "gia.docx")), "đổi đuôi"),
        (_new_version_form(upload=(io.BytesIO(b"PK\x03\x04hong"), "hong.docx")), "bị hỏng"),
        (_new_version_form(upload=(io.BytesIO(b"x"), "anh.png")), ".docx, .txt"),
        (_new_version_form(text=consultation.current_version.source_text), "giống hệt"),
        (_new_version_form(note="", text="Điều 1. Một\nMột."), "tóm tắt"),
    ]
    for data, message in cases:
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    db.session.expire_all()
    assert len(consultation.versions) == 1


def test_create_consultation_from_word_and_the_size_limit(client, app):
    agency = make_agency()
    staff = make_user(role="agency", agency=agency)
    db.session.commit()
    login(client, staff)
    data, _ = build_docx(law_text("luat-thu-vien-2019.txt"), headings=True, numbering="style")
    form = {"title": "Dự thảo Luật Thư viện", "doc_type": "Luật", "agency_id": agency.id,
            "summary": "", "opens_at": "2030-01-01T08:00", "closes_at": "2030-02-01T17:00",
            "moderation_mode": "post", "text": "", "upload": (io.BytesIO(data), "thu-vien.docx")}
    response = client.post("/quan-ly/tao-moi", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(db.session.query(Consultation).one().current_version.articles()) == 52
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    form["upload"] = (io.BytesIO(data), "thu-vien.docx")
    too_big = client.post("/quan-ly/tao-moi", data=form, content_type="multipart/form-data")
    assert too_big.status_code == 413 and "tối đa 9 KB" in too_big.get_data(as_text=True)
    form["upload"] = (io.BytesIO(data), "thu-vien.docx")
    as_json = client.post("/quan-ly/tao-moi", data=form, content_type="multipart/form-data",
                          headers={"Accept": "application/json"})
    assert as_json.status_code == 413
    assert "tối đa 9 KB" in as_json.get_json()["error"]["message"]


ROUTES = [
    ("GET", "/c/{slug}/phien-ban", {"*": 200}),
    ("GET", "/c/{slug}/phien-ban/1", {"*": 200}),
    ("GET", "/c/{slug}/phien-ban/1/dieu-10", {"*": 200}),
    ("GET", "/c/{slug}/phien-ban/2/dieu-10", {"*": 302}),
    ("GET", "/c/{slug}/thay-doi", {"*": 200}),
    ("GET", "/c/{slug}/thay-doi/dieu-11", {"*": 200}),
    ("GET", "/c/{slug}/phien-ban/2.docx", {"*": 200}),
    ("GET", "/c/{slug}/phien-ban/moi", {"anonymous": LOGIN, "staff_own": 200, "admin": 200,
                                        "*": 403}),
    ("POST", "/c/{slug}/phien-ban/moi", {"anonymous": 403, "staff_own": 422, "admin": 422,
                                         "*": 403}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,expected", ROUTES,
                         ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_version_routes_with_two_versions(client, world, revised, role, method, template,
                                          expected):
    users = dict(world["users"])
    users["staff_own"] = revised["staff"]
    check_access(client, {"users": users, "slug": revised["slug"]}, role, method, template,
                 expected, {"note": "", "publish": "1"} if method == "POST" else None)

