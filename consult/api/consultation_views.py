"""API: consultations, their section tree, sections, comment counts per article."""

from flask import abort
from sqlalchemy import select

from consult.api import params, queries, serializers
from consult.api.http import bp, json_response, page_payload
from consult.api.pagination import keyset_page, next_url
from consult.core.db_setup import utcnow
from consult.drafts.models import DOCUMENT_TYPES, Consultation, Section
from consult.extensions import db

LIST_PARAMS = ("status", "agency", "document_type", "opens_after", "opens_before",
               "closes_after", "closes_before", "cursor", "limit")


def consultation_or_404(slug):
    consultation = queries.find_public_consultation(slug)
    if consultation is None:
        abort(404)
    return consultation


def section_or_404(section_id):
    """(section, consultation) of a public consultation, or 404."""
    section = db.session.get(Section, section_id) if section_id < 2**31 else None
    consultation = section.version.consultation if section is not None else None
    if consultation is None or not consultation.is_public:
        abort(404)
    return section, consultation


@bp.get("/consultations")
def consultations():
    """Anyone: public consultations, filtered, oldest first (keyset pages)."""
    params.check_known(LIST_PARAMS)
    now = utcnow()
    query = queries.public_consultations(
        now, phase=params.choice("status", queries.PUBLIC_PHASES),
        agency_slug=params.token("agency", params.SLUG),
        doc_type=params.choice("document_type", DOCUMENT_TYPES),
        opens_after=params.moment("opens_after"),
        opens_before=params.moment("opens_before", end_of_day=True),
        closes_after=params.moment("closes_after"),
        closes_before=params.moment("closes_before", end_of_day=True))
    limit = params.limit()
    rows, cursor = keyset_page(query, Consultation.created_at, Consultation.id,
                               params.token("cursor", params.TOKEN), limit)
    link = next_url(cursor)
    return json_response(page_payload([serializers.consultation_summary(c, now) for c in rows],
                                      link, limit),
                         queries.consultations_last_modified(now), link)


@bp.get("/consultations/<slug>")
def consultation_detail(slug):
    """Anyone: one public consultation with its section tree and comment count."""
    params.check_known(())
    now = utcnow()
    consultation = consultation_or_404(slug)
    counts = queries.comment_counts(consultation.id)
    total = sum(entry["comments"] for entry in counts.values())
    payload = serializers.consultation_detail(consultation, consultation.current_version,
                                              total, now)
    return json_response(payload, queries.consultation_last_modified(consultation, now))


@bp.get("/consultations/<slug>/sections")
def consultation_sections(slug):
    """Anyone: every section of the draft in document order, with the article texts."""
    params.check_known(())
    consultation = consultation_or_404(slug)
    version = consultation.current_version
    counts = queries.comment_counts(consultation.id)
    data = [serializers.section_full(s, consultation,
                                     counts.get(s.id, {}).get("comments", 0)
                                     if s.is_article else None)
            for s in (version.sections if version else [])]
    return json_response({"data": data},
                         queries.consultation_last_modified(consultation, utcnow()))


@bp.get("/sections/<int:section_id>")
def section_detail(section_id):
    """Anyone: one section of a public consultation."""
    params.check_known(())
    section, consultation = section_or_404(section_id)
    count = queries.comment_counts(consultation.id).get(section.id, {}).get("comments", 0)
    return json_response(serializers.section_full(section, consultation,
                                                  count if section.is_article else None),
                         queries.consultation_last_modified(consultation, utcnow()))


@bp.get("/consultations/<slug>/comment-counts")
def comment_counts(slug):
    """Anyone: published comments per article (and general ones), with stances."""
    params.check_known(())
    consultation = consultation_or_404(slug)
    counts = queries.comment_counts(consultation.id)
    empty = {"comments": 0, "replies": 0, "stances": {}}
    version = consultation.current_version
    articles = db.session.scalars(select(Section).where(
        Section.version_id == version.id, Section.kind == "dieu")
        .order_by(Section.position)).all() if version else []
    data = [{"article": None, **counts.get(None, empty)}]
    data += [{"article": {"id": a.id, "number": a.number, "label": a.label, "title": a.title},
              **counts.get(a.id, empty)} for a in articles]
    return json_response({"consultation": consultation.slug, "data": data},
                         queries.comments_last_modified(consultation.id)
                         or consultation.updated_at)
