"""Recording notifications, queueing their e-mails, follows and preferences.

Everything here flushes and never commits: a notification is written in the transaction
of the change it reports, so both are kept or both are rolled back.
"""

from flask import g, has_app_context
from sqlalchemy import select

from consult.core.db_setup import utcnow
from consult.extensions import db
from consult.notifications import messages
from consult.notifications.models import (
    KINDS,
    Follow,
    MailMessage,
    Notification,
    NotificationPreference,
)


def _reachable(user):
    return user is not None and user.deleted_at is None and not user.is_blocked


# ---- preferences ------------------------------------------------------------------------

def preferences_of(user):
    """{kind: {"on_site": bool, "by_email": bool}} for every kind (missing rows: both on)."""
    choices = {kind: {"on_site": True, "by_email": True} for kind in KINDS}
    for row in db.session.scalars(select(NotificationPreference).where(
            NotificationPreference.user_id == user.id)):
        if row.kind in choices:
            choices[row.kind] = {"on_site": row.on_site, "by_email": row.by_email}
    return choices


def set_preference(user, kind, on_site=None, by_email=None):
    """Switch one kind on or off on the site and/or by e-mail (None leaves it as it is)."""
    if kind not in KINDS:
        raise ValueError(kind)
    row = db.session.scalar(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind))
    if row is None:
        row = NotificationPreference(user_id=user.id, kind=kind, on_site=True, by_email=True)
        db.session.add(row)
    if on_site is not None:
        row.on_site = bool(on_site)
    if by_email is not None:
        row.by_email = bool(by_email)
    db.session.flush()


def unsubscribe(user, kind=None):
    """Stop the e-mails of one kind (``None``: of every kind); the site list stays."""
    for each in ([kind] if kind else list(KINDS)):
        set_preference(user, each, by_email=False)


# ---- recording --------------------------------------------------------------------------

def record(users, kind, event, key, consultation=None, comment=None, reason=None, now=None):
    """Record one event for each of ``users`` once (``key`` is unique per user) and queue
    the e-mail of those who want it. Returns the notifications created."""
    users = [u for u in {u.id: u for u in users if _reachable(u)}.values()]
    if not users:
        return []
    already = set(db.session.scalars(select(Notification.user_id).where(
        Notification.event_key == key, Notification.user_id.in_([u.id for u in users]))))
    created = []
    for user in users:
        if user.id in already:
            continue
        notification = Notification(
            user=user, user_id=user.id, kind=kind, event=event, event_key=key,
            consultation=consultation, comment=comment, reason=reason,
            created_at=now or utcnow())
        db.session.add(notification)
        created.append(notification)
    if not created:
        return []
    wanted = _email_choices([n.user_id for n in created], kind)
    for notification in created:
        if wanted.get(notification.user_id, True):
            queue_email(notification)
    return created


def _email_choices(user_ids, kind):
    rows = db.session.execute(select(NotificationPreference.user_id,
                                     NotificationPreference.by_email).where(
        NotificationPreference.kind == kind, NotificationPreference.user_id.in_(user_ids)))
    return dict(rows.all())


def queue_email(notification):
    """Write the notification's e-mail to the outbox; it is sent after commit."""
    user = notification.user
    subject, body, unsubscribe_url = messages.render_email(notification)
    db.session.add(MailMessage(user_id=user.id, notification=notification,
                               to_address=user.email, subject=subject, body_text=body,
                               unsubscribe_url=unsubscribe_url))
    if has_app_context():
        g.mail_queued = True


# ---- the list ---------------------------------------------------------------------------

def _shown_on_site(user_id):
    """The conditions on the user's notifications of the kinds they show on the site (a kind
    without a preference row is shown): one subquery, no query of its own."""
    hidden = select(NotificationPreference.kind).where(
        NotificationPreference.user_id == user_id, NotificationPreference.on_site.is_(False))
    return (Notification.user_id == user_id, Notification.kind.in_(list(KINDS)),
            Notification.kind.not_in(hidden))


