"""Comment operations: submit, reply, withdraw, react; and the public comment queries."""

import hashlib
import operator

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, func, literal, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from consult.comments.models import (
    REACTIONS,
    STANCES,
    STATUS_PUBLISHED,
    STATUS_WITHDRAWN,
    Comment,
    Reaction,
)
from consult.comments.signals import comment_status_changed, comment_submitted
from consult.core import pagecache
from consult.core.db_setup import utcnow
from consult.core.exceptions import NotAllowed, ServiceError
from consult.core.idempotency import clean_key
from consult.core.markup import render_markdown
from consult.core.outbox import enqueue
from consult.core.text import normalize_text
from consult.drafts.parser import clause_choices
from consult.drafts.versions import earlier_sections
from consult.extensions import db


def _clean_body(body, field="body"):
    body = normalize_text(body)
    limit = current_app.config["CONSULT_COMMENT_MAX_CHARS"]
    if not body:
        raise ServiceError(_("Nội dung góp ý không được để trống."), field=field)
    if len(body) > limit:
        raise ServiceError(_("Nội dung góp ý dài quá %(n)d ký tự.", n=limit), field=field)
    return body


def _check_open(consultation, now):
    if not consultation.is_open(now):
        raise ServiceError(_("Đợt lấy ý kiến này đã kết thúc hoặc chưa bắt đầu; "
                             "góp ý của bạn chưa được gửi."))


def _check_can_comment(user):
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Vui lòng đăng nhập để góp ý."))


def set_status(comment, new_status):
    """Change a comment's status, tell subscribers, and queue the search update."""
    old_status = comment.status
    if old_status == new_status:
        return
    comment.status = new_status
    enqueue("search", "comment", comment.id)
    comment_status_changed.send(comment, old_status=old_status)


def stored_key(form_key, *sent):
    """The form's key as stored: with a digest of where and what was sent. The same form
    sent again with other text (the back button, one reply form shared by every comment of
    a page) is a new comment, not a retry."""
    if form_key is None:
        return None
    digest = hashlib.sha256("\x1f".join(map(str, sent)).encode()).hexdigest()[:12]
    return f"{form_key}.{digest}"


def find_by_key(user, key):
    """The comment ``user`` already sent with the stored key ``key``, or None."""
    if key is None:
        return None
    return db.session.scalar(select(Comment).where(Comment.author_id == user.id,
                                                   Comment.idempotency_key == key))


_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert(values):
    """INSERT one comment. If its author already used its key (a retry racing the first
    attempt), the unique constraint refuses the row without an error: None is returned."""
    insert = _INSERT[db.session.get_bind().dialect.name]
    statement = (insert(Comment).values(**values)
                 .on_conflict_do_nothing(index_elements=["author_id", "idempotency_key"])
                 .returning(Comment))
    return db.session.scalar(statement)


def _create(user, consultation, section, body, stance=None, parent=None,
            proposed_wording=None, clause_ref=None, key=None):
    comment = _insert({
        "consultation_id": consultation.id, "section_id": section.id if section else None,
        "parent_id": parent.id if parent else None, "author_id": user.id, "body": body,
        "body_html": str(render_markdown(body)), "stance": stance,
        "proposed_wording": proposed_wording, "clause_ref": clause_ref,
        "author_kind": user.kind, "status": STATUS_PUBLISHED, "idempotency_key": key,
    })
    if comment is None:  # the same form's other request won: answer with its comment
        return find_by_key(user, key)
    # written by Core: no flush event names it
    pagecache.note_changed(db.session, comment.thread_generations(_on_first_page(comment)))
    comment_submitted.send(comment)
    enqueue("search", "comment", comment.id)
    db.session.flush()
    return comment


