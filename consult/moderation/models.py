"""Reports on comments and the append-only record of every moderation action."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from consult.core.db_setup import TimestampMixin
from consult.extensions import db

FLAG_REASONS = {
    "spam": _l("Spam, quảng cáo"),
    "offensive": _l("Xúc phạm"),
    "off_topic": _l("Không liên quan"),
    "personal_data": _l("Lộ thông tin cá nhân"),
    "other": _l("Khác"),
}


class Flag(TimestampMixin, db.Model):
    """One user's report of one comment (at most one per user and comment)."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),
                      Index("ix_flags_open", "comment_id", "dismissed_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[str | None] = mapped_column(Text)
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime)

    comment = relationship("Comment")
    user = relationship("User")

    @property
    def reason_label(self):
        return FLAG_REASONS.get(self.reason, self.reason)


class ModerationAction(TimestampMixin, db.Model):
    """Who did what to which comment (or author), from which status to which, and why.

    Rows are only ever inserted: a guard below refuses updates and deletes.
    """

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)

    comment = relationship("Comment")
    moderator = relationship("User", foreign_keys=[moderator_id])
    target_user = relationship("User", foreign_keys=[target_user_id])


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a ModerationAction."""


@event.listens_for(Session, "before_flush")
def _keep_audit_append_only(session, _context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, ModerationAction) and (obj in session.deleted
                                                   or session.is_modified(obj)):
            raise AppendOnlyError("moderation_actions is append-only")
