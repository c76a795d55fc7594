"""The session cookie stays small whatever a client leaves unread."""

from flask import flash, get_flashed_messages

from consult.core.security import MAX_PENDING_FLASHES
from tests.factories import article, login, make_consultation, make_user


def _cookie_size(client):
    cookie = client.get_cookie("session")
    return len(cookie.value) if cookie else 0


def test_posts_whose_redirects_are_not_followed_leave_one_message(app, client):
    consultation = make_consultation()
    section, user = article(consultation, 1), make_user()
    login(client, user)
    client.get("/")  # past the "signed in" message
    sizes = []
    for number in range(30):
        response = client.post(f"/c/{consultation.slug}/y-kien", data={
            "comment-body": f"Ý kiến số {number} về điều này.", "comment-stance": "agree",
            "comment-section_id": str(section.id)})
        assert response.status_code == 302
        sizes.append(_cookie_size(client))
    assert sizes[-1] == sizes[1]  # the cookie stopped growing after the first message
    page = client.get("/").get_data(as_text=True)
    assert page.count("Cảm ơn bạn đã góp ý.") == 1


def test_only_the_last_distinct_messages_wait(app):
    with app.test_request_context():
        for number in range(12):
            flash(f"Thông báo {number}", "info")
            flash(f"Thông báo {number}", "info")
        shown = get_flashed_messages()
    assert shown == [f"Thông báo {n}" for n in range(12 - MAX_PENDING_FLASHES, 12)]
