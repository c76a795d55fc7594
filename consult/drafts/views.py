"""Home page and the agency staff's consultation management."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.comments.forms import ActionForm
from consult.core.db_setup import reads_only
from consult.core.exceptions import ServiceError
from consult.core.forms import apply_service_error, choices
from consult.core.pagecache import cached_page, everyone
from consult.core.permissions import require, roles_required
from consult.core.timeutil import from_local, to_local
from consult.drafts import services
from consult.drafts.forms import ConsultationForm, submitted_text
from consult.drafts.models import PHASE_LABELS, Agency
from consult.extensions import db

bp = Blueprint("drafts", __name__)


@bp.app_context_processor
def _phase_labels():
    return {"phase_labels": PHASE_LABELS}


@bp.get("/")
@reads_only
def home():
    """Anyone: open consultations, upcoming ones, recently closed ones."""
    return cached_page("home", services.home_stamp(), lambda: render_template(
        "drafts/home.html", listing=services.home_listing()), members=everyone)


@bp.get("/quan-ly")
@roles_required("agency")
def dashboard():
    """Agency staff (their agency's consultations) and admins (all)."""
    agency_id = None if current_user.is_admin else current_user.agency_id
    return render_template("drafts/dashboard.html",
                           consultations=services.agency_consultations(agency_id),
                           action_form=ActionForm())


def _agency_choices(form):
    if current_user.is_admin:
        agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    else:
        agencies = [current_user.agency]
    form.agency_id.choices = choices((a.id, a.name) for a in agencies)


def _agency_for(form):
    agency = db.session.get(Agency, form.agency_id.data)
    if agency is None or not (current_user.is_admin or current_user.agency_id == agency.id):
        abort(403)
    return agency


@bp.route("/quan-ly/tao-moi", methods=["GET", "POST"])
@roles_required("agency")
def create():
    """Agency staff and admins: create a consultation from pasted or uploaded text."""
    form = ConsultationForm()
    _agency_choices(form)
    if not form.agency_id.choices:
        abort(403)
    if form.validate_on_submit():
        try:
            text = submitted_text(form)
            if not text.strip():
                raise ServiceError(_("Vui lòng dán toàn văn dự thảo hoặc tải tệp lên."),
                                   field="text")
            consultation = services.create_consultation(
                _agency_for(form), form.title.data, form.doc_type.data, form.summary.data,
                from_local(form.opens_at.data), from_local(form.closes_at.data), text,
                created_by=current_user, moderation_mode=form.moderation_mode.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã tạo dự thảo. Kiểm tra cấu trúc rồi công bố."), "success")
            return redirect(url_for("comments.consultation_page", slug=consultation.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("drafts/edit.html", form=form, consultation=None), status


def _managed(slug):
    consultation = services.find_consultation(slug)
    if consultation is None:
        abort(404)
    require(consultation.can_manage(current_user))
    return consultation


@bp.route("/c/<slug>/sua", methods=["GET", "POST"])
@roles_required("agency")
def edit(slug):
    """Staff of the owning agency: edit details; replace the text while still a draft."""
    consultation = _managed(slug)
    form = ConsultationForm(obj=consultation)
    _agency_choices(form)
    if request.method == "GET":
        form.opens_at.data = to_local(consultation.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(consultation.closes_at).replace(tzinfo=None)
        form.text.data = consultation.current_version.source_text
    if form.validate_on_submit():
        try:
            text = submitted_text(form) if consultation.status == "draft" else None
            services.update_consultation(
                consultation, form.title.data, form.doc_type.data, form.summary.data,
                from_local(form.opens_at.data), from_local(form.closes_at.data), text,
                form.moderation_mode.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("comments.consultation_page", slug=consultation.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("drafts/edit.html", form=form, consultation=consultation), status


def _lifecycle_action(slug, action, done_message):
    consultation = _managed(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(consultation)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done_message, "success")
    return redirect(url_for("comments.consultation_page", slug=consultation.slug))


@bp.post("/c/<slug>/cong-bo")
@roles_required("agency")
def publish(slug):
    """Staff of the owning agency: publish (opens at the opening time)."""
    return _lifecycle_action(slug, services.publish_consultation, _("Đã công bố dự thảo."))


@bp.post("/c/<slug>/mo")
@roles_required("agency")
def open_now(slug):
    """Staff of the owning agency: open for comments now."""
    return _lifecycle_action(slug, services.open_consultation, _("Đã mở lấy ý kiến."))


@bp.post("/c/<slug>/dong")
@roles_required("agency")
def close_now(slug):
    """Staff of the owning agency: close for comments now."""
    return _lifecycle_action(slug, services.close_consultation, _("Đã đóng lấy ý kiến."))
