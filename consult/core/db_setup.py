"""Database helpers: SQLite pragmas, checks of idle server connections, UTC timestamps,
common mixins."""

import sqlite3
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

_LAST_USED = "consult_last_used"


def utcnow():
    """Current time in UTC as a naive datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Foreign keys on, WAL journal and a busy timeout for every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _note_use(_dbapi_connection, record, *_args):
    record.info[_LAST_USED] = time.monotonic()


def ping_if_idle(idle_seconds, dbapi_connection, record, _proxy=None):
    """Before a pooled connection is used: when it sat unused ``idle_seconds`` or more (the
    server may have restarted or dropped it meanwhile), check it with ``SELECT 1``; a
    failed check makes the pool open a new one (``DisconnectionError``).

    Instead of SQLAlchemy's ``pool_pre_ping``, which checks every checkout: on PostgreSQL
    that was three round trips (BEGIN, SELECT 1, ROLLBACK) of the seven a page served from
    the cache cost, while a connection in steady use is known to work. A connection that
    fails in use is still replaced by SQLAlchemy with every connection older than it.
    """
    if time.monotonic() - record.info.get(_LAST_USED, 0.0) < idle_seconds:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # whatever the driver raises for a dead connection
        raise exc.DisconnectionError(str(error)) from error


def init_app(app):
    """Server databases: check pooled connections that sat idle (``ping_if_idle``)."""
    from consult.extensions import db

    app.extensions.setdefault("consult", {})
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        return
    idle_seconds = app.config["CONSULT_DB_PING_AFTER"]
    event.listen(engine, "connect", _note_use)
    event.listen(engine, "checkin", _note_use)
    event.listen(engine, "checkout", lambda *args: ping_if_idle(idle_seconds, *args))
