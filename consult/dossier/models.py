"""The agency's answers to comments, the dossier's audit trail and the analysis cache."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from consult.core.db_setup import TimestampMixin
from consult.extensions import db

#: what the agency did with a comment ("tiếp thu, giải trình")
DISPOSITIONS = {
    "accepted": _l("Tiếp thu"),
    "partly": _l("Tiếp thu một phần"),
    "explained": _l("Giải trình"),
    "noted": _l("Ghi nhận"),
}
#: dispositions that need a written explanation (a "noted" may stand alone)
EXPLANATION_REQUIRED = {"accepted", "partly", "explained"}

ANALYSIS_RUNNING = "running"
ANALYSIS_READY = "ready"
ANALYSIS_FAILED = "failed"


class Answer(db.Model):
    """The agency's current answer to one comment; every earlier text is an AnswerVersion."""

    __tablename__ = "dossier_answers"
    __table_args__ = (Index("ix_dossier_answers_consultation_disposition", "consultation_id",
                            "disposition"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), nullable=False,
                                            unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False)
    disposition: Mapped[str] = mapped_column(String(20), nullable=False)
    explanation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    comment = relationship("Comment")
    answered_by = relationship("User")
    versions = relationship("AnswerVersion", back_populates="answer",
                            order_by="AnswerVersion.number")

    @property
    def disposition_label(self):
        return DISPOSITIONS.get(self.disposition, self.disposition)


class AnswerVersion(TimestampMixin, db.Model):
    """One text an answer had: who wrote it, when, and whether for a whole group."""

    __tablename__ = "dossier_answer_versions"
    __table_args__ = (UniqueConstraint("answer_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("dossier_answers.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    disposition: Mapped[str] = mapped_column(String(20), nullable=False)
    explanation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # "campaign:3" or "theme:12" when given to a whole group at once, else empty
    scope: Mapped[str | None] = mapped_column(String(40))

    answer = relationship("Answer", back_populates="versions")
    author = relationship("User")

    @property
    def disposition_label(self):
        return DISPOSITIONS.get(self.disposition, self.disposition)


class DossierEvent(TimestampMixin, db.Model):
    """Audit trail of the dossier: analyses, bulk answers, publication. Append-only."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False,
                                                 index=True)
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[str | None] = mapped_column(Text)

    user = relationship("User")


class Analysis(db.Model):
    """The cached analysis of one consultation (derived data: rebuildable at any time).

    ``result`` keeps the last complete analysis (JSON) while a new run reports its progress
    in ``state``/``progress``/``stage``. Changes to the consultation's comments set
    ``changed_at``; the result is stale when that is later than ``source_at``.
    """

    __tablename__ = "dossier_analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False,
                                                 unique=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=ANALYSIS_RUNNING)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    stage: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # the complete result: what the comments were at source_at
    result: Mapped[str | None] = mapped_column(Text)
    source_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    seconds: Mapped[float | None] = mapped_column(Float)
    comment_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # answers summary (per group, per disposition), rebuilt when answers changed after it
    answers_summary: Mapped[str | None] = mapped_column(Text)
    answers_summary_at: Mapped[datetime | None] = mapped_column(DateTime)
    answers_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def has_result(self):
        return self.result is not None

    @property
    def is_stale(self):
        return self.has_result and self.changed_at is not None and (
            self.source_at is None or self.changed_at >= self.source_at)


class Assignment(db.Model):
    """Which campaign and which theme of the cached analysis a comment belongs to."""

    __tablename__ = "dossier_assignments"
    __table_args__ = (Index("ix_dossier_assignments_campaign", "consultation_id", "campaign"),
                      Index("ix_dossier_assignments_theme", "consultation_id", "theme"))

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True,
                                            autoincrement=False)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False)
    campaign: Mapped[int | None] = mapped_column(Integer)
    theme: Mapped[int | None] = mapped_column(Integer)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an answer version or a dossier event."""


@event.listens_for(Session, "before_flush")
def _keep_history_append_only(session, _context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AnswerVersion | DossierEvent) and (
                obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError(f"{obj.__tablename__} is append-only")
