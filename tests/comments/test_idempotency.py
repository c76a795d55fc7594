"""A retried comment or reply (same form key, same author) creates nothing new."""

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from consult.comments import services
from consult.comments.models import Comment
from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.outbox import OutboxEntry
from consult.extensions import db
from tests.factories import article, login, make_comment, make_consultation, make_user

KEY = "k" * 20 + "-retry_1"


def _count():
    return db.session.scalar(select(func.count(Comment.id)))


def _form_key(page, prefix="comment"):
    return re.search(rf'name="{prefix}-idempotency_key" type="hidden" value="([^"]+)"',
                     page).group(1)


# ---- service -------------------------------------------------------------------------------

def test_same_key_returns_the_first_comment_and_queues_nothing_more(app):
    consultation, user = make_consultation(), make_user()
    first = services.submit_comment(user, consultation, "Ý kiến một.", "agree",
                                    idempotency_key=KEY)
    db.session.commit()
    queued = db.session.scalar(select(func.count(OutboxEntry.id)))
    again = services.submit_comment(user, consultation, "Ý kiến một.", "agree",
                                    idempotency_key=KEY)
    assert again.id == first.id and again.idempotency_key.startswith(KEY + ".")
    assert _count() == 1
    assert db.session.scalar(select(func.count(OutboxEntry.id))) == queued


def test_retry_after_closing_still_answers_with_the_comment(app):
    consultation, user = make_consultation(), make_user()
    first = services.submit_comment(user, consultation, "Kịp giờ.", "agree", idempotency_key=KEY)
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.submit_comment(user, consultation, "Kịp giờ.", "agree",
                                   idempotency_key=KEY).id == first.id
    with pytest.raises(ServiceError):
        services.submit_comment(user, consultation, "Muộn.", "agree", idempotency_key=KEY + "x")


def test_same_form_sent_again_with_other_text_is_a_new_comment(app):
    """The back button can bring the same form (and key) back; edited, it is not a retry."""
    consultation, user = make_consultation(), make_user()
    first = services.submit_comment(user, consultation, "Bản đầu.", "agree", idempotency_key=KEY)
    edited = services.submit_comment(user, consultation, "Bản sửa.", "agree",
                                     idempotency_key=KEY)
    again = services.submit_comment(user, consultation, "Bản sửa.", "agree",
                                    idempotency_key=KEY)
    assert first.id != edited.id == again.id and _count() == 2


def test_keys_are_per_author_and_per_form(app):
    consultation, user, other = make_consultation(), make_user(), make_user()
    a = services.submit_comment(user, consultation, "A", "agree", idempotency_key=KEY)
    b = services.submit_comment(other, consultation, "A", "agree", idempotency_key=KEY)
    c = services.submit_comment(user, consultation, "A", "agree", idempotency_key=KEY + "2")
    d = services.submit_comment(user, consultation, "A", "agree")
    e = services.submit_comment(user, consultation, "A", "agree")
    assert len({a.id, b.id, c.id, d.id, e.id}) == 5
    assert d.idempotency_key is None and e.idempotency_key is None


@pytest.mark.parametrize("key", ["short", "k" * 65, "khóa-có-dấu-tiếng-việt", "a b c d e f g h i",
                                 "<script>alert(1)</script>", "'; DROP TABLE comments; --"])
def test_malformed_keys_are_refused(app, key):
    consultation, user = make_consultation(), make_user()
    parent = make_comment(consultation)
    with pytest.raises(ServiceError) as error:
        services.submit_comment(user, consultation, "x", "agree", idempotency_key=key)
    assert "tải lại trang" in error.value.message
    with pytest.raises(ServiceError):
        services.reply_to_comment(user, parent, "x", idempotency_key=key)
    assert _count() == 1


def test_reply_keys_are_scoped_to_the_comment_replied_to(app):
    consultation, user = make_consultation(), make_user()
    first, second = make_comment(consultation), make_comment(consultation)
    reply = services.reply_to_comment(user, first, "Trả lời", idempotency_key=KEY)
    assert services.reply_to_comment(user, first, "Trả lời", idempotency_key=KEY).id == reply.id
    other = services.reply_to_comment(user, second, "Trả lời", idempotency_key=KEY)
    assert other.id != reply.id and other.parent_id == second.id
    assert _count() == 4


