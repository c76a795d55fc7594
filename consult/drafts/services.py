"""Consultation lifecycle and draft text: create, edit, publish, open, close, import."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.outbox import enqueue
from consult.core.text import normalize_line, normalize_text, slugify
from consult.drafts.models import (
    DOCUMENT_TYPES,
    PHASE_CLOSED,
    PHASE_CONCLUDED,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_OPEN,
    Agency,
    Consultation,
    DraftVersion,
    Section,
)
from consult.drafts.parser import DraftParseError, parse_draft
from consult.drafts.signals import consultation_closed, consultation_published
from consult.extensions import db

MAX_TITLE = 300
CLOSING_SOON_DAYS = 7


def get_or_create_agency(name):
    """Find an agency by name (or slug), creating it when new."""
    name = normalize_line(name)
    if not name:
        raise ServiceError(_("Vui lòng nhập tên cơ quan."), field="agency")
    slug = slugify(name)
    agency = db.session.scalar(select(Agency).where((Agency.name == name) | (Agency.slug == slug)))
    if agency is None:
        agency = Agency(name=name, slug=_unique_slug(Agency, slug))
        db.session.add(agency)
        db.session.flush()
    return agency


def _unique_slug(model, base):
    slug, n = base, 1
    while db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


MODERATION_MODES = ("post", "pre")


def _check_fields(title, doc_type, opens_at, closes_at, moderation_mode="post"):
    if moderation_mode not in MODERATION_MODES:
        raise ServiceError(_("Chế độ kiểm duyệt không hợp lệ."), field="moderation_mode")
    if not title:
        raise ServiceError(_("Vui lòng nhập tên dự thảo."), field="title")
    if len(title) > MAX_TITLE:
        raise ServiceError(_("Tên dự thảo quá dài."), field="title")
    if doc_type not in DOCUMENT_TYPES:
        raise ServiceError(_("Loại văn bản không hợp lệ."), field="doc_type")
    if opens_at is None or closes_at is None:
        raise ServiceError(_("Vui lòng nhập thời gian mở và đóng góp ý."), field="closes_at")
    if closes_at <= opens_at:
        raise ServiceError(_("Thời điểm kết thúc phải sau thời điểm bắt đầu."), field="closes_at")


def _parse_or_explain(text):
    try:
        return parse_draft(text)
    except DraftParseError as error:
        raise ServiceError(_("Không đọc được cấu trúc dự thảo: %(error)s", error=str(error)),
                           field="text") from error


def _build_sections(version, document):
    """Store the parsed tree as Section rows in document order."""
    position = 0

    def add(node, parent, depth):
        nonlocal position
        position += 1
        section = Section(version=version, parent=parent, position=position, depth=depth,
                          kind=node.kind, number=node.number, title=node.title,
                          body=node.body, anchor=node.anchor)
        db.session.add(section)
        for child in node.children:
            add(child, section, depth + 1)

    for top in document.sections:
        add(top, None, 0)


def _add_version(consultation, text, number, document=None):
    document = document or _parse_or_explain(text)
    version = DraftVersion(consultation=consultation, number=number, source_text=text,
                           preamble=document.preamble, closing=document.closing)
    db.session.add(version)
    _build_sections(version, document)
    return version


def create_consultation(agency, title, doc_type, summary, opens_at, closes_at, text,
                        created_by=None, moderation_mode="post"):
    """Create a consultation in draft status with version 1 parsed from ``text``."""
    title = normalize_line(title)
    text = normalize_text(text)
    _check_fields(title, doc_type, opens_at, closes_at, moderation_mode)
    document = _parse_or_explain(text)
    consultation = Consultation(
        slug=_unique_slug(Consultation, slugify(title, 80)), title=title, doc_type=doc_type,
        summary=normalize_text(summary), agency=agency, status=STATUS_DRAFT,
        opens_at=opens_at, closes_at=closes_at, created_by=created_by,
        moderation_mode=moderation_mode,
    )
    db.session.add(consultation)
    _add_version(consultation, text, 1, document)
    db.session.flush()
    return consultation


def update_consultation(consultation, title, doc_type, summary, opens_at, closes_at, text=None,
                        moderation_mode=None):
    """Edit a consultation. The text may only be replaced while it is still a draft."""
    title = normalize_line(title)
    moderation_mode = moderation_mode or consultation.moderation_mode
    _check_fields(title, doc_type, opens_at, closes_at, moderation_mode)
    if consultation.phase() in (PHASE_CLOSED, PHASE_CONCLUDED):
        raise ServiceError(_("Đợt lấy ý kiến đã kết thúc, không thể sửa."))
    consultation.title = title
    consultation.doc_type = doc_type
    consultation.summary = normalize_text(summary)
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    consultation.moderation_mode = moderation_mode
    text = normalize_text(text) if text is not None else None
    if text and text != consultation.current_version.source_text:
        if consultation.status != STATUS_DRAFT:
            raise ServiceError(_("Văn bản đã công bố không thể sửa trực tiếp."), field="text")
        db.session.delete(consultation.current_version)
        db.session.flush()
        db.session.expire(consultation, ["versions"])
        _add_version(consultation, text, 1)
    db.session.flush()
    _reindex_sections(consultation)
    return consultation


def publish_consultation(consultation, now=None):
    """Make the draft public. It opens at ``opens_at`` (at once if that has passed)."""
    now = now or utcnow()
    if consultation.status != STATUS_DRAFT:
        raise ServiceError(_("Dự thảo đã được công bố."))
    if consultation.closes_at <= now:
        raise ServiceError(_("Thời điểm kết thúc đã qua; hãy sửa lại thời gian trước khi công bố."))
    consultation.status = STATUS_OPEN
    consultation.published_at = now
    db.session.flush()
    _reindex_sections(consultation)
    consultation_published.send(consultation)


def open_consultation(consultation, now=None):
    """Open for comments now (publishing first if needed)."""
    now = now or utcnow()
    if consultation.status == STATUS_DRAFT:
        publish_consultation(consultation, now)
    if consultation.phase(now) != "scheduled":
        raise ServiceError(_("Chỉ có thể mở sớm một đợt lấy ý kiến chưa bắt đầu."))
    consultation.opens_at = now
    db.session.flush()


def close_consultation(consultation, now=None):
    """Close for comments now (early closing by staff)."""
    now = now or utcnow()
    if consultation.status != STATUS_OPEN:
        raise ServiceError(_("Chỉ có thể đóng một đợt lấy ý kiến đang diễn ra."))
    consultation.status = STATUS_CLOSED
    consultation.closed_at = now
    if consultation.closes_at > now:
        consultation.closes_at = now
    if consultation.opens_at > now:
        consultation.opens_at = now
    db.session.flush()
    consultation_closed.send(consultation)


def _reindex_sections(consultation):
    """Ask the search indexer to (re)index or drop this consultation's sections."""
    enqueue("search", "consultation", consultation.id)