def notification_page(user, page, per_page=20):
    """The user's notifications of the kinds they show on the site, newest first."""
    query = (select(Notification).where(*_shown_on_site(user.id))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def unread_query(user_id):
    """The header's badge as one SELECT: unread notifications of the kinds the user shows on
    the site."""
    from sqlalchemy import func

    return select(func.count(Notification.id)).where(
        *_shown_on_site(user_id), Notification.read_at.is_(None))


def remember_unread(user_id, count):
    """Keep the badge read together with the signed-in user (``load_user``: one round trip
    to the database fewer on every page a member is served) for the rest of the request."""
    g.unread_count = (user_id, count)


def forget_unread(session, _flush_context):
    """After a flush that changed notifications or their preferences: the kept badge is old."""
    if has_app_context() and "unread_count" in g and any(
            isinstance(row, (Notification, NotificationPreference))
            for row in (*session.new, *session.dirty, *session.deleted)):
        g.pop("unread_count")


def unread_count(user):
    """The header's badge (it shows on every page a signed-in member is served): the count
    ``load_user`` read with the user, unless this request changed notifications since; else
    one query."""
    kept = g.get("unread_count") if has_app_context() else None
    if kept is not None and kept[0] == user.id:
        return kept[1]
    return db.session.scalar(unread_query(user.id))


def mark_read(user, notification=None, now=None):
    """Mark one of the user's notifications (or all of them) as read."""
    now = now or utcnow()
    query = select(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification is not None:
        query = query.where(Notification.id == notification.id)
    for row in db.session.scalars(query):
        row.read_at = now
    db.session.flush()


# ---- follows ----------------------------------------------------------------------------

def is_following(user, consultation):
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.consultation_id == consultation.id)) is not None


def follow_consultation(user, consultation, now=None):
    """Follow a public consultation (again: nothing changes)."""
    if not consultation.is_public:
        raise ValueError("only public consultations can be followed")
    if not is_following(user, consultation):
        db.session.add(Follow(user_id=user.id, consultation_id=consultation.id,
                              created_at=now or utcnow()))
        db.session.flush()


def unfollow_consultation(user, consultation):
    for row in db.session.scalars(select(Follow).where(
            Follow.user_id == user.id, Follow.consultation_id == consultation.id)):
        db.session.delete(row)
    db.session.flush()


def followers(consultation, before=None):
    """Users following ``consultation`` (those who followed before ``before``, if given)."""
    from consult.accounts.models import User

    query = select(User).join(Follow, Follow.user_id == User.id).where(
        Follow.consultation_id == consultation.id)
    if before is not None:
        query = query.where(Follow.created_at <= before)
    return db.session.scalars(query).all()


# ---- personal data ----------------------------------------------------------------------

def _iso(value):
    return value.isoformat() + "Z" if value else None


def personal_data(user):
    """("notifications", {...}) for the personal-data download."""
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                               .order_by(Notification.id)).all()
    follows = db.session.scalars(select(Follow).where(Follow.user_id == user.id)).all()
    return "notifications", {
        "preferences": preferences_of(user),
        "following": [f.consultation.slug for f in follows],
        "notifications": [{"kind": n.kind, "event": n.event, "text": messages.describe(n).text,
                           "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
                          for n in notes],
    }


def erase_user(user):
    """Account closing: drop the user's notifications, follows, choices and unsent e-mails."""
    from sqlalchemy import delete

    from consult.notifications.models import MAIL_SENT

    db.session.execute(delete(MailMessage).where(MailMessage.user_id == user.id,
                                                 MailMessage.status != MAIL_SENT))
    db.session.execute(MailMessage.__table__.update().where(MailMessage.user_id == user.id)
                       .values(user_id=None, notification_id=None,
                               to_address="deleted@deleted.invalid", body_text=""))
    for model in (Notification, Follow, NotificationPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.flush()
