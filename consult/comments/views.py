"""Public reading pages (consultation, article) and comment actions."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.models import ROLE_USER
from consult.comments import pages, services
from consult.comments.forms import ActionForm, CommentForm, ReplyForm
from consult.comments.models import Comment
from consult.core.db_setup import reads_only, utcnow
from consult.core.exceptions import ServiceError
from consult.core.forms import apply_service_error, choices
from consult.core.markup import render_markdown
from consult.core.numbers import whole_number
from consult.core.pagecache import cached_page, page_shows_users
from consult.core.permissions import login_required
from consult.core.ratelimit import per_account_and_ip
from consult.drafts.models import Section
from consult.drafts.parser import clause_choices, split_clauses
from consult.drafts.services import find_article, find_consultation, neighbour_articles
from consult.drafts.version_views import article_url
from consult.drafts.versions import current_section, find_version
from consult.extensions import db

bp = Blueprint("comments", __name__)


@bp.app_context_processor
def _comment_counts():
    """For the drafts domain's pages (versions, changes): published comments per section."""
    return {"comment_counts": services.published_counts_by_section,
            "count_slot": pages.count_slot, "reaction_slot": pages.reaction_slot}


def _load_consultation(slug):
    return _viewable(find_consultation(slug))


def _viewable(consultation):
    """``consultation`` if the visitor may see it (drafts: staff of its agency); else 404."""
    if consultation is None or not consultation.can_view(current_user):
        abort(404)
    return consultation


def _load_article(consultation, anchor, version=None):
    version = version or consultation.current_version
    article = find_article(version, anchor) if version else None
    if article is None:
        abort(404)
    return article


def _comment_form(section=None):
    form = CommentForm(prefix="comment")
    options = [("", _("— Cả Điều —"))]
    if section is not None:
        options += clause_choices(section.body)
    form.clause_ref.choices = choices(options)
    form.body.render_kw = {"data-preview-url": url_for("comments.preview"),
                           "data-preview-label": _("Xem trước")}
    if section is not None:
        form.section_id.data = str(section.id)
    return form


def _comments_context(consultation, section, counts):
    per_page = current_app.config["CONSULT_COMMENTS_PER_PAGE"]
    cursor = pages.parse_cursor(request.args.get("trang"), consultation, section)
    page = pages.comment_page(consultation, section, cursor, per_page, current_user,
                              total=counts.get(section.id if section is not None else None, 0))
    replies = pages.replies_of(page.items, current_user)
    shown = [*page.items, *(r for rs in replies.values() for r in rs)]
    page_shows_users(c.author_id for c in shown)
    ids = [c.id for c in shown]
    return {
        "pagination": page,
        "replies": replies,
        # a page being stored has slots for them (filled when served)
        "reactions": {} if g.get("storing_page") else services.reaction_counts(ids),
        "reply_form": ReplyForm(prefix="reply"),
        "action_form": ActionForm(),
    }


def _render_consultation(consultation, form, status=200):
    version = consultation.current_version
    counts = pages.section_counts(consultation)
    return render_template(
        "comments/consultation.html", consultation=consultation, version=version,
        sections=version.sections if version else [], counts=counts, form=form,
        can_manage=consultation.can_manage(current_user),
        **_comments_context(consultation, None, counts),
    ), status


def _render_article(consultation, article, form, status=200):
    version = article.version
    previous, following = neighbour_articles(version, article)
    chain, parent = [], article.parent
    while parent is not None:
        chain.insert(0, parent)
        parent = parent.parent
    page_args = {"slug": consultation.slug, "anchor": article.anchor}
    if not version.is_current:
        page_args["number"] = version.number
    counts = pages.section_counts(consultation, article)
    return render_template(
        "comments/article.html", consultation=consultation, article=article,
        clauses=split_clauses(article.body), previous=previous, following=following,
        breadcrumbs=chain, form=form, sections=version.sections, version=version,
        is_current=version.is_current, page_args=page_args,
        current_article=None if version.is_current else current_section(article),
        earlier=services.earlier_version_comments(article, counts=counts), counts=counts,
        **_comments_context(consultation, article, counts),
    ), status


