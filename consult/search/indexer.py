"""Draining the outbox into the index, and rebuilding the index from the database.

Idempotent by design: an outbox row is deleted only after the index commit that applied
it, so a crash in between re-applies it next time (the result is the same).
"""

import logging
import time
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.comments.models import STATUS_PUBLISHED, Comment
from consult.core.outbox import OutboxEntry
from consult.drafts.models import STATUS_DRAFT, Consultation, Section
from consult.extensions import db
from consult.search.documents import (
    comment_document,
    comment_is_searchable,
    section_documents,
    section_group,
)
from consult.search.index import (
    LockError,
    commit_rebuild,
    open_index,
    prune_shared_arrays,
    rebuild_writer,
    writer,
)

log = logging.getLogger("consult.search")
TOPIC = "search"


def _apply(w, entity, entity_id, comments):
    """One outbox change into the index; ``comments``: the batch's, by id (``_load_comments``;
    a comment not there was deleted)."""
    if entity == "comment":
        comment = comments.get(entity_id)
        if comment is not None and comment_is_searchable(comment):
            w.update_document(**comment_document(comment))
        else:
            w.delete_by_term("doc_id", f"c:{entity_id}")
    elif entity == "consultation":
        w.delete_by_term("group", section_group(entity_id))
        consultation = db.session.get(Consultation, entity_id)
        if consultation is not None:
            for document in section_documents(consultation):
                w.add_document(**document)


def _load_comments(ids):
    """{id: comment} for the batch, with their article, author and consultation, read in one
    query (one query per comment would be four)."""
    if not ids:
        return {}
    return {comment.id: comment for comment in db.session.scalars(
        select(Comment).where(Comment.id.in_(ids)).options(
            joinedload(Comment.section), joinedload(Comment.author),
            joinedload(Comment.consultation)))}


def drain(batch_size=500, timeout=None):
    """Apply up to ``batch_size`` outbox rows to the index; returns how many were applied.

    Returns 0 without raising when another process holds the index lock: the rows stay
    for the next drain.
    """
    rows = db.session.execute(
        select(OutboxEntry.id, OutboxEntry.entity, OutboxEntry.entity_id)
        .where(OutboxEntry.topic == TOPIC).order_by(OutboxEntry.id).limit(batch_size)).all()
    if not rows:
        return 0
    ix = open_index()
    try:
        w = writer(ix, **({"timeout": timeout} if timeout is not None else {}))
    except LockError:
        log.info("search index busy; %d outbox rows left for the next drain", len(rows))
        db.session.rollback()
        return 0
    try:
        changes = list(dict.fromkeys((e, i) for _row, e, i in rows))
        comments = _load_comments([i for e, i in changes if e == "comment"])
        for entity, entity_id in changes:
            _apply(w, entity, entity_id, comments)
        w.commit()
    except Exception:
        w.cancel()
        db.session.rollback()
        raise
    prune_shared_arrays(ix)
    db.session.execute(delete(OutboxEntry).where(OutboxEntry.id.in_([r.id for r in rows])))
    db.session.commit()
    return len(rows)


def drain_all(batch_size=500, timeout=None):
    """Drain until the outbox is empty (or the index stays busy)."""
    total = 0
    while True:
        applied = drain(batch_size, timeout)
        total += applied
        if applied == 0:
            return total


def run_worker(poll_seconds=0.5, stop_after=None, batch_seconds=1.0):
    """The search worker process: drain forever (``stop_after`` seconds in tests).

    While changes keep coming, a drain starts at most every ``batch_seconds``, so what
    arrives meanwhile goes into one commit: each commit is a new segment to merge and, in
    every web process, a new searcher to open and search results to compute again.
    """
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        began = time.monotonic()
        applied = drain()
        db.session.remove()
        if applied == 0:
            time.sleep(poll_seconds)
        else:
            time.sleep(max(0.0, batch_seconds - (time.monotonic() - began)))


def _published_comments(batch_size):
    """Every published comment of a public consultation, as light objects with the
    attributes ``comment_document`` reads: plain rows, no ORM objects, so a rebuild of a
    million comments stays fast and small."""
    names = {row.id: User.format_public_name(row.display_name, row.kind,
                                             row.organisation_name, row.deleted_at)
             for row in db.session.execute(select(User.id, User.display_name,
                                                  User.organisation_name, User.kind,
                                                  User.deleted_at))}
    sections = {row.id: SimpleNamespace(id=row.id, label=Section.label_of(row.kind, row.number),
                                        title=row.title)
                for row in db.session.execute(
                    select(Section.id, Section.kind, Section.number, Section.title))}
    rows = db.session.execute(
        select(Comment.id, Comment.body, Comment.proposed_wording, Comment.consultation_id,
               Comment.section_id, Comment.author_id, Comment.author_kind, Comment.stance,
               Comment.created_at)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(Comment.status == STATUS_PUBLISHED, Consultation.status != STATUS_DRAFT)
        .order_by(Comment.id).execution_options(yield_per=batch_size))
    for row in rows:
        yield SimpleNamespace(
            id=row.id, body=row.body, proposed_wording=row.proposed_wording,
            consultation_id=row.consultation_id, section=sections.get(row.section_id),
            author=SimpleNamespace(public_name=names.get(row.author_id, "")),
            author_kind=row.author_kind, stance=row.stance, created_at=row.created_at)


def reindex(batch_size=2000, progress=None):
    """Rebuild the whole index from the database; returns the number of documents.

    The site keeps working meanwhile: readers see the old index until the new one is
    committed; changes made during the rebuild stay in the outbox and are applied after.
    """
    started_at = db.session.scalar(select(db.func.max(OutboxEntry.id))) or 0
    w = rebuild_writer(procs=current_app.config["CONSULT_SEARCH_BUILD_PROCS"])
    count = 0
    try:
        for consultation in db.session.scalars(
                select(Consultation).where(Consultation.status != STATUS_DRAFT)):
            for document in section_documents(consultation):
                w.add_document(**document)
                count += 1
        for comment in _published_comments(batch_size):
            w.add_document(**comment_document(comment))
            count += 1
            if progress and count % batch_size == 0:
                progress(count)
        commit_rebuild(w)
    except Exception:
        w.cancel()
        raise
    prune_shared_arrays(open_index())  # the rebuilt index
    db.session.execute(delete(OutboxEntry).where(OutboxEntry.topic == TOPIC,
                                                 OutboxEntry.id <= started_at))
    db.session.commit()
    return count