def _on_first_page(comment):
    """Whether a new comment may change its thread's first page: a reply (its comment may
    be there), or a top-level comment with no more than a page of published ones before
    it (it is listed there, or the page gets its "newer" link). In a long thread the first
    page stays as stored, its count filled in when served. Comments that commit later
    with an earlier time only add to the count: the answer errs towards yes."""
    if comment.parent_id is not None:
        return True
    per_page = current_app.config["CONSULT_COMMENTS_PER_PAGE"]
    before = (select(Comment.id)
              .where(*thread_of(comment.consultation_id, comment.section_id),
                     Comment.status == STATUS_PUBLISHED,
                     key_compare(operator.lt, (comment.created_at, comment.id)))
              .limit(per_page + 1))
    return db.session.scalar(select(func.count()).select_from(before.subquery())) <= per_page


def submit_comment(user, consultation, body, stance, section=None, proposed_wording=None,
                   clause_ref=None, now=None, idempotency_key=None):
    """Comment on an article (``section``) or on the draft in general (no section).

    A retry (same ``idempotency_key``, the form's, and the same text) returns the comment
    the first attempt created, before any other check, and creates nothing.
    """
    _check_can_comment(user)
    key = stored_key(clean_key(idempotency_key), consultation.id, getattr(section, "id", None),
                      normalize_text(body))
    existing = find_by_key(user, key)
    if existing is not None:
        return existing
    _check_open(consultation, now or utcnow())
    body = _clean_body(body)
    if stance not in STANCES:
        raise ServiceError(_("Vui lòng chọn quan điểm của bạn."), field="stance")
    if section is not None and section.version.consultation_id != consultation.id:
        raise ServiceError(_("Điều khoản không thuộc dự thảo này."))
    if section is not None and not section.version.is_current:
        raise ServiceError(_("Điều này thuộc phiên bản trước của dự thảo; hãy góp ý cho phiên "
                             "bản hiện hành."))
    proposed_wording = normalize_text(proposed_wording) or None
    if proposed_wording:
        if section is None:
            raise ServiceError(_("Chỉ đề xuất câu chữ khi góp ý cho một Điều cụ thể."),
                               field="proposed_wording")
        if len(proposed_wording) > current_app.config["CONSULT_WORDING_MAX_CHARS"]:
            raise ServiceError(_("Đề xuất câu chữ quá dài."), field="proposed_wording")
    clause_ref = (clause_ref or "").strip() or None
    if clause_ref:
        valid = {anchor for anchor, _label in clause_choices(section.body)} if section else set()
        if clause_ref not in valid:
            raise ServiceError(_("Khoản / điểm được chọn không có trong Điều này."),
                               field="clause_ref")
    return _create(user, consultation, section, body, stance, None, proposed_wording, clause_ref,
                   key)


def reply_to_comment(user, parent, body, now=None, idempotency_key=None):
    """Reply to a comment; replies are one level deep (a reply to a reply joins its thread).

    A retry (same ``idempotency_key`` and text, to the same comment) returns the first reply.
    """
    _check_can_comment(user)
    key = stored_key(clean_key(idempotency_key), "reply", parent.id, normalize_text(body))
    existing = find_by_key(user, key)
    if existing is not None:
        return existing
    if parent.parent_id is not None:
        parent = parent.parent
    if parent.status != STATUS_PUBLISHED:
        raise ServiceError(_("Không thể trả lời ý kiến này."))
    if parent.section is not None and not parent.section.version.is_current:
        raise ServiceError(_("Ý kiến này góp cho phiên bản trước của dự thảo; không thể trả "
                             "lời thêm."))
    _check_open(parent.consultation, now or utcnow())
    body = _clean_body(body, field="reply_body")
    return _create(user, parent.consultation, parent.section, body, parent=parent, key=key)


def withdraw_comment(user, comment, now=None):
    """The author withdraws their comment: it is kept, marked withdrawn, no longer shown."""
    if not comment.can_withdraw(user):
        raise NotAllowed(_("Bạn không thể rút ý kiến này."))
    comment.withdrawn_at = now or utcnow()
    set_status(comment, STATUS_WITHDRAWN)
    db.session.flush()


