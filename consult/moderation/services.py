"""Moderation operations: screening on submit, reports, moderator actions, blocking.

Every moderator action appends a ModerationAction; comment statuses change only through
``consult.comments.services.set_status`` so the search index and subscribers follow.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.comments.models import (
    STATUS_HIDDEN,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
    Comment,
)
from consult.comments.services import set_status
from consult.core.db_setup import utcnow
from consult.core.exceptions import NotAllowed, ServiceError
from consult.core.text import normalize_text
from consult.extensions import db
from consult.moderation.models import FLAG_REASONS, Flag, ModerationAction
from consult.moderation.screening import screen_text

HISTORY_SIZE = 50

#: action → (statuses it may start from, status it leads to; None = unchanged)
TRANSITIONS = {
    "approve": ({STATUS_PENDING}, STATUS_PUBLISHED),
    "reject": ({STATUS_PENDING}, STATUS_REJECTED),
    "hide": ({STATUS_PUBLISHED}, STATUS_HIDDEN),
    "restore": ({STATUS_HIDDEN, STATUS_REJECTED}, STATUS_PUBLISHED),
    "dismiss_reports": ({STATUS_PUBLISHED, STATUS_HIDDEN}, None),
}
REASON_REQUIRED = {"hide", "reject"}
#: actions that decide on a comment's open reports, so it leaves the "reported" tab
CLOSES_REPORTS = {"hide", "restore", "dismiss_reports"}


def _record(action, moderator=None, comment=None, target_user=None, from_status=None,
            to_status=None, reason=None):
    db.session.add(ModerationAction(
        action=action, moderator=moderator, comment=comment, target_user=target_user,
        from_status=from_status, to_status=to_status, reason=reason))


# ---- screening -------------------------------------------------------------------------

def _author_history(comment):
    rows = db.session.scalars(
        select(Comment.body).where(Comment.author_id == comment.author_id,
                                   Comment.id != comment.id)
        .order_by(Comment.id.desc()).limit(HISTORY_SIZE))
    return list(rows)


def screen_comment(comment):
    """Decide whether a new comment waits for review; record why. Returns the result."""
    result = screen_text(comment.body + "\n" + (comment.proposed_wording or ""),
                         _author_history(comment))
    if comment.consultation.moderation_mode == "pre":
        result.codes.append("pre_moderation")
    if comment.author is not None and comment.author.comments_held:
        result.codes.append("held_author")
    if result.held and comment.status == STATUS_PUBLISHED:
        set_status(comment, STATUS_PENDING)
        comment.screening_codes = ",".join(result.codes)
        comment.moderation_reason = result.reasons()
        _record("hold", comment=comment, from_status=STATUS_PUBLISHED,
                to_status=STATUS_PENDING, reason=comment.screening_codes)
    return result


def _on_comment_submitted(comment):
    screen_comment(comment)


def connect_signals():
    from consult.comments.signals import comment_submitted

    comment_submitted.connect(_on_comment_submitted)


# ---- reports ---------------------------------------------------------------------------

def open_report_count(comment_id):
    return db.session.scalar(select(func.count(Flag.id)).where(
        Flag.comment_id == comment_id, Flag.dismissed_at.is_(None)))


def report_comment(user, comment, reason, details=None):
    """A logged-in user reports a published comment once; N reports hide it."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Vui lòng đăng nhập để báo cáo."))
    if reason not in FLAG_REASONS:
        raise ServiceError(_("Vui lòng chọn lý do báo cáo."), field="reason")
    details = normalize_text(details)[:1000] or None
    if reason == "other" and not details:
        raise ServiceError(_("Vui lòng mô tả lý do."), field="details")
    if comment.status != STATUS_PUBLISHED:
        raise ServiceError(_("Ý kiến này không còn hiển thị."))
    if comment.author_id == user.id:
        raise ServiceError(_("Bạn không thể báo cáo ý kiến của chính mình."))
    already = db.session.scalar(select(Flag.id).where(Flag.comment_id == comment.id,
                                                      Flag.user_id == user.id))
    if already is not None:
        raise ServiceError(_("Bạn đã báo cáo ý kiến này rồi."))
    flag = Flag(comment=comment, user=user, reason=reason, details=details)
    db.session.add(flag)
    db.session.flush()
    threshold = current_app.config["CONSULT_AUTO_HIDE_REPORTS"]
    if open_report_count(comment.id) >= threshold:
        set_status(comment, STATUS_HIDDEN)
        comment.moderation_reason = _(
            "Ý kiến tạm ẩn vì bị nhiều người báo cáo; kiểm duyệt viên sẽ xem xét lại.")
        _record("auto_hide", comment=comment, from_status=STATUS_PUBLISHED,
                to_status=STATUS_HIDDEN, reason=f"{threshold} reports")
    db.session.flush()
    return flag


