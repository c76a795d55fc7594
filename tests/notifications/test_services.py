"""Notifications recorded from signals and the clock, once each, as users chose."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from consult.accounts.privacy import close_account, export_personal_data
from consult.comments.services import reply_to_comment
from consult.comments.signals import comment_answered
from consult.core.db_setup import utcnow
from consult.drafts.services import close_consultation
from consult.drafts.signals import dossier_published
from consult.extensions import db
from consult.moderation.services import moderate_comment
from consult.notifications import schedule, services
from consult.notifications.messages import describe
from consult.notifications.models import MailMessage, Notification
from tests.factories import PASSWORD, make_comment, make_consultation, make_user

pytestmark = pytest.mark.usefixtures("app")


def _notes(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def _mails(user):
    return db.session.scalars(select(MailMessage).where(MailMessage.user_id == user.id)).all()


def test_a_reply_notifies_the_parent_author_once_and_not_the_replier():
    author, replier = make_user(), make_user()
    parent = make_comment(author=author)
    reply = reply_to_comment(replier, parent, "Tôi không đồng ý với bạn.")
    reply_to_comment(author, parent, "Cảm ơn góp ý.")
    db.session.commit()
    notes = _notes(author)
    assert [(n.kind, n.comment_id) for n in notes] == [("reply", reply.id)]
    assert replier.public_name in describe(notes[0]).text
    assert _notes(replier) == []
    mail = _mails(author)[0]
    assert mail.to_address == author.email and "/huy-dang-ky/" in mail.unsubscribe_url
    assert "/y-kien/" in mail.body_text and mail.status == "pending"


def test_a_held_reply_notifies_only_once_approved():
    author, moderator = make_user(), make_user(role="moderator")
    parent = make_comment(author=author)
    reply = reply_to_comment(make_user(), parent, "Xem thêm tại http://quang-cao.example")
    db.session.commit()
    assert reply.status == "pending" and _notes(author) == []
    moderate_comment(moderator, reply, "approve")
    db.session.commit()
    assert [n.kind for n in _notes(author)] == ["reply"]
    assert [n.event for n in _notes(reply.author)] == ["approved"]


def test_hidden_and_restored_comments_tell_the_author_with_the_reason():
    comment = make_comment()
    moderator = make_user(role="moderator")
    moderate_comment(moderator, comment, "hide", "Ngôn từ xúc phạm")
    db.session.commit()
    moderate_comment(moderator, comment, "restore")
    db.session.commit()
    moderate_comment(moderator, comment, "hide", "Lần hai")
    db.session.commit()
    notes = _notes(comment.author)
    assert [(n.event, n.reason) for n in notes] == [
        ("hidden", "Ngôn từ xúc phạm"), ("restored", None), ("hidden", "Lần hai")]
    assert "Ngôn từ xúc phạm" in _mails(comment.author)[0].body_text


def test_auto_hide_by_reports_carries_its_reason():
    from consult.moderation.services import report_comment

    comment = make_comment()
    for _ in range(3):
        report_comment(make_user(), comment, "spam")
    db.session.commit()
    (note,) = _notes(comment.author)
    assert note.event == "hidden" and "báo cáo" in note.reason


def test_a_rolled_back_change_records_nothing():
    comment = make_comment()
    db.session.commit()
    moderate_comment(make_user(role="moderator"), comment, "hide", "Lý do")
    db.session.rollback()
    db.session.commit()
    assert _notes(comment.author) == []


def test_an_agency_answer_notifies_the_author_once_per_answer():
    comment = make_comment()
    db.session.commit()
    answer = SimpleNamespace(id=7, body="Ban soạn thảo tiếp thu.")
    comment_answered.send(comment, answer=answer)
    comment_answered.send(comment, answer=answer)
    db.session.commit()
    assert [(n.kind, n.event_key) for n in _notes(comment.author)] == [
        ("answer", f"answer:{comment.id}:7")]


def test_early_closing_and_the_dossier_notify_followers():
    consultation = make_consultation()
    follower, late = make_user(), make_user()
    services.follow_consultation(follower, consultation, now=utcnow() - timedelta(hours=1))
    db.session.commit()
    close_consultation(consultation)
    services.follow_consultation(late, consultation, now=utcnow() + timedelta(seconds=5))
    consultation.status = "concluded"
    dossier_published.send(consultation)
    db.session.commit()
    assert [n.kind for n in _notes(follower)] == ["closed", "dossier"]
    assert [n.kind for n in _notes(late)] == ["dossier"]


def test_tick_records_opened_closing_soon_and_closed_once_each():
    now = utcnow()
    scheduled = make_consultation(phase="scheduled")
    soon = make_consultation()
    soon.closes_at = now + timedelta(days=5)
    soon.opens_at = now - timedelta(days=20)
    ending = make_consultation()
    user = make_user()
    for c in (scheduled, soon):
        services.follow_consultation(user, c, now=now - timedelta(days=10))
    services.follow_consultation(user, ending, now=now - timedelta(hours=12))  # after opening
    db.session.commit()
    assert schedule.tick(now) == 1
    assert schedule.tick(now) == 0
    later = now + timedelta(days=3)
    ending.closes_at = now + timedelta(days=2, hours=23)
    db.session.commit()
    assert schedule.tick(later) == 2  # scheduled opened, ending closed
    assert schedule.tick(later) == 0
    kinds = sorted((n.kind, n.consultation_id) for n in _notes(user))
    assert kinds == sorted([("closing_soon", soon.id), ("opened", scheduled.id),
                            ("closed", ending.id)])


def test_followers_who_came_later_are_not_told_of_the_past():
    consultation = make_consultation()
    user = make_user()
    services.follow_consultation(user, consultation)
    db.session.commit()
    assert schedule.tick(utcnow()) == 0  # it opened before they followed


def test_preferences_choose_site_and_email():
    author = make_user()
    services.set_preference(author, "reply", by_email=False)
    parent = make_comment(author=author)
    reply_to_comment(make_user(), parent, "Trả lời một.")
    db.session.commit()
    assert len(_notes(author)) == 1 and _mails(author) == []
    services.set_preference(author, "reply", on_site=False)
    db.session.commit()
    assert services.unread_count(author) == 0
    assert services.notification_page(author, 1).items == []
    services.unsubscribe(author)
    db.session.commit()
    assert not any(c["by_email"] for c in services.preferences_of(author).values())


def test_deleted_and_blocked_users_get_nothing():
    author = make_user()
    parent = make_comment(author=author)
    db.session.commit()
    close_account(author, PASSWORD)
    reply_to_comment(make_user(), parent, "Trả lời.")
    db.session.commit()
    assert _notes(author) == []


def test_personal_data_and_account_closing_cover_notifications():
    author = make_user()
    parent = make_comment(author=author)
    services.follow_consultation(author, parent.consultation)
    reply_to_comment(make_user(), parent, "Trả lời.")
    db.session.commit()
    data = export_personal_data(author)["notifications"]
    assert data["following"] == [parent.consultation.slug]
    assert data["notifications"][0]["kind"] == "reply"
    close_account(author, PASSWORD)
    db.session.commit()
    assert _notes(author) == [] and _mails(author) == []
    assert not services.is_following(author, parent.consultation)


def test_mark_read():
    author = make_user()
    parent = make_comment(author=author)
    reply_to_comment(make_user(), parent, "Một.")
    reply_to_comment(make_user(), parent, "Hai.")
    db.session.commit()
    assert services.unread_count(author) == 2
    services.mark_read(author, _notes(author)[0])
    assert services.unread_count(author) == 1
    services.mark_read(author)
    assert services.unread_count(author) == 0


def test_the_badge_leaves_out_kinds_switched_off_on_the_site():
    author = make_user()
    parent = make_comment(author=author)
    reply_to_comment(make_user(), parent, "Một.")
    db.session.commit()
    assert services.unread_count(author) == 1
    services.set_preference(author, "reply", on_site=False)
    db.session.commit()
    assert services.unread_count(author) == 0
    services.set_preference(author, "reply", on_site=True)
    db.session.commit()
    assert services.unread_count(author) == 1
