"""What the public comment pages read: keyset pages of a thread, replies, the cache stamp.

A thread is the top-level comments on one article, or the general comments of a
consultation, oldest first. Pages are cut by keyset on (created_at, id), never by OFFSET, so
page 5,000 of an article with 100,000 comments costs what page 1 costs. The cursor in
``?trang=`` names a comment: ``sau-123`` (the page after it: newer), ``truoc-123`` (the page
before it: older), ``tu-123`` (the page starting with it: permalinks) or ``cuoi`` (the newest
page). A cursor that names nothing of the thread gives the first page.
"""

import functools
import hashlib
import operator
import re
from dataclasses import dataclass

from flask import current_app, g
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased, joinedload, selectinload

from consult.comments.models import (
    STATUS_HIDDEN,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
    Comment,
    thread_generation,
)
from consult.comments.services import (
    key_compare,
    published_count,
    published_counts_by_section,
    reaction_counts,
    thread_of,
)
from consult.core import pagecache
from consult.core.templating import countdown
from consult.drafts.models import PHASE_OPEN, Consultation, DraftVersion, Section
from consult.drafts.versions import earlier_sections
from consult.extensions import db

_CURSOR = re.compile(r"(sau|truoc|tu)-(\d{1,12})|cuoi")
_DIRECTIONS = {"sau": "after", "truoc": "before", "tu": "from"}
#: the statuses in which authors still see their own comment (with a note saying why)
OWN_STATUSES = (STATUS_PENDING, STATUS_HIDDEN, STATUS_REJECTED)


@dataclass
class Cursor:
    direction: str          # "after", "before", "from" or "last"
    position: tuple = ()    # (created_at, id) of the comment the cursor names


@dataclass
class CommentPage:
    items: list
    total: int              # published top-level comments of the thread (shown in headings)
    older: str | None = None    # ?trang= of the previous page, when there is one
    newer: str | None = None    # ?trang= of the next page

    @property
    def is_first(self):
        return self.older is None


def _visible(viewer):
    """What ``viewer`` sees, as separate conditions (each one index-friendly): published
    comments, and their own comments that wait, were hidden or refused."""
    conditions = [Comment.status == STATUS_PUBLISHED]
    if getattr(viewer, "is_authenticated", False):
        conditions.append((Comment.author_id == viewer.id) & Comment.status.in_(OWN_STATUSES))
    return conditions


def _fetch(thread, visible, compare, position, newest_first, limit):
    query = select(Comment).where(*thread, visible)
    if position:
        query = query.where(key_compare(compare, position))
    if newest_first:
        query = query.order_by(Comment.created_at.desc(), Comment.id.desc())
    else:
        query = query.order_by(Comment.created_at, Comment.id)
    return db.session.scalars(query.options(selectinload(Comment.author)).limit(limit)).all()


def _exists(thread, viewer, compare, comment):
    position = (comment.created_at, comment.id)
    return any(db.session.scalar(select(Comment.id).where(
        *thread, visible, key_compare(compare, position)).limit(1)) is not None
        for visible in _visible(viewer))


def parse_cursor(value, consultation, section=None):
    """The Cursor ``?trang=`` names in this thread, or None (the first page)."""
    match = _CURSOR.fullmatch(value or "")
    if match is None:
        return None
    if match.group(1) is None:
        return Cursor("last")
    anchor = db.session.get(Comment, int(match.group(2)))
    section_id = section.id if section is not None else None
    if (anchor is None or anchor.consultation_id != consultation.id
            or anchor.parent_id is not None or anchor.section_id != section_id):
        return None
    return Cursor(_DIRECTIONS[match.group(1)], (anchor.created_at, anchor.id))


