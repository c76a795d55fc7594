"""Database helpers: SQLite pragmas, checks of idle server connections, requests that only
read, UTC timestamps, common mixins."""

import sqlite3
import time
from datetime import UTC, datetime

from flask import current_app, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

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


# ---- requests that only read ------------------------------------------------------------

_READS_ONLY = "consult_reads_only"  # on a marked view, and in its request's session.info
_AUTOCOMMIT_ENGINE = "autocommit_engine"  # in app.extensions["consult"]


def reads_only(view):
    """Mark a view whose GET only reads the database: its queries run on a connection in
    autocommit, outside any transaction.

    On PostgreSQL a transaction costs two round trips of its own, BEGIN and the ROLLBACK
    that ends a request, during which a sync worker serves no one: with Redis, a page served
    from the cache asks one question (two for a member) and paid three (four). Each
    statement still sees everything committed before it, as in a transaction at
    PostgreSQL's default level (READ COMMITTED takes a new snapshot per statement). Writing
    in such a request is a bug: a flush or an INSERT, UPDATE or DELETE raises instead of
    committing statement by statement.
    """
    setattr(view, _READS_ONLY, True)
    return view


class RequestSession(FlaskSession):
    """The session of ``db``: in a request that only reads, bound to the engine in
    autocommit (the same pool of connections; the level is set as a connection is taken
    and reset when it is returned, neither of which asks the server anything)."""

    def get_bind(self, *args, **kwargs):
        if self.info.get(_READS_ONLY):
            return current_app.extensions["consult"][_AUTOCOMMIT_ENGINE]
        return super().get_bind(*args, **kwargs)


def _start_request(sessions):
    """Before a request: a view marked ``reads_only`` asked with GET or HEAD runs on a
    session without a transaction (when it holds none yet, as a request's new one never
    does; the tests' shared session may). Other requests are left alone: no session is
    made for them here."""
    view = current_app.view_functions.get(request.endpoint)
    if request.method in ("GET", "HEAD") and getattr(view, _READS_ONLY, False):
        session = sessions()
        if not session.in_transaction() and not _has_changes(session):
            session.info[_READS_ONLY] = True


def _end_request(sessions):
    """After a read-only request: give its connection back (a no-op on the server) so the
    session, if it lives on, starts its next transaction as usual."""
    if sessions.registry.has() and sessions().info.pop(_READS_ONLY, False):
        sessions().rollback()


def _has_changes(session):
    return bool(session.new or session.dirty or session.deleted)


def _refuse(session):
    if session.info.get(_READS_ONLY):
        raise RuntimeError("a view marked reads_only tried to write to the database")


@event.listens_for(Session, "before_flush")
def _refuse_flushes(session, _flush_context, _instances):
    if _has_changes(session):
        _refuse(session)


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements(state):
    """INSERT, UPDATE and DELETE statements run through the session (no flush sees them)."""
    if state.is_insert or state.is_update or state.is_delete:
        _refuse(state.session)


def init_app(app):
    """Requests that only read (``reads_only``); on server databases, check pooled
    connections that sat idle (``ping_if_idle``)."""
    from consult.extensions import db

    app.before_request(lambda: _start_request(db.session))
    app.teardown_request(lambda _error: _end_request(db.session))
    with app.app_context():
        engine = db.engine
    app.extensions.setdefault("consult", {})[_AUTOCOMMIT_ENGINE] = engine.execution_options(
        isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "sqlite":
        return
    idle_seconds = app.config["CONSULT_DB_PING_AFTER"]
    event.listen(engine, "connect", _note_use)
    event.listen(engine, "checkin", _note_use)
    event.listen(engine, "checkout", lambda *args: ping_if_idle(idle_seconds, *args))
