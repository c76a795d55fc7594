"""Events that happen by the clock: a scheduled consultation opens, 7 days are left, the
period ends. ``tick`` finds the due ones and records each once (the notification's key is
unique per user), so running it every few minutes — or twice — is safe."""

from datetime import timedelta

from sqlalchemy import select

from consult.core.db_setup import utcnow
from consult.drafts.models import STATUS_CLOSED, STATUS_OPEN, Consultation
from consult.extensions import db
from consult.notifications.services import followers, record

CLOSING_SOON = timedelta(days=7)
#: how far back a tick looks for events it may have missed (the site was down, …)
LOOKBACK = timedelta(days=14)


def record_opened(consultation, now=None):
    """Followers who followed before the opening hear that it is open (once)."""
    now = now or utcnow()
    if consultation.status != STATUS_OPEN or not (consultation.opens_at <= now
                                                  < consultation.closes_at):
        return []
    return record(followers(consultation, before=consultation.opens_at), "opened", "opened",
                  f"opened:{consultation.id}", consultation=consultation, now=now)


def record_closing_soon(consultation, now=None):
    """Followers who followed before the last week began hear that 7 days are left."""
    now = now or utcnow()
    reminder_at = consultation.closes_at - CLOSING_SOON
    if consultation.status != STATUS_OPEN or reminder_at < consultation.opens_at:
        return []
    if not (reminder_at <= now < consultation.closes_at):
        return []
    return record(followers(consultation, before=reminder_at), "closing_soon", "closing_soon",
                  f"closing_soon:{consultation.id}", consultation=consultation, now=now)


def record_closed(consultation, now=None):
    """Followers hear that the comment period is over (once)."""
    now = now or utcnow()
    ended = consultation.status == STATUS_CLOSED or (
        consultation.status == STATUS_OPEN and consultation.closes_at <= now)
    if not ended:
        return []
    return record(followers(consultation, before=consultation.closes_at), "closed", "closed",
                  f"closed:{consultation.id}", consultation=consultation, now=now)


def tick(now=None):
    """Record every clock event due since ``now - LOOKBACK``. Returns how many were created."""
    now = now or utcnow()
    since = now - LOOKBACK
    public = select(Consultation).where(Consultation.status.in_((STATUS_OPEN, STATUS_CLOSED)))
    created = 0
    for consultation in db.session.scalars(public.where(
            Consultation.opens_at > since, Consultation.opens_at <= now)):
        created += len(record_opened(consultation, now))
    for consultation in db.session.scalars(public.where(
            Consultation.closes_at > now, Consultation.closes_at <= now + CLOSING_SOON)):
        created += len(record_closing_soon(consultation, now))
    for consultation in db.session.scalars(public.where(
            Consultation.closes_at > since, Consultation.closes_at <= now)):
        created += len(record_closed(consultation, now))
    db.session.flush()
    return created