def home_listing(now=None, limit=12):
    """Open consultations (closing soonest first), those closing within a week, upcoming
    ones and recently closed ones."""
    now = now or utcnow()
    public = select(Consultation).where(Consultation.status != STATUS_DRAFT)
    is_running = (Consultation.status == STATUS_OPEN) & (Consultation.opens_at <= now) & (
        Consultation.closes_at > now)
    open_now = db.session.scalars(
        public.where(is_running).order_by(Consultation.closes_at).limit(limit)).all()
    upcoming = db.session.scalars(
        public.where(Consultation.status == STATUS_OPEN, Consultation.opens_at > now)
        .order_by(Consultation.opens_at).limit(limit)).all()
    finished = db.session.scalars(
        public.where(~is_running, Consultation.closes_at <= now)
        .order_by(Consultation.closes_at.desc()).limit(limit)).all()
    soon = now + timedelta(days=CLOSING_SOON_DAYS)
    closing_soon = [c for c in open_now if c.closes_at <= soon]
    return {"open": open_now, "closing_soon": closing_soon, "upcoming": upcoming,
            "closed": finished}


def home_stamp():
    """Changes whenever a consultation is created, edited or changes status (home page cache;
    phases that change by the clock alone wait for the cache timeout)."""
    latest = db.session.scalar(select(func.max(Consultation.updated_at)))
    return latest.isoformat() if latest else "-"


def agency_consultations(agency_id):
    """Every consultation of one agency, newest first (the staff dashboard)."""
    query = select(Consultation).order_by(Consultation.created_at.desc())
    if agency_id is not None:
        query = query.where(Consultation.agency_id == agency_id)
    return db.session.scalars(query).all()


def find_consultation(slug):
    """The consultation at ``slug``, its versions loaded with it (every page of it asks for
    the current one): one query."""
    return db.session.scalars(select(Consultation).where(Consultation.slug == slug)
                              .options(joinedload(Consultation.versions))).unique().first()


def find_article(version, anchor):
    return db.session.scalar(
        select(Section).where(Section.version_id == version.id, Section.anchor == anchor,
                              Section.kind == "dieu"))


def neighbour_articles(version, article):
    """The previous and next article of ``article`` (None at the ends)."""
    previous = db.session.scalar(
        select(Section).where(Section.version_id == version.id, Section.kind == "dieu",
                              Section.position < article.position)
        .order_by(Section.position.desc()).limit(1))
    following = db.session.scalar(
        select(Section).where(Section.version_id == version.id, Section.kind == "dieu",
                              Section.position > article.position)
        .order_by(Section.position).limit(1))
    return previous, following
