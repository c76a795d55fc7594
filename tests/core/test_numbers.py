"""Numbers typed into URLs and forms: never an error page, whatever their size or script."""

import pytest

from consult.core.numbers import whole_number, whole_numbers
from consult.extensions import db
from tests.factories import login, make_comment, make_consultation, make_user

HUGE = "9" * 5000  # int() refuses strings over 4,300 digits


@pytest.mark.parametrize("text, expected", [
    ("0", 0), ("42", 42), ("999999999", 999_999_999), ("1000000000", None), (HUGE, None),
    ("٣", None), ("-1", None), ("1e3", None), (" 7", None), ("", None), (None, None)])
def test_whole_number(text, expected):
    assert whole_number(text) == expected


def test_whole_numbers_keeps_only_numbers():
    assert whole_numbers(["3", "x", HUGE, "12"]) == [3, 12]


def test_huge_and_foreign_numbers_in_urls_and_forms_give_normal_answers(client):
    admin = make_user(role="admin")
    consultation = make_consultation()
    make_comment(consultation)
    db.session.commit()
    login(client, admin)
    slug = consultation.slug
    for url in [f"/search?q=a&consultation={HUGE}", f"/search?q=a&page={HUGE}",
                f"/search?q=a&article={HUGE}", "/search?q=a&page=٣",
                f"/kiem-duyet?trang={HUGE}", f"/kiem-duyet?c={HUGE}",
                f"/quan-tri/nhat-ky?trang={HUGE}", f"/c/{slug}?trang=sau-{HUGE}",
                f"/c/{slug}/tong-hop?trang={HUGE}", f"/c/{slug}/tong-hop/tra-loi?dieu={HUGE}",
                f"/api/v1/consultations?limit={HUGE}", f"/y-kien/{HUGE}"]:
        assert client.get(url).status_code in (200, 400, 404), url
    response = client.post("/kiem-duyet/thao-tac", data={"comment_ids": [HUGE, "٣"],
                                                          "action": "approve"})
    assert response.status_code in (302, 400, 404)
    response = client.post(f"/c/{slug}/y-kien", data={
        "comment-section_id": HUGE, "comment-body": "Ý kiến.", "comment-stance": "agree"})
    assert response.status_code == 400
    response = client.post(f"/c/{slug}/tong-hop/tra-loi", data={
        "group": f"campaign:{HUGE}", "disposition": "noted", "explanation": "Ghi nhận."})
    assert response.status_code in (400, 422)