def comment_page(consultation, section, cursor=None, per_page=20, viewer=None, total=0):
    """One page of the thread of ``section`` (None: general comments) for ``viewer``.

    Published comments, plus the viewer's own waiting/hidden/refused ones so an author sees
    what became of theirs. ``total`` is only carried to the template.
    """
    thread = thread_of(consultation.id, section.id if section is not None else None)
    cursor = cursor or Cursor("first")
    compare = {"after": operator.gt, "from": operator.ge, "before": operator.lt}.get(
        cursor.direction)
    newest_first = cursor.direction in ("before", "last")
    found = {c.id: c for visible in _visible(viewer)
             for c in _fetch(thread, visible, compare, cursor.position, newest_first,
                             per_page + 1)}
    rows = sorted(found.values(), key=lambda c: (c.created_at, c.id), reverse=newest_first)
    more, rows = len(rows) > per_page, rows[:per_page]
    if not rows and cursor.direction in ("after", "from", "before"):
        # past either end (the comments after it were hidden, say): the nearest real page
        fallback = Cursor("last") if cursor.direction != "before" else None
        return comment_page(consultation, section, fallback, per_page, viewer, total)
    if newest_first:
        rows.reverse()
    page = CommentPage(items=rows, total=total)
    if not rows:
        return page
    if newest_first:
        older = more
        newer = cursor.direction == "before" and _exists(thread, viewer, operator.gt, rows[-1])
    else:
        older = cursor.direction != "first" and _exists(thread, viewer, operator.lt, rows[0])
        newer = more
    page.older = f"truoc-{rows[0].id}" if older else None
    page.newer = f"sau-{rows[-1].id}" if newer else None
    return page


def cursor_for(comment, per_page, viewer=None):
    """The ``?trang=`` of a page showing top-level ``comment`` to ``viewer``: None when it is
    on the first page, else ``tu-<id>`` (the page starting with it)."""
    thread = thread_of(comment.consultation_id, comment.section_id)
    before = key_compare(operator.lt, (comment.created_at, comment.id))
    earlier = 0
    for visible in _visible(viewer):
        ids = (select(Comment.id).where(*thread, visible, before)
               .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(per_page))
        earlier += db.session.scalar(select(func.count()).select_from(ids.subquery()))
    return None if earlier < per_page else f"tu-{comment.id}"


def replies_of(comments, viewer=None):
    """{comment id: its replies ``viewer`` sees, oldest first} in one query."""
    replies = {c.id: [] for c in comments}
    if not replies:
        return replies
    rows = db.session.scalars(
        select(Comment).where(Comment.parent_id.in_(list(replies)), or_(*_visible(viewer)))
        .options(selectinload(Comment.author)).order_by(Comment.id))
    for reply in rows:
        replies[reply.parent_id].append(reply)
    return replies


def find_article_page(slug, anchor, user=None):
    """What an article page needs before it is served: the consultation at ``slug`` (its
    versions loaded; None if there is none), the article ``anchor`` of its current version
    (None if it has none) and whether ``user``, when given, has comments in that thread only
    they see (``has_unpublished_comments``) — in one query. A page served from the cache needs
    nothing else from the database, and on PostgreSQL each query is a round trip during which
    the worker serves no one (three for a member, before).
    """
    values = {"slug": slug, "anchor": anchor}
    if user is not None:
        values["user_id"] = user.id
    row = db.session.execute(_article_page_query(user is not None), values).unique().first()
    if row is None:
        return None, None, False
    return row[0], row[1], bool(row[2]) if user is not None else False


@functools.cache
def _article_page_query(for_member):
    """``find_article_page``'s statement, built once: building it anew took as long as the
    database took to answer it."""
    current = (select(func.max(DraftVersion.number))
               .where(DraftVersion.consultation_id == Consultation.id)
               .correlate(Consultation).scalar_subquery())
    version = aliased(DraftVersion)
    columns = [Consultation, Section]
    if for_member:
        member = bindparam("user_id", type_=Integer)
        columns.append(exists().where(
            *_only_theirs(member, Consultation.id, Comment.section_id == Section.id)))
    return (select(*columns).select_from(Consultation)
            .outerjoin(version, and_(version.consultation_id == Consultation.id,
                                     version.number == current))
            .outerjoin(Section, and_(Section.version_id == version.id,
                                     Section.anchor == bindparam("anchor"),
                                     Section.kind == "dieu"))
            .where(Consultation.slug == bindparam("slug"))
            .options(joinedload(Consultation.versions)))


