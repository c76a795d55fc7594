"""Reporting comments, the moderator queue, blocking authors, the admin audit log."""

import csv
import io
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from consult.accounts.models import User
from consult.comments.forms import ActionForm
from consult.comments.models import Comment
from consult.core import keyset
from consult.core.exceptions import ServiceError
from consult.core.numbers import int_arg, whole_numbers
from consult.core.permissions import login_required, roles_required
from consult.core.ratelimit import per_account_and_ip
from consult.core.security import is_safe_next
from consult.drafts.models import Consultation
from consult.extensions import db
from consult.moderation import queue, services
from consult.moderation.forms import BlockForm, QueueActionForm, ReportForm
from consult.moderation.models import FLAG_REASONS
from consult.moderation.screening import HOLD_REASONS, RULES

bp = Blueprint("moderation", __name__)

ACTION_LABELS = {
    "approve": _l("Duyệt"), "reject": _l("Từ chối"), "hide": _l("Ẩn"),
    "restore": _l("Khôi phục"), "dismiss_reports": _l("Bỏ qua báo cáo"),
}


def _comment_or_404(comment_id):
    comment = db.session.get(Comment, comment_id)
    if comment is None or not comment.consultation.can_view(current_user):
        abort(404)
    return comment


def _back(default):
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else default)


@bp.post("/y-kien/<int:comment_id>/bao-cao")
@login_required
@per_account_and_ip("REPORT")
def report(comment_id):
    """Logged-in users: report a published comment once, with a reason."""
    comment = _comment_or_404(comment_id)
    form = ReportForm(prefix=f"report-{comment_id}")
    if not form.validate_on_submit():
        flash(_("Vui lòng chọn lý do báo cáo."), "error")
    else:
        try:
            services.report_comment(current_user, comment, form.reason.data, form.details.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Cảm ơn bạn. Báo cáo đã được gửi tới kiểm duyệt viên."), "success")
    return redirect(url_for("comments.permalink", comment_id=comment.id)
                    if comment.is_published else url_for("comments.consultation_page",
                                                         slug=comment.consultation.slug))


@bp.post("/y-kien/<int:comment_id>/chinh-thuc")
@login_required
def toggle_official(comment_id):
    """The comment's author, when staff of the agency or a moderator: official mark on/off."""
    comment = _comment_or_404(comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.mark_official(current_user, comment, not comment.is_official)
    except ServiceError as error:
        abort(error.status_code, error.message)
    db.session.commit()
    return redirect(url_for("comments.permalink", comment_id=comment.id))


@bp.get("/kiem-duyet")
@roles_required("moderator")
def queue_view():
    """Moderators and admins: the queue (waiting, flagged, hidden, all) with filters."""
    tab = request.args.get("tab", "waiting")
    if tab not in queue.TABS:
        tab = "waiting"
    sort = request.args.get("sap-xep", "oldest")
    reason = request.args.get("ly-do") or None
    page = queue.queue_page(tab, int_arg("du-thao"), int_arg("dieu"), reason, sort,
                            keyset.requested(queue.queue_order(sort)[0]))
    consultations = db.session.query(Consultation).filter(
        Consultation.status != "draft").order_by(Consultation.title).all()
    return render_template(
        "moderation/queue.html", page=page, tab=tab, sort=sort, reason=reason,
        counts=queue.tab_counts(), consultations=consultations,
        consultation_id=int_arg("du-thao"),
        # after an action, back to this tab, filters and page (the forms' hidden "next")
        form=QueueActionForm(next=request.full_path),
        block_form=BlockForm(next=request.full_path),
        action_labels=ACTION_LABELS, transitions=services.TRANSITIONS,
        reasons={**{k: v for k, v in FLAG_REASONS.items()},
                 **{k: r.reason for k, r in RULES.items()}, **HOLD_REASONS})


@bp.post("/kiem-duyet/thao-tac")
@roles_required("moderator")
def act():
    """Moderators and admins: one action on one comment or on every ticked comment."""
    form = QueueActionForm()
    if not form.validate_on_submit():
        abort(400)
    single = request.form.get("do", "")
    if ":" in single:
        action, _sep, comment_id = single.partition(":")
        ids = whole_numbers([comment_id])
    else:
        action = request.form.get("action", "")
        ids = whole_numbers(request.form.getlist("comment_ids"))
    if action not in services.TRANSITIONS:
        flash(_("Vui lòng chọn thao tác."), "error")
    elif not ids:
        flash(_("Vui lòng chọn ít nhất một ý kiến."), "error")
    else:
        try:
            done, skipped = services.moderate_many(current_user, ids, action, form.reason.data)
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã xử lý %(n)d ý kiến.", n=done), "success")
            for comment_id, why in skipped:
                flash(_("Ý kiến #%(id)d: %(why)s", id=comment_id, why=why), "error")
    return _back(url_for("moderation.queue_view"))


@bp.post("/nguoi-dung/<int:user_id>/chan")
@roles_required("moderator")
def block(user_id):
    """Moderators and admins: hold an author's future comments (optionally hide existing)."""
    user = db.session.get(User, user_id) or abort(404)
    form = BlockForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.block_author(current_user, user, form.reason.data, form.hide_existing.data)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Đã chặn: ý kiến mới của tài khoản này sẽ chờ kiểm duyệt."), "success")
    return _back(url_for("moderation.queue_view"))


@bp.post("/nguoi-dung/<int:user_id>/bo-chan")
@roles_required("moderator")
def unblock(user_id):
    """Moderators and admins: let an author's comments appear without review again."""
    user = db.session.get(User, user_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unblock_author(current_user, user)
    db.session.commit()
    flash(_("Đã bỏ chặn tài khoản."), "success")
    return _back(url_for("moderation.queue_view"))


def _log_filters():
    def day(name):
        value = request.args.get(name, "")
        try:
            return datetime.strptime(value, "%Y-%m-%d") if value else None
        except ValueError:
            return None

    until = day("den")
    return {"action": request.args.get("thao-tac") or None,
            "moderator_id": int_arg("nguoi"), "comment_id": int_arg("y-kien"),
            "since": day("tu"), "until": until + timedelta(days=1) if until else None}


@bp.get("/quan-tri/nhat-ky")
@roles_required("admin")
def action_log():
    """Admins: every moderation action, newest first, with filters."""
    page = keyset.page(queue.action_log_query(**_log_filters()), queue.LOG_ORDER,
                       lambda action: (action.id,), queue.LOG_PER_PAGE,
                       keyset.requested(queue.LOG_ORDER))
    return render_template("moderation/log.html", page=page, args=request.args)


@bp.get("/quan-tri/nhat-ky.csv")
@roles_required("admin")
def action_log_csv():
    """Admins: the filtered log as CSV (UTF-8 with BOM, for Excel)."""
    query = queue.action_log_query(**_log_filters()).execution_options(yield_per=1000)

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "time_utc", "action", "moderator", "comment_id", "target_user_id",
                         "from_status", "to_status", "reason"])
        yield "\ufeff" + buffer.getvalue()
        for entry in db.session.scalars(query):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([entry.id, entry.created_at.isoformat(), entry.action,
                             entry.moderator.email if entry.moderator else "system",
                             entry.comment_id, entry.target_user_id, entry.from_status,
                             entry.to_status, entry.reason or ""])
            yield buffer.getvalue()

    return Response(stream_with_context(rows()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=nhat-ky-kiem-duyet.csv"})


def init_app(app):
    services.connect_signals()
    app.jinja_env.globals.update(flag_reasons=FLAG_REASONS,
                                 can_mark_official=services.can_mark_official)
    app.register_blueprint(bp)
