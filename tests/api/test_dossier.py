"""/api/v1/consultations/<slug>/dossier: the published dossier as open data."""

from consult.dossier import services
from consult.dossier.analysis import analyse_consultation
from consult.extensions import db
from tests.factories import article, make_comment, make_consultation, make_user


def _closed_with_comments():
    consultation = make_consultation()
    agency_staff = make_user(role="agency", agency=consultation.agency)
    comments = [make_comment(consultation, section=article(consultation, 1),
                             body=f"Đề nghị làm rõ phạm vi điều chỉnh, ý kiến {n}.")
                for n in range(3)]
    hidden = make_comment(consultation, body="Ý kiến sẽ bị ẩn khỏi hồ sơ.")
    hidden.status = "hidden"
    consultation.opens_at = consultation.opens_at.replace(year=1999)
    consultation.closes_at = consultation.closes_at.replace(year=2000)
    db.session.commit()
    return consultation, agency_staff, comments, hidden


def test_dossier_is_served_once_published(api):
    consultation, staff, comments, hidden = _closed_with_comments()
    url = f"/api/v1/consultations/{consultation.slug}/dossier"
    assert api.get(url).status_code == 404  # closed, not yet concluded
    analyse_consultation(consultation)
    services.answer_comments(staff, consultation, [c.id for c in comments], "accepted",
                             "Đã bổ sung Điều 1.")
    services.publish_dossier(staff, consultation)
    db.session.commit()
    response = api.get(url)
    assert response.status_code == 200
    dossier = response.get_json()
    assert dossier["format"] == "consult-dossier/1"
    assert dossier["consultation"]["slug"] == consultation.slug
    listed = {i for row in dossier["table"] for i in row["comment_ids"]}
    assert listed == {c.id for c in comments} and hidden.id not in listed
    assert any(a["explanation"] == "Đã bổ sung Điều 1." for row in dossier["table"]
               for a in row["answers"])
    assert "@" not in response.get_data(as_text=True)  # no e-mail address of anyone
    again = api.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_dossier_of_unknown_or_draft_consultation_is_404(api):
    draft = make_consultation(phase="draft")
    db.session.commit()
    assert api.get("/api/v1/consultations/khong-co/dossier").status_code == 404
    assert api.get(f"/api/v1/consultations/{draft.slug}/dossier").status_code == 404
    assert api.get(f"/api/v1/consultations/{draft.slug}/dossier?x=1").status_code == 400
