"""Keyset pagination: stable order on (created_at, id), an opaque cursor, ``next`` links.

A cursor is the last row's sort key, base64url-encoded JSON. Pages never skip or repeat a
row when rows are added meanwhile (OFFSET pages would), and each page costs one index seek.
"""

from datetime import datetime

from flask import request, url_for

from consult.api.params import bad
from consult.core.keyset import pack, unpack
from consult.extensions import db


def _decode(cursor):
    values = unpack(cursor, max_length=200)
    if values is None:
        raise bad("cursor", "invalid cursor")
    return values


def decode_keyset(cursor):
    """(created_at, id) from a keyset cursor, or a 400 naming ``cursor``."""
    values = _decode(cursor)
    try:
        stamp, row_id = values
        if not isinstance(row_id, int) or isinstance(row_id, bool) or row_id < 0:
            raise ValueError
        return datetime.fromisoformat(stamp), row_id
    except (TypeError, ValueError):
        raise bad("cursor", "invalid cursor") from None


def decode_page(cursor):
    """The page number from a search cursor (results ordered by relevance)."""
    values = _decode(cursor)
    if not (isinstance(values, dict) and isinstance(values.get("page"), int)
            and not isinstance(values.get("page"), bool) and 1 < values["page"] <= 10_000):
        raise bad("cursor", "invalid cursor")
    return values["page"]


def after_key(created_column, id_column, stamp, row_id):
    """The condition "after (stamp, row_id)" in (created_at, id) order.

    The redundant ``created_at >= stamp`` lets SQLite and PostgreSQL seek the index range
    instead of scanning every earlier row for each page (with only the OR, SQLite reads from
    the start of the consultation's rows every time).
    """
    return (created_column >= stamp) & (
        (created_column > stamp) | ((created_column == stamp) & (id_column > row_id)))


def after(query, created_column, id_column, cursor):
    """``query`` restricted to rows after the cursor, in (created_at, id) order."""
    if cursor:
        query = query.where(after_key(created_column, id_column, *decode_keyset(cursor)))
    return query.order_by(created_column, id_column)


def keyset_page(query, created_column, id_column, cursor, limit):
    """(rows, next cursor or None): one more row is read to know whether a next page exists."""
    rows = db.session.scalars(after(query, created_column, id_column, cursor)
                              .limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, pack([last.created_at.isoformat(), last.id])


def next_url(cursor):
    """The current URL with ``cursor`` replaced (absolute), or None at the end."""
    if cursor is None:
        return None
    args = request.args.to_dict()
    args["cursor"] = cursor
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
