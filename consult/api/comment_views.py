"""API: published comments of a consultation or an article (filters, full-text ``q``),
one comment, and the CSV bulk download."""

import hashlib
from datetime import UTC

from flask import Response, abort, request, stream_with_context
from sqlalchemy import func, select

from consult.api import params, queries, serializers
from consult.api.consultation_views import consultation_or_404, section_or_404
from consult.api.export import csv_stream
from consult.api.http import bp, json_response, page_payload
from consult.api.pagination import decode_page, keyset_page, next_url
from consult.api.params import bad
from consult.comments.models import STANCES, STATUS_PUBLISHED, Comment
from consult.core.keyset import pack
from consult.drafts.models import Section
from consult.extensions import db
from consult.search.query import MAX_QUERY_CHARS, search

STAKEHOLDERS = ("citizen", "business")
FILTERS = ("stance", "stakeholder", "date_from", "date_to", "q", "cursor", "limit")


def _filters():
    return {
        "stance": params.choice("stance", tuple(STANCES)),
        "stakeholder": params.choice("stakeholder", STAKEHOLDERS),
        "date_from": params.moment("date_from"),
        "date_to": params.moment("date_to", end_of_day=True),
    }


def _searched(consultation, section_id, filters, q, cursor, limit):
    """One page of ``q`` results (relevance order); stale index hits are dropped."""
    page = decode_page(cursor) if cursor else 1
    result = search(q, consultation_id=consultation.id, article_id=section_id, kind="comment",
                    stakeholder=filters["stakeholder"], stance=filters["stance"],
                    date_from=filters["date_from"], date_to=filters["date_to"], page=page,
                    per_page=limit, with_facets=False)
    if result.error == "syntax":
        raise bad("q", "the search query could not be read")
    if (page - 1) * limit >= result.total:
        return [], None
    ids = [hit.object_id for hit in result.hits if hit.kind == "comment"]
    found = {c.id: c for c in db.session.scalars(
        queries.published_comments(consultation.id, section_id, **filters, ids=ids))}
    rows = [found[i] for i in ids if i in found]
    more = page * limit < result.total
    return rows, pack({"page": page + 1}) if more else None


def _comment_list(consultation, section_id=None):
    filters = _filters()
    q = params.text("q", MAX_QUERY_CHARS)
    limit = params.limit()
    cursor = params.token("cursor", params.TOKEN)
    if q:
        rows, next_cursor = _searched(consultation, section_id, filters, q, cursor, limit)
        last_modified = None
    else:
        query = queries.published_comments(consultation.id, section_id, **filters)
        rows, next_cursor = keyset_page(query, Comment.created_at, Comment.id, cursor, limit)
        last_modified = queries.comments_last_modified(consultation.id)
    link = next_url(next_cursor)
    return json_response(page_payload([serializers.comment(c) for c in rows], link, limit),
                         last_modified, link)


@bp.get("/consultations/<slug>/comments")
def consultation_comments(slug):
    """Anyone: published comments of a consultation (``article`` narrows to one article)."""
    params.check_known(FILTERS + ("article",))
    consultation = consultation_or_404(slug)
    article_id = params.integer("article")
    if article_id is not None:
        version = consultation.current_version
        exists = db.session.scalar(select(Section.id).where(
            Section.id == article_id, Section.version_id == version.id)) if version else None
        if exists is None:
            raise bad("article", "no such article in this consultation")
    return _comment_list(consultation, article_id)


@bp.get("/sections/<int:section_id>/comments")
def section_comments(section_id):
    """Anyone: published comments of one article of a public consultation."""
    params.check_known(FILTERS)
    section, consultation = section_or_404(section_id)
    return _comment_list(consultation, section.id)


@bp.get("/comments/<int:comment_id>")
def comment_detail(comment_id):
    """Anyone: one published comment of a public consultation."""
    params.check_known(())
    comment = queries.find_published_comment(comment_id) if comment_id < 2**31 else None
    if comment is None:
        abort(404)
    return json_response(serializers.comment(comment), comment.updated_at)


@bp.get("/consultations/<slug>/comments.csv")
def comments_csv(slug):
    """Anyone: every published comment of a consultation as CSV, streamed."""
    params.check_known(())
    consultation = consultation_or_404(slug)
    count, last_modified = db.session.execute(
        select(func.count(Comment.id), func.max(Comment.updated_at))
        .where(Comment.consultation_id == consultation.id)).one()
    published = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.consultation_id == consultation.id, Comment.status == STATUS_PUBLISHED))
    url_prefix = serializers.site_url("comments.permalink", comment_id=0)[:-1]
    response = Response(stream_with_context(csv_stream(consultation.id, url_prefix)),
                        mimetype="text/csv")
    # make_conditional would otherwise read the whole body to set Content-Length
    response.implicit_sequence_conversion = False
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{consultation.slug}-y-kien.csv"')
    response.headers["Cache-Control"] = "public, no-cache"
    # a weak validator from what the file depends on, known before the rows are read
    state = f"{consultation.id}:{count}:{published}:{last_modified}".encode()
    response.set_etag(hashlib.sha256(state).hexdigest()[:32], weak=True)
    if last_modified is not None:
        response.last_modified = last_modified.replace(tzinfo=UTC, microsecond=0)
    return response.make_conditional(request)
