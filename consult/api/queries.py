"""Database queries of the API: public rows only, and their Last-Modified times."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, selectinload

from consult.comments.models import STATUS_PUBLISHED, Comment
from consult.drafts.models import (
    PHASE_CLOSED,
    PHASE_CONCLUDED,
    PHASE_OPEN,
    PHASE_SCHEDULED,
    STATUS_CLOSED,
    STATUS_CONCLUDED,
    STATUS_DRAFT,
    STATUS_OPEN,
    Agency,
    Consultation,
)
from consult.extensions import db

PUBLIC_PHASES = (PHASE_SCHEDULED, PHASE_OPEN, PHASE_CLOSED, PHASE_CONCLUDED)


def phase_condition(phase, now):
    """SQL for ``Consultation.phase(now) == phase`` (dates decide, as on the site)."""
    running = Consultation.status == STATUS_OPEN
    return {
        PHASE_SCHEDULED: running & (Consultation.opens_at > now),
        PHASE_OPEN: running & (Consultation.opens_at <= now) & (Consultation.closes_at > now),
        PHASE_CLOSED: (Consultation.status == STATUS_CLOSED)
        | (running & (Consultation.closes_at <= now)),
        PHASE_CONCLUDED: Consultation.status == STATUS_CONCLUDED,
    }[phase]


def public_consultations(now, phase=None, agency_slug=None, doc_type=None, opens_after=None,
                         opens_before=None, closes_after=None, closes_before=None):
    query = (select(Consultation).where(Consultation.status != STATUS_DRAFT)
             .options(selectinload(Consultation.agency)))
    if phase:
        query = query.where(phase_condition(phase, now))
    if agency_slug:
        query = query.join(Agency).where(Agency.slug == agency_slug)
    if doc_type:
        query = query.where(Consultation.doc_type == doc_type)
    for column, bound, is_lower in ((Consultation.opens_at, opens_after, True),
                                    (Consultation.opens_at, opens_before, False),
                                    (Consultation.closes_at, closes_after, True),
                                    (Consultation.closes_at, closes_before, False)):
        if bound is not None:
            query = query.where(column >= bound if is_lower else column < bound)
    return query


def find_public_consultation(slug):
    return db.session.scalar(select(Consultation).where(
        Consultation.slug == slug, Consultation.status != STATUS_DRAFT))


def consultations_last_modified(now):
    """Latest change to any public consultation, counting phase changes that happened by
    the clock (a consultation that opened or closed since moves between filters)."""
    public = Consultation.status != STATUS_DRAFT
    row = db.session.execute(select(
        func.max(Consultation.updated_at),
        select(func.max(Consultation.opens_at)).where(public, Consultation.opens_at <= now)
        .scalar_subquery(),
        select(func.max(Consultation.closes_at)).where(public, Consultation.closes_at <= now)
        .scalar_subquery(),
    ).where(public)).one()
    return max((value for value in row if value is not None), default=None)


def consultation_last_modified(consultation, now):
    times = [consultation.updated_at, comments_last_modified(consultation.id)]
    times += [t for t in (consultation.opens_at, consultation.closes_at) if t <= now]
    return max(t for t in times if t is not None)


def comments_last_modified(consultation_id):
    """Latest change to any comment of the consultation, in any status: a comment hidden
    since the last request changes the published list too."""
    return db.session.scalar(select(func.max(Comment.updated_at)).where(
        Comment.consultation_id == consultation_id))


def published_comments(consultation_id, section_id=None, stance=None, stakeholder=None,
                       date_from=None, date_to=None, ids=None):
    """Published comments, and only replies whose parent is published too (as on the site)."""
    parent = aliased(Comment)
    query = (select(Comment)
             .outerjoin(parent, parent.id == Comment.parent_id)
             .where(Comment.consultation_id == consultation_id,
                    Comment.status == STATUS_PUBLISHED,
                    or_(Comment.parent_id.is_(None), parent.status == STATUS_PUBLISHED))
             .options(selectinload(Comment.author), selectinload(Comment.section),
                      selectinload(Comment.consultation)))
    if section_id is not None:
        query = query.where(Comment.section_id == section_id)
    if stance:
        query = query.where(Comment.stance == stance)
    if stakeholder:
        query = query.where(Comment.author_kind == stakeholder)
    if date_from is not None:
        query = query.where(Comment.created_at >= date_from)
    if date_to is not None:
        query = query.where(Comment.created_at < date_to)
    if ids is not None:
        query = query.where(Comment.id.in_(ids))
    return query


def find_published_comment(comment_id):
    parent = aliased(Comment)
    comment = db.session.scalar(
        select(Comment).outerjoin(parent, parent.id == Comment.parent_id)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(Comment.id == comment_id, Comment.status == STATUS_PUBLISHED,
               Consultation.status != STATUS_DRAFT,
               or_(Comment.parent_id.is_(None), parent.status == STATUS_PUBLISHED)))
    return comment


def comment_counts(consultation_id):
    """{section_id or None: {"comments": n, "replies": m, "stances": {stance: k}}} of
    published comments (replies counted under their parent's article)."""
    parent = aliased(Comment)
    rows = db.session.execute(
        select(Comment.section_id, Comment.parent_id.is_(None), Comment.stance,
               func.count(Comment.id))
        .outerjoin(parent, parent.id == Comment.parent_id)
        .where(Comment.consultation_id == consultation_id, Comment.status == STATUS_PUBLISHED,
               or_(Comment.parent_id.is_(None), parent.status == STATUS_PUBLISHED))
        .group_by(Comment.section_id, Comment.parent_id.is_(None), Comment.stance))
    counts = {}
    for section_id, top_level, stance, n in rows:
        entry = counts.setdefault(section_id, {"comments": 0, "replies": 0, "stances": {}})
        if top_level:
            entry["comments"] += n
            if stance:
                entry["stances"][stance] = entry["stances"].get(stance, 0) + n
        else:
            entry["replies"] += n
    return counts