def test_a_racing_retry_loses_to_the_unique_constraint_and_gets_the_winner(app):
    """The first attempt's row is inserted but not committed when the retry checks for the key
    (it sees nothing); the retry's INSERT waits, the constraint refuses it, and it returns
    the committed comment."""
    consultation, user = make_consultation(), make_user()
    db.session.commit()
    ids = {"consultation": consultation.id, "user": user.id}
    winner = db.engine.connect()
    transaction = winner.begin()
    won = winner.execute(insert(Comment).values(
        consultation_id=ids["consultation"], author_id=ids["user"], body="Lần một",
        body_html="<p>Lần một</p>", stance="agree", author_kind="citizen", status="published",
        idempotency_key=services.stored_key(KEY, ids["consultation"], None, "Lần một"))
        .returning(Comment.id)).scalar_one()
    result = {}

    def retry():
        with app.app_context():
            try:
                retry_user = db.session.get(type(user), ids["user"])
                retry_consultation = db.session.get(type(consultation), ids["consultation"])
                result["id"] = services.submit_comment(retry_user, retry_consultation,
                                                       "Lần một", "agree",
                                                       idempotency_key=KEY).id
                db.session.commit()
            except Exception as error:  # reported below
                result["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=retry)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive()  # waiting for the winner's transaction
    transaction.commit()
    winner.close()
    thread.join(30)
    assert "error" not in result, result
    assert result["id"] == won
    assert _count() == 1


# ---- views ---------------------------------------------------------------------------------

def test_form_carries_a_fresh_key_each_time_it_is_shown(client):
    consultation, user = make_consultation(), make_user()
    make_comment(consultation, section=article(consultation, 1))
    db.session.commit()
    login(client, user)
    first = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    second = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", _form_key(first))
    assert _form_key(first) != _form_key(second)
    assert _form_key(first, "reply") != _form_key(first)


def _post_comment(client, consultation, key, body="Cần rõ hơn."):
    return client.post(f"/c/{consultation.slug}/y-kien", data={
        "comment-section_id": str(article(consultation, 2).id), "comment-body": body,
        "comment-stance": "amend", "comment-idempotency_key": key})


def test_retried_post_redirects_to_the_same_comment(client):
    consultation, user = make_consultation(), make_user()
    db.session.commit()
    login(client, user)
    key = _form_key(client.get(f"/c/{consultation.slug}/dieu-2").get_data(as_text=True))
    first = _post_comment(client, consultation, key)
    again = _post_comment(client, consultation, key)
    comment = db.session.query(Comment).one()
    assert first.status_code == again.status_code == 302
    # the first lands on the newest page; the retry, which found the comment made
    # earlier, counts where it stands
    assert first.headers["Location"].endswith(f"/dieu-2?trang=cuoi#y-kien-{comment.id}")
    assert again.headers["Location"].endswith(f"/dieu-2#y-kien-{comment.id}")
    assert comment.idempotency_key.startswith(key + ".")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Cảm ơn bạn đã góp ý." in page
    other = _post_comment(client, consultation, key[::-1])
    assert other.status_code == 302 and _count() == 2


def test_same_key_from_another_user_is_a_new_comment(client):
    consultation, user, other = make_consultation(), make_user(), make_user()
    db.session.commit()
    login(client, user)
    first = _post_comment(client, consultation, KEY)
    client.post("/dang-xuat")
    login(client, other)
    second = _post_comment(client, consultation, KEY)
    assert first.headers["Location"] != second.headers["Location"]
    assert {c.author_id for c in db.session.query(Comment)} == {user.id, other.id}


@pytest.mark.parametrize("key", ["abc", "k" * 5000, "<b>khóa</b> không hợp lệ"])
def test_bad_key_is_refused_with_a_message_and_a_fresh_key(client, key):
    consultation, user = make_consultation(), make_user()
    db.session.commit()
    login(client, user)
    response = _post_comment(client, consultation, key)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng tải lại trang rồi gửi lại." in page and "Cần rõ hơn." in page
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", _form_key(page))
    assert _count() == 0


def test_retried_reply_creates_one_reply(client):
    consultation, user = make_consultation(), make_user()
    parent = make_comment(consultation, section=article(consultation, 1))
    db.session.commit()
    login(client, user)
    page = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    data = {"reply-reply_body": "Trả lời một lần",
            "reply-idempotency_key": _form_key(page, "reply")}
    first = client.post(f"/y-kien/{parent.id}/tra-loi", data=data)
    again = client.post(f"/y-kien/{parent.id}/tra-loi", data=data)
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.query(Comment).filter(Comment.parent_id == parent.id).count() == 1
    bad = client.post(f"/y-kien/{parent.id}/tra-loi",
                      data={**data, "reply-idempotency_key": "x" * 100})
    assert bad.status_code == 302
    assert "tải lại trang" in client.get(bad.headers["Location"]).get_data(as_text=True)
    assert _count() == 2


def test_a_retry_after_the_thread_moved_on_lands_where_the_comment_stands(client, app):
    app.config["CONSULT_COMMENTS_PER_PAGE"] = 2
    consultation, user = make_consultation(), make_user()
    db.session.commit()
    login(client, user)
    key = _form_key(client.get(f"/c/{consultation.slug}/dieu-2").get_data(as_text=True))
    first = _post_comment(client, consultation, key, body="Ý kiến gửi đầu tiên.")
    assert "trang=cuoi" in first.headers["Location"]
    for number in range(3):
        make_comment(consultation, section=article(consultation, 2), body=f"Ý kiến {number}.")
    db.session.commit()
    again = _post_comment(client, consultation, key, body="Ý kiến gửi đầu tiên.")
    assert "trang=cuoi" not in again.headers["Location"] and _count() == 4
    assert "Ý kiến gửi đầu tiên." in client.get(again.headers["Location"]).get_data(as_text=True)
