"""Notification pages, follow buttons, unsubscribe links, feeds, the commands."""

from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from consult.comments.services import reply_to_comment
from consult.extensions import db
from consult.notifications import services
from consult.notifications.messages import unsubscribe_token
from consult.notifications.models import MailMessage, Notification
from tests.conftest import ROLES, check_access, recorded_statements
from tests.factories import login, make_agency, make_comment, make_consultation, make_user


def _replied(author=None):
    author = author or make_user()
    parent = make_comment(author=author)
    reply_to_comment(make_user(), parent, "Một ý kiến trả lời.")
    db.session.commit()
    return author


def test_list_shows_unread_count_and_opening_marks_read(client):
    author = _replied()
    login(client, author)
    home = client.get("/").get_data(as_text=True)
    assert 'class="count-badge">1' in home
    page = client.get("/thong-bao").get_data(as_text=True)
    assert "đã trả lời ý kiến của bạn" in page and "Mới" in page
    note = db.session.scalar(select(Notification).where(Notification.user_id == author.id))
    response = client.get(f"/thong-bao/{note.id}")
    assert response.status_code == 302 and "/y-kien/" in response.headers["Location"]
    assert 'class="count-badge"' not in client.get("/").get_data(as_text=True)


def test_the_badge_is_read_with_the_signed_in_user_in_one_query(client):
    from flask import g

    author = _replied()
    login(client, author)
    # the tests' requests share one app context: forget the user the log-in request kept,
    # as a new request in production starts without it
    g.pop("_login_user", None)
    with recorded_statements() as seen:
        home = client.get("/").get_data(as_text=True)
    assert 'class="count-badge">1' in home
    counting = [text for text, _alone in seen if "notifications" in text]
    assert len(counting) == 1 and "FROM users" in counting[0]


def test_the_badge_follows_a_change_made_in_the_same_request(client, app):
    """A page that marks notifications read shows the new count, not the one read with the
    user at the start of the request."""
    from flask import g, render_template_string

    @app.get("/_test/mark-read-then-badge")
    def mark_read_then_badge():
        from flask_login import current_user

        before = services.unread_count(current_user)
        services.mark_read(current_user)
        return render_template_string("{{ b }}/{{ unread_notifications() }}", b=before)

    author = _replied()
    login(client, author)
    g.pop("_login_user", None)  # a new request: the user and the badge read again
    assert client.get("/_test/mark-read-then-badge").get_data(as_text=True) == "1/0"


def test_someone_elses_notification_is_404(client):
    author = _replied()
    note = db.session.scalar(select(Notification).where(Notification.user_id == author.id))
    login(client, make_user())
    assert client.get(f"/thong-bao/{note.id}").status_code == 404


def test_mark_all_read(client):
    author = _replied()
    login(client, author)
    assert client.post("/thong-bao/da-doc").status_code == 302
    assert services.unread_count(author) == 0


def test_preferences_page_saves_choices(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    page = client.get("/thong-bao/cai-dat").get_data(as_text=True)
    assert 'name="email_reply"' in page and "checked" in page
    data = {f"site_{k}": "y" for k in ("reply", "moderation")}
    assert client.post("/thong-bao/cai-dat", data=data).status_code == 302
    prefs = services.preferences_of(user)
    assert prefs["reply"] == {"on_site": True, "by_email": False}
    assert prefs["dossier"] == {"on_site": False, "by_email": False}


def test_follow_button_on_the_consultation_page(client):
    consultation = make_consultation()
    user = make_user()
    db.session.commit()
    assert "để theo dõi dự thảo" in client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    login(client, user)
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert f'action="/c/{consultation.slug}/theo-doi"' in page and 'name="csrf_token"' in page
    client.post(f"/c/{consultation.slug}/theo-doi")
    assert services.is_following(user, consultation)
    page = client.get(f"/c/{consultation.slug}").get_data(as_text=True)
    assert f'action="/c/{consultation.slug}/bo-theo-doi"' in page
    client.post(f"/c/{consultation.slug}/bo-theo-doi")
    assert not services.is_following(user, consultation)


def test_follow_needs_a_csrf_token(tmp_path):
    from tests.conftest import empty_database, make_app

    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        empty_database()
        consultation = make_consultation()
        user = make_user()
        db.session.commit()
        client = app.test_client()
        token = client.get("/dang-nhap").get_data(as_text=True).split(
            'name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/dang-nhap", data={"email": user.email, "password": "mat-khau-123",
                                        "csrf_token": token})
        assert client.post(f"/c/{consultation.slug}/theo-doi").status_code == 400
        assert not services.is_following(user, consultation)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_unsubscribe_link_works_without_logging_in(client):
    user = make_user()
    db.session.commit()
    url = f"/huy-dang-ky/{unsubscribe_token(user.id, 'reply')}"
    page = client.get(url).get_data(as_text=True)
    assert "Hủy nhận e-mail" in page and services.preferences_of(user)["reply"]["by_email"]
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    prefs = services.preferences_of(user)
    assert not prefs["reply"]["by_email"] and prefs["answer"]["by_email"]
    client.post(f"/huy-dang-ky/{unsubscribe_token(user.id)}")
    assert not any(c["by_email"] for c in services.preferences_of(user).values())


