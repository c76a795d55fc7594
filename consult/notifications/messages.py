"""What a notification says, on the site and in its e-mail, and the links it carries."""

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from consult.core.timeutil import to_local


@dataclass
class Description:
    text: str
    url: str
    reason: str | None = None


def site_path(endpoint, **values):
    """A path of the site, built without a request (the CLI builds e-mails too)."""
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return adapter.build(endpoint, values)


def absolute_url(endpoint, **values):
    return current_app.config["CONSULT_SITE_URL"].rstrip("/") + site_path(endpoint, **values)


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="consult-unsubscribe")


def unsubscribe_token(user_id, kind=None):
    """A signed token that stops one kind of e-mail (``None``: all) for one user."""
    return _serializer().dumps([user_id, kind or "*"])


def read_unsubscribe_token(token):
    """(user_id, kind or None) from a token; None when it was not signed by us."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, (None if kind == "*" else kind)


def _title(notification):
    consultation = notification.consultation or (
        notification.comment.consultation if notification.comment else None)
    return consultation.title if consultation else ""


def _when(value):
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def describe(notification):
    """The sentence and link of a notification, in the current language."""
    n, title = notification, _title(notification)
    if n.comment is not None:
        url = site_path("comments.permalink", comment_id=n.comment.id)
    elif n.consultation is not None:
        url = site_path("comments.consultation_page", slug=n.consultation.slug)
    else:
        url = site_path("drafts.home")
    if n.kind == "reply":
        author = n.comment.author.public_name if n.comment and n.comment.author else ""
        text = _("%(name)s đã trả lời ý kiến của bạn về “%(title)s”.", name=author, title=title)
    elif n.kind == "moderation":
        text = {
            "hidden": _("Ý kiến của bạn về “%(title)s” đã bị ẩn.", title=title),
            "rejected": _("Ý kiến của bạn về “%(title)s” không được duyệt đăng.", title=title),
            "approved": _("Ý kiến của bạn về “%(title)s” đã được duyệt và hiển thị công khai.",
                          title=title),
            "restored": _("Ý kiến của bạn về “%(title)s” đã được hiển thị trở lại.", title=title),
        }.get(n.event, _("Trạng thái ý kiến của bạn về “%(title)s” đã thay đổi.", title=title))
    elif n.kind == "answer":
        text = _("Cơ quan soạn thảo đã giải trình ý kiến của bạn về “%(title)s”.", title=title)
    elif n.kind == "opened":
        text = _("Dự thảo “%(title)s” đã bắt đầu lấy ý kiến, đến %(when)s.", title=title,
                 when=_when(n.consultation.closes_at))
    elif n.kind == "closing_soon":
        text = _("Dự thảo “%(title)s” sẽ kết thúc lấy ý kiến lúc %(when)s.", title=title,
                 when=_when(n.consultation.closes_at))
    elif n.kind == "closed":
        text = _("Dự thảo “%(title)s” đã kết thúc lấy ý kiến.", title=title)
    else:
        text = _("Cơ quan soạn thảo đã công bố bản tổng hợp, tiếp thu, giải trình ý kiến về "
                 "dự thảo “%(title)s”.", title=title)
    return Description(text=text, url=url, reason=n.reason)


def render_email(notification):
    """(subject, plain-text body, one-click unsubscribe URL) in the site's default language."""
    with force_locale(current_app.config["CONSULT_DEFAULT_LOCALE"]):
        description = describe(notification)
        token = unsubscribe_token(notification.user_id, notification.kind)
        unsubscribe_url = absolute_url("notifications.unsubscribe", token=token)
        body = render_template(
            "notifications/email.txt", user=notification.user, description=description,
            link=current_app.config["CONSULT_SITE_URL"].rstrip("/") + description.url,
            preferences_url=absolute_url("notifications.preferences"),
            unsubscribe_url=unsubscribe_url)
        subject = _("[Góp ý dự thảo] %(text)s", text=description.text)
    return subject[:300], body, unsubscribe_url
