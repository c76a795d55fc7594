"""Sending the queued e-mails: a file backend for development, SMTP for production.

``send_pending`` claims each message (a conditional UPDATE, so two senders never send the
same one), sends it, and commits after each message. A failure is logged and the message
stays queued with its error and a later ``next_attempt_at`` (1, 2, 4 … minutes); after
``CONSULT_MAIL_MAX_ATTEMPTS`` it is marked failed.
"""

import logging
import smtplib
import ssl
import time
from datetime import UTC, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from consult.core.db_setup import utcnow
from consult.extensions import db
from consult.notifications.models import (
    MAIL_FAILED,
    MAIL_PENDING,
    MAIL_SENDING,
    MAIL_SENT,
    MailMessage,
)

log = logging.getLogger("consult.notifications")
#: CPython 3.11 drops the space between two encoded words when it folds a long non-ASCII
#: Subject ("đã trả" arrives as "đãtrả"); 998 is RFC 5322's line limit, so it never folds.
MAIL_POLICY = policy.SMTP.clone(max_line_length=998)
#: a message claimed longer ago than this was left by a sender that died; take it again
STALE_CLAIM = timedelta(minutes=10)


def build_message(row):
    config = current_app.config
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = config["CONSULT_MAIL_SENDER"]
    message["To"] = row.to_address
    message["Subject"] = " ".join(row.subject.split())
    message["Date"] = format_datetime(row.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid(idstring=f"consult-{row.id}")
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text, charset="utf-8")
    return message


class FileBackend:
    """Writes each message as an .eml file into ``<instance>/mail/`` (development)."""

    def __init__(self, app):
        self.folder = Path(app.instance_path) / "mail"

    def open(self):
        self.folder.mkdir(parents=True, exist_ok=True)

    def close(self):
        pass

    def send(self, message, row):
        path = self.folder / f"{row.created_at:%Y%m%d-%H%M%S}-{row.id}.eml"
        path.write_bytes(message.as_bytes())


class SmtpBackend:
    """One SMTP connection for a batch of messages (settings CONSULT_MAIL_*)."""

    def __init__(self, app):
        self.config = app.config
        self.connection = None

    def open(self):
        c = self.config
        security = c["CONSULT_MAIL_SECURITY"]
        if security == "ssl":
            self.connection = smtplib.SMTP_SSL(c["CONSULT_MAIL_SERVER"], c["CONSULT_MAIL_PORT"],
                                               timeout=c["CONSULT_MAIL_TIMEOUT"],
                                               context=ssl.create_default_context())
        else:
            self.connection = smtplib.SMTP(c["CONSULT_MAIL_SERVER"], c["CONSULT_MAIL_PORT"],
                                           timeout=c["CONSULT_MAIL_TIMEOUT"])
            if security == "starttls":
                self.connection.starttls(context=ssl.create_default_context())
        if c["CONSULT_MAIL_USERNAME"]:
            self.connection.login(c["CONSULT_MAIL_USERNAME"], c["CONSULT_MAIL_PASSWORD"])

    def close(self):
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            pass

    def send(self, message, _row):
        self.connection.send_message(message)


BACKENDS = {"file": FileBackend, "smtp": SmtpBackend}


def _claim(limit, now):
    due = select(MailMessage.id, MailMessage.status).where(or_(
        (MailMessage.status == MAIL_PENDING) & (MailMessage.next_attempt_at <= now),
        (MailMessage.status == MAIL_SENDING) & (MailMessage.claimed_at < now - STALE_CLAIM),
    )).order_by(MailMessage.id).limit(limit)
    claimed = []
    for message_id, status in db.session.execute(due).all():
        result = db.session.execute(
            update(MailMessage).where(MailMessage.id == message_id, MailMessage.status == status)
            .values(status=MAIL_SENDING, claimed_at=now))
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _failed(row, error, now):
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.claimed_at = None
    if row.attempts >= current_app.config["CONSULT_MAIL_MAX_ATTEMPTS"]:
        row.status = MAIL_FAILED
        log.error("e-mail %s to user %s failed for good after %s attempts: %s", row.id,
                  row.user_id, row.attempts, row.last_error)
    else:
        row.status = MAIL_PENDING
        row.next_attempt_at = now + timedelta(minutes=2 ** (row.attempts - 1))
        log.warning("e-mail %s failed (attempt %s), retry at %s: %s", row.id, row.attempts,
                    row.next_attempt_at, row.last_error)


def send_pending(limit=100, now=None):
    """Send up to ``limit`` due messages; returns (sent, failed) counts. Commits."""
    now = now or utcnow()
    ids = _claim(limit, now)
    if not ids:
        return 0, 0
    app = current_app._get_current_object()
    rows = db.session.scalars(select(MailMessage).where(MailMessage.id.in_(ids))
                              .order_by(MailMessage.id)).all()
    sent = failed = 0
    try:
        backend = BACKENDS[app.config["CONSULT_MAIL_BACKEND"]](app)
        backend.open()
    except (OSError, smtplib.SMTPException, KeyError) as error:
        for row in rows:
            _failed(row, error, now)
        db.session.commit()
        return 0, len(rows)
    try:
        for row in rows:
            try:
                backend.send(build_message(row), row)
            except (OSError, smtplib.SMTPException, ValueError) as error:
                _failed(row, error, now)
                failed += 1
            else:
                row.status, row.sent_at, row.claimed_at = MAIL_SENT, utcnow(), None
                row.attempts += 1
                sent += 1
            db.session.commit()
    finally:
        backend.close()
    return sent, failed


def send_all(now=None, batch=100):
    """Send every due message (several batches). Returns (sent, failed)."""
    total_sent = total_failed = 0
    while True:
        sent, failed = send_pending(batch, now)
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if sent + failed < batch:
            return total_sent, total_failed


def run_worker(poll=5.0, stop_after=None):
    """Send due messages continuously (one process per deployment, or several: claims are
    atomic)."""
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        try:
            sent, failed = send_all()
        except Exception:  # keep the worker alive; the messages stay queued
            log.exception("e-mail worker pass failed")
            db.session.rollback()
            sent = failed = 0
        if not sent and not failed:
            time.sleep(poll)
        db.session.remove()
