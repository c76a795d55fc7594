"""The search page, and draining the outbox after requests that changed something."""

import logging
from datetime import datetime, timedelta

from flask import Blueprint, current_app, g, render_template, request
from sqlalchemy import select

from consult.comments.models import STANCES
from consult.core.db_setup import reads_only
from consult.core.numbers import int_arg
from consult.core.pagecache import cached_page, everyone, recent
from consult.drafts.models import STATUS_DRAFT, Consultation, Section
from consult.extensions import db
from consult.search import indexer
from consult.search.index import generation
from consult.search.query import search

bp = Blueprint("search", __name__)
log = logging.getLogger("consult.search")

INLINE_LOCK_TIMEOUT = 1.0  # seconds an inline drain waits for the index lock
KIND_LABELS = {"comment": "Ý kiến", "section": "Điều khoản dự thảo"}
STAKEHOLDER_LABELS = {"citizen": "Công dân", "business": "Doanh nghiệp / tổ chức"}


def _day(name, shift=0):
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d") + timedelta(days=shift)
    except ValueError:
        return None


#: the query arguments of a results page (any other one bypasses the page cache)
SEARCH_ARGS = {"q", "consultation", "article", "kind", "stakeholder", "stance", "sort", "from",
               "to", "page"}


@bp.get("/search")
@reads_only
def search_page():
    """Anyone: search published comments and draft articles, with filters and facets.

    Results pages are kept in the page cache under the index's generation (every index
    commit, i.e. every published, hidden or withdrawn comment, gives new keys), read again
    at most once per ``CONSULT_CACHE_SEARCH_LAG`` seconds: the same query is answered once
    per index change or lag, whichever is longer, whichever process serves it. They are the
    same for every visitor, signed in or not, but for the header."""
    return cached_page("search", _results_stamp(), _results_page, args=SEARCH_ARGS,
                       max_query=600, members=everyone)


def _results_stamp():
    """The index generation results pages are stored under, shared through the cache and
    read from the index at most once per ``CONSULT_CACHE_SEARCH_LAG`` seconds."""
    lag = current_app.config["CONSULT_CACHE_SEARCH_LAG"]
    if not lag:
        return generation()
    return recent("search:generation", generation, generation, lag)


def _results_page():
    q = request.args.get("q", "")
    consultation_id = int_arg("consultation")
    kind = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else None
    stakeholder = request.args.get("stakeholder")
    stakeholder = stakeholder if stakeholder in STAKEHOLDER_LABELS else None
    stance = request.args.get("stance") if request.args.get("stance") in STANCES else None
    sort = "date" if request.args.get("sort") == "date" else "relevance"
    result = search(q, consultation_id=consultation_id, article_id=int_arg("article"), kind=kind,
                    stakeholder=stakeholder, stance=stance, date_from=_day("from"),
                    date_to=_day("to", 1), sort=sort, page=max(int_arg("page") or 1, 1))
    consultations = {c.id: c for c in db.session.scalars(
        select(Consultation).where(Consultation.status != STATUS_DRAFT))}
    article_ids = {hit.article_id for hit in result.hits if hit.article_id}
    if consultation_id:  # the "Điều" facet is shown inside one consultation
        article_ids |= {int(key) for key in result.facets.get("article", {})}
    articles = {s.id: s for s in db.session.scalars(
        select(Section).where(Section.id.in_(article_ids)))} if article_ids else {}
    return render_template(
        "search/results.html", result=result, consultations=consultations, articles=articles,
        consultation=consultations.get(consultation_id), selected={
            "consultation": consultation_id, "article": int_arg("article"), "kind": kind,
            "stakeholder": stakeholder,
            "stance": stance, "sort": sort},
        kind_labels=KIND_LABELS, stakeholder_labels=STAKEHOLDER_LABELS, stance_labels=STANCES)


def _drain_after(app):
    def run():
        with app.app_context():
            try:
                # a short wait: during a rebuild the rows stay for the worker or next request
                indexer.drain_all(timeout=INLINE_LOCK_TIMEOUT)
            except Exception:  # the worker or the next request will retry; never break a page
                log.exception("inline search indexing failed")
            finally:
                db.session.remove()
    return run


def _schedule_drain(response):
    """After a request that wrote outbox rows: index them once the response is sent."""
    if "search" in getattr(g, "outbox_topics", ()) and current_app.config[
            "CONSULT_SEARCH_INLINE"]:
        response.call_on_close(_drain_after(current_app._get_current_object()))
    return response


def init_app(app):
    app.after_request(_schedule_drain)
    app.register_blueprint(bp)
