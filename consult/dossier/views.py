"""The dossier page (public once concluded), the review workspace, answers, analysis runs,
publication and the exports. Only staff of the owning agency and admins review and export."""

import io
import logging
import threading

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from consult.comments.forms import ActionForm
from consult.comments.models import STANCES, Comment
from consult.core import keyset
from consult.core.exceptions import ServiceError
from consult.core.forms import apply_service_error
from consult.core.numbers import int_arg, whole_number, whole_numbers
from consult.core.permissions import login_required, require
from consult.core.security import is_safe_next
from consult.dossier import analysis as analysis_job
from consult.dossier import services
from consult.dossier.charts import page_charts
from consult.dossier.corpus import count_covered
from consult.dossier.export_tabular import csv_rows, write_json
from consult.dossier.forms import AnswerForm
from consult.dossier.models import DISPOSITIONS
from consult.dossier.table import (
    introduction,
    load_dossier,
    page_of,
    table_headings,
    wordings_beside_text,
)
from consult.drafts.models import PHASE_CONCLUDED
from consult.drafts.services import find_consultation
from consult.extensions import db

bp = Blueprint("dossier", __name__)
log = logging.getLogger("consult.dossier")


# python-docx and fpdf2 load on the first export, not in every web process.
def write_docx(*args, **kwargs):
    from consult.dossier.export_docx import write_docx

    return write_docx(*args, **kwargs)


def write_pdf(*args, **kwargs):
    from consult.dossier.export_pdf import write_pdf

    return write_pdf(*args, **kwargs)


EXPORTS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             write_docx),
    "pdf": ("application/pdf", write_pdf),
    "json": ("application/json", write_json),
}


def _consultation_or_404(slug):
    consultation = find_consultation(slug)
    if consultation is None or not consultation.can_view(current_user):
        abort(404)
    return consultation


def _managed(slug):
    """The consultation, for staff of its agency and admins only (others: 403)."""
    consultation = _consultation_or_404(slug)
    require(consultation.can_manage(current_user))
    return consultation


def _back(default):
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_safe_next(target) else default)


@bp.get("/c/<slug>/tong-hop")
def page(slug):
    """Anyone once concluded; before that staff of the agency and admins: the dossier."""
    consultation = _consultation_or_404(slug)
    manager = consultation.can_manage(current_user)
    if not manager and consultation.phase() != PHASE_CONCLUDED:
        abort(404)
    dossier = load_dossier(consultation)
    running = analysis_job.run_is_alive(dossier.analysis)
    db.session.commit()  # keeps the answers summary the page computed
    config = current_app.config
    rows, table_page, table_pages = page_of(dossier.rows, int_arg("trang"),
                                            config["CONSULT_DOSSIER_ROWS_PER_PAGE"])
    return render_template(
        "dossier/page.html", consultation=consultation, dossier=dossier, manager=manager,
        rows=rows, table_page=table_page, table_pages=table_pages,
        campaigns_shown=config["CONSULT_DOSSIER_CAMPAIGNS_SHOWN"],
        running=running, charts=page_charts(consultation, dossier) if dossier.result else None,
        wordings=wordings_beside_text(consultation, dossier.result) if dossier.result else [],
        headings=table_headings(), action_form=ActionForm(), intro=introduction(dossier),
        events=services.events(consultation) if manager else [],
        counts=_counts(consultation, dossier) if manager else None)


def _counts(consultation, dossier):
    """(answered, covered) from the cached summary (kept current as answers change), or
    counted when there is no analysis yet."""
    if dossier.result:
        return dossier.answered, dossier.total
    return services.answered_counts(consultation)


def _run_in_background(app, consultation_id, analysis_id, user_id):
    def run():
        with app.app_context():
            from consult.accounts.models import User
            from consult.drafts.models import Consultation

            try:
                consultation = db.session.get(Consultation, consultation_id)
                started = db.session.get(analysis_job.Analysis, analysis_id)
                analysis_job.run_started(consultation, started, db.session.get(User, user_id))
            except Exception:  # recorded as failed on the Analysis row; the page says so
                log.exception("background dossier analysis failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"dossier-analysis-{consultation_id}",
                              daemon=True)
    thread.start()
    return thread


@bp.post("/c/<slug>/tong-hop/phan-tich")
@login_required
def analyse(slug):
    """Staff of the agency and admins: analyse the comments again (small ones at once,
    large ones in the background while the page shows the progress)."""
    consultation = _managed(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = count_covered(consultation.id)
    try:
        if count <= current_app.config["CONSULT_DOSSIER_INLINE_MAX"]:
            analysis = analysis_job.analyse_consultation(consultation, current_user)
            flash(_("Đã phân tích %(n)d ý kiến.", n=analysis.comment_count), "success")
        else:
            analysis = analysis_job.start_analysis(consultation)
            _run_in_background(current_app._get_current_object(), consultation.id,
                               analysis.id, current_user.id)
            flash(_("Đang phân tích %(n)d ý kiến; trang sẽ cho biết tiến độ.", n=count), "info")
    except ServiceError as error:
        flash(error.message, "error")
    return redirect(url_for("dossier.page", slug=slug))


@bp.post("/c/<slug>/tong-hop/cong-bo")
@login_required
def publish(slug):
    """Staff of the agency and admins: publish the dossier (the consultation concludes)."""
    consultation = _managed(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.publish_dossier(current_user, consultation)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Đã công bố bản tổng hợp; người góp ý đã xem được nội dung tiếp thu, giải "
                "trình."), "success")
    return redirect(url_for("dossier.page", slug=slug))


