"""Notifications, the user's choices, follows, and the outgoing e-mail queue."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.db_setup import TimestampMixin, utcnow
from consult.extensions import db

# kind → label on the preferences page. Each kind is also what a user switches on or off.
KIND_REPLY = "reply"                # someone replied to my comment
KIND_MODERATION = "moderation"      # my comment was hidden, rejected, approved or restored
KIND_ANSWER = "answer"              # the agency answered my comment
KIND_OPENED = "opened"              # a consultation I follow opened
KIND_CLOSING_SOON = "closing_soon"  # … closes in 7 days
KIND_CLOSED = "closed"              # … closed
KIND_DOSSIER = "dossier"            # … published its dossier

KINDS = {
    KIND_REPLY: _l("Có người trả lời ý kiến của tôi"),
    KIND_MODERATION: _l("Ý kiến của tôi bị ẩn, bị từ chối, được duyệt hoặc được khôi phục"),
    KIND_ANSWER: _l("Cơ quan soạn thảo giải trình ý kiến của tôi"),
    KIND_OPENED: _l("Dự thảo tôi theo dõi bắt đầu lấy ý kiến"),
    KIND_CLOSING_SOON: _l("Dự thảo tôi theo dõi còn 7 ngày nữa kết thúc lấy ý kiến"),
    KIND_CLOSED: _l("Dự thảo tôi theo dõi kết thúc lấy ý kiến"),
    KIND_DOSSIER: _l("Dự thảo tôi theo dõi công bố bản tổng hợp, tiếp thu, giải trình"),
}

MAIL_PENDING = "pending"
MAIL_SENDING = "sending"
MAIL_SENT = "sent"
MAIL_FAILED = "failed"


class Notification(TimestampMixin, db.Model):
    """One thing that happened, for one user; ``event_key`` makes recording it idempotent."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "event_key"),
                      Index("ix_notifications_user_created", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    # what exactly happened inside the kind ("hidden", "restored", …)
    event: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    event_key: Mapped[str] = mapped_column(String(120), nullable=False)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User")
    consultation = relationship("Consultation")
    comment = relationship("Comment")


class NotificationPreference(db.Model):
    """A user's choice for one kind; no row means both on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    on_site: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    by_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Follow(TimestampMixin, db.Model):
    """A user follows a consultation: they hear when it opens, nears its end, closes, concludes."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "consultation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False,
                                                 index=True)

    user = relationship("User")
    consultation = relationship("Consultation")


class MailMessage(TimestampMixin, db.Model):
    """An e-mail waiting to be sent (the outbox): written in the transaction of the event,
    sent after commit, retried with backoff, failures kept with their last error."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    unsubscribe_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=MAIL_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    notification = relationship("Notification")
