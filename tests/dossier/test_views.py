"""Dossier pages and actions through HTTP: who may do what, forms, publication, public view."""

import re

import pytest

from consult.dossier import services
from consult.dossier.analysis import analyse_consultation, get_analysis, start_analysis
from consult.extensions import db
from tests.conftest import LOGIN, ROLES, check_access
from tests.factories import article, login, make_comment

MANAGERS = {"staff_own": 200, "admin": 200}
ROUTES = [
    ("GET", "/c/{open}/tong-hop", {**MANAGERS, "*": 404}),
    ("GET", "/c/{draft}/tong-hop", {**MANAGERS, "*": 404}),
    ("GET", "/c/{concluded}/tong-hop", {"*": 200}),
    ("GET", "/c/{open}/tong-hop/tra-loi", {"anonymous": LOGIN, **MANAGERS, "*": 403}),
    ("GET", "/c/{concluded}/tong-hop/tra-loi", {"anonymous": LOGIN, **MANAGERS, "*": 403}),
    ("POST", "/c/{open}/tong-hop/tra-loi", {"anonymous": 403, "staff_own": 302, "admin": 302,
                                            "*": 403}),
    ("GET", "/c/{open}/tong-hop/y-kien/{comment}", {"anonymous": LOGIN, **MANAGERS, "*": 403}),
    ("POST", "/c/{open}/tong-hop/y-kien/{comment}", {"anonymous": 403, "staff_own": 302,
                                                     "admin": 302, "*": 403}),
    ("POST", "/c/{open}/tong-hop/phan-tich", {"anonymous": 403, "staff_own": 302, "admin": 302,
                                              "*": 403}),
    ("POST", "/c/{open}/tong-hop/cong-bo", {"anonymous": 403, "staff_own": 302, "admin": 302,
                                            "*": 403}),
    ("GET", "/c/{open}/tong-hop.docx", {"anonymous": LOGIN, "staff_own": 302, "admin": 302,
                                        "*": 403}),
    ("GET", "/c/{concluded}/tong-hop.docx", {"*": 200}),
    ("GET", "/c/{concluded}/tong-hop.pdf", {"*": 200}),
    ("GET", "/c/{concluded}/tong-hop.csv", {"*": 200}),
    ("GET", "/c/{concluded}/tong-hop.json", {"*": 200}),
    ("GET", "/c/{concluded}/tong-hop.xlsx", {"*": 404}),
    ("GET", "/c/{open}/tong-hop.xlsx", {"anonymous": LOGIN, **{r: 404 for r in MANAGERS},
                                        "*": 403}),
    ("GET", "/c/{draft}/tong-hop/tra-loi", {"anonymous": LOGIN, **MANAGERS, "*": 404}),
]
FORM_DATA = {
    "/c/{open}/tong-hop/tra-loi": {"disposition": "noted", "comment_ids": "{comment}"},
    "/c/{open}/tong-hop/y-kien/{comment}": {"disposition": "noted"},
}


@pytest.fixture
def walk(world):
    """The shared world plus a concluded consultation of the same agency."""
    from consult.drafts.models import Consultation

    staff = world["users"]["staff_own"]
    open_c = db.session.query(Consultation).filter_by(slug=world["open"]).one()
    from tests.factories import make_consultation

    done = make_consultation(open_c.agency)
    comment = make_comment(done, section=article(done, 1), body="Ý kiến đã được trả lời.")
    done.closes_at = done.closes_at.replace(year=2000)
    done.opens_at = done.opens_at.replace(year=1999)
    db.session.commit()
    analyse_consultation(done)
    services.answer_comments(staff, done, [comment.id], "accepted", "Đã sửa Điều 1.")
    services.publish_dossier(staff, done)
    db.session.commit()
    return {**world, "concluded": done.slug}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,template,expected", ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_route_access(client, walk, role, method, template, expected):
    data = {k: v.format(**walk) for k, v in FORM_DATA.get(template, {}).items()}
    check_access(client, walk, role, method, template, expected, data)