def _filters():
    args = request.args
    return services.Filters(
        section=args.get("dieu") or None,
        stance=args.get("quan-diem") if args.get("quan-diem") in STANCES else None,
        kind=args.get("chu-the") if args.get("chu-the") in ("citizen", "business") else None,
        campaign=int_arg("chien-dich"), theme=int_arg("nhom"),
        answered=args.get("tra-loi") if args.get("tra-loi") in ("yes", "no") else None,
        disposition=args.get("hinh-thuc") if args.get("hinh-thuc") in DISPOSITIONS else None)


def _render_workspace(consultation, form, status=200):
    filters = _filters()
    review = services.review_page(consultation, filters,
                                  keyset.requested(services.REVIEW_ORDER))
    dossier = load_dossier(consultation, with_rows=False)
    db.session.commit()
    return render_template(
        "dossier/workspace.html", consultation=consultation, review=review, filters=filters,
        form=form, dossier=dossier, counts=services.answered_counts(consultation),
        stances=STANCES, dispositions=DISPOSITIONS,
        articles=consultation.current_version.articles()), status


@bp.get("/c/<slug>/tong-hop/tra-loi")
@login_required
def workspace(slug):
    """Staff of the agency and admins: comments by article with filters, answered in bulk."""
    consultation = _managed(slug)
    return _render_workspace(consultation, AnswerForm())


@bp.post("/c/<slug>/tong-hop/tra-loi")
@login_required
def answer_many(slug):
    """Staff of the agency and admins: answer the ticked comments, or a whole group."""
    consultation = _managed(slug)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_workspace(consultation, form, 422)
    try:
        kind, _sep, group = request.form.get("group", "").partition(":")
        if kind:
            if whole_number(group) is None:
                abort(400)
            changed = services.answer_group(current_user, consultation, kind, int(group),
                                            form.disposition.data, form.explanation.data,
                                            form.only_unanswered.data)
        else:
            ids = whole_numbers(request.form.getlist("comment_ids"))
            if not ids:
                raise ServiceError(_("Vui lòng chọn ít nhất một ý kiến."))
            changed = services.answer_comments(current_user, consultation, ids,
                                               form.disposition.data, form.explanation.data,
                                               only_unanswered=form.only_unanswered.data)
    except ServiceError as error:
        apply_service_error(form, error)
        return _render_workspace(consultation, form, 422)
    db.session.commit()
    flash(_("Đã trả lời %(n)d ý kiến.", n=changed), "success")
    return _back(url_for("dossier.workspace", slug=slug))


def _covered_comment(consultation, comment_id):
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id or (
            comment.parent_id is not None):
        abort(404)
    return comment


@bp.route("/c/<slug>/tong-hop/y-kien/<int:comment_id>", methods=["GET", "POST"])
@login_required
def answer_one(slug, comment_id):
    """Staff of the agency and admins: answer one comment; every earlier answer is listed."""
    consultation = _managed(slug)
    comment = _covered_comment(consultation, comment_id)
    answer = services.comment_answer(comment)
    form = AnswerForm(obj=answer if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.answer_comments(current_user, consultation, [comment.id],
                                     form.disposition.data, form.explanation.data)
        except ServiceError as error:
            apply_service_error(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu câu trả lời."), "success")
            return _back(url_for("dossier.workspace", slug=slug))
    elif request.method == "POST":
        status = 422
    return render_template("dossier/answer.html", consultation=consultation, comment=comment,
                           answer=services.comment_answer(comment), form=form), status


@bp.get("/c/<slug>/tong-hop.<fmt>")
def export(slug, fmt):
    """Anyone once the dossier is published ("công khai"); before that staff of the agency
    and admins: the dossier as DOCX, PDF, CSV or JSON."""
    consultation = _consultation_or_404(slug)
    if consultation.phase() != PHASE_CONCLUDED:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        require(consultation.can_manage(current_user))
    if fmt not in (*EXPORTS, "csv"):
        abort(404)
    filename = f"tong-hop-{consultation.slug}.{fmt}"
    if fmt == "csv":
        def generate():
            with force_locale("vi"):
                yield from csv_rows(consultation)

        return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})
    if analysis_job.load_result(analysis_job.get_analysis(consultation.id)) is None:
        flash(_("Cần phân tích ý kiến trước khi tải bản tổng hợp."), "error")
        return redirect(url_for("dossier.page", slug=slug))
    mimetype, writer = EXPORTS[fmt]
    buffer = io.BytesIO()
    writer(consultation, buffer)
    db.session.commit()
    buffer.seek(0)
    return send_file(buffer, mimetype=mimetype, as_attachment=True, download_name=filename)


def init_app(app):
    from consult.dossier.models import DISPOSITIONS as labels

    services.connect_signals()
    app.jinja_env.globals.update(published_answers=services.published_answers,
                                 disposition_labels=labels,
                                 dossier_outcome=services.disposition_counts)
    app.register_blueprint(bp)
