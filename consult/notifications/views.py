"""The notification list, preferences, follow buttons, one-click unsubscribe."""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.accounts.models import User
from consult.comments.forms import ActionForm
from consult.core.permissions import login_required
from consult.core.security import is_safe_next
from consult.drafts.services import find_consultation
from consult.extensions import csrf, db
from consult.notifications import mailer, messages, services
from consult.notifications.forms import PreferencesForm
from consult.notifications.models import KINDS, Notification

bp = Blueprint("notifications", __name__)
log = logging.getLogger("consult.notifications")


@bp.get("/thong-bao")
@login_required
def notification_list():
    """Logged-in users: their notifications, newest first."""
    page = max(request.args.get("trang", 1, type=int), 1)
    pagination = services.notification_page(current_user, page)
    items = [(n, messages.describe(n)) for n in pagination.items]
    return render_template("notifications/list.html", pagination=pagination, items=items,
                           action_form=ActionForm())


@bp.post("/thong-bao/da-doc")
@login_required
def mark_all_read():
    """Logged-in users: mark every notification as read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user)
    db.session.commit()
    flash(_("Đã đánh dấu tất cả là đã đọc."), "success")
    return redirect(url_for("notifications.notification_list"))


@bp.get("/thong-bao/<int:notification_id>")
@login_required
def open_notification(notification_id):
    """The notification's owner: mark it read and go to what it is about."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    services.mark_read(current_user, notification)
    db.session.commit()
    return redirect(messages.describe(notification).url)


@bp.route("/thong-bao/cai-dat", methods=["GET", "POST"])
@login_required
def preferences():
    """Logged-in users: choose which notifications they get on the site and by e-mail."""
    form = PreferencesForm()
    if request.method == "GET":
        for kind, choice in services.preferences_of(current_user).items():
            form[f"site_{kind}"].data = choice["on_site"]
            form[f"email_{kind}"].data = choice["by_email"]
    elif form.validate_on_submit():
        for kind in KINDS:
            services.set_preference(current_user, kind, on_site=form[f"site_{kind}"].data,
                                    by_email=form[f"email_{kind}"].data)
        db.session.commit()
        flash(_("Đã lưu lựa chọn nhận thông báo."), "success")
        return redirect(url_for("notifications.preferences"))
    else:
        abort(400)
    return render_template("notifications/preferences.html", form=form)


def _followable(slug):
    consultation = find_consultation(slug)
    if consultation is None or not consultation.is_public:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return consultation


def _back_to(consultation):
    target = request.form.get("next", "")
    if is_safe_next(target):
        return redirect(target)
    return redirect(url_for("comments.consultation_page", slug=consultation.slug))


@bp.post("/c/<slug>/theo-doi")
@login_required
def follow(slug):
    """Logged-in users: follow a public consultation."""
    consultation = _followable(slug)
    services.follow_consultation(current_user, consultation)
    db.session.commit()
    flash(_("Bạn đang theo dõi dự thảo này: bạn sẽ nhận thông báo khi bắt đầu, sắp kết thúc, "
            "kết thúc lấy ý kiến và khi công bố kết quả."), "success")
    return _back_to(consultation)


@bp.post("/c/<slug>/bo-theo-doi")
@login_required
def unfollow(slug):
    """Logged-in users: stop following a consultation."""
    consultation = _followable(slug)
    services.unfollow_consultation(current_user, consultation)
    db.session.commit()
    flash(_("Đã bỏ theo dõi dự thảo này."), "info")
    return _back_to(consultation)


def _token_user(token):
    found = messages.read_unsubscribe_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or user.deleted_at is not None or (found[1] and found[1] not in KINDS):
        abort(404)
    return user, found[1]


@bp.route("/huy-dang-ky/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    """Anyone holding the signed link from an e-mail (no log-in): stop those e-mails.

    GET shows one button; POST (that button, or a mail client's RFC 8058 one-click POST)
    unsubscribes. The signed token is the authorisation, hence no CSRF token.
    """
    user, kind = _token_user(token)
    done = request.method == "POST"
    if done:
        services.unsubscribe(user, kind)
        db.session.commit()
    return render_template("notifications/unsubscribe.html", done=done, kind=kind,
                           label=KINDS.get(kind),
                           unsubscribe_all_token=messages.unsubscribe_token(user.id))


# ---- sending after the response ---------------------------------------------------------

def _send_after(app):
    def run():
        with app.app_context():
            try:
                mailer.send_all()
            except Exception:  # the worker or the next request retries; never break a page
                log.exception("sending queued e-mails failed")
            finally:
                db.session.remove()
    return run


def _schedule_mail(response):
    """After a request that queued e-mails: send them once the response is closed."""
    if getattr(g, "mail_queued", False) and current_app.config["CONSULT_MAIL_INLINE"]:
        response.call_on_close(_send_after(current_app._get_current_object()))
    return response


def _template_helpers():
    def unread_notifications():
        if not current_user.is_authenticated:
            return 0
        return services.unread_count(current_user)

    def is_following(consultation):
        return services.is_following(current_user, consultation)

    return {"unread_notifications": unread_notifications, "is_following": is_following}


def init_app(app):
    from consult.accounts.signals import account_closing, personal_data_requested
    from consult.notifications import feeds, receivers

    receivers.connect_signals()
    if not event.contains(Session, "after_flush", services.forget_unread):
        event.listen(Session, "after_flush", services.forget_unread)
    personal_data_requested.connect(services.personal_data)
    account_closing.connect(services.erase_user)
    app.after_request(_schedule_mail)
    app.context_processor(_template_helpers)
    app.register_blueprint(bp)
    app.register_blueprint(feeds.bp)
