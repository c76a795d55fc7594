"""The moderator queue and the audit log: read-only queries."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from consult.comments.models import (
    STATUS_HIDDEN,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    Comment,
)
from consult.core import keyset
from consult.extensions import db
from consult.moderation.models import Flag, ModerationAction

PER_PAGE = 50
LOG_PER_PAGE = 100
#: the audit log's order for keyset pages: newest first
LOG_ORDER = [(ModerationAction.id, True)]
TABS = ("waiting", "flagged", "hidden", "all")
SORTS = ("oldest", "newest", "reports")


@dataclass
class QueueItem:
    comment: Comment
    reports: int
    flags: list
    author_comments: int


def _report_counts():
    return (select(Flag.comment_id, func.count(Flag.id).label("reports"))
            .where(Flag.dismissed_at.is_(None)).group_by(Flag.comment_id).subquery())


def _filtered(tab, consultation_id, section_id, reason):
    """The queue's WHERE clauses, on comments alone (no join: counts and pages stay cheap)."""
    open_flags = select(Flag.comment_id).where(Flag.dismissed_at.is_(None))
    clauses = []
    if tab == "waiting":
        clauses.append(Comment.status == STATUS_PENDING)
    elif tab == "flagged":
        clauses += [Comment.status.in_((STATUS_PUBLISHED, STATUS_HIDDEN)),
                    Comment.id.in_(open_flags)]
    elif tab == "hidden":
        clauses.append(Comment.status == STATUS_HIDDEN)
    if consultation_id:
        clauses.append(Comment.consultation_id == consultation_id)
    if section_id:
        clauses.append(Comment.section_id == section_id)
    if reason:
        clauses.append(or_(Comment.screening_codes.contains(reason),
                           Comment.id.in_(open_flags.where(Flag.reason == reason))))
    return clauses


def queue_order(sort):
    """The queue's order as [(column, descending)], and what to join to the comments for it
    (the open reports' counts, for "most reported")."""
    if sort == "reports":
        counts = _report_counts()
        reports = func.coalesce(counts.c.reports, 0)
        order = [(reports, True), (Comment.created_at, False), (Comment.id, False)]
        return order, lambda query: query.outerjoin(counts, counts.c.comment_id == Comment.id)
    descending = sort == "newest"
    return [(Comment.created_at, descending), (Comment.id, descending)], lambda query: query


def queue_page(tab="waiting", consultation_id=None, section_id=None, reason=None,
               sort="oldest", cursor=None, per_page=None):
    """One keyset page of the queue (``cursor``: ``keyset.requested(queue_order(sort)[0])``)
    with each comment's open reports and its author's history."""
    clauses = _filtered(tab, consultation_id, section_id, reason)
    total = db.session.scalar(select(func.count(Comment.id)).where(*clauses))
    order, join = queue_order(sort)
    per_page = per_page or PER_PAGE
    keys = join(select(*(column for column, _descending in order)).where(*clauses))
    page = keyset.page(keys, order, tuple, per_page, cursor, total)
    page_ids = [row[-1] for row in page.items]
    loaded = {c.id: c for c in db.session.scalars(
        select(Comment).where(Comment.id.in_(page_ids))
        .options(selectinload(Comment.author), selectinload(Comment.section),
                 selectinload(Comment.parent), selectinload(Comment.consultation)))}
    flags = _open_flags(page_ids)
    histories = _author_counts({c.author_id for c in loaded.values()})
    page.items = [QueueItem(loaded[i], len(flags.get(i, [])), flags.get(i, []),
                            histories.get(loaded[i].author_id, 0)) for i in page_ids]
    return page


def _open_flags(comment_ids):
    grouped = {}
    if comment_ids:
        for flag in db.session.scalars(select(Flag).where(
                Flag.comment_id.in_(comment_ids), Flag.dismissed_at.is_(None)).order_by(Flag.id)):
            grouped.setdefault(flag.comment_id, []).append(flag)
    return grouped


def _author_counts(author_ids):
    author_ids = [a for a in author_ids if a is not None]
    if not author_ids:
        return {}
    rows = db.session.execute(select(Comment.author_id, func.count(Comment.id))
                              .where(Comment.author_id.in_(author_ids))
                              .group_by(Comment.author_id))
    return dict(rows.all())


def tab_counts():
    """Number of comments in each queue tab, for the tab labels."""
    counts = _report_counts()
    flagged = db.session.scalar(
        select(func.count()).select_from(Comment).join(counts, counts.c.comment_id == Comment.id)
        .where(Comment.status.in_((STATUS_PUBLISHED, STATUS_HIDDEN))))
    by_status = dict(db.session.execute(
        select(Comment.status, func.count()).where(
            Comment.status.in_((STATUS_PENDING, STATUS_HIDDEN))).group_by(Comment.status)).all())
    return {"waiting": by_status.get(STATUS_PENDING, 0), "flagged": flagged,
            "hidden": by_status.get(STATUS_HIDDEN, 0)}


def action_log_query(action=None, moderator_id=None, comment_id=None, since=None, until=None):
    """The audit log, newest first (``LOG_ORDER``), filtered."""
    query = select(ModerationAction).order_by(ModerationAction.id.desc())
    if action:
        query = query.where(ModerationAction.action == action)
    if moderator_id:
        query = query.where(ModerationAction.moderator_id == moderator_id)
    if comment_id:
        query = query.where(ModerationAction.comment_id == comment_id)
    if since:
        query = query.where(ModerationAction.created_at >= since)
    if until:
        query = query.where(ModerationAction.created_at < until)
    return query
