import io
from pathlib import Path

from consult.drafts.models import Consultation
from consult.extensions import db
from tests.factories import SMALL_LAW, login, make_agency, make_consultation, make_user

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _staff():
    agency = make_agency("Bộ Tư pháp")
    staff = make_user(role="agency", agency=agency)
    db.session.commit()
    return agency, staff


def _form(agency, **extra):
    data = {"title": "Dự thảo Luật An ninh mạng", "doc_type": "Luật", "agency_id": agency.id,
            "summary": "Tóm tắt", "opens_at": "2030-01-01T08:00", "closes_at": "2030-02-01T17:00",
            "text": (DATA / "luat-an-ninh-mang-2018.txt").read_text(encoding="utf-8")}
    data.update(extra)
    return data


def test_home_lists_open_and_closed(client):
    open_one = make_consultation(title="Dự thảo Mở")
    closed = make_consultation(title="Dự thảo Đóng", phase="closed")
    draft = make_consultation(title="Dự thảo Nháp", phase="draft")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert open_one.title in page and closed.title in page and draft.title not in page


def test_staff_create_consultation_from_pasted_law(client):
    agency, staff = _staff()
    login(client, staff)
    response = client.post("/quan-ly/tao-moi", data=_form(agency))
    assert response.status_code == 302
    consultation = db.session.query(Consultation).one()
    assert len(consultation.current_version.articles()) == 43
    assert consultation.opens_at.hour == 1  # 08:00 in Hà Nội is 01:00 UTC
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "Điều 43" in page and "Bản nháp" in page


def test_staff_create_from_uploaded_file(client):
    agency, staff = _staff()
    login(client, staff)
    data = _form(agency, text="", upload=(io.BytesIO(SMALL_LAW.encode()), "du-thao.txt"))
    response = client.post("/quan-ly/tao-moi", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(db.session.query(Consultation).one().current_version.articles()) == 3


def test_bad_upload_and_bad_text_are_explained(client):
    agency, staff = _staff()
    login(client, staff)
    wrong_type = _form(agency, text="", upload=(io.BytesIO(b"%PDF"), "x.pdf"))
    response = client.post("/quan-ly/tao-moi", data=wrong_type, content_type="multipart/form-data")
    assert response.status_code == 422 and ".txt" in response.get_data(as_text=True)
    not_utf8 = _form(agency, text="", upload=(io.BytesIO("Điều".encode("utf-16")), "x.txt"))
    response = client.post("/quan-ly/tao-moi", data=not_utf8, content_type="multipart/form-data")
    assert response.status_code == 422 and "UTF-8" in response.get_data(as_text=True)
    response = client.post("/quan-ly/tao-moi", data=_form(agency, text="Chỉ là một câu."))
    assert response.status_code == 422 and "Không tìm thấy Điều" in response.get_data(as_text=True)
    response = client.post("/quan-ly/tao-moi", data=_form(agency, closes_at="2029-01-01T00:00"))
    assert "phải sau" in response.get_data(as_text=True)
    response = client.post("/quan-ly/tao-moi", data=_form(agency, opens_at="ngày mai"))
    assert response.status_code == 422
    assert db.session.query(Consultation).count() == 0


def test_upload_over_the_size_limit_is_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    agency, staff = _staff()
    login(client, staff)
    data = _form(agency, text="", upload=(io.BytesIO(b"x" * 5000), "big.txt"))
    response = client.post("/quan-ly/tao-moi", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "quá lớn" in response.get_data(as_text=True)


def test_staff_cannot_create_for_another_agency(client):
    agency, staff = _staff()
    other = make_agency("Bộ Khác")
    db.session.commit()
    login(client, staff)
    response = client.post("/quan-ly/tao-moi", data=_form(other))
    assert response.status_code == 422  # not among the choices offered
    assert db.session.query(Consultation).count() == 0


def test_publish_open_close_from_the_dashboard(client):
    agency, staff = _staff()
    consultation = make_consultation(agency, phase="draft")
    db.session.commit()
    login(client, staff)
    assert consultation.title in client.get("/quan-ly").get_data(as_text=True)
    client.post(f"/c/{consultation.slug}/mo")
    db.session.expire_all()
    assert consultation.phase() == "open"
    client.post(f"/c/{consultation.slug}/dong")
    db.session.expire_all()
    assert consultation.phase() == "closed"
    response = client.post(f"/c/{consultation.slug}/dong", follow_redirects=True)
    assert "Chỉ có thể đóng" in response.get_data(as_text=True)


def test_edit_published_consultation_keeps_text(client):
    agency, staff = _staff()
    consultation = make_consultation(agency)
    db.session.commit()
    login(client, staff)
    page = client.get(f"/c/{consultation.slug}/sua").get_data(as_text=True)
    assert "không sửa trực tiếp" in page
    response = client.post(f"/c/{consultation.slug}/sua", data=_form(
        agency, title="Tên đã sửa", opens_at="2020-01-01T08:00", text="bỏ qua"))
    assert response.status_code == 302
    db.session.expire_all()
    assert consultation.title == "Tên đã sửa"
    assert len(consultation.current_version.articles()) == 3
