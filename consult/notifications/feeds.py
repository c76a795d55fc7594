"""Atom and RSS feeds of new consultations, for everyone and per agency (feedgen)."""

from datetime import UTC

from flask import Blueprint, Response, abort, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.timeutil import to_local
from consult.drafts.models import STATUS_DRAFT, Agency, Consultation
from consult.extensions import db

bp = Blueprint("feeds", __name__)
FEED_SIZE = 50
FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def _aware(value):
    return value.replace(tzinfo=UTC)


def _feed(consultations, title, self_url, page_url):
    from feedgen.feed import FeedGenerator  # with lxml: on the first feed, not in every worker

    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.link(href=page_url, rel="alternate")
    fg.link(href=self_url, rel="self")
    fg.description(_("Các dự thảo văn bản quy phạm pháp luật mới được đăng để lấy ý kiến."))
    fg.language("vi")
    updated = max((c.updated_at for c in consultations), default=None)
    if updated:
        fg.updated(_aware(updated))
    for c in reversed(consultations):  # feedgen lists the last added entry first
        url = url_for("comments.consultation_page", slug=c.slug, _external=True)
        entry = fg.add_entry()
        entry.id(url)
        entry.title(f"{c.doc_type}: {c.title}")
        entry.link(href=url)
        entry.author(name=c.agency.name)
        entry.category(term=c.doc_type)
        entry.published(_aware(c.published_at or c.created_at))
        entry.updated(_aware(c.updated_at))
        dates = _("Lấy ý kiến từ %(start)s đến %(end)s.",
                  start=to_local(c.opens_at).strftime("%d/%m/%Y %H:%M"),
                  end=to_local(c.closes_at).strftime("%d/%m/%Y %H:%M"))
        entry.summary(f"{c.agency.name}. {dates}\n\n{c.summary}".strip())
    return fg


def _respond(fg, fmt):
    body = fg.atom_str(pretty=True) if fmt == "atom" else fg.rss_str(pretty=True)
    return Response(body, mimetype=FORMATS[fmt])


def _latest(agency_id=None):
    query = select(Consultation).where(Consultation.status != STATUS_DRAFT)
    if agency_id is not None:
        query = query.where(Consultation.agency_id == agency_id)
    query = query.order_by(Consultation.published_at.desc(), Consultation.id.desc())
    return db.session.scalars(query.limit(FEED_SIZE)).all()


@bp.get("/feeds/consultations.<fmt>")
def consultations_feed(fmt):
    """Anyone: the newest public consultations, as Atom or RSS."""
    if fmt not in FORMATS:
        abort(404)
    fg = _feed(_latest(), _("Dự thảo mới lấy ý kiến"),
               url_for("feeds.consultations_feed", fmt=fmt, _external=True),
               url_for("drafts.home", _external=True))
    return _respond(fg, fmt)


@bp.get("/feeds/agencies/<slug>.<fmt>")
def agency_feed(slug, fmt):
    """Anyone: one agency's public consultations, as Atom or RSS."""
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None or fmt not in FORMATS:
        abort(404)
    fg = _feed(_latest(agency.id), _("Dự thảo của %(agency)s", agency=agency.name),
               url_for("feeds.agency_feed", slug=slug, fmt=fmt, _external=True),
               url_for("drafts.home", _external=True))
    return _respond(fg, fmt)