@pytest.mark.parametrize("token", ["x", "WzEsIioiXQ.forged", "a" * 300])
def test_a_forged_unsubscribe_token_is_404(client, token):
    assert client.get(f"/huy-dang-ky/{token}").status_code == 404
    assert client.post(f"/huy-dang-ky/{token}").status_code == 404


def test_mail_is_sent_after_the_response_and_a_failure_never_breaks_it(app, client):
    app.config.update(CONSULT_MAIL_BACKEND="file")
    author = make_user()
    parent = make_comment(author=author)
    replier = make_user()
    db.session.commit()
    login(client, replier)
    response = client.post(f"/y-kien/{parent.id}/tra-loi",
                           data={"reply-reply_body": "Trả lời sau đó gửi thư."})
    assert response.status_code == 302
    response.close()
    assert len(list((Path(app.instance_path) / "mail").glob("*.eml"))) == 1
    app.config.update(CONSULT_MAIL_BACKEND="smtp", CONSULT_MAIL_SERVER="127.0.0.1",
                      CONSULT_MAIL_PORT=1)
    again = client.post(f"/y-kien/{parent.id}/tra-loi", data={"reply-reply_body": "Lần hai."})
    assert again.status_code == 302
    again.close()
    db.session.expire_all()
    pending = db.session.scalars(select(MailMessage).where(MailMessage.status == "pending")).all()
    assert len(pending) == 1 and pending[0].last_error


def test_feeds_list_public_consultations_as_atom_and_rss(client):
    agency = make_agency("Bộ Nguồn Tin")
    public = make_consultation(agency)
    other = make_consultation()
    draft = make_consultation(agency, phase="draft")
    db.session.commit()
    atom = client.get("/feeds/consultations.atom")
    assert atom.mimetype == "application/atom+xml"
    titles = [e.text for e in ElementTree.fromstring(atom.data).iter(
        "{http://www.w3.org/2005/Atom}title")]
    assert f"Luật: {public.title}" in titles and f"Luật: {other.title}" in titles
    assert not any(draft.title in (t or "") for t in titles)
    rss = client.get(f"/feeds/agencies/{agency.slug}.rss")
    items = [i.findtext("title") for i in ElementTree.fromstring(rss.data).iter("item")]
    assert items == [f"Luật: {public.title}"]
    assert client.get("/feeds/agencies/khong-co.atom").status_code == 404
    assert client.get("/feeds/consultations.json").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_agency_feed_is_public(client, world, role):
    from consult.drafts.services import find_consultation

    world["agency"] = find_consultation(world["open"]).agency.slug
    check_access(client, world, role, "GET", "/feeds/agencies/{agency}.atom", {"*": 200})


def test_tick_and_send_commands(app, runner):
    app.config["CONSULT_MAIL_BACKEND"] = "file"
    _replied()
    result = runner.invoke(args=["consult", "notifications", "tick"])
    assert result.exit_code == 0 and "Recorded 0 notifications" in result.output
    result = runner.invoke(args=["consult", "notifications", "send"])
    assert result.exit_code == 0 and "Sent 1 e-mails" in result.output
    result = runner.invoke(args=["consult", "notifications", "worker", "--stop-after", "0"])
    assert result.exit_code == 0