# ---- moderator actions -----------------------------------------------------------------

def can_moderate(user, comment):
    return (getattr(user, "is_authenticated", False) and user.is_moderator
            and comment.author_id != user.id)


def moderate_comment(moderator, comment, action, reason=None, now=None):
    """Apply one moderator action, checked against TRANSITIONS; appends the audit record."""
    if action not in TRANSITIONS:
        raise ServiceError(_("Thao tác không hợp lệ."), field="action")
    if not can_moderate(moderator, comment):
        raise NotAllowed(_("Bạn không thể kiểm duyệt ý kiến này."))
    allowed_from, to_status = TRANSITIONS[action]
    if comment.status not in allowed_from:
        raise ServiceError(_("Không thể thực hiện thao tác này với ý kiến ở trạng thái hiện tại."))
    reason = normalize_text(reason)[:1000] or None
    if action in REASON_REQUIRED and not reason:
        raise ServiceError(_("Vui lòng nêu lý do (lý do được gửi cho tác giả)."), field="reason")
    from_status = comment.status
    if action in CLOSES_REPORTS:
        for flag in db.session.scalars(select(Flag).where(Flag.comment_id == comment.id,
                                                          Flag.dismissed_at.is_(None))):
            flag.dismissed_at = now or utcnow()
    if to_status is not None:
        set_status(comment, to_status)
        if action in REASON_REQUIRED:
            comment.moderation_reason = reason
        elif to_status == STATUS_PUBLISHED:
            comment.moderation_reason = None
    _record(action, moderator, comment, from_status=from_status,
            to_status=to_status or from_status, reason=reason)
    db.session.flush()


def moderate_many(moderator, comment_ids, action, reason=None):
    """Bulk action: applies to each comment it can; returns (done, [(id, why not), …])."""
    done, skipped = 0, []
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(comment_ids))).all()
    for comment in comments:
        try:
            moderate_comment(moderator, comment, action, reason)
        except ServiceError as error:
            if error.field == "reason":
                raise
            skipped.append((comment.id, error.message))
        else:
            done += 1
    return done, skipped


def block_author(moderator, user, reason=None, hide_existing=False):
    """Hold the user's future comments for review; optionally hide their published ones."""
    if not getattr(moderator, "is_moderator", False) or moderator.id == user.id:
        raise NotAllowed(_("Bạn không thể chặn tài khoản này."))
    reason = normalize_text(reason)[:1000] or None
    if hide_existing and not reason:
        raise ServiceError(_("Vui lòng nêu lý do khi ẩn các ý kiến đã đăng."), field="reason")
    user.comments_held = True
    _record("block_author", moderator, target_user=user, reason=reason)
    if hide_existing:
        published = db.session.scalars(select(Comment).where(
            Comment.author_id == user.id, Comment.status == STATUS_PUBLISHED)).all()
        for comment in published:
            set_status(comment, STATUS_HIDDEN)
            comment.moderation_reason = reason
            _record("hide", moderator, comment, from_status=STATUS_PUBLISHED,
                    to_status=STATUS_HIDDEN, reason=reason)
    db.session.flush()


def unblock_author(moderator, user):
    """Let the user's new comments appear without review again."""
    if not getattr(moderator, "is_moderator", False):
        raise NotAllowed(_("Bạn không thể bỏ chặn tài khoản này."))
    user.comments_held = False
    _record("unblock_author", moderator, target_user=user)
    db.session.flush()


def can_mark_official(user, comment):
    """The author, when agency staff of the consultation's agency or a moderator."""
    if not getattr(user, "is_authenticated", False) or comment.author_id != user.id:
        return False
    return user.is_moderator or user.is_staff_of(comment.consultation.agency_id)


def mark_official(user, comment, official=True):
    """Mark (or unmark) one's own comment as the drafting agency's official comment."""
    if not can_mark_official(user, comment):
        raise NotAllowed(_("Chỉ cán bộ cơ quan soạn thảo hoặc kiểm duyệt viên mới đánh dấu "
                           "được ý kiến chính thức của mình."))
    comment.is_official = bool(official)
    _record("mark_official" if official else "unmark_official", user, comment)
    db.session.flush()