def test_concluded_dossier_and_answers_are_public(client, walk):
    page = client.get(f"/c/{walk['concluded']}/tong-hop").get_data(as_text=True)
    assert "Đã sửa Điều 1." in page and "Dành cho cơ quan soạn thảo" not in page
    article_page = client.get(f"/c/{walk['concluded']}/dieu-1").get_data(as_text=True)
    assert "Cơ quan soạn thảo: Tiếp thu" in article_page and "Đã sửa Điều 1." in article_page
    home = client.get(f"/c/{walk['concluded']}").get_data(as_text=True)
    assert "Kết quả tiếp thu, giải trình" in home
    assert "Đã sửa Điều 1." not in client.get(f"/c/{walk['open']}/dieu-1").get_data(as_text=True)


def test_staff_flow_analyse_answer_publish(client, closed):
    consultation, staff = closed["consultation"], closed["staff"]
    login(client, staff)
    url = f"/c/{consultation.slug}/tong-hop"
    assert "Chưa phân tích" in client.get(url).get_data(as_text=True)
    page = client.post(url + "/phan-tich", follow_redirects=True).get_data(as_text=True)
    assert "Đã phân tích 38 ý kiến" in page and "Nhóm 1: 7 ý kiến" in page
    assert "Đã trả lời 0 / 38 ý kiến" in page
    response = client.post(url + "/tra-loi", data={"disposition": "explained", "explanation": "",
                                                   "group": "campaign:1"})
    assert response.status_code == 422
    assert "Vui lòng viết nội dung tiếp thu" in response.get_data(as_text=True)
    response = client.post(url + "/tra-loi", data={
        "disposition": "explained", "explanation": "Giữ nguyên vì lý do an ninh.",
        "group": "campaign:1", "next": f"/c/{consultation.slug}/tong-hop/tra-loi?chien-dich=1"})
    assert response.status_code == 302 and "chien-dich=1" in response.headers["Location"]
    workspace = client.get(url + "/tra-loi?chien-dich=1").get_data(as_text=True)
    assert "7 ý kiến phù hợp" in workspace and "Giữ nguyên vì lý do an ninh." in workspace
    refused = client.post(url + "/cong-bo", follow_redirects=True).get_data(as_text=True)
    assert "Còn 31 ý kiến chưa được trả lời" in refused
    ids = [str(c.id) for c in closed["comments"] + [closed["general"]]]
    response = client.post(url + "/tra-loi", data={"disposition": "noted", "comment_ids": ids})
    assert response.status_code == 302
    page = client.post(url + "/cong-bo", follow_redirects=True).get_data(as_text=True)
    assert "Đã công bố bản tổng hợp" in page
    db.session.expire_all()
    assert consultation.phase() == "concluded"
    client.post("/dang-xuat")
    public = client.get(url).get_data(as_text=True)
    assert "Giữ nguyên vì lý do an ninh." in public and "Bảng tổng hợp" in public


def test_answer_one_comment_shows_versions_and_errors(client, closed):
    consultation, comment = closed["consultation"], closed["general"]
    login(client, closed["staff"])
    url = f"/c/{consultation.slug}/tong-hop/y-kien/{comment.id}"
    assert client.post(url, data={"disposition": ""}).status_code == 422
    client.post(url, data={"disposition": "accepted", "explanation": "Bản đầu."})
    client.post(url, data={"disposition": "partly", "explanation": "Bản sửa."})
    page = client.get(url).get_data(as_text=True)
    assert "Các phiên bản câu trả lời" in page and "Bản đầu." in page and "Bản sửa." in page
    other = make_comment(body="Ở dự thảo khác.")
    db.session.commit()
    assert client.get(f"/c/{consultation.slug}/tong-hop/y-kien/{other.id}").status_code == 404


def test_bulk_answer_needs_a_selection(client, closed):
    login(client, closed["staff"])
    url = f"/c/{closed['consultation'].slug}/tong-hop/tra-loi"
    response = client.post(url, data={"disposition": "noted"})
    assert response.status_code == 422
    assert "Vui lòng chọn ít nhất một ý kiến" in response.get_data(as_text=True)
    assert client.post(url, data={"disposition": "noted", "group": "campaign:x"}).status_code == 400


