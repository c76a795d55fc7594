import json

import pytest

from consult.accounts.models import User
from consult.accounts.privacy import DELETED_NAME, close_account, export_personal_data
from consult.comments.services import react_to_comment
from consult.core.exceptions import ServiceError
from consult.extensions import db
from tests.factories import PASSWORD, article, login, make_comment, make_consultation, make_user


def test_export_contains_profile_comments_and_reactions(app):
    consultation = make_consultation()
    author = make_user(kind="business")
    comment = make_comment(consultation, author=author, section=article(consultation, 1))
    other = make_comment(consultation)
    react_to_comment(author, other, "support")
    data = export_personal_data(author)
    assert data["profile"]["email"] == author.email
    assert data["profile"]["tax_code"] == author.tax_code
    assert [c["id"] for c in data["comments"]] == [comment.id]
    assert data["comments"][0]["section"] == "Điều 1"
    assert data["reactions"] == [{"comment_id": other.id, "kind": "support",
                                  "created_at": data["reactions"][0]["created_at"]}]
    json.dumps(data)


def test_close_account_erases_personal_data_and_keeps_comments(app):
    consultation = make_consultation()
    author = make_user(kind="business")
    comment = make_comment(consultation, author=author)
    with pytest.raises(ServiceError):
        close_account(author, "wrong password")
    email = author.email
    close_account(author, PASSWORD)
    assert author.email != email and author.email.endswith("@deleted.invalid")
    assert author.display_name == DELETED_NAME and author.public_name == DELETED_NAME
    assert author.organisation_name is None and author.tax_code is None
    assert not author.is_active and not author.check_password(PASSWORD)
    assert comment.status == "published" and comment.author is author
    with pytest.raises(ServiceError):
        close_account(author, PASSWORD)


def test_download_and_close_through_the_site(client):
    consultation = make_consultation()
    user = make_user()
    make_comment(consultation, author=user, body="Ý kiến của tôi")
    db.session.commit()
    login(client, user)
    response = client.get("/tai-khoan/du-lieu")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_json()["comments"][0]["body"] == "Ý kiến của tôi"
    refused = client.post("/tai-khoan/xoa", data={"password": PASSWORD})
    assert refused.status_code == 422 and "Vui lòng xác nhận" in refused.get_data(as_text=True)
    wrong = client.post("/tai-khoan/xoa", data={"password": "sai", "understood": "y"})
    assert wrong.status_code == 422 and "Mật khẩu không đúng" in wrong.get_data(as_text=True)
    assert client.post("/tai-khoan/xoa", data={"password": PASSWORD,
                                                 "understood": "y"}).status_code == 302
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert "Ý kiến của tôi" in page and DELETED_NAME in page
    assert client.get("/tai-khoan").status_code == 302
    assert login(client, db.session.get(User, user.id)).status_code == 422