#: where a page stored for members has the visitor's own follow button
FOLLOW_SLOT = "<consult-follow/>"


def _fill_slots(consultation, section, stamp):
    """Completes a stored page of the thread of ``section`` (None: the general comments):
    the counts of the moment, the thread's own and its reactions exactly and, in a page
    stored for members, the visitor's own follow button."""
    def fill(html):
        own, reactions = pages.thread_figures(consultation, section, stamp, html)
        html = pages.fill_counts(html, pages.shared_counts(consultation), own)
        html = pages.fill_reactions(html, reactions)
        if FOLLOW_SLOT in html:
            html = html.replace(FOLLOW_SLOT, render_template("notifications/_follow.html",
                                                             consultation=consultation))
        return html
    return fill


def _member_sees_shared_page(consultation, section, unpublished=None):
    """A signed-in member sees what everyone sees in a thread, unless they have comments in
    it that only they see (waiting, hidden, refused; ``unpublished`` when already known) or
    comments on the page itself (their withdraw buttons: ``page_shows_users``). Staff and
    moderators have tools on it: they get their own page."""
    def sees():
        if current_user.role != ROLE_USER:
            return False
        if unpublished is not None:
            return not unpublished
        return not pages.has_unpublished_comments(current_user, consultation, section)
    return sees


def _first_page():
    return not request.args.get("trang")


def _cached_article(consultation, article, unpublished=None):
    """An article page, from the page cache for visitors and members."""
    stamp = pages.thread_stamp(consultation, article, _first_page())
    return cached_page("article", stamp,
                       lambda: _render_article(consultation, article, _comment_form(article)),
                       fill=_fill_slots(consultation, article, stamp),
                       members=_member_sees_shared_page(consultation, article, unpublished),
                       timeout=pages.thread_timeout())


@bp.get("/c/<slug>")
@reads_only
def consultation_page(slug):
    """Anyone (drafts: staff of the agency): summary, dates, contents, general comments."""
    consultation = _load_consultation(slug)
    stamp = pages.thread_stamp(consultation, first_page=_first_page())
    return cached_page("consultation", stamp,
                       lambda: _render_consultation(consultation, _comment_form()),
                       fill=_fill_slots(consultation, None, stamp),
                       members=_member_sees_shared_page(consultation, None),
                       timeout=pages.thread_timeout())


@bp.get("/c/<slug>/<anchor>")
@reads_only
def article_page(slug, anchor):
    """Anyone: one article with its khoản/điểm anchors and its comments."""
    user = current_user if current_user.is_authenticated else None
    consultation, article, unpublished = pages.find_article_page(slug, anchor, user)
    _viewable(consultation)
    if article is None:
        abort(404)
    return _cached_article(consultation, article, unpublished)


@bp.get("/c/<slug>/phien-ban/<int:number>/<anchor>")
@reads_only
def version_article_page(slug, number, anchor):
    """Anyone who may see the consultation: an article of an earlier version, read-only,
    with the comments written on it (the current version's article redirects)."""
    consultation = _load_consultation(slug)
    version = find_version(consultation, number)
    if version is None:
        abort(404)
    article = _load_article(consultation, anchor, version)
    if version.is_current:
        return redirect(url_for("comments.article_page", slug=slug, anchor=anchor))
    return _cached_article(consultation, article)


