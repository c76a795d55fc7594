"""Keyset pages for the long staff lists (moderation queue, audit log, review workspace).

A list is a query in a fixed order — a few columns, each ascending or descending, the last
one unique (the id). A page is cut after (``?sau=``) or before (``?truoc=``) the sort key of
a row, never by OFFSET: the 5,000th page of a million comments costs one index seek, like
the first, and rows added or moderated meanwhile neither repeat nor vanish between pages.
The cursor is the row's key as base64url JSON; one that does not decode gives the first
page (a link that was edited by hand, not an error).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from flask import request
from sqlalchemy import and_, or_

from consult.extensions import db

AFTER, BEFORE = "sau", "truoc"
_MAX_CURSOR = 300
_BIGGEST = 2**63 - 1  # what a database integer holds


@dataclass
class KeysetPage:
    items: list
    total: int
    #: the cursors of the pages before and after this one (None: there is none)
    previous: str | None = None
    next: str | None = None

    @property
    def is_first(self):
        return self.previous is None


def pack(values):
    """JSON values as an opaque cursor (base64url, no padding)."""
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unpack(cursor, max_length=_MAX_CURSOR):
    """The JSON values a cursor holds, or None when it is not one of ours."""
    if not cursor or len(cursor) > max_length:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def encode(key):
    """A row's sort key as a cursor (datetimes as ISO text)."""
    return pack([{"t": v.isoformat()} if isinstance(v, datetime) else v for v in key])


def decode(cursor, types):
    """The key a cursor holds, its values of the given Python ``types`` in order, or None."""
    values = unpack(cursor)
    if not isinstance(values, list) or len(values) != len(types):
        return None
    try:
        key = tuple(datetime.fromisoformat(v["t"]) if isinstance(v, dict) else v
                    for v in values)
    except (ValueError, KeyError, TypeError):
        return None
    for value, kind in zip(key, types, strict=True):
        if type(value) is not kind or kind is int and not -_BIGGEST <= value <= _BIGGEST:
            return None
    return key


def requested(order):
    """(direction, key) from ``?sau=`` / ``?truoc=`` of this request for a list in
    ``order``, or None (the first page)."""
    types = [column.type.python_type for column, _descending in order]
    for direction in (AFTER, BEFORE):
        key = decode(request.args.get(direction), types)
        if key is not None:
            return direction, key
    return None


def _beyond(order, key):
    """Rows past ``key`` in ``order`` ([(column, descending)]): lexicographic, each column
    in its own direction. The first column's range is repeated alone so that the database
    seeks its index instead of testing every row."""
    branches = []
    for i, (column, descending) in enumerate(order):
        equal = [c == v for (c, _d), v in zip(order[:i], key, strict=False)]
        branches.append(and_(*equal, column < key[i] if descending else column > key[i]))
    first, descending = order[0]
    return and_(first <= key[0] if descending else first >= key[0], or_(*branches))


def _ordered(order):
    return [column.desc() if descending else column.asc() for column, descending in order]


def page(query, order, key_of, per_page, cursor=None, total=None):
    """One page of ``query`` (a select of the listed rows) in ``order``.

    ``key_of(row)`` gives a row's values of the order's columns; ``cursor`` is what
    ``requested(order)`` returned. ``total`` is carried to the template.
    """
    query = query.order_by(None)  # the list's own order, if it had one, gives way to ``order``
    direction, key = cursor or (AFTER, None)
    backwards = direction == BEFORE
    flipped = [(column, not descending) for column, descending in order]
    walk = flipped if backwards else order
    query_page = query if key is None else query.where(_beyond(walk, key))
    rows = db.session.execute(query_page.order_by(*_ordered(walk)).limit(per_page + 1)).all()
    rows = [row[0] if len(row) == 1 else row for row in rows]
    more, rows = len(rows) > per_page, rows[:per_page]
    if backwards:
        rows.reverse()
        if not rows:  # before the start (rows gone meanwhile): the first page
            return page(query, order, key_of, per_page, None, total)
    result = KeysetPage(items=rows, total=total if total is not None else len(rows))
    if not rows:
        return result
    first, last = key_of(rows[0]), key_of(rows[-1])
    has_previous = more if backwards else key is not None and _exists(query, flipped, first)
    has_next = _exists(query, order, last) if backwards else more
    result.previous = encode(first) if has_previous else None
    result.next = encode(last) if has_next else None
    return result


def _exists(query, order, key):
    return db.session.execute(query.where(_beyond(order, key)).limit(1)).first() is not None
