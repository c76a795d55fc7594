"""Versions of a draft: the list, one version's contents, exports, the change view, and the
staff's "new version" form."""

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.exceptions import ServiceError
from consult.core.forms import apply_service_error
from consult.core.numbers import whole_number
from consult.core.permissions import require, roles_required
from consult.core.timeutil import from_local
from consult.drafts import versions
from consult.drafts.diff import article_change
from consult.drafts.forms import NewVersionForm, submitted_text
from consult.drafts.models import STATUS_CLOSED, STATUS_DRAFT, STATUS_OPEN, Section
from consult.drafts.services import find_article, find_consultation
from consult.extensions import db

bp = Blueprint("versions", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def article_url(section, **args):
    """An article's page: ``/c/<slug>/<anchor>`` in the current version,
    ``/c/<slug>/phien-ban/<n>/<anchor>`` in an earlier one."""
    version = section.version
    slug = version.consultation.slug
    if version.is_current:
        return url_for("comments.article_page", slug=slug, anchor=section.anchor, **args)
    return url_for("comments.version_article_page", slug=slug, number=version.number,
                   anchor=section.anchor, **args)


@bp.app_context_processor
def _version_helpers():
    return {"article_url": article_url}


def _viewable(slug):
    consultation = find_consultation(slug)
    if consultation is None or not consultation.can_view(current_user):
        abort(404)
    return consultation


def _version(consultation, number):
    version = versions.find_version(consultation, number)
    if version is None:
        abort(404)
    return version


@bp.get("/c/<slug>/phien-ban")
def version_list(slug):
    """Anyone who may see the consultation: its versions, with notes, exports and changes."""
    consultation = _viewable(slug)
    return render_template("drafts/versions.html", consultation=consultation,
                           versions=list(reversed(consultation.versions)),
                           can_manage=consultation.can_manage(current_user))


@bp.get("/c/<slug>/phien-ban/<int:number>")
def version_page(slug, number):
    """Anyone who may see the consultation: the contents of one version."""
    consultation = _viewable(slug)
    return render_template("drafts/version.html", consultation=consultation,
                           version=_version(consultation, number))


def _download_name(consultation, version, extension):
    return f"{consultation.slug}-phien-ban-{version.number}.{extension}"


@bp.get("/c/<slug>/phien-ban/<int:number>.docx")
def export_docx(slug, number):
    """Anyone who may see the consultation: the version as a Word file."""
    from consult.drafts.export import version_docx  # python-docx: on first use only

    consultation = _viewable(slug)
    version = _version(consultation, number)
    return send_file(io.BytesIO(version_docx(version)), mimetype=DOCX_MIMETYPE,
                     as_attachment=True,
                     download_name=_download_name(consultation, version, "docx"))


@bp.get("/c/<slug>/phien-ban/<int:number>.txt")
def export_text(slug, number):
    """Anyone who may see the consultation: the version as plain text (UTF-8)."""
    from consult.drafts.export import version_text

    consultation = _viewable(slug)
    version = _version(consultation, number)
    name = _download_name(consultation, version, "txt")
    return Response(version_text(version), mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/c/<slug>/phien-ban/moi", methods=["GET", "POST"])
@roles_required("agency")
def new_version(slug):
    """Staff of the owning agency: preview, then publish, a new version of a published draft."""
    consultation = find_consultation(slug)
    if consultation is None:
        abort(404)
    require(consultation.can_manage(current_user))
    if consultation.status == STATUS_DRAFT:
        flash(_("Dự thảo chưa công bố: hãy sửa trực tiếp văn bản."), "info")
        return redirect(url_for("drafts.edit", slug=slug))
    if consultation.status not in (STATUS_OPEN, STATUS_CLOSED):
        flash(_("Đợt lấy ý kiến đã công bố kết quả, không thể đăng phiên bản mới."), "info")
        return redirect(url_for("versions.version_list", slug=slug))
    form = NewVersionForm()
    changes = None
    if request.method == "GET":
        form.text.data = consultation.current_version.source_text
    elif form.validate_on_submit():
        try:
            text = submitted_text(form)
            if form.publish.data:
                closes_at = from_local(form.closes_at.data) if form.closes_at.data else None
                version = versions.publish_new_version(consultation, text, form.note.data,
                                                       current_user, closes_at)
            else:
                _document, changes = versions.preview_new_version(consultation, text)
                form.text.data = text
        except ServiceError as error:
            apply_service_error(form, error)
            changes = None
        else:
            if form.publish.data:
                db.session.commit()
                flash(_("Đã đăng phiên bản %(n)d.", n=version.number), "success")
                return redirect(url_for("versions.changes", slug=slug, tu=version.number - 1,
                                        den=version.number))
    failed = request.method == "POST" and (form.errors or form.form_errors)
    return render_template("drafts/new_version.html", consultation=consultation, form=form,
                           changes=changes), 422 if failed else 200


def _compared_versions(consultation):
    """The two versions chosen with ?tu=&den= (default: the last two), or None if only one."""
    if len(consultation.versions) < 2:
        return None, None

    def number(name, default):
        value = request.args.get(name, "")
        if value == "":
            return default
        if whole_number(value) is None:
            abort(400, _("Số phiên bản không hợp lệ."))
        return int(value)

    new_number = number("den", consultation.current_version.number)
    old_number = number("tu", new_number - 1 if new_number > 1 else new_number + 1)
    if old_number == new_number:
        abort(400, _("Hãy chọn hai phiên bản khác nhau để so sánh."))
    return _version(consultation, old_number), _version(consultation, new_number)


@bp.get("/c/<slug>/thay-doi")
def changes(slug):
    """Anyone who may see the consultation: what changed between two versions."""
    consultation = _viewable(slug)
    old, new = _compared_versions(consultation)
    changes = versions.compare_versions(old, new) if old else []
    return render_template("drafts/changes.html", consultation=consultation, old=old, new=new,
                           changes=changes, single=None)


@bp.get("/c/<slug>/thay-doi/<anchor>")
def article_changes(slug, anchor):
    """Anyone who may see the consultation: what changed in one article (anchor of the newer
    version; an article removed since is found by its anchor in the older one)."""
    consultation = _viewable(slug)
    old, new = _compared_versions(consultation)
    if old is None:
        abort(404)
    matches = versions.matching_between(old, new)
    new_article = find_article(new, anchor)
    if new_article is not None:
        old_id = matches.get(new_article.id)
        change = article_change(db.session.get(Section, old_id) if old_id else None, new_article)
    else:
        old_article = find_article(old, anchor)
        if old_article is None:
            abort(404)
        moved_to = next((n for n, o in matches.items() if o == old_article.id), None)
        if moved_to is not None:
            return redirect(url_for("versions.article_changes", slug=slug,
                                    anchor=db.session.get(Section, moved_to).anchor,
                                    tu=old.number, den=new.number))
        change = article_change(old_article, None)
    return render_template("drafts/changes.html", consultation=consultation, old=old, new=new,
                           changes=[change], single=change)
