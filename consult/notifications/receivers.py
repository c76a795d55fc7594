"""Signal receivers: comments, moderation, answers and consultations become notifications.

Comment events are recorded at the next flush rather than inside the signal: other
receivers (screening) may still change the comment's status, and moderation sets the reason
just after the status. Deferring to ``before_flush`` sees the final state, in the same
transaction.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.comments.models import (
    STATUS_HIDDEN,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
)
from consult.notifications import services

_PENDING_KEY = "consult.notification_events"

#: (old status, new status) → moderation event told to the author
MODERATION_EVENTS = {
    (STATUS_PUBLISHED, STATUS_HIDDEN): "hidden",
    (STATUS_PENDING, STATUS_REJECTED): "rejected",
    (STATUS_PENDING, STATUS_PUBLISHED): "approved",
    (STATUS_HIDDEN, STATUS_PUBLISHED): "restored",
    (STATUS_REJECTED, STATUS_PUBLISHED): "restored",
}


def _defer(comment, old_status):
    from consult.extensions import db

    db.session.info.setdefault(_PENDING_KEY, []).append((comment, old_status))


def _on_comment_submitted(comment, **_kwargs):
    _defer(comment, None)


def _on_status_changed(comment, old_status=None, **_kwargs):
    _defer(comment, old_status)


def notify_reply(reply):
    """Tell the parent's author about a published reply (not themselves; once)."""
    parent = reply.parent
    if parent is None or reply.status != STATUS_PUBLISHED or parent.author is None:
        return
    if parent.author_id == reply.author_id:
        return
    services.record([parent.author], "reply", "reply", f"reply:{reply.id}",
                    consultation=reply.consultation, comment=reply)


def notify_moderation(comment, old_status):
    """Tell the author that their comment was hidden, rejected, approved or restored."""
    name = MODERATION_EVENTS.get((old_status, comment.status))
    if name is None or comment.author is None:
        return
    from consult.core.db_setup import utcnow

    stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
    services.record([comment.author], "moderation", name,
                    f"moderation:{comment.id}:{name}:{stamp}", consultation=comment.consultation,
                    comment=comment, reason=comment.moderation_reason if name in (
                        "hidden", "rejected") else None)


@event.listens_for(Session, "before_flush")
def _record_deferred(session, _context, _instances):
    pending = session.info.pop(_PENDING_KEY, None)
    for comment, old_status in pending or ():
        if old_status is None:
            notify_reply(comment)
        else:
            notify_moderation(comment, old_status)
            if comment.status == STATUS_PUBLISHED and old_status == STATUS_PENDING:
                notify_reply(comment)


@event.listens_for(Session, "after_rollback")
def _forget_deferred(session):
    session.info.pop(_PENDING_KEY, None)


def _on_answered(comment, answer=None, **_kwargs):
    """The agency answered a comment: tell its author (once per answer)."""
    if comment.author is None:
        return
    answer_id = getattr(answer, "id", None)
    services.record([comment.author], "answer", "answered",
                    f"answer:{comment.id}:{answer_id if answer_id is not None else 0}",
                    consultation=comment.consultation, comment=comment)


def _on_published(consultation, **_kwargs):
    from consult.notifications.schedule import record_opened

    record_opened(consultation)


def _on_closed(consultation, **_kwargs):
    from consult.notifications.schedule import record_closed

    record_closed(consultation)


def _on_dossier(consultation, **_kwargs):
    services.record(services.followers(consultation), "dossier", "published",
                    f"dossier:{consultation.id}", consultation=consultation)


def connect_signals():
    from consult.comments.signals import comment_answered, comment_status_changed, comment_submitted
    from consult.drafts.signals import (
        consultation_closed,
        consultation_published,
        dossier_published,
    )

    comment_submitted.connect(_on_comment_submitted)
    comment_status_changed.connect(_on_status_changed)
    comment_answered.connect(_on_answered)
    consultation_published.connect(_on_published)
    consultation_closed.connect(_on_closed)
    dossier_published.connect(_on_dossier)