@bp.post("/c/<slug>/y-kien")
@login_required
@per_account_and_ip("COMMENT")
def submit(slug):
    """Logged-in users, while the consultation is open: comment on an article or in general."""
    consultation = _load_consultation(slug)
    section = None
    section_id = request.form.get("comment-section_id", "")
    if section_id:
        if whole_number(section_id) is None:
            abort(400)
        section = db.session.get(Section, int(section_id))
        if section is None or section.version.consultation_id != consultation.id:
            abort(400)
    form = _comment_form(section)
    if form.validate_on_submit():
        started = utcnow()
        try:
            comment = services.submit_comment(
                current_user, consultation, form.body.data, form.stance.data, section,
                form.proposed_wording.data, form.clause_ref.data,
                idempotency_key=form.idempotency_key.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            if comment.is_published:
                flash(_("Cảm ơn bạn đã góp ý."), "success")
            else:
                flash(_("Góp ý của bạn đang chờ kiểm duyệt.") + " "
                      + (comment.moderation_reason or ""), "info")
            # created now (not a retry's earlier comment): the newest of its thread
            return _commit_and_redirect(_comment_url(comment,
                                                     newest=comment.created_at >= started))
    if section is None:
        return _render_consultation(consultation, form, 422)
    return _render_article(consultation, section, form, 422)


def _load_comment(comment_id):
    comment = db.session.get(Comment, comment_id)
    if comment is None or not comment.consultation.can_view(current_user):
        abort(404)
    return comment


def _commit_and_redirect(url):
    """Commit, then redirect to ``url``, worked out before the commit: from the rows already
    loaded, where after it every one of them would be read again (a comment POST's half-dozen
    statements fewer)."""
    db.session.commit()
    return redirect(url)


def _comment_url(comment, newest=False):
    """The page of the comment's thread that shows it (to the current user), with its anchor.
    A comment just sent (``newest``) is on the thread's newest page: no need to count."""
    top = comment.parent or comment
    if newest and comment.parent is None:
        cursor = "cuoi"
    else:
        per_page = current_app.config["CONSULT_COMMENTS_PER_PAGE"]
        cursor = pages.cursor_for(top, per_page, current_user)
    args = {"trang": cursor} if cursor else {}
    slug = comment.consultation.slug
    if top.section is None:
        url = url_for("comments.consultation_page", slug=slug, **args)
    else:
        url = article_url(top.section, **args)
    return f"{url}#{comment.anchor}"


@bp.get("/y-kien/<int:comment_id>")
def permalink(comment_id):
    """Anyone who may see the comment: redirect to it in its article."""
    comment = _load_comment(comment_id)
    if not comment.can_view(current_user):
        abort(404)
    return redirect(_comment_url(comment))


@bp.post("/y-kien/<int:comment_id>/tra-loi")
@login_required
@per_account_and_ip("COMMENT")
def reply(comment_id):
    """Logged-in users, while open: reply to a published comment."""
    parent = _load_comment(comment_id)
    form = ReplyForm(prefix="reply")
    if not form.validate_on_submit():
        flash(_("Nội dung trả lời không được để trống."), "error")
        return redirect(_comment_url(parent))
    try:
        created = services.reply_to_comment(current_user, parent, form.reply_body.data,
                                            idempotency_key=form.idempotency_key.data)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(_comment_url(parent))
    flash(_("Đã gửi trả lời.") if created.is_published else
          _("Trả lời của bạn đang chờ kiểm duyệt."), "success")
    return _commit_and_redirect(_comment_url(created))


@bp.post("/y-kien/<int:comment_id>/rut")
@login_required
def withdraw(comment_id):
    """The comment's author: withdraw it (kept, marked withdrawn)."""
    comment = _load_comment(comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_comment(current_user, comment)
    except ServiceError as error:
        abort(error.status_code, error.message)
    flash(_("Đã rút ý kiến."), "info")
    return _commit_and_redirect(_comment_url(comment.parent) if comment.parent
                                else _section_url(comment))


def _section_url(comment):
    if comment.section is None:
        return url_for("comments.consultation_page", slug=comment.consultation.slug)
    return article_url(comment.section)


@bp.post("/y-kien/<int:comment_id>/bay-to/<kind>")
@login_required
def react(comment_id, kind):
    """Logged-in users other than the author: support or oppose a published comment."""
    comment = _load_comment(comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.react_to_comment(current_user, comment, kind)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(_comment_url(comment))
    return _commit_and_redirect(_comment_url(comment))


@bp.post("/xem-truoc")
@login_required
def preview():
    """Logged-in users: the composer's Markdown preview, sanitised like a published comment."""
    text = request.form.get("text", "")
    if len(text) > current_app.config["CONSULT_COMMENT_MAX_CHARS"] * 2:
        abort(413)
    return jsonify(html=str(render_markdown(text)))