def react_to_comment(user, comment, kind):
    """Support or oppose a published comment; the same choice again removes it."""
    _check_can_comment(user)
    if kind not in REACTIONS:
        raise ServiceError(_("Lựa chọn không hợp lệ."))
    if comment.status != STATUS_PUBLISHED:
        raise ServiceError(_("Không thể bày tỏ với ý kiến này."))
    if comment.author_id == user.id:
        raise ServiceError(_("Bạn không thể bày tỏ với ý kiến của chính mình."))
    existing = db.session.scalar(
        select(Reaction).where(Reaction.comment_id == comment.id, Reaction.user_id == user.id))
    if existing is None:
        db.session.add(Reaction(comment_id=comment.id, user_id=user.id, kind=kind))
    elif existing.kind == kind:
        db.session.delete(existing)
    else:
        existing.kind = kind
    comment.updated_at = utcnow()  # what the comment's pages show changed (the page stamp)
    db.session.flush()


# ---- queries -----------------------------------------------------------------------------

def published_counts_by_section(consultation_id):
    """{section_id or None: number of published top-level comments}."""
    rows = db.session.execute(
        select(Comment.section_id, func.count(Comment.id))
        .where(*_published_top_level(consultation_id)).group_by(Comment.section_id))
    return dict(rows.all())


def published_count(consultation_id, section_id):
    """Published top-level comments of one thread (``section_id`` None: general comments)."""
    return db.session.scalar(select(func.count(Comment.id)).where(
        *thread_of(consultation_id, section_id), Comment.status == STATUS_PUBLISHED))


def thread_of(consultation_id, section_id):
    """The conditions of a thread's top-level comments: an article's (``section_id``) or
    the general comments of a consultation (None)."""
    return (Comment.consultation_id == consultation_id, Comment.parent_id.is_(None),
            Comment.section_id.is_(None) if section_id is None
            else Comment.section_id == section_id)


def key_compare(compare, position):
    """``compare`` (operator.lt, gt, ge) of comments' keyset order, (created_at, id), with
    ``position``: the key of a comment."""
    created_at, comment_id = position
    return compare(tuple_(Comment.created_at, Comment.id),
                   tuple_(literal(created_at, DateTime()), literal(comment_id, Integer())))


def _published_top_level(consultation_id):
    return (Comment.consultation_id == consultation_id, Comment.status == STATUS_PUBLISHED,
            Comment.parent_id.is_(None))


def reaction_counts(comment_ids):
    """{comment_id: {"support": n, "oppose": m}} for the given comments."""
    counts = {cid: dict.fromkeys(REACTIONS, 0) for cid in comment_ids}
    if not comment_ids:
        return counts
    rows = db.session.execute(
        select(Reaction.comment_id, Reaction.kind, func.count())
        .where(Reaction.comment_id.in_(comment_ids)).group_by(Reaction.comment_id, Reaction.kind))
    for comment_id, kind, n in rows:
        counts[comment_id][kind] = n
    return counts


def earlier_version_comments(section, limit=5, counts=None):
    """Comments on the earlier versions of an article ("ý kiến về phiên bản trước").

    One group per earlier version, newest first: {"section", "total", "comments"} with the
    first ``limit`` published top-level comments, oldest first. ``counts`` (from
    published_counts_by_section) saves counting again.
    """
    groups = []
    for earlier in earlier_sections(section):
        published = (Comment.section_id == earlier.id, Comment.status == STATUS_PUBLISHED,
                     Comment.parent_id.is_(None))
        total = (counts.get(earlier.id, 0) if counts is not None else
                 db.session.scalar(select(func.count(Comment.id)).where(*published)))
        if total:
            comments = db.session.scalars(select(Comment).where(*published)
                                          .order_by(Comment.created_at, Comment.id)
                                          .limit(limit)).all()
            groups.append({"section": earlier, "total": total, "comments": comments})
    return groups