def test_page_shows_a_running_analysis_with_its_progress(client, closed):
    consultation = closed["consultation"]
    analysis = start_analysis(consultation)
    analysis.progress, analysis.stage = 0.42, "themes"
    db.session.commit()
    login(client, closed["staff"])
    page = client.get(f"/c/{consultation.slug}/tong-hop").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and 'value="42"' in page and "nhóm theo vấn đề" in page
    again = client.post(f"/c/{consultation.slug}/tong-hop/phan-tich", follow_redirects=True)
    assert "đang chạy" in again.get_data(as_text=True)


def test_large_consultations_are_analysed_in_the_background(client, closed, app):
    app.config["CONSULT_DOSSIER_INLINE_MAX"] = 10
    consultation = closed["consultation"]
    login(client, closed["staff"])
    started = []
    from consult.dossier import views

    original = views._run_in_background
    views._run_in_background = lambda *a: started.append(original(*a))
    try:
        page = client.post(f"/c/{consultation.slug}/tong-hop/phan-tich", follow_redirects=True)
    finally:
        views._run_in_background = original
    assert "Đang phân tích 38 ý kiến" in page.get_data(as_text=True)
    started[0].join(120)
    db.session.expire_all()
    analysis = get_analysis(consultation.id)
    assert analysis.state == "ready" and analysis.comment_count == 38


def test_stale_analysis_is_flagged_to_staff(client, closed):
    consultation = closed["consultation"]
    analyse_consultation(consultation)
    from consult.comments.services import set_status

    set_status(closed["comments"][3], "hidden")
    db.session.commit()
    login(client, closed["staff"])
    page = client.get(f"/c/{consultation.slug}/tong-hop").get_data(as_text=True)
    assert "nên phân tích lại" in page


def test_the_table_is_paged_and_bad_page_numbers_give_a_page(app, client, closed):
    consultation = closed["consultation"]
    login(client, closed["staff"])
    url = f"/c/{consultation.slug}/tong-hop"
    client.post(url + "/phan-tich")
    app.config.update(CONSULT_DOSSIER_ROWS_PER_PAGE=2, CONSULT_DOSSIER_CAMPAIGNS_SHOWN=0)
    first = client.get(url).get_data(as_text=True)
    assert 'id="dong-1"' in first and 'id="dong-2"' in first and 'id="dong-3"' not in first
    assert "Trang 1 / " in first and "trang=2#table-heading" in first
    assert "Và 1 nhóm nhỏ hơn" in first and "Nhóm 1: 7 ý kiến" not in first
    second = client.get(url + "?trang=2").get_data(as_text=True)
    assert 'id="dong-3"' in second and 'id="dong-1"' not in second
    for bad in ("abc", "-1", "0", "9" * 5000, "٣", "1e9"):
        response = client.get(url, query_string={"trang": bad})
        assert response.status_code == 200, bad
        assert 'id="dong-1"' in response.get_data(as_text=True), bad
    last = client.get(url + "?trang=999999999").get_data(as_text=True)
    assert 'id="dong-1"' not in last and re.search(r"Trang (\d+) / \1<", last)


def test_the_built_dossier_is_cached_until_an_answer_or_analysis_changes(
        client, closed, monkeypatch):
    from consult.dossier import table

    consultation = closed["consultation"]
    login(client, closed["staff"])
    url = f"/c/{consultation.slug}/tong-hop"
    client.post(url + "/phan-tich")
    builds = []
    real_build = table.build_rows
    monkeypatch.setattr(table, "build_rows", lambda *a, **k: builds.append(1) or real_build(
        *a, **k))
    client.get(url)
    client.get(url)
    assert len(builds) == 1
    client.post(url + "/tra-loi", data={"disposition": "explained", "group": "campaign:1",
                                        "explanation": "Giữ nguyên quy định về lưu trữ."})
    page = client.get(url).get_data(as_text=True)
    assert len(builds) == 2 and "Giữ nguyên quy định về lưu trữ." in page
    client.post(url + "/phan-tich")
    client.get(url)
    assert len(builds) == 3