def has_unpublished_comments(user, consultation, section=None):
    """Whether ``user`` has comments or replies in the thread of ``section`` (None: the
    general comments) that only they see: waiting, hidden or refused."""
    thread = (Comment.section_id.is_(None) if section is None
              else Comment.section_id == section.id)
    return db.session.scalar(select(Comment.id).where(
        *_only_theirs(user.id, consultation.id, thread)).limit(1)) is not None


def _only_theirs(user_id, consultation_id, thread):
    """The conditions on the comments of user ``user_id`` in ``thread`` of a consultation
    that only they see (either id: a value, a parameter or the column of an enclosing
    query)."""
    return (Comment.author_id == user_id, Comment.consultation_id == consultation_id, thread,
            Comment.status.in_(OWN_STATUSES))


def _iso(value):
    return value.isoformat() if value is not None else "-"


def page_stamp(consultation, now=None):
    """A string that changes whenever what the consultation's public pages show changes.

    The consultation row (edits, status, versions, answers after publication: its
    ``updated_at``), its phase (dates pass without a write) and the latest ``updated_at``
    of its comments (new comments, status changes, official marks, reactions). One indexed
    look-up (``ix_comments_consultation_updated``), and the consultation's generation in the
    cache (``pagecache.generation``: commits that land out of timestamp order).
    """
    latest = db.session.scalar(select(func.max(Comment.updated_at))
                               .where(Comment.consultation_id == consultation.id))
    return (f"{_row_stamp(consultation, now)}.{_iso(latest)}"
            f".{pagecache.generation(f'c{consultation.id}')}")


def thread_stamp(consultation, section=None, first_page=True, now=None):
    """The stamp of a page of one thread (an article's, or the general comments).

    With a shared cache (Redis) the consultation row, its phase and countdown, and the
    generations of the thread, of the threads of the article's earlier versions (their
    comments show below it) and of the names pages show: a comment on one article leaves
    the other articles' pages in the cache (their counts come from ``section_counts`` when
    served). The ``first_page`` of a thread has a generation of its own: a reaction, or a
    comment past it, changes only the figures it is completed with (``thread_figures``).
    Without a shared cache, other processes' generations are not seen, so the whole
    consultation's ``page_stamp``.
    """
    if not pagecache.shared():
        return page_stamp(consultation, now)
    own = thread_generation(consultation.id, section.id if section is not None else None)
    threads = [f"{own}:first" if first_page else own]
    if section is not None:
        threads += [f"s{s}" for s in _earlier_ids(section)]
    return ".".join([_row_stamp(consultation, now),
                     *pagecache.generations([*threads, pagecache.NAMES])])


def thread_timeout():
    """Seconds a thread's page is kept: with Redis its stamp sees everything it shows
    (``CONSULT_CACHE_THREAD_TIMEOUT``); without, the default bound."""
    if pagecache.shared():
        return current_app.config["CONSULT_CACHE_THREAD_TIMEOUT"]
    return None


_lineage = {}


def _earlier_ids(section):
    """Ids of the sections ``section`` continues (fixed when its version was published, so
    kept per process)."""
    if section.id not in _lineage:
        if len(_lineage) > 100_000:
            _lineage.clear()
        _lineage[section.id] = tuple(s.id for s in earlier_sections(section))
    return _lineage[section.id]


def _row_stamp(consultation, now):
    """The consultation row's part of a stamp: its id, phase, ``updated_at`` and, while it
    is open, the countdown as the page writes it ("còn 3 ngày")."""
    phase = consultation.phase(now)
    stamp = f"{consultation.id}.{phase}.{_iso(consultation.updated_at)}"
    if phase == PHASE_OPEN:
        unit, number = countdown(consultation.closes_at, now)
        stamp += f".{unit}{number}"
    return stamp


