"""Agencies, consultations and their drafts, section by section."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core import pagecache
from consult.core.db_setup import TimestampMixin, utcnow
from consult.extensions import db

DOCUMENT_TYPES = (
    "Luật", "Bộ luật", "Pháp lệnh", "Nghị quyết", "Nghị định", "Thông tư", "Quyết định",
    "Thông tư liên tịch", "Văn bản khác",
)

STATUS_DRAFT = "draft"          # being prepared by staff, not public
STATUS_OPEN = "open"            # published; open between opens_at and closes_at
STATUS_CLOSED = "closed"        # comment period over
STATUS_CONCLUDED = "concluded"  # the agency published its dossier

PHASE_DRAFT = "draft"
PHASE_SCHEDULED = "scheduled"
PHASE_OPEN = "open"
PHASE_CLOSED = "closed"
PHASE_CONCLUDED = "concluded"

PHASE_LABELS = {
    PHASE_DRAFT: _l("Bản nháp"),
    PHASE_SCHEDULED: _l("Sắp mở"),
    PHASE_OPEN: _l("Đang lấy ý kiến"),
    PHASE_CLOSED: _l("Đã kết thúc"),
    PHASE_CONCLUDED: _l("Đã công bố kết quả"),
}

SECTION_KINDS = ("phan", "chuong", "muc", "tieu_muc", "dieu")


class Agency(TimestampMixin, db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    slug: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)

    staff = relationship("User", back_populates="agency")
    consultations = relationship("Consultation", back_populates="agency")

    @property
    def cache_generations(self):
        """The cached pages a rename makes old: every page that names the agency."""
        return pagecache.names_changed(self, ("name",))


class Consultation(TimestampMixin, db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    doc_type: Mapped[str] = mapped_column(String(40), nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=STATUS_DRAFT,
                                        index=True)
    opens_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    closes_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # "post": comments appear at once; "pre": they wait for a moderator.
    moderation_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="post")
    # Last edit or status change: Last-Modified of the API.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow,
                                                 nullable=False)

    agency = relationship("Agency", back_populates="consultations")
    created_by = relationship("User")
    versions = relationship("DraftVersion", back_populates="consultation",
                            order_by="DraftVersion.number")

    def phase(self, now=None):
        """Where the consultation is now: draft, scheduled, open, closed or concluded.

        Dates decide between scheduled/open/closed, so nothing needs a timer.
        """
        if self.status == STATUS_DRAFT:
            return PHASE_DRAFT
        if self.status == STATUS_CONCLUDED:
            return PHASE_CONCLUDED
        if self.status == STATUS_CLOSED:
            return PHASE_CLOSED
        now = now or utcnow()
        if now < self.opens_at:
            return PHASE_SCHEDULED
        if now >= self.closes_at:
            return PHASE_CLOSED
        return PHASE_OPEN

    def is_open(self, now=None):
        return self.phase(now) == PHASE_OPEN

    @property
    def is_public(self):
        return self.status != STATUS_DRAFT

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None

    def can_manage(self, user):
        """Staff of the owning agency (admins too) may edit, open and close."""
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_admin or user.is_staff_of(self.agency_id)

    @property
    def cache_generations(self):
        """The cached pages a change of this row makes old (consult.core.pagecache): all of
        the consultation's."""
        return (f"c{self.id}",)

    def can_view(self, user):
        return self.is_public or self.can_manage(user)


class DraftVersion(TimestampMixin, db.Model):
    """One published text of a draft. Published text never changes in place."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), nullable=False,
                                                 index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # the whole text as typed (tens of kilobytes): read only where it is edited or compared,
    # not with every page that names the current version
    source_text: Mapped[str] = mapped_column(Text, nullable=False, deferred=True)
    preamble: Mapped[str] = mapped_column(Text, nullable=False, default="")
    closing: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # What changed and why, in the agency's words ("Chỉnh lý sau đợt lấy ý kiến thứ nhất").
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    consultation = relationship("Consultation", back_populates="versions")
    created_by = relationship("User")
    sections = relationship("Section", back_populates="version", order_by="Section.position",
                            cascade="all, delete-orphan")

    def articles(self):
        return [s for s in self.sections if s.kind == "dieu"]

    @property
    def is_current(self):
        return self.consultation.current_version is self


class Section(db.Model):
    """A heading of the draft: Phần, Chương, Mục, Tiểu mục or Điều (with its text)."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("version_id", "anchor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), nullable=False,
                                            index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    anchor: Mapped[str] = mapped_column(String(120), nullable=False)
    # The section of the previous version this one continues (None in version 1 and for
    # sections added in this version); set once by consult.drafts.versions when published.
    previous_section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), index=True)

    version = relationship("DraftVersion", back_populates="sections")
    parent = relationship("Section", remote_side="Section.id", foreign_keys=[parent_id])
    previous = relationship("Section", remote_side="Section.id",
                            foreign_keys=[previous_section_id])

    KIND_LABELS = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "tieu_muc": "Tiểu mục",
                   "dieu": "Điều"}

    @property
    def label(self):
        return self.label_of(self.kind, self.number)

    @classmethod
    def label_of(cls, kind, number):
        """"Điều 5", "Chương II" … from the columns."""
        return f"{cls.KIND_LABELS[kind]} {number}"

    @property
    def is_article(self):
        return self.kind == "dieu"

    @property
    def url_number(self):
        """The article's URL part: ``dieu-5`` for Điều 5."""
        return self.anchor
