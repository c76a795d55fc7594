"""Comments and reactions."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core import pagecache
from consult.core.db_setup import TimestampMixin, utcnow
from consult.extensions import db

STANCES = {
    "agree": "Đồng ý",
    "disagree": "Không đồng ý",
    "amend": "Đề xuất sửa đổi",
    "other": "Ý kiến khác",
}

STATUS_PUBLISHED = "published"  # visible to everyone
STATUS_PENDING = "pending"      # waiting for moderation (pre-moderation or screened)
STATUS_HIDDEN = "hidden"        # hidden by a moderator or by reports
STATUS_REJECTED = "rejected"    # refused in pre-moderation
STATUS_WITHDRAWN = "withdrawn"  # withdrawn by its author

COMMENT_STATUSES = (STATUS_PUBLISHED, STATUS_PENDING, STATUS_HIDDEN, STATUS_REJECTED,
                    STATUS_WITHDRAWN)

REACTIONS = {"support": "Ủng hộ", "oppose": "Không ủng hộ"}


def thread_generation(consultation_id, section_id):
    """The generation of every page of a thread, the figures they are completed with when
    served (its count, the reactions) included: an article's ("s<id>"), or the general
    comments of a consultation ("g<id>", ``section_id`` None); consult.core.pagecache."""
    return f"s{section_id}" if section_id else f"g{consultation_id}"


class Comment(TimestampMixin, db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_section_status_created", "section_id", "status", "created_at"),
        Index("ix_comments_status_created", "status", "created_at"),
        Index("ix_comments_created", "created_at", "id"),
        # keyset pages of one consultation's published comments (open data API, CSV)
        Index("ix_comments_consultation_status_created", "consultation_id", "status",
              "created_at", "id"),
        Index("ix_comments_consultation_updated", "consultation_id", "updated_at"),
        # the public pages: keyset pages of a thread (an article's top-level comments, or the
        # general ones), a comment's place in it, and the counts per article, index-only
        # (migration 0014)
        Index("ix_comments_thread", "consultation_id", "section_id", "parent_id", "status",
              "created_at", "id"),
        # the replies of a page's comments; with parent_id alone SQLite (no statistics)
        # preferred the status index and read every published comment (2.5 s at 1M)
        Index("ix_comments_replies", "parent_id", "status", "id"),
        # an author's comments newest first (screening reads the last 50 of each new
        # comment's author; with author_id alone PostgreSQL walked the primary key: 0015)
        Index("ix_comments_author", "author_id", "id"),
        # a retried form submission finds the comment it created (NULLs never collide)
        UniqueConstraint("author_id", "idempotency_key",
                         name="uq_comments_author_id_idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    stance: Mapped[str | None] = mapped_column(String(20))
    proposed_wording: Mapped[str | None] = mapped_column(Text)
    clause_ref: Mapped[str | None] = mapped_column(String(60))
    author_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    is_official: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Why the comment waits, was hidden or rejected, in plain words for its author.
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    # Comma-separated screening rule codes that held the comment ("link,personal_data").
    screening_codes: Mapped[str | None] = mapped_column(String(100))
    # Random key of the form that sent the comment, "." and a digest of where and what it sent.
    idempotency_key: Mapped[str | None] = mapped_column(String(80))
    # Last change of any kind (status, reason, official mark, reactions): Last-Modified of
    # the API, and with its maximum per consultation the stamp of the cached pages.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow,
                                                 nullable=False)

    consultation = relationship("Consultation")
    section = relationship("Section")
    author = relationship("User")
    parent = relationship("Comment", remote_side="Comment.id", back_populates="replies")
    replies = relationship("Comment", back_populates="parent", order_by="Comment.id")

    def thread_generations(self, first_page=True):
        """The generations a change of this comment gives new values: its consultation's
        ("c": counts), its thread's and, unless the change leaves the thread's first page as
        stored (``first_page`` False), that page's ("…:first")."""
        thread = thread_generation(self.consultation_id, self.section_id)
        names = (f"c{self.consultation_id}", thread)
        return (*names, f"{thread}:first") if first_page else names

    @property
    def cache_generations(self):
        """The cached pages a change of this comment makes old: a change of ``updated_at``
        alone (a reaction: the counts are filled in when a page is served) leaves the first
        page as stored, any other change does not."""
        return self.thread_generations(
            first_page=not pagecache.changed_only(self, {"updated_at"}))

    @property
    def anchor(self):
        return f"y-kien-{self.id}"

    @property
    def is_published(self):
        return self.status == STATUS_PUBLISHED

    @property
    def stance_label(self):
        return STANCES.get(self.stance or "", "")

    def can_withdraw(self, user):
        return (getattr(user, "is_authenticated", False) and user.id == self.author_id
                and self.status in (STATUS_PUBLISHED, STATUS_PENDING))

    def can_view(self, user):
        """Published comments are public; authors and moderators see the others."""
        if self.status == STATUS_PUBLISHED:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return user.id == self.author_id or user.is_moderator


class Reaction(TimestampMixin, db.Model):
    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