def section_counts(consultation, section=None, exact=False):
    """{section id or None: published top-level comments}, for the pages' contents and totals.

    Shared through the cache and recomputed at most once per ``CONSULT_CACHE_COUNTS_LAG``
    seconds (at a million comments the count takes ~30 ms, and a surge changes it many times
    a second), except the count of ``section``'s own thread (``section`` None: the general
    comments), which is always read exactly, as is everything with ``exact``.
    """
    counts = shared_counts(consultation, exact)
    if not exact and pagecache.enabled() and current_app.config["CONSULT_CACHE_COUNTS_LAG"]:
        own = section.id if section is not None else None
        counts = {**counts, own: published_count(consultation.id, own)}
    return {key: n for key, n in counts.items() if n}


def shared_counts(consultation, exact=False):
    """The consultation's counts from the cache (up to ``CONSULT_CACHE_COUNTS_LAG`` s old)."""
    lag = 0.0 if exact else current_app.config["CONSULT_CACHE_COUNTS_LAG"]
    return pagecache.recent(f"counts:{consultation.id}", lambda: page_stamp(consultation),
                            lambda: published_counts_by_section(consultation.id), lag)


# ---- figures left as slots in cached pages, filled when served ---------------------------

_COUNT_SLOT = re.compile(r'<consult-count k="(toc|paren|total)" s="(\d+|total|own)"/>')
_REACTION_SLOT = re.compile(r'<consult-reaction c="(\d+)" k="(support|oppose)"/>')


def count_text(kind, n):
    """A count as the pages write it: "(12)", "12 ý kiến", "12"."""
    if kind == "toc":
        return ngettext("%(num)d ý kiến", "%(num)d ý kiến", n)
    return f"({n})" if kind == "paren" else str(n)


def count_slot(kind, counts, key, own=None):
    """What a template writes for ``counts[key]`` ("total": their sum): the text, or, in a
    page being stored in the cache (``g.storing_page``), a slot that ``fill_counts`` fills
    with the counts of the moment; the count of ``own`` (the page's own thread) exactly."""
    if g.get("storing_page"):
        return Markup(f'<consult-count k="{kind}" s="{"own" if key == own else key}"/>')
    return count_text(kind, sum(counts.values()) if key == "total" else counts.get(key, 0))


def fill_counts(html, counts, own):
    """The slots of a stored page filled with ``counts`` and the ``own`` thread's count."""
    total = sum(counts.values())

    def text(match):
        key = match[2]
        n = total if key == "total" else own if key == "own" else counts.get(int(key), 0)
        return str(escape(count_text(match[1], n)))
    return _COUNT_SLOT.sub(text, html)


def reaction_slot(comment_id, kind, counts):
    """What a template writes for a comment's reactions of ``kind``: the number (from
    ``counts``), or, in a page being stored, a slot ``fill_reactions`` fills."""
    if g.get("storing_page"):
        return Markup(f'<consult-reaction c="{int(comment_id)}" k="{kind}"/>')
    return counts.get(kind, 0)


def thread_figures(consultation, section, stamp, html):
    """(The published count of the thread of ``section``, {comment id: reactions}) for a
    stored page of it (``html``, under ``stamp``): kept in the cache while the thread's
    generation stays the same (any change in it, a reaction included), so a page served
    from the cache shows them as exactly as a page rendered anew, for one round trip."""
    ids = sorted({int(i) for i, _kind in _REACTION_SLOT.findall(html)})
    digest = hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=8).hexdigest()
    section_id = section.id if section is not None else None
    thread = thread_generation(consultation.id, section_id)
    return pagecache.current(
        f"figures:{stamp}:{thread}:{digest}", [thread],
        lambda: (published_count(consultation.id, section_id), reaction_counts(ids)),
        timeout=thread_timeout())


def fill_reactions(html, counts):
    """The reaction slots of a stored page filled with ``counts`` ({id: {kind: n}})."""
    return _REACTION_SLOT.sub(lambda m: str(counts.get(int(m[1]), {}).get(m[2], 0)), html)
