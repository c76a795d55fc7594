"""Sending the e-mail queue through a real local SMTP server (aiosmtpd) and the file backend."""

import socket
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from consult.comments.services import reply_to_comment
from consult.core.db_setup import utcnow
from consult.extensions import db
from consult.notifications import mailer
from consult.notifications.models import MailMessage
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.usefixtures("app")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                    policy=policy.default)))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(CONSULT_MAIL_BACKEND="smtp", CONSULT_MAIL_SERVER="127.0.0.1",
                      CONSULT_MAIL_PORT=port)
    yield inbox
    controller.stop()


def _queue_reply():
    author = make_user()
    parent = make_comment(author=author)
    reply_to_comment(make_user(), parent, "Trả lời về dữ liệu cá nhân.")
    db.session.commit()
    return author


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(MailMessage).order_by(MailMessage.id)).all()


def test_queued_mail_is_delivered_over_smtp_with_one_click_unsubscribe(smtp):
    author = _queue_reply()
    assert mailer.send_all() == (1, 0)
    (recipients, message), = smtp.messages
    assert recipients == [author.email]
    assert "đã trả lời ý kiến của bạn" in message["Subject"]
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/huy-dang-ky/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_content()
    assert "Xin chào" in body and "/y-kien/" in body and "/huy-dang-ky/" in body
    (row,) = _rows()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at
    assert mailer.send_all() == (0, 0)  # nothing is sent twice
    assert len(smtp.messages) == 1


def test_a_down_server_leaves_mail_queued_with_backoff_then_failed(app, caplog):
    app.config.update(CONSULT_MAIL_BACKEND="smtp", CONSULT_MAIL_SERVER="127.0.0.1",
                      CONSULT_MAIL_PORT=_free_port(), CONSULT_MAIL_MAX_ATTEMPTS=2)
    _queue_reply()
    now = utcnow()
    assert mailer.send_all(now=now) == (0, 1)
    (row,) = _rows()
    assert row.status == "pending" and row.attempts == 1 and "ConnectionRefused" in row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert mailer.send_all(now=now) == (0, 0)  # not due yet
    assert mailer.send_all(now=now + timedelta(minutes=2)) == (0, 1)
    (row,) = _rows()
    assert row.status == "failed" and row.attempts == 2
    assert "failed for good" in caplog.text


def test_a_stale_claim_is_taken_again(smtp):
    _queue_reply()
    (row,) = _rows()
    row.status, row.claimed_at = "sending", utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert mailer.send_all() == (1, 0)
    fresh = _queue_reply()
    assert fresh is not None
    rows = _rows()
    rows[-1].status, rows[-1].claimed_at = "sending", utcnow()
    db.session.commit()
    assert mailer.send_all() == (0, 0)  # another sender is on it


def test_file_backend_writes_eml_files(app):
    app.config["CONSULT_MAIL_BACKEND"] = "file"
    author = _queue_reply()
    assert mailer.send_all() == (1, 0)
    files = list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == author.email


@pytest.mark.parametrize("number", [1, 1133, 98765])
def test_long_vietnamese_subjects_keep_their_spaces(number):
    from types import SimpleNamespace

    subject = (f"[Góp ý dự thảo] Công dân {number} đã trả lời ý kiến của bạn về “Dự thảo "
               f"Luật Thử nghiệm {number - 1}”.")
    row = SimpleNamespace(id=1, to_address="a@example.vn", subject=subject, body_text="x",
                          unsubscribe_url=None, created_at=utcnow())
    parsed = message_from_bytes(mailer.build_message(row).as_bytes(), policy=policy.default)
    assert parsed["Subject"] == subject
